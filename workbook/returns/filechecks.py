"""Checking a read return against the catalogue, file by file.

``check_return`` runs the per-file checks of ``FILE_CHECKS`` (at the end of this module) on
what ``reader.read_file`` found: the reporting sheet and its header, protection, each row
(placed by its 序号, then ``rowcheck.check_row``), rows missing, cells far from the table, the
signature. It returns the values and every problem; the caller decides what a file's problems
mean for its status.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from workbook.catalogue.model import Catalogue, Row, reporting_rows
from workbook.core import problems as codes
from workbook.core.findings import Problem
from workbook.core.inputs import SIGNATURE_LIMIT
from workbook.core.items import INFO_SHEET, ITEM_SHEET
from workbook.core.levels import DETAIL_SHEETS, ORIGIN_SHEET
from workbook.core.period import parse_period
from workbook.core.settings import template_text
from workbook.excel.cells import cell_text
from workbook.returns import extras
from workbook.returns.read import CheckedReturn, RawReturn
from workbook.returns.rowcheck import Columns, check_row
from workbook.returns.rowcheck import cell_ref as _cell


def _as_seq(v: Any) -> int | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, int | float) and float(v).is_integer():
        return int(v)
    if isinstance(v, str) and v.strip().isdigit():
        return int(v.strip())
    return None


class _Checker:
    """One file's check in progress: the result, what the earlier checks found (the header,
    the rows placed), and ``add`` for a problem in its sheet."""

    def __init__(self, raw: RawReturn, cat: Catalogue) -> None:
        self.raw, self.cat = raw, cat
        self.out = CheckedReturn(
            raw=raw, unit=raw.identity.get("unit", ""), period=raw.identity.get("period", "")
        )
        self.fname = Path(raw.path).name
        self.text = template_text()
        self.sheet = raw.report_sheet or self.text["sheet_report"]
        self.header_row = -1
        self.cols: dict[str, int] = {}
        self.expected: dict[int, Row] = {}
        self.seen: dict[int, int] = {}  # 序号 -> the row it was found in
        self.sig_rows: dict[str, int] = {}  # signature key -> the row of its label
        self.period_code = ""

    def add(
        self,
        code: str,
        message: str,
        action: str = "",
        cell: str = "",
        seq: int | None = None,
        found: str = "",
        sheet: str = "",
    ) -> None:
        self.out.problems.append(
            Problem(
                code=code,
                message=message,
                action=action,
                unit=self.out.unit,
                file=self.fname,
                sheet=sheet or (self.sheet if cell else ""),
                cell=cell,
                seq=seq,
                found=found,
            )
        )


def check_return(raw: RawReturn, cat: Catalogue, period_code: str) -> CheckedReturn:
    """Compare a read file with the catalogue: identity, locked cells, every input.

    Returns the accepted values and every problem found; the caller decides what a file's
    problems mean for its status. The checks run in the order of ``FILE_CHECKS``; one that
    returns False ends the file's check (nothing further can be placed) and marks the file
    unusable: it is rejected, like a damaged file.
    """
    chk = _Checker(raw, cat)
    chk.period_code = period_code
    for check in FILE_CHECKS:
        if check(chk) is False:
            chk.out.usable = False
            break
    return chk.out


def _report_sheet(chk: _Checker) -> bool:
    if chk.raw.grid:
        return True
    chk.add(
        codes.RETURN_NO_REPORT_SHEET,
        f"找不到“{chk.text['sheet_report']}”工作表（可能被删除或改名）。",
        "请用下发的模板重新填报，不要删除或改名工作表。",
    )
    return False


def _header(chk: _Checker) -> bool:
    if chk.raw.header_row is not None:  # found by ``reader.read_file``
        chk.header_row, chk.cols = chk.raw.header_row, chk.raw.columns
        return True
    chk.add(
        codes.RETURN_HEADER_CHANGED,
        "填报表的表头被改动，找不到“序号”“本单位目标任务”“累计完成”列。",
        "请用下发的模板重新填报，不要修改表头。",
    )
    return False


def _protection(chk: _Checker) -> None:
    if chk.raw.protected is False:
        chk.add(
            codes.RETURN_UNPROTECTED,
            "填报表的工作表保护已被取消。",
            "已逐项核对目标任务；请提醒填报人不要取消保护。",
        )


def _rows(chk: _Checker) -> None:
    """Each row below the header: a signature line, or an indicator's row placed by its 序号
    (``_place_row``) and checked (``rowcheck.check_row``)."""
    raw, cols = chk.raw, Columns(chk.cols)
    chk.expected = {r.indicator.seq: r for r in reporting_rows(chk.cat, chk.out.unit)}
    formulas = set(raw.formula_cells)
    sig_labels = {label: key for key, label in chk.text["signature"]}
    for r in range(chk.header_row + 1, len(raw.grid)):
        line = raw.grid[r]
        label = (cell_text(line[0]) if line else "").rstrip("：:")
        if label in sig_labels:
            _signature_line(chk, r, line, sig_labels[label], label)
            continue
        seq = _place_row(chk, r, line)
        if seq is not None:
            chk.seen[seq] = r
            check_row(chk.out, chk.cat, chk.expected[seq], line, r, cols, formulas, chk.add)


def _signature_line(chk: _Checker, r: int, line: list[Any], key: str, label: str) -> None:
    """One line of the signature block: its first filled cell; one over SIGNATURE_LIMIT
    characters (the template's validation, skipped by a paste) is said, and kept whole."""
    c, value = next(((c, cell_text(v)) for c, v in enumerate(line) if c and cell_text(v)), (1, ""))
    if len(value) > SIGNATURE_LIMIT:
        chk.add(
            codes.TEXT_TOO_LONG,
            f"表尾“{label}”有 {len(value)} 字，超过模板限定的 {SIGNATURE_LIMIT} 字。",
            f"请只填姓名、单位名称或号码（{SIGNATURE_LIMIT} 字以内）；本次已全文收录。",
            _cell(r, c),
        )
    chk.out.signature[key] = value
    chk.sig_rows[key] = r


def _signature(chk: _Checker) -> None:
    if not chk.out.signature.get("reporter"):
        row, col = chk.sig_rows.get("reporter"), chk.cols.get("name")
        cell = _cell(row, col) if row is not None and col is not None else ""
        chk.add(codes.SIGNATURE_MISSING, "表尾“填报人”未填写。", "请填写填报人并盖章。", cell)


def _place_row(chk: _Checker, r: int, line: list[Any]) -> int | None:
    """The 序号 a table row reports for, or None (with a problem when it holds input)."""
    cols, expected, seen = chk.cols, chk.expected, chk.seen
    seq = _as_seq(line[cols["seq"]]) if cols["seq"] < len(line) else None
    if seq is not None and seq in expected and seq not in seen:
        return seq  # the usual case, with nothing to report
    where = _cell(r, cols["seq"])
    if seq is None:
        inputs = [
            line[cols[k]]
            for k in ("value", "progress", "problems", "remark")
            if cols.get(k) is not None and cols[k] < len(line)
        ]
        if any(cell_text(v) for v in inputs):
            chk.add(
                codes.ROW_NO_SEQ,
                f"第 {r + 1} 行有填写内容但没有序号，无法对应到指标。",
                "请不要插入行或清除序号；把内容填到对应序号的行。",
                cell=where,
            )
        return None
    if seq not in expected:
        chk.add(
            codes.ROW_UNEXPECTED,
            f"第 {r + 1} 行的序号 {seq} 不属于本单位的填报内容，已忽略。",
            "请删除该行或用下发的模板重新填报。",
            cell=where,
            seq=seq,
        )
        return None
    if seq in seen:
        chk.add(
            codes.ROW_DUPLICATE_SEQ,
            f"序号 {seq} 出现两次（第 {seen[seq] + 1} 行和第 {r + 1} 行），只采用第一行。",
            "请删除重复的行。",
            cell=where,
            seq=seq,
        )
        return None
    return seq


def _missing_rows(chk: _Checker) -> None:
    for seq, row in chk.expected.items():
        if seq not in chk.seen:
            chk.add(
                codes.ROW_MISSING,
                f"找不到序号 {seq}（{row.indicator.name}）所在的行（可能被删除或序号被改动）。",
                "请用下发的模板补填该指标。",
                seq=seq,
            )


def _far_cells(chk: _Checker) -> None:
    """Cells far outside the table were cut before reading: say where they were."""
    raw, add = chk.raw, chk.add
    for ref, shown in raw.strays:
        add(
            codes.RETURN_FAR_CELL,
            f"单元格 {ref} 在填报表格（{raw.bounds}）之外，有内容“{shown}”，已忽略。",
            "请删除表格以外的内容；本单位的数据已照常汇总。",
            cell=ref,
            found=shown,
        )
    if raw.stray_count > len(raw.strays):
        add(
            codes.RETURN_FAR_CELL,
            f"填报表格（{raw.bounds}）之外另有 {raw.stray_count - len(raw.strays)} 个单元格有内容，已忽略。",
            "请删除表格以外的内容；本单位的数据已照常汇总。",
        )


# The per-file checks of a return, in the order they run (``check_return``); the per-row
# checks are ``rowcheck.check_row``'s; the per-folder ones (identity, duplicates, missing
# units) are ``consolidate``'s.
def _extras(chk: _Checker) -> None:
    """明细台账 against the unit's figures, and 信息报送 (``returns.extras``)."""
    raw = chk.raw
    for code, sheet, cell, message, action in raw.extra_notes:
        chk.add(code, message, action, cell, sheet=sheet)
    figures = {seq: rec.value for seq, rec in chk.out.values.items()}
    items_grid = _extra_grid(chk, ITEM_SHEET, _needs_items(chk, figures))
    if items_grid is not None:
        add = functools.partial(chk.add, sheet=raw.extra_names.get(ITEM_SHEET, ITEM_SHEET))
        items = extras.parse_items(items_grid, add)
        period = parse_period(raw.identity.get("period") or chk.period_code)
        chk.out.items = extras.check_items(items, chk.cat, chk.out.unit, period, figures, add)
    info_grid = _extra_grid(chk, INFO_SHEET, [])
    if info_grid is not None:
        add = functools.partial(chk.add, sheet=raw.extra_names.get(INFO_SHEET, INFO_SHEET))
        chk.out.info = extras.parse_info(info_grid, add)
    text = extras.origin_text(raw.extras.get(ORIGIN_SHEET))
    if text:  # built by report-up: its origin, and its 所明细 when it has one
        try:
            origin = json.loads(text)
        except ValueError:
            origin = {"unreadable": True}
        detail = next((raw.extras[n] for n in DETAIL_SHEETS if n in raw.extras), None)
        chk.out.origin = {"origin": origin if isinstance(origin, dict) else {},
                          "detail": extras.parse_detail(detail) if isinstance(detail, list) else {}}  # fmt: skip


def _needs_items(chk: _Checker, figures: dict[int, Any]) -> list[int]:
    """The 序号 of the unit's itemised rows with a figure above 0 (a list is due)."""
    return [
        seq
        for seq, v in figures.items()
        if chk.cat.indicator(seq).items and isinstance(v, int | float) and v > 0
    ]


def _extra_grid(chk: _Checker, name: str, due: list[int]) -> list[list[Any]] | None:
    """The grid of ``name`` when it can be read as the template laid it out; otherwise None,
    said once: missing (when ``due`` lists figures that need it), or its header changed."""
    grid = chk.raw.extras.get(name)
    if grid is None:
        if due:
            seqs = "、".join(str(s) for s in due)
            chk.add(
                codes.EXTRA_SHEET_MISSING,
                f"找不到“{name}”工作表（已删除，或改名后认不出），序号 {seqs} 的明细无从核对。",
                f"请用下发的模板把明细填在“{name}”中后重新报送。",
                sheet=name,
            )
        return None
    wrong = extras.header_problem(grid, name)
    if wrong is not None:
        cell, message = wrong
        action = f"请用下发模板的“{name}”重新填写（不要插入、删除或移动列）。"
        chk.add(
            codes.EXTRA_HEADER, message, action, cell, sheet=chk.raw.extra_names.get(name, name)
        )
        return None
    return grid


FILE_CHECKS: tuple[Callable[[_Checker], bool | None], ...] = (
    _report_sheet,
    _header,
    _protection,
    _rows,
    _missing_rows,
    _far_cells,
    _signature,
    _extras,
)
