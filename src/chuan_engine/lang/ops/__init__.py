"""The operator table: every operator and function of the expression language, defined once.

``OPS`` maps each name to its ``Op`` (spec.py): signature, three-valued law, scalar and
column kernels, durable lowering or refusal, gap shape, vi/en documentation. The checker,
the explaining evaluator, the column compiler, the durable backend, the gap analysis and
the generated language reference (docs/_gen.py) all read it.
"""

from __future__ import annotations

from types import MappingProxyType

from .functions import FUNCTIONS, Groups, date_parts
from .operators import BINARY, COMPARISONS, EPS, UNARY, compare, difference, excess, range_compare
from .spec import (
    CORE_ONLY,
    SAME,
    Arg,
    Form,
    GapShape,
    Law,
    Lowered,
    Op,
    Refused,
    Signature,
    Tally,
)

OPS: MappingProxyType[str, Op] = MappingProxyType(
    {**BINARY, **{("neg" if k == "-" else k): o for k, o in UNARY.items()}, **FUNCTIONS})
"""Every entry by name (unary minus is ``neg``; its symbol is ``-`` in ``UNARY``)."""

__all__ = [
    "BINARY", "COMPARISONS", "CORE_ONLY", "EPS", "FUNCTIONS", "OPS", "SAME", "UNARY", "Arg", "Form", "GapShape",
    "Groups", "Law", "Lowered", "Op", "Refused", "Signature", "Tally", "compare", "date_parts", "difference", "excess",
    "range_compare",
]
