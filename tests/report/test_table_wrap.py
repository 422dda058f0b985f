"""Issue 15: the terminal table fits the width asked for and wraps long titles and citations, never cuts them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from chuan_engine import load_facts, open_pack
from chuan_engine.report.table import MARK

ROOT = Path(__file__).resolve().parents[2]
CITE_AT = 74  # 4 + title 34 (= 100 - 40 - 26) + 1 + value 8 + 1 + threshold 10 + 1 + margin 13 + 2


def _continues(line: str) -> bool:
    """A wrapped line of a row: more title (at column 4) or only more citation (at column 74)."""
    return line.startswith("    ") and (line[4:5] != " " or (len(line) > CITE_AT and not line[:CITE_AT].strip()))


def test_rows_wrap_within_the_width_and_keep_every_word_of_the_citation():
    report = open_pack("qd11_2021").evaluate(load_facts(ROOT / "fixtures" / "schools" / "ha_tinh.yaml"),
                                             on=dt.date(2025, 6, 30))
    width = 100
    text = report.to_table(width=width)
    lines = text.splitlines()
    rows = [i for i, line in enumerate(lines) if line[2:3] in MARK.values() and line.startswith("  ")]
    assert rows, "no verdict rows in the table"
    # a row and its continuation lines (indented four spaces) stay within the width
    for i in rows:
        j = i + 1
        block = [lines[i]]
        while j < len(lines) and _continues(lines[j]):
            block.append(lines[j])
            j += 1
        assert all(len(b) <= width for b in block), block
    assert "…" not in "\n".join(lines[i] for i in rows)
    # the first row's citation, read back from its column, is the whole citation
    first = next(r for r in report.entities[0].results if r.outcome.value != "not_applicable")
    block = [lines[rows[0]]]
    k = rows[0] + 1
    while _continues(lines[k]):
        block.append(lines[k])
        k += 1
    read_back = " ".join(b[CITE_AT:].strip() for b in block if b[CITE_AT:].strip())
    assert read_back == " ".join(first.citation.short().split())
