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

from workbook.core import problems as codes
from workbook.core.measures import Measure, is_percent_format, measure
from workbook.core.status import NO_CASES_MARK, QUALITATIVE_CHOICES
from workbook.core.text import visible

NOT_APPLICABLE_MARKS = {"/", "无", "-", "—", "－", "——", "n/a", "N/A", "不适用"}
_NUMBER = re.compile(r"^([+-]?)(\d+(?:\.\d+)?|\.\d+)(万)?(%)?(.*)$")
# digits apart: "8↵12", "1 28", "1, 234" (after NFKC, so full-width spaces count too)
_DIGITS_APART = re.compile(r"\d[,;、，；/]?\s+[+-]?[\d.]")


@dataclass(frozen=True)
class ParsedValue:
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


def parse_value(raw: Any, kind: str, unit: str, fmt: str | None = "") -> ParsedValue:
    """Read the 累计完成 cell of an indicator of kind ``kind`` measured in ``unit``.

    ``fmt`` is the cell's number format ("" for General, None when the file does not say):
    a figure means what the cell showed. A percent kind reads a percentage-formatted cell's
    fraction as the percentage it shows (0.85 shown as 85.0% is 85); a plain number shown in
    a percent kind's cell is read as a percentage only when it cannot mean anything else.
    """
    m = measure(kind)
    if raw is None or (isinstance(raw, str) and _clean(raw) == ""):
        return ParsedValue(None, True)
    if isinstance(raw, bool):
        return ParsedValue(None, False, f"读到逻辑值 {raw}，不是数值。", codes.VALUE_NOT_NUMBER)
    if isinstance(raw, datetime | date | time | timedelta):
        return ParsedValue(
            None,
            False,
            f"读到日期/时间 {raw}，数值栏不能填日期（如输入 1/2 会变成日期）。",
            codes.VALUE_DATE,
        )
    if kind == "qualitative":
        text = _clean(str(raw))
        if text in QUALITATIVE_CHOICES:
            return ParsedValue(text, True)
        return ParsedValue(
            None, False, f"“{raw}”不是可选的状态（未启动、推进中、已完成）。", codes.VALUE_CHOICE
        )
    if isinstance(raw, int | float):
        return _from_number(float(raw), m, unit, fmt)
    return _from_text(raw, m, kind, unit)


def _from_text(raw: Any, m: Measure, kind: str, unit: str) -> ParsedValue:
    """A figure typed as text ("1,234", "0.9万", "85%", "12家"): read when it can mean one
    thing only, with a note saying how it was read."""
    if _DIGITS_APART.search(unicodedata.normalize("NFKC", str(raw)).strip()):
        return ParsedValue(
            None,
            False,
            f"“{visible(str(raw))}”中有两个以上的数，或数字被空格、换行隔开，无法确定是哪一个数。",
            codes.VALUE_SEVERAL_NUMBERS,
        )
    text = _clean(str(raw))
    if m.no_cases and text == NO_CASES_MARK:
        return ParsedValue(NO_CASES_MARK, True)
    if text in NOT_APPLICABLE_MARKS:
        instead = "本期没有发生此类事项请填“无”" if m.no_cases else "没有发生请填 0"
        return ParsedValue(
            None,
            False,
            f"填了“{raw}”。本单位有此项目标，{instead}。",
            codes.VALUE_NOT_APPLICABLE_MARK,
        )
    text = re.sub(r"(?<=\d),(?=\d{3}(\D|$))", "", text)  # 1,234 -> 1234
    match = _NUMBER.match(text)
    if not match:
        return ParsedValue(None, False, f"“{raw}”不是数值。", codes.VALUE_NOT_NUMBER)
    sign, digits, wan, percent, rest = match.groups()
    number = float(digits) * (-1 if sign == "-" else 1)
    notes = ["按文字读取"]
    if rest:
        if rest == unit and not m.percent:
            notes.append(f"去掉了单位“{rest}”")
        else:
            return ParsedValue(
                None,
                False,
                f"“{raw}”带有“{rest}”，与本指标单位“{unit}”不符，无法换算。",
                codes.VALUE_UNIT,
            )
    if wan:
        if not m.wan or unit == "亿元":
            return ParsedValue(None, False, f"“{raw}”中的“万”无法换算为{unit}。", codes.VALUE_UNIT)
        number *= 10000
        notes.append("“万”按 10000 换算")
    if percent and not m.percent:
        return ParsedValue(None, False, f"“{raw}”带有 %，本指标单位是“{unit}”。", codes.VALUE_UNIT)
    if m.percent and not percent:
        ambiguous = _ambiguous_percent(number, f"“{raw}”（文字，没有 % 号）")
        if ambiguous:
            return ambiguous
        notes.append(f"没有 % 号，按 {_fmt(number)}% 读取")
    return _check_number(number, m, unit, "，".join(notes))


