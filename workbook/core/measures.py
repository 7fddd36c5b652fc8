"""The table of measure kinds: how each kind of figure is entered, checked, shown and judged.

One entry per kind. The template's number format, validation and formulas, the reader's
accepted range, the status rule (``status.status``), the summary's aggregation and the docs
all read this table, so a kind's rules are stated once.

Percent kinds are entered as real percentages: the cell has a percentage number format and
stores a fraction (85% is 0.85), so what the cell shows is what the person typed in Excel,
WPS and LibreOffice alike. Figures inside shishi are in display units (85 means 85%).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

EPS = 1e-9  # the tolerance of every comparison, in Python and in the template's formulas


@dataclass(frozen=True)
class Measure:
    """The rules of one kind of figure."""

    kind: str
    label: str  # Chinese, as the docs and catalogue check name it
    percent: bool  # entered and shown as a percentage; stored as a fraction in the cell
    integer: bool  # whole numbers only
    lo: float  # allowed range, in display units (85 means 85%)
    hi: float
    number_format: str  # of the value cell
    cumulative: bool  # builds up over the year: judged against target × 序时进度
    additive: bool  # the city figure is the sum of the units' figures
    base: bool  # measured from a start-of-year base the unit reports once
    steps: bool  # a whole-number target: a shortfall under one item is 推进中, not 滞后
    rule: str  # the progress rule in Chinese, for the docs and the summary
    wan: bool = False  # a figure may be typed with 万 (0.9万 = 9000)
    no_cases: bool = False  # 无 may be typed: nothing of the kind happened in the period

    @property
    def scale(self) -> float:
        """Cell value × scale = display value."""
        return 100.0 if self.percent else 1.0


MEASURES: dict[str, Measure] = {
    m.kind: m
    for m in (
        Measure(
            "count",
            "数量（累计）",
            False,
            True,
            0,
            1e9,
            "0",
            True,
            True,
            False,
            True,
            "累计数达到目标为已完成；达到目标×序时进度为符合序时进度；差距不足 1 个单位为推进中；否则滞后",
            wan=True,
        ),
        Measure(
            "amount",
            "金额（累计）",
            False,
            False,
            0,
            1e6,
            "0.00",
            True,
            True,
            False,
            False,
            "累计数达到目标为已完成；达到目标×序时进度为符合序时进度；否则滞后",
            wan=True,
        ),
        Measure(
            "stock",
            "存量（年末总数，有年初基数）",
            False,
            True,
            0,
            1e9,
            "0",
            True,
            True,
            True,
            True,
            "以年初基数为起点：达到目标为已完成；达到 基数+(目标-基数)×序时进度 为符合序时进度；"
            "差距不足 1 个单位为推进中；否则滞后",
            wan=True,
        ),
        Measure(
            "coverage",
            "覆盖率/抽查比例（随全年工作累积）",
            True,
            False,
            0,
            100,
            "0.0%",
            True,
            False,
            False,
            False,
            "比例随全年工作累积：达到目标为已完成；达到目标×序时进度为符合序时进度；否则滞后",
        ),
        Measure(
            "rate",
            "比率（应保持的水平）",
            True,
            False,
            0,
            100,
            "0.0%",
            False,
            False,
            False,
            False,
            "每期都应达到的水平：达到目标为符合序时进度（第四季度为已完成）；否则滞后。本期没有发生此类事项填“无”",
            no_cases=True,
        ),
        Measure(
            "time_limit",
            "时限（本年累计平均，越短越好）",
            False,
            False,
            0,
            100_000,
            "0.0",
            False,
            False,
            False,
            False,
            "本年累计平均时限（1月1日至期末全部办件的平均）不超过目标为符合序时进度（第四季度为已完成）；否则滞后。"
            "本年没有办件填“无”",
            no_cases=True,
        ),
        Measure(
            "change",
            "同比变化幅度",
            True,
            False,
            -100,
            1000,
            "+0.0%;-0.0%;0.0%",
            False,
            False,
            False,
            False,
            "与上年同期相比的变化达到目标（下降目标：降幅不小于目标）为符合序时进度（第四季度为已完成）；"
            "否则滞后。本年与上年同期均没有发生填“无”",
            no_cases=True,
        ),
        Measure(
            "qualitative",
            "定性任务",
            False,
            False,
            0,
            0,
            "@",
            False,
            False,
            False,
            False,
            "已完成为已完成；推进中在第四季度前为符合序时进度；未启动仅第一季度为符合序时进度",
        ),
    )
}


# The short Chinese name of each kind, as the exported table's 目标类型 column writes it.
KIND_ZH = {
    "count": "数量",
    "amount": "金额",
    "stock": "存量",
    "coverage": "累计比例",
    "rate": "比率",
    "time_limit": "时限",
    "change": "变化幅度",
    "qualitative": "定性",
}
KIND_FROM_ZH = {v: k for k, v in KIND_ZH.items()}

# The parsed target type (``targets.parse_target``) a kind's targets must have; a unit may
# also have none of its own ("/", empty, 纳入县区, 按…要求落实).
TARGET_TYPE = {
    "count": "quantity",
    "amount": "quantity",
    "stock": "quantity",
    "coverage": "threshold",
    "rate": "threshold",
    "time_limit": "threshold",
    "change": "change",
    "qualitative": "qualitative",
}


def measure(kind: str) -> Measure:
    """The entry of ``kind``."""
    return MEASURES[kind]


@lru_cache(maxsize=1024)  # codes come from returned files: bounded
def is_percent_format(code: str) -> bool:
    """Whether a number format code shows a percentage (a % outside quotes and escapes);
    remembered per code: a file has a handful, asked about once per figure."""
    out, quoted, i = False, False, 0
    while i < len(code):
        ch = code[i]
        if ch == '"':
            quoted = not quoted
        elif ch == "\\":
            i += 1
        elif ch == "%" and not quoted:
            out = True
        i += 1
    return out
