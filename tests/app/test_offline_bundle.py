"""The offline bundle, used as an office on the internal network would use it.

scripts/build_offline.sh builds it (this step needs PyPI); then, with no network at all
(`unshare -n`): install.sh into a fresh per-user venv, the demo and the no-macro route
(一键汇总.sh) from that install; the Windows wheel set is resolved offline for win_amd64 with
the target's markers (pywin32 included); the checksums and the .bat's encoding are checked.
Windows itself is not run here: see docs/install.md for what that leaves unproven.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TARGETS = "win-amd64-cp311,linux-x86_64-cp311"

pytestmark = pytest.mark.bundle


def _can_unshare() -> bool:
    try:
        return subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode == 0
    except FileNotFoundError:
        return False


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    if sys.version_info[:2] != (3, 11):
        pytest.skip("the bundle test installs with this Python, built for cp311")
    if not _can_unshare():
        if os.environ.get("CI"):
            pytest.fail("unshare -n is needed to prove the install works without network")
        pytest.skip("unshare -n not permitted here")
    out = tmp_path_factory.mktemp("bundle") / "shishi-offline"
    r = subprocess.run(
        ["bash", str(ROOT / "scripts" / "build_offline.sh"), str(out), "--targets", TARGETS],
        capture_output=True,
        text=True,
        timeout=1200,
        env={**os.environ, "PYTHON": sys.executable},
    )
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    return out


def _offline(*cmd: str, env: dict[str, str] | None = None, cwd: Path | None = None):
    """Run with no network, outside the checkout (so nothing is imported from it)."""
    return subprocess.run(
        ["unshare", "-n", *cmd],
        capture_output=True,
        text=True,
        timeout=900,
        env={**os.environ, **(env or {})},
        cwd=cwd or Path("/"),
    )


def test_linux_install_without_network_runs_demo_and_script(bundle, tmp_path):
    home = tmp_path / "home"
    env = {
        "HOME": str(home),
        "SHISHI_HOME": str(home / "data"),
        "SHISHI_VENV": str(tmp_path / "venv"),
        "SHISHI_CITY": str(tmp_path / "city"),
        "PYTHON": sys.executable,
        "PIP_CONFIG_FILE": os.devnull,
    }
    r = _offline("bash", str(bundle / "install.sh"), env=env)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    assert "安装完成" in r.stdout
    shishi = tmp_path / "venv" / "bin" / "shishi"
    r = _offline(str(shishi), "demo", "--out", str(tmp_path / "demo"), env=env, cwd=tmp_path)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    shutil.copytree(tmp_path / "demo" / "returns" / "2024Q2", tmp_path / "city" / "回收文件")
    r = _offline("bash", str(tmp_path / "city" / "一键汇总.sh"), env=env)
    assert r.returncode in (0, 1), r.stdout[-2000:] + r.stderr[-2000:]
    assert (tmp_path / "city" / "汇总" / "2024Q2_十件实事汇总.xlsx").exists()
    # shishi ran from the bundle's install, not from this checkout
    r = _offline(
        str(tmp_path / "venv" / "bin" / "python"), "-c", "import workbook; print(workbook.__file__)"
    )
    assert str(tmp_path / "venv") in r.stdout


def test_windows_wheel_set_resolves_offline(bundle, tmp_path):
    wheels = bundle / "wheels"
    pinned = (wheels / "requirements-win-amd64-cp311.txt").read_text("utf-8")
    assert "pywin32==" in pinned and "xlwings==" in pinned  # Windows-only markers kept
    # pip, as the office's 安装.bat runs it (pip evaluates markers here, so pywin32 is
    # checked by uv below)
    r = _offline(
        sys.executable, "-m", "pip", "install", "--dry-run", "--no-index", "--find-links",
        str(wheels), "--platform", "win_amd64", "--python-version", "3.11",
        "--implementation", "cp", "--only-binary=:all:", "--target", str(tmp_path / "t"),
        "--report", str(tmp_path / "report.json"), "shishi[excel]",
        env={"PIP_CONFIG_FILE": os.devnull},
    )  # fmt: skip
    assert r.returncode == 0, r.stderr[-2000:]
    names = {
        i["metadata"]["name"].lower()
        for i in json.loads((tmp_path / "report.json").read_text())["install"]
    }
    assert {"shishi", "xlwings", "openpyxl", "matplotlib", "python-calamine"} <= names
    # uv resolves with Windows' markers, from the folder only
    uv = ROOT / "build" / "offline" / "venv" / "bin" / "uv"
    req = tmp_path / "in.txt"
    req.write_text("shishi[excel]\n", "utf-8")
    r = _offline(
        str(uv), "pip", "compile", "--offline", "--no-index", "--find-links", str(wheels),
        "--python-platform", "x86_64-pc-windows-msvc", "--python-version", "3.11",
        "--no-header", "--no-annotate", str(req),
    )  # fmt: skip
    assert r.returncode == 0, r.stderr[-2000:]
    assert "pywin32==" in r.stdout and "xlwings==" in r.stdout


def test_checksums_and_bat_encoding(bundle):
    r = subprocess.run(
        ["sha256sum", "--quiet", "-c", "SHA256SUMS.txt"], cwd=bundle, capture_output=True, text=True
    )
    assert r.returncode == 0, r.stdout + r.stderr
    listed = {
        line.split("  ", 1)[1] for line in (bundle / "SHA256SUMS.txt").read_text().splitlines()
    }
    on_disk = {f"./{p.relative_to(bundle)}" for p in bundle.rglob("*") if p.is_file()}
    assert listed == on_disk - {"./SHA256SUMS.txt"}
    bat = (bundle / "安装.bat").read_bytes()
    text = bat.decode("gbk")
    assert b"\r\n" in bat and b"\n" not in bat.replace(b"\r\n", b"")
    assert "--no-index" in text and "%LOCALAPPDATA%" in text
    assert "说明.txt" in {p.name for p in bundle.iterdir()}
