"""Finding packs by name or path, and reading user parameter files."""

from __future__ import annotations

import datetime as dt
import difflib
import math
import os
from pathlib import Path
from typing import Any

from ..errors import PackNotFoundError, ParameterError, Text
from ..yamlio import read_data
from .param_sheet import read_parameter_sheet
from .parameters import ParameterValue
from .provenance import Provenance


def pack_search_path() -> list[Path]:
    """Where pack names are looked up: $CHUAN_RULES, ./rules, the bundled packs, the source checkout."""
    paths: list[Path] = []
    env = os.environ.get("CHUAN_RULES")
    if env:
        paths.extend(Path(p) for p in env.split(os.pathsep) if p)
    package = Path(__file__).resolve().parents[1]
    paths += [Path.cwd() / "rules", package / "bundled_rules", package.parents[1] / "rules"]
    return paths


def _search_folders() -> list[Path]:
    """The search path without repeats (./rules and the checkout's rules are one folder in a checkout)."""
    seen: dict[Path, None] = {}
    for base in pack_search_path():
        seen.setdefault(base.resolve(), None)
    return list(seen)


def pack_names() -> dict[str, Path]:
    """Every pack found by name on the search path, the first folder holding a name winning."""
    found: dict[str, Path] = {}
    for base in _search_folders():
        if base.is_dir():
            for d in sorted(base.iterdir()):
                if (d / "pack.yaml").is_file() and not d.name.startswith(("_", ".")):
                    found.setdefault(d.name, d)
    return found


def did_you_mean(word: str, choices: list[str]) -> Text:
    """' — có phải ý bạn là 'x'?' / ' — did you mean 'x'?' for the nearest choice, or empty when none is close."""
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    if not close:
        return Text("", "")
    return Text(f" — có phải ý bạn là '{close[0]}'?", f" — did you mean '{close[0]}'?")


def find_pack(name_or_path: str) -> Path:
    direct = Path(name_or_path)
    if direct.exists():
        return direct
    for base in pack_search_path():
        candidate = base / name_or_path
        if candidate.is_dir():
            return candidate
    hint = did_you_mean(name_or_path, list(pack_names()))
    folders = ", ".join(map(str, _search_folders()))
    raise PackNotFoundError(Text(f"không có bộ quy tắc '{name_or_path}'{hint.vi} (đã tìm trong {folders})",
                                 f"no pack '{name_or_path}'{hint.en} (looked in {folders})"))


def read_parameter_file(path: str | Path) -> dict[str, tuple[ParameterValue, ...]]:
    """User overrides: ``name: value`` or ``name: {value, source, from, to}`` (or a list of those).

    What the file alone can tell is checked here: a value is a finite number, true/false or text (not NaN,
    not a number written as text), an entry has only the keys above, a period does not end before it starts
    and the periods of one parameter do not overlap (an entry without ``to`` runs until the next one starts,
    as a pack's values do). Whether a value fits its parameter (a share in [0, 1], a number not true/false)
    needs the pack and is checked where the overrides meet it (``ParameterSet.with_overrides``).
    """
    p = Path(path)
    if p.suffix.lower() == ".xlsx":
        return _from_sheet(p)
    data = read_data(p, ParameterError)
    if not isinstance(data, dict):
        raise ParameterError(Text("tệp tham số phải ánh xạ tên tham số tới giá trị (tên.tham_số: 0.9)",
                                  "a parameter file maps parameter names to values (name.parameter: 0.9)"),
                             file=str(p))
    out: dict[str, tuple[ParameterValue, ...]] = {}
    for name, spec in data.items():
        entries = spec if isinstance(spec, list) else [spec]
        values = sorted((_override_value(str(name), entry, p) for entry in entries), key=lambda v: v.start)
        _no_overlap(str(name), values, p)
        out[str(name)] = tuple(values)
    return out


def _from_sheet(p: Path) -> dict[str, tuple[ParameterValue, ...]]:
    """The overrides of a filled "Chỉ tiêu" workbook (``chuan params export``), with the same period checks."""
    grouped: dict[str, list[ParameterValue]] = {}
    for name, value in read_parameter_sheet(p):
        grouped.setdefault(name, []).append(value)
    out = {}
    for name, values in grouped.items():
        values.sort(key=lambda v: v.start)
        _no_overlap(name, values, p)
        out[name] = tuple(values)
    return out


_ENTRY_KEYS = {"value", "source", "from", "to"}


def _override_value(name: str, entry: Any, file: Path) -> ParameterValue:
    def refuse(message: Text) -> ParameterError:
        return ParameterError(message, file=str(file), parameter=name)

    if not isinstance(entry, dict):
        entry = {"value": entry}
    unknown = sorted(str(k) for k in entry if k not in _ENTRY_KEYS)
    if unknown:
        raise refuse(Text(f"khóa không hợp lệ {unknown} (chỉ value, source, from, to)",
                          f"unknown keys {unknown} (only value, source, from, to)"))
    if "value" not in entry:
        raise refuse(Text(f"giá trị ghi đè của '{name}' thiếu 'value'", f"override of '{name}' has no value"))
    value = entry["value"]
    problem = _value_problem(name, value)
    if problem is not None:
        raise refuse(problem)
    try:
        start = _date(entry.get("from"), dt.date.min) or dt.date.min
        end = _date(entry.get("to"), None)
    except ValueError as exc:
        raise refuse(Text(f"ngày không hợp lệ, hãy viết YYYY-MM-DD: {exc}",
                          f"not a date (write YYYY-MM-DD): {exc}")) from None
    if end is not None and end < start:
        raise refuse(Text(f"giai đoạn kết thúc ({end}) trước khi bắt đầu ({start})",
                          f"period ends ({end}) before it starts ({start})"))
    source = str(entry.get("source") or f"tệp tham số {file.name}")
    return ParameterValue(start, value, source, Provenance.override, end, str(file))


def _value_problem(name: str, value: Any) -> Text | None:
    """Why an override's value cannot stand: not a plain value, not finite, a number written as text."""
    if not isinstance(value, int | float | bool | str):
        return Text(f"giá trị của '{name}' phải là một số, true/false hoặc văn bản: {value!r}",
                    f"override of '{name}' must be a number, true/false or text: {value!r}")
    if isinstance(value, float) and not math.isfinite(value):
        return Text(f"giá trị của '{name}' phải là một số hữu hạn: {value!r}",
                    f"override of '{name}' must be a finite number: {value!r}")
    if isinstance(value, str) and _looks_numeric(value):
        return Text(f"số viết trong dấu ngoặc là văn bản, hãy bỏ dấu ngoặc (0.9 cho 90 %): {value!r}",
                    f"a number in quotes is text, write it without quotes (0.9 for 90 %): {value!r}")
    return None


def _no_overlap(name: str, values: list[ParameterValue], file: Path) -> None:
    """Two periods of one parameter may not share a day (an open end runs until the next period starts)."""
    for a, b in zip(values, values[1:], strict=False):
        if a.start == b.start or (a.end is not None and a.end >= b.start):
            raise ParameterError(
                Text(f"hai giai đoạn chồng nhau từ {b.start}; mỗi ngày chỉ một giá trị",
                     f"two periods overlap from {b.start}; expected one value per day"), file=str(file),
                parameter=name)


def _looks_numeric(text: str) -> bool:
    cleaned = text.strip().rstrip("%").strip().replace(",", ".")
    try:
        float(cleaned)
    except ValueError:
        return False
    return cleaned != ""


def _date(value: Any, default: dt.date | None) -> dt.date | None:
    if value is None:
        return default
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))
