"""The city's 核验: a reproducible sample of the units' items, a list filled in LibreOffice and
imported, its results in the summary, the 退回修改 list, the 通报 and (when set) the ranking;
a tampered or foreign list refused cell by cell with nothing recorded."""

from __future__ import annotations

import dataclasses
import sqlite3

import docx
import openpyxl
import pytest
from conftest import needs_soffice, shishi
from lo_helpers import lo_run
from python_calamine import CalamineWorkbook
from yearkit import Office, full_values

from workbook.app.verify import ListRefused, draw_sample, import_results
from workbook.core.errors import InputError
from workbook.core.items import ITEM_SHEET
from workbook.core.settings import Ranking
from workbook.outputs.verifylist import SAMPLE_PROPERTY

UNITS = ("定海", "普陀", "岱山")


@pytest.fixture
def q2(tmp_path):
    """Q2 returns of three units, each itemised row with its two items, consolidated."""
    office = Office(tmp_path)
    for unit in UNITS:
        office.submit("2024Q2", unit, full_values(office.cat, unit, 5))
    office.consolidate("2024Q2")
    return office


def _draw(office: Office, seed: str, name: str, per_unit: int = 3):
    period = office.period("2024Q2")
    out = office.root / "核验" / name
    return draw_sample(office.cat, office.settings, office.ledger, period, per_unit, seed, out)


def _results(office: Office) -> int:
    with sqlite3.connect(office.ledger) as db:
        return db.execute("SELECT COUNT(*) FROM verify_results").fetchone()[0]


def test_the_same_seed_draws_the_same_sample_and_another_seed_another(q2):
    a = _draw(q2, "20240715", "a.xlsx")
    again = _draw(q2, "20240715", "again.xlsx")
    other = _draw(q2, "7", "other.xlsx")
    assert a.new and not again.new and other.new
    assert again.sample["id"] == a.sample["id"] and again.sample["lines"] == a.sample["lines"]
    assert [x["key"] for x in other.sample["lines"]] != [x["key"] for x in a.sample["lines"]]
    assert {x["unit"] for x in a.sample["lines"]} == set(UNITS)
    assert all(sum(x["unit"] == u for x in a.sample["lines"]) == 3 for u in UNITS)
    # the file says how it was drawn, read back by a second reader
    wb = CalamineWorkbook.from_path(str(a.path))
    about = [c for row in wb.get_sheet_by_name("抽样说明").to_python() for c in row]
    assert "20240715" in about and a.sample["id"] in about
    assert any("梅森旋转" in str(c) for c in about)
    listed = wb.get_sheet_by_name("核验清单").to_python()
    assert [r[4] for r in listed[3 : 3 + 9]] == [x["name"] for x in a.sample["lines"]]
    ws = openpyxl.load_workbook(a.path)["核验清单"]
    assert ws.protection.sheet and ws["E4"].protection.locked and not ws["J4"].protection.locked


@needs_soffice
@pytest.mark.libreoffice
def test_a_list_filled_in_libreoffice_reaches_summary_feedback_bulletin_and_ranking(q2, tmp_path):
    drawn = _draw(q2, "2024", "清单.xlsx")
    lines = drawn.sample["lines"]
    failed = next(x for x in lines if x["unit"] == "普陀")
    typed = {f"J{4 + i}": "通过" for i in range(len(lines))}
    typed |= {f"M{4 + i}": "2024-07-16" for i in range(len(lines))}
    row = 4 + lines.index(failed)
    typed[f"J{row}"] = "不通过"
    text = {f"K{row}": "现场核查：食堂尚未建成。", "L4": "李四"}
    filled = tmp_path / "核验清单_已填.xlsx"
    lo_run(
        [{"src": drawn.path, "dst": filled, "sheet": "核验清单", "type": typed, "text": text}],
        tmp_path,
    )
    done = import_results(q2.cat, q2.settings, q2.ledger, filled)
    assert done.counts["通过"] == len(lines) - 1 and done.counts["不通过"] == 1
    out = q2.consolidate("2024Q2", bulletin_path=q2.root / "通报.docx").result
    t = out.verify["普陀"]
    assert (t.sampled, t.verified, t.failed, t.pending) == (3, 3, 1, 0)
    assert t.listed == len(out.accepted["普陀"].items)
    # the failed item is an error of 普陀's return, at its name's cell in 明细台账
    mine = [p for p in out.open_problems["普陀"] if p.code == "verify.failed"]
    item = next(it for it in out.accepted["普陀"].items if it["name"] == failed["name"])
    assert [(p.sheet, p.cell) for p in mine] == [(ITEM_SHEET, f"C{item['row']}")]
    assert "食堂尚未建成" in mine[0].message
    fb = CalamineWorkbook.from_path(
        str(q2.root / "汇总" / "退回修改" / "2024Q2_普陀_退回修改.xlsx")
    )
    assert any(
        "食堂尚未建成" in str(c) for r in fb.get_sheet_by_name("退回修改").to_python() for c in r
    )
    summary = CalamineWorkbook.from_path(str(q2.outputs("2024Q2")["output"]))
    grid = summary.get_sheet_by_name("核验情况").to_python()
    assert ["普陀", t.listed, 3, 3, 1, 0] in [r[:6] for r in grid]
    paras = [p.text for p in docx.Document(str(q2.root / "通报.docx")).paragraphs]
    assert "四、明细核验" in paras and "五、未报送单位" in paras
    assert any(failed["name"] in p and "食堂尚未建成" in p for p in paras)
    # off by default; with a penalty of 5 per failed item, 普陀 loses 5 points
    before = {s.unit: s.score for s in out.ranking}
    q2.settings = dataclasses.replace(q2.settings, ranking=Ranking(verify_penalty=5))
    again = q2.consolidate("2024Q2").result
    after = {s.unit: s.score for s in again.ranking}
    assert after["普陀"] == round(before["普陀"] - 5, 1) and after["定海"] == before["定海"]
    assert "核验不通过明细条数 × 5" in again.ranking_formula
    # a new draw leaves the verified items out
    redraw = _draw(q2, "another", "再抽.xlsx")
    assert not {x["key"] for x in redraw.sample["lines"]} & {x["key"] for x in lines}


