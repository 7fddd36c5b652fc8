"""XlsxWriter pieces shared by the outputs: the workbook options, a worksheet that writes long
tables in one pass, the cell formats, print set-up and status colours.

``BulkSheet`` overrides ``Worksheet._write_rows`` (XlsxWriter private API): the version is
pinned in pyproject.toml and tests/excel/test_xlsxwriter_hooks.py checks the hook.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Literal

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from workbook.core.measures import EPS, measure
from workbook.core.status import (
    DONE,
    IN_PROGRESS,
    LAGGING,
    MISSING,
    NO_CASES,
    NOT_APPLICABLE,
    ON_TRACK,
    PARTIAL,
)
from workbook.core.text import printable
from workbook.excel.cells import fit_height


def new_workbook(
    tmp: Path, cls: type[xlsxwriter.Workbook] = xlsxwriter.Workbook, **options: Any
) -> Any:
    """An XlsxWriter workbook (of ``cls``) that writes every string as text (never a
    formula, number or link: district text such as "=HYPERLINK(...)" stays text) and, on its
    ``TextSheet``s, without control characters; other XlsxWriter ``options`` are passed on."""
    book = cls(
        str(tmp),
        {
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
            **options,
        },
    )
    book.worksheet_class = TextSheet  # every sheet added without a class of its own
    return book


STATUS_COLORS = {
    DONE: "#C6EFCE",
    ON_TRACK: "#DDEBF7",
    IN_PROGRESS: "#FCE4D6",
    LAGGING: "#FFC7CE",
    PARTIAL: "#EDEDED",
    MISSING: "#FFEB9C",
    NO_CASES: "#F2F2F2",
}


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _xml_text(text: str) -> str:
    if "&" in text or "<" in text or ">" in text:
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return (
        _CONTROL.sub(lambda m: f"_x{ord(m.group()):04X}_", text) if _CONTROL.search(text) else text
    )


class TextSheet(Worksheet):
    """A worksheet that writes every string as ``core.text.printable`` makes it, whichever call
    writes it (write, write_string, merge_range all reach ``_write_string``): a district's
    pasted text never puts a control character into a cell. The default sheet of every
    workbook ``new_workbook`` makes."""

    def _write_string(
        self, row: int, col: int, string: str, cell_format: Any = None
    ) -> Literal[0, -1, -2]:
        return super()._write_string(row, col, printable(string), cell_format)


class BulkSheet(TextSheet):
    """A worksheet whose long tables are written as XML in one pass.

    XlsxWriter spends about 12 µs on every cell; a 1,000-unit summary has half a million of
    them. Rows given to ``bulk_row`` are kept as plain values and written by ``_write_rows``
    after the ordinary rows (headers, titles), with inline strings, so they must come below
    every ordinary row. Text is always written as text, never as a formula.
    """

    def __init__(self) -> None:
        super().__init__()
        self.bulk: list[tuple[int, list[Any], list[Any]]] = []
        self.heights: dict[int, float] = {}  # explicit heights of bulk rows

    def bulk_row(self, r: int, values: list[Any], fmts: list[Any]) -> None:
        if self.bulk and r <= self.bulk[-1][0]:
            raise ValueError("bulk rows must be added in increasing order")
        self.bulk.append((r, values, fmts))
        self._check_dimensions(r, len(values) - 1)

    def _write_rows(self) -> None:
        ordinary = [r for r, cells in self.table.items() if cells]
        if self.bulk and ordinary and max(ordinary) >= self.bulk[0][0]:
            raise ValueError("bulk rows must come below every ordinary row")
        super()._write_rows()
        width = max((len(values) for _r, values, _f in self.bulk), default=0)
        letters = [xl_col_to_name(c) for c in range(width)]
        out = []
        xf_of: dict[int, int] = {}  # a format's index, looked up once per format
        for r, values, fmts in self.bulk:
            cells = []
            row = str(r + 1)
            for c, v in enumerate(values):
                ref = letters[c] + row
                f = fmts[c]
                xf = xf_of.get(id(f))
                if xf is None:
                    xf = xf_of[id(f)] = f._get_xf_index()
                if v is None or v == "":
                    cells.append(f'<c r="{ref}" s="{xf}"/>')
                elif isinstance(v, int | float) and not isinstance(v, bool):
                    cells.append(f'<c r="{ref}" s="{xf}"><v>{v!r}</v></c>')
                else:
                    cells.append(
                        f'<c r="{ref}" s="{xf}" t="inlineStr"><is>'
                        f'<t xml:space="preserve">{_xml_text(printable(str(v)))}</t></is></c>'
                    )
            h = self.heights.get(r)
            attrs = f' ht="{h:g}" customHeight="1"' if h else ""
            out.append(f'<row r="{r + 1}"{attrs}>{"".join(cells)}</row>')
        self.fh.write("".join(out))


class CellWriter:
    """Formats registered once per summary workbook."""

    def __init__(self, wb: xlsxwriter.Workbook) -> None:
        # sheet name -> row -> (values, formats, bulk): rows whose heights widths() fits
        self.written: dict[str, dict[int, tuple[list[Any], list[Any], bool]]] = {}
        base = {"font_name": "宋体", "font_size": 10, "border": 1, "valign": "vcenter"}
        self.title = wb.add_format({"font_name": "黑体", "font_size": 14, "bold": True})
        self.line = wb.add_format({"font_name": "宋体", "font_size": 10})
        self.note = wb.add_format(
            {"font_name": "宋体", "font_size": 10, "text_wrap": True, "valign": "top"}
        )
        self.head = wb.add_format(
            {**base, "bold": True, "bg_color": "#D9D9D9", "text_wrap": True, "align": "center"}
        )
        self.cell = wb.add_format({**base, "text_wrap": True})
        self.center = wb.add_format({**base, "align": "center"})
        self.pct = wb.add_format({**base, "num_format": "0.0%"})
        self.num = wb.add_format({**base, "num_format": "General"})
        self.status = {
            st: wb.add_format(
                {
                    **base,
                    "align": "center",
                    "bg_color": color,
                    **({"font_color": "#9C0006"} if st == LAGGING else {}),
                }
            )
            for st, color in STATUS_COLORS.items()
        }
        self.status[NOT_APPLICABLE] = wb.add_format({**base, "align": "center"})
        # figures of percent kinds (stored 85 = 85%) shown as percentages, coloured by status;
        # more decimals where 0.0% would round a figure short of its target up (``_decimals``)
        self._wb, self._base = wb, base
        self._pcts: dict[tuple[str, int], Any] = {}

    def _pct(self, st: str, decimals: int) -> Any:
        key = (st, decimals)
        if key not in self._pcts:
            color = {"bg_color": STATUS_COLORS[st]} if st in STATUS_COLORS else {}
            num = "0." + "0" * decimals + "%"
            self._pcts[key] = self._wb.add_format({**self._base, "num_format": num, **color})
        return self._pcts[key]

    def figure(
        self,
        kind: str,
        v: float | str | None,
        st: str | None = None,
        target: tuple[str | None, float | None] = (None, None),
    ) -> tuple[Any, Any]:
        """A figure as a cell value and format: percent kinds as real percentages, with the
        decimals that keep it on its side of ``target`` (op, value: ``shown_decimals``)."""
        if isinstance(v, float | int) and measure(kind).percent:
            return v / 100, self._pct(st or "", shown_decimals(float(v), *target))
        return ("" if v is None else v), (self.status.get(st, self.num) if st else self.num)

    def header(self, ws: Any, r: int, titles: list[str]) -> None:
        self.row(ws, r, titles, [self.head] * len(titles))

    def widths(self, ws: Any, widths: list[float], rest: float | None = None) -> None:
        """Column widths, one per column from A (``rest`` for the columns after them), and
        the height of every row written so far that has wrapped text."""
        for c, width in enumerate(widths):
            ws.set_column(c, c, width)
        rows = self.written.pop(ws.name, {})
        if rest is not None:
            last = max((len(v) for v, _f, _b in rows.values()), default=len(widths))
            if last > len(widths):
                ws.set_column(len(widths), last - 1, rest)
        for r, (values, fmts, bulk) in rows.items():
            cells = [
                (v, widths[c] if c < len(widths) else rest or 8.43)
                for c, v in enumerate(values)
                if isinstance(v, str) and v and fmts[c].text_wrap
            ]
            if not cells:
                continue
            h = fit_height(cells)
            if h <= 15:
                continue
            if bulk:  # on the pixel grid, as XlsxWriter's set_row puts it
                ws.heights[r] = int(h * 4.0 / 3.0 + 0.5) * 0.75
            else:
                ws.set_row(r, h)

    def row(
        self, ws: Any, r: int, values: list[Any], fmts: list[Any] | None = None, bulk: bool = False
    ) -> None:
        fmts = fmts or [self.cell] * len(values)
        self.written.setdefault(ws.name, {})[r] = (values, fmts, bulk)
        if bulk:
            ws.bulk_row(r, values, fmts)
            return
        for c, v in enumerate(values):
            fmt = fmts[c] if fmts else self.cell
            if v is None or v == "":
                ws.write_blank(r, c, None, fmt)
            elif isinstance(v, bool):
                ws.write_string(r, c, str(v), fmt)
            elif isinstance(v, int | float):
                ws.write_number(r, c, v, fmt)
            else:
                ws.write_string(r, c, str(v), fmt)


MIN_PRINT_SCALE = 80  # 10-point text printed at 8 points at least


def print_setup(
    ws: Any,
    repeat: int | None = None,
    paper: int = 9,
    repeat_columns: tuple[int, int] | None = None,
) -> None:
    """A4 (9) or A3 (8) landscape, rows over as many pages as needed, header rows repeated,
    page numbers in the footer; one page wide, or, for a table too wide to stay legible that
    way, at ``MIN_PRINT_SCALE`` across as many pages as needed with ``repeat_columns`` (the
    columns that say which row it is) on each, page by page across, then down."""
    ws.set_landscape()
    ws.set_paper(paper)
    if repeat_columns is None:
        ws.fit_to_pages(1, 0)
    else:
        ws.set_print_scale(MIN_PRINT_SCALE)
        ws.repeat_columns(*repeat_columns)
        ws.print_across()
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
    ws.set_footer("&C第 &P 页，共 &N 页")
    if repeat is not None:
        ws.repeat_rows(repeat)


def shown_decimals(v: float, op: str | None, target: float | None) -> int:
    """Decimals of a percentage (one, up to four) so that rounding never puts a figure on the
    other side of its target: 99.96% against 100% is 99.96%, not 100.0% beside 滞后."""
    if op is None or target is None:
        return 1
    missed = v < target - EPS if op == ">=" else v > target + EPS
    for d in range(1, 5):
        shown = round(v, d)
        crossed = shown >= target if op == ">=" else shown <= target
        if not (missed and crossed):
            return d
    return 4
