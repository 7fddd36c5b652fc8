"""明细台账 and 信息报送 of a return: read (bounded: a far stray cell must not build a huge
grid) and checked cell by cell, each problem at its cell, in Chinese.

The list is checked against the unit's own figures here (``check_items``); the checks across
units and periods (the same code listed by two units, an item that disappeared) are run by
the consolidation (``consolidation.itemcheck``), which has every accepted return.
"""

from __future__ import annotations

import io
import unicodedata
import zipfile
from datetime import date, datetime
from typing import Any

from workbook.catalogue.model import Catalogue
from workbook.core import problems as codes
from workbook.core.inputs import INFO_RULES, ITEM_RULES, InputRule
from workbook.core.items import (
    INFO_COLUMNS,
    INFO_KEYS,
    INFO_KINDS,
    INFO_SHEET,
    ITEM_COLUMNS,
    ITEM_KEYS,
    ITEM_SHEET,
    credit_code_problem,
)
from workbook.core.layout import IDENTITY_SHEET
from workbook.core.levels import DETAIL_HEADER, DETAIL_SHEETS, ORIGIN_SHEET
from workbook.core.period import Period
from workbook.core.settings import template_text
from workbook.excel.cells import cell_text
from workbook.excel.formats import col_letter
from workbook.excel.ooxml import part_text
from workbook.returns import bounds as sheetbounds

EXTRA_SHEETS = (ITEM_SHEET, INFO_SHEET, *DETAIL_SHEETS, ORIGIN_SHEET)
# the sheets a clerk may rename: found by their header when their name is gone
_HEADERS = {
    ITEM_SHEET: tuple(h for _, h in ITEM_COLUMNS),
    INFO_SHEET: tuple(h for _, h in INFO_COLUMNS),
}
MAX_EXTRA_ROWS = 2000
_HEADER_ROW = 2  # 0-based: title, note, header
_FIRST_ROW = _HEADER_ROW + 1


def read_extras(wb: Any, z: zipfile.ZipFile | None, book: str, part_of: Any, raw: Any) -> None:
    """The extra sheets the file has into ``raw.extras`` (sheet name → grid), each found by
    its name or, renamed, by its header (``raw.extra_notes`` says so); cells far out (past row
    2000 or column Z) are cut before reading, and named in ``raw.extra_notes``."""
    names = list(wb.sheet_names)
    for name in EXTRA_SHEETS:
        if name in names:
            raw.extras[name], notes = _bounded_grid(wb, z, book, part_of, name)
            raw.extra_notes += notes
    missing = [n for n in _HEADERS if n not in raw.extras]
    skip = {*EXTRA_SHEETS, raw.report_sheet, IDENTITY_SHEET}
    others = [n for n in names if n not in skip] if missing else []
    if others:  # 填报说明 is in every return: never read for this
        instructions = template_text()["sheet_instructions"]
        others = [n for n in others if n != instructions]
    for actual in others:
        grid, notes = _bounded_grid(wb, z, book, part_of, actual)
        found = next((m for m in missing if _looks_like(grid, _HEADERS[m])), None)
        if found is not None:
            missing.remove(found)
            raw.extras[found], raw.extra_names[found] = grid, actual
            raw.extra_notes += notes
            raw.extra_notes.append(
                (
                    codes.EXTRA_SHEET_RENAMED,
                    actual,
                    "",
                    f"“{found}”工作表被改名为“{actual}”，已按表头认出并照常读取。",
                    f"以后请不要改动工作表名称（应为“{found}”）。",
                )
            )


def _looks_like(head: list[list[Any]], headers: tuple[str, ...]) -> bool:
    """Whether the first rows of a sheet carry most of ``headers`` on its header row."""
    if len(head) <= _HEADER_ROW:
        return False
    cells = {_text(v) for v in head[_HEADER_ROW]}
    return sum(h in cells for h in headers) * 2 > len(headers)


def _bounded_grid(
    wb: Any, z: zipfile.ZipFile | None, book: str, part_of: Any, name: str
) -> tuple[list[list[Any]], list[tuple[str, str, str, str, str]]]:
    """The grid of sheet ``name``, far cells cut from an in-memory copy first, and the notes
    that name them."""
    part = part_of(z, book, name) if z is not None else None
    if part is None or z is None or part not in z.NameToInfo:
        return wb.get_sheet_by_name(name).to_python(skip_empty_area=False), []
    xml = part_text(z, part)
    if not sheetbounds.has_far_cells(xml, MAX_EXTRA_ROWS):
        return wb.get_sheet_by_name(name).to_python(skip_empty_area=False), []
    xml, strays, count = sheetbounds.cut(xml, MAX_EXTRA_ROWS, sheetbounds.shared_strings(z))
    area = sheetbounds.bounds_text(MAX_EXTRA_ROWS)
    notes = []
    for ref, shown in strays:
        notes.append(
            (
                codes.EXTRA_FAR_CELL,
                name,
                ref,
                f"“{name}”的单元格 {ref} 在表格（{area}）之外，有内容“{shown}”，已忽略。",
                "请删除表格以外的内容；表内的各行已照常读取。",
            )
        )
    if count > len(strays):
        notes.append(
            (
                codes.EXTRA_FAR_CELL,
                name,
                "",
                f"“{name}”表格（{area}）之外另有 {count - len(strays)} 个单元格有内容，已忽略。",
                "请删除表格以外的内容；表内的各行已照常读取。",
            )
        )
    copy = type(wb).from_filelike(io.BytesIO(sheetbounds.rebuilt(z, part, xml)))
    try:
        return copy.get_sheet_by_name(name).to_python(skip_empty_area=False), notes
    finally:
        copy.close()


