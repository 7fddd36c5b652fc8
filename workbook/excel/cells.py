"""Cell text for the outputs: text that must never become a formula, widths and row heights."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache, lru_cache
from typing import Any

from workbook.core.text import printable

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet runs as a formula


def cell_text(v: Any) -> str:
    """A cell's value as the text a person sees: whole floats without ".0", stripped."""
    if type(v) is str:
        return v.strip()
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def safe_text(value: str) -> str:
    """Text for a CSV: printable (``core.text.printable``), and neutralised where a
    spreadsheet would run it as a formula."""
    value = printable(value)
    if value and value.startswith(FORMULA_START):
        return "'" + value
    return value


def unsafe_text(value: str) -> str:
    """Undo ``safe_text``: the apostrophe it put before formula-like text (reading a csv back)."""
    if value.startswith("'") and value[1:].startswith(FORMULA_START):
        return value[1:]
    return value


@cache
def display_width(text: str) -> int:
    """Width in Excel column units: CJK and full-width characters take two."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


MAX_ROW_HEIGHT = 409.0  # points: Excel's largest row height


def fit_height(
    cells: Iterable[tuple[str, float]], points_per_line: float = 13.5, minimum: float = 15.0
) -> float:
    """A row height (points) that shows every (text, column width) wrapped whole.

    Spreadsheet clients do not agree on fitting rows (LibreOffice measures with the font it
    substitutes for a missing 宋体, then prints with another), so rows with wrapped text get
    an explicit, slightly generous height instead; never more than Excel allows (a very long
    text then shows its beginning, and the whole of it in the cell).
    """
    lines = 1
    for text, width in cells:
        n = _lines(text, width)
        if n > lines:
            lines = n
    return min(MAX_ROW_HEIGHT, max(minimum, lines * points_per_line + 4))


@lru_cache(maxsize=65536)  # bounded: the button's Excel process runs for a whole session
def _lines(text: str, width: float) -> int:
    """Wrapped lines of ``text`` in a column ``width`` wide (a summary repeats its texts)."""
    usable = max(1.0, (width - 1) * 0.92)
    return sum(max(1, -(-display_width(part) // int(usable))) for part in text.split("\n"))
