"""Feedback workbooks: for each unit, every problem of its return still to fix, with the cell
and what to do."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from workbook.consolidation.result import Consolidation
from workbook.core.files import Writer, atomic_write
from workbook.core.problems import SEVERITY_ZH
from workbook.excel.writer import CellWriter, new_workbook, print_setup
from workbook.outputs.tallies import problem_columns

FEEDBACK_SUFFIX = "_退回修改.xlsx"


_SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}


def feedback_name(period_code: str, unit: str) -> str:
    """The feedback workbook of ``unit`` for a period: the period first, so quarters sort."""
    return f"{period_code}_{unit}{FEEDBACK_SUFFIX}"


def write_feedback(
    result: Consolidation, out_dir: Path | str, write: Writer = atomic_write
) -> list[Path]:
    """One feedback workbook per unit with something still to fix for the period (errors or
    warnings of its current return, or of a later file that could not be used)."""
    out = Path(out_dir)
    paths = []
    for u in result.catalogue.unit_ids:
        mine = result.open_problems.get(u)
        if not mine:
            continue

        def build(tmp: Path, unit: str = u, found: list[Any] = mine) -> None:
            _feedback(result, unit, found, tmp)

        paths.append(write(out / feedback_name(result.period.code, u), build))
    return paths


def _feedback(result: Consolidation, unit: str, problems: list[Any], tmp: Path) -> None:
    wb = new_workbook(tmp)
    w = CellWriter(wb)
    ws = wb.add_worksheet("退回修改")
    errors = sum(1 for p in problems if p.severity == "error")
    ws.write_string(
        0,
        0,
        f"{unit}：{result.period.label}{result.catalogue.names['short']}填报表退回修改清单",
        w.title,
    )
    ws.merge_range(
        1,
        0,
        1,
        8,
        f"共 {len(problems)} 处（错误 {errors} 处须改正，警告请核对）。"
        "请在原填报表中逐项修改后重新报送；不要修改灰色的目标任务单元格。",
        w.note,
    )
    ws.set_row(1, 30)
    head = [
        "序号",
        "严重程度",
        "文件",
        "工作表",
        "单元格",
        "指标序号",
        "问题",
        "填写内容",
        "怎么改",
    ]
    w.header(ws, 3, head)
    # what must be fixed first: errors, then warnings, each in the order found
    ordered = sorted(problems, key=lambda p: _SEVERITY_RANK.get(p.severity, len(_SEVERITY_RANK)))
    for i, p in enumerate(ordered, start=1):
        w.row(
            ws,
            3 + i,
            [i, SEVERITY_ZH[p.severity], *problem_columns(p)],
        )
    w.widths(ws, [6, 8, 24, 8, 8, 8, 46, 14, 36])
    ws.freeze_panes(4, 0)
    print_setup(ws, repeat=3)
    wb.close()
