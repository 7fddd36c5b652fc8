"""明细台账 and 信息报送 of a return: read (bounded: a far stray cell must not build a huge
grid) and checked cell by cell, each problem at its cell, in Chinese.

The list is checked against the unit's own figures here (``check_items``); the checks across
units and periods (the same code listed by two units, an item that disappeared) are run by
the consolidation (``consolidation.itemcheck``), which has every accepted return.
"""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from typing import Any

from workbook.catalogue.model import Catalogue
from workbook.core import problems as codes
from workbook.core.items import (
    INFO_KEYS,
    INFO_KINDS,
    INFO_SHEET,
    INFO_TEXT_LIMIT,
    ITEM_KEYS,
    ITEM_SHEET,
    credit_code_problem,
)
from workbook.core.levels import DETAIL_HEADER, DETAIL_SHEETS, ORIGIN_SHEET
from workbook.core.period import Period
from workbook.excel.cells import cell_text
from workbook.excel.ooxml import part_text
from workbook.returns import bounds as sheetbounds

EXTRA_SHEETS = (ITEM_SHEET, INFO_SHEET, *DETAIL_SHEETS, ORIGIN_SHEET)
MAX_EXTRA_ROWS = 2000
_FIRST_ROW = 3  # 0-based: the row after the header (title, note, header)


def read_extras(wb: Any, z: zipfile.ZipFile | None, book: str, part_of: Any) -> dict[str, Any]:
    """sheet name → its grid, for the extra sheets the file has; a sheet with cells far out
    (past row 2000 or column Z) → the Chinese reason it was not read."""
    out: dict[str, Any] = {}
    for name in EXTRA_SHEETS:
        if name not in wb.sheet_names:
            continue
        part = part_of(z, book, name) if z is not None else None
        if part is not None and z is not None and part in z.NameToInfo:
            xml = part_text(z, part)
            if sheetbounds.has_far_cells(xml, MAX_EXTRA_ROWS):
                out[name] = f"“{name}”工作表中有超出第 {MAX_EXTRA_ROWS} 行或 Z 列的内容，未读取。"
                continue
        out[name] = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
    return out


def _text(v: Any) -> str:
    return cell_text(v).strip()


def _date(v: Any) -> tuple[str, str]:
    """(ISO date, problem) of a date cell, typed as a date or as text like 2024-05-20."""
    if isinstance(v, datetime):
        return v.date().isoformat(), ""
    if isinstance(v, date):
        return v.isoformat(), ""
    text = _text(v).replace("/", "-").replace(".", "-")
    if not text:
        return "", ""
    try:
        return date.fromisoformat(text).isoformat(), ""
    except ValueError:
        return "", f"“{_text(v)}”不是日期，请按 2024-05-20 的格式填写。"


def parse_items(grid: list[list[Any]], add: Any) -> list[dict[str, Any]]:
    """The item rows of 明细台账 (blank rows skipped), each with the cell of its 序号."""
    items = []
    for r in range(_FIRST_ROW, len(grid)):
        line = (grid[r] + [""] * len(ITEM_KEYS))[: len(ITEM_KEYS)]
        cells = dict(zip(ITEM_KEYS, line, strict=True))
        if not any(_text(v) for k, v in cells.items() if k != "indicator"):
            continue
        item: dict[str, Any] = {"row": r + 1, "cell": f"A{r + 1}"}
        seq = cells["seq"]
        try:
            item["seq"] = int(float(_text(seq)))
        except (ValueError, OverflowError):  # text, nan, inf
            item["seq"] = None
        code = cells["code"]
        if isinstance(code, float):  # pasted as a number: the last digits are lost
            add(codes.ITEMS_CODE_INVALID, f"第 {r + 1} 行的统一社会信用代码被存成了数字（{code:.0f}），后几位可能已丢失。",
                "请把该单元格设为文本后重新输入代码。", cell=f"D{r + 1}", found=f"{code:.0f}")  # fmt: skip
            code = ""
        item["code"] = _text(code).upper().replace(" ", "")
        for key in ("name", "address", "evidence", "remark"):
            item[key] = _text(cells[key])
        item["date"], problem = _date(cells["date"])
        if problem:
            add(codes.ITEMS_DATE, f"第 {r + 1} 行的完成（认定）日期{problem}", "请改正后重新报送。",
                cell=f"F{r + 1}", found=_text(cells["date"]))  # fmt: skip
        items.append(item)
    return items


