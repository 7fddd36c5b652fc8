"""The words offices write around a target figure, read into its bound and direction.

One table (``WORDS``) says what each word means; ``read_words`` finds them in a target's text,
longest first and without overlap ("不低于" is one word, not 不 + 低于), and ``bound_of``
decides the comparator, or says in Chinese why the words cannot be placed. Nothing is
assumed from a word that is not in the table: a plain percentage ("90%", as the plan writes
it) is at least that much unless its row says otherwise (``plain_op``), and words that pull
both ways, a range or an approximation are refused. docs/catalogue.md lists the table
(scripts/gen_docs.py writes it from here).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# meaning -> the words, as offices write them
AT_LEAST = "at_least"  # the figure is a floor: at or above it is met
AT_MOST = "at_most"  # the figure is a ceiling: at or below it is met
REACH = "reach"  # "reach …": a floor, unless a firmer word says otherwise
HOLD_TO = "hold_to"  # "keep to / bring down to …": a ceiling, unless a firmer word says otherwise
FALL = "fall"  # a relative fall by the figure
RISE = "rise"  # a relative rise by the figure
RELATIVE = "relative"  # against the previous year: the figure is a change
UNCLEAR = "unclear"  # an approximation: neither floor nor ceiling

WORDS: dict[str, tuple[str, ...]] = {
    AT_LEAST: (
        "不低于",
        "不少于",
        "不小于",
        "及以上",
        "以上",
        "超过",
        "高于",
        "大于",
        "多于",
        "至少",
        "≥",
        ">=",
    ),
    AT_MOST: (
        "不超过",
        "不高于",
        "不多于",
        "不大于",
        "及以下",
        "以下",
        "以内",
        "低于",
        "小于",
        "少于",
        "≤",
        "<=",
    ),
    REACH: ("达到", "力争", "实现", "提高到", "提高至", "提升到", "提升至", "增长到", "增长至"),
    HOLD_TO: (
        "控制在",
        "压缩至",
        "压缩到",
        "缩短至",
        "缩短到",
        "下降到",
        "下降至",
        "降低到",
        "降低至",
        "减少到",
        "减少至",
        "降至",
        "降到",
    ),
    FALL: ("下降", "压降", "减少", "降低"),
    RISE: ("增长", "提高", "提升", "上升", "增加"),
    RELATIVE: ("同比", "较上年", "比上年", "较去年", "比去年"),
    UNCLEAR: ("左右", "上下", "大约", "约"),
}
WORD_ZH = {
    AT_LEAST: "不低于（达到或超过目标即完成）",
    AT_MOST: "不超过（不高于目标即完成，越低越好）",
    REACH: "达到（不低于；有更明确的词时从之）",
    HOLD_TO: "控制在（不超过；有更明确的词时从之）",
    FALL: "下降（较上年的变化幅度）",
    RISE: "增长（较上年的变化幅度）",
    RELATIVE: "较上年（目标是变化幅度，须同时写明增长或下降）",
    UNCLEAR: "约数（紧挨着数字时；无法判断是下限还是上限，导入时拒绝）",
}
# an approximation counts only beside its figure (80%左右, 约80%): not 上下游, 节约
_APPROX = re.compile(
    r"(?P<before>大约|约)\s*\d|\d\s*(?:[%％]|个?工作日|分钟|小时|天)?\s*(?P<after>左右|上下)"
)
_MEANING = {w: m for m, words in WORDS.items() if m != UNCLEAR for w in words}
_BY_LENGTH = sorted(_MEANING, key=len, reverse=True)
# two figures joined as a range: 80%-90%, 80%～90%, 80%至90%, 3到5个工作日
_RANGE = re.compile(r"\d(?:\.\d+)?\s*%?\s*(?:-|－|—|~|～|至|到)\s*\d")
_TRAILING_WITHIN = re.compile(r"(?:日|天|小时|分钟)内$")  # "7个工作日内": within


@dataclass(frozen=True)
class Bound:
    """What the words of one target say: ``op`` (">=" or "<="), whether the figure is a
    change (``sign`` -1 for a fall, +1 for a rise), the words that decided, or why not."""

    op: str | None
    sign: int = 0
    words: tuple[str, ...] = ()
    unclear: str = ""


def read_words(text: str) -> list[tuple[str, str]]:
    """(word, meaning) of each table word in ``text``, in reading order, longest first."""
    found: list[tuple[int, str]] = []
    taken = [False] * len(text)
    for word in _BY_LENGTH:
        start = text.find(word)
        while start >= 0:
            span = range(start, start + len(word))
            if not any(taken[i] for i in span):
                found.append((start, word))
                for i in span:
                    taken[i] = True
            start = text.find(word, start + 1)
    if _TRAILING_WITHIN.search(text) and not text.endswith("以内"):
        found.append((len(text) - 1, "内"))
    return [(w, _MEANING.get(w, AT_MOST)) for _, w in sorted(found)]


def bound_of(text: str, figures: int, timed: bool, plain_op: str = ">=") -> Bound:
    """The comparator of a target whose text holds ``figures`` percentages (or, ``timed``,
    a time limit). ``plain_op``: what a figure with no bound word means on its row."""
    words = read_words(text)
    meanings = {m for _, m in words}
    said = tuple(w for w, _ in words)
    approx = _APPROX.search(text)
    if approx:
        return Bound(
            None,
            words=said,
            unclear=f"“{approx['before'] or approx['after']}”是约数，看不出是下限还是上限",
        )
    if figures > 1 or _RANGE.search(text):
        return Bound(
            None, words=said, unclear="写了两个数（如范围或“由…降至…”），看不出按哪个数考核"
        )
    if FALL in meanings and RISE in meanings:
        return Bound(None, words=said, unclear="同时写了增长和下降")
    if FALL in meanings or RISE in meanings:
        if AT_MOST in meanings:
            return Bound(None, words=said, unclear="变化幅度写的是上限（如“增长不超过”），暂不支持")
        sign = -1 if FALL in meanings else 1
        return Bound("<=" if sign < 0 else ">=", sign, said)
    if RELATIVE in meanings:
        return Bound(None, words=said, unclear="写了较上年，但没有写增长还是下降")
    return _level(meanings, said, timed, plain_op)


def _level(meanings: set[str], said: tuple[str, ...], timed: bool, plain_op: str) -> Bound:
    """A level: the firm words decide, then the soft ones, then the row's plain reading."""
    for floor, ceiling in ((AT_LEAST, AT_MOST), (REACH, HOLD_TO)):
        if floor in meanings and ceiling in meanings:
            return Bound(None, words=said, unclear="既有表示下限的词，又有表示上限的词")
        if floor in meanings or ceiling in meanings:
            op = ">=" if floor in meanings else "<="
            if timed and op == ">=" and floor == AT_LEAST:
                return Bound(None, words=said, unclear="时限写成了下限（如“不少于”）")
            return Bound("<=" if timed else op, words=said)  # a time is reached within
    return Bound("<=" if timed else plain_op, words=said)
