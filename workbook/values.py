"""Reading the values people actually type, for one indicator kind.

``parse_value`` normalises what is unambiguous (numbers stored as text, full-width digits and
signs, thousands separators, spaces, the indicator's own unit typed after the number, 万,
percent written either way) and says what it did; everything else is refused with a reason.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from workbook.targets import QUALITATIVE_CHOICES

NOT_APPLICABLE_MARKS = {"/", "无", "-", "—", "－", "——", "n/a", "N/A", "不适用"}
_NUMBER = re.compile(r"^([+-]?)(\d+(?:\.\d+)?|\.\d+)(万)?(%)?(.*)$")


@dataclass(frozen=True)
class Parsed:
    """The outcome of reading one cell: a value, or a refusal; with a note either way."""

    value: float | str | None  # None: not reported (empty) or refused
    ok: bool  # False: the cell holds something that cannot be used
    note: str = ""  # Chinese: what was read (a warning) or what is wrong (an error)
    code: str = ""


def _clean(text: str) -> str:
    t = unicodedata.normalize("NFKC", text)
    t = t.replace("\u3002", ".").replace("\uff0e", ".")  # 12。5 -> 12.5
    t = re.sub(r"[\s\u00a0\u3000]+", "", t)
    return t


def parse_value(raw: Any, measure: str, unit: str) -> Parsed:
    """Read the 累计完成 cell of an indicator of kind ``measure`` measured in ``unit``."""
    if raw is None or (isinstance(raw, str) and _clean(raw) == ""):
        return Parsed(None, True)
    if isinstance(raw, bool):
        return Parsed(None, False, f"读到逻辑值 {raw}，不是数值。", "value.not_number")
    if isinstance(raw, datetime | date | time | timedelta):
        return Parsed(
            None,
            False,
            f"读到日期/时间 {raw}，数值栏不能填日期（如输入 1/2 会变成日期）。",
            "value.date",
        )
    if measure == "qualitative":
        text = _clean(str(raw))
        if text in QUALITATIVE_CHOICES:
            return Parsed(text, True)
        return Parsed(
            None, False, f"“{raw}”不是可选的状态（未启动、推进中、已完成）。", "value.choice"
        )
    if isinstance(raw, int | float):
        return _check_number(float(raw), measure, unit, "")
    text = _clean(str(raw))
    if text in NOT_APPLICABLE_MARKS:
        return Parsed(
            None,
            False,
            f"填了“{raw}”。本单位有此项目标，没有发生请填 0。",
            "value.not_applicable_mark",
        )
    text = re.sub(r"(?<=\d),(?=\d{3}(\D|$))", "", text)  # 1,234 -> 1234
    m = _NUMBER.match(text)
    if not m:
        return Parsed(None, False, f"“{raw}”不是数值。", "value.not_number")
    sign, digits, wan, percent, rest = m.groups()
    number = float(digits) * (-1 if sign == "-" else 1)
    notes = []
    if rest:
        if rest == unit or (unit == "%" and rest == "%"):
            notes.append(f"去掉了单位“{rest}”")
        else:
            return Parsed(
                None,
                False,
                f"“{raw}”带有“{rest}”，与本指标单位“{unit}”不符，无法换算。",
                "value.unit",
            )
    if wan:
        if measure not in ("count", "amount") or unit == "亿元":
            return Parsed(None, False, f"“{raw}”中的“万”无法换算为{unit}。", "value.unit")
        number *= 10000
        notes.append("“万”按 10000 换算")
    if percent:
        if measure not in ("rate", "change"):
            return Parsed(None, False, f"“{raw}”带有 %，本指标单位是“{unit}”。", "value.unit")
        notes.append("去掉了 % 号")
    read_as = "按文字读取" if isinstance(raw, str) else ""
    return _check_number(
        number,
        measure,
        unit,
        "，".join(x for x in [read_as, *notes] if x),
        from_percent=bool(percent),
    )


def _fmt(x: float) -> str:
    return str(int(x)) if x.is_integer() else f"{x:g}"


def _check_number(
    x: float, measure: str, unit: str, note: str, from_percent: bool = False
) -> Parsed:
    if math.isnan(x) or math.isinf(x):
        return Parsed(None, False, "不是有效数值。", "value.not_number")
    if measure in ("count", "amount", "rate", "time_limit") and x < 0:
        return Parsed(None, False, f"填了负数 {_fmt(x)}，本指标不能为负。", "value.negative")
    if measure == "count" and not float(x).is_integer():
        return Parsed(
            None, False, f"填了 {_fmt(x)}，数量须为整数（单位：{unit}）。", "value.not_integer"
        )
    if measure == "rate" and not from_percent and 0 < x <= 1:
        x = x * 100
        note = "，".join(n for n in (note, f"按小数读作 {_fmt(round(x, 6))}%") if n)
    if measure == "rate" and x > 100:
        return Parsed(None, False, f"比率 {_fmt(x)}% 超过 100%。", "value.range")
    if measure == "change" and not -100 <= x <= 1000:
        return Parsed(
            None, False, f"变化幅度 {_fmt(x)}% 不合理（应在 -100 到 1000 之间）。", "value.range"
        )
    value = round(x, 6)
    if note:
        return Parsed(
            value, True, f"已按 {_fmt(value)} 读取（{note}），请核对。", "value.normalised"
        )
    return Parsed(value, True)