def test_a_tampered_list_is_refused_cell_by_cell_and_nothing_is_recorded(q2, tmp_path):
    drawn = _draw(q2, "1", "清单.xlsx")
    wb = openpyxl.load_workbook(drawn.path)
    ws = wb["核验清单"]
    ws.protection.sheet = False  # protection is no defence: the cells are compared
    ws["J4"], ws["J5"], ws["J6"] = "通过", "不通过", "合格"
    ws["E7"] = "另一家公司"
    ws["B4"] = "岱山"
    last = 4 + len(drawn.sample["lines"])
    ws[f"A{last}"], ws[f"J{last}"] = 99, "通过"
    bad = tmp_path / "改过.xlsx"
    wb.save(bad)
    with pytest.raises(ListRefused) as refused:
        import_results(q2.cat, q2.settings, q2.ledger, bad)
    got = {(p.code, p.cell) for p in refused.value.problems}
    assert got == {
        ("verify.note_missing", "K5"),
        ("verify.result_invalid", "J6"),
        ("verify.cell_changed", "E7"),
        ("verify.cell_changed", "B4"),
        ("verify.cell_changed", f"A{last}"),
    }
    assert "E7" in str(refused.value) and "另一家公司" in str(refused.value)
    assert _results(q2) == 0


def test_a_list_not_issued_here_is_refused(q2, tmp_path):
    drawn = _draw(q2, "1", "清单.xlsx")
    wb = openpyxl.load_workbook(drawn.path)
    wb.custom_doc_props[SAMPLE_PROPERTY].value = "HY2024Q2-0000000000"
    wb["核验清单"]["A1"] = "自制核验清单"
    wb["核验清单"]["J4"] = "通过"
    forged = tmp_path / "自制.xlsx"
    wb.save(forged)
    with pytest.raises(ListRefused, match="没有抽查编号“HY2024Q2-0000000000”"):
        import_results(q2.cat, q2.settings, q2.ledger, forged)
    template = q2.templates[("2024Q2", "定海")]
    with pytest.raises(ListRefused, match="没有“核验清单”工作表"):
        import_results(q2.cat, q2.settings, q2.ledger, template)
    assert _results(q2) == 0


def test_a_blank_reimport_erases_nothing_and_a_failure_goes_when_the_item_does(q2, tmp_path):
    drawn = _draw(q2, "1", "清单.xlsx", per_unit=1)
    wb = openpyxl.load_workbook(drawn.path)
    wb["核验清单"]["J4"], wb["核验清单"]["K4"] = "不通过", "名称不符"
    filled = tmp_path / "已填.xlsx"
    wb.save(filled)
    import_results(q2.cat, q2.settings, q2.ledger, filled)
    with pytest.raises(InputError, match="还没有填写任何核验结果"):
        import_results(q2.cat, q2.settings, q2.ledger, drawn.path)  # the blank original
    line = drawn.sample["lines"][0]
    out = q2.consolidate("2024Q2").result
    assert out.verify[line["unit"]].failed == 1
    assert [p.found for p in out.problems if p.code == "verify.failed"] == [line["name"]]
    # Q3: the unit takes the failed item out of its list; the failure stays counted, but is
    # no longer a problem of its return (the disappearance is, as for any item)
    q2.generate("2024Q3", (line["unit"],))
    path = q2.submit("2024Q3", line["unit"], full_values(q2.cat, line["unit"], 6))
    wb = openpyxl.load_workbook(path)
    ws = wb[ITEM_SHEET]
    for r in range(4, ws.max_row + 1):
        if ws.cell(r, 3).value == line["name"]:
            for c in range(1, 9):
                ws.cell(r, c).value = None
    wb.save(path)
    q3 = q2.consolidate("2024Q3").result
    assert q3.verify[line["unit"]].failed == 1
    assert not [p for p in q3.problems if p.code == "verify.failed"]
    assert [p.found for p in q3.problems if p.code == "items.disappeared"] == [line["name"]]


def test_a_list_of_another_period_is_refused_in_one_sentence_naming_both(q2, tmp_path):
    """A Q2 list imported as Q3's (``--period 2024Q3``) is refused, naming both periods;
    imported without a period, the output says whose period it is."""
    drawn = _draw(q2, "7", "清单.xlsx", per_unit=1)
    wb = openpyxl.load_workbook(drawn.path)
    wb["核验清单"]["J4"] = "通过"
    filled = tmp_path / "已填.xlsx"
    wb.save(filled)
    with pytest.raises(InputError) as refused:
        import_results(q2.cat, q2.settings, q2.ledger, filled, q2.period("2024Q3"))
    said = str(refused.value)
    assert "2024年第二季度" in said and "2024年第三季度" in said and "未导入" in said
    assert said.count("。") == 1, said  # one sentence
    assert _results(q2) == 0
    r = shishi("verify", "import", filled, "--period", "2024Q3", "--ledger", q2.ledger)
    assert r.returncode != 0 and "2024年第三季度" in r.stderr + r.stdout
    r = shishi("verify", "import", filled, "--ledger", q2.ledger)
    assert r.returncode == 0, r.stderr
    assert f"已导入2024年第二季度抽查编号 {drawn.sample['id']}" in r.stdout
    assert "台账备份：" in r.stdout  # the import was backed up, and said so
    assert _results(q2) == 1
