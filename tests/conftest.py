from __future__ import annotations

import copy
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from workbook.core import resources

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def catalogue_data() -> dict:
    with resources.default_catalogue_path().open(encoding="utf-8") as f:
        return json.load(f)


@pytest.fixture
def cat_copy(catalogue_data) -> dict:
    """A deep copy of the bundled catalogue data that a test may break."""
    return copy.deepcopy(catalogue_data)


def soffice_available() -> bool:
    return shutil.which("soffice") is not None and Path("/usr/bin/python3").exists()


needs_soffice = pytest.mark.skipif(not soffice_available(), reason="LibreOffice not installed")


def shishi(
    *args: str, cwd: Path | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """Run the shishi command line as a user does: a fresh interpreter, text output."""
    return subprocess.run(
        [sys.executable, "-m", "workbook", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=timeout,
    )


@pytest.fixture(autouse=True)
def _private_data_dir(tmp_path_factory, monkeypatch):
    """Every test gets its own per-user data folder (the default ledger lives there), so no
    test reads or writes the real user's ledger and tests do not share one."""
    monkeypatch.setenv("SHISHI_HOME", str(tmp_path_factory.mktemp("shishi_home")))
