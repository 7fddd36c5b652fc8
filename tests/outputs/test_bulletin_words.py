"""The 通报 says each kind of figure as the plan says it: a stock's holding beside its base, a
rate reached, a time taken, a change up or down, and every target with its unit. The
sentences are written by hand here; the demo's real 通报 is checked for them too."""

from __future__ import annotations

import re

import docx
import pytest

from workbook.outputs.bulletin import figure_sentence

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
    from workbook.catalogue import model as catalogue
    from workbook.core.period import parse_period

    cat = catalogue.load()
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
