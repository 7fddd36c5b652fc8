"""The city summary workbook: 总览, 全市汇总, 滞后事项, 报送情况, 问题清单, 晾晒排名, 催报 and 历史.

Only rendering: the figures come from the Consolidation and ``tallies``; formats and the bulk
row writer from ``xlsxsheet``. The feedback workbooks are in ``feedback``, JSON and CSV in
``dataout``. All district text is written as text, never as a formula.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from workbook.consolidation.figures import CityValue
from workbook.consolidation.result import Consolidation
from workbook.core.files import Writer, atomic_write
from workbook.core.measures import measure
from workbook.core.status import (
    shown_completion,
)
from workbook.core.submission import ACCEPTED, DUPLICATE_RULE, NAME_RULE, REVISION_RULE
from workbook.excel.cells import fit_height
from workbook.excel.writer import BulkSheet, CellWriter, new_workbook, print_setup
from workbook.outputs.summarylists import (
    chase_sheet,
    items_sheet,
    levels_sheet,
    problems_sheet,
    ranking_sheet,
    submissions_sheet,
    verify_sheet,
)
from workbook.outputs.tallies import (
    BAR_COLORS,
    RANK_STATUSES,
    STATUS_ORDER,
    action_counts,
    city_completion_by_period,
    unit_counts,
)


def write_summary(result: Consolidation, out: Path | str, write: Writer = atomic_write) -> Path:
    """Write the city summary workbook to ``out`` atomically; returns the path."""
    return write(out, lambda tmp: _build_summary(result, tmp))


def _build_summary(result: Consolidation, tmp: Path) -> None:
    cat = result.catalogue
    wb = new_workbook(tmp)
    w = CellWriter(wb)
    _overview(wb, w, result)
    _city_table(wb, w, result)
    _lagging(wb, w, result)
    submissions_sheet(wb, w, result)
    problems_sheet(wb, w, result)
    items_sheet(wb, w, result)
    verify_sheet(wb, w, result)
    levels_sheet(wb, w, result)
    ranking_sheet(wb, w, result)
    chase_sheet(wb, w, result)
    if len(result.history) > 1:  # one period only would repeat 全市汇总
        _history(wb, w, result)
    wb.set_properties({"title": f"{result.period.label}{cat.title}汇总"})
    wb.close()


def _overview(wb: Any, w: CellWriter, result: Consolidation) -> None:
    ws = wb.add_worksheet("总览", worksheet_class=BulkSheet)
    cat, period = result.catalogue, result.period
    accepted = [s for s in result.submissions if s.status == ACCEPTED]
    ws.write_string(
        0, 0, f"{cat.title.replace('任务分解表', '完成情况汇总')}（{period.label}）", w.title
    )
    lines = [
        f"汇总时间：{result.generated_at.replace('T', ' ')}　　回收文件夹：{result.folder}",
        f"序时进度：{period.share * 100:.0f}%　　目录版本：{cat.version}",
        f"已报送单位：{len(accepted)} 个；未报送：{'、'.join(result.missing_units) or '无'}",
        f"发现问题：{len(result.problems)} 个（错误 {sum(p.severity == 'error' for p in result.problems)} 个），详见“问题清单”。",
    ]
    for i, line in enumerate(lines, start=1):
        ws.write_string(i, 0, line, w.line)
    # the rule is long: wrapped across the table's width, so it does not widen the page
    rule = f"多份报送规则：{DUPLICATE_RULE}文件名规则：{NAME_RULE}版本规则：{REVISION_RULE}"
    at = len(lines) + 1
    ws.merge_range(at, 0, at, len(_OVERVIEW_WIDTHS) - 1, rule, w.note)
    ws.set_row(at, fit_height([(rule, sum(_OVERVIEW_WIDTHS))]))
    r = at + 2
    ws.write_string(r, 0, result.catalogue.worded("一、按实事统计（全市口径，指标数）"), w.title)
    head = ["实事名称", "指标数", *STATUS_ORDER]
    w.header(ws, r + 1, head)
    counts = action_counts(result)
    for i, (label, n, c) in enumerate(counts):
        w.row(
            ws,
            r + 2 + i,
            [label, n, *[c[s] for s in STATUS_ORDER]],
            [w.cell, w.center] + [w.center] * len(STATUS_ORDER),
        )
    first, last = r + 2, r + 1 + len(counts)
    chart = _action_chart(wb, result, first, last)
    r = last + 3
    ws.write_string(r, 0, "二、按单位统计（本单位指标数）", w.title)
    head = ["单位", "应报指标", *RANK_STATUSES, "问题数", "报送情况"]  # 未报齐 is city-only
    w.header(ws, r + 1, head)
    for i, (u, n, c, probs) in enumerate(unit_counts(result)):
        sent = "已报送" if u in result.accepted else ("无需报送" if n == 0 else "未报送")
        w.row(
            ws,
            r + 2 + i,
            [u, n, *[c[s] for s in RANK_STATUSES], probs, sent],
            [w.cell] + [w.center] * (len(head) - 1),
            bulk=True,
        )
    units = len(result.catalogue.unit_ids)
    ws.set_h_pagebreaks([r + units + 3])  # the chart prints whole, on a page of its own
    ws.bulk_row(r + units + 3, ["三、各项实事指标进度（图）"], [w.title])
    ws.insert_chart(r + units + 4, 0, chart)  # below the tables: the page stays one table wide
    w.widths(ws, _OVERVIEW_WIDTHS)
    print_setup(ws)
    ws.activate()


_OVERVIEW_WIDTHS: list[float] = [26, 11, 11, 11, 11, 11, 11, 11, 11, 11]


# the bars of the 总览 chart, one colour per status
def _action_chart(wb: Any, result: Consolidation, first: int, last: int) -> Any:
    """Stacked bars of the statuses per action, from the 总览 table's rows first..last."""
    chart = wb.add_chart({"type": "bar", "subtype": "stacked"})
    for k, s in enumerate(STATUS_ORDER):
        chart.add_series(
            {
                "name": s,
                "categories": ["总览", first, 0, last, 0],
                "values": ["总览", first, 2 + k, last, 2 + k],
                "fill": {"color": BAR_COLORS[s]},
            }
        )
    chart.set_title(
        {
            "name": result.catalogue.worded(f"{result.period.label}各项实事指标进度（全市）"),
            "name_font": {"name": "黑体", "size": 12},
        }
    )
    chart.set_y_axis({"reverse": True, "num_font": {"name": "宋体"}})
    chart.set_x_axis({"name": "指标数", "num_font": {"name": "宋体"}})
    chart.set_legend({"position": "bottom", "font": {"name": "宋体"}})
    chart.set_size({"width": 720, "height": 400})
    return chart


