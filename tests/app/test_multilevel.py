"""Multi-level reporting end to end, with real files at every level: the city's catalogue
derived for 定海, the table edited in LibreOffice and imported against the city's, 所
templates generated and filled (one in LibreOffice), consolidated at the county, reported up,
signed in LibreOffice and consolidated at the city among ten ordinary returns; then a 所
correction, a 所 missing, the city's targets changed, a 所 file at the city, and the city
reporting to a small province."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import openpyxl
import pytest
from conftest import needs_soffice, shishi
from lo_helpers import lo_run
from python_calamine import CalamineWorkbook
from xlsxwriter.utility import xl_col_to_name
from yearkit import full_values

from shishi_demo.samples import fill_return
from workbook.app.generate import generate_period
from workbook.app.run import run_consolidation
from workbook.catalogue import model as catalogue
from workbook.catalogue.model import Catalogue, reporting_rows
from workbook.core.measures import measure
from workbook.core.period import parse_period
from workbook.core.resources import default_catalogue_path
from workbook.core.settings import load_settings
from workbook.ledger.store import Ledger
from workbook.template.build import COL, FIRST_DATA_ROW

# every test here starts from a table edited and a return typed in LibreOffice
pytestmark = [needs_soffice, pytest.mark.libreoffice]
CITY = default_catalogue_path()
STATIONS = [("城东所", "定海区市场监督管理局城东市场监督管理所"),
            ("解放所", "定海区市场监督管理局解放市场监督管理所"),
            ("白泉所", "定海区市场监督管理局白泉市场监督管理所")]  # fmt: skip
Q2 = parse_period("2024Q2")
_clock = [1_717_200_000]


def _touch(path: Path) -> Path:
    _clock[0] += 60
    os.utime(path, (_clock[0], _clock[0]))
    return path


def _ok(r) -> str:
    assert r.returncode == 0, r.stdout + r.stderr
    return r.stdout


def _typed(cat: Catalogue, unit: str, values: dict[int, object]) -> dict[str, str]:
    """What a person types into 填报表: percents with their sign, and the bases of stocks."""
    rows = [r.indicator.seq for r in reporting_rows(cat, unit)]
    vcol, bcol = xl_col_to_name(COL["value"]), xl_col_to_name(COL["base"])
    out = {}
    for row in reporting_rows(cat, unit):  # a stock's 年初基数, as fill_return types it
        if measure(row.indicator.measure).base and row.target.value is not None:
            out[f"{bcol}{FIRST_DATA_ROW + 1 + rows.index(row.indicator.seq)}"] = (
                f"{round(row.target.value * 0.85):g}"
            )
    for s, v in values.items():
        pct = measure(cat.indicator(s).measure).percent
        out[f"{vcol}{FIRST_DATA_ROW + 1 + rows.index(s)}"] = (
            v if isinstance(v, str) else f"{v:g}" + ("%" if pct else "")
        )
    return out


def _consolidate(cat: Catalogue, folder: Path, ledger: Path, out: Path):
    return run_consolidation(
        folder, Q2, out / "汇总.xlsx", cat, load_settings(), ledger_path=ledger,
        feedback_dir=out / "退回修改",
    )  # fmt: skip


class County:
    """定海 and its three 所, below ``root``: derived, edited in LibreOffice, imported."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        (root / "所.csv").write_text(
            "简称,全称\n" + "".join(f"{a},{b}\n" for a, b in STATIONS), encoding="utf-8"
        )
        self.table = root / "定海分解表.xlsx"
        self.json = root / "目录_定海.json"
        self.ledger = root / "定海台账.sqlite3"
        self.returns = root / "所回收" / "2024Q2"
        self.up = root / "向市局报送"

    def derive_edit_import(self) -> str:
        _ok(shishi("catalogue", "derive", "--for", "定海", "--units", self.root / "所.csv",
                   "-o", self.table))  # fmt: skip
        grid = openpyxl.load_workbook(self.table)["任务分解表"]
        head = [c.value for c in grid[1]]
        row6 = next(r for r in range(2, grid.max_row + 1) if grid.cell(r, 1).value == "6")
        cells = {f"{xl_col_to_name(head.index(u))}{row6}": t
                 for u, t in (("城东所", "3"), ("解放所", "2"), ("白泉所", "1"))}  # fmt: skip
        edited = self.root / "定海分解表_已填.xlsx"
        lo_run(
            [{"src": self.table, "dst": edited, "sheet": "任务分解表", "text": cells}], self.root
        )
        self.table = edited
        return _ok(shishi("catalogue", "import", edited, "--parent", CITY, "-o", self.json))

    @property
    def cat(self) -> Catalogue:
        return catalogue.load(self.json)

    def templates(self) -> dict[str, Path]:
        paths = generate_period(self.cat, Q2, self.root / "所模板", ledger_path=self.ledger).paths
        return {p.name.split("_")[1]: p for p in paths}

    def values(self, unit: str, bump: int = 0) -> dict[int, object]:
        return full_values(self.cat, unit, 3 + bump)

    def consolidate(self):
        return _consolidate(self.cat, self.returns, self.ledger, self.root / "区局汇总")

    def report_up(self, *extra: str) -> Path:
        out = _ok(shishi("report-up", "--catalogue", self.json, "--parent", CITY, "--period",
                         "2024Q2", "--ledger", self.ledger, "-o", self.up, *extra))  # fmt: skip
        assert "台账备份：" in out  # the county's ledger, backed up after recording the revision
        return Path(out.split("报送：", 1)[1].split("\n", 1)[0].strip())


