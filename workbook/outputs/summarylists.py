"""The list sheets of the city summary: 报送情况 (every file and what was decided), 问题清单
(every problem with its cell), 晾晒排名 and 催报."""

from __future__ import annotations

from typing import Any

from workbook.consolidation.result import Consolidation
from workbook.core.levels import origin_text
from workbook.core.problems import SEVERITY_ZH
from workbook.core.submission import DUPLICATE_RULE, NAME_RULE, REVISION_RULE, STATUS_ZH
from workbook.excel.cells import fit_height
from workbook.excel.writer import BulkSheet, CellWriter, print_setup
from workbook.outputs.tallies import RANK_STATUSES, problem_columns


def submissions_sheet(wb: Any, w: CellWriter, result: Consolidation) -> None:
    ws = wb.add_worksheet("报送情况", worksheet_class=BulkSheet)
    head = [
        "单位",
        "文件",
        "文件时间",
        "大小（字节）",
        "SHA256",
        "模板版本",
        "期次",
        "处理结果",
        "说明",
        "问题数",
        "其中错误",
        "来源",
    ]
    w.header(ws, 0, head)
    r = 1
    for s in result.submissions:
        w.row(
            ws,
            r,
            [
                s.unit or "（无法识别）",
                s.name,
                s.mtime.replace("T", " "),
                s.size,
                s.sha256,
                s.template_version,
                s.period,
                STATUS_ZH[s.status],
                s.decision,
                s.problems,
                s.errors,
                origin_text(s.origin.get("origin") or {}) if s.unit else "",
            ],
            bulk=True,
        )
        r += 1
    for u in result.missing_units:
        w.row(
            ws,
            r,
            [u, "", "", "", "", "", "", "未报送", "没有收到本单位的有效填报表。", "", "", ""],
            bulk=True,
        )
        r += 1
    # one line running on over the empty cells to its right (wrapped in column A it showed
    # only its first words)
    ws.bulk_row(r + 1, [f"规则：{DUPLICATE_RULE}"], [w.line])
    ws.bulk_row(r + 2, [f"文件名规则：{NAME_RULE}"], [w.line])
    ws.bulk_row(r + 3, [f"版本规则：{REVISION_RULE}"], [w.line])
    w.widths(ws, [10, 36, 16, 12, 24, 8, 8, 9, 44, 7, 7, 26])
    ws.freeze_panes(1, 0)
    print_setup(ws, repeat=0, paper=8)


def ranking_sheet(wb: Any, w: CellWriter, result: Consolidation) -> None:
    """晾晒: units by score, the formula beside the table."""
    ws = wb.add_worksheet("晾晒排名", worksheet_class=BulkSheet)
    ws.write_string(0, 0, f"{result.period.label}各单位工作进展晾晒", w.title)
    head = ["名次", "单位", "应报指标", *RANK_STATUSES, "得分", "分档", "本期报送"]
    widths: list[float] = [6, 10, 9, *[10] * len(RANK_STATUSES), 8, 6, 9]
    # the formula across the table's width, wrapped and as tall as it needs (in column A
    # alone it printed as “计分办法” and nothing more)
    formula = f"计分办法：{result.ranking_formula}"
    ws.merge_range(1, 0, 1, len(head) - 1, formula, w.note)
    ws.set_row(1, fit_height([(formula, sum(widths))]))
    w.header(ws, 3, head)
    bands = {  # one format per colour band, not one per unit
        color: wb.add_format(
            {
                "font_name": "宋体",
                "font_size": 10,
                "border": 1,
                "align": "center",
                "bg_color": color,
            }
        )
        for color in {us.color for us in result.ranking}
    }
    for i, us in enumerate(result.ranking, start=4):
        band = bands[us.color]
        w.row(
            ws,
            i,
            [
                us.rank,
                us.unit,
                us.indicators,
                *[us.counts[s] for s in RANK_STATUSES],
                us.score,
                us.band,
                "已报送" if us.reported else "未报送",
            ],
            [w.center, w.cell] + [w.center] * (len(RANK_STATUSES) + 2) + [band, w.center],
            bulk=True,
        )
    w.widths(ws, widths)
    ws.freeze_panes(4, 0)
    print_setup(ws, repeat=3)


def chase_sheet(wb: Any, w: CellWriter, result: Consolidation) -> None:
    """催报: the units to chase, with the text to send."""
    ws = wb.add_worksheet("催报")
    ws.write_string(0, 0, f"{result.period.label}催报清单", w.title)
    head = ["单位", "情况", "报送截止", "逾期天数", "单位联系人", "催报文字（可直接复制发送）"]
    w.header(ws, 2, head)
    for i, c in enumerate(result.chase, start=3):
        w.row(
            ws,
            i,
            [c.unit, c.reason, c.deadline, c.overdue_days, c.contact, c.message],
            [w.cell, w.cell, w.center, w.center, w.cell, w.cell],
        )
    if not result.chase:
        ws.write_string(3, 0, "本期各单位均已报送可用的填报表，无需催报。", w.note)
    w.widths(ws, [8, 30, 11, 8, 14, 70])
    ws.freeze_panes(3, 0)
    print_setup(ws, repeat=2)


