"""`shishi demo`: the README's first command, end to end."""

from __future__ import annotations

import json

import openpyxl
from conftest import shishi


def test_demo_produces_summary_and_feedback(tmp_path):
    r = shishi("demo", "--out", str(tmp_path), timeout=300)
    assert r.returncode == 0, r.stderr
    assert "未报送：洋山" in r.stdout and "汇总表" in r.stdout
    summary = tmp_path / "summary" / "2024Q2_十件实事汇总.xlsx"
    wb = openpyxl.load_workbook(summary)
    assert "总览" in wb.sheetnames
    rep = json.loads((tmp_path / "summary" / "2024Q2_汇总报告.json").read_text("utf-8"))
    by_status = {}
    for s in rep["submissions"]:
        by_status.setdefault(s["status"], []).append(s["unit"])
    assert by_status["superseded"] == ["普陀"]
    assert sorted(by_status["accepted"]) == sorted(
        ["市局", "定海", "普陀", "岱山", "嵊泗", "高新区", "新城", "金塘", "六横", "普陀山"]
    )
    assert rep["missing_units"] == ["洋山"]
    daishan = [p for p in rep["problems"] if p["unit"] == "岱山" and p["severity"] == "error"]
    assert {p["code"] for p in daishan} >= {
        "locked.changed",
        "value.not_applicable_mark",
        "value.negative",
        "value.date",
    }
    assert (tmp_path / "summary" / "退回修改" / "2024Q2_岱山_退回修改.xlsx").exists()
