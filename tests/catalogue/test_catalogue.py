"""The bundled 2024 catalogue against Attachment 11, and the checks that guard it."""

from __future__ import annotations

import csv
import io

import pytest

from workbook.catalogue import check as lint
from workbook.catalogue import model as catalogue
from workbook.catalogue import schema as catalogueschema
from workbook.catalogue.model import reporting_rows

UNITS = ["市局", "定海", "普陀", "岱山", "嵊泗", "高新区", "新城", "金塘", "六横", "普陀山", "洋山"]


@pytest.fixture(scope="module")
def cat():
    return catalogue.load()


def test_bundled_catalogue_has_81_rows_and_11_units(cat):
    assert [i.seq for i in cat.indicators] == list(range(1, 82))
    assert cat.unit_ids == UNITS
    assert [a.item_count for a in cat.actions] == [5, 4, 10, 18, 6, 11, 1, 8, 8, 9]


def test_bundled_catalogue_checks_clean_with_the_seeds_own_inconsistencies():
    report = lint.check_file()
    assert report.valid, lint.render_text(report)
    codes = {(p.code, p.seq) for p in report.warnings}
    # Each of these is a real inconsistency of the official table, kept as printed.
    assert ("target.sum_mismatch", 56) in codes  # units add up to 19, city target 20
    assert ("target.plan_mismatch", 70) in codes  # table 25%, Attachment 9 says 50%
    assert ("target.laxer_than_city", 55) in codes  # 高新区 50% against 100%
    assert any(p.code == "action.item_count" and "无忧乘梯" in p.message for p in report.warnings)
    assert len(report.warnings) == 4


def test_parsed_meanings_of_typical_targets(cat):
    t = cat.indicator(5)
    assert (t.city.text, t.city.type, t.city.value) == ("0.9万", "quantity", 9000)
    assert t.measure_unit == "人次" and t.measure == "count"
    t = cat.indicator(3)
    assert (t.city.type, t.city.op, t.city.value, t.measure, t.direction) == (
        "threshold",
        "<=",
        7,
        "time_limit",
        "lower",
    )
    t = cat.indicator(64)
    assert (t.city.type, t.city.op, t.city.value, t.direction) == ("change", "<=", -10, "lower")
    t = cat.indicator(42)
    assert (t.targets["定海"].text, t.targets["定海"].value, t.targets["定海"].op) == (
        "24以上",
        24,
        ">=",
    )
    assert cat.indicator(38).measure == "qualitative"
    assert cat.indicator(4).targets["高新区"].type == "in_county"
    follows = cat.indicator(20).targets["洋山"]
    assert (follows.type, follows.followed_unit) == ("follows", "嵊泗")
    assert cat.indicator(24).measure == "amount"
    assert cat.indicator(2).targets["普陀山"].merged


def test_damaged_rows_are_decided_and_explained(cat):
    assert cat.indicator(20).measure_unit == "件" and cat.indicator(20).name_printed.endswith("(")
    assert any("截断" in n for n in cat.indicator(20).notes)
    assert (cat.indicator(67).name, cat.indicator(68).name) == ("电梯扫码维保率", "电梯检验检测率")
    assert cat.indicator(67).city.value == cat.indicator(68).city.value == 99
    # 绿色直播为民行动: 市局 column vanished; 序号75 prints 9 cells, 六横 decided empty.
    t75 = cat.indicator(75).targets
    assert [t75[u].text for u in UNITS] == ["", "4", "4", "1", "1", "1", "2", "/", "", "2", "/"]
    assert all(cat.indicator(s).notes for s in (20, 67, 68, 74, 75, 76, 77, 78, 79, 80, 81, 4))


