"""Checking a catalogue: schema errors with their JSON path, then semantic checks.

``check`` returns a Findings; it never stops at the first problem. Inconsistencies that the
official table itself contains are warnings: the catalogue keeps what the table says.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from workbook.catalogue import model as catmod
from workbook.catalogue.schema import schema_errors
from workbook.core import problems as codes
from workbook.core import resources
from workbook.core.findings import Findings
from workbook.core.measures import KIND_ZH, measure
from workbook.core.problems import SEVERITY_ZH
from workbook.core.targets import TargetMeaning, direction_for, measure_for, parse_target

_SUM_TOLERANCE = 1e-6
_DIRECTION_ZH = {"higher": "越高越好", "lower": "越低越好"}


def _fmt(x: float | None) -> str:
    if x is None:
        return ""
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def check_file(path: Path | str | None = None) -> Findings:
    """Check the catalogue file at ``path`` (the bundled one by default)."""
    p = Path(path) if path else resources.default_catalogue_path()
    report = Findings()
    try:
        data = catmod.read_json(p)
    except Exception as exc:  # a file that is not JSON is one problem, not a crash
        report.add(codes.CATALOGUE_UNREADABLE, str(exc), file=str(p))
        return report
    return check_data(data, report, file=str(p))


def check_data(data: Any, report: Findings | None = None, file: str = "") -> Findings:
    """Check catalogue data (already parsed JSON)."""
    report = report or Findings()
    errors = schema_errors(data)
    for where, zh, action, english in errors:
        report.add(codes.SCHEMA, zh, action=action, path=where, file=file, detail=english)
    if errors:
        return report
    cat = catmod.from_dict(data)
    start = len(report.problems)
    _semantic(cat, report, file)
    for p in report.problems[start:]:  # a county's catalogue speaks of 全区目标, not 全市目标
        p.message, p.action = cat.worded(p.message), cat.worded(p.action)
    return report


# A measure may differ from the default of its target only in these ways, and only with the
# plan's reason recorded in the indicator's ``progress``.
_REFINEMENTS = {("rate", "coverage"), ("count", "stock")}


def _check_measure(
    ind: catmod.Indicator, default: str, path: str, report: Findings, file: str
) -> None:
    seq = ind.seq
    reason = (ind.progress or {}).get("reason", "")
    if ind.measure != default and not ((default, ind.measure) in _REFINEMENTS and reason):
        report.add(
            codes.INDICATOR_MEASURE,
            f"序号 {seq} 的目标类型为“{KIND_ZH[ind.measure]}”，按全市目标和计量单位"
            f"“{ind.measure_unit}”应为“{KIND_ZH[default]}”"
            + (
                f"（“{KIND_ZH[ind.measure]}”须在进度依据中写明依据）。"
                if (default, ind.measure) in _REFINEMENTS
                else "。"
            ),
            seq=seq,
            path=path + ".measure",
            file=file,
        )
        return
    milestones = (ind.progress or {}).get("milestones")
    if ind.measure != default or milestones or ind.single_item:
        how = measure(ind.measure).label
        if ind.single_item:
            how += "，单项交付（年内未完成为推进中）"
        if milestones:
            steps = "、".join(
                f"{m}月末 {v * 100:g}%"
                for m, v in sorted(milestones.items(), key=lambda kv: int(kv[0]))
            )
            how += f"，按时间表：{steps}"
        report.add(
            codes.INDICATOR_PROGRESS_RULE,
            f"序号 {seq}（{ind.name}）按“{how}”判断进度：{reason}",
            seq=seq,
            path=path + ".progress",
            file=file,
        )


def _semantic(cat: catmod.Catalogue, report: Findings, file: str) -> None:
    unit_ids = cat.unit_ids
    unit_set = set(unit_ids)
    for uid, n in Counter(unit_ids).items():
        if n > 1:
            report.add(codes.UNIT_DUPLICATE, f"单位“{uid}”在单位列表中出现 {n} 次。", file=file)
    action_nos = {a.no for a in cat.actions}
    per_action = Counter(i.action for i in cat.indicators)
    for a in cat.actions:
        if per_action[a.no] != a.item_count:
            report.add(
                codes.ACTION_ITEM_COUNT,
                f"“{a.label}”标明 {a.item_count} 项，目录中有 {per_action[a.no]} 个序号。",
                action="核对分解表；若为表中合并行拆分所致，可保留。",
                file=file,
                path=f"$.actions[{cat.actions.index(a)}]",
            )
    for seq, n in Counter(i.seq for i in cat.indicators).items():
        if n > 1:
            report.add(
                codes.SEQ_DUPLICATE,
                f"序号 {seq} 出现 {n} 次。",
                seq=seq,
                file=file,
                action="每个序号只能出现一次。",
            )
    for idx, ind in enumerate(cat.indicators):
        _check_indicator(cat, ind, f"$.indicators[{idx}]", unit_set, action_nos, report, file)
    plain = Counter(i.measure for i in cat.indicators if not (i.progress or {}).get("milestones"))
    report.add(
        codes.CATALOGUE_PROGRESS_RULES,
        "序时进度：未列时间表的指标按月数/12；各类型指标数："
        + "，".join(f"{measure(k).label} {plain[k]} 项" for k in sorted(plain)),
        file=file,
    )


def _check_target(
    t: catmod.Target,
    path: str,
    ind: catmod.Indicator,
    who: str,
    unit_ids: set[str],
    report: Findings,
    file: str,
    plain_op: str = ">=",
) -> None:
    parsed = parse_target(t.text, plain_op)
    stored = (t.type, t.op, t.value, t.followed_unit)
    expect = (parsed.type, parsed.op, parsed.value, parsed.followed_unit)
    if stored != expect:
        why = f"（{parsed.unclear}）" if parsed.unclear else ""
        report.add(
            codes.TARGET_PARSE_MISMATCH,
            f"序号 {ind.seq} {who}目标文字“{t.text}”解析为 {parsed.as_dict()}{why}，"
            f"但目录记录为 {catmod.Target(t.text, *stored).as_dict()}。",
            action="修改文字或解析结果，使两者一致。",
            seq=ind.seq,
            path=path,
            file=file,
        )
    if (
        t.type == "threshold"
        and ind.measure_unit == "%"
        and t.value is not None
        and not 0 <= t.value <= 100
    ):
        report.add(
            codes.TARGET_PERCENT_RANGE,
            f"序号 {ind.seq} {who}目标 {_fmt(t.value)}% 超出 0–100%。",
            action="比率目标须在 0 到 100 之间。",
            seq=ind.seq,
            path=path,
            file=file,
        )
    if measure(ind.measure).integer and t.value is not None and not float(t.value).is_integer():
        report.add(
            codes.TARGET_NOT_WHOLE,
            f"序号 {ind.seq} {who}目标“{t.text}”为 {_fmt(t.value)}{ind.measure_unit}，"
            f"{ind.measure_unit}数须为整数。",
            action="请改为整数（分解到各单位时，各单位之和不少于上级目标即可）。",
            seq=ind.seq,
            path=path,
            file=file,
        )
    if t.type == "follows" and t.followed_unit not in unit_ids:
        report.add(
            codes.TARGET_FOLLOWS_UNKNOWN,
            f"序号 {ind.seq} {who}“{t.text}”所指单位“{t.followed_unit}”不在单位列表中。",
            seq=ind.seq,
            path=path,
            file=file,
        )


def _check_indicator(
    cat: catmod.Catalogue,
    ind: catmod.Indicator,
    path: str,
    unit_ids: set[str],
    action_nos: set[int],
    report: Findings,
    file: str,
) -> None:
    """One indicator: what it refers to, each target, then (with a city target) its kind,
    direction, the units' levels against the city's and the plan's figure."""
    seq = ind.seq
    _check_references(cat, ind, path, unit_ids, action_nos, report, file)
    _check_target(ind.city, path + ".city", ind, "全市", unit_ids, report, file)
    city = parse_target(ind.city.text)
    for uid, t in ind.targets.items():
        where = f"{path}.targets.{uid}"
        _check_target(t, where, ind, uid, unit_ids, report, file, city.op or ">=")
    if city.type in ("na", "none", "in_county", "follows"):
        report.add(
            codes.INDICATOR_NO_CITY_TARGET,
            f"序号 {seq} 没有全市目标任务。",
            seq=seq,
            path=path + ".city",
            file=file,
        )
        return
    _check_measure(ind, measure_for(city.type, ind.measure_unit), path, report, file)
    if ind.direction != direction_for(city):
        report.add(
            codes.INDICATOR_DIRECTION,
            f"序号 {seq} 的方向为 {_DIRECTION_ZH[ind.direction]}，"
            f"按全市目标应为 {_DIRECTION_ZH[direction_for(city)]}。",
            seq=seq,
            path=path + ".direction",
            file=file,
        )
    unit_types = {t.type for t in ind.targets.values() if t.reported}
    if unit_types - {city.type}:
        report.add(
            codes.TARGET_KIND_MIXED,
            f"序号 {seq} 单位目标的类型 {sorted(unit_types)} 与全市目标类型 {city.type} 不同。",
            seq=seq,
            path=path,
            file=file,
        )
    _check_levels(ind, city, path, report, file)
    _check_plan(ind, city, path, report, file)


