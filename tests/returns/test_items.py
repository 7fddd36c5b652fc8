"""明细台账: typed in LibreOffice, checked at its cells, carried into next quarter's template,
and checked across units and periods; the GB 32100 check character on published codes."""

from __future__ import annotations

import os

import openpyxl
import pytest
from conftest import needs_soffice
from lo_helpers import lo_run
from yearkit import BASE_TIME, Office, full_values, typed_cells

from shishi_demo.samples import fill_return
from workbook.catalogue import model as catalogue
from workbook.catalogue.model import reporting_rows
from workbook.core.items import ITEM_SHEET, credit_code_check, credit_code_problem
from workbook.ledger.store import Ledger

CAT = catalogue.load()
# published on the national enterprise credit system; the check character recomputes
PUBLISHED = ("91330100799655058B", "91440300708461136T", "914403001922038216")


def test_published_codes_pass_and_every_mutation_of_one_character_fails():
    for code in PUBLISHED:
        assert credit_code_problem(code) == "", code
        assert credit_code_check(code) == code[17]
    code = PUBLISHED[0]
    for i in range(18):
        for ch in "0123456789ABCDEFGHJKLMNPQRTUWXY":
            if ch != code[i]:
                mutated = code[:i] + ch + code[i + 1 :]
                assert credit_code_problem(mutated), mutated
    assert "校验码应为“B”" in credit_code_problem(code[:17] + "C")
    assert "18 位" in credit_code_problem(code[:17])
    assert "不允许的字符：I" in credit_code_problem(code[:16] + "IB")


def _items(rows: list[tuple]) -> dict[str, dict[str, str]]:
    """Rows typed from A4: 序号, (目标名称 is a formula), 名称, 代码, 地址, 日期. The code goes
    in as text, as typing into its text-formatted cell does in the GUI (setFormula would
    parse an all-digit code as a number, which is the pasted case below)."""
    typed, text = {}, {}
    for i, (seq, name, code, address, when) in enumerate(rows, start=4):
        typed |= {f"A{i}": str(seq), f"C{i}": name, f"E{i}": address, f"F{i}": when}
        text[f"D{i}"] = code
    return {
        "sheet": ITEM_SHEET,
        "type": {k: v for k, v in typed.items() if v},
        "text": {k: v for k, v in text.items() if v},
    }


def _no_items(unit: str) -> dict[int, float | str]:
    """Valid figures, 0 on every itemised row (so only the rows under test need a list)."""
    zero = {r.indicator.seq: 0.0 for r in reporting_rows(CAT, unit) if r.indicator.items}
    return full_values(CAT, unit, 5) | zero


@pytest.fixture
def q2(tmp_path):
    """定海, 普陀 and 岱山's Q2 returns typed in LibreOffice, consolidated."""
    office = Office(tmp_path)
    tpls = office.generate("2024Q2", ("定海", "普陀", "岱山"))
    lists = {
        "定海": [
            (42, "舟山甲公司", PUBLISHED[0], "", "2024-03-01"),
            (42, "舟山乙公司", PUBLISHED[1][:17] + "X", "", "2024-04-01"),  # wrong check char
            (42, "舟山甲公司", PUBLISHED[0], "", "2024-03-01"),  # listed twice
            (56, "定海一小食堂", PUBLISHED[2], "定海区解放路1号", "2024-05-20"),
        ],
        "普陀": [
            (42, "舟山甲公司（普陀分公司）", PUBLISHED[0], "", "2024-02-01"),  # also 定海's
            (42, "普陀丙公司", PUBLISHED[2], "", "2024-08-01"),  # after the period end
        ],
        "岱山": [(42, "岱山丁公司", PUBLISHED[1], "", "2024-06-30")],
    }
    figures = {"定海": {42: 3, 56: 2}, "普陀": {42: 2}, "岱山": {42: 1}}
    jobs = []
    pasted = {"普陀": {"A6": "42", "C6": "普陀戊公司", "D6": PUBLISHED[2]}}  # code as a number
    for unit, tpl in tpls.items():
        jobs.append(
            {
                "src": tpl,
                "dst": office.returns_dir("2024Q2") / f"{unit}.xlsx",
                "sheet": "填报表",
                "type": typed_cells(CAT, unit, _no_items(unit) | figures[unit]),
                "edits": [_items(lists[unit]), {"sheet": ITEM_SHEET, "type": pasted.get(unit, {})}],
            }
        )
    lo_run(jobs, tmp_path)
    return office, office.consolidate("2024Q2").result


