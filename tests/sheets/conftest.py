"""Helpers that fill the facts template as an official would: by header, in Vietnamese."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from chuan_engine.cli import main


@pytest.fixture
def template(tmp_path: Path) -> Path:
    out = tmp_path / "mau.xlsx"
    assert main(["template", "--pack", "thi_dua", "--out", str(out)]) == 0
    return out


class Filler:
    """The helpers, handed to tests as the ``filler`` fixture."""

    @staticmethod
    def rows(wb: Any, sheet: str, rows: list[dict[str, Any]], start: int = 2) -> None:
        put_rows(wb, sheet, rows, start)

    @staticmethod
    def title_row(wb: Any, sheet: str, title: str) -> None:
        add_title_row(wb, sheet, title)

    @staticmethod
    def date(text: str) -> dt.datetime:
        return d(text)


@pytest.fixture
def filler() -> type[Filler]:
    return Filler


def put_rows(wb: Any, sheet: str, rows: list[dict[str, Any]], start: int = 2) -> None:
    """Write rows under the header of a template sheet, each a {Vietnamese header: value} mapping."""
    ws = wb[sheet]
    col = {c.value: c.column for c in ws[1]}
    for i, row in enumerate(rows):
        for header, value in row.items():
            ws.cell(start + i, col[header], value)


def add_title_row(wb: Any, sheet: str, title: str) -> None:
    """An official's title above the header ("DANH SÁCH CÁN BỘ…"): the header moves to row 2."""
    ws = wb[sheet]
    ws.insert_rows(1)
    ws.cell(1, 1, title)


def d(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%d/%m/%Y")
