"""Finding packs by name or path, and reading user parameter files."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

from ..errors import PackNotFoundError, ParameterError
from ..yamlio import read_data
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


def find_pack(name_or_path: str) -> Path:
    direct = Path(name_or_path)
    if direct.exists():
        return direct
    for base in pack_search_path():
        candidate = base / name_or_path
        if candidate.is_dir():
            return candidate
    raise PackNotFoundError(f"no pack '{name_or_path}' (looked in {', '.join(map(str, pack_search_path()))})")


def read_parameter_file(path: str | Path) -> dict[str, tuple[ParameterValue, ...]]:
    """User overrides: ``name: value`` or ``name: {value, source, from, to}`` (or a list of those)."""
    p = Path(path)
    data = read_data(p, ParameterError)
    if not isinstance(data, dict):
        raise ParameterError("a parameter file maps parameter names to values", file=str(p))
    out: dict[str, tuple[ParameterValue, ...]] = {}
    for name, spec in data.items():
        entries = spec if isinstance(spec, list) else [spec]
        values = []
        for entry in entries:
            values.append(_override_value(str(name), entry, p))
        out[str(name)] = tuple(sorted(values, key=lambda v: v.start))
    return out


def _override_value(name: str, entry: Any, file: Path) -> ParameterValue:
    if not isinstance(entry, dict):
        entry = {"value": entry}
    if "value" not in entry:
        raise ParameterError(f"override of '{name}' has no value", file=str(file))
    value = entry["value"]
    if not isinstance(value, int | float | bool | str):
        raise ParameterError(f"override of '{name}' must be a number, true/false or text", file=str(file))
    try:
        start = _date(entry.get("from"), dt.date.min)
        end = _date(entry.get("to"), None)
    except ValueError as exc:
        raise ParameterError(f"override of '{name}': {exc}", file=str(file)) from None
    source = str(entry.get("source") or f"tệp tham số {file.name}")
    return ParameterValue(start, value, source, Provenance.override, end)


def _date(value: Any, default: dt.date | None) -> Any:
    if value is None:
        return default
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))
