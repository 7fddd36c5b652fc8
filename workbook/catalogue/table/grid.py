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

from workbook.catalogue.table.export import INFO_SHEET, TABLE_SHEET
from workbook.core.errors import InputError
from workbook.core.imports import openpyxl_without_numpy
from workbook.core.measures import is_percent_format
from workbook.excel.cells import cell_text, unsafe_text
from workbook.excel.formats import col_letter


@dataclass
class Grid:
    """One sheet as the person saw it: texts by row, and its merged ranges (1-based)."""

    name: str
    rows: list[list[str]]
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    far: list[tuple[str, str]] = field(default_factory=list)  # (cell, text) left unread
    header: int = 1  # the header row (1-based): the rows above it are the table's title
    found_by_header: bool = False  # the sheet is not named 任务分解表, its header found it
    layout: str = "columns"  # "rows": units as rows (地区 in A), ``published`` transposes it
    # a grid made from another (``published.transpose``): each cell's (row, column) there
    origin: dict[tuple[int, int], tuple[int, int]] | None = None
    source: str = ""  # the sheet ``origin`` points into

    def __post_init__(self) -> None:
        self._merge: dict[tuple[int, int], tuple[int, int, int, int]] = {}
        for m in self.merges:
            for r in range(m[0], m[2] + 1):
                for c in range(m[1], m[3] + 1):
                    self._merge[(r, c)] = m

    def raw(self, r: int, c: int) -> str:
        row = self.rows[r - 1] if 0 < r <= len(self.rows) else []
        return row[c - 1] if 0 < c <= len(row) else ""

    def text(self, r: int, c: int) -> str:
        """The text shown at (r, c); a merged cell shows its top-left text."""
        m = self._merge.get((r, c))
        return self.raw(m[0], m[1]) if m else self.raw(r, c)

    def where(self, r: int, c: int) -> tuple[str, str]:
        """(sheet, cell) the person sees for (r, c): for a transposed grid, the published cell
        it came from ("" when it came from the command line)."""
        if self.origin is None:
            return self.name, f"{col_letter(c - 1)}{r}"
        at = self.origin.get((r, c))
        return self.source, (f"{col_letter(at[1] - 1)}{at[0]}" if at else "")

    def merge_at(self, r: int, c: int) -> tuple[int, int, int, int] | None:
        """The merged range (first row, first column, last row, last column) holding (r, c)."""
        return self._merge.get((r, c))


def read_grids(path: Path) -> tuple[Grid, Grid | None]:
    """The table and the 目录信息 sheet of an xlsx, or the table of a csv (no info sheet)."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _headed(_read_csv(path)), None
    if suffix not in (".xlsx", ".xlsm"):
        raise InputError(f"{path} 不是 .xlsx 或 .csv 文件；请在 Excel/WPS 中另存为 .xlsx 再导入。")
    openpyxl = openpyxl_without_numpy()  # only an xlsx table needs it (0.2 s of start-up)
    try:
        wb = openpyxl.load_workbook(path, data_only=True)
    except Exception as exc:
        raise InputError(
            f"无法打开分解表 {path}（{type(exc).__name__}）；请确认它是 Excel 工作簿，"
            "并在 Excel/WPS 中另存为 .xlsx 后重试。"
        ) from exc
    info = _grid(wb[INFO_SHEET]) if INFO_SHEET in wb.sheetnames else None
    if TABLE_SHEET in wb.sheetnames:
        return _headed(_grid(wb[TABLE_SHEET])), info
    found = [g for g in (_headed(_grid(wb[n])) for n in wb.sheetnames if n != INFO_SHEET)]
    found = [g for g in found if g.header]
    if len(found) != 1:
        why = "几个工作表都像" if found else "没有一个工作表的前 10 行有以“序号”开头的表头，不像"
        raise InputError(
            f"{path} 中没有名为“{TABLE_SHEET}”的工作表，{why}任务分解表"
            f"（现有：{'、'.join(wb.sheetnames)}）；请把分解表所在的工作表改名为“{TABLE_SHEET}”。"
        )
    found[0].found_by_header = True
    return found[0], info


HEADER_SEARCH = 10  # rows a published table's title may take above its header
UNITS_HEADER = ("地区", "单位", "区县", "县区", "县（市、区）", "县(市、区)")  # units as rows


def _headed(grid: Grid) -> Grid:
    """The grid with its header row found: the first of its first rows whose A cell is 序号
    (0: none; an exported table's is row 1), or 地区 for a table with units as rows."""
    for r in range(1, HEADER_SEARCH + 1):
        a = "".join(grid.raw(r, 1).split())
        if a == "序号" or a in UNITS_HEADER:
            grid.header, grid.layout = r, "columns" if a == "序号" else "rows"
            return grid
    grid.header = 0
    return grid


MAX_ROWS = 5000  # a decomposition table has about a hundred rows and thirty columns
MAX_COLUMNS = 200


def _grid(ws: Any) -> Grid:
    """The sheet's cells within A1 and the bounds above. Only the cells the file holds are
    visited (openpyxl's own cell map): one stray value in XFD1048576 would otherwise make
    ``iter_rows`` build seventeen billion empty cells. Such a far cell is kept aside, named."""
    cells = ws._cells  # {(row, column): cell} of the cells present in the file
    inside = [(r, c) for r, c in cells if r <= MAX_ROWS and c <= MAX_COLUMNS]
    height = max((r for r, _ in inside), default=0)
    width = max((c for _, c in inside), default=0)
    rows = [[""] * width for _ in range(height)]
    for r, c in inside:
        rows[r - 1][c - 1] = _shown(cells[(r, c)])
    far = [
        (f"{col_letter(c - 1)}{r}", text)
        for (r, c) in sorted(cells)
        if (r > MAX_ROWS or c > MAX_COLUMNS) and (text := _shown(cells[(r, c)]))
    ]
    merges = [(m.min_row, m.min_col, m.max_row, m.max_col) for m in ws.merged_cells.ranges]
    return Grid(ws.title, rows, merges, far)


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
        [cell_text(unsafe_text(c)) for c in row]
        for row in csv.reader(io.StringIO(text, newline=""))
    ]
    return Grid(path.stem, rows)