def check_items(
    items: list[dict[str, Any]],
    cat: Catalogue,
    unit: str,
    period: Period,
    figures: dict[int, Any],
    add: Any,
) -> list[dict[str, Any]]:
    """The unit's own list against the catalogue and its figures; returns the items kept."""
    itemised = {
        s: cat.indicator(s)
        for s in figures
        if cat.indicator(s).items  # the unit's own rows
    }
    kept: list[dict[str, Any]] = []
    seen: dict[tuple[int, str], int] = {}
    for it in items:
        row, seq = it["row"], it["seq"]
        if seq not in itemised:
            add(codes.ITEMS_SEQ, f"第 {row} 行的序号“{seq if seq is not None else ''}”不是本单位需要列明细的指标。",
                "请从下拉列表选择序号。", cell=it["cell"], found=str(seq or ""))  # fmt: skip
            continue
        ind = itemised[seq]
        where = f"序号 {seq} 的明细第 {row} 行"
        if not it["name"]:
            add(
                codes.ITEMS_NO_NAME, f"{where}没有填名称。", "请填写全称。", cell=f"C{row}", seq=seq
            )
        if it["code"]:
            problem = credit_code_problem(it["code"])
            if problem:
                add(codes.ITEMS_CODE_INVALID, f"{where}：{problem}", "请核对营业执照上的代码后重新填写。",
                    cell=f"D{row}", seq=seq, found=it["code"])  # fmt: skip
            elif (seq, it["code"]) in seen:
                add(codes.ITEMS_DUPLICATE, f"{where}与第 {seen[(seq, it['code'])]} 行是同一代码 {it['code']}：重复计数。",
                    "同一企业（单位）只列一次，请删去重复的一行。", cell=f"D{row}", seq=seq, found=it["code"])  # fmt: skip
            else:
                seen[(seq, it["code"])] = row
        elif "code" in (ind.items or {}).get("columns", []) and it["name"]:
            add(codes.ITEMS_NO_CODE, f"{where}（{it['name']}）没有填统一社会信用代码。",
                "企业或组织请填写 18 位统一社会信用代码，以便核验和查重。", cell=f"D{row}", seq=seq)  # fmt: skip
        if it["date"] and not (f"{period.year}-01-01" <= it["date"] <= period.end.isoformat()):
            add(codes.ITEMS_DATE, f"{where}的完成（认定）日期 {it['date']} 不在 {period.year} 年 1 月 1 日至期末（{period.end}）之间。",
                "请核对日期；以后的日期请在以后各期填报。", cell=f"F{row}", seq=seq, found=it["date"])  # fmt: skip
        kept.append(it)
    _count_against_figures(kept, itemised, figures, add)
    return kept


def _count_against_figures(
    items: list[dict[str, Any]], itemised: dict[int, Any], figures: dict[int, Any], add: Any
) -> None:
    for seq, ind in itemised.items():
        figure = figures.get(seq)
        if not isinstance(figure, int | float) or isinstance(figure, bool):
            continue
        n = sum(1 for it in items if it["seq"] == seq)
        if n < figure:
            add(codes.ITEMS_COUNT_SHORT, f"序号 {seq}（{ind.name}）填报 {figure:g}，“明细台账”只列了 {n} 条：台账与填报数不符。",
                "请在“明细台账”中补全明细（以前各期已确认的会自动带入），或核对填报数。", seq=seq,
                sheet=ITEM_SHEET, found=str(n))  # fmt: skip


def parse_info(grid: list[list[Any]], add: Any) -> list[dict[str, Any]]:
    """The entries of 信息报送 (blank rows skipped)."""
    out = []
    for r in range(_FIRST_ROW, len(grid)):
        line = (grid[r] + [""] * len(INFO_KEYS))[: len(INFO_KEYS)]
        entry = {k: _text(v) for k, v in zip(INFO_KEYS, line, strict=True)}
        if not any(entry.values()):
            continue
        entry["cell"] = f"A{r + 1}"
        if entry["kind"] not in INFO_KINDS:
            add(codes.INFO_KIND, f"信息报送第 {r + 1} 行的类别“{entry['kind']}”不是可选的类别（{'、'.join(INFO_KINDS)}）。",
                "请从下拉列表选择类别；已按“工作亮点”收录。", cell=f"A{r + 1}", sheet=INFO_SHEET, found=entry["kind"])  # fmt: skip
            entry["kind"] = INFO_KINDS[0]
        if len(entry["text"]) > INFO_TEXT_LIMIT:
            add(codes.INFO_TOO_LONG, f"信息报送第 {r + 1} 行的内容有 {len(entry['text'])} 字，超过 {INFO_TEXT_LIMIT} 字。",
                "已全文收录；请精简后在下期报送。", cell=f"D{r + 1}", sheet=INFO_SHEET)  # fmt: skip
        out.append(entry)
    return out


def parse_detail(grid: list[list[Any]]) -> dict[str, Any]:
    """所明细 (a return built by report-up): parent 序号 → its roll-up rule, total and each
    所's figure as the sheet shows them (a number, text, or 未报送)."""
    if len(grid) < _FIRST_ROW:
        return {}
    head = [_text(v) for v in grid[_FIRST_ROW - 1]]
    units = head[len(DETAIL_HEADER) :]
    out: dict[str, Any] = {}
    for line in grid[_FIRST_ROW:]:
        cells = list(line) + [""] * len(head)
        seq = _text(cells[0])
        if not seq.isdigit():
            continue
        parts = {u: cells[len(DETAIL_HEADER) + i] for i, u in enumerate(units) if u}
        out[seq] = {"rule": _text(cells[2]), "total": cells[3],
                    "parts": {u: (v if v != "" else None) for u, v in parts.items()}}  # fmt: skip
    return out


def origin_text(grid: Any) -> str:
    """The origin JSON of a return built by report-up, from its pieces down column A."""
    if not isinstance(grid, list):
        return ""
    return "".join(row[0] for row in grid[:100] if row and isinstance(row[0], str))