@pytest.fixture
def county(tmp_path):
    """定海's table edited in LibreOffice and imported; its 所 report (城东所 typed in
    LibreOffice); the county consolidated."""
    c = County(tmp_path / "定海")
    said = c.derive_edit_import()
    assert "已写入目录" in said
    tpl = c.templates()
    assert set(tpl) == {u for u, _ in STATIONS}  # 本级 has nothing of its own here: no template
    # typed in LibreOffice with no 明细台账 list: its itemised figures are 0, so they agree
    typed = c.values("城东所") | {i.seq: 0.0 for i in c.cat.indicators if i.items}
    lo_run([{"src": tpl["城东所"], "dst": c.returns / "城东所.xlsx", "sheet": "填报表",
             "type": _typed(c.cat, "城东所", typed)}], tmp_path)  # fmt: skip
    _touch(c.returns / "城东所.xlsx")
    for unit in ("解放所", "白泉所"):
        _touch(fill_return(tpl[unit], c.returns / f"{unit}.xlsx", c.values(unit)))
    c.tpl = tpl
    return c


def _city_folder(tmp_path: Path, county_file: Path) -> tuple[Catalogue, Path]:
    """The city's returns folder: ten ordinary returns and 定海's built one."""
    cat = catalogue.load(CITY)
    tdir, folder = tmp_path / "市局模板", tmp_path / "市局回收"
    paths = generate_period(cat, Q2, tdir, [u for u in cat.unit_ids if u != "定海"]).paths
    for path in paths:
        unit = path.name.split("_")[1]
        _touch(fill_return(path, folder / f"{unit}.xlsx", full_values(cat, unit, 5)))
    _copy(county_file, folder)
    return cat, folder


