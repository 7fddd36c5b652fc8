"""The package's shape: no import cycle between modules, the stages' import rules, size limits.

The stage rules themselves are the import-linter contract in pyproject.toml (scripts/test.sh
runs ``lint-imports``); this test runs the same contract, so a plain ``pytest`` catches an
upward import too, and adds what a layers contract cannot see: a cycle inside one stage.
grimp sees every import: module-level, function-level and under TYPE_CHECKING.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    modules = sorted(graph.modules)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for start in modules:
        if start in index:
            continue
        work = [(start, iter(sorted(graph.find_modules_directly_imported_by(start))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append(
                        (child, iter(sorted(graph.find_modules_directly_imported_by(child))))
                    )
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        m = stack.pop()
                        on_stack.discard(m)
                        component.append(m)
                        if m == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def test_no_import_cycle():
    graph = grimp.build_graph("workbook", cache_dir=None)
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle(tmp_path, monkeypatch):
    """The check above can fail: a two-module cycle made on disk is found."""
    pkg = tmp_path / "cyc"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from cyc import b\n")
    (pkg / "b.py").write_text("def f():\n    from cyc import a\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert _cycles(grimp.build_graph("cyc", cache_dir=None)) == [["cyc.a", "cyc.b"]]


def test_the_stage_contract_holds():
    done = subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports")), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout[-3000:]
    assert "1 kept, 0 broken" in done.stdout


def _sources() -> list[Path]:
    return sorted(
        p
        for folder in ("workbook", "macros_py", "shishi_demo")
        for p in (ROOT / folder).rglob("*.py")
    )


def test_no_module_over_the_limit():
    long = {
        str(p.relative_to(ROOT)): n
        for p in _sources()
        if (n := len(p.read_text("utf-8").splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}


def test_no_function_over_the_limit():
    long = {}
    for p in _sources():
        for node in ast.walk(ast.parse(p.read_text("utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                n = (node.end_lineno or node.lineno) - node.lineno + 1
                if n > MAX_FUNCTION_LINES:
                    long[f"{p.relative_to(ROOT)}:{node.name}"] = n
    assert long == {}


def test_no_type_checking_import():
    """Types come from the module that owns them, imported at the top like anything else."""
    users = [
        str(p.relative_to(ROOT)) for p in _sources() if "TYPE_CHECKING" in p.read_text("utf-8")
    ]
    assert users == []


def _function_imports() -> list[tuple[str, int, str, str]]:
    """(file, line, module, the line's text) of every import made inside a function."""
    out = []
    for p in _sources():
        text = p.read_text("utf-8")
        lines = text.splitlines()
        for fn in ast.walk(ast.parse(text)):
            if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
                for node in ast.walk(fn):
                    if isinstance(node, ast.Import | ast.ImportFrom):
                        mod = node.module if isinstance(node, ast.ImportFrom) else None
                        mod = mod or node.names[0].name
                        out.append(
                            (
                                str(p.relative_to(ROOT)),
                                node.lineno,
                                mod or "",
                                lines[node.lineno - 1],
                            )
                        )
    return out


def test_function_level_imports_say_why():
    """Only the CLI (each command loads its own stages) and the button's entry point import
    inside functions as a rule; anywhere else a function-level import is there for start-up
    time or a platform, and says so on its line or above its run of imports."""
    loose = [
        f"{f}:{line}"
        for f, line, _mod, text in _function_imports()
        if not f.startswith(("workbook/cli/", "macros_py/"))
        and "#" not in text
        and not _comment_above(f, line)
    ]
    assert loose == []


def _comment_above(f: str, line: int) -> bool:
    """A comment just above the run of import lines that ``line`` belongs to."""
    lines = (ROOT / f).read_text("utf-8").splitlines()
    i = line - 2
    while i >= 0 and lines[i].strip().startswith(("import ", "from ")):
        if "#" in lines[i]:
            return True
        i -= 1
    return i >= 0 and lines[i].strip().startswith("#")
