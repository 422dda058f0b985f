"""Explanations as sentences: an explanation tree (``trace.Step``) read with the plan's labels, in Vietnamese
(English on request), with the facts, the thresholds and the verdict in it.

'Xếp loại năm 2024: Hoàn thành tốt nhiệm vụ; cần Hoàn thành xuất sắc nhiệm vụ — chưa đạt'. The rule's own
expressions (the plan's compiled syntax trees) are walked beside their steps, whose children follow
the syntax tree: [left, right] for an operator, [left] when and/or decided on the left, [list] for an
aggregate with its numbers in ``detail``. What cannot be phrased reads as its expression text, never a
traceback. ``lacks`` says what a failing condition still needs ('cần thêm 1 sáng kiến …'), for the gaps.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any

from ..errors import ChuanError
from ..facts.headers import LABELS as FIELD_LABELS_VI
from ..facts.vocab import vocab_label_any
from ..lang import ast
from ..lang.logic import undecided
from ..lang.ops import compare
from ..lang.types import LINKS
from . import formatting
from .outcome import Outcome, RuleResult
from .trace import Step

if TYPE_CHECKING:
    from ..pack.plan import Expression, Plan, Rule

FIELD_LABELS_EN: dict[str, str] = {
    "rating": "Rating", "party_rating": "Party member rating", "discipline": "Disciplinary measure",
    "discipline_pending": "Under disciplinary review", "discipline_ends_on": "End of the disciplinary period",
    "degree": "Degree", "degree_relevant": "Relevant field", "grade": "Grade", "political_theory": "Political theory",
    "pedagogy_cert": "Pedagogy certificate", "classics_cert": "Classics certificate", "is_lecturer": "Lecturer",
    "is_manager": "Manager", "lecturer_type": "Lecturer type", "active_teaching": "Teaching",
    "demonstration_teaching": "Model lesson given", "recruited_on": "Date recruited", "year": "Year",
    "titles": "Titles conferred", "rewards": "Rewards received", "level": "Level", "applied": "Applied",
    "accepted": "Accepted", "used_in_year": "Year used as a basis", "used": "Used as a basis", "dissolved": "Dissolved",
    "emulation_registered": "Emulation registered", "maternity_leave_days": "Days of maternity leave",
    "absent_days": "Days absent", "training_months": "Months in training", "gender": "Gender",
    "employment": "Employment", "unit_kind": "Unit kind",
}
LINK_LABELS: dict[str, tuple[str, str]] = {
    "members": ("thành viên", "members"), "staff": ("cán bộ", "staff"), "units": ("đơn vị", "units"),
    "research": ("đề tài", "research topics"), "initiatives": ("sáng kiến", "initiatives"),
    "history": ("năm", "years"), "schools": ("trường", "schools"), "school": ("trường", "school"),
    "unit": ("đơn vị", "unit"),
}

# (vi, en) words of each comparison: what the threshold needs, and in a description ('from … up')
NEED: dict[str, tuple[str, str]] = {
    ">=": ("cần từ", "needs at least"), ">": ("cần trên", "needs more than"), "<=": ("tối đa", "at most"),
    "<": ("cần dưới", "needs less than"), "==": ("cần", "needs"), "!=": ("cần khác", "needs other than"),
}
VERDICT: dict[Outcome, tuple[str, str]] = {
    Outcome.passed: ("đạt", "met"), Outcome.failed: ("chưa đạt", "not met"),
    Outcome.unknown: ("chưa đủ dữ liệu", "insufficient data"), Outcome.not_applicable: ("không áp dụng", "not applicable"),
}
MAX_DEPTH = 12


@dataclass(frozen=True)
class Sentence:
    """One node of an explanation in words, its verdict (None for a value) and the sentences under it."""

    text: str
    outcome: Outcome | None = None
    children: tuple[Sentence, ...] = ()

    def lines(self, indent: str = "  ", depth: int = 0) -> list[str]:
        out = [indent * depth + self.text]
        for c in self.children:
            out.extend(c.lines(indent, depth + 1))
        return out


def _outcome(value: Any) -> Outcome:
    return Outcome.of(value) if not undecided(value) else Outcome.unknown


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _low(text: str) -> str:
    """A label inside a sentence: first letter lower-cased unless the second is upper too (an acronym)."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def _short(label: str) -> str:
    """A variable's label up to its first qualification ('…, phù hợp chuyên môn / tổng số …' dropped)."""
    cut = len(label)
    for mark in (" — ", " (", ", ", " / "):
        i = label.find(mark)
        if 0 < i < cut:
            cut = i
    return label[:cut]


