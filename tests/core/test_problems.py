"""The problem registry (workbook/core/problems.py) is the one list of codes.

Static: no code is written as a literal outside the registry (the checks raise with its
constants), each code is written once in it, and every declared code is raised somewhere. At run time a Problem with an undeclared code or a
drifted severity is refused (so the checks below are backed by every other test).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from workbook.core.findings import Findings, Problem
from workbook.core.problems import KINDS, SCOPES

ROOT = Path(__file__).resolve().parents[2]
NAMESPACES = {k.split(".")[0] for k in KINDS if "." in k}
LITERAL = re.compile(r'"((?:' + "|".join(sorted(NAMESPACES)) + r')\.[a-z_]+)"')


def _sources() -> dict[str, str]:
    return {
        str(p.relative_to(ROOT)): p.read_text("utf-8")
        for p in [*(ROOT / "workbook").rglob("*.py"), *(ROOT / "macros_py").glob("*.py")]
        if p != ROOT / "workbook" / "core" / "problems.py"
    }


def test_no_code_is_written_outside_the_registry():
    """The checks raise with the registry's constants, never with a string of their own."""
    literals = {
        (name, m.group(1))
        for name, text in _sources().items()
        for m in LITERAL.finditer(text)
        if m.group(1) in KINDS or "." in m.group(1)
    }
    assert not literals, sorted(literals)


def test_each_code_is_written_once_in_the_registry():
    text = (ROOT / "workbook" / "core" / "problems.py").read_text("utf-8")
    for code in KINDS:
        assert text.count(f'"{code}"') == 1, code


def test_every_declared_code_is_raised():
    from workbook.core import problems

    text = "\n".join(_sources().values())
    names = {
        v: n for n in dir(problems) if n.isupper() and isinstance(v := getattr(problems, n), str)
    }
    unused = [code for code in KINDS if f"codes.{names.get(code, '?')}" not in text]
    assert sorted(unused) == sorted(problems.RETIRED), unused


def test_a_retired_code_still_reads_back_from_a_ledger():
    from workbook.core import problems
    from workbook.core.findings import Problem

    for code in problems.RETIRED:
        assert Problem(code=code, file="a.xlsx", message="m", action="a").code == code


def test_declarations_are_complete():
    for k in KINDS.values():
        assert k.severity in ("error", "warning", "info") and k.scope in SCOPES and k.meaning


def test_an_undeclared_code_or_drifted_severity_is_refused():
    with pytest.raises(ValueError, match="not declared"):
        Problem(code="value.typo", message="x")
    # a stored problem read back with another severity than the registry's
    with pytest.raises(ValueError, match="declared 'error'"):
        Problem(code="value.not_number", message="x", severity="warning")
    assert Problem(code="value.not_number", message="x", severity="error").severity == "error"


def test_the_severity_comes_from_the_registry():
    assert Findings().add("value.not_number", "x").severity == KINDS["value.not_number"].severity
    warned = Problem(code="value.decreased", message="x")
    assert warned.severity == "warning"
    # stored and read back as the ledger does, in the order the JSON report has always had
    stored = warned.as_dict()
    assert list(stored)[:3] == ["code", "severity", "message"]
    assert Problem(**stored) == warned


def test_no_call_site_names_a_severity():
    """A severity is written once, in the registry: no check passes one again."""
    said = re.compile(r'severity\s*=\s*"|\.add\(\s*[\w.]+,\s*"(error|warning|info)"')
    sites = [name for name, text in _sources().items() if said.search(text)]
    assert sites == []


def test_docs_list_every_code_once():
    doc = (ROOT / "docs" / "problems.md").read_text("utf-8")
    for code in KINDS:
        assert doc.count(f"`{code}`") == 1, code
