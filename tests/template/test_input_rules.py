"""The template's validations and the return's checks come from one table (core.inputs):
each validation a template carries is written here by hand, and each text rule fires on a
return that breaks it (a paste, another client or a script skips a validation)."""

from __future__ import annotations

import openpyxl
import pytest
from yearkit import Office, full_values

from shishi_demo.samples import fill_return
from workbook.catalogue import model as catalogue
from workbook.catalogue.model import reporting_rows
from workbook.core.items import INFO_SHEET, ITEM_SHEET
from workbook.core.layout import COL, FIRST_DATA_ROW
from workbook.excel.formats import col_letter

CAT = catalogue.load()
CODE = "91330100799655058B"  # a published, valid code

# sheet, column: (type, operator, formula1, error message), written from the plan of the
# template, not from core.inputs (a changed limit there must fail here)
EXPECTED = {
    (ITEM_SHEET, "A"): ("list", None, None, "请从下拉列表选择序号。"),
    (ITEM_SHEET, "C"): ("textLength", "lessThanOrEqual", "100", "名称请不要超过 100 字。"),
    (ITEM_SHEET, "D"): ("textLength", "equal", "18", "统一社会信用代码为 18 位。"),
    (ITEM_SHEET, "E"): ("textLength", "lessThanOrEqual", "200", "地址（点位）请不要超过 200 字。"),
    (ITEM_SHEET, "F"): ("date", None, None, "请填写 2024 年内、不晚于期末（2024-06-30）的日期。"),
    (ITEM_SHEET, "G"): ("textLength", "lessThanOrEqual", "200", "佐证材料请不要超过 200 字。"),
    (ITEM_SHEET, "H"): ("textLength", "lessThanOrEqual", "200", "备注请不要超过 200 字。"),
    (INFO_SHEET, "A"): ("list", None, '"工作亮点,经验做法,问题建议"', "请从下拉列表选择类别。"),
    (INFO_SHEET, "B"): ("textLength", "lessThanOrEqual", "50", "序号或实事请不要超过 50 字。"),
    (INFO_SHEET, "C"): ("textLength", "lessThanOrEqual", "50", "标题请不要超过 50 字。"),
    (INFO_SHEET, "D"): ("textLength", "lessThanOrEqual", "1000", "内容请不要超过 1000 字。"),
}


@pytest.fixture(scope="module")
def issued(tmp_path_factory):
    office = Office(tmp_path_factory.mktemp("rules"))
    return office, office.generate("2024Q2", ("岱山",))["岱山"]


def _validations(ws) -> dict[str, object]:
    """Column letter → the validation over that column's input rows."""
    out = {}
    for dv in ws.data_validations.dataValidation:
        first = str(dv.sqref).split()[0].split(":")[0]
        out["".join(ch for ch in first if ch.isalpha())] = dv
    return out


def test_every_validation_of_the_extra_sheets_is_the_rule_written_here(issued):
    _office, tpl = issued
    wb = openpyxl.load_workbook(tpl)
    got = {}
    for name in (ITEM_SHEET, INFO_SHEET):
        for letter, dv in _validations(wb[name]).items():
            assert dv.showErrorMessage and dv.errorStyle in (None, "stop"), (name, letter)
            assert dv.prompt and dv.promptTitle, (name, letter)
            formula1 = dv.formula1 if dv.type != "list" or name == INFO_SHEET else None
            got[(name, letter)] = (
                dv.type,
                dv.operator,
                formula1 if dv.type != "date" else None,
                dv.error,
            )
    assert got == EXPECTED


def test_the_report_sheet_s_texts_and_signature_carry_their_limits(issued):
    _office, tpl = issued
    ws = openpyxl.load_workbook(tpl)["填报表"]
    found = {}
    for dv in ws.data_validations.dataValidation:
        if dv.type == "textLength":
            for rng in str(dv.sqref).split():
                found["".join(ch for ch in rng.split(":")[0] if ch.isalpha())] = (
                    dv.formula1,
                    dv.error,
                )
    for key in ("progress", "problems", "remark"):
        assert found[col_letter(COL[key])] == ("500", "请不要超过 500 字。"), key
    assert found[col_letter(COL["name"])] == ("50", "请不要超过 50 字。")
    prompts = {dv.prompt for dv in ws.data_validations.dataValidation if dv.type == "textLength"}
    assert "填写文字说明，不超过 500 字。" in prompts


