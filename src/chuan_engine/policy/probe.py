"""Evaluating side-file expressions (ledger bases, quota orderings, ranking criteria) on facts at one date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import ChuanError, RuleError, Text, at
from ..facts.store import Facts
from ..lang.logic import UNKNOWN
from ..pack.side_files import check_expression
from ..run.explain import Evaluation
from ..run.views import View

if TYPE_CHECKING:
    from ..pack.plan import Plan


@dataclass
class Probe:
    """Evaluates side-file expressions on facts at one date, caching parsed expressions."""

    pack: Plan
    facts: Facts
    on: dt.date
    file: str
    _run: Evaluation = field(init=False)
    _parsed: dict[tuple[str, str], Any] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self._run = Evaluation(self.pack, self.facts)
        for sf in self.pack.sidecars.values():  # checked when the pack was loaded
            if sf.file == self.file:
                self._parsed.update(sf.trees)

    def prepare(self, text: str, kind: str, what: str | Text) -> Any:
        """The checked tree of ``text`` for a record of ``kind`` (an ad-hoc configuration is checked here)."""
        key = (text, kind)
        if key not in self._parsed:
            self._parsed[key] = check_expression(self.pack, text, kind, what, self.file)
        return self._parsed[key]

    def value(self, text: str, view: View, what: str | Text) -> Any:
        tree = self.prepare(text, view.kind, what)
        try:
            value, _ = self._run.value_of(tree, view, text)
        except ChuanError as exc:
            raise RuleError(at(what, exc.text or exc.message), file=self.file, rule=None) from None
        return value

    def views(self, kind: str) -> Iterator[View]:
        for k, model, school in self.facts.entities():
            if k == kind:
                yield View(k, model, self.on, school, self.facts)

    def child_views(self, view: View, link: str) -> list[View]:
        items = view.link(link)
        return [] if items is UNKNOWN else list(items)