@needs_soffice
@pytest.mark.libreoffice
def test_each_item_check_fires_at_its_cell_and_a_clean_list_is_quiet(q2):
    office, out = q2
    got = {(p.unit, p.code, p.cell) for p in out.problems if p.code.startswith("items.")}
    assert ("定海", "items.code_invalid", "D5") in got
    bad = next(p for p in out.problems if p.code == "items.code_invalid")
    assert bad.sheet == ITEM_SHEET and f"校验码应为“{PUBLISHED[1][17]}”" in bad.message
    assert ("定海", "items.duplicate", "D6") in got
    assert ("定海", "items.duplicate_units", "D4") in got
    assert ("普陀", "items.duplicate_units", "D4") in got
    assert ("普陀", "items.date", "F5") in got
    lost = next(p for p in out.problems if p.unit == "普陀" and p.cell == "D6")
    assert lost.code == "items.code_invalid" and "存成了数字" in lost.message
    short = [p for p in out.problems if p.code == "items.count_short"]
    assert [(p.unit, p.seq) for p in short] == [("定海", 56)]
    assert "台账与填报数不符" in short[0].message
    assert not [p for p in out.problems if p.unit == "岱山" and p.code.startswith("items.")]
    # an 18-digit code typed into the text cell stays text (no digits lost)
    huawei = [it for it in out.accepted["普陀"].items if it["name"] == "普陀丙公司"]
    assert huawei[0]["code"] == PUBLISHED[2]
    # the problems reach the unit's 退回修改 list
    assert any(p.code == "items.code_invalid" for p in out.open_problems["定海"])


@needs_soffice
@pytest.mark.libreoffice
def test_items_are_carried_locked_and_a_dropped_one_is_noticed(q2):
    office, _ = q2
    tpl = office.generate("2024Q3", ("岱山",))["岱山"]
    ws = openpyxl.load_workbook(tpl)[ITEM_SHEET]
    assert (ws["A4"].value, ws["C4"].value, ws["D4"].value) == (42, "岱山丁公司", PUBLISHED[1])
    assert ws["C4"].protection.locked and not ws["C5"].protection.locked
    assert ws.protection.sheet
    # 岱山 deletes its carried row (protection taken off): Q3 says so
    path = office.submit("2024Q3", "岱山", _no_items("岱山") | {42: 1})
    wb = openpyxl.load_workbook(path)
    wb[ITEM_SHEET]["A4"] = wb[ITEM_SHEET]["C4"] = wb[ITEM_SHEET]["D4"] = None
    wb.save(path)
    out = office.consolidate("2024Q3").result
    gone = [p for p in out.problems if p.code == "items.disappeared"]
    assert [(p.unit, p.seq) for p in gone] == [("岱山", 42)] and "岱山丁公司" in gone[0].message


def test_a_deleted_item_sheet_is_not_silent(tmp_path):
    """A unit that deletes 明细台账 (or a client that drops it) listed nothing: each figure
    that needs a list says so, instead of passing unchecked."""
    office = Office(tmp_path)
    path = office.submit("2024Q2", "岱山", _no_items("岱山") | {42: 3})
    wb = openpyxl.load_workbook(path)
    del wb[ITEM_SHEET]
    wb.save(path)
    out = office.consolidate("2024Q2").result
    missing = [p for p in out.problems if p.code == "extra.sheet_missing"]
    assert [(p.unit, p.sheet) for p in missing] == [("岱山", ITEM_SHEET)]
    assert "序号 42 的明细无从核对" in missing[0].message
    assert not [p for p in out.problems if p.code == "items.count_short"]  # said once, not twice


