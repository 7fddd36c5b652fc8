"""The sheet grids of a return when python-calamine cannot be loaded: openpyxl behind the few
calls of calamine's interface the reader uses, giving the same values.

python-calamine is compiled Rust; Rust 1.78 and later need ``ProcessPrng`` from
bcryptprimitives.dll, which Windows 7 and Wine 8 do not have, so there the import fails with
"DLL load failed". The readers then use this (a few times slower, the same grid): numbers as
floats, empty cells and error values as "", dates as calamine gives them, rows padded to the
sheet's width from A1 (``skip_empty_area=False``).
"""

from __future__ import annotations

import functools
import io
from datetime import datetime, time
from typing import Any

from workbook.core.imports import openpyxl_without_numpy


@functools.cache  # a failed import is not cached by Python: try the DLL once per process
def calamine_or_fallback() -> Any:
    """``CalamineWorkbook`` when python-calamine loads here, else ``SlowWorkbook``."""
    try:
        from python_calamine import CalamineWorkbook  # in the reading workers only
    except ImportError:  # "DLL load failed" (Windows 7, Wine 8): read with openpyxl instead
        return SlowWorkbook
    return CalamineWorkbook


class _Sheet:
    def __init__(self, ws: Any) -> None:
        self.ws = ws

    def to_python(self, skip_empty_area: bool = True) -> list[list[Any]]:
        """The grid from A1 to the last row and column holding a value (styled empty cells do
        not count, as in calamine)."""
        self.ws.reset_dimensions()  # a file's stated dimension may be wrong: scan the rows
        rows = [[_value(c) for c in row] for row in self.ws.iter_rows(min_row=1, min_col=1)]
        height = max((i + 1 for i, r in enumerate(rows) if any(v != "" for v in r)), default=0)
        width = max(
            (j + 1 for r in rows for j, v in enumerate(r) if v != ""),
            default=0,
        )
        return [(r + [""] * width)[:width] for r in rows[:height]]


def _value(cell: Any) -> Any:
    v = getattr(cell, "value", None)
    if v is None or getattr(cell, "data_type", "") == "e":
        return ""
    if isinstance(v, int | float) and not isinstance(v, bool):
        return float(v)
    if isinstance(v, datetime) and v.time() == time():
        return v.date()  # a date cell, as calamine gives it
    return v


class SlowWorkbook:
    """What the reader calls of ``CalamineWorkbook``, done with openpyxl (read-only)."""

    def __init__(self, wb: Any) -> None:
        self.wb = wb

    @classmethod
    def from_filelike(cls, f: io.BytesIO) -> SlowWorkbook:
        openpyxl = openpyxl_without_numpy()
        return cls(openpyxl.load_workbook(f, read_only=True, data_only=True))

    @property
    def sheet_names(self) -> list[str]:
        return list(self.wb.sheetnames)

    def get_sheet_by_name(self, name: str) -> _Sheet:
        return _Sheet(self.wb[name])

    def close(self) -> None:
        self.wb.close()
