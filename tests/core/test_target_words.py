"""The bound and direction words of a target, as offices write them: every word of
``targetwords.WORDS`` in a target, with the reading written by hand, and the words that must be
refused (never assumed)."""

from __future__ import annotations

import pytest

from workbook.core.targets import parse_target
from workbook.core.targetwords import UNCLEAR, WORDS

# text -> (type, op, value); the row's plain reading is ">=" unless the text says otherwise
READ = {
    # floors
    "不低于80%": ("threshold", ">=", 80),
    "不少于80%": ("threshold", ">=", 80),
    "不小于80%": ("threshold", ">=", 80),
    "80%及以上": ("threshold", ">=", 80),
    "80%以上": ("threshold", ">=", 80),
    "超过80%": ("threshold", ">=", 80),
    "高于80%": ("threshold", ">=", 80),
    "大于80%": ("threshold", ">=", 80),
    "多于80%": ("threshold", ">=", 80),
    "至少80%": ("threshold", ">=", 80),
    "≥80%": ("threshold", ">=", 80),
    ">=80%": ("threshold", ">=", 80),
    "80％": ("threshold", ">=", 80),  # a bare figure, full-width sign: at least
    # ceilings
    "不超过4.3%": ("threshold", "<=", 4.3),
    "不高于4.3%": ("threshold", "<=", 4.3),
    "不多于4.3%": ("threshold", "<=", 4.3),
    "不大于4.3%": ("threshold", "<=", 4.3),
    "4.3%及以下": ("threshold", "<=", 4.3),
    "4.3%以下": ("threshold", "<=", 4.3),
    "4.3%以内": ("threshold", "<=", 4.3),
    "低于4.3%": ("threshold", "<=", 4.3),
    "小于4.3%": ("threshold", "<=", 4.3),
    "少于4.3%": ("threshold", "<=", 4.3),
    "≤4.3%": ("threshold", "<=", 4.3),
    "<=4.3%": ("threshold", "<=", 4.3),
    # soft words: a floor / a ceiling, unless a firm word says otherwise
    "达到80%": ("threshold", ">=", 80),
    "均达到95%以上": ("threshold", ">=", 95),
    "力争80%": ("threshold", ">=", 80),
    "实现80%": ("threshold", ">=", 80),
    "提高到80%": ("threshold", ">=", 80),
    "提高至80%": ("threshold", ">=", 80),
    "提升到80%": ("threshold", ">=", 80),
    "提升至80%": ("threshold", ">=", 80),
    "增长到80%": ("threshold", ">=", 80),
    "增长至80%": ("threshold", ">=", 80),
    "控制在4.3%": ("threshold", "<=", 4.3),
    "控制在4.3%以内": ("threshold", "<=", 4.3),
    "控制在80%以上": ("threshold", ">=", 80),  # the firm 以上 wins
    "压缩至4.3%": ("threshold", "<=", 4.3),
    "压缩到4.3%": ("threshold", "<=", 4.3),
    "缩短至4.3%": ("threshold", "<=", 4.3),
    "缩短到4.3%": ("threshold", "<=", 4.3),
    "下降到4.3%": ("threshold", "<=", 4.3),
    "下降至4.3%": ("threshold", "<=", 4.3),
    "降低到4.3%": ("threshold", "<=", 4.3),
    "降低至4.3%": ("threshold", "<=", 4.3),
    "减少到4.3%": ("threshold", "<=", 4.3),
    "减少至4.3%": ("threshold", "<=", 4.3),
    "降至4.3%": ("threshold", "<=", 4.3),
    "降到4.3%": ("threshold", "<=", 4.3),
    # changes against the previous year
    "下降10%": ("change", "<=", -10),
    "下降10%以上": ("change", "<=", -10),
    "压降10%": ("change", "<=", -10),
    "减少10%": ("change", "<=", -10),
    "降低10%": ("change", "<=", -10),
    "同比下降10%": ("change", "<=", -10),
    "较上年下降10%": ("change", "<=", -10),
    "比上年减少10%": ("change", "<=", -10),
    "较去年降低10%": ("change", "<=", -10),
    "比去年压降10%": ("change", "<=", -10),
    "增长8%以上": ("change", ">=", 8),
    "提高8%": ("change", ">=", 8),
    "提升8%": ("change", ">=", 8),
    "上升8%": ("change", ">=", 8),
    "增加8%": ("change", ">=", 8),
    "同比增长不低于8%": ("change", ">=", 8),
    # time limits: always at most, whatever soft word reaches them
    "15分钟以内": ("threshold", "<=", 15),
    "平均3个工作日": ("threshold", "<=", 3),
    "均实现平均3个工作日": ("threshold", "<=", 3),
    "平均压缩至7个工作日内": ("threshold", "<=", 7),
    "7个工作日内": ("threshold", "<=", 7),
    "2小时内": ("threshold", "<=", 2),
    "达到3个工作日以内": ("threshold", "<=", 3),
    # the seed's two-clause targets
    "电梯扫码维保率均达99%以上、检验检测率均达99%以上": ("threshold", ">=", 99),
    "抽查比例均不少于总数的5%,其中重点单位抽查比例不少于50%": ("threshold", ">=", 5),
    # words that only look like approximations
    "上下游企业覆盖率达到80%": ("threshold", ">=", 80),
    "节约率达到80%": ("threshold", ">=", 80),
    # quantities
    "2500": ("quantity", ">=", 2500),
    "0.9万": ("quantity", ">=", 9000),
    "24以上": ("quantity", ">=", 24),
    "不少于20": ("quantity", ">=", 20),
}

# text -> a phrase the reason must contain
REFUSED = {
    "80%左右": "左右",
    "4.3%上下": "上下",
    "约80%": "约",
    "大约3个工作日": "大约",
    "3个工作日左右": "左右",
    "80%-90%": "两个数",
    "80%～90%": "两个数",
    "3到5个工作日": "两个数",
    "由5%降至4.3%": "两个数",
    "维保率均达99%以上、检测率均达98%以上": "不一致",
    "不低于5%以内": "既有表示下限的词",
    "达到5%，控制在5%": "不一致",
    "同比5%": "没有写增长还是下降",
    "较上年8%": "没有写增长还是下降",
    "增长不超过5%": "上限",
    "下降5%以内": "上限",
    "增长8%、下降5%": "不一致",
    "先增长后下降5%": "同时写了增长和下降",
    "不少于5个工作日": "时限写成了下限",
}


@pytest.mark.parametrize("text", sorted(READ))
def test_each_word_reads_as_written(text):
    kind, op, value = READ[text]
    got = parse_target(text)
    assert (got.type, got.op, got.value) == (kind, op, value)


@pytest.mark.parametrize("text", sorted(REFUSED))
def test_words_that_cannot_be_placed_are_refused(text):
    got = parse_target(text)
    assert got.type == "unclear" and got.op is None
    assert REFUSED[text] in got.unclear


@pytest.mark.parametrize(
    ("text", "plain_op", "op"),
    [("4%", "<=", "<="), ("4%", ">=", ">="), ("不低于4%", "<=", ">="), ("4%以内", ">=", "<=")],
)
def test_a_bare_figure_takes_its_rows_reading_and_a_word_overrides_it(text, plain_op, op):
    assert parse_target(text, plain_op).op == op


def test_every_word_of_the_table_is_tried_here():
    tried = "".join(READ) + "".join(REFUSED)
    missing = [w for m, words in WORDS.items() if m != UNCLEAR for w in words if w not in tried]
    assert not missing
    assert all(w in "".join(REFUSED) for w in WORDS[UNCLEAR])
