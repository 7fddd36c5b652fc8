"""Rendering a Consolidation: the city summary workbook, feedback workbooks, JSON and CSV.

All district text is written with ``write_string`` so that "=HYPERLINK(...)" stays text; the
CSV neutralises formula-like cells. Every file is written under a temporary name and replaced.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from workbook.consolidate import CityValue, Consolidation
from workbook.measures import measure
from workbook.report import SEVERITY_ZH
from workbook.submission import ACCEPTED, DUPLICATE_RULE, STATUS_ZH
from workbook.targets import (
    DONE,
    IN_PROGRESS,
    LAGGING,
    MISSING,
    NOT_APPLICABLE,
    ON_TRACK,
    PARTIAL,
)
from workbook.xlsxio import atomic_write, fit_height, safe_text

# atomic_write, or Staging.stage: (final path, function writing a temporary file) -> final path
Writer = Callable[[Path | str, Callable[[Path], object]], Path]
FEEDBACK_SUFFIX = "_退回修改.xlsx"
RANK_STATUSES = (DONE, ON_TRACK, IN_PROGRESS, LAGGING, MISSING)
STATUS_ORDER = (DONE, ON_TRACK, IN_PROGRESS, LAGGING, PARTIAL, MISSING)
STATUS_COLORS = {
    DONE: "#C6EFCE",
    ON_TRACK: "#DDEBF7",
    IN_PROGRESS: "#FCE4D6",
    LAGGING: "#FFC7CE",
    PARTIAL: "#EDEDED",
    MISSING: "#FFEB9C",
}
CSV_COLUMNS = [
    "期次",
    "单位",
    "序号",
    "实事名称",
    "目标名称",
    "计量单位",
    "本单位目标任务",
    "累计完成",
    "完成率",
    "进度状态",
    "工作进展情况",
    "存在问题及下步措施",
    "来源文件",
    "单元格",
]


_NUMERIC_CSV = {"序号", "累计完成", "完成率"}


def _pct(x: float | None) -> str:
    return "" if x is None else f"{x * 100:.1f}%"


def _value_text(v: float | str | None) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else f"{v:g}"
    return str(v)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _xml_text(text: str) -> str:
    if "&" in text or "<" in text or ">" in text:
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return (
        _CONTROL.sub(lambda m: f"_x{ord(m.group()):04X}_", text) if _CONTROL.search(text) else text
    )


class _BulkSheet(Worksheet):
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
                        f'<t xml:space="preserve">{_xml_text(str(v))}</t></is></c>'
                    )
            h = self.heights.get(r)
            attrs = f' ht="{h:g}" customHeight="1"' if h else ""
            out.append(f'<row r="{r + 1}"{attrs}>{"".join(cells)}</row>')
        self.fh.write("".join(out))


class _Writer:
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
        # figures of percent kinds (stored 85 = 85%) shown as percentages, coloured by status
        self.status_pct = {
            st: wb.add_format({**base, "num_format": "0.0%", "bg_color": color})
            for st, color in STATUS_COLORS.items()
        }

    def figure(self, kind: str, v: float | str | None, st: str | None = None) -> tuple[Any, Any]:
        """A figure as a cell value and format: percent kinds as real percentages."""
        if isinstance(v, float | int) and measure(kind).percent:
            fmt = self.status_pct.get(st or "", self.pct)
            return v / 100, fmt
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
            if bulk:
                ws.heights[r] = h
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


def write_summary(result: Consolidation, out: Path | str, write: Writer = atomic_write) -> Path:
    """Write the city summary workbook to ``out`` atomically; returns the path."""
    return write(out, lambda tmp: _build_summary(result, tmp))


def _build_summary(result: Consolidation, tmp: Path) -> None:
    cat = result.catalogue
    wb = xlsxwriter.Workbook(
        str(tmp),
        {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False},
    )
    w = _Writer(wb)
    _overview(wb, w, result)
    _city_table(wb, w, result)
    _lagging(wb, w, result)
    _submissions(wb, w, result)
    _problems(wb, w, result)
    _ranking(wb, w, result)
    _chase(wb, w, result)
    if len(result.history) > 1:  # one period only would repeat 全市汇总
        _history(wb, w, result)
    wb.set_properties({"title": f"{result.period.label}{cat.title}汇总"})
    wb.close()


def action_counts(result: Consolidation) -> list[tuple[str, int, dict[str, int]]]:
    """Per action: its label, its number of indicators and the city statuses counted."""
    out = []
    for a in result.catalogue.actions:
        seqs = [i.seq for i in result.catalogue.indicators if i.action == a.no]
        counts = {s: 0 for s in STATUS_ORDER}
        for s in seqs:
            st = result.city[s].status
            if st in counts:
                counts[st] += 1
        out.append((a.label, len(seqs), counts))
    return out


def unit_counts(result: Consolidation) -> list[tuple[str, int, dict[str, int], int]]:
    """Per unit: rows it reports, statuses counted and problems found in its returns."""
    rows = {u: 0 for u in result.catalogue.unit_ids}
    counts = {u: dict.fromkeys(STATUS_ORDER, 0) for u in rows}
    problems = dict.fromkeys(rows, 0)
    for uv in result.unit_values.values():
        rows[uv.unit] += 1
        if uv.status in counts[uv.unit]:
            counts[uv.unit][uv.status] += 1
    for p in result.problems:
        if p.unit in problems:
            problems[p.unit] += 1
    return [(u, rows[u], counts[u], problems[u]) for u in rows]


def _overview(wb: Any, w: _Writer, result: Consolidation) -> None:
    ws = wb.add_worksheet("总览")
    cat, period = result.catalogue, result.period
    accepted = [s for s in result.submissions if s.status == ACCEPTED]
    ws.write_string(
        0, 0, f"{cat.title.replace('任务分解表', '完成情况汇总')}（{period.label}）", w.title
    )
    lines = [
        f"汇总时间：{result.generated_at}　　回收文件夹：{result.folder}",
        f"序时进度：{period.share * 100:.0f}%　　目录：{cat.catalogue_id} {cat.version}",
        f"已报送单位：{len(accepted)} 个；未报送：{'、'.join(result.missing_units) or '无'}",
        f"发现问题：{len(result.problems)} 个（错误 {sum(p.severity == 'error' for p in result.problems)} 个），详见“问题清单”。",
        f"多份报送规则：{DUPLICATE_RULE}",
    ]
    for i, line in enumerate(lines, start=1):
        ws.write_string(i, 0, line, w.line)
    r = len(lines) + 2
    ws.write_string(r, 0, "一、按实事统计（全市口径，指标数）", w.title)
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
    chart = wb.add_chart({"type": "bar", "subtype": "stacked"})
    colors = {
        DONE: "#70AD47",
        ON_TRACK: "#5B9BD5",
        IN_PROGRESS: "#F4B183",
        LAGGING: "#C00000",
        PARTIAL: "#A5A5A5",
        MISSING: "#FFC000",
    }
    for k, s in enumerate(STATUS_ORDER):
        chart.add_series(
            {
                "name": s,
                "categories": ["总览", first, 0, last, 0],
                "values": ["总览", first, 2 + k, last, 2 + k],
                "fill": {"color": colors[s]},
            }
        )
    chart.set_title(
        {
            "name": f"{period.label}各项实事指标进度（全市）",
            "name_font": {"name": "黑体", "size": 12},
        }
    )
    chart.set_y_axis({"reverse": True, "num_font": {"name": "宋体"}})
    chart.set_x_axis({"name": "指标数", "num_font": {"name": "宋体"}})
    chart.set_legend({"position": "bottom", "font": {"name": "宋体"}})
    chart.set_size({"width": 720, "height": 400})
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
        )
    units = len(result.catalogue.unit_ids)
    ws.set_h_pagebreaks([r + units + 3])  # the chart prints whole, on a page of its own
    ws.write_string(r + units + 3, 0, "三、各项实事指标进度（图）", w.title)
    ws.insert_chart(r + units + 4, 0, chart)  # below the tables: the page stays one table wide
    w.widths(ws, [26, 11, 11, 11, 11, 11, 11, 11, 11, 11])
    _print_setup(ws)
    ws.activate()


def _city_table(wb: Any, w: _Writer, result: Consolidation) -> None:
    ws = wb.add_worksheet("全市汇总", worksheet_class=_BulkSheet)
    cat = result.catalogue
    head = [
        "序号",
        "实事名称",
        "目标名称",
        "单位",
        "全市目标任务",
        "全市完成",
        "完成率",
        "进度状态",
        "说明",
    ]
    units = cat.unit_ids
    top = head + [x for u in units for x in (f"{u}\n目标", f"{u}\n完成")]
    w.header(ws, 0, top)
    for i, ind in enumerate(cat.indicators, start=1):
        cv: CityValue = result.city[ind.seq]
        city_value, city_fmt = w.figure(ind.measure, cv.value)
        vals: list[Any] = [
            ind.seq,
            cat.action(ind.action).name,
            ind.name,
            ind.unit,
            ind.city.text,
            city_value,
            cv.completion,
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
            shown, fmt = w.figure(ind.measure, uv.value, uv.status) if uv else ("", w.cell)
            vals += [t.text if t else "", shown]
            fmts += [w.cell, fmt]
        w.row(ws, i, vals, fmts, bulk=True)
    w.widths(ws, [5, 14, 30, 7, 14, 10, 10, 10, 22], rest=9)
    ws.freeze_panes(1, 3)
    ws.autofilter(0, 0, len(cat.indicators), len(top) - 1)
    _print_setup(ws, repeat=0, paper=8)  # A3: every unit's target and figure side by side


def _cell_value(v: float | str | None) -> float | str:
    return "" if v is None else v


def _lagging(wb: Any, w: _Writer, result: Consolidation) -> None:
    ws = wb.add_worksheet("滞后事项", worksheet_class=_BulkSheet)
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
        expected = f"{share * 100:.0f}%" if measure(ind.measure).cumulative else "达标"
        shown, fmt = w.figure(ind.measure, uv.value)
        w.row(
            ws,
            i,
            [
                uv.unit,
                uv.seq,
                ind.name,
                uv.target.text,
                shown,
                uv.completion,
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
    _print_setup(ws, repeat=0)


def _submissions(wb: Any, w: _Writer, result: Consolidation) -> None:
    ws = wb.add_worksheet("报送情况")
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
                s.mtime,
                s.size,
                s.sha256,
                s.template_version,
                s.period,
                STATUS_ZH[s.status],
                s.decision,
                s.problems,
                s.errors,
            ],
        )
        r += 1
    for u in result.missing_units:
        w.row(ws, r, [u, "", "", "", "", "", "", "未报送", "没有收到本单位的有效填报表。", "", ""])
        r += 1
    ws.write_string(r + 1, 0, f"规则：{DUPLICATE_RULE}", w.note)
    w.widths(ws, [10, 40, 18, 18, 30, 10, 10, 10, 50])
    ws.freeze_panes(1, 0)
    _print_setup(ws, repeat=0, paper=8)


def _ranking(wb: Any, w: _Writer, result: Consolidation) -> None:
    """晾晒: units by score, the formula beside the table."""
    ws = wb.add_worksheet("晾晒排名")
    ws.write_string(0, 0, f"{result.period.label}各单位工作进展晾晒", w.title)
    ws.write_string(1, 0, f"计分办法：{result.ranking_formula}", w.note)
    head = ["名次", "单位", "应报指标", *RANK_STATUSES, "得分", "分档", "本期报送"]
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
        )
    w.widths(ws, [6, 10, 9, *[10] * len(RANK_STATUSES), 8, 6, 9])
    ws.freeze_panes(4, 0)
    _print_setup(ws, repeat=3)


def _chase(wb: Any, w: _Writer, result: Consolidation) -> None:
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
    _print_setup(ws, repeat=2)


def _print_setup(ws: Any, repeat: int | None = None, paper: int = 9) -> None:
    """A4 (9) or A3 (8) landscape, one page wide, rows over as many pages as needed, header
    rows repeated, page numbers in the footer."""
    ws.set_landscape()
    ws.set_paper(paper)
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
    ws.set_footer("&C第 &P 页，共 &N 页")
    if repeat is not None:
        ws.repeat_rows(repeat)


def _problems(wb: Any, w: _Writer, result: Consolidation) -> None:
    ws = wb.add_worksheet("问题清单", worksheet_class=_BulkSheet)
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
            [
                SEVERITY_ZH[p.severity],
                p.unit,
                p.file,
                p.sheet,
                p.cell,
                p.seq if p.seq is not None else "",
                p.message,
                p.found,
                p.action,
                p.code,
            ],
            bulk=True,
        )
    w.widths(ws, [8, 8, 36, 8, 8, 8, 50, 14, 36, 24])
    ws.freeze_panes(1, 0)
    _print_setup(ws, repeat=0, paper=8)
    if result.problems:
        ws.autofilter(0, 0, len(result.problems), len(head) - 1)


def long_rows(result: Consolidation) -> list[dict[str, Any]]:
    """One dict per unit × indicator, in unit then 序号 order (the CSV and JSON rows)."""
    cat = result.catalogue
    names = {i.seq: (cat.action(i.action).name, i.name, i.unit) for i in cat.indicators}
    code = result.period.code
    rows = []
    for uv in result.unit_values.values():  # inserted in unit, then 序号 order
        action, name, unit = names[uv.seq]
        rows.append(
            {
                "期次": code,
                "单位": uv.unit,
                "序号": uv.seq,
                "实事名称": action,
                "目标名称": name,
                "计量单位": unit,
                "本单位目标任务": uv.target.text,
                "累计完成": _value_text(uv.value),
                "完成率": _pct(uv.completion),
                "进度状态": uv.status,
                "工作进展情况": uv.progress,
                "存在问题及下步措施": uv.problems,
                "来源文件": uv.file,
                "单元格": uv.cell,
            }
        )
    return rows


def write_csv(result: Consolidation, out: Path | str, write: Writer = atomic_write) -> Path:
    """Long-form CSV, UTF-8 with BOM, formula-like text neutralised."""
    buf = io.StringIO()
    wr = csv.writer(buf, lineterminator="\r\n")
    wr.writerow(CSV_COLUMNS)
    for row in long_rows(result):
        # numbers stay numbers (-10 is not a formula); only text is guarded
        wr.writerow([row[c] if c in _NUMERIC_CSV else safe_text(str(row[c])) for c in CSV_COLUMNS])
    text = buf.getvalue()
    return write(out, lambda p: p.write_text(text, encoding="utf-8-sig"))


def report_dict(result: Consolidation) -> dict[str, Any]:
    """The machine-readable report: submissions, problems, city and unit figures."""
    return {
        "period": result.period.code,
        "catalogue": {"id": result.catalogue.catalogue_id, "version": result.catalogue.version},
        "generated_at": result.generated_at,
        "folder": result.folder,
        "duplicate_rule": DUPLICATE_RULE,
        "missing_units": result.missing_units,
        "ranking_formula": result.ranking_formula,
        "ranking": [us.as_dict() for us in result.ranking],
        "chase": [c.as_dict() for c in result.chase],
        "submissions": [
            {
                "path": s.path,
                "file": s.name,
                "unit": s.unit,
                "period": s.period,
                "status": s.status,
                "decision": s.decision,
                "sha256": s.sha256,
                "mtime": s.mtime,
                "size": s.size,
                "template_version": s.template_version,
                "problem_count": s.problems,
                "error_count": s.errors,
            }
            for s in result.submissions
        ],
        "problems": [p.as_dict() for p in result.problems],
        "city": [
            {
                "seq": cv.seq,
                "value": cv.value,
                "completion": cv.completion,
                "status": cv.status,
                "reached": cv.reached,
                "reporting": cv.reporting,
                "expected": cv.expected,
                "note": cv.note,
            }
            for cv in result.city.values()
        ],
        "values": long_rows(result),
    }


def write_json(result: Consolidation, out: Path | str, write: Writer = atomic_write) -> Path:
    # no indent: json's C encoder only runs without one (ten times faster on 50,000 values)
    text = json.dumps(report_dict(result), ensure_ascii=False, separators=(",", ":"))
    return write(out, lambda p: p.write_text(text, encoding="utf-8"))


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
    wb = xlsxwriter.Workbook(
        str(tmp),
        {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False},
    )
    w = _Writer(wb)
    ws = wb.add_worksheet("退回修改")
    errors = sum(1 for p in problems if p.severity == "error")
    ws.write_string(0, 0, f"{unit}：{result.period.label}十件实事填报表退回修改清单", w.title)
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
    for i, p in enumerate(problems, start=1):
        w.row(
            ws,
            3 + i,
            [
                i,
                SEVERITY_ZH[p.severity],
                p.file,
                p.sheet,
                p.cell,
                p.seq if p.seq is not None else "",
                p.message,
                p.found,
                p.action,
            ],
        )
    w.widths(ws, [6, 8, 24, 8, 8, 8, 46, 14, 36])
    ws.freeze_panes(4, 0)
    _print_setup(ws, repeat=3)
    wb.close()


def city_completion_by_period(result: Consolidation) -> list[tuple[str, float, float]]:
    """Per period of the history: the mean completion of the city's additive indicators (each
    capped at 100%) and the 序时进度 of that period."""
    from workbook.period import parse_period

    cat = result.catalogue
    additive = [i for i in cat.indicators if i.additive and i.city.value]
    out = []
    for code, by_unit in result.history.items():
        rates = []
        for ind in additive:
            if ind.city_only:
                v = by_unit.get(cat.city_unit, {}).get(ind.seq)
                total = float(v) if isinstance(v, int | float) else 0.0
            else:
                total = sum(
                    float(vals[ind.seq])
                    for vals in by_unit.values()
                    if isinstance(vals.get(ind.seq), int | float)
                )
            rates.append(min(1.0, total / float(ind.city.value or 1)))
        mean = sum(rates) / len(rates) if rates else 0.0
        out.append((code, mean, parse_period(code).share))
    return out


def _history(wb: Any, w: _Writer, result: Consolidation) -> None:
    """Values per period of the year so far (from the ledger), and the city's completion."""
    ws = wb.add_worksheet("历史", worksheet_class=_BulkSheet)
    cat = result.catalogue
    periods = list(result.history)
    ws.write_string(0, 0, f"{result.period.year}年各期累计完成（来自报送台账）", w.title)
    head = ["期次", "全市累计类指标平均完成率", "序时进度"]
    w.row(ws, 1, head, [w.head] * 3)
    series = city_completion_by_period(result)
    for i, (code, mean, share) in enumerate(series, start=2):
        w.row(ws, i, [code, mean, share], [w.center, w.pct, w.pct])
    chart = wb.add_chart({"type": "line"})
    last = 1 + len(series)
    chart.add_series(
        {
            "name": "全市累计类指标平均完成率",
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
    chart.set_title({"name": "全市完成情况（按期）", "name_font": {"name": "黑体", "size": 12}})
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
            w.row(ws, r, [ind.seq, ind.name, ind.unit, u, uv.target.text, *vals], bulk=True)
            r += 1
    w.widths(ws, [10, 30, 12, 12, 12], rest=10)
    ws.freeze_panes(top + 1, 2)
    _print_setup(ws, repeat=top)
