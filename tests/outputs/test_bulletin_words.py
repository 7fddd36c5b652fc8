"""The 通报 says each kind of figure as the plan says it: a stock's holding beside its base, a
rate reached, a time taken, a change up or down, and every target with its unit. The
sentences are written by hand here; the demo's real 通报 is checked for them too."""

from __future__ import annotations

import os
import re
from datetime import datetime

import docx
import pytest
from docx.oxml.ns import qn
from yearkit import Office, full_values

from workbook.catalogue import model as catalogue
from workbook.core.period import parse_period
from workbook.core.status import DONE, LAGGING
from workbook.outputs.bulletin import LAGGING_PER_UNIT, _plain, figure_sentence, status_word

CAT = catalogue.load()

# kind, op, target (display units), value, unit, base -> the sentence
WORDS = [
    ("count", ">=", 50, 43.0, "件", None, "目标 50件，累计完成 43件"),
    ("count", ">=", 2500, 5.0, "人次", None, "目标 2500人次，累计完成 5人次"),
    ("amount", ">=", 0.45, 0.11, "亿元", None, "目标 0.45亿元，累计完成 0.11亿元"),
    ("coverage", ">=", 100, 45.5, "%", None, "目标 100%，累计完成 45.5%"),
    ("stock", ">=", 260, 230.0, "件", 200.0, "目标 260件，现有 230件，年初 200件"),
    ("stock", ">=", 260, 230.0, "件", None, "目标 260件，现有 230件"),
    ("rate", ">=", 80, 74.0, "%", None, "目标不低于 80%，实际 74%"),
    ("time_limit", "<=", 7, 8.0, "个工作日", None, "目标不超过 7个工作日，实际 8个工作日"),
    ("change", "<=", -10, -4.0, "%", None, "目标同比下降 10% 以上，实际同比下降 4%"),
    ("change", "<=", -10, 3.0, "%", None, "目标同比下降 10% 以上，实际同比增长 3%"),
    ("change", "<=", -10, 0.0, "%", None, "目标同比下降 10% 以上，实际同比持平"),
    ("change", ">=", 5, 2.0, "%", None, "目标同比增长 5% 以上，实际同比增长 2%"),
    ("qualitative", None, None, "推进中", "", None, "进展：推进中"),
]


@pytest.mark.parametrize(("kind", "op", "target", "value", "unit", "base", "said"), WORDS)
def test_each_kind_is_said_as_the_plan_says_it(kind, op, target, value, unit, base, said):
    assert figure_sentence(kind, op, target, value, unit, base) == said


def test_the_demo_s_bulletin_never_says_累计完成_of_a_rate_time_or_change(tmp_path):
    from shishi_demo.run import run_demo

    cat = CAT
    res = run_demo(cat, parse_period("2024Q2"), tmp_path)
    lines = [p.text for p in docx.Document(str(res.outcome.bulletin)).paragraphs]
    lagging = [t for t in lines if re.match(r"序号 \d+ ", t)]
    assert lagging
    for line in lagging:
        seq = int(line.split()[1])
        kind = cat.indicator(seq).measure
        if kind in ("rate", "time_limit", "change", "stock", "qualitative"):
            assert "累计完成" not in line, line
        if kind in ("time_limit", "change"):
            assert "完成率" not in line, line
        assert "目标 均" not in line and "目标均" not in line, line  # no city phrase


@pytest.mark.parametrize(
    ("label", "plain"),
    [
        ("无忧乘梯安民行动(8项)", "无忧乘梯安民行动"),  # the plan says 8; its table has 9 rows
        ("食品安全护民行动（10项）", "食品安全护民行动"),
        ("知识产权惠企行动", "知识产权惠企行动"),
        ("行动(8项)说明", "行动(8项)说明"),  # only a count at the end is the plan's count
    ],
)
def test_an_action_s_label_loses_the_plan_s_own_count(label, plain):
    assert _plain(label) == plain