def header_problem(grid: list[list[Any]], name: str) -> tuple[str, str] | None:
    """(cell, message) when the header row of a renamable extra sheet is not the template's:
    a column inserted, deleted or moved would put each value under another heading."""
    headers = _HEADERS[name]
    row = (grid[_HEADER_ROW] if len(grid) > _HEADER_ROW else []) + [""] * len(headers)
    for c, expected in enumerate(headers):
        found = _text(row[c])
        if found != expected:
            cell = f"{col_letter(c)}{_HEADER_ROW + 1}"
            shown = f"“{found}”" if found else "空白"
            return cell, (
                f"“{name}”第 {_HEADER_ROW + 1} 行的表头 {cell} 应为“{expected}”，实为{shown}："
                "列被插入、删除或移动，各列内容无法对应，整张表未读取。"
            )
    return None


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


def check_limits(
    rules: dict[str, InputRule], values: dict[str, str], row: int, letters: dict[str, str], add: Any
) -> None:
    """A row's texts against the rules the template's validation states (a paste, another
    client or a script skips the validation): too long, or empty where it is required."""
    for key, rule in rules.items():
        text = values.get(key, "")
        cell = f"{letters[key]}{row}"
        if rule.kind == "length" and len(text) > rule.limit:
            message = (
                f"第 {row} 行的{rule.title}有 {len(text)} 字，超过模板限定的 {rule.limit} 字。"
            )
            action = f"请精简到 {rule.limit} 字以内；本次已全文收录。"
            add(rule.too_long, message, action, cell=cell, found=f"{len(text)} 字")
        if rule.required_with and not text and values.get(rule.required_with):
            message = f"第 {row} 行填了{rules[rule.required_with].title}，但没有填{rule.title}。"
            add(rule.missing, message, f"请补填{rule.title}（不超过 {rule.limit} 字）。", cell=cell)


_ITEM_LETTERS = {key: col_letter(c) for c, key in enumerate(ITEM_KEYS)}
_INFO_LETTERS = {key: col_letter(c) for c, key in enumerate(INFO_KEYS)}


def _code(v: Any, row: int, add: Any) -> tuple[str, bool]:
    """A credit code as the clerk meant it: NFKC (full-width forms said, then read as their
    half-width ones), spaces dropped, upper case; and whether it was read at all (a code
    pasted as a number has lost its last digits: said once, at its cell)."""
    cell = f"D{row}"
    if isinstance(v, float):
        shown = f"{v:.0f}"
        message = f"第 {row} 行的统一社会信用代码被存成了数字（{shown}），后几位可能已丢失。"
        action = "请把该单元格设为文本后重新输入代码。"
        add(codes.ITEMS_CODE_INVALID, message, action, cell=cell, found=shown)
        return "", False
    typed = cell_text(v).strip()
    code = "".join(unicodedata.normalize("NFKC", typed).split()).upper()
    if code and code != typed.upper():
        message = f"第 {row} 行的统一社会信用代码“{typed}”含全角字符或空格，已按“{code}”读取。"
        action = "以后请用半角（英文）输入法输入代码，不要加空格。"
        add(codes.ITEMS_FULLWIDTH, message, action, cell=cell, found=typed)
    return code, True


