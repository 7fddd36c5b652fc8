"""Long runs show files read / total and the rate on a terminal, and nothing otherwise.

The terminal case runs the real CLI under ``script`` (util-linux), which gives it a
pseudo-terminal as a console would; the other case is the same command with its output
captured, as the button, a log file or a pipe see it.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys

import pytest
from conftest import shishi


@pytest.fixture(scope="module")
def returns(tmp_path_factory):
    root = tmp_path_factory.mktemp("progress")
    assert shishi("demo", "--out", str(root / "demo")).returncode == 0
    return root / "demo" / "returns" / "2024Q2"


def _args(returns, out):
    return ["consolidate", str(returns), "--period", "2024Q2", "-o", str(out), "--no-ledger"]


def test_no_progress_when_output_is_not_a_terminal(returns, tmp_path):
    r = shishi(*_args(returns, tmp_path / "s.xlsx"))
    assert r.returncode in (0, 1), r.stderr
    assert "读取回收文件" not in r.stdout + r.stderr


@pytest.mark.skipif(shutil.which("script") is None, reason="util-linux script not installed")
def test_progress_on_a_terminal(returns, tmp_path):
    files = sum(1 for p in returns.rglob("*") if p.is_file())
    cmd = shlex.join([sys.executable, "-m", "workbook", *_args(returns, tmp_path / "s.xlsx")])
    r = subprocess.run(
        ["script", "-qec", cmd, os.devnull],
        capture_output=True,
        text=True,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )
    assert r.returncode in (0, 1), r.stdout
    assert f"读取回收文件 {files}/{files}（" in r.stdout and "个/秒）" in r.stdout