# Rows read by eye from ../shared/seed/000_d240f9b8d317eb0f.txt (Attachment 11), unit columns
# in table order; a merged cell is repeated over its span in the csv.
SEED_ROWS = {
    1: [
        "1",
        "增值服务暖企行动(5项)",
        "新增电子营业执照“企业码”应用于地方特色业务系统数量",
        "个",
        "1",
        "1",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
    ],
    4: [
        "4",
        "增值服务暖企行动(5项)",
        "发放个体工商户经营性贷款(亿元)",
        "亿元",
        "2",
        "/",
        "0.8",
        "0.7",
        "0.45",
        "0.05",
    ]
    + ["分别纳入对应县区的统计范围"] * 6,
    20: [
        "20",
        "知识产权兴企行动(18项)",
        "高价值发明专利拥有量(",
        "件",
        "1641",
        "/",
        "260",
        "481",
        "38",
        "20",
        "74",
        "730",
        "25",
        "8",
        "5",
        "按照嵊泗县局要求落实",
    ],
    22: ["22", "知识产权兴企行动(18项)", "海外发明专利授权量", "%", "增长8%以上"] + [""] * 11,
    28: ["28", "知识产权兴企行动(18项)", "产业知识产权服务平台数量(个)", "个", "1", "1"]
    + ["/"] * 10,
    55: ["55", "执法亮剑护民行动(1项)", "8个领域案件办理覆盖率", "%", "100%"]
    + ["100%"] * 5
    + ["50%"]
    + ["100%"] * 5,
    67: ["67", "无忧乘梯安民行动(8项)", "电梯扫码维保率、检验检测率", "%", "99%以上"]
    + ["电梯扫码维保率均达99%以上、检验检测率均达99%以上"] * 11,
    68: ["68", "无忧乘梯安民行动(8项)", "电梯扫码维保率、检验检测率", "%", "99%以上"]
    + ["电梯扫码维保率均达99%以上、检验检测率均达99%以上"] * 11,
    72: ["72", "无忧乘梯安民行动(8项)", "电梯使用单位监督抽查比例", "%", "不低于5%", "/"]
    + ["对电梯使用单位监督抽查比例均不少于总数的5%,其中重点监督检查单位抽查比例不少于50%"] * 10,
    74: ["74", "绿色直播为民行动(9项)", "超千万元规模直播间(个)", "个", "2", "", "1", "1"]
    + ["/"] * 8,
    75: [
        "75",
        "绿色直播为民行动(9项)",
        "绿色直播间(个)",
        "个",
        "15",
        "",
        "4",
        "4",
        "1",
        "1",
        "1",
        "2",
        "/",
        "",
        "2",
        "/",
    ],
    81: [
        "81",
        "绿色直播为民行动(9项)",
        "在线开展直播培训(名)",
        "名",
        "100",
        "",
        "23",
        "23",
        "9",
        "9",
        "9",
        "10",
        "3",
        "3",
        "10",
        "1",
    ],
}


def test_csv_export_reproduces_attachment_11(cat):
    from workbook.catalogue.table import export as tablefile

    rows = list(csv.reader(io.StringIO(tablefile.export_csv(cat))))
    assert rows[0][:16] == ["序号", "实事名称", "目标名称", "单位", "全市目标任务"] + UNITS
    by_seq = {int(r[0]): r[:16] for r in rows[1:]}
    assert len(by_seq) == 81
    for seq, expected in SEED_ROWS.items():
        assert by_seq[seq] == expected, seq


def test_reporting_rows(cat):
    city = {r.indicator.seq for r in reporting_rows(cat, "市局")}
    assert {1, 22, 18, 19, 28, 29, 30, 31, 55, 61, 70, 71, 2} <= city
    assert 4 not in city and 72 not in city
    row22 = next(r for r in reporting_rows(cat, "市局") if r.indicator.seq == 22)
    assert row22.city_only and row22.target.text == "增长8%以上"
    yangshan = {r.indicator.seq for r in reporting_rows(cat, "洋山")}
    assert 20 not in yangshan and 4 not in yangshan and 44 in yangshan and 2 in yangshan
    assert {r.indicator.seq for r in reporting_rows(cat, "六横")}.isdisjoint({75, 4, 1})
    assert 6 in {r.indicator.seq for r in reporting_rows(cat, "嵊泗")}  # a target of 0 is a target


# --- broken catalogues: each problem caught with a clear message --------------------------


def _codes(data):
    report = lint.check_data(data)
    return report, {p.code for p in report.errors}


def test_missing_unit_is_an_error(cat_copy):
    del cat_copy["indicators"][9]["targets"]["金塘"]
    report, codes = _codes(cat_copy)
    assert "target.unit_missing" in codes
    assert any("序号 10" in p.message and "金塘" in p.message for p in report.errors)


def test_unknown_unit_is_an_error(cat_copy):
    cat_copy["indicators"][9]["targets"]["舟山港"] = {
        "text": "1",
        "type": "quantity",
        "op": ">=",
        "value": 1,
    }
    _, codes = _codes(cat_copy)
    assert "target.unit_unknown" in codes