def _noun(label: str) -> str:
    """'Số sáng kiến …' → 'sáng kiến …'; 'Number of …' → '…' (what a count counts)."""
    for head in ("Số lượng ", "Số ", "Number of ", "number of "):
        if label.startswith(head):
            return label[len(head):]
    return _low(label)


def _more(op: str, n: int, total: int, t: Any) -> int | None:
    """The fewest more of ``total`` elements meeting the condition for ``n/total op t`` (None: never)."""
    if not isinstance(t, int | float) or isinstance(t, bool):
        return None
    return next((k for k in range(total - n + 1) if compare(op, (n + k) / total, t) is True), None)


def _counted(detail: dict[str, Any]) -> bool:
    """A share's step carries its whole-number numerator and (non-zero) denominator."""
    n, total = detail.get("numerator"), detail.get("denominator")
    return isinstance(n, int) and isinstance(total, int) and bool(total)


def _steps_to(op: str, v: Any, t: Any) -> int | None:
    """The fewest more units a whole number ``v`` needs for ``v op t`` (None: not a whole number, or never)."""
    if not isinstance(v, int) or isinstance(v, bool):
        return None
    return next((k for k in range(0, 10_000) if compare(op, v + k, t) is True), None)


def _has(cond: str) -> str:
    """'có hình thức kỷ luật …' (a fact of the element), but 'đạt …', 'được tặng …' as they are."""
    return cond if cond.startswith(("đạt ", "được ", "không ", "đã ", "có ", "là ")) else "có " + cond


