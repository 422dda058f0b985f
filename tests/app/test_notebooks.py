"""The example notebooks run top to bottom in a fresh kernel (their assert cells hold hand-computed verdicts).

Each notebook runs in a ``python3`` kernel of the interpreter running the tests (ipykernel in the
venv); a first cell, added here and not saved, checks that.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
NOTEBOOKS = ["evaluate_one_school.ipynb", "batch_all_schools.ipynb", "what_if_threshold.ipynb",
             "write_your_own_pack.ipynb"]


def test_every_notebook_is_listed() -> None:
    assert sorted(p.name for p in EXAMPLES.glob("*.ipynb")) == sorted(NOTEBOOKS)


def test_notebooks_are_saved_without_outputs() -> None:
    for name in NOTEBOOKS:
        nb = nbformat.read(EXAMPLES / name, as_version=4)
        assert all(not c.get("outputs") and not c.get("execution_count") for c in nb.cells if c.cell_type == "code")


@pytest.fixture
def venv_kernel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A ``python3`` kernelspec for this interpreter, first on JUPYTER_PATH (a user's own spec can't win)."""
    spec = tmp_path / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (chuan_engine venv)", "language": "python"}), encoding="utf-8")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    return "python3"


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs(name: str, venv_kernel: str) -> None:
    nb = nbformat.read(EXAMPLES / name, as_version=4)
    check = nbformat.v4.new_code_cell(f"import sys\nassert sys.prefix == {sys.prefix!r}, sys.prefix")
    nb.cells.insert(0, check)
    client = NotebookClient(nb, timeout=120, kernel_name=venv_kernel, allow_errors=False,
                            resources={"metadata": {"path": str(EXAMPLES)}})
    client.execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    # Rich displays came out: HTML tables and PNG charts.
    kinds = {k for o in outputs for k in o.get("data", {})}
    assert "text/html" in kinds
    if name != "write_your_own_pack.ipynb" and name != "what_if_threshold.ipynb":
        assert "image/png" in kinds