def test_wrong_type_is_a_schema_error_with_its_path(cat_copy):
    cat_copy["indicators"][3]["city"]["value"] = "2"
    report, codes = _codes(cat_copy)
    assert codes == {"schema"}
    assert any(p.path == "$.indicators[3].city.value" for p in report.errors)


def test_percent_of_180_is_an_error(cat_copy):
    ind = cat_copy["indicators"][1]
    ind["targets"]["定海"] = {
        "text": "均达到180%",
        "merged": True,
        "type": "threshold",
        "op": ">=",
        "value": 180,
    }
    report, codes = _codes(cat_copy)
    assert "target.percent_range" in codes
    assert any("180%" in p.message for p in report.errors)


def test_sum_that_does_not_match_is_reported(cat_copy):
    ind = cat_copy["indicators"][9]  # 序号10, 80 家
    ind["targets"]["定海"] = {"text": "25", "type": "quantity", "op": ">=", "value": 25}
    report = lint.check_data(cat_copy)
    msgs = [p.message for p in report.warnings if p.code == "target.sum_mismatch" and p.seq == 10]
    assert msgs and "合计 85家" in msgs[0] and "全市目标 80家" in msgs[0]


def test_duplicate_seq_is_an_error(cat_copy):
    cat_copy["indicators"][1]["seq"] = 1
    report, codes = _codes(cat_copy)
    assert "seq.duplicate" in codes


def test_text_and_parsed_meaning_must_agree(cat_copy):
    cat_copy["indicators"][4]["targets"]["定海"]["text"] = "2600"  # value still 2500
    _, codes = _codes(cat_copy)
    assert "target.parse_mismatch" in codes


def test_load_refuses_a_schema_invalid_file(tmp_path, cat_copy):
    import json

    from workbook.core.errors import InputError

    del cat_copy["units"]
    p = tmp_path / "bad.json"
    p.write_text(json.dumps(cat_copy, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(InputError, match="不符合格式要求"):
        catalogue.load(p)


def test_sharing_equal_targets_does_not_hide_a_wrong_type(tmp_path):
    """Targets are validated once per distinct target; true and 1 are equal in Python but
    not to the schema, so a boolean value beside a number is still a schema error."""
    import json

    from workbook.core import resources

    data = json.loads(resources.default_catalogue_path().read_text("utf-8"))
    units = [f"单位{i:02d}" for i in range(20)]
    data["units"] += [{"id": u, "full_name": u, "kind": "county"} for u in units]
    for ind in data["indicators"]:
        for u in units:
            ind["targets"][u] = {"text": "/", "type": "na"}
    ten = next(i for i in data["indicators"] if i["seq"] == 10)
    ten["targets"]["单位00"] = {"text": "1", "type": "quantity", "op": ">=", "value": 1}
    ten["targets"]["单位01"] = {"text": "1", "type": "quantity", "op": ">=", "value": True}
    assert catalogue.schema_errors(data)
    assert not catalogueschema.is_schema_valid(data)
    # load builds first and validates what it built once per distinct target: still refused
    from workbook.core.errors import InputError

    p = tmp_path / "bool.json"
    p.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(InputError, match="不符合格式要求"):
        catalogue.load(p)
    ten["targets"]["单位01"]["value"] = 1  # the same catalogue made valid loads
    p.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    loaded = catalogue.load(p)
    assert loaded.to_json() == catalogue.from_dict(data).to_json()
    assert loaded.indicator(10).targets["单位00"] is loaded.indicator(10).targets["单位01"]


# 序号 10 is a count (家), 20 a stock (件), 4 an amount (亿元): only the first two are whole
@pytest.mark.parametrize(
    ("index", "value", "refused"),
    [(9, 2.5, True), (9, 3, False), (19, 1.5, True), (19, 300, False), (3, 0.15, False)],
)
def test_a_count_or_stock_target_must_be_whole(cat_copy, index, value, refused):
    ind = cat_copy["indicators"][index]
    text = f"{value:g}"
    ind["targets"]["定海"] = {"text": text, "type": "quantity", "op": ">=", "value": value}
    report, codes = _codes(cat_copy)
    assert ("target.not_whole" in codes) is refused
    if refused:
        p = next(p for p in report.errors if p.code == "target.not_whole")
        assert p.seq == ind["seq"] and f"“{text}”" in p.message and "须为整数" in p.message
