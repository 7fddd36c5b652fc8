"""The quarter's 通报 as a Word document (.docx), written from the same consolidation.

python-docx writes an ordinary .docx that Word, WPS and LibreOffice edit (why python-docx: it
is the maintained library for writing .docx from Python and needs no Office). Laid out after
GB/T 9704 (``officialdoc``); where a font is missing, Word and WPS substitute their default
Chinese font, LibreOffice its own fallback.

``bulletin_facts`` computes everything the text states (plain data, tested against the JSON
report); ``write_bulletin`` renders it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from workbook.catalogue import naming
from workbook.consolidation.result import Consolidation
from workbook.core.files import Writer, atomic_write
from workbook.core.period import Period
from workbook.core.settings import Settings, deadline
from workbook.core.status import LAGGING, PARTIAL, shown_completion
from workbook.outputs.charts import action_chart, chart_stack_loads, chinese_font, ranking_chart
from workbook.outputs.officialdoc import OfficialDoc, cn_number
from workbook.outputs.tallies import STATUS_ORDER, action_counts

YEAR_END_LAGGING = "未完成"  # 滞后 once the year is over
LAGGING_PER_UNIT = 5  # rows per unit the 通报 lists (the summary's 滞后事项 has every one)


@dataclass
class BulletinFacts:
    """What the 通报 says, as data."""

    title: str
    date: str
    indicators: int
    city_counts: dict[str, int]
    share_pct: str
    actions: list[tuple[str, int, dict[str, int]]]
    lagging_by_unit: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    missing_units: list[str] = field(default_factory=list)


def _status_sentence(counts: dict[str, int], period: Period) -> str:
    return "、".join(
        f"{status_word(s, period)} {counts[s]} 项" for s in STATUS_ORDER if counts.get(s)
    )


def status_word(status: str, period: Period) -> str:
    """A status as the 通报 says it: at the year end there is no pace left to lag behind,
    so 滞后 is 未完成."""
    return YEAR_END_LAGGING if status == LAGGING and period.is_year_end else status


def _plain(label: str) -> str:
    """An action's label without the count the plan printed in it (无忧乘梯安民行动(8项) has
    9 rows in its own table): the 通报 gives the count it counted."""
    return re.sub(r"\s*[（(]\s*\d+\s*项\s*[）)]\s*$", "", label)


def _furthest_behind(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The ``LAGGING_PER_UNIT`` rows of a unit furthest behind (lowest 完成率 first, rows
    without one last), in 序号 order: the 通报 stays short, the summary lists them all."""
    if len(items) <= LAGGING_PER_UNIT:
        return items
    ranked = sorted(items, key=lambda it: (it["completion"] is None, it["completion"] or 0))
    keep = {id(it) for it in ranked[:LAGGING_PER_UNIT]}
    return [it for it in items if id(it) in keep]


def _late(result: Consolidation, settings: Settings) -> list[str]:
    """The units whose return counted was saved after the deadline, with the day."""
    due = deadline(settings, result.period)
    out = []
    for unit in result.catalogue.unit_ids:
        sub = result.accepted.get(unit)
        if sub is not None and sub.mtime[:10] > due:
            out.append(f"{unit}（{sub.mtime[5:10]}）")
    return out


def bulletin_facts(result: Consolidation, settings: Settings) -> BulletinFacts:
    cat, period = result.catalogue, result.period
    counts = dict.fromkeys(STATUS_ORDER, 0)
    for cv in result.city.values():
        if cv.status in counts:
            counts[cv.status] += 1
    title = naming.bulletin_title(settings, cat)
    lagging: dict[str, list[dict[str, Any]]] = {}
    for uv in sorted(result.lagging(), key=lambda u: (cat.unit_ids.index(u.unit), u.seq)):
        ind = cat.indicator(uv.seq)
        lagging.setdefault(uv.unit, []).append(
            {
                "seq": uv.seq,
                "name": ind.name,
                "kind": ind.measure,
                "op": uv.target.op,
                "target": uv.target.value,
                "base": uv.base,
                "value": uv.value,
                "unit": ind.measure_unit,
                "completion": uv.completion,
                "problems": uv.problems,
                "progress": uv.progress,
            }
        )
    return BulletinFacts(
        title=title.format(period_label=period.label),
        date=date.today().isoformat(),
        indicators=len(cat.indicators),
        city_counts=counts,
        share_pct=f"{period.share * 100:.0f}%",
        actions=action_counts(result),
        lagging_by_unit=lagging,
        missing_units=list(result.missing_units),
    )


