"""The problem registry (workbook/problems.py) is the one list of codes.

Static: every code-like literal in workbook/ names a declared code, and every declared code
is used somewhere outside the registry. At run time a Problem with an undeclared code or a
drifted severity is refused (so the checks below are backed by every other test).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from workbook.problems import KINDS, SCOPES
from workbook.report import Problem, Report

ROOT = Path(__file__).resolve().parent.parent
NAMESPACES = {k.split(".")[0] for k in KINDS if "." in k}
LITERAL = re.compile(r'"((?:' + "|".join(sorted(NAMESPACES)) + r')\.[a-z_]+)"')


def _sources() -> dict[str, str]:
    return {
        str(p.relative_to(ROOT)): p.read_text("utf-8")
        for p in (ROOT / "workbook").glob("*.py")
        if p.name != "problems.py"
    }


def test_every_code_in_the_source_is_declared():
    undeclared = {
        (name, m.group(1))
        for name, text in _sources().items()
        for m in LITERAL.finditer(text)
        if m.group(1) not in KINDS
    }
    assert not undeclared, sorted(undeclared)


def test_every_declared_code_is_used():
    text = "\n".join(_sources().values())
    unused = [code for code in KINDS if f'"{code}"' not in text]
    assert not unused, unused


def test_declarations_are_complete():
    for k in KINDS.values():
        assert k.severity in ("error", "warning", "info") and k.scope in SCOPES and k.meaning


def test_an_undeclared_code_or_drifted_severity_is_refused():
    with pytest.raises(ValueError, match="not declared"):
        Problem(code="value.typo", severity="error", message="x")
    with pytest.raises(ValueError, match="declared 'error'"):
        Report().add("value.not_number", "warning", "x")
    assert Problem(code="value.not_number", severity="error", message="x").severity == "error"


def test_docs_list_every_code_once():
    doc = (ROOT / "docs" / "problems.md").read_text("utf-8")
    for code in KINDS:
        assert doc.count(f"`{code}`") == 1, code