class Speaker:
    """Reads the explanation trees of one pack on one date, for entities of one kind, in one language."""

    def __init__(self, plan: Plan, on: dt.date, lang: str = "vi") -> None:
        self.plan = plan
        self.on = on
        self.lang = lang if lang in ("vi", "en") else "vi"

    # -- words ----------------------------------------------------------------------------------
    def w(self, vi: str, en: str) -> str:
        return en if self.lang == "en" else vi

    def verdict(self, o: Outcome) -> str:
        vi, en = VERDICT[o]
        return self.w(vi, en)

    def vocab(self, value: Any) -> str | None:
        """The official wording of a vocabulary code, or None when the value is not one."""
        code = value.value if isinstance(value, Enum) else value
        if not isinstance(code, str):
            return None
        return vocab_label_any(code, self.lang)

    def title(self, ref: str) -> str:
        rules = self.plan.versions(ref.lstrip("@"))
        if not rules:
            return ref
        r = next((x for x in rules if x.in_force(self.on)), rules[-1])
        return self.w(r.title_vi, r.title_en)

    def label(self, name: str, kind: str) -> str:
        """A name as people read it: a variable's label, a fact's column header, a link's noun."""
        var = self.plan.variables.get((kind, name))
        if var is not None:
            return _short(self.w(var.label_vi, var.label_en))
        if name in FIELD_LABELS_VI:
            return self.w(FIELD_LABELS_VI[name], FIELD_LABELS_EN.get(name, name.replace("_", " ")))
        if name in LINK_LABELS:
            vi, en = LINK_LABELS[name]
            return self.w(vi, en)
        if name == "eval_year":
            return self.w("năm đánh giá", "the year evaluated")
        return name

    def value(self, v: Any, share: bool = False) -> str:
        if undecided(v):
            return self.w("chưa rõ", "unknown")
        if isinstance(v, bool):
            return self.w("có", "yes") if v else self.w("không", "no")
        word = self.vocab(v)
        if word is not None:
            return word
        if isinstance(v, dt.date):
            return formatting.date(v, self.lang)
        if isinstance(v, int | float):
            return formatting.percent(v, self.lang) if share else formatting.number(v, self.lang)
        if isinstance(v, list):
            return self.w(f"{len(v)} mục", f"{len(v)} items")
        return str(v)

    # -- kinds and shapes ---------------------------------------------------------------------------
    def element_kind(self, node: ast.Node, kind: str) -> str:
        """The kind of the elements of a list expression (members → staff)."""
        match node:
            case ast.Name(name=name):
                var = self.plan.variables.get((kind, name))
                t = var.type if var is not None else LINKS.get(kind, {}).get(name)
                if t is not None and t.item is not None and t.item.record:
                    return t.item.record
            case ast.Call(args=args) if args:
                return self.element_kind(args[0], kind)
        return kind

    def is_share(self, node: ast.Node, kind: str) -> bool:
        match node:
            case ast.Call(func="share"):
                return True
            case ast.Name(name=name):
                var = self.plan.variables.get((kind, name))
                return var is not None and (var.declared in ("share", "ratio") or var.unit in ("ratio", "share"))
            case ast.Param(name=name):
                param = self.plan.parameters.base.get(name)
                return param is not None and param.kind() == "share"
        return False

    # -- descriptions (no values: the condition an element of a list must meet) ----------------------
    def phrase(self, node: ast.Node, kind: str, text: str) -> str:
        match node:
            case ast.Literal(value=v):
                return self.value(v)
            case ast.Name(name="year"):
                return self.w("năm", "the year")
            case ast.Name(name=name):
                return _low(self.label(name, kind))
            case ast.Param():
                return self.param_phrase(node)
            case ast.RuleRef(name=name):
                return self.w(f"đạt {self.title(name)}", f"meeting {self.title(name)}")
            case ast.Unary(op="not", operand=inner):
                return self.w("không ", "not ") + self.phrase(inner, kind, text)
            case ast.Binary():
                return self.binary_phrase(node, kind, text)
            case ast.Call(func="known", args=(a,)):
                return self.w("đã ghi ", "recorded ") + self.phrase(a, kind, text)
            case ast.Call(func="coalesce", args=args) if args:
                return self.phrase(args[-1], kind, text)
            case ast.Call(func="in_window", args=(_, n)):
                return self.w(f"trong {self.phrase(n, kind, text)} năm gần nhất",
                              f"within the last {self.phrase(n, kind, text)} years")
        return text[node.pos:node.end]

    def param_phrase(self, node: ast.Param) -> str:
        """A true/false parameter by its label (marked when not in force), another by its value on the date."""
        flag = self.flag(node)
        if isinstance(flag, bool):
            param = self.plan.parameters.base[node.name]
            label = self.w(param.label_vi, param.label_en)
            return _low(label.split(" (")[0]) + ("" if flag else self.w(" (không áp dụng)", " (not in force)"))
        try:
            pv = self.plan.parameters.at(node.name, self.on)
            return self.value(pv.value, isinstance(pv.value, float) and pv.value <= 1)
        except ChuanError:
            return f"${node.name}"

    def binary_phrase(self, node: ast.Binary, kind: str, text: str) -> str:
        """'a và b', 'xếp loại từ hoàn thành tốt trở lên', 'được tặng …' (no values)."""
        match node:
            case ast.Binary(op="and", left=ast.Param() as p, right=b) if self.flag(p) is True:
                return self.phrase(b, kind, text)  # '$rule_in_force and x' reads as x
            case ast.Binary(op="and" | "or" as op, left=a, right=b):
                word = self.w(" và ", " and ") if op == "and" else self.w(" hoặc ", " or ")
                return self.phrase(a, kind, text) + word + self.phrase(b, kind, text)
            case ast.Binary(op=">=", left=a, right=b) if self.lang == "en" and self.vocab_literal(b):
                return f"{self.phrase(a, kind, text)} of {self.phrase(b, kind, text)} or above"
            case ast.Binary(op=op, left=a, right=b) if op in NEED:
                return f"{self.phrase(a, kind, text)} {self.relation(op, b)} {self.phrase(b, kind, text)}".rstrip() + (
                    self.w(" trở lên", "") if op == ">=" and self.vocab_literal(b) else "")
            case ast.Binary(op="in", left=ast.Literal(value=v), right=ast.Name(name="titles")):
                return self.w(f"được tặng {self.value(v)}", f"conferred {self.value(v)}")
        return text[node.pos:node.end]

    def flag(self, node: ast.Param) -> bool | None:
        """The value of a true/false parameter on the date (None for another parameter)."""
        try:
            v = self.plan.parameters.at(node.name, self.on).value
        except ChuanError:
            return None
        return v if isinstance(v, bool) else None

    def vocab_literal(self, node: ast.Node) -> bool:
        return isinstance(node, ast.Literal) and self.vocab(node.value) is not None

    def relation(self, op: str, right: ast.Node) -> str:
        if self.vocab_literal(right) and op == "==":
            return self.w("là", "is")
        words = {">=": ("từ", "at least"), ">": ("trên", "above"), "<=": ("tối đa", "at most"),
                 "<": ("dưới", "below"), "==": ("bằng", "equal to"), "!=": ("khác", "other than")}
        vi, en = words[op]
        return self.w(vi, en)

    def aggregate_subject(self, node: ast.Call, kind: str, text: str) -> str:
        """'Thành viên đạt Lao động tiên tiến', 'Số năm liên tục xếp loại là …' (an aggregate, no values)."""
        coll = node.args[0]
        coll_word = self.phrase(coll, kind, text)
        elem = self.element_kind(coll, kind)
        cond = self.phrase(node.args[1], elem, text) if len(node.args) > 1 else ""
        match node.func:
            case "share":
                return _cap(f"{coll_word} {cond}")
            case "count":
                return self.w(f"Số {coll_word} {cond}".rstrip(), f"Number of {coll_word} {cond}".rstrip())
            case "streak":
                return self.w(f"Số năm liên tục {cond}", f"Consecutive years with {cond}")
            case "any":
                return self.w(f"Có {coll_word} {cond}", f"Some {coll_word} {cond}")
            case "all":
                return self.w(f"Mọi {coll_word} {cond}", f"All {coll_word} {cond}")
            case "sum":
                return self.w(f"Tổng {cond} của {coll_word}", f"Total {cond} of {coll_word}")
        return text[node.pos:node.end]

    def subject(self, node: ast.Node, step: Step, kind: str, text: str) -> str:
        """What a value is, capitalised, with its year ('Xếp loại năm 2024')."""
        match node:
            case ast.Name(name=name):
                year = step.detail.get("year")
                label = self.label(name, kind)
                return _cap(label) + (self.w(f" năm {year}", f" in {year}") if year and name in FIELD_LABELS_VI else "")
            case ast.Call(func="share" | "count" | "streak" | "any" | "all" | "sum") if node.args:
                return self.aggregate_subject(node, kind, text)
            case ast.RuleRef(name=name):
                return self.title(name)
        return text[node.pos:node.end]

    def shown(self, node: ast.Node, step: Step, kind: str) -> str:
        """A value with its parts: '4/8 = 50 %', 'Hoàn thành tốt nhiệm vụ', 'chưa có dữ liệu'."""
        d = step.detail
        if d.get("range"):
            return self.w(f"trong khoảng {d['range']}", f"between {d['range']}")
        if undecided(step.value):
            return self.w("chưa có dữ liệu", "no data")
        share = self.is_share(node, kind)
        text = self.value(step.value, share)
        if share and isinstance(d.get("numerator"), int) and isinstance(d.get("denominator"), int):
            text = f"{d['numerator']}/{d['denominator']} = {text}"
        if isinstance(node, ast.Call) and node.func == "streak" and d.get("broken_by"):
            text += self.w(f" (chuỗi dừng ở năm {d['broken_by']})", f" (broken in {d['broken_by']})")
        return text

    def missing(self, node: ast.Node, step: Step, kind: str, text: str) -> str:
        """'chưa có dữ liệu về xếp loại năm 2024', naming the missing fact (or elements)."""
        d = step.detail
        if isinstance(node, ast.Call) and node.args and d.get("unknown"):
            elem = self.element_kind(node.args[0], kind)
            read = node.args[1] if len(node.args) > 1 else node.args[0]
            if isinstance(read, ast.Binary) and read.op in NEED:
                read = read.left  # the fact a comparison reads is what is missing: 'hình thức kỷ luật'
            cond = self.phrase(read, elem, text)
            coll = self.phrase(node.args[0], kind, text)
            return self.w(f"chưa có dữ liệu về {cond} của {d['unknown']} {coll}",
                          f"no data on {cond} for {d['unknown']} {coll}")
        return self.w(f"chưa có dữ liệu về {_low(self.subject(node, step, kind, text))}",
                      f"no data on {_low(self.subject(node, step, kind, text))}")

    # -- sentences with values ---------------------------------------------------------------------
    def say(self, node: ast.Node | None, step: Step, kind: str, text: str, depth: int = 0) -> Sentence:
        """The sentence of one step (and those under it); the step text when it cannot be phrased."""
        out = _outcome(step.value) if isinstance(step.value, bool) or undecided(step.value) else None
        if node is None or depth > MAX_DEPTH:
            return self.fallback(step, out)
        try:
            return self._say(node, step, kind, text, depth, out)
        except (AttributeError, IndexError, KeyError, TypeError, ValueError, ChuanError):
            return self.fallback(step, out)

    def fallback(self, step: Step, out: Outcome | None) -> Sentence:
        body = " ".join(step.text.split())
        if out is None:
            return Sentence(f"{body}: {self.value(step.value)}")
        return Sentence(f"{body} — {self.verdict(out)}", out)

    def _say(self, node: ast.Node, step: Step, kind: str, text: str, depth: int, out: Outcome | None) -> Sentence:
        kids = step.children
        match node:
            case ast.Binary(op="and" | "or" as op):
                parts = self.chain(node, step, op)
                head = self.w("Cần đủ các điều kiện", "All of the following") if op == "and" else self.w(
                    "Cần một trong các điều kiện", "One of the following")
                verdict = self.verdict(out or Outcome.unknown)
                return Sentence(f"{head} — {verdict}", out, tuple(
                    self.say(n, s, kind, text, depth + 1) for n, s in parts))
            case ast.Unary(op="not", operand=inner) if kids:
                return self._say_not(inner, kids[0], kind, text, out)
            case ast.Binary(op=op, left=a, right=b) if op in NEED and len(kids) == 2:
                return self.comparison(op, a, b, kids[0], kids[1], kind, text, out)
            case ast.Name() | ast.RuleRef() | ast.Call() | ast.Attr() if out is not None:
                return self._say_value(node, step, kind, text, out)
        return self.fallback(step, out)

    def _say_not(self, inner: ast.Node, held: Step, kind: str, text: str, out: Outcome | None) -> Sentence:
        """'Không có kỷ luật nào …' for ``not any(…)``; 'Loại trừ khi …' for another negation."""
        match inner:
            case ast.Call(func="any", args=args) if len(args) == 2:
                coll = self.phrase(args[0], kind, text)
                cond = self.phrase(args[1], self.element_kind(args[0], kind), text)
                base = self.w(f"Không có {coll} nào {_has(cond)}", f"No {coll} with {cond}")
                if out is Outcome.unknown:
                    return Sentence(f"{base}: {self.missing(inner, held, kind, text)} — {self.verdict(out)}", out)
                found = self.w("có", "there is one") if out is Outcome.failed else self.w("không có", "none")
                return Sentence(f"{base}: {found} — {self.verdict(out or Outcome.unknown)}", out)
        what = self.phrase(inner, kind, text)
        shown = self.missing(inner, held, kind, text) if undecided(held.value) else self.value(held.value)
        return Sentence(self.w(f"Loại trừ khi {what}: ", f"Excluded when {what}: ") + f"{shown} — "
                        f"{self.verdict(out or Outcome.unknown)}", out)

    def _say_value(self, node: ast.Node, step: Step, kind: str, text: str, out: Outcome) -> Sentence:
        """A fact, rule or aggregate read as true or false: its value, or what is missing."""
        subject = self.subject(node, step, kind, text)
        if out is Outcome.unknown:
            return Sentence(f"{_cap(self.missing(node, step, kind, text))} — {self.verdict(out)}", out)
        if isinstance(node, ast.RuleRef):
            year = step.detail.get("year")
            where = self.w(f" năm {year}", f" in {year}") if year else ""
            return Sentence(f"{subject}{where}: {self.verdict(out)}", out)
        return Sentence(f"{subject}: {self.value(step.value)} — {self.verdict(out)}", out)

    def chain(self, node: ast.Binary, step: Step, op: str) -> list[tuple[ast.Node, Step]]:
        """The operands of a chain of one operator (a and b and c), with their steps; unread ones left out."""
        out: list[tuple[ast.Node, Step]] = []
        sides = (node.left, node.right)
        for side, s in zip(sides, step.children, strict=False):
            if isinstance(side, ast.Binary) and side.op == op:
                out.extend(self.chain(side, s, op))
            else:
                out.append((side, s))
        return out

    def comparison(self, op: str, a: ast.Node, b: ast.Node, sa: Step, sb: Step, kind: str, text: str,
                   out: Outcome | None) -> Sentence:
        share = self.is_share(a, kind) or self.is_share(b, kind)
        subject = self.subject(a, sa, kind, text)
        need = self.need(op, sb.value, share)
        verdict = self.verdict(out or Outcome.unknown)
        if undecided(sa.value) and not sa.detail.get("range"):
            return Sentence(f"{_cap(self.missing(a, sa, kind, text))}; {need} — {verdict}", out)
        short = self.shortfall(op, a, sa, sb, kind) if out is Outcome.failed else None
        tail = f"{verdict}, {short}" if short else verdict
        return Sentence(f"{subject}: {self.shown(a, sa, kind)}; {need} — {tail}", out)

    def need(self, op: str, target: Any, share: bool) -> str:
        """'cần từ 90 %', 'cần ít nhất 3', 'cần hoàn thành tốt trở lên': what a comparison asks for."""
        need_vi, need_en = NEED[op]
        label = self.vocab(target)
        vocab = label is not None
        if vocab and op == "==":
            need_vi = "cần"
        shown = self.value(target, share) + (self.w(" trở lên", "") if op == ">=" and label else "")
        if op in (">=", ">") and not share and not vocab and isinstance(target, int | float):
            return f"{self.w('cần ít nhất' if op == '>=' else 'cần trên', need_en)} {shown}"
        return f"{self.w(need_vi, need_en)} {shown}"

    def shortfall(self, op: str, a: ast.Node, sa: Step, sb: Step, kind: str) -> str | None:
        """'thiếu 2 người' (a share of people), 'thiếu 1' (a count): from the step's numbers, never from text."""
        t, d = sb.value, sa.detail
        if not isinstance(t, int | float) or isinstance(t, bool) or op not in (">=", ">"):
            return None
        if self.is_share(a, kind) and _counted(d):
            x = _more(op, d["numerator"], d["denominator"], t)
            return None if x is None else self.w(f"thiếu {x} người", f"{x} {'person' if x == 1 else 'people'} short")
        x = _steps_to(op, sa.value, t)
        if x is None:
            return None
        years = isinstance(a, ast.Call) and a.func == "streak"
        return self.w(f"thiếu {x} năm" if years else f"thiếu {x}",
                      f"{x} {'year' if x == 1 else 'years'} short" if years else f"{x} short")

    # -- what a failing condition still needs (the gaps of titles) -----------------------------------
    def lacks(self, node: ast.Node | None, step: Step, kind: str, text: str, depth: int = 0) -> list[str]:
        if node is None or depth > MAX_DEPTH or step.value is True:
            return []
        try:
            return self._lacks(node, step, kind, text, depth)
        except (AttributeError, IndexError, KeyError, TypeError, ValueError, ChuanError):
            return [self.fallback(step, _outcome(step.value)).text]

    def _lacks(self, node: ast.Node, step: Step, kind: str, text: str, depth: int) -> list[str]:
        kids = step.children
        if undecided(step.value):
            return self._lacks_data(node, step, kind, text, depth)
        match node:
            case ast.Binary(op="and" | "or" as op):
                return self._lacks_chain(node, op, step, kind, text, depth)
            case ast.Unary(op="not", operand=ast.Call(func="any", args=args)) if len(args) == 2:
                coll = self.phrase(args[0], kind, text)
                cond = self.phrase(args[1], self.element_kind(args[0], kind), text)
                return [self.w(f"cần không còn {coll} nào {_has(cond)}", f"needs no {coll} with {cond}")]
            case ast.RuleRef(name=name):
                year = step.detail.get("year")
                return [self.w(f"cần đạt {self.title(name)}" + (f" năm {year}" if year else ""),
                               f"needs {self.title(name)}" + (f" in {year}" if year else ""))]
            case ast.Name(name=name) if step.value is False:
                label = _low(self.label(name, kind))
                label = label[3:] if label.startswith("đã ") else label
                return [self.w(f"cần {label}", f"needs {label}")]
            case ast.Binary(op=op, left=a, right=b) if op in NEED and len(kids) == 2:
                return [self.lack_comparison(op, a, b, kids[0], kids[1], kind, text)]
        return [self.w("chưa đạt: ", "not met: ") + self.say(node, step, kind, text, depth).text]

    def _lacks_chain(self, node: ast.Binary, op: str, step: Step, kind: str, text: str, depth: int) -> list[str]:
        """What each failing operand of an 'and' lacks; the options of an 'or' ('một trong: …; hoặc …')."""
        if op == "and":
            found: list[str] = []
            for n, s in self.chain(node, step, "and"):
                found.extend(x for x in self.lacks(n, s, kind, text, depth + 1) if x not in found)
            return found
        options = [" ".join(self.lacks(n, s, kind, text, depth + 1)) for n, s in self.chain(node, step, "or")]
        options = [o for o in options if o]
        if len(options) > 1:
            return [self.w("một trong: ", "one of: ") + self.w("; hoặc ", "; or ").join(options)]
        return options

    def _lacks_data(self, node: ast.Node, step: Step, kind: str, text: str, depth: int) -> list[str]:
        """An undetermined part lacks data: the undetermined operands of a chain, or the part's own sentence."""
        match node:
            case ast.Binary(op="and" | "or"):
                found: list[str] = []
                for n, s in self.chain(node, step, node.op):
                    if undecided(s.value):
                        found.extend(x for x in self.lacks(n, s, kind, text, depth + 1) if x not in found)
                return found
        return [self.say(node, step, kind, text, depth).text]

    def lack_comparison(self, op: str, a: ast.Node, b: ast.Node, sa: Step, sb: Step, kind: str, text: str) -> str:
        """What a failing comparison still needs: a rating, more people, more consecutive years, more units;
        else the comparison's own sentence."""
        said = (self._lack_word(op, a, sa, sb, kind) or self._lack_people(op, a, sa, sb, kind, text)
                or self._lack_years(a, sa, sb, kind, text) or self._lack_units(op, a, sa, sb, kind, text))
        if said is not None:
            return said
        return self.w("chưa đạt: ", "not met: ") + self.comparison(
            op, a, b, sa, sb, kind, text, Outcome.failed).text

    def _lack_word(self, op: str, a: ast.Node, sa: Step, sb: Step, kind: str) -> str | None:
        """'cần xếp loại hoàn thành tốt trở lên năm 2024'."""
        t = sb.value
        if self.vocab(t) is None or not isinstance(a, ast.Name):
            return None
        year = sa.detail.get("year")
        label = _low(self.label(a.name, kind))
        up = self.w(" trở lên", " or above") if op == ">=" else ""
        word = self.value(t)
        return self.w(f"cần {label} {word}{up}" + (f" năm {year}" if year else ""),
                      f"needs {label} {word}{up}" + (f" in {year}" if year else ""))

    def _lack_people(self, op: str, a: ast.Node, sa: Step, sb: Step, kind: str, text: str) -> str | None:
        """'còn thiếu 2 người có trình độ thạc sĩ' (a share of people)."""
        if not (self.is_share(a, kind) and isinstance(a, ast.Call) and len(a.args) == 2):
            return None
        d = sa.detail
        x = _more(op, d["numerator"], d["denominator"], sb.value) if _counted(d) else None
        if x is None:
            return None
        cond = self.phrase(a.args[1], self.element_kind(a.args[0], kind), text)
        return self.w(f"còn thiếu {x} người {cond}", f"{x} more {'person' if x == 1 else 'people'} {cond} needed")

    def _lack_years(self, a: ast.Node, sa: Step, sb: Step, kind: str, text: str) -> str | None:
        """'cần 2 năm liên tục … (hiện 1, chuỗi dừng ở năm 2023)' (a streak)."""
        t = sb.value
        if not (isinstance(a, ast.Call) and a.func == "streak" and isinstance(t, int | float)):
            return None
        cond = self.phrase(a.args[1], kind, text)
        now, broken = self.value(sa.value), sa.detail.get("broken_by")
        return self.w(f"cần {self.value(t)} năm liên tục {cond} (hiện {now}"
                      + (f", chuỗi dừng ở năm {broken})" if broken else ")"),
                      f"needs {self.value(t)} consecutive years with {cond} (now {now}"
                      + (f", broken in {broken})" if broken else ")"))

    def _lack_units(self, op: str, a: ast.Node, sa: Step, sb: Step, kind: str, text: str) -> str | None:
        """'cần thêm 1 sáng kiến' (a whole number below its minimum)."""
        t = sb.value
        if op not in (">=", ">") or not isinstance(t, int | float):
            return None
        more = _steps_to(op, sa.value, t)
        if more is None:
            return None
        noun = _noun(self.subject(a, sa, kind, text))
        return self.w(f"cần thêm {more} {noun}", f"needs {more} more {noun}")

    # -- rules ---------------------------------------------------------------------------------------
    def rule_of(self, result: RuleResult) -> Rule | None:
        return next((r for r in self.plan.versions_of(result.rule)
                     if r.effective.start.isoformat() == result.effective_from), None)

    def parts(self, result: RuleResult) -> list[tuple[str, Expression, Step]]:
        """(role, the plan's compiled expression, step) of a result's explanation: applies_if, condition or
        measure; the syntax tree is the one the evaluation ran, never parsed again."""
        rule, root = self.rule_of(result), result.explanation
        if rule is None or root is None:
            return []
        by_text = {e.text: (role, e) for role, e in rule.expressions()}
        steps = [root] if root.text in by_text else [c for c in root.children if c.text in by_text]
        return [(*by_text[step.text], step) for step in steps]

    def explain(self, result: RuleResult, kind: str) -> Sentence | None:
        """The explanation of one result in words: its title and verdict, then each part's sentences."""
        if result.explanation is None:
            return None
        title = self.w(result.title_vi, result.title_en)
        if result.kind == "indicator":
            return self.indicator(result, kind, title)
        kids = []
        for role, expr, step in self.parts(result):
            s = self.say(expr.tree, step, kind, expr.text)
            if role == "applies_if":
                s = Sentence(self.w("Áp dụng khi: ", "Applies when: ") + s.text, s.outcome, s.children)
            kids.append(s)
        if not kids:
            kids = [self.fallback(result.explanation, result.outcome)]
        if len(kids) == 1 and kids[0].children and kids[0].text.startswith(self.w("Cần đủ", "All of")):
            kids = list(kids[0].children)  # the condition's parts sit right under the title
        return Sentence(f"{title} — {self.verdict(result.outcome)}", result.outcome, tuple(kids))

    def indicator(self, result: RuleResult, kind: str, title: str) -> Sentence:
        """'Giảng viên có trình độ thạc sĩ trở lên: 35/40 = 87,5 %; cần từ 90 % — thiếu 1 người', per level."""
        rule = self.rule_of(result)
        root = result.explanation
        assert root is not None
        measure = next((p for p in self.parts(result) if p[0] == "measure"), None)
        if rule is None or measure is None or rule.op is None:
            return Sentence(f"{title} — {self.verdict(result.outcome)}", result.outcome, (self.fallback(root, None),))
        _, expr, step = measure
        node, text = expr.tree, expr.text
        share = self.is_share(node, kind) or result.unit in ("ratio", "share")
        subject = _cap(self.w(rule.gap.noun_vi, rule.gap.noun_en)) if rule.gap is not None else \
            self.subject(node, step, kind, text)
        now = self.shown(node, step, kind)
        if undecided(step.value) and not step.detail.get("range"):
            now = self.missing(node, step, kind, text)
        lines = self.level_lines(result, rule.op, share)
        if not lines:
            return Sentence(f"{subject}: {now} — {self.verdict(result.outcome)}", result.outcome)
        first = lines[0]
        rest = tuple(Sentence(f"{w}{n} — {t}", o) for w, n, t, o in lines[1:])
        return Sentence(f"{subject}: {now}; {first[1]} — {first[2]}", first[3], rest)

    def level_lines(self, result: RuleResult, op: str, share: bool) -> list[tuple[str, str, str, Outcome]]:
        """(level label, what it needs, verdict or shortfall, outcome) of each level the indicator is judged at."""
        labels = {lv.id: self.w(lv.label_vi, lv.label_en) for lv in self.plan.header.levels}
        lines: list[tuple[str, str, str, Outcome]] = []
        for lv, lr in result.levels.items():
            if lr.outcome is Outcome.not_applicable or lr.threshold is None:
                continue
            need = f"{self.w(*NEED[op])} {self.value(lr.threshold, share)}"
            tail = self.verdict(lr.outcome)
            gap = ((result.gap or {}).get("levels") or {}).get(lv)
            if lr.outcome is Outcome.failed and gap and gap.get("amount") is not None:
                tail = self.amount(gap) or tail
            where = f"{labels[lv]}: " if lv in labels and len(self.plan.header.levels) > 1 else ""
            lines.append((where, need, tail, lr.outcome))
        return lines

    def amount(self, gap: dict[str, Any]) -> str | None:
        """'thiếu 1 người' from a gap's numbers (RuleResult.gap: amount and its unit)."""
        x, unit = gap.get("amount"), gap.get("amount_unit")
        if not isinstance(x, int | float):
            return None
        up = gap.get("op") in (">=", ">")
        match unit:
            case "members":
                return self.w(f"thiếu {x} người" if up else f"thừa {x} người",
                              f"{x} {'person' if x == 1 else 'people'} {'short' if up else 'too many'}")
            case "items":
                noun = self.w(str(gap.get("noun_vi", "")), str(gap.get("noun_en", "")))
                return self.w(f"{'thiếu' if up else 'thừa'} {formatting.number(x, 'vi')} {noun}".rstrip(),
                              f"{formatting.number(x, 'en')} {noun} {'short' if up else 'too many'}".replace("  ", " "))
            case "points":
                return self.w(f"thiếu {formatting.number(x, 'vi', 1)} điểm phần trăm",
                              f"{formatting.number(x, 'en', 1)} percentage points short")
        return None

    def why(self, result: RuleResult, kind: str, limit: int = 3) -> list[str]:
        """The sentences of the innermost false parts of a failing condition (the table's ✘ lines)."""
        tree = self.explain(result, kind)
        if tree is None:
            return []
        found: list[str] = []

        def visit(s: Sentence) -> None:
            if len(found) >= limit or s.outcome is not result.outcome:
                return
            bad = [c for c in s.children if c.outcome is result.outcome]
            if not bad and s is not tree:
                found.append(s.text)
            for c in bad:
                visit(c)

        visit(tree)
        return found

    def requirement(self, result: RuleResult, kind: str) -> list[str]:
        """What a rule asks, in words without values ('Cần: xếp loại từ … trở lên'), for a result that keeps
        no explanation tree (a batch row)."""
        rule = self.rule_of(result)
        if rule is None:
            return []
        out = []
        for role, expr in rule.expressions():
            if role == "condition":
                try:
                    out.append(self.w("Cần: ", "Requires: ") + self.phrase(expr.tree, kind, expr.text))
                except (AttributeError, IndexError, KeyError, TypeError, ValueError, ChuanError):
                    out.append(self.w("Cần: ", "Requires: ") + expr.text)
        return out

    def lacking(self, result: RuleResult, kind: str) -> list[str]:
        """What a title not reached still needs, one phrase per missing condition."""
        out: list[str] = []
        for role, expr, step in self.parts(result):
            if role == "applies_if" and step.value is True:
                continue
            if result.kind == "indicator":
                continue
            out.extend(x for x in self.lacks(expr.tree, step, kind, expr.text) if x not in out)
        if result.kind == "indicator" and result.gap:
            said = result.gap.get("text_" + self.lang)
            if said:
                out.append(str(said))
        return out


def explanation_text(plan: Plan, on: dt.date, result: RuleResult, kind: str, lang: str = "vi") -> str | None:
    """The explanation of one result as lines of sentences (two spaces per level), or None without one."""
    tree = Speaker(plan, on, lang).explain(result, kind)
    return None if tree is None else "\n".join(tree.lines())

