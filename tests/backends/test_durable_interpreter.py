"""The durable backend is an algebra of the one interpreter (issue 11): no walk of the syntax tree of its own.

Two proofs: the sources of the backend (backends/durable.py, rete_algebra.py, conditions.py) have no
``match`` on syntax-node classes and no recursive tree walker, and building a backend visits every node of a rule's compiled tree through
``run.interpreter`` with the durable algebra; then a verdict worked out by hand, unknown included.
"""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml

pytest.importorskip(
    "durable.engine",
    reason="durable_rules is an optional extra (pip install -e '.[durable]'); it builds only on Python < 3.13",
    exc_type=ImportError,
)

from chuan_engine import Outcome, School, Staff, load_pack  # noqa: E402
from chuan_engine.backends import conditions, durable, rete_algebra  # noqa: E402
from chuan_engine.backends.durable import DurableBackend  # noqa: E402
from chuan_engine.lang import ast  # noqa: E402
from chuan_engine.run import interpreter  # noqa: E402

P, F, U = Outcome.passed, Outcome.failed, Outcome.unknown
SOURCE = "\n".join(Path(m.__file__).read_text(encoding="utf-8") for m in (durable, rete_algebra, conditions))

PACK = textwrap.dedent("""
    pack:
      id: one
      version: "0.1"
      title_vi: Một bộ quy tắc
      title_en: one pack
      levels:
        - {id: muc_1, label_vi: Mức 1, label_en: Level 1}
""")
RULES = {"rules": [{
    "id": "one.hoac", "title_vi": "Quản lý hoặc sau đại học", "title_en": "manager or postgraduate",
    "subject": "staff", "citation": {"document": "test"}, "effective": {"from": "2017-01-01"},
    "provenance": "provisional", "kind": "condition",
    "condition": "is_manager or degree in ['thac_si', 'tien_si']",
}]}


@pytest.fixture(scope="module")
def one_pack(tmp_path_factory: pytest.TempPathFactory) -> Any:
    folder = tmp_path_factory.mktemp("one")
    (folder / "pack.yaml").write_text(PACK, encoding="utf-8")
    (folder / "rules.yaml").write_text(yaml.safe_dump(RULES, allow_unicode=True), encoding="utf-8")
    return load_pack(folder)


def test_durable_has_no_tree_walk_of_its_own() -> None:
    node_classes = [name for name, obj in vars(ast).items() if isinstance(obj, type) and issubclass(obj, ast.Node)]
    assert "Binary" in node_classes  # the check below names real classes
    for name in node_classes:
        assert not re.search(rf"case\s+(ast\.)?{name}\(", SOURCE), f"the durable backend matches on ast.{name}"
    assert "from ..run.interpreter import Walk, evaluate" in SOURCE and "evaluate(alg, rule" in SOURCE
    # the old walker's methods and its tuple-tagged intermediate form are gone
    for old in ("def boolean(", "def side(", "def tf(", "_DateCompiler", '("cmp",', '"pconst"'):
        assert old not in SOURCE, old


def test_building_the_backend_walks_every_node_through_the_interpreter(one_pack: Any,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[ast.Node] = []
    walk = interpreter._walk

    def spy(alg: Any, node: ast.Node, ctx: Any) -> Any:
        if type(alg).__module__ == rete_algebra.__name__:
            seen.append(node)
        return walk(alg, node, ctx)

    monkeypatch.setattr(interpreter, "_walk", spy)
    with DurableBackend(one_pack) as backend:
        assert backend.supported == ["one.hoac"]
    tree = one_pack.versions_of("one.hoac")[0].condition.tree
    # or(Name is_manager, in(Name degree, ListLit[Literal thac_si, Literal tien_si])):
    # or, is_manager, in, degree, the list, its two literals = 7 nodes, each visited once
    assert isinstance(tree, ast.Binary) and tree.op == "or"
    assert len(seen) == 7 and len({id(n) for n in seen}) == 7
    assert seen[0] is tree
    assert {type(n).__name__ for n in seen} == {"Binary", "Name", "ListLit", "Literal"}


def test_a_verdict_by_hand_with_unknown(one_pack: Any) -> None:
    on = dt.date(2025, 12, 31)
    staff = [
        Staff(id="ql", is_manager=True),  # true or (degree unknown) = true: Kleene or, true dominates
        Staff(id="dh", is_manager=False, degree="dai_hoc"),  # false or (dai_hoc not in [thac_si, tien_si]) = false
        Staff(id="chua_ro", is_manager=False),  # false or unknown = unknown
        Staff(id="ts", degree="tien_si"),  # unknown or true = true
        Staff(id="rong"),  # unknown or unknown = unknown: never fail for an omitted fact
    ]
    with DurableBackend(one_pack) as backend:
        got = {v.id: v.outcomes["one.hoac"] for v in backend.evaluate([School(id="s", staff=staff)], on)}
    assert got == {"ql": P, "dh": F, "chua_ro": U, "ts": P, "rong": U}