def test_evidence_named_but_not_sent_is_asked_for_and_a_carried_item_is_not(tmp_path):
    """佐证材料 names a file: a new item's file must be below the returns folder (any
    subfolder, any case); text that names no file, and items carried from Q2, are not asked."""
    office = Office(tmp_path)
    tpl = office.generate("2024Q2", ("岱山",))["岱山"]
    values = _no_items("岱山") | {42: 3}
    items = {42: [
        {"name": "岱山甲公司", "code": PUBLISHED[0], "date": "2024-03-01", "evidence": "甲-公示截图.PNG"},
        {"name": "岱山乙公司", "code": PUBLISHED[1], "date": "2024-03-01", "evidence": "乙-公示截图.pdf"},
        {"name": "岱山丙公司", "code": PUBLISHED[2], "date": "2024-03-01", "evidence": "见纸质材料"},
    ]}  # fmt: skip
    fill_return(tpl, office.returns_dir("2024Q2") / "岱山.xlsx", values, items=items)
    (office.returns_dir("2024Q2") / "附件").mkdir()
    (office.returns_dir("2024Q2") / "附件" / "甲-公示截图.png").write_bytes(b"\x89PNG")
    out = office.consolidate("2024Q2").result
    asked = [(p.cell, p.found) for p in out.problems if p.code == "items.evidence_missing"]
    assert asked == [("G5", "乙-公示截图.pdf")]
    assert "不在回收文件夹中" in next(
        p.message for p in out.open_problems["岱山"] if p.cell == "G5"
    )
    # Q3: the three are carried (locked, their evidence sent in Q2): nothing asked again
    tpl3 = office.generate("2024Q3", ("岱山",))["岱山"]
    fill_return(tpl3, office.returns_dir("2024Q3") / "岱山.xlsx", values)
    q3 = office.consolidate("2024Q3").result
    assert not [p for p in q3.problems if p.code == "items.evidence_missing"]


def _names(items: list[dict]) -> list[str]:
    return [it["name"] for it in items]


def test_a_correction_s_list_supersedes_the_old_one_which_is_kept_and_can_come_back(tmp_path):
    """A corrected return's 明细台账 and 信息报送 replace the first return's in the summary and
    in what the next quarter carries; the first list stays in the ledger, and withdrawing the
    correction brings it back."""
    office = Office(tmp_path)
    tpl = office.generate("2024Q2", ("岱山",))["岱山"]
    values = _no_items("岱山") | {42: 2}
    folder = office.returns_dir("2024Q2")
    a, b, c = ({"name": f"岱山{x}公司", "code": code, "date": "2024-03-01"}
               for x, code in zip("甲乙丙", PUBLISHED, strict=True))  # fmt: skip
    note = {"kind": "工作亮点", "about": "42", "title": "首报", "text": "首报的信息。"}
    fixed = {"kind": "经验做法", "about": "42", "title": "更正", "text": "更正后的信息。"}
    for k, (name, items, info) in enumerate(
        [("岱山.xlsx", [a, b], note), ("岱山_更正.xlsx", [a, c], fixed)], start=1
    ):
        path = fill_return(tpl, folder / name, values, items={42: items}, info=[info])
        os.utime(path, (BASE_TIME + 60 * k, BASE_TIME + 60 * k))
        out = office.consolidate("2024Q2").result
    assert _names(out.accepted["岱山"].items) == ["岱山甲公司", "岱山丙公司"]
    assert [e["title"] for e in out.accepted["岱山"].info] == ["更正"]
    with Ledger(office.ledger) as led:
        old = next(s for s in led.submissions(CAT.catalogue_id, "2024Q2") if s.name == "岱山.xlsx")
        assert old.status == "superseded" and _names(old.items) == ["岱山甲公司", "岱山乙公司"]
        assert [e["title"] for e in old.info] == ["首报"]
        assert _names(led.items_before(CAT.catalogue_id, office.period("2024Q3"))["岱山"]) == [
            "岱山甲公司", "岱山丙公司"]  # fmt: skip
        led.withdraw(CAT.catalogue_id, "2024Q2", "岱山_更正.xlsx", "误报")
        led.commit()
    q3 = openpyxl.load_workbook(office.generate("2024Q3", ("岱山",))["岱山"])[ITEM_SHEET]
    assert [q3["C4"].value, q3["C5"].value, q3["C6"].value] == ["岱山甲公司", "岱山乙公司", None]