def _ambiguous_percent(x: float, shown: str) -> ParsedValue | None:
    """A percent figure shown without %: 0 < |x| <= 1 could be x% or (100x)%."""
    if x != 0 and abs(x) <= 1:
        return ParsedValue(
            None,
            False,
            f"单元格显示为{shown}，可能是 {_fmt(x)}% 也可能是 {_fmt(round(x * 100, 6))}%，"
            "无法确定。",
            codes.VALUE_PERCENT_AMBIGUOUS,
        )
    return None


def _from_number(x: float, m: Measure, unit: str, fmt: str | None) -> ParsedValue:
    """A number stored in the cell, read as its number format shows it."""
    shown_pct = fmt is not None and is_percent_format(fmt)
    if not m.percent:
        if shown_pct:
            return ParsedValue(
                None,
                False,
                f"单元格显示为 {_fmt(round(x * 100, 6))}%（百分比格式），本指标单位是“{unit}”。",
                codes.VALUE_UNIT,
            )
        return _check_number(x, m, unit, "")
    if shown_pct:
        return _check_number(x * 100, m, unit, "")
    if fmt is None and x != 0:
        return ParsedValue(
            None,
            False,
            f"无法确定该单元格的显示格式（文件不是 .xlsx 或 .ods），读到 {_fmt(x)}，"
            f"不能判断是 {_fmt(x)}% 还是 {_fmt(round(x * 100, 6))}%。",
            codes.VALUE_FORMAT_UNKNOWN,
        )
    ambiguous = _ambiguous_percent(x, f" {_fmt(x)}（不是百分比格式）")
    if ambiguous:
        return ambiguous
    note = f"单元格显示为 {_fmt(x)}（不是百分比格式），按 {_fmt(x)}% 读取" if x else ""
    return _check_number(x, m, unit, note)


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _shown(x: float, m: Measure) -> str:
    return f"{_fmt(round(x, 6))}{'%' if m.percent else ''}"


def _check_number(x: float, m: Measure, unit: str, note: str) -> ParsedValue:
    """Range and integer checks of the measure; ``x`` in display units (85 means 85%)."""
    if math.isnan(x) or math.isinf(x):
        return ParsedValue(None, False, "不是有效数值。", codes.VALUE_NOT_NUMBER)
    if m.lo >= 0 and x < 0:
        return ParsedValue(
            None, False, f"填了负数 {_shown(x, m)}，本指标不能为负。", codes.VALUE_NEGATIVE
        )
    if m.integer and not float(x).is_integer():
        return ParsedValue(
            None,
            False,
            f"填了 {_shown(x, m)}，数量须为整数（单位：{unit}）。",
            codes.VALUE_NOT_INTEGER,
        )
    if not m.lo <= x <= m.hi:
        what = "比率" if m.percent and m.lo == 0 else "数值"
        return ParsedValue(
            None,
            False,
            f"{what} {_shown(x, m)} 超出范围（应在 {_fmt(m.lo)} 到 {_fmt(m.hi)}"
            f"{'%' if m.percent else ''} 之间）。",
            codes.VALUE_RANGE,
        )
    value = round(x, 6)
    if note:
        return ParsedValue(
            value, True, f"已按 {_fmt(value)} 读取（{note}），请核对。", codes.VALUE_NORMALISED
        )
    return ParsedValue(value, True)
