"""明细台账 and 信息报送 as clients and clerks really change them, each change re-checked on
return: a sheet renamed in LibreOffice is found by its header, a column inserted refuses the
sheet at its header cell, a full-width code is read as meant, a code pasted as a number is
said once, more items than the figure are said, a far stray cell is cut and named while the
list is kept, and an entry without a title or with one too long is said at its cell."""

from __future__ import annotations

import pytest
from conftest import needs_soffice
from lo_helpers import lo_run
from yearkit import Office, full_values

from shishi_demo.samples import fill_return, sample_code
from workbook.catalogue import model as catalogue
from workbook.catalogue.model import reporting_rows
from workbook.core.items import INFO_SHEET, ITEM_SHEET
from workbook.core.settings import load_settings

CAT = catalogue.load()
PASSWORD = load_settings().sheet_password
PUBLISHED = ("91330100799655058B", "914403001922038216")  # published, valid
FULL_WIDTH = "".join(chr(ord(c) + 0xFEE0) for c in PUBLISHED[0])  # ９１３３…Ｂ


def _two(unit: str) -> list[dict[str, str]]:
    """Two valid items of ``unit`` (codes of its own: no unit lists another's)."""
    return [
        {"name": f"{unit}甲公司", "code": sample_code(unit, 42, 0), "date": "2024-04-15"},
        {"name": f"{unit}乙公司", "code": sample_code(unit, 42, 1), "date": "2024-05-15"},
    ]


def _figures(unit: str) -> dict[int, float | str]:
    """Valid figures, 0 on every itemised row but 序号 42, which reports 2."""
    zero = {r.indicator.seq: 0.0 for r in reporting_rows(CAT, unit) if r.indicator.items}
    return full_values(CAT, unit, 5) | zero | {42: 2}


@pytest.fixture(scope="module")
def q2(tmp_path_factory):
    root = tmp_path_factory.mktemp("extras")
    office = Office(root)
    tpls = office.generate("2024Q2", ("定海", "普陀", "岱山", "嵊泗"))
    base = {}
    for unit, tpl in tpls.items():
        items = {42: [] if unit == "岱山" else _two(unit)}
        base[unit] = fill_return(tpl, root / "base" / f"{unit}.xlsx", _figures(unit), items=items)
    typed = {  # 岱山 types four items for a figure of 2, and two 信息报送 entries
        "A4": "42",
        "C4": "岱山甲公司",
        "F4": "2024-04-15",
        "A5": "42",
        "C5": "岱山乙公司",
        "D5": PUBLISHED[1],
        "F5": "2024-04-16",
        "A6": "42",
        "C6": "岱山丙公司",
        "F6": "2024-04-17",
        "A7": "42",
        "C7": "岱山丁公司",
        "F7": "2024-04-18",
    }
    edits = {
        "定海": [{"sheet": ITEM_SHEET, "rename": "Sheet1"}],
        "普陀": [{"sheet": ITEM_SHEET, "unprotect": PASSWORD, "insert_columns": ["C"]}],
        "岱山": [
            # D4 typed full-width as text; D5 typed as digits: stored as a number
            {
                "sheet": ITEM_SHEET,
                "type": typed,
                "text": {"D4": FULL_WIDTH, "D6": sample_code("岱山", 42, 9)},
            },
            {
                "sheet": INFO_SHEET,
                "text": {
                    "A4": "工作亮点",
                    "B4": "42",
                    "D4": "岱山推行企业信用修复一件事。",
                    "A5": "经验做法",
                    "B5": "42",
                    "C5": "题" * 60,
                    "D5": "内容。",
                },
            },
        ],
        "嵊泗": [{"sheet": ITEM_SHEET, "text": {"X2050": "草稿"}}],
    }
    jobs = [
        {"src": base[u], "dst": office.returns_dir("2024Q2") / f"{u}.xlsx", "edits": edits[u]}
        for u in tpls
    ]
    lo_run(jobs, root)
    return office.consolidate("2024Q2").result


def _found(out, unit: str) -> set[tuple[str, str, str]]:
    prefixes = ("items.", "extra.", "info.")
    return {
        (p.code, p.sheet, p.cell)
        for p in out.problems
        if p.unit == unit and p.code.startswith(prefixes)
    }


@needs_soffice
@pytest.mark.libreoffice
def test_a_renamed_item_sheet_is_found_by_its_header_and_read(q2):
    assert _found(q2, "定海") == {("extra.sheet_renamed", "Sheet1", "")}


@needs_soffice
@pytest.mark.libreoffice
def test_a_column_inserted_refuses_the_sheet_at_its_header_cell_once(q2):
    assert _found(q2, "普陀") == {("extra.header", ITEM_SHEET, "C3")}
    (p,) = [p for p in q2.problems if p.unit == "普陀" and p.code == "extra.header"]
    assert "应为“名称”，实为空白" in p.message and p.severity == "error"


@needs_soffice
@pytest.mark.libreoffice
def test_full_width_number_stored_code_and_too_many_items_each_said_once(q2):
    assert _found(q2, "岱山") == {
        ("items.fullwidth", ITEM_SHEET, "D4"),  # read as PUBLISHED[0]: no code_invalid
        ("items.code_invalid", ITEM_SHEET, "D5"),  # a number: its last digits lost, said once
        ("items.no_code", ITEM_SHEET, "D7"),  # 丁 typed no code at all
        ("items.count_over", ITEM_SHEET, ""),  # 4 items for a figure of 2
        ("info.no_title", INFO_SHEET, "C4"),
        ("info.too_long", INFO_SHEET, "C5"),
    }
    (over,) = [p for p in q2.problems if p.unit == "岱山" and p.code == "items.count_over"]
    assert "填报 2" in over.message and "列了 4 条" in over.message


@needs_soffice
@pytest.mark.libreoffice
def test_a_far_stray_cell_is_named_and_the_list_is_kept(q2):
    assert _found(q2, "嵊泗") == {("extra.far_cell", ITEM_SHEET, "X2050")}
    (p,) = [p for p in q2.problems if p.unit == "嵊泗" and p.code == "extra.far_cell"]
    assert "草稿" in p.message
