"""Reporting periods: quarters (2024Q2, 2024-Q2) and months (2024-05), and 序时进度."""

from __future__ import annotations

import calendar
import functools
import re
from dataclasses import dataclass
from datetime import date

from workbook.core.errors import InputError

_Q = re.compile(r"^\s*(\d{4})\s*-?\s*[Qq]([1-4])\s*$")
_M = re.compile(r"^\s*(\d{4})\s*-\s*(\d{1,2})\s*$")
_QUARTER_ZH = {1: "一", 2: "二", 3: "三", 4: "四"}


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
    """Parse 2024Q2, 2024-Q2, 2024q2, 2024-05 or 2024M05; raise InputError otherwise."""
    return _parse(str(text))


@functools.lru_cache(maxsize=1024)
def _parse(text: str) -> Period:
    """parse_period's work, remembered: the ledger parses the same few codes for every row
    (Period is frozen, and a refusal raises, which is never cached)."""
    t = text.strip()
    m = _Q.match(t)
    if m:
        return Period(int(m.group(1)), int(m.group(2)) * 3, "Q")
    m = _M.match(t) or re.match(r"^\s*(\d{4})\s*[Mm](\d{1,2})\s*$", t)
    if m and 1 <= int(m.group(2)) <= 12:
        return Period(int(m.group(1)), int(m.group(2)), "M")
    raise InputError(f"无法识别的期次“{text}”：请写成 2024Q2、2024-Q2 或 2024-05 这样的格式。")
