"""Reporting periods: quarters (2024Q2, 2024年第二季度) and months (2024-05, 2024年5月), and
序时进度."""

from __future__ import annotations

import calendar
import functools
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from workbook.core.errors import InputError

_Q = re.compile(r"^(\d{4})\s*-?\s*[Qq]\s*([1-4])$")
_M = re.compile(r"^(\d{4})\s*(?:-|[Mm])\s*(\d{1,2})$")
# as people write them: 2024年第二季度, 2024年二季度, 2024年第2季度, 2024年6月, 2024年06月
_Q_ZH = re.compile(r"^(\d{4})\s*年\s*第?\s*([一二三四1-4])\s*季度?$")
_M_ZH = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月(?:份)?$")
_QUARTER_ZH = {1: "一", 2: "二", 3: "三", 4: "四"}
_ZH_QUARTER = {v: k for k, v in _QUARTER_ZH.items()}
ACCEPTED_FORMS = (
    "2024Q2、2024-Q2、2024 Q2、2024年第二季度、2024年二季度（季度），2024-06、2024年6月（月份）"
)


@dataclass(frozen=True, order=True)
class Period:
    """A reporting period: ``kind`` is "Q" (quarter) or "M" (month)."""

    year: int
    months: int  # months elapsed at the end of the period (Q2 -> 6, 2024-05 -> 5)
    kind: str

    @property
    def code(self) -> str:
        """Canonical code used in file names and identities: 2024Q2 or 2024M05."""
        if self.kind == "Q":
            return f"{self.year}Q{self.months // 3}"
        return f"{self.year}M{self.months:02d}"

    @property
    def label(self) -> str:
        """Chinese label: 2024年第二季度 / 2024年5月."""
        if self.kind == "Q":
            return f"{self.year}年第{_QUARTER_ZH[self.months // 3]}季度"
        return f"{self.year}年{self.months}月"

    @property
    def share(self) -> float:
        """序时进度: the share of the year elapsed at the end of the period."""
        return self.months / 12

    @property
    def is_year_end(self) -> bool:
        return self.months == 12

    @property
    def end(self) -> date:
        return date(self.year, self.months, calendar.monthrange(self.year, self.months)[1])

    def previous(self) -> Period | None:
        """The period before this one in the same year, of the same kind (None for the first)."""
        step = 3 if self.kind == "Q" else 1
        if self.months - step <= 0:
            return None
        return Period(self.year, self.months - step, self.kind)


def parse_period(text: str) -> Period:
    """A period as people write it (``ACCEPTED_FORMS``: 2024Q2, 2024-Q2, 2024 Q2, 2024年第二季度,
    2024年二季度, 2024-06, 2024M06, 2024年6月); raise InputError listing them otherwise."""
    return _parse(str(text))


@functools.lru_cache(maxsize=1024)
def _parse(text: str) -> Period:
    """parse_period's work, remembered: the ledger parses the same few codes for every row
    (Period is frozen, and a refusal raises, which is never cached)."""
    t = unicodedata.normalize("NFKC", text).strip()
    m = _Q.match(t) or _Q_ZH.match(t)
    if m:
        q = m.group(2)
        return Period(int(m.group(1)), (_ZH_QUARTER.get(q) or int(q)) * 3, "Q")
    m = _M.match(t) or _M_ZH.match(t)
    if m and 1 <= int(m.group(2)) <= 12:
        return Period(int(m.group(1)), int(m.group(2)), "M")
    raise InputError(f"无法识别的期次“{text}”。可以写成：{ACCEPTED_FORMS}。")