def _copy(src: Path, folder: Path) -> Path:
    """A file dropped into a returns folder, one minute newer than the one before."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / src.name).write_bytes(src.read_bytes())
    return _touch(folder / src.name)


def _sign(src: Path, dst: Path, cat: Catalogue, unit: str, tmp: Path) -> Path:
    """Open the built return in LibreOffice, sign it (填报人, 审核人, 日期) and save."""
    n = len(reporting_rows(cat, unit))
    sig = FIRST_DATA_ROW + n + 1  # 0-based row of 填报单位（盖章）
    col = xl_col_to_name(COL["name"])
    lo_run([{"src": src, "dst": dst, "sheet": "填报表",
             "text": {f"{col}{sig + 1}": "定海区市场监督管理局", f"{col}{sig + 2}": "王五",
                      f"{col}{sig + 3}": "0580-2000000", f"{col}{sig + 4}": "赵六"},
             "type": {f"{col}{sig + 5}": "2024-07-03"}}], tmp)  # fmt: skip
    return _touch(dst)


def test_a_county_consolidation_becomes_its_return_and_the_city_takes_it(county, tmp_path):
    out = county.consolidate().result
    assert set(out.accepted) == {u for u, _ in STATIONS} and not out.missing_units
    assert out.city[6].value == sum(out.unit_values[(u, 6)].value for u, _ in STATIONS)
    summary = CalamineWorkbook.from_path(str(county.root / "区局汇总" / "汇总.xlsx"))
    assert "全区汇总" in summary.sheet_names and "全市汇总" not in summary.sheet_names
    built = county.report_up()
    assert built.name == "2024Q2_定海_十件实事填报_汇总生成第1版.xlsx"
    wb = openpyxl.load_workbook(built)
    assert "所明细" in wb.sheetnames and wb["所明细"].protection.sheet
    signed = _sign(built, tmp_path / "定海_已签.xlsx", catalogue.load(CITY), "定海", tmp_path)
    cat, folder = _city_folder(tmp_path, signed)
    city = _consolidate(cat, folder, tmp_path / "市局台账.sqlite3", tmp_path / "市局汇总").result
    dh = city.accepted["定海"]
    assert dh.origin["origin"]["revision"] == 1 and dh.origin["origin"]["reported"] == 3
    for seq in (5, 6, 42):
        assert city.unit_values[("定海", seq)].value == out.city[seq].value, seq
    assert not [p for p in city.problems if p.unit == "定海" and p.severity == "error"]
    assert not [p for p in city.problems if p.unit == "定海" and p.code.startswith("signature")]
    assert not [p for p in city.problems if p.unit == "定海" and p.code == "items.count_short"]
    sheet = CalamineWorkbook.from_path(str(tmp_path / "市局汇总" / "汇总.xlsx"))
    listed = [r for r in sheet.get_sheet_by_name("报送情况").to_python() if r[0] == "定海"]
    assert listed[0][11] == "汇总生成 第1版，所报送 3/3"
    others = [r for r in sheet.get_sheet_by_name("报送情况").to_python() if r[0] == "普陀"]
    assert others[0][11] == "填报"
    check = sheet.get_sheet_by_name("逐级核对").to_python()
    assert check[3][:2] == ["定海", "一致"]


def test_a_station_correction_makes_the_sent_return_stale_and_revision_2_replaces_it(
    county, tmp_path
):
    county.consolidate()
    first = county.report_up()
    cat, folder = _city_folder(tmp_path, first)
    city_ledger = tmp_path / "市局台账.sqlite3"
    before = _consolidate(cat, folder, city_ledger, tmp_path / "市局汇总").result
    # 城东所 corrects its figures (a later file); the county consolidates again
    tpl = county.tpl["城东所"]
    _touch(fill_return(tpl, county.returns / "城东所_更正.xlsx", county.values("城东所", bump=10)))
    again = county.consolidate()
    r = shishi("report-up", "--check", "--catalogue", county.json, "--parent", CITY,
               "--period", "2024Q2", "--ledger", county.ledger)  # fmt: skip
    assert r.returncode == 1 and "第1版" in r.stdout
    old, new = before.unit_values[("定海", 5)].value, again.result.city[5].value
    assert f"序号 5：{old:g} → {new:g}" in r.stdout
    # the county's consolidation says the same, in the same words
    said = [n for n in again.result.notices if "已向上报送的第1版已过期" in n]
    assert said and f"序号 5：{old:g} → {new:g}" in said[0]
    assert not re.search(r"\d{4}-\d\d-\d\dT", r.stdout)  # a time as the office reads it
    second = county.report_up()
    assert second.name.endswith("第2版.xlsx")
    _copy(second, folder)
    after = _consolidate(cat, folder, city_ledger, tmp_path / "市局汇总").result
    assert after.unit_values[("定海", 5)].value == new
    with Ledger(city_ledger) as led:
        kept = {r.file_name: r.status for r in led.rows() if r.unit == "定海"}
    assert kept == {first.name: "superseded", second.name: "accepted"}
    changed = [x for x in after.levels if x.kind == "版本变化" and x.seq == 5]
    assert changed and f"第1版 {old:g} → 第2版 {new:g}" in changed[0].message
    ok = shishi("report-up", "--check", "--catalogue", county.json, "--parent", CITY,
                "--period", "2024Q2", "--ledger", county.ledger)  # fmt: skip
    assert ok.returncode == 0 and "无需重报" in ok.stdout


def test_a_missing_station_is_refused_or_said(county, tmp_path):
    (county.returns / "白泉所.xlsx").unlink()
    county.consolidate()
    r = shishi("report-up", "--catalogue", county.json, "--parent", CITY, "--period",
               "2024Q2", "--ledger", county.ledger, "-o", county.up)  # fmt: skip
    assert r.returncode == 2 and "白泉所尚未报送" in r.stderr
    built = county.report_up("--allow-incomplete")
    cat, folder = _city_folder(tmp_path, built)
    city = _consolidate(cat, folder, tmp_path / "市局台账.sqlite3", tmp_path / "市局汇总").result
    assert city.accepted["定海"].origin["origin"]["missing"] == ["白泉所"]
    rows = [x for x in city.levels if x.unit == "定海" and x.exception]
    assert [x.kind for x in rows] == ["所未报送"] and "白泉所" in rows[0].message


def test_city_targets_changed_after_derivation_are_refused(county, tmp_path):
    county.consolidate()
    data = json.loads(CITY.read_text(encoding="utf-8"))
    ind = next(i for i in data["indicators"] if i["seq"] == 6)
    ind["targets"]["定海"] = {"text": "7", "type": "quantity", "op": ">=", "value": 7}
    changed = tmp_path / "市局目录_改.json"
    changed.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    r = shishi("report-up", "--catalogue", county.json, "--parent", changed, "--period",
               "2024Q2", "--ledger", county.ledger, "-o", county.up)  # fmt: skip
    assert r.returncode == 2 and "序号 6：6 → 7" in r.stderr
    assert not county.up.exists() or not list(county.up.iterdir())
    r = shishi("catalogue", "import", county.table, "--parent", changed, "-o", tmp_path / "x.json")
    assert r.returncode == 1 and "parent.changed" in r.stdout and "parent.weaker" in r.stdout


def test_a_station_file_sent_to_the_city_is_refused_naming_the_county(county, tmp_path):
    county.consolidate()
    built = county.report_up()
    cat, folder = _city_folder(tmp_path, built)
    (folder / "城东所.xlsx").write_bytes((county.returns / "解放所.xlsx").read_bytes())
    city = _consolidate(cat, folder, tmp_path / "市局台账.sqlite3", tmp_path / "市局汇总").result
    wrong = [p for p in city.problems if p.code == "return.lower_level"]
    assert len(wrong) == 1 and "定海区市场监督管理局" in wrong[0].message
    assert "定海" in city.accepted and city.accepted["定海"].name == built.name


def _province(tmp_path: Path, city: Catalogue) -> Path:
    """A small province catalogue: 省局, 舟山 and 宁波, three rows numbered its own way."""

    def target(text: str, **kw: object) -> dict:
        return {"text": text, **kw}

    rows = [  # province 序号, the city's 序号, 舟山's target
        (1, 5, target("9000", type="quantity", op=">=", value=9000)),
        (2, 6, target("20", type="quantity", op=">=", value=20)),
        (3, 2, target("达到80%", type="threshold", op=">=", value=80)),
    ]
    inds = []
    for pseq, cseq, t in rows:
        ci = city.indicator(cseq).as_dict()
        ci.pop("plan", None), ci.pop("items", None), ci.pop("progress", None)
        total = dict(t, text="均" + t["text"])
        if t["type"] == "quantity":  # the province's total: 舟山's and 宁波's
            total = dict(t, text=f"{t['value'] * 2:g}", value=t["value"] * 2)
        inds.append(
            ci | {"seq": pseq, "action": 1, "city": total, "targets": {"舟山": t, "宁波": t}}
        )
    data = {
        "catalogue_id": "zhejiang-shishi", "version": "2024.1", "year": 2024,
        "title": "2024年浙江省市场监管助企惠民任务分解表", "source": "测试用",
        "units": [{"id": "省局", "kind": "city", "full_name": "浙江省市场监督管理局"},
                  {"id": "舟山", "kind": "county", "full_name": "舟山市市场监督管理局"},
                  {"id": "宁波", "kind": "county", "full_name": "宁波市市场监督管理局"}],
        "actions": [{"no": 1, "name": "测试行动", "item_count": 3}],
        "indicators": inds,
    }  # fmt: skip
    path = tmp_path / "省局目录.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    catalogue.load(path)  # valid
    return path


def test_three_levels_end_at_the_province(county, tmp_path):
    county.consolidate()
    built = county.report_up()
    cat, folder = _city_folder(tmp_path, built)
    city_ledger = tmp_path / "市局台账.sqlite3"
    city = _consolidate(cat, folder, city_ledger, tmp_path / "市局汇总").result
    province = _province(tmp_path, cat)
    (tmp_path / "对照.csv").write_text("本级序号,上级序号\n5,1\n6,2\n", encoding="utf-8")
    r = shishi("catalogue", "link", CITY, "--parent", province, "--unit", "舟山",
               "--map", tmp_path / "对照.csv", "-o", tmp_path / "x.json")  # fmt: skip
    assert r.returncode == 2 and "上级序号 3" in r.stderr and "没有对照" in r.stderr
    (tmp_path / "对照.csv").write_text("本级序号,上级序号\n5,1\n6,2\n2,3\n", encoding="utf-8")
    linked = tmp_path / "市局目录_对照省局.json"
    _ok(shishi("catalogue", "link", CITY, "--parent", province, "--unit", "舟山",
               "--map", tmp_path / "对照.csv", "-o", linked))  # fmt: skip
    out = _ok(shishi("report-up", "--catalogue", linked, "--parent", province, "--period",
                     "2024Q2", "--ledger", city_ledger, "-o", tmp_path / "向省局报送"))  # fmt: skip
    up = Path(out.split("报送：", 1)[1].split("\n", 1)[0].strip())
    assert "下级明细" in openpyxl.load_workbook(up).sheetnames
    pcat = catalogue.load(province)
    pfolder = tmp_path / "省局回收"
    _copy(up, pfolder)
    prov = _consolidate(pcat, pfolder, tmp_path / "省局台账.sqlite3", tmp_path / "省局汇总").result
    assert "舟山" in prov.accepted
    assert prov.unit_values[("舟山", 1)].value == city.city[5].value
    assert prov.unit_values[("舟山", 2)].value == city.city[6].value
    assert prov.unit_values[("舟山", 3)].value == city.city[2].value
    # 定海's part of the city's 序号 6 came from its 所: three levels in one figure
    assert city.unit_values[("定海", 6)].value == sum(
        county.consolidate().result.unit_values[(u, 6)].value for u, _ in STATIONS
    )


def test_manual_rows_are_left_to_the_county_and_no_detail_means_no_sheet(county, tmp_path):
    """A row marked 自行填报 is not prefilled (the county types its own figure); --no-detail
    leaves 所明细 out; the county's history reads its own ledger."""
    data = json.loads(county.json.read_text(encoding="utf-8"))
    next(i for i in data["indicators"] if i["seq"] == 2)["rollup"] = "manual"
    county.json.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    county.consolidate()
    built = county.report_up("--no-detail")
    wb = openpyxl.load_workbook(built)
    assert "所明细" not in wb.sheetnames
    ws = wb["填报表"]
    rows = {ws.cell(r, 1).value: r for r in range(FIRST_DATA_ROW + 1, ws.max_row + 1)}
    assert ws.cell(rows[2], COL["value"] + 1).value is None  # 自行填报: left open
    assert ws.cell(rows[5], COL["value"] + 1).value == county.consolidate().result.city[5].value
    hist = shishi("history", "--catalogue", county.json, "--ledger", county.ledger)
    assert hist.returncode == 0 and "城东所" in hist.stdout


