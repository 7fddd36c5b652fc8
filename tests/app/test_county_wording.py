"""A county runs the same checks as the city and reads them in its own words: the problems
of a 所's return, its feedback and the decisions say 区局 and 全区目标任务, never 市局/全市."""

from __future__ import annotations

import openpyxl
from yearkit import Office, full_values

from workbook.catalogue import model as catalogue
from workbook.catalogue.derive import derive
from workbook.core.items import INFO_SHEET

CITY = catalogue.load()
STATIONS = [("解放所", "解放市场监督管理所"), ("白泉所", "白泉市场监督管理所")]


def test_a_station_s_problems_speak_of_the_county(tmp_path):
    county = catalogue.from_dict(derive(CITY, "定海", STATIONS, "even").as_dict())
    office = Office(tmp_path, county)
    tpl = office.generate("2024Q2", ("解放所",))["解放所"]
    wb = openpyxl.load_workbook(tpl)
    assert "区局汇编成信息汇编" in wb[INFO_SHEET]["A2"].value
    path = office.submit("2024Q2", "解放所", full_values(county, "解放所", 5))
    wb = openpyxl.load_workbook(path)
    ws = wb["填报表"]
    header = next(r for r in ws.iter_rows(max_row=10) if any(c.value == "序号" for c in r))
    own = next(c for c in header if c.value == "全区目标任务")
    ws.cell(header[0].row + 1, own.column).value = "改过的目标"
    wb.save(path)
    out = office.consolidate("2024Q2").result
    changed = [p for p in out.problems if p.code == "locked.changed"]
    assert changed and all("区局" in p.action and "市局" not in p.action for p in changed)
    assert "“全区目标任务”被改动" in changed[0].message
    assert not [p for p in out.problems if "市局" in p.message + p.action or "全市" in p.message]