def _check_references(
    cat: catmod.Catalogue,
    ind: catmod.Indicator,
    path: str,
    unit_ids: set[str],
    action_nos: set[int],
    report: Findings,
    file: str,
) -> None:
    """The action exists; the targets are exactly the catalogue's units."""
    seq = ind.seq
    if ind.action not in action_nos:
        report.add(
            codes.INDICATOR_ACTION_UNKNOWN,
            f"序号 {seq} 所属实事编号 {ind.action} 不在实事列表中。",
            seq=seq,
            path=path + ".action",
            file=file,
        )
    for uid in ind.targets:
        if uid not in unit_ids:
            report.add(
                codes.TARGET_UNIT_UNKNOWN,
                f"序号 {seq} 有未知单位“{uid}”的目标。",
                action=f"单位须为：{'、'.join(cat.unit_ids)}。",
                seq=seq,
                path=f"{path}.targets.{uid}",
                file=file,
            )
    for uid in cat.unit_ids:
        if uid not in ind.targets:
            report.add(
                codes.TARGET_UNIT_MISSING,
                f"序号 {seq} 缺少单位“{uid}”的目标（空单元格请写 text 为空、type 为 none）。",
                seq=seq,
                path=f"{path}.targets",
                file=file,
            )


def _check_levels(
    ind: catmod.Indicator, city: TargetMeaning, path: str, report: Findings, file: str
) -> None:
    """Additive targets add up to the city's; a unit's threshold is not laxer than the city's."""
    seq = ind.seq
    if ind.additive:
        _check_sum(ind, path, report, file)
    elif city.type in ("threshold", "change") and city.value is not None:
        for uid, t in ind.targets.items():
            if t.type == city.type and t.value is not None and t.op == city.op:
                laxer = t.value < city.value if city.op == ">=" else t.value > city.value
                if laxer:
                    report.add(
                        codes.TARGET_LAXER_THAN_CITY,
                        f"序号 {seq} {uid}目标“{t.text}”的要求低于全市目标“{ind.city.text}”。",
                        action="核对分解表；照表保留。",
                        seq=seq,
                        unit=uid,
                        path=f"{path}.targets.{uid}",
                        file=file,
                    )


