"""What a request brings, read through the library's own readers: facts, workbooks, parameter overrides.

Every input is written to a private temporary folder and read by the same function the CLI uses
(``load_facts``, ``read_parameter_file``, the batch reader ``read_inputs``), so the server accepts
and refuses exactly what ``chuan evaluate`` does; errors name the uploaded file, not the folder.
Nothing outlives the request.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ChuanError, FactsError, ParameterError, Text
from ..facts.loader import load_facts
from ..facts.store import Facts
from ..pack.find import read_parameter_file
from ..pack.parameters import ParameterValue
from ..pack.plan import Plan
from .workbook import facts_from_tables

FACT_SUFFIXES = (".yaml", ".yml", ".json")
TABLE_SUFFIXES = (".xlsx", ".csv")
_SAFE = re.compile(r"[^A-Za-z0-9_.-]+")


@dataclass(frozen=True)
class Upload:
    """One uploaded file: the name the client gave and its bytes."""

    name: str
    data: bytes


@contextmanager
def scratch() -> Iterator[Path]:
    """A private folder for one request, removed when the request ends, whatever happens."""
    with tempfile.TemporaryDirectory(prefix="chuan-serve-") as d:
        folder = Path(d)
        try:
            yield folder
        except ChuanError as exc:
            if exc.file and exc.file.startswith(d):
                exc.file = exc.file[len(d):].lstrip("/\\") or None
            raise


def safe_name(name: str, default: str) -> str:
    """A file name with no folder part and no odd characters (the suffix is kept)."""
    base = _SAFE.sub("_", Path(name or default).name).lstrip(".")
    return base or default


def parse_date(text: str | None) -> dt.date:
    """An evaluation date as YYYY-MM-DD or dd/mm/yyyy; required (never a silent today)."""
    if text is None or not str(text).strip():
        raise FactsError(Text("thiếu ngày đánh giá (dùng YYYY-MM-DD hoặc dd/mm/yyyy)",
                              "missing evaluation date (use YYYY-MM-DD or dd/mm/yyyy)"), field="date")
    s = str(text).strip()
    try:
        if re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", s):
            d, m, y = (int(p) for p in s.split("/"))
            return dt.date(y, m, d)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", s):
            return dt.date.fromisoformat(s)
    except ValueError:
        pass
    raise FactsError(Text(f"ngày không hợp lệ {s!r} (dùng YYYY-MM-DD hoặc dd/mm/yyyy)",
                          f"not a date {s!r} (use YYYY-MM-DD or dd/mm/yyyy)"), field="date")


def facts_from_json(folder: Path, data: Any) -> Facts:
    """Facts given as JSON in the request: any shape a facts file may have, read as that file would be."""
    path = folder / "facts.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return load_facts(path)


def parameters_from(folder: Path, data: Any, name: str = "parameters.json") -> dict[str, tuple[ParameterValue, ...]]:
    """Parameter overrides given as a mapping (JSON) or as an uploaded YAML/JSON file's bytes."""
    if isinstance(data, Upload):
        fname = safe_name(data.name, name)
        if Path(fname).suffix.lower() not in FACT_SUFFIXES:
            raise ParameterError(Text("tệp tham số phải là .yaml, .yml hoặc .json",
                                      "a parameter file must be .yaml, .yml or .json"), file=fname)
        path = folder / fname
        path.write_bytes(data.data)
    else:
        path = folder / name
        path.write_text(json.dumps(data, ensure_ascii=False, default=str), encoding="utf-8")
    return read_parameter_file(path)


def facts_from_uploads(folder: Path, uploads: list[Upload], on: dt.date, pack: Plan) -> Facts:
    """Facts files (YAML/JSON), one .xlsx workbook (a sheet per frame) or CSV frames (``staff.csv``…)."""
    if not uploads:
        raise FactsError(Text("chưa gửi tệp dữ kiện nào (.xlsx, .csv, .yaml hoặc .json)",
                              "no facts file uploaded (.xlsx, .csv, .yaml or .json)"), field="file")
    names: list[str] = []
    for up in uploads:
        name = safe_name(up.name, "facts")
        if name in names:
            raise FactsError(Text("hai tệp cùng tên; đổi tên một tệp", "two files with the same name; rename one"),
                             file=name)
        names.append(name)
    suffixes = {Path(n).suffix.lower() for n in names}
    unknown = suffixes - set(FACT_SUFFIXES) - set(TABLE_SUFFIXES)
    if unknown:
        raise FactsError(Text(f"định dạng không hỗ trợ {sorted(unknown)} (dùng .xlsx, .csv, .yaml, .json)",
                              f"unsupported format {sorted(unknown)} (use .xlsx, .csv, .yaml, .json)"), file=names[0])
    tables = suffixes & set(TABLE_SUFFIXES)
    if tables and (suffixes - tables):
        raise FactsError(Text("không trộn bảng tính với tệp YAML/JSON trong một lần gửi",
                              "do not mix spreadsheets and YAML/JSON files in one request"), file=names[0])
    if ".xlsx" in suffixes and len(names) > 1:
        raise FactsError(Text("gửi một sổ tính .xlsx mỗi lần", "send one .xlsx workbook at a time"),
                         file=names[0])
    sub = folder / "facts"
    sub.mkdir()
    for name, up in zip(names, uploads, strict=True):
        (sub / name).write_bytes(up.data)
    if not tables:
        return load_facts(*(sub / n for n in names))
    return facts_from_tables(sub / names[0] if ".xlsx" in suffixes else sub, on, pack)