def _city_table(wb: Any, w: CellWriter, result: Consolidation) -> None:
    ws = wb.add_worksheet(result.catalogue.worded("全市汇总"), worksheet_class=BulkSheet)
    cat = result.catalogue
    head = [
        "序号",
        "实事名称",
        "目标名称",
        "单位",
        result.catalogue.worded("全市目标任务"),
        result.catalogue.worded("全市完成"),
        "完成率",
        "进度状态",
        "说明",
    ]
    units = cat.unit_ids
    top = head + [x for u in units for x in (f"{u}\n目标", f"{u}\n完成")]
    w.header(ws, 0, top)
    for i, ind in enumerate(cat.indicators, start=1):
        cv: CityValue = result.city[ind.seq]
        city_value, city_fmt = w.figure(ind.measure, cv.value, None, (ind.city.op, ind.city.value))
        vals: list[Any] = [
            ind.seq,
            cat.action(ind.action).name,
            ind.name,
            ind.measure_unit,
            ind.city.text,
            city_value,
            shown_completion(cv.completion),
            cv.status,
            cv.note,
        ]
        fmts = [
            w.center,
            w.cell,
            w.cell,
            w.center,
            w.cell,
            city_fmt,
            w.pct,
            w.status.get(cv.status, w.center),
            w.cell,
        ]
        for u in units:
            t = ind.targets.get(u)
            uv = result.unit_values.get((u, ind.seq))
            shown, fmt = ("", w.cell)
            if uv:
                aim = (uv.target.op, uv.target.value)
                shown, fmt = w.figure(ind.measure, uv.value, uv.status, aim)
            vals += [t.text if t else "", shown]
            fmts += [w.cell, fmt]
        w.row(ws, i, vals, fmts, bulk=True)
    w.widths(ws, [5, 14, 30, 7, 14, 10, 10, 10, 22], rest=9)
    ws.freeze_panes(1, 3)
    ws.autofilter(0, 0, len(cat.indicators), len(top) - 1)
    # A3, every unit's target and figure side by side: too wide for one legible page, so it
    # runs across pages with 序号, 实事名称 and 目标名称 on each
    print_setup(ws, repeat=0, paper=8, repeat_columns=(0, 2))


