"""`make demo` installs only what the main job needs: the library itself, no extra (README promise)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _dry_run(target: str) -> list[str]:
    make = shutil.which("make")
    if make is None:  # pragma: no cover - make is part of the documented setup
        pytest.fail("make is not installed")
    out = subprocess.run([make, "-n", "-B", target], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return [line for line in out.splitlines() if "pip install" in line and "--upgrade pip" not in line]


def test_demo_installs_the_library_without_extras() -> None:
    installs = _dry_run("demo")
    # exactly one install of the project, editable, with no [extra]
    assert len(installs) == 1, installs
    assert re.search(r"pip install -q -e \.$", installs[0]), installs[0]


def test_test_target_installs_the_test_extra() -> None:
    installs = _dry_run("test")
    assert any(re.search(r'-e "\.\[test\]"', line) for line in installs), installs
