"""A workbook (.xlsx, a sheet per frame) or CSV frames as facts, through the batch reader and validator.

A workbook in the Vietnamese layout of ``chuan template`` (docs/excel.md) is read by the facts reader instead.

The batch layout (``chuan_engine.batch.layout``) is the column contract. Where the batch path makes
a bad cell an error row and goes on, a request is all-or-nothing like a facts file: the first bad
cell is refused with its sheet (frame), its row as the spreadsheet shows it and the reason.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np

from ..batch.convert import chunk_models
from ..batch.io import read_inputs, read_table
from ..batch.layout import FRAMES, SPECS, input_variables, prepare
from ..batch.tables import Chunk
from ..errors import FactsError, Text
from ..facts.loader import load_facts
from ..facts.sheets import sheet_names
from ..facts.store import Facts
from ..pack.plan import Plan


def _input_types(pack: Plan) -> dict[str, dict[str, Any]]:
    return dict(input_variables(pack))


def _read(path: Path) -> dict[str, Any]:
    """A workbook's sheets, or a folder's CSV files each named after its frame (``staff.csv``)."""
    if path.is_file():
        return read_inputs(path)
    frames = {}
    for f in sorted(path.iterdir()):
        if f.stem not in FRAMES:
            frames_named = ", ".join(FRAMES)
            raise FactsError(Text(f"tên tệp CSV phải là tên một khung ({frames_named})",
                                  f"a CSV file is named after its frame ({frames_named})"), file=f.name)
        frames[f.stem] = read_table(f)
    return frames


def facts_from_tables(path: Path, on: dt.date, pack: Plan) -> Facts:
    """Facts from tidy frames, refused at the first bad cell (row numbers as in the spreadsheet: header = 1)."""
    if path.is_file() and path.suffix.lower() == ".xlsx" and not set(sheet_names(path)) <= set(FRAMES):
        return load_facts(path)  # the Vietnamese template (chuan template): the facts reader, located errors
    raw = _read(path)
    name = path.name
    types = _input_types(pack)
    frames = {}
    for fname, df in raw.items():
        frame = prepare(fname, df, types.get(SPECS[fname][0], {}))
        assert frame.row_bad is not None  # prepare() always marks every row
        for i, msg in enumerate(frame.row_bad):
            if msg is not None:
                raise FactsError(Text(f"trang '{fname}', dòng {i + 2}: {msg}", f"sheet '{fname}', row {i + 2}: {msg}"),
                                 file=name)
        frames[fname] = frame
    chunk = Chunk(frames, on, history=True)
    for ent in chunk.ent.values():
        for e in np.flatnonzero(np.asarray([b is not None for b in ent.bad], dtype=bool)):
            raise FactsError(Text(f"dữ kiện không hợp lệ: {ent.bad[e]}", f"invalid facts: {ent.bad[e]}"), file=name,
                             entity=str(ent.ids[e]))
    facts, _, failed = chunk_models(chunk)
    for sid, msg in failed.items():
        raise FactsError(msg, file=name, entity=sid)
    return facts