def problems_sheet(wb: Any, w: CellWriter, result: Consolidation) -> None:
    ws = wb.add_worksheet("问题清单", worksheet_class=BulkSheet)
    head = [
        "严重程度",
        "单位",
        "文件",
        "工作表",
        "单元格",
        "序号",
        "问题",
        "填写内容",
        "怎么改",
        "代码",
    ]
    w.header(ws, 0, head)
    for i, p in enumerate(result.problems, start=1):
        w.row(
            ws,
            i,
            [SEVERITY_ZH[p.severity], p.unit, *problem_columns(p), p.code],
            bulk=True,
        )
    w.widths(ws, [8, 8, 36, 8, 8, 8, 50, 14, 36, 24])
    ws.freeze_panes(1, 0)
    print_setup(ws, repeat=0, paper=8)
    if result.problems:
        ws.autofilter(0, 0, len(result.problems), len(head) - 1)


def items_sheet(wb: Any, w: CellWriter, result: Consolidation) -> None:
    """明细台账: every item listed in the accepted returns (建设点位, 认定名单), by unit."""
    ws = wb.add_worksheet("明细台账", worksheet_class=BulkSheet)
    head = ["单位", "序号", "目标名称", "名称", "统一社会信用代码", "地址（点位）", "完成（认定）日期",
            "佐证材料", "来源文件"]  # fmt: skip
    w.header(ws, 0, head)
    cat, i = result.catalogue, 0
    for unit in cat.unit_ids:
        sub = result.accepted.get(unit)
        for it in sub.items if sub else []:
            i += 1
            name = cat.indicator(it["seq"]).name
            row = [unit, it["seq"], name, it.get("name", ""), it.get("code", ""),
                   it.get("address", ""), it.get("date", ""), it.get("evidence", ""),
                   sub.name if sub else ""]  # fmt: skip
            w.row(ws, i, row, bulk=True)
    if i == 0:
        ws.write_string(1, 0, "本期各单位没有列明细。", w.note)
    w.widths(ws, [8, 6, 28, 28, 22, 28, 12, 24, 30])
    ws.freeze_panes(1, 0)
    print_setup(ws, repeat=0, paper=8)


def verify_sheet(wb: Any, w: CellWriter, result: Consolidation) -> None:
    """核验情况: per unit the items listed now, drawn this year so far, verified, failed and
    pending; then every failed item with the inspector's reason."""
    ws = wb.add_worksheet("核验情况")
    ws.write_string(
        0, 0, f"明细核验情况（{result.period.year}年截至{result.period.label}）", w.title
    )
    w.header(ws, 2, ["单位", "本期明细条数", "已抽取", "已核验", "其中不通过", "待核或未反馈"])
    r = 3
    for unit in result.catalogue.unit_ids:
        t = result.verify.get(unit)
        if t is None:
            continue
        w.row(ws, r, [unit, t.listed, t.sampled, t.verified, t.failed, t.pending])
        r += 1
    failures = [line for t in result.verify.values() for line in t.failures]
    r += 1
    if not any(t.sampled for t in result.verify.values()):
        ws.write_string(r, 0, "本年度尚未抽取核验（shishi verify sample）。", w.note)
    elif not failures:
        ws.write_string(r, 0, "已核验的明细均通过。", w.note)
    else:
        ws.write_string(r, 0, "核验不通过的明细", w.title)
        w.header(
            ws, r + 1, ["单位", "序号", "名称", "统一社会信用代码", "抽查编号", "核验日期", "说明"]
        )
        for i, line in enumerate(failures, start=r + 2):
            w.row(ws, i, [line["unit"], line["seq"], line["name"], line["code"],
                          line["sample_id"], line["checked_on"], line["note"]])  # fmt: skip
    w.widths(ws, [10, 14, 24, 18, 22, 14, 40])
    print_setup(ws, paper=9)


def levels_sheet(wb: Any, w: CellWriter, result: Consolidation) -> None:
    """逐级核对: the returns built from a lower level's consolidation, checked against their
    own detail and origin, exceptions first (only when such a return was accepted)."""
    if not result.levels and not any(s.origin.get("origin") for s in result.accepted.values()):
        return
    ws = wb.add_worksheet("逐级核对")
    ws.write_string(0, 0, f"逐级核对（{result.period.label}）：由下级汇总生成的报送", w.title)
    w.header(ws, 2, ["单位", "类别", "序号", "说明", "是否异常"])
    r = 3
    for row in result.levels:
        w.row(
            ws, r, [row.unit, row.kind, row.seq or "", row.message, "异常" if row.exception else ""]
        )
        r += 1
    for unit, sub in result.accepted.items():
        origin = sub.origin.get("origin")
        if origin and not any(x.unit == unit and x.exception for x in result.levels):
            w.row(ws, r, [unit, "一致", "", f"{origin_text(origin)}；报送数与所明细一致。", ""])
            r += 1
    w.widths(ws, [10, 12, 6, 70, 8])
    ws.freeze_panes(3, 0)
    print_setup(ws, repeat=2, paper=9)