def parse_items(grid: list[list[Any]], add: Any) -> list[dict[str, Any]]:
    """The item rows of 明细台账 (blank rows skipped), each with the cell of its 序号."""
    items = []
    for r in range(_FIRST_ROW, len(grid)):
        line = (grid[r] + [""] * len(ITEM_KEYS))[: len(ITEM_KEYS)]
        cells = dict(zip(ITEM_KEYS, line, strict=True))
        if not any(_text(v) for k, v in cells.items() if k != "indicator"):
            continue
        row = r + 1
        item: dict[str, Any] = {"row": row, "cell": f"A{row}"}
        try:
            item["seq"] = int(float(unicodedata.normalize("NFKC", _text(cells["seq"]))))
        except (ValueError, OverflowError):  # text, nan, inf
            item["seq"] = None
        item["code"], read = _code(cells["code"], row, add)
        if not read:
            item["code_lost"] = True
        for key in ("name", "address", "evidence", "remark"):
            item[key] = _text(cells[key])
        check_limits(ITEM_RULES, item, row, _ITEM_LETTERS, add)
        item["date"], problem = _date(cells["date"])
        if problem:
            add(codes.ITEMS_DATE, f"第 {row} 行的完成（认定）日期{problem}", "请改正后重新报送。",
                cell=f"F{row}", found=_text(cells["date"]))  # fmt: skip
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
    itemised = {s: cat.indicator(s) for s in figures if cat.indicator(s).items}
    kept: list[dict[str, Any]] = []
    seen: dict[tuple[int, str], int] = {}
    for it in items:
        lost = it.pop("code_lost", False)
        row, seq = it["row"], it["seq"]
        if seq not in itemised:
            add(codes.ITEMS_SEQ, f"第 {row} 行的序号“{seq if seq is not None else ''}”不是本单位需要列明细的指标。",
                "请从下拉列表选择序号。", cell=it["cell"], found=str(seq or ""))  # fmt: skip
            continue
        where = f"序号 {seq} 的明细第 {row} 行"
        if not it["name"]:
            add(
                codes.ITEMS_NO_NAME, f"{where}没有填名称。", "请填写全称。", cell=f"C{row}", seq=seq
            )
        if it["code"]:
            _check_code(it, where, seen, add)
        elif not lost and "code" in (itemised[seq].items or {}).get("columns", []) and it["name"]:
            add(codes.ITEMS_NO_CODE, f"{where}（{it['name']}）没有填统一社会信用代码。",
                "企业或组织请填写 18 位统一社会信用代码，以便核验和查重。", cell=f"D{row}", seq=seq)  # fmt: skip
        if it["date"] and not (f"{period.year}-01-01" <= it["date"] <= period.end.isoformat()):
            add(codes.ITEMS_DATE, f"{where}的完成（认定）日期 {it['date']} 不在 {period.year} 年 1 月 1 日至期末（{period.end}）之间。",
                "请核对日期；以后的日期请在以后各期填报。", cell=f"F{row}", seq=seq, found=it["date"])  # fmt: skip
        kept.append(it)
    _count_against_figures(kept, itemised, figures, add)
    return kept


def _check_code(it: dict[str, Any], where: str, seen: dict[tuple[int, str], int], add: Any) -> None:
    """The code of an item: GB 32100's check character, then listed once per 序号."""
    row, seq, code = it["row"], it["seq"], it["code"]
    problem = credit_code_problem(code)
    if problem:
        add(codes.ITEMS_CODE_INVALID, f"{where}：{problem}", "请核对营业执照上的代码后重新填写。",
            cell=f"D{row}", seq=seq, found=code)  # fmt: skip
    elif (seq, code) in seen:
        add(codes.ITEMS_DUPLICATE, f"{where}与第 {seen[(seq, code)]} 行是同一代码 {code}：重复计数。",
            "同一企业（单位）只列一次，请删去重复的一行。", cell=f"D{row}", seq=seq, found=code)  # fmt: skip
    else:
        seen[(seq, code)] = row


def _count_against_figures(
    items: list[dict[str, Any]], itemised: dict[int, Any], figures: dict[int, Any], add: Any
) -> None:
    """台账与填报数不符, either way: fewer items than the figure, or more."""
    for seq, ind in itemised.items():
        figure = figures.get(seq)
        if not isinstance(figure, int | float) or isinstance(figure, bool):
            continue
        n = sum(1 for it in items if it["seq"] == seq)
        if n < figure:
            add(codes.ITEMS_COUNT_SHORT, f"序号 {seq}（{ind.name}）填报 {figure:g}，“明细台账”只列了 {n} 条：台账与填报数不符。",
                "请在“明细台账”中补全明细（以前各期已确认的会自动带入），或核对填报数。", seq=seq,
                sheet=ITEM_SHEET, found=str(n))  # fmt: skip
        elif n > figure:
            message = f"序号 {seq}（{ind.name}）填报 {figure:g}，“明细台账”却列了 {n} 条：台账与填报数不符。"
            action = "请核对填报数（累计完成应与明细条数一致），或删去不属于本年的明细。"
            add(codes.ITEMS_COUNT_OVER, message, action, seq=seq, sheet=ITEM_SHEET, found=str(n))


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
                "请从下拉列表选择类别；已按“工作亮点”收录。", cell=f"A{r + 1}", found=entry["kind"])  # fmt: skip
            entry["kind"] = INFO_KINDS[0]
        check_limits(INFO_RULES, entry, r + 1, _INFO_LETTERS, add)
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