def _num(v: float, unit: str) -> str:
    """A figure with its unit, as the plan writes it: 80%, 2500人次, 0.45亿元."""
    return f"{round(v, 4):g}{unit}"


# kinds whose 完成率 says nothing a reader can use: a time taken, a change against last year
_NO_RATE = ("time_limit", "change", "qualitative")


def figure_sentence(
    kind: str, op: str | None, target: float | None, value: Any, unit: str, base: float | None
) -> str:
    """A lagging row's target and figure in the words its kind is spoken of (a stock's
    holding beside its base, a rate reached, a time taken, a change up or down), each target
    with its own number and unit, not the city's phrase (tests/outputs/test_bulletin_words.py)."""
    if kind == "qualitative" or target is None or not isinstance(value, int | float):
        shown = "" if value is None else str(value)
        return f"进展：{shown or '未填写'}"
    if kind == "stock":
        since = "" if base is None else f"，年初 {_num(base, unit)}"
        return f"目标 {_num(target, unit)}，现有 {_num(value, unit)}{since}"
    if kind == "rate":
        bound = "不低于" if op == ">=" else "不高于"
        return f"目标{bound} {_num(target, unit)}，实际 {_num(value, unit)}"
    if kind == "time_limit":
        return f"目标不超过 {_num(target, unit)}，实际 {_num(value, unit)}"
    if kind == "change":
        want = (
            f"下降 {_num(-target, unit)} 以上" if target < 0 else f"增长 {_num(target, unit)} 以上"
        )
        now = f"下降 {_num(-value, unit)}" if value < 0 else f"增长 {_num(value, unit)}"
        return f"目标同比{want}，实际同比{now if value else '持平'}"
    return f"目标 {_num(target, unit)}，累计完成 {_num(value, unit)}"


def _build(result: Consolidation, settings: Settings, tmp: Path, charts: bool) -> None:
    facts = bulletin_facts(result, settings)
    d = OfficialDoc(dict(settings.bulletin.fonts))
    period = result.period
    d.title(facts.title)
    d.para(_salutation(result), "body", 16, "left", indent=False)
    d.para(
        f"现将{period.label}{result.catalogue.names['plan']}推进情况通报如下（数据截至"
        f"{period.end.year}年{period.end.month}月{period.end.day}日，序时进度 {facts.share_pct}）。"
    )
    d.para("一、总体情况", "heading")
    d.para(
        f"{result.catalogue.wording['scope']} {facts.indicators} 项目标任务中，"
        f"{_status_sentence(facts.city_counts, period)}。"
        + (
            "“未报齐”指尚有单位未报送、已报部分另行判断的指标。"
            if facts.city_counts.get(PARTIAL)
            else ""
        )
    )
    for label, n, counts in facts.actions:
        d.para(f"{_plain(label)}：共 {n} 项，{_status_sentence(counts, period) or '暂无数据'}。")
    font_missing = charts and chinese_font() is None
    if charts:
        d.picture(action_chart(result))
    _units_and_lagging(d, result, facts, charts)
    n = 4
    if any(t.sampled for t in result.verify.values()):
        _verify_section(d, result, cn_number(n))
        n += 1
    d.para(f"{cn_number(n)}、未报送单位", "heading")
    if facts.missing_units:
        overdue = {c.unit: c.overdue_days for c in result.chase}
        named = [
            f"{u}（已逾期 {overdue[u]} 天）" if overdue.get(u) else u for u in facts.missing_units
        ]
        d.para(f"截至汇总时，{'、'.join(named)}未报送本期填报表，已另行催报。")
    late = _late(result, settings)
    if not facts.missing_units:
        d.para("各单位均已报送。" if late else "各单位均已按期报送。")
    if late:
        d.para(f"{'、'.join(late)}晚于报送截止日期（{deadline(settings, period)}）报送。")
    d.para(f"{cn_number(n + 1)}、下步工作", "heading")
    d.para("（请办公室补充下步工作要求。）")
    d.signature(naming.issuer(settings, result.catalogue), facts.date)
    if font_missing:
        d.para("（注：生成本通报的电脑未安装中文字体，图表中的文字可能无法显示。）")
    if not charts:
        d.para(
            "（注：生成本通报的电脑无法加载绘图组件，本通报未插入图表；各项数字见正文和汇总表。）"
        )
    d.save(tmp)


