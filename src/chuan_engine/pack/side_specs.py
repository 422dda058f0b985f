"""The shapes of a pack's side files (``_ledger.yaml``, ``_quotas.yaml``, ``_ranking.yaml``).

Read when the pack loads, so a malformed side file is refused with its path
before anything is evaluated; the policy layer (ledger, quotas, ranking) reads
these specs and evaluates them after the rules have run.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ..errors import RuleError, Text


@dataclass(frozen=True)
class SideExpression:
    """One expression of a side file: its text, the record kind it is read on, what it is for."""

    text: str
    kind: str
    what: Text
    boolean: bool = False


# -- initiative ledger (CV 5007/BNV-TĐKT) --------------------------------------------


@dataclass(frozen=True)
class Basis:
    """How one rule consumes initiatives: ``needs`` of those matching ``initiatives``."""

    rules: tuple[str, ...]
    needs: int
    initiatives: str
    research: str | None
    without_initiative_if: str | None
    # the period in which this basis holds (a rule whose versions consume initiatives differently has one
    # basis per version); None = always
    start: dt.date | None = None
    end: dt.date | None = None

    def covers(self, on: dt.date) -> bool:
        return (self.start is None or self.start <= on) and (self.end is None or on <= self.end)


def ledger_bases(data: dict[str, Any], file: str) -> list[Basis]:
    out = []
    for i, b in enumerate(data.get("bases") or []):
        if not isinstance(b, dict) or "rules" not in b or "initiatives" not in b:
            raise RuleError(Text(f"bases[{i}] cần 'rules' và 'initiatives'", f"bases[{i}] needs 'rules' and 'initiatives'"),
                            file=file)
        rules = b["rules"] if isinstance(b["rules"], list) else [b["rules"]]
        needs = b.get("needs", 1)
        if not isinstance(needs, int) or needs < 1:
            raise RuleError(Text(f"bases[{i}].needs phải là số nguyên dương, ví dụ 1",
                                 f"bases[{i}].needs must be a positive integer, e.g. 1"), file=file)
        eff = b.get("effective") or {}
        if not isinstance(eff, dict) or set(eff) - {"from", "to"}:
            raise RuleError(Text(f"bases[{i}].effective phải là bản ghi có 'from' và có thể có 'to'",
                                 f"bases[{i}].effective must be a mapping with 'from' and optional 'to'"), file=file)
        start = _date(eff.get("from"), f"bases[{i}].effective.from", file)
        end = _date(eff.get("to"), f"bases[{i}].effective.to", file)
        out.append(Basis(tuple(map(str, rules)), needs, str(b["initiatives"]), b.get("research"),
                         b.get("without_initiative_if"), start, end))
    return out


def ledger_rules(data: dict[str, Any], file: str) -> list[str]:
    """Every rule id or concept the ledger's bases name (checked against the pack when it loads)."""
    return [r for b in ledger_bases(data, file) for r in b.rules]


def ledger_expressions(data: dict[str, Any], file: str) -> list[SideExpression]:
    """The expressions of ``_ledger.yaml``, with the record each is read on (checked when the pack loads)."""
    out = []
    for b in ledger_bases(data, file):
        what = Text(f"cơ sở sổ sáng kiến của {', '.join(b.rules)}", f"ledger basis for {', '.join(b.rules)}")
        if b.without_initiative_if:
            out.append(SideExpression(str(b.without_initiative_if), "staff", what, boolean=True))
        if b.research:
            out.append(SideExpression(str(b.research), "research", what, boolean=True))
        out.append(SideExpression(b.initiatives, "initiative", what, boolean=True))
    return out


# -- quotas ---------------------------------------------------------------------------


@dataclass(frozen=True)
class OrderKey:
    expr: str
    descending: bool
    label_vi: str
    label_en: str
    citation: str | None
    provenance: str
    start: dt.date | None
    end: dt.date | None

    def in_force(self, on: dt.date) -> bool:
        return (self.start is None or self.start <= on) and (self.end is None or on <= self.end)


@dataclass(frozen=True)
class QuotaSpec:
    id: str
    concept: str
    base: str
    scope: str
    cap_parameter: str
    rounding: str
    label_vi: str
    label_en: str
    ordering: tuple[OrderKey, ...]
    rounding_source: str | None = None  # the text that says how to round; None: the pack's own convention


def _date(v: Any, where: str = "effective", file: str | None = None) -> dt.date | None:
    if v is None or isinstance(v, dt.date):
        return v
    try:
        return dt.date.fromisoformat(str(v))
    except ValueError:
        raise RuleError(Text(f"{where}: không phải ngày YYYY-MM-DD: {v!r}", f"{where}: not a date YYYY-MM-DD: {v!r}"),
                        file=file) from None


_QUOTA_FILE_KEYS = ("quotas", "ordering")
_QUOTA_KEYS = ("id", "concept", "base", "scope", "cap_parameter", "rounding", "rounding_source", "label_vi",
               "label_en")
_ORDER_KEYS = ("expr", "direction", "label_vi", "label_en", "citation", "provenance", "effective")


def _only(entry: dict[str, Any], allowed: tuple[str, ...], where: str, file: str) -> None:
    """A misspelt key is refused, not ignored: ``caps: 5`` once left a pack silently without quotas (issue 12)."""
    unknown = sorted(str(k) for k in entry if k not in allowed)
    if unknown:
        raise RuleError(Text(f"{where}: khóa không hợp lệ {unknown} (chỉ dùng {', '.join(allowed)})",
                             f"{where}: unknown keys {unknown} (only {', '.join(allowed)})"), file=file)


