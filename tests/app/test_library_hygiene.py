"""A library, not an app: no eval of rule text, no threads or I/O at import, typed."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "chuan_engine"


def test_no_eval_exec_compile_in_src():
    pattern = re.compile(r"(?<![\w.])(eval|exec|compile)\s*\(")
    offenders = [
        f"{p.relative_to(SRC)}:{i}"
        for p in SRC.rglob("*.py")
        for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line) and not line.lstrip().startswith("#")
    ]
    assert offenders == []


def fresh_python(code: str) -> str:
    """What ``code`` prints in a new interpreter (nothing imported yet), run from the checkout's root."""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=SRC.parents[1])
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def test_import_starts_no_thread_and_reads_no_pack():
    code = (
        "import threading, builtins\n"
        "opened = []\n"
        "real_open = builtins.open\n"
        "builtins.open = lambda f, *a, **k: (opened.append(str(f)), real_open(f, *a, **k))[1]\n"
        "n = threading.active_count()\n"
        "import chuan_engine\n"
        "assert threading.active_count() == n, threading.enumerate()\n"
        "assert not [f for f in opened if f.endswith(('.yaml', '.yml', '.json'))], opened\n"
        "print('clean')\n"
    )
    assert fresh_python(code) == "clean"


def test_import_loads_nothing_until_a_name_is_read():
    """Cold start (issue 13): ``import chuan_engine`` binds its public names lazily (PEP 562); reading one
    loads its module, and the names still resolve to the real objects."""
    code = (
        "import sys\n"
        "import chuan_engine\n"
        "print(sorted(m for m in ('pydantic', 'yaml', 'numpy', 'pandas') if m in sys.modules))\n"
        "from chuan_engine import load_pack\n"
        "from chuan_engine.api import load_pack as real\n"
        "print(load_pack is real, 'pydantic' in sys.modules)\n"
    )
    assert fresh_python(code).split("\n") == ["[]", "True True"]


def test_one_school_run_never_loads_numpy():
    """Cold start (issue 13): the explaining path of one school reads no column kernel, so numpy (about 0.1 s
    of import) stays unloaded; the operator table binds it lazily (lang/ops/lazy.py)."""
    code = (
        "import datetime, sys\n"
        "from chuan_engine import load_facts, open_pack\n"
        "report = open_pack('qd11_2021').evaluate(load_facts('fixtures/schools/ha_tinh.yaml'),"
        " on=datetime.date(2025, 6, 30))\n"
        "assert report.entities, 'nothing evaluated'\n"
        "report.to_table()\n"
        "print('numpy._core' in sys.modules)\n"
    )
    assert fresh_python(code) == "False"


def test_py_typed_marker():
    assert (SRC / "py.typed").exists()


def test_one_exception_hierarchy():
    import chuan_engine as ce

    for name in ("FactsError", "RuleError", "ExpressionSyntaxError", "ExpressionTypeError", "CycleError",
                 "ParameterError", "EvaluationError", "PackNotFoundError"):
        assert issubclass(getattr(ce, name), ce.ChuanError)
