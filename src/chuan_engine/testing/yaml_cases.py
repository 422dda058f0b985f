"""Rule test cases written in YAML, collected by pytest (in the manner of OpenFisca's test runner).

A pack keeps its cases in ``rules/<pack>/tests/*.yaml`` (the pack loader ignores
that folder). One file holds a list of cases, or ``{pack: PATH, cases: [...]}``
(``pack`` relative to the file; by default the folder above ``tests/``)::

    - name: Giảng viên mới tuyển 3 tháng chưa được xét LĐTT
      date: 2025-12-31            # or  year: 2025  (evaluated on 31/12)
      params: {demo.new_hire_months: 12}      # optional overrides
      facts:                      # inline: an entity, a list, or {entities: [...]}
        - {kind: staff, id: gv05, recruited_on: 2025-09-01, years: [{year: 2025, rating: HTTNV}]}
      facts_from: [../../../fixtures/demo]    # optional, files/folders relative to this file
      expect:
        gv05:
          demo.lao_dong_tien_tien: fail      # by rule id or concept
          demo.ty_le_giang_vien: {outcome: pass, value: 0.8333, threshold: 0.75,
                                  levels: {muc_2: fail}, explanation_contains: ["is_lecturer"]}
          summary: {verdict: dat_muc_1}

``explanation_contains`` snippets are searched in the rule's title, citation,
explanation tree (as JSON), missing facts and gap sentence. Numbers compare
within 1e-6 (``tolerance`` may say otherwise per expectation).

Activation: the package declares this module as a ``pytest11`` entry point, so
``pytest rules/demo/tests`` collects the cases; the project's own suite runs
them through ``tests/authoring/test_yaml_cases.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from ..authoring.cases import (
    OUTCOMES,
    Case,
    CaseError,
    CaseFailure,
    case_facts,
    case_files,
    case_pack,
    check_case,
    explain_text,
    is_case_file,
    load_cases,
    overrides,
    run_case,
)
from ..errors import ChuanError

if TYPE_CHECKING:
    from _pytest._code.code import TerminalRepr, TracebackStyle  # pytest exports neither name

__all__ = ["OUTCOMES", "Case", "CaseError", "CaseFailure", "YamlCaseFile", "YamlCaseItem", "case_facts", "case_files",
           "case_pack", "check_case", "explain_text", "is_case_file", "load_cases", "overrides", "pytest_collect_file",
           "run_case"]


# ---------------------------------------------------------------------------------------------
# pytest plugin


class YamlCaseFile(pytest.File):
    def collect(self) -> Iterator[YamlCaseItem]:
        for case in load_cases(self.path):
            yield YamlCaseItem.from_parent(self, name=case.name, case=case)


class YamlCaseItem(pytest.Item):
    def __init__(self, *, case: Case, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case

    def runtest(self) -> None:
        check_case(self.case)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException],
                     style: TracebackStyle | None = None) -> str | TerminalRepr:
        if isinstance(excinfo.value, CaseFailure | ChuanError):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"{self.path.name}::{self.case.name}"


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    """Collect ``rules/<pack>/tests/*.yaml`` (a folder beside a ``pack.yaml``) as YAML cases."""
    if is_case_file(file_path):
        return YamlCaseFile.from_parent(parent, path=file_path)
    return None
