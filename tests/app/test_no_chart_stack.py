"""Where the chart stack cannot load (NumPy 2 under Wine 8 aborts the interpreter on import),
the consolidation still runs and writes its 通报, without charts, and says so in one line.

The broken stack is real: a ``numpy`` package first on the path whose import calls
``os.abort()``, the way Wine's missing ``crealf`` kills the process. The run's own process
must never import it; only the child that tries the chart stack dies.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import docx
from conftest import shishi

from workbook.outputs.charts import NO_CHARTS

ROOT = Path(__file__).resolve().parents[2]


def _pictures(path: Path) -> int:
    return len(docx.Document(str(path)).inline_shapes)


def test_a_chart_stack_that_aborts_leaves_a_bulletin_without_charts(tmp_path):
    demo = tmp_path / "demo"
    r = shishi("demo", "--out", str(demo), timeout=300)
    assert r.returncode == 0, r.stderr
    bulletins = list((demo / "summary").glob("*通报.docx"))
    assert len(bulletins) == 1 and _pictures(bulletins[0]) == 2  # the usual: two charts
    assert NO_CHARTS not in r.stdout

    broken = tmp_path / "broken" / "numpy"
    broken.mkdir(parents=True)
    (broken / "__init__.py").write_text("import os\nos.abort()\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(broken.parent), str(ROOT)])}
    out = tmp_path / "out"
    run = subprocess.run(
        [
            sys.executable, "-m", "workbook", "consolidate", str(demo / "returns" / "2024Q2"),
            "--period", "2024Q2", "-o", str(out / "汇总.xlsx"), "--bulletin", str(out / "通报.docx"),
            "--json", str(out / "r.json"), "--no-ledger",
        ],
        capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip
    assert run.returncode in (0, 1), run.stderr
    assert NO_CHARTS in run.stdout.splitlines()
    assert (out / "汇总.xlsx").exists() and (out / "r.json").exists()
    assert _pictures(out / "通报.docx") == 0
    text = "\n".join(p.text for p in docx.Document(str(out / "通报.docx")).paragraphs)
    assert "本通报未插入图表" in text and "一、总体情况" in text
    # the same folder, the same figures as the demo's run with charts
    city = json.loads((out / "r.json").read_text("utf-8"))["city"]
    demo_city = json.loads((demo / "summary" / "2024Q2_汇总报告.json").read_text("utf-8"))["city"]
    assert len(city) == 81 and city == demo_city


def test_the_windows_route_runs_where_numpy_aborts(tmp_path):
    """一键汇总.bat's own command, ``python -m macros_py.city shishi_city.xlsm``: reading the
    control sheet with openpyxl must not import NumPy (openpyxl does whenever it can)."""
    from macros_py.city import OpenpyxlBook

    demo = tmp_path / "demo"
    assert shishi("demo", "--out", str(demo), timeout=300).returncode == 0
    city = tmp_path / "城市 汇总"
    assert shishi("city-workbook", "-o", str(city)).returncode == 0
    book = OpenpyxlBook(city / "shishi_city.xlsm")
    book.set("shishi_period", "2024Q2")
    book.set("shishi_returns_dir", str(demo / "returns" / "2024Q2"))
    book.set("shishi_output", "汇总/2024Q2_汇总.xlsx")
    book.set("shishi_ledger", str(tmp_path / "ledger.sqlite3"))
    book.save(city / "shishi_city.xlsm")
    broken = tmp_path / "broken" / "numpy"
    broken.mkdir(parents=True)
    (broken / "__init__.py").write_text("import os\nos.abort()\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(broken.parent), str(ROOT)])}
    run = subprocess.run(
        [sys.executable, "-m", "macros_py.city", str(city / "shishi_city.xlsm")],
        capture_output=True, text=True, env=env, timeout=300, cwd=city,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    assert NO_CHARTS in run.stdout.splitlines()
    assert (city / "汇总" / "2024Q2_汇总.xlsx").exists()
    assert _pictures(city / "汇总" / "2024Q2_汇总_通报.docx") == 0


def _consolidate(returns: Path, out: Path, extra_path: Path | None) -> dict:
    paths = [str(extra_path)] if extra_path else []
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([*paths, str(ROOT)])}
    run = subprocess.run(
        [
            sys.executable, "-m", "workbook", "consolidate", str(returns), "--period", "2024Q2",
            "-o", str(out / "汇总.xlsx"), "--json", str(out / "r.json"), "--no-ledger",
        ],
        capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip
    assert run.returncode in (0, 1), run.stderr
    return json.loads((out / "r.json").read_text("utf-8"))


def test_without_calamine_the_returns_read_the_same(tmp_path):
    """python-calamine is Rust: built with Rust ≥ 1.78 it needs ProcessPrng, missing on
    Windows 7 and Wine 8 ("DLL load failed"). The readers then use openpyxl: the same
    figures, statuses and problems, cell by cell, on the demo's returns (its mistakes too)."""
    demo = tmp_path / "demo"
    assert shishi("demo", "--out", str(demo), timeout=300).returncode == 0
    returns = demo / "returns" / "2024Q2"
    fake = tmp_path / "nocalamine" / "python_calamine"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text(
        'raise ImportError("DLL load failed while importing _python_calamine")\n', "utf-8"
    )
    usual = _consolidate(returns, tmp_path / "usual", None)
    slow = _consolidate(returns, tmp_path / "slow", fake.parent)
    assert usual["city"] == slow["city"]
    assert usual["values"] == slow["values"]

    def problems(r: dict) -> list:
        return [(p["code"], p["file"], p["cell"], p["message"]) for p in r["problems"]]

    assert problems(usual) == problems(slow) and len(problems(usual)) > 5
    assert [s["status"] for s in usual["submissions"]] == [s["status"] for s in slow["submissions"]]