def test_an_older_revision_arriving_later_never_replaces_the_newer_and_is_said(county, tmp_path):
    """The city consolidates 定海's 第2版; then its 第1版 turns up with a later file time (sent
    again by mistake): 第2版 stays in force, and 第1版 is a problem the office reads."""
    county.consolidate()
    first = county.report_up()
    tpl = county.tpl["城东所"]
    _touch(fill_return(tpl, county.returns / "城东所_更正.xlsx", county.values("城东所", bump=10)))
    now = county.consolidate().result
    second = county.report_up()
    cat, folder = _city_folder(tmp_path, second)
    city_ledger = tmp_path / "市局台账.sqlite3"
    _consolidate(cat, folder, city_ledger, tmp_path / "市局汇总")
    _copy(first, folder)  # 第1版, newer on disk than 第2版
    city = _consolidate(cat, folder, city_ledger, tmp_path / "市局汇总").result
    assert city.accepted["定海"].name == second.name
    assert city.unit_values[("定海", 5)].value == now.city[5].value
    (said,) = [p for p in city.problems if p.code == "return.old_revision"]
    assert said.unit == "定海" and said.file == first.name
    assert "第1版" in said.message and "第2版" in said.message
    old = next(s for s in city.submissions if s.name == first.name)
    assert old.status == "superseded" and "第2版" in old.decision
