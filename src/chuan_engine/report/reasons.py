"""Why a condition failed: the innermost false sub-conditions of an explanation tree, in words.

A false ``and`` is false because of its false parts; a false comparison or
rule reference is itself the reason. Used by the table renderer so that a
"✘" line says what to look at ("rating >= 'hoan_thanh_tot' — rating = hoan_thanh").
"""

from __future__ import annotations

from .trace import Step, plain

MAX_REASONS = 3


def failing_leaves(step: Step, limit: int = MAX_REASONS) -> list[Step]:
    """The deepest false steps under a false step (at most ``limit``)."""
    if step.value is not False:
        return []
    false_children = [c for c in step.children if c.value is False]
    if not false_children:
        return [step]
    out: list[Step] = []
    for c in false_children:
        out.extend(failing_leaves(c, limit - len(out)))
        if len(out) >= limit:
            break
    return out[:limit]


def _shown(value: object) -> str:
    v = plain(value)
    if isinstance(v, float):
        return f"{v:.4g}"
    if isinstance(v, list):
        return f"[{len(v)}]"
    return str(v)


def describe(step: Step, width: int = 90) -> str:
    """'expr — name = value, …' for a failing leaf (values of its named parts, not of literals)."""
    text = " ".join(step.text.split())
    if len(text) > width:
        text = text[: width - 1] + "…"
    parts = []
    for c in step.children:
        if c.children or c.detail:
            name = " ".join(c.text.split())
            if len(name) > 40:
                name = name[:39] + "…"
            if name != text:
                shown = c.detail["range"] if c.detail.get("range") else _shown(c.value)  # "3–4/4 (75 %–100 %)"
                parts.append(f"{name} = {shown}")
    if step.detail.get("rule"):
        parts.append(f"{step.detail['rule']}: {step.detail.get('outcome')}")
    return text + (" — " + ", ".join(parts[:3]) if parts else "")


def reasons(step: Step | None) -> list[str]:
    """Short texts naming why ``step`` is false; empty when it is not false."""
    if step is None:
        return []
    return [describe(s) for s in failing_leaves(step)]
