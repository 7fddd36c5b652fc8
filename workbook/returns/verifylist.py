"""A filled 核验清单 read back without trusting it: the sample it names must be one the
ledger issued, every drawn cell must still say what was issued, no line may be added or
removed, and the four input columns must hold what they allow. Each problem is at its cell,
in Chinese; a list with any error is refused whole (``verify import`` records nothing).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from workbook.core import problems as codes
from workbook.core.findings import Problem
from workbook.core.verify import FAILED, INPUT_KEYS, ISSUED_KEYS, LINE_COLUMNS, RESULTS
from workbook.excel.cells import cell_text
from workbook.returns.read import custom_properties
from workbook.returns.slowgrid import calamine_or_fallback

LIST_SHEET = "核验清单"
FIRST_LINE_ROW = 3  # 0-based: title, note, header
MAX_ROWS = 5000
_ID_PROPERTY = "verify_sample"  # shishi_verify_sample, as read.custom_properties gives it
_HEADERS = [h for _, h in LINE_COLUMNS]


def _col(c: int) -> str:
    return chr(ord("A") + c)


def list_identity(data: bytes) -> tuple[str, list[list[Any]] | None, str]:
    """(sample id the file names, the grid of 核验清单, why it cannot be read — "" when it
    can). The id comes from the file's properties, else from the sheet's title."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            props = custom_properties(z)
        wb = calamine_or_fallback().from_filelike(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - any damage to the file is refused the same way
        return "", None, f"文件无法作为 .xlsx 打开（{type(exc).__name__}）。"
    if LIST_SHEET not in wb.sheet_names:
        return props.get(_ID_PROPERTY, ""), None, f"文件中没有“{LIST_SHEET}”工作表。"
    grid = wb.get_sheet_by_name(LIST_SHEET).to_python(skip_empty_area=False)[:MAX_ROWS]
    sid = props.get(_ID_PROPERTY, "")
    if not sid and grid and grid[0]:
        title = cell_text(grid[0][0])
        if "抽查编号 " in title:
            sid = title.split("抽查编号 ", 1)[1].rstrip("）")
    return sid, grid, ""


def check_list(
    name: str, grid: list[list[Any]], sample: dict[str, Any], indicator_name: Callable[[int], str]
) -> tuple[list[dict[str, Any]], list[Problem]]:
    """The results typed into ``grid`` (one per issued line) and every problem found."""
    found: list[Problem] = []

    def problem(code: str, r: int, c: int, message: str, action: str, seen: str = "") -> None:
        found.append(
            Problem(code=code, file=name, sheet=LIST_SHEET, cell=f"{_col(c)}{r + 1}",
                    found=seen, message=message, action=action)
        )  # fmt: skip

    head = [cell_text(v) for v in (grid[FIRST_LINE_ROW - 1] if len(grid) >= FIRST_LINE_ROW else [])]
    if head[: len(_HEADERS)] != _HEADERS:
        problem(codes.VERIFY_CELL_CHANGED, FIRST_LINE_ROW - 1, 0, "表头被改动或移动。",
                "请使用 verify sample 生成的原文件，只填右侧四列。", "｜".join(head[:13]))  # fmt: skip
    lines = sample["lines"]
    results = []
    for i, line in enumerate(lines):
        r = FIRST_LINE_ROW + i
        row = (list(grid[r]) if r < len(grid) else []) + [""] * len(LINE_COLUMNS)
        issued = dict(line, indicator=indicator_name(int(line["seq"])))
        for c, key in enumerate(ISSUED_KEYS):
            now, was = cell_text(row[c]), cell_text(issued[key])
            if now != was:
                problem(codes.VERIFY_CELL_CHANGED, r, c, f"第 {i + 1} 条的“{_HEADERS[c]}”被改动："
                        f"抽取时为“{was}”，现为“{now}”。", "系统生成的列不得修改；请改回或用原文件重填。",
                        now)  # fmt: skip
        typed = {k: row[len(ISSUED_KEYS) + j] for j, k in enumerate(INPUT_KEYS)}
        results.append(_result(line, typed, r, problem))
    for r in range(FIRST_LINE_ROW + len(lines), len(grid)):
        extra = [cell_text(v) for v in grid[r]]
        if any(extra):
            problem(codes.VERIFY_CELL_CHANGED, r, 0, f"第 {r + 1} 行不是抽取的明细，却有内容："
                    f"“{'｜'.join(t for t in extra if t)[:60]}”。",
                    "核验清单只能填抽取的各条；请删除该行内容。", extra[0])  # fmt: skip
    return results, found


def _result(line: dict[str, Any], typed: dict[str, Any], r: int, problem: Any) -> dict[str, Any]:
    """One line's typed result, checked: a result it allows, a reason when it failed."""
    c0 = len(ISSUED_KEYS)
    result, note = cell_text(typed["result"]), cell_text(typed["note"])
    if result and result not in RESULTS:
        problem(codes.VERIFY_RESULT_INVALID, r, c0, f"核验结果“{result}”不是 通过、不通过 或 待核。",
                "请从下拉列表选择。", result)  # fmt: skip
    if result == FAILED and not note:
        problem(codes.VERIFY_NOTE_MISSING, r, c0 + 1, "核验不通过，但没有写明原因。",
                "请在“说明”中写明不通过的原因，单位据此整改。")  # fmt: skip
    when = typed["checked_on"]
    if isinstance(when, datetime):
        checked_on = when.date().isoformat()
    elif isinstance(when, date):
        checked_on = when.isoformat()
    else:
        checked_on = cell_text(when)
        if checked_on and not _iso(checked_on):
            problem(codes.VERIFY_DATE_INVALID, r, c0 + 3, f"核验日期“{checked_on}”不是日期。",
                    "请按 2024-07-15 的格式填写。", checked_on)  # fmt: skip
    return {"no": line["no"], "result": result, "note": note,
            "checker": cell_text(typed["checker"]), "checked_on": checked_on}  # fmt: skip


def _iso(text: str) -> bool:
    try:
        date.fromisoformat(text.replace("/", "-"))
    except ValueError:
        return False
    return True
