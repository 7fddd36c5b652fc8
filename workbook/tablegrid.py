"""The task decomposition table as the person saw it: a grid of shown texts and merged ranges.

``read_grids`` opens an exported table (xlsx, or csv in UTF-8 or GBK) and returns the
任务分解表 grid and, for an xlsx, the 目录信息 grid. A cell's text is what it showed: a number
with a percent format is "80%", a whole float has no ".0". ``tableimport`` checks the grids.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbook.cellformats import col_letter
from workbook.errors import InputError
from workbook.measures import is_percent_format
from workbook.tablefile import INFO_SHEET, TABLE_SHEET
from workbook.xlsxio import cell_text


@dataclass
class Grid:
    """One sheet as the person saw it: texts by row, and its merged ranges (1-based)."""

    name: str
    rows: list[list[str]]
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._top: dict[tuple[int, int], tuple[int, int]] = {}
        for r0, c0, r1, c1 in self.merges:
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    self._top[(r, c)] = (r0, c0)

    def raw(self, r: int, c: int) -> str:
        row = self.rows[r - 1] if 0 < r <= len(self.rows) else []
        return row[c - 1] if 0 < c <= len(row) else ""

    def text(self, r: int, c: int) -> str:
        """The text shown at (r, c); a merged cell shows its top-left text."""
        return self.raw(*self._top.get((r, c), (r, c)))

    def merge_at(self, r: int, c: int) -> tuple[int, int, int, int] | None:
        top = self._top.get((r, c))
        return next((m for m in self.merges if (m[0], m[1]) == top), None) if top else None

    def addr(self, r: int, c: int) -> str:
        return f"{self.name}!{col_letter(c - 1)}{r}"


def read_grids(path: Path) -> tuple[Grid, Grid | None]:
    """The table and the 目录信息 sheet of an xlsx, or the table of a csv (no info sheet)."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_csv(path), None
    if suffix not in (".xlsx", ".xlsm"):
        raise InputError(f"{path} 不是 .xlsx 或 .csv 文件；请在 Excel/WPS 中另存为 .xlsx 再导入。")
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, data_only=True)
    except Exception as exc:
        raise InputError(
            f"无法打开分解表 {path}（{type(exc).__name__}）；请确认它是 Excel 工作簿，"
            "并在 Excel/WPS 中另存为 .xlsx 后重试。"
        ) from exc
    if TABLE_SHEET not in wb.sheetnames:
        raise InputError(
            f"{path} 中没有名为“{TABLE_SHEET}”的工作表（现有：{'、'.join(wb.sheetnames)}）；"
            "请用 shishi catalogue export 导出的表修改，不要改工作表名。"
        )
    table = _grid(wb[TABLE_SHEET])
    info = _grid(wb[INFO_SHEET]) if INFO_SHEET in wb.sheetnames else None
    return table, info


def _grid(ws: Any) -> Grid:
    rows = [[_shown(c) for c in row] for row in ws.iter_rows()]
    merges = [(m.min_row, m.min_col, m.max_row, m.max_col) for m in ws.merged_cells.ranges]
    return Grid(ws.title, rows, merges)


def _shown(cell: Any) -> str:
    """A cell's text as displayed: a percent-formatted 0.8 is "80%", as the person typed it."""
    v = cell.value
    number = isinstance(v, int | float) and not isinstance(v, bool)
    if number and is_percent_format(cell.number_format or ""):
        return f"{round(v * 100, 6):g}%"
    return cell_text(v)


def _read_csv(path: Path) -> Grid:
    raw = path.read_bytes()
    for enc in ("utf-8-sig", "gb18030"):  # Excel on Chinese Windows saves csv as GBK
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise InputError(f"{path} 的编码无法识别；请另存为“CSV UTF-8”。")
    rows = [
        [cell_text(_unsafe(c)) for c in row] for row in csv.reader(io.StringIO(text, newline=""))
    ]
    return Grid(path.stem, rows)


def _unsafe(text: str) -> str:
    """Undo ``safe_text``'s leading apostrophe (export protects formula-like text)."""
    return text[1:] if text.startswith("'") and text[1:2] in ("=", "+", "-", "@") else text