def _entries(data: dict[str, Any], key: str, file: str) -> list[dict[str, Any]]:
    items = data.get(key) or []
    if not isinstance(items, list) or not all(isinstance(x, dict) for x in items):
        raise RuleError(Text(f"{key}: phải là danh sách các mục", f"{key}: must be a list of mappings"), file=file)
    return items


def _label_en(entry: dict[str, Any]) -> Any:
    """The English label of a side-file entry, the Vietnamese one when it has none."""
    return entry["label_en"] if "label_en" in entry else entry["label_vi"]


def ordering_keys(data: dict[str, Any], file: str) -> list[OrderKey]:
    keys = []
    for i, k in enumerate(_entries(data, "ordering", file)):
        if "expr" not in k or "label_vi" not in k:
            raise RuleError(Text(f"ordering[{i}] cần 'expr' và 'label_vi'", f"ordering[{i}] needs 'expr' and 'label_vi'"),
                            file=file)
        _only(k, _ORDER_KEYS, f"ordering[{i}]", file)
        if k.get("direction", "desc") not in ("asc", "desc"):
            raise RuleError(Text(f"ordering[{i}].direction phải là asc hoặc desc",
                                 f"ordering[{i}].direction must be asc or desc"), file=file)
        eff = k.get("effective") or {}
        if not isinstance(eff, dict):
            raise RuleError(Text(f"ordering[{i}].effective phải là bản ghi có from/to",
                                 f"ordering[{i}].effective must be a mapping with from/to"), file=file)
        _only(eff, ("from", "to"), f"ordering[{i}].effective", file)
        keys.append(OrderKey(str(k["expr"]), k.get("direction", "desc") == "desc", k["label_vi"],
                             _label_en(k), k.get("citation"), k.get("provenance", "provisional"),
                             _date(eff.get("from"), f"ordering[{i}].effective.from", file),
                             _date(eff.get("to"), f"ordering[{i}].effective.to", file)))
    return keys


def quota_specs(data: dict[str, Any], file: str) -> list[QuotaSpec]:
    _only(data, _QUOTA_FILE_KEYS, "tệp / file", file)
    keys = ordering_keys(data, file)
    out = []
    for i, q in enumerate(_entries(data, "quotas", file)):
        missing = [f for f in ("id", "concept", "base", "cap_parameter") if f not in q]
        if missing:
            raise RuleError(Text(f"quotas[{i}] thiếu {', '.join(missing)}", f"quotas[{i}] lacks {', '.join(missing)}"),
                            file=file)
        _only(q, _QUOTA_KEYS, f"quotas[{i}]", file)
        scope = q.get("scope", "school")
        if scope not in ("school", "unit"):
            raise RuleError(Text(f"quotas[{i}].scope phải là school hoặc unit", f"quotas[{i}].scope must be school or unit"),
                            file=file)
        rounding = q.get("rounding", "floor")
        if rounding not in ("floor", "round", "ceil"):
            raise RuleError(Text(f"quotas[{i}].rounding phải là floor, round hoặc ceil",
                                 f"quotas[{i}].rounding must be floor, round or ceil"), file=file)
        out.append(QuotaSpec(q["id"], q["concept"], q["base"], scope, q["cap_parameter"], rounding,
                             q.get("label_vi", q["id"]), q.get("label_en", q["id"]), tuple(keys),
                             q.get("rounding_source")))
    return out


def quota_expressions(data: dict[str, Any], file: str) -> list[SideExpression]:
    """The ordering expressions of ``_quotas.yaml``, read on staff (checked when the pack loads)."""
    quota_specs(data, file)  # the shape of the quotas themselves
    return [SideExpression(k.expr, "staff", Text(f"thứ tự xét chỉ tiêu '{k.expr}'", f"quota ordering '{k.expr}'"))
            for k in ordering_keys(data, file)]


# -- cluster ranking ------------------------------------------------------------------


@dataclass(frozen=True)
class Criterion:
    expr: str
    descending: bool
    weight: float | None
    label_vi: str
    label_en: str
    citation: str | None
    provenance: str


def ranking_criteria(data: dict[str, Any], file: str) -> tuple[str, list[Criterion]]:
    method = data.get("method", "lexicographic")
    if method not in ("lexicographic", "weighted"):
        raise RuleError(Text("method phải là lexicographic hoặc weighted", "method must be lexicographic or weighted"),
                        file=file)
    out = []
    for i, c in enumerate(data.get("criteria") or []):
        if not isinstance(c, dict) or "expr" not in c or "label_vi" not in c:
            raise RuleError(Text(f"criteria[{i}] cần 'expr' và 'label_vi'", f"criteria[{i}] needs 'expr' and 'label_vi'"),
                            file=file)
        weight = c.get("weight")
        if method == "weighted" and not isinstance(weight, int | float):
            raise RuleError(Text(f"criteria[{i}] cần 'weight' là một số cho phương pháp weighted",
                                 f"criteria[{i}] needs a numeric 'weight' for the weighted method"), file=file)
        out.append(Criterion(str(c["expr"]), c.get("direction", "desc") == "desc", weight, c["label_vi"],
                             _label_en(c), c.get("citation"), c.get("provenance", "provisional")))
    if not out:
        raise RuleError(Text("bảng xếp hạng cần ít nhất một tiêu chí (criteria)",
                             "a ranking needs at least one criterion (criteria)"), file=file)
    return method, out


def ranking_expressions(data: dict[str, Any], file: str) -> list[SideExpression]:
    """The criteria of ``_ranking.yaml``, read on each school of a cluster (checked when the pack loads)."""
    _, criteria = ranking_criteria(data, file)
    return [SideExpression(c.expr, "school", Text(f"tiêu chí xếp hạng '{c.expr}'", f"ranking criterion '{c.expr}'"))
            for c in criteria]
