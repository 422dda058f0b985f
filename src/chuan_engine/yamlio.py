"""Reading YAML/JSON files with errors that name the file and the line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from .errors import ChuanError


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that rejects duplicate mapping keys instead of silently keeping the last."""


def _construct_mapping(loader: Any, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    mapping: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in mapping:
            raise yaml.constructor.ConstructorError(
                "while reading a mapping", node.start_mark, f"duplicate key {key!r}", key_node.start_mark
            )
        mapping[key] = loader.construct_object(value_node, deep=deep)
    return mapping


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
# Dates stay text here so that pydantic validates them and names the field of an impossible date.
_UniqueKeyLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


if getattr(yaml, "__with_libyaml__", False):  # libyaml parses several times faster; same constructors

    class _FastLoader(yaml.CSafeLoader):
        """The C loader with the same rules as ``_UniqueKeyLoader``; an error is located by the pure one."""

    _FastLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    _FastLoader.yaml_implicit_resolvers = _UniqueKeyLoader.yaml_implicit_resolvers
    _LOADER: type[Any] = _FastLoader
else:  # pragma: no cover - PyYAML built without libyaml
    _LOADER = _UniqueKeyLoader


def _load_yaml(text: str) -> Any:
    """The C loader first; on any failure the pure loader reads the text again to name the line of the error."""
    try:
        return yaml.load(text, Loader=_LOADER)  # noqa: S506 - SafeLoader subclass
    except (yaml.YAMLError, ValueError, TypeError, RecursionError):
        if _LOADER is _UniqueKeyLoader:
            raise
    return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - raises the located error


class _BadJson(ValueError):
    """A JSON value the standard parser accepts but a facts or rule file must not hold."""


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _BadJson(f"duplicate key {key!r} / khóa {key!r} bị lặp")
        out[key] = value
    return out


def _no_constant(name: str) -> Any:
    raise _BadJson(f"{name} is not a number JSON allows / {name} không phải là số hợp lệ")


def _json(text: str) -> Any:
    return json.loads(text, object_pairs_hook=_unique_pairs, parse_constant=_no_constant)


def _value_problem(exc: ValueError) -> str:
    if "integer string conversion" in str(exc):
        return "số quá dài (hơn 4300 chữ số) / number too long (more than 4300 digits)"
    return str(exc)


def read_data(path: Path, error: type[ChuanError] = ChuanError) -> Any:
    """Parse one YAML or JSON file; raise ``error`` naming the file and line on failure."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise error(f"not UTF-8 text (byte {exc.start})", file=str(path)) from None
    except OSError as exc:
        raise error(f"cannot read: {exc.strerror}", file=str(path)) from None
    return parse_text(text, str(path), error, json_text=path.suffix.lower() == ".json")


def parse_text(text: str, source: str, error: type[ChuanError] = ChuanError, *, json_text: bool | None = None) -> Any:
    """Parse YAML or JSON text read from ``source`` (a file name, or ``<stdin>``); ``json_text=None`` takes text
    starting with ``{`` or ``[`` as JSON."""
    if json_text is None:
        json_text = text.lstrip()[:1] in ("{", "[")
    if json_text:
        try:
            return _json(text)
        except json.JSONDecodeError as exc:
            raise error(f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}", file=source) from None
        except RecursionError:
            raise error("invalid JSON: nested too deeply", file=source) from None
        except ValueError as exc:  # _BadJson, or an integer of more digits than Python converts
            raise error(f"invalid JSON value: {_value_problem(exc)}", file=source) from None
    try:
        return _load_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise error(f"invalid YAML{where}: {problem}", file=source) from None
    except RecursionError:
        raise error("invalid YAML: nested too deeply", file=source) from None
    except ValueError as exc:
        # PyYAML raises plain ValueError for impossible dates (2023-02-30) and integers too long to convert.
        raise error(f"invalid YAML value: {_value_problem(exc)}", file=source) from None
    except TypeError as exc:  # an unhashable key: bad input, not a crash
        raise error(f"invalid YAML value: {exc}", file=source) from None


def pydantic_location(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
