"""What people read: the printed workbooks, the 通报, the 晾晒 ranking and the 催报 list."""

from __future__ import annotations

import collections
import json
import re
import shutil
from datetime import date

import docx
import openpyxl
import pytest
from conftest import needs_soffice, shishi
from print_check import report

from shishi_demo.run import run_demo
from workbook.catalogue import model as catalogue
from workbook.consolidation.chase import chase_list
from workbook.consolidation.ranking import formula_text, rank_units
from workbook.core import resources
from workbook.core.period import parse_period
from workbook.core.settings import load_settings, settings_from


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    res = run_demo(catalogue.load(), parse_period("2024Q2"), out)
    return out, res


def _docx_text(path) -> str:
    d = docx.Document(str(path))
    cells = [c.text for t in d.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in d.paragraphs] + cells)


@needs_soffice
@pytest.mark.libreoffice
def test_every_page_people_read_prints_legibly(demo):
    """Summary (every sheet), a feedback workbook, a filled template and the 通报, printed by
    LibreOffice: no two words overlap and the median text height of every page is >= 6 pt."""
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils not installed")
    out, res = demo
    files = [
        res.outcome.summary,
        *res.outcome.feedback,
        next((out / "returns" / "2024Q2").glob("岱山*.xlsx")),
        res.outcome.bulletin,
    ]
    checked = 0
    for f in files:
        pages = report(f)
        assert pages, f
        for p in pages:
            assert p.median_height >= 6, (f.name, p.number, p.median_height)
            assert not p.overlaps(), (f.name, p.number, p.overlaps()[:5])
            checked += 1
    assert checked >= 10


INTERNAL = re.compile(r"设置文件|ranking|zhoushan-shishi|\d{4}-\d\d-\d\dT\d\d:")


@needs_soffice
@pytest.mark.libreoffice
def test_what_a_leader_signs_reads_as_signed(demo):
    """Printed through LibreOffice: the 通报 ends with the issuing office and the date on the
    right (GB/T 9704); neither it nor the summary carries an internal word or an ISO time;
    the wide 全市汇总 prints at 8 pt or more (word boxes of 10 pt and more; 10-point text
    fitted on one page measured 6.1) with 序号 and 目标名称 on every page."""
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils not installed")
    _out, res = demo
    bulletin = report(res.outcome.bulletin)
    last = bulletin[-1]
    body = [w for w in last.words if w[3] < last.height * 0.9]  # not the page number
    lines: dict[int, list] = {}
    for w in body:
        lines.setdefault(round(w[1]), []).append(w)
    *_, issuer_line, date_line = (sorted(lines[y]) for y in sorted(lines))
    assert "".join(w[4] for w in issuer_line) == "舟山市市场监督管理局办公室"  # the catalogue's
    assert re.fullmatch(r"\d{4}年\d+月\d+日", "".join(w[4] for w in date_line))
    assert all(w[0] > last.width / 2 for w in issuer_line + date_line)  # on the right
    summary = report(res.outcome.summary)
    for page in bulletin + summary:
        assert not INTERNAL.search(page.text), (page.number, INTERNAL.search(page.text))
    assert not any("【催报】" in p.text for p in bulletin)
    city = [p for p in summary if p.width > 1100 and "目标名称" in p.text and "实事名称" in p.text]
    assert len(city) >= 2  # across pages, the identifying columns repeated
    assert all(p.median_height >= 10 for p in city), [p.median_height for p in city]


@needs_soffice
@pytest.mark.libreoffice
def test_the_printed_instructions_show_every_text_whole_on_one_page(demo):
    """填报说明 printed by LibreOffice: one page, and every instruction whole on it (long ones
    wrapped into taller rows, not cut at the margin as they were)."""
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils not installed")
    out, _res = demo
    filled = next((out / "returns" / "2024Q2").glob("岱山*.xlsx"))
    ws = openpyxl.load_workbook(filled)["填报说明"]
    texts = [r[1] for r in ws.iter_rows(min_row=3, max_col=2, values_only=True) if r[1]]
    assert len(texts) > 15 and max(len(t) for t in texts) > 80  # long ones among them
    pages = report(filled)
    first = re.sub(r"\s+", "", pages[0].text)
    missing = [t for t in texts if re.sub(r"\s+", "", t) not in first]
    assert not missing, missing


def test_the_chart_legend_stays_below_the_bars(demo):
    from workbook.outputs.charts import action_figure

    _out, res = demo
    fig, ax = action_figure(res.outcome.result)
    renderer = fig.canvas.get_renderer()
    legend = ax.get_legend().get_window_extent(renderer)
    assert legend.y1 <= ax.get_window_extent(renderer).y0  # wholly under the axes


def test_generate_flags_placeholder_contacts(tmp_path):
    r = shishi("generate", "--period", "2024Q2", "--unit", "定海", "--out", tmp_path / "a")
    assert r.returncode == 0 and "电话“0580-0000000”" in r.stderr and "像是示例" in r.stderr
    real = json.loads(resources.default_settings_path().read_text("utf-8"))
    real["contact"] = {"name": "综合科 王五", "phone": "0580-2022345", "email": "shishi@zs.gov.cn"}
    mine = tmp_path / "settings.json"
    mine.write_text(json.dumps(real, ensure_ascii=False), encoding="utf-8")
    r = shishi(
        "generate",
        "--period",
        "2024Q2",
        "--unit",
        "定海",
        "--out",
        tmp_path / "b",
        "--settings",
        mine,
    )
    assert r.returncode == 0 and "像是示例" not in r.stderr