def _units_and_lagging(
    d: OfficialDoc, result: Consolidation, facts: BulletinFacts, charts: bool
) -> None:
    """二、各单位情况 (the ranking table and chart) and 三、滞后事项 (each unit's lagging rows
    with its own explanation)."""
    d.para("二、各单位情况", "heading")
    formula = result.ranking_formula  # names the statuses: at the year end, 未完成 too
    if result.period.is_year_end:
        formula = formula.replace(LAGGING, YEAR_END_LAGGING)
    d.para(f"计分办法：{formula}")
    d.table(
        ["名次", "单位", "应报指标", "得分", "分档", status_word(LAGGING, result.period), "未报送"],
        [
            [
                us.rank,
                us.unit,
                us.indicators,
                f"{us.score:.1f}",
                us.band,
                us.counts["滞后"],
                us.counts["未报送"],
            ]
            for us in result.ranking
        ],
        [14, 24, 20, 18, 14, 16, 18],
    )
    if charts:
        d.picture(ranking_chart(result), 130)
    late = status_word(LAGGING, result.period)
    d.para(f"三、{late}事项", "heading")
    if not facts.lagging_by_unit:
        d.para(f"本期没有{late}事项。")
    for k, (unit, items) in enumerate(facts.lagging_by_unit.items(), start=1):
        d.para(f"（{cn_number(k)}）{unit}（{len(items)} 项）", "subheading")
        shown_items = _furthest_behind(items)
        for it in shown_items:
            shown = shown_completion(it["completion"])
            rate = "" if shown is None or it["kind"] in _NO_RATE else f"，完成率 {shown * 100:.1f}%"
            said = f"单位说明：“{it['problems']}”" if it["problems"] else "单位未说明原因。"
            figures = figure_sentence(
                it["kind"], it["op"], it["target"], it["value"], it["unit"], it["base"]
            )
            d.para(f"序号 {it['seq']} {it['name']}：{figures}{rate}。{said}")
        if len(items) > len(shown_items):
            rest = len(items) - len(shown_items)
            d.para(
                f"以上为差距最大的 {len(shown_items)} 项；另有 {rest} 项，详见汇总表“滞后事项”工作表。"
            )


def _verify_section(d: OfficialDoc, result: Consolidation, number: str) -> None:
    """明细核验: what the city's spot checks found this year, and each failed item."""
    ts = [t for t in result.verify.values() if t.sampled]
    sampled, verified = sum(t.sampled for t in ts), sum(t.verified for t in ts)
    failed = [line for t in ts for line in t.failures]
    d.para(f"{number}、明细核验", "heading")
    d.para(
        f"本年度截至{result.period.label}，{result.catalogue.wording['bureau']}从 {len(ts)} 个单位的明细台账中随机抽取 {sampled} 条"
        f"进行核验，已核验 {verified} 条，其中不通过 {len(failed)} 条"
        + ("。" if not failed else "：")
    )
    for line in failed:
        d.para(
            f"{line['unit']} 序号 {line['seq']}“{line['name']}”：{line['note']}"
            "（请整改，确不符合的从明细台账删除并核减填报数）。"
        )


def _salutation(result: Consolidation) -> str:
    """To whom the 通报 goes: the city's counties and zones, or a county's 所."""
    if result.catalogue.level:
        return f"各市场监管所，{result.catalogue.wording['bureau']}各科室："
    return "各县（区）局、功能区分局，市局各处室："


def write_bulletin(
    result: Consolidation,
    out: Path | str,
    settings: Settings,
    write: Writer = atomic_write,
    charts: bool | None = None,
) -> Path:
    """Write the 通报 to ``out`` (atomically, or staged); returns the path. ``charts``: draw
    the two charts (None: when the chart stack loads here, ``chart_stack_loads``)."""
    with_charts = chart_stack_loads() if charts is None else charts
    return write(out, lambda tmp: _build(result, settings, tmp, with_charts))
