"""Figures derived from a Consolidation for the outputs, without any file format: status counts
per action and unit, the long rows of the CSV/JSON, the JSON report as a dict, the city's
completion per period."""

from __future__ import annotations

from typing import Any

from workbook.consolidation.result import Consolidation
from workbook.core.period import parse_period
from workbook.core.status import (
    DONE,
    IN_PROGRESS,
    LAGGING,
    MISSING,
    NO_CASES,
    ON_TRACK,
    PARTIAL,
    shown_completion,
)
from workbook.core.submission import DUPLICATE_RULE, NAME_RULE, REVISION_RULE

RANK_STATUSES = (DONE, ON_TRACK, IN_PROGRESS, LAGGING, MISSING)


STATUS_ORDER = (DONE, ON_TRACK, IN_PROGRESS, LAGGING, PARTIAL, MISSING, NO_CASES)
# the bar colour of each city status, in the summary's chart and the 通报's alike
BAR_COLORS = {
    DONE: "#70AD47",
    ON_TRACK: "#5B9BD5",
    IN_PROGRESS: "#F4B183",
    LAGGING: "#C00000",
    PARTIAL: "#A5A5A5",
    MISSING: "#FFC000",
    NO_CASES: "#D9D9D9",
}


def _pct(x: float | None) -> str:
    shown = shown_completion(x)
    return "" if shown is None else f"{shown * 100:.1f}%"


def _value_text(v: float | str | None) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else f"{v:g}"
    return str(v)


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


def long_rows(result: Consolidation) -> list[dict[str, Any]]:
    """One dict per unit × indicator, in unit then 序号 order (the CSV and JSON rows)."""
    cat = result.catalogue
    names = {i.seq: (cat.action(i.action).name, i.name, i.measure_unit) for i in cat.indicators}
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


def report_dict(result: Consolidation, rows: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The machine-readable report: submissions, problems, city and unit figures (``rows``:
    ``long_rows(result)`` when the caller already has them)."""
    return {
        "period": result.period.code,
        "catalogue": {"id": result.catalogue.catalogue_id, "version": result.catalogue.version},
        "generated_at": result.generated_at,
        "folder": result.folder,
        "duplicate_rule": DUPLICATE_RULE,
        "name_rule": NAME_RULE,
        "revision_rule": REVISION_RULE,
        "missing_units": result.missing_units,
        "ranking_formula": result.ranking_formula,
        "ranking": [us.as_dict() for us in result.ranking],
        "chase": [c.as_dict() for c in result.chase],
        "verify": [t.as_dict() for t in result.verify.values()],
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
        "values": long_rows(result) if rows is None else rows,
    }


def city_completion_by_period(result: Consolidation) -> list[tuple[str, float, float]]:
    """Per period of the history: the mean completion of the city's additive indicators (each
    capped at 100%) and the 序时进度 of that period."""
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


def problem_columns(p: Any) -> list[Any]:
    """Where a problem is and what to do, as the feedback and 问题清单 tables list it: file,
    sheet, cell, 序号, the problem, what the cell held, how to fix it."""
    return [
        p.file,
        p.sheet,
        p.cell,
        p.seq if p.seq is not None else "",
        p.message,
        p.found,
        p.action,
    ]