def _no_items(unit: str) -> dict[int, float | str]:
    """Valid figures, 0 on every itemised row (only 序号 42's list is typed)."""
    zero = {r.indicator.seq: 0.0 for r in reporting_rows(CAT, unit) if r.indicator.items}
    return full_values(CAT, unit, 5) | zero


def _rows(path) -> tuple[int, int]:
    """(row of 序号 42, row of 填报人) in 填报表, 1-based."""
    ws = openpyxl.load_workbook(path)["填报表"]
    seq_row = next(
        r for r in range(FIRST_DATA_ROW + 1, ws.max_row + 1) if ws.cell(r, 1).value == 42
    )
    reporter = next(
        r for r in range(1, ws.max_row + 1) if str(ws.cell(r, 1).value or "").startswith("填报人")
    )
    return seq_row, reporter


def _fill(office, tpl, name: str, over: int) -> None:
    """A return with every text at its limit plus ``over`` characters, typed by openpyxl
    (as a paste or a script would: no validation stops it)."""
    r, _ = _rows(tpl)
    remark = f"{col_letter(COL['remark'])}{r}"
    fill_return(
        tpl,
        office.returns_dir("2024Q2") / name,
        _no_items("岱山") | {42: 1},
        texts={42: ("进" * (500 + over), "问" * (500 + over))},
        cells={remark: "备" * (500 + over)},
        reporter="张" * (50 + over),
        items={
            42: [
                {
                    "name": "名" * (100 + over),
                    "code": CODE,
                    "address": "址" * (200 + over),
                    "date": "2024-04-15",
                    "evidence": "证" * (200 + over),
                    "remark": "注" * (200 + over),
                }
            ]
        },
        info=[
            {
                "kind": "工作亮点",
                "about": "5" * (50 + over),
                "title": "题" * (50 + over),
                "text": "文" * (1000 + over),
            },
            {
                "kind": "经验做法",
                "about": "56",
                "title": "" if over else "有标题",
                "text": "只有内容",
            },
        ],
    )


@pytest.mark.parametrize(("over", "expected_count"), [(0, 0), (1, 1)])
def test_each_text_rule_fires_at_its_cell_one_character_over_and_not_at_the_limit(
    tmp_path, over, expected_count
):
    office = Office(tmp_path)
    tpl = office.generate("2024Q2", ("岱山",))["岱山"]
    _fill(office, tpl, "岱山.xlsx", over)
    r, reporter = _rows(tpl)
    out = office.consolidate("2024Q2").result
    got = {(p.code, p.sheet, p.cell) for p in out.problems}
    wanted = {
        ("text.too_long", "填报表", f"{col_letter(COL['progress'])}{r}"),
        ("text.too_long", "填报表", f"{col_letter(COL['problems'])}{r}"),
        ("text.too_long", "填报表", f"{col_letter(COL['remark'])}{r}"),
        ("text.too_long", "填报表", f"{col_letter(COL['name'])}{reporter}"),
        ("items.too_long", ITEM_SHEET, "C4"),
        ("items.too_long", ITEM_SHEET, "E4"),
        ("items.too_long", ITEM_SHEET, "G4"),
        ("items.too_long", ITEM_SHEET, "H4"),
        ("info.too_long", INFO_SHEET, "B4"),
        ("info.too_long", INFO_SHEET, "C4"),
        ("info.too_long", INFO_SHEET, "D4"),
        ("info.no_title", INFO_SHEET, "C5"),
    }
    assert len(wanted & got) == expected_count * len(wanted), sorted(wanted - got)
    assert not [p.code for p in out.problems if p.unit == "岱山" and p.severity == "error"]