@pytest.mark.parametrize(
    ("status", "period", "word"),
    [
        (LAGGING, "2024Q3", "滞后"),
        (LAGGING, "2024Q4", "未完成"),  # the year is over: nothing left to lag behind
        (LAGGING, "2024M12", "未完成"),
        (LAGGING, "2024M11", "滞后"),
        (DONE, "2024Q4", "已完成"),
    ],
)
def test_lagging_is_said_as_not_done_once_the_year_is_over(status, period, word):
    assert status_word(status, parse_period(period)) == word


def _bulletin(office: Office, code: str) -> str:
    path = office.root / f"{code}_通报.docx"
    office.consolidate(code, bulletin_path=path)
    d = docx.Document(str(path))
    cells = [c.text for t in d.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in d.paragraphs] + cells)


def test_the_bulletin_says_who_was_late_ranks_the_districts_and_explains_only_what_is_there(
    tmp_path,
):
    office = Office(tmp_path)
    for unit in CAT.unit_ids:
        office.submit("2024Q2", unit, full_values(CAT, unit, 5))
    late = office.returns_dir("2024Q2") / "洋山.xlsx"
    t = datetime(2024, 7, 8, 10, 0).timestamp()  # the deadline is 2024-07-05
    os.utime(late, (t, t))
    text = _bulletin(office, "2024Q2")
    assert "各单位均已按期报送" not in text
    assert (
        "各单位均已报送。" in text and "洋山（07-08）晚于报送截止日期（2024-07-05）报送。" in text
    )
    assert "“未报齐”指" not in text  # every unit reported: nothing is 未报齐
    ranking = docx.Document(str(office.root / "2024Q2_通报.docx")).tables[0]
    units = [row.cells[1].text for row in ranking.rows[1:]]
    assert "市局" not in units and len(units) == len(CAT.unit_ids) - 1


def test_at_the_year_end_the_bulletin_says_not_done_instead_of_lagging(tmp_path):
    office = Office(tmp_path)
    for unit in CAT.unit_ids:
        office.submit("2024Q4", unit, full_values(CAT, unit, 1))
    text = _bulletin(office, "2024Q4")
    assert "三、未完成事项" in text and re.search(r"未完成 \d+ 项", text)
    assert "详见汇总表“滞后事项”工作表" in text  # the summary's sheet keeps its name
    assert "滞后" not in text.replace("滞后事项", "")  # no status word 滞后 left


def test_a_unit_s_lagging_rows_are_cut_to_the_furthest_behind_and_the_table_holds_its_head(
    tmp_path,
):
    office = Office(tmp_path)
    office.submit("2024Q2", "定海", full_values(CAT, "定海", 1))  # far behind on most rows
    path = office.root / "通报.docx"
    out = office.consolidate("2024Q2", bulletin_path=path).result
    mine = [uv for uv in out.lagging() if uv.unit == "定海"]
    assert len(mine) > LAGGING_PER_UNIT
    d = docx.Document(str(path))
    lines = [p.text for p in d.paragraphs]
    listed = [t for t in lines if re.match(r"序号 \d+ ", t)]
    assert len(listed) == LAGGING_PER_UNIT
    rates = sorted((uv.completion or 0) for uv in mine)
    worst = {uv.seq for uv in mine if (uv.completion or 0) <= rates[LAGGING_PER_UNIT - 1]}
    assert {int(t.split()[1]) for t in listed} <= worst  # the furthest behind
    rest = len(mine) - LAGGING_PER_UNIT
    assert (
        f"以上为差距最大的 {LAGGING_PER_UNIT} 项；另有 {rest} 项，详见汇总表“滞后事项”工作表。"
        in lines
    )
    # the ranking table: its header repeats on each page and never stands alone at a foot
    table = d.tables[0]
    header = table.rows[0]._tr
    assert header.find(qn("w:trPr")).find(qn("w:tblHeader")) is not None
    assert all(p.paragraph_format.keep_with_next for p in table.rows[0].cells[0].paragraphs)
    scores = [row.cells[3].text for row in table.rows[1:]]
    assert all(re.fullmatch(r"\d+\.\d", s) for s in scores), scores  # 32.0, not 32