def _check_plan(
    ind: catmod.Indicator, city: TargetMeaning, path: str, report: Findings, file: str
) -> None:
    """The table's city figure against the plan's text."""
    seq = ind.seq
    if ind.plan is not None and city.value is not None:
        plan_value = float(ind.plan["value"])
        if abs(abs(plan_value) - abs(city.value)) > _SUM_TOLERANCE:
            report.add(
                codes.TARGET_PLAN_MISMATCH,
                f"序号 {seq} 表中全市目标“{ind.city.text}”与方案原文“{ind.plan['text']}”不一致"
                f"（{_fmt(city.value)} 对 {_fmt(plan_value)}）。",
                action="以分解表为准；请向牵头处室核实。",
                seq=seq,
                path=path + ".plan",
                file=file,
            )


def _check_sum(ind: catmod.Indicator, path: str, report: Findings, file: str) -> None:
    parts = [t.value for t in ind.targets.values() if t.type == "quantity" and t.value is not None]
    if not parts or ind.city_only or ind.city.value is None:
        return
    total = sum(parts)
    if abs(total - ind.city.value) > _SUM_TOLERANCE * max(1.0, abs(ind.city.value)):
        report.add(
            codes.TARGET_SUM_MISMATCH,
            f"序号 {ind.seq}“{ind.name}”各单位目标合计 {_fmt(round(total, 6))}{ind.measure_unit}，"
            f"全市目标 {_fmt(ind.city.value)}{ind.measure_unit}。",
            action="核对分解表；照表保留。",
            seq=ind.seq,
            path=path,
            file=file,
        )


def render_text(report: Findings) -> str:
    """The report as Chinese text, one problem per line, with a closing count.

    A problem placed in a sheet leads with its cell (``任务分解表!G6``); a detail (the schema
    validator's English sentence) follows on its own line.
    """
    lines = []
    for p in report.problems:
        line = f"[{SEVERITY_ZH[p.severity]}] "
        if p.cell:
            line += f"{p.sheet}!{p.cell}  "
        line += p.message
        if p.found and p.cell and p.found not in p.message:
            line += f"（单元格内容：“{p.found}”）"
        if not p.cell and (p.path or p.seq):
            line += f"  ({' '.join(x for x in (p.path, f'序号{p.seq}' if p.seq else '') if x)})"
        if p.action:
            line += f"  → {p.action}"
        line += f"  [{p.code}]"
        if p.detail:
            line += f"\n      详情：{p.detail}"
        lines.append(line)
    lines.append(
        f"共 {len(report.errors)} 个错误，{len(report.warnings)} 个警告。"
        + ("目录可以使用。" if report.valid else "目录有错误，不能使用。")
    )
    return "\n".join(lines)