def _lagging(wb: Any, w: CellWriter, result: Consolidation) -> None:
    ws = wb.add_worksheet("滞后事项", worksheet_class=BulkSheet)
    head = [
        "单位",
        "序号",
        "目标名称",
        "本单位目标任务",
        "累计完成",
        "完成率",
        "序时进度",
        "工作进展情况",
        "存在问题及下步措施（单位说明）",
    ]
    w.header(ws, 0, head)
    cat = result.catalogue
    unit_order = {u: i for i, u in enumerate(cat.unit_ids)}
    items = sorted(result.lagging(), key=lambda uv: (unit_order[uv.unit], uv.seq))
    for i, uv in enumerate(items, start=1):
        ind = cat.indicator(uv.seq)
        share = ind.expected_share(result.period.months)
        # a level to hold (rate, time limit, change) has no pace: it is due every period
        expected = f"{share * 100:.0f}%" if measure(ind.measure).cumulative else "每期应达目标"
        shown, fmt = w.figure(ind.measure, uv.value, None, (uv.target.op, uv.target.value))
        w.row(
            ws,
            i,
            [
                uv.unit,
                uv.seq,
                ind.name,
                uv.target.text,
                shown,
                shown_completion(uv.completion),
                expected,
                uv.progress,
                uv.problems,
            ],
            [w.cell, w.center, w.cell, w.cell, fmt, w.pct, w.center, w.cell, w.cell],
            bulk=True,
        )
    if not items:
        ws.write_string(1, 0, "本期没有滞后事项。", w.note)
    w.widths(ws, [8, 8, 30, 12, 12, 12, 12, 40, 40])
    ws.freeze_panes(1, 0)
    print_setup(ws, repeat=0)


def _history(wb: Any, w: CellWriter, result: Consolidation) -> None:
    """Values per period of the year so far (from the ledger), and the city's completion."""
    ws = wb.add_worksheet("历史", worksheet_class=BulkSheet)
    cat = result.catalogue
    periods = list(result.history)
    ws.write_string(0, 0, f"{result.period.year}年各期累计完成（来自报送台账）", w.title)
    head = ["期次", result.catalogue.worded("全市累计类指标平均完成率"), "序时进度"]
    w.row(ws, 1, head, [w.head] * 3)
    series = city_completion_by_period(result)
    for i, (code, mean, share) in enumerate(series, start=2):
        w.row(ws, i, [code, mean, share], [w.center, w.pct, w.pct])
    chart = wb.add_chart({"type": "line"})
    last = 1 + len(series)
    chart.add_series(
        {
            "name": result.catalogue.worded("全市累计类指标平均完成率"),
            "categories": ["历史", 2, 0, last, 0],
            "values": ["历史", 2, 1, last, 1],
            "marker": {"type": "circle"},
        }
    )
    chart.add_series(
        {
            "name": "序时进度",
            "categories": ["历史", 2, 0, last, 0],
            "values": ["历史", 2, 2, last, 2],
            "line": {"dash_type": "dash"},
        }
    )
    chart.set_title(
        {
            "name": result.catalogue.worded("全市完成情况（按期）"),
            "name_font": {"name": "黑体", "size": 12},
        }
    )
    chart.set_y_axis({"num_format": "0%", "min": 0, "max": 1})
    chart.set_legend({"position": "bottom", "font": {"name": "宋体"}})
    chart.set_size({"width": 560, "height": 300})
    ws.insert_chart(1, 5, chart)
    top = max(last + 2, 18)
    head = ["序号", "目标名称", "计量单位", "填报单位", "本单位目标任务", *periods]
    w.header(ws, top, head)
    r = top + 1
    for ind in cat.indicators:
        for u in cat.unit_ids:
            uv = result.unit_values.get((u, ind.seq))
            if uv is None:
                continue
            vals = [result.history[p].get(u, {}).get(ind.seq, "") for p in periods]
            w.row(ws, r, [ind.seq, ind.name, ind.measure_unit, u, uv.target.text, *vals], bulk=True)
            r += 1
    w.widths(ws, [10, 30, 12, 12, 12], rest=10)
    ws.freeze_panes(top + 1, 2)
    print_setup(ws, repeat=top)