def test_the_bulletin_states_what_the_report_says(demo):
    _out, res = demo
    report_json = json.loads(res.outcome.json.read_text(encoding="utf-8"))
    counts = collections.Counter(c["status"] for c in report_json["city"])
    text = _docx_text(res.outcome.bulletin)
    assert "关于2024年第二季度\n助企惠民“十件实事”推进情况的通报" in text  # two title lines
    sentence = next(line for line in text.splitlines() if line.startswith("全市 81 项目标任务中"))
    for status, n in counts.items():
        assert f"{status} {n} 项" in sentence, (status, n, sentence)
    assert report_json["missing_units"] == ["洋山"]
    assert "洋山（已逾期" in text and "未报送本期填报表，已另行催报" in text
    assert "【催报】" not in text  # the message itself stays in the summary's 催报 sheet
    # the lagging items quote each unit's own 存在问题及下步措施
    lag = next(r for r in report_json["values"] if r["进度状态"] == "滞后")
    assert f"序号 {lag['序号']} {lag['目标名称']}" in text
    assert f"单位说明：“{lag['存在问题及下步措施']}”" in text
    d = docx.Document(str(res.outcome.bulletin))
    assert len(d.inline_shapes) == 2  # the per-action chart and the ranking chart
    sec = d.sections[0]
    assert round(sec.page_width.mm) == 210 and round(sec.top_margin.mm) == 37
    assert "计分办法：得分 =" in text


def test_ranking_uses_the_settings_formula_everywhere(demo):
    _out, res = demo
    r = res.outcome.result
    report_json = json.loads(res.outcome.json.read_text(encoding="utf-8"))
    assert report_json["ranking_formula"] == formula_text(load_settings())
    by_unit = {x["unit"]: x for x in report_json["ranking"]}
    for us in r.ranking:  # recomputed here from the statuses and the default weights
        c = us.counts
        want = round(100 * (c["已完成"] + c["符合序时进度"] + 0.5 * c["推进中"]) / us.indicators, 1)
        assert us.score == want and by_unit[us.unit]["score"] == want
    assert by_unit["洋山"]["score"] == 0 and by_unit["洋山"]["band"] == "红"
    scores = [x["score"] for x in report_json["ranking"]]
    assert scores == sorted(scores, reverse=True)
    ws = openpyxl.load_workbook(res.outcome.summary)["晾晒排名"]
    assert str(ws["A2"].value).startswith("计分办法：得分 = (已完成×1")
    # printed whole: across the table (A..K, 11 columns) and taller than one line
    assert "A2:K2" in {str(r) for r in ws.merged_cells.ranges}
    assert ws.row_dimensions[2].height > 30
    assert [ws.cell(5 + i, 2).value for i in range(3)] == [
        x["unit"] for x in report_json["ranking"][:3]
    ]
    # the weights and bands are settings
    settings = settings_from(
        {
            "ranking": {
                "weights": {"已完成": 1},
                "bands": [
                    {"min": 50, "label": "达标", "color": "#FFFFFF"},
                    {"min": 0, "label": "未达标", "color": "#000000"},
                ],
            }
        }
    )
    strict = rank_units(r, settings)
    assert all(us.score <= next(x for x in r.ranking if x.unit == us.unit).score for us in strict)
    assert "已完成×1" in formula_text(
        settings
    ) and "符合序时进度、推进中、滞后、未报送计 0 分" in formula_text(settings)


def test_chase_list_has_deadline_contact_and_text(demo):
    _out, res = demo
    r = res.outcome.result
    bundled = json.loads(resources.default_settings_path().read_text("utf-8"))
    contacts = {"洋山": {"name": "王五", "phone": "0580-7654321"}}
    settings = settings_from({**bundled, "unit_contacts": contacts})
    early = chase_list(r, settings, today=date(2024, 7, 1))
    (c,) = early
    assert c.unit == "洋山" and c.deadline == "2024-07-05" and c.overdue_days == 0
    assert "请于 2024-07-05 前报送" in c.message and "0580-0000000" in c.message
    assert c.contact == "王五　0580-7654321"
    (late,) = chase_list(r, settings, today=date(2024, 7, 15))
    assert late.overdue_days == 10 and "已超过报送截止日期（2024-07-05）10 天" in late.message
    ws = openpyxl.load_workbook(res.outcome.summary)["催报"]
    assert ws["A4"].value == "洋山" and "【催报】洋山分局" in ws["F4"].value
    assert "催报 1 个单位" in res.outcome.text() and "【催报】洋山分局" in res.outcome.text()


def test_consolidate_cli_writes_the_bulletin(demo, tmp_path):
    out, _res = demo
    doc = tmp_path / "通报.docx"
    r = shishi(
        "consolidate",
        out / "returns" / "2024Q2",
        "--period",
        "2024Q2",
        "-o",
        tmp_path / "s.xlsx",
        "--bulletin",
        doc,
        "--no-ledger",
    )
    assert r.returncode == 0, r.stderr
    assert f"通报（Word）：{doc}" in r.stdout and doc.exists()
    assert "推进情况的通报" in _docx_text(doc)
