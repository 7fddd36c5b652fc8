"""Consolidation: a folder of returned workbooks becomes per-unit and city figures.

The steps: ``scan.scan`` reads and checks every file in bounded worker processes;
``evaluate`` identifies each (``IDENTITY_CHECKS``) and turns it into a Submission; the ledger
merges them and applies the supersede rule (``submission.decide``, stated once); ``_derive``
takes each unit's current return from the ledger and ``figures.compute_figures`` computes
value, completion and status. Rendering is elsewhere (``summary``, ``feedback``, ``dataout``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from workbook.catalogue.model import Catalogue, reporting_rows
from workbook.consolidation.figures import CityValue, UnitValue, compute_figures
from workbook.core import problems as codes
from workbook.core.errors import InputError
from workbook.core.findings import Problem
from workbook.core.layout import IDENTITY_FORMAT
from workbook.core.measures import measure
from workbook.core.period import Period, parse_period
from workbook.core.settings import template_text
from workbook.core.submission import (
    ACCEPTED,
    REJECTED,
    SKIPPED,
    SUPERSEDED,
    Submission,
)
from workbook.core.targets import (
    LAGGING,
)
from workbook.ledger.store import MEMORY, Ledger
from workbook.returns.filechecks import check_return
from workbook.returns.pool import Reading
from workbook.returns.read import RawReturn, find_files


@dataclass
class Consolidation:
    catalogue: Catalogue
    period: Period
    folder: str
    submissions: list[Submission] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    unit_values: dict[tuple[str, int], UnitValue] = field(default_factory=dict)
    city: dict[int, CityValue] = field(default_factory=dict)
    accepted: dict[str, Submission] = field(default_factory=dict)
    # unit -> 序号 -> (period, value): the latest accepted figure of an earlier period
    previous: dict[str, dict[int, tuple[str, float | str]]] = field(default_factory=dict)
    # period → unit → 序号 → accepted value, when the year has two periods or more (the
    # summary's 历史 sheet); empty for the first period, which 全市汇总 already shows
    history: dict[str, dict[str, dict[int, float | str]]] = field(default_factory=dict)
    generated_at: str = ""
    missing_units: list[str] = field(default_factory=list)
    # unit -> what it must still fix for this period (what its feedback workbook lists)
    open_problems: dict[str, list[Problem]] = field(default_factory=dict)
    recorded: int = 0  # ledger rows this run added or changed
    # unit -> 序号 -> start-of-year base of a stock, as the ledger holds it
    bases: dict[str, dict[int, float]] = field(default_factory=dict)
    ranking: list[Any] = field(default_factory=list)  # ranking.UnitScore, best first (晾晒)
    ranking_formula: str = ""
    chase: list[Any] = field(default_factory=list)  # chase.Chase: units to chase (催报)

    def lagging(self) -> list[UnitValue]:
        return [uv for uv in self.unit_values.values() if uv.status == LAGGING]


# --- identifying a file: is it a usable return of this catalogue and period? --------------


def _file_problem(
    sub: Submission, code: str, message: str, action: str, severity: str = "error"
) -> None:
    sub.found.append(
        Problem(
            code=code,
            severity=severity,
            message=message,
            action=action,
            unit=sub.unit,
            file=sub.name,
        )
    )


def _identify(raw: RawReturn, sub: Submission, cat: Catalogue, period: Period) -> bool:
    """Fill the submission's identity; False (with a problem) when the file cannot be used.
    The identity checks run in the order of ``IDENTITY_CHECKS``; the first to fail ends it."""
    return all(check(raw, sub, cat, period) for check in IDENTITY_CHECKS)


def _readable(raw: RawReturn, sub: Submission, cat: Catalogue, period: Period) -> bool:
    if not raw.error:
        return True
    sub.decision = raw.error
    if raw.error_code == codes.FILE_NOT_SPREADSHEET:
        sub.status = SKIPPED
        action, severity = "如确是填报表，请另存为 .xlsx 后报送。", "info"
    else:
        action, severity = "请检查文件，用下发的模板重新填报后报送。", "error"
    _file_problem(sub, raw.error_code, raw.error, action, severity)
    return False


def _issued_template(raw: RawReturn, sub: Submission, cat: Catalogue, period: Period) -> bool:
    ident = raw.identity
    if ident.get("format") != IDENTITY_FORMAT:
        sub.decision = "不是本系统下发的填报模板（没有模板身份信息）。"
        _file_problem(
            sub,
            codes.RETURN_UNIDENTIFIED,
            sub.decision,
            "请使用市局下发的模板填报，不要复制到新文件中。",
        )
        return False
    sub.unit = ident.get("unit", "")
    sub.period = ident.get("period", "")
    sub.template_version = ident.get("template_version", "")
    return True


def _this_catalogue(raw: RawReturn, sub: Submission, cat: Catalogue, period: Period) -> bool:
    if raw.identity.get("catalogue_id") != cat.catalogue_id:
        sub.decision = (
            f"模板属于另一套目录（{raw.identity.get('catalogue_id')}），不是本年度的十件实事。"
        )
        _file_problem(sub, codes.RETURN_OTHER_CATALOGUE, sub.decision, "请使用本年度下发的模板。")
        return False
    if not cat.has_unit(sub.unit):
        sub.decision = f"模板中的单位“{sub.unit}”不在目录中。"
        _file_problem(sub, codes.RETURN_UNKNOWN_UNIT, sub.decision, "请使用下发给本单位的模板。")
        return False
    return True


def _this_period(raw: RawReturn, sub: Submission, cat: Catalogue, period: Period) -> bool:
    try:
        their = parse_period(sub.period)
    except InputError:
        their = None
    if their == period:
        return True
    label = their.label if their else sub.period
    earlier = their is not None and their < period
    sub.status = SKIPPED
    sub.decision = f"这是{label}的模板，不是本期（{period.label}）的。"
    _file_problem(
        sub,
        codes.RETURN_EARLIER_PERIOD if earlier else codes.RETURN_OTHER_PERIOD,
        sub.decision,
        f"请用{period.label}的模板重新填报。",
    )
    return False


def _same_targets(raw: RawReturn, sub: Submission, cat: Catalogue, period: Period) -> bool:
    """A template of an earlier catalogue version is used when the unit's targets are the
    same (an info note), refused when they changed."""
    ident = raw.identity
    if ident.get("catalogue_version") == cat.version:
        return True
    if ident.get("targets_hash") != cat.unit_targets_hash(sub.unit):
        sub.decision = (
            f"模板按旧版目录（{ident.get('catalogue_version')}）生成，"
            f"目标任务与现行目录（{cat.version}）不同。"
        )
        _file_problem(sub, codes.RETURN_CATALOGUE_CHANGED, sub.decision, "请用重新下发的模板填报。")
        return False
    _file_problem(
        sub,
        codes.RETURN_CATALOGUE_VERSION,
        f"模板目录版本为 {ident.get('catalogue_version')}，现行为 {cat.version}，"
        "本单位目标未变，照常汇总。",
        "",
        "info",
    )
    return True


# What makes a file a usable return of this catalogue and period, in order (``_identify``);
# then the file's cells are checked (``returns.FILE_CHECKS``, ``rowcheck.check_row``) and the
# supersede rule picks each unit's current return (``submission.decide``).
IDENTITY_CHECKS: tuple[Callable[[RawReturn, Submission, Catalogue, Period], bool], ...] = (
    _readable,
    _issued_template,
    _this_catalogue,
    _this_period,
    _same_targets,
)


def evaluate(raw: RawReturn, root: Path, cat: Catalogue, period: Period) -> Submission:
    """What one read file is for ``period``: its identity, problems and values, and whether
    it may be accepted (``eligible``). Which eligible file counts is decided later, over the
    ledger (``submission.decide``)."""
    sub = Submission(
        path=raw.path,
        name=Path(raw.path).relative_to(root).as_posix(),
        size=raw.size,
        sha256=raw.sha256,
        mtime=raw.mtime,
    )
    if not _identify(raw, sub, cat, period):
        if sub.status != SKIPPED:
            sub.status = REJECTED
        return sub
    checked = raw.checked or check_return(raw, cat, period.code)
    raw.grid = []  # checked: the cell values are no longer needed
    for p in checked.problems:
        p.file = sub.name
    sub.found.extend(checked.problems)
    sub.values, sub.signature = checked.values, checked.signature
    if not checked.usable:  # the table could not be found: nothing to count, nothing to keep
        sub.status, sub.decision = REJECTED, checked.problems[-1].message
        return sub
    sub.eligible, sub.status, sub.decision = True, SUPERSEDED, ""
    return sub


def start_reading(
    folder: Path | str,
    period: Period,
    settings: dict[str, Any],
    workers: int | None = None,
    cat: Catalogue | None = None,
) -> Reading:
    """Start reading every file below ``folder`` in bounded workers. Without ``cat`` the
    reading goes on while the catalogue loads (``Reading.supply`` hands it over)."""
    root = Path(folder)
    if not root.is_dir():
        raise InputError(f"找不到回收文件夹：{root}")
    return Reading(
        find_files(root),
        int(settings["max_file_bytes"]),
        float(settings["max_seconds_per_file"]),
        workers,
        cat=cat,
        period_code=period.code,
    )


def check_period_year(cat: Catalogue, period: Period) -> None:
    """Refuse a period outside the catalogue's year, before anything is written."""
    if period.year != cat.year:
        raise InputError(
            f"期次 {period.code}（{period.label}）属于 {period.year} 年，而所用目录"
            f"（{cat.catalogue_id} {cat.version}）是 {cat.year} 年的。请指定 {period.year} 年的"
            f"目录（命令行用 --catalogue，汇总工作簿填“目录文件”），或改正期次。"
        )


def consolidate(
    folder: Path | str,
    cat: Catalogue,
    period: Period,
    settings: dict[str, Any] | None = None,
    workers: int | None = None,
    ledger: Ledger | None = None,
    progress: Callable[[int, int], None] | None = None,
    reading: Reading | None = None,
) -> Consolidation:
    """Consolidate every return below ``folder`` for ``period``; never modifies a file.

    The folder's files are merged into ``ledger`` (an in-memory one when None) inside its open
    transaction, each unit's current return is decided over everything the ledger holds for
    the period, and every figure is derived from that. Committing is the caller's step
    (``run.run_consolidation``); a ledger that is not committed is left as it was.
    ``reading``: the folder's files, already being read (``start_reading``).
    """
    from workbook.core.settings import load_settings

    check_period_year(cat, period)
    settings = settings or load_settings()
    root = Path(folder)
    files = reading or start_reading(root, period, settings, workers, cat)
    files.supply(cat)
    subs: list[Submission] = []

    def arrived(raw: RawReturn) -> None:
        subs.append(evaluate(raw, root, cat, period))
        if progress is not None:
            progress(len(subs), len(files.paths))

    with files:
        files.collect(arrived)
    subs.sort(key=lambda sub: sub.path)
    ledger = ledger or Ledger(MEMORY)
    touched = ledger.merge(cat.catalogue_id, cat.version, period.code, subs)
    touched |= ledger.decide(cat.catalogue_id, period.code)
    result = Consolidation(
        catalogue=cat,
        period=period,
        folder=str(root),
        generated_at=datetime.now().isoformat(timespec="seconds"),
        recorded=len(touched),
    )
    _derive(result, ledger)
    _follow_up(result, settings)
    return result


def _follow_up(result: Consolidation, settings: dict[str, Any]) -> None:
    """What the office does after the workbook: the 晾晒 ranking and the 催报 list."""
    from workbook.consolidation.chase import chase_list
    from workbook.consolidation.ranking import formula_text, rank_units

    result.ranking = rank_units(result, settings)
    result.ranking_formula = formula_text(settings)
    result.chase = chase_list(result, settings)


def _derive(result: Consolidation, ledger: Ledger) -> None:
    """Fill ``result`` from the ledger: files, current returns, problems, figures, history."""
    cat, period = result.catalogue, result.period
    result.submissions = ledger.submissions(cat.catalogue_id, period.code)
    result.accepted = {s.unit: s for s in result.submissions if s.status == ACCEPTED}
    result.previous = ledger.latest_before(cat.catalogue_id, period)
    result.bases = ledger.bases(cat.catalogue_id, period.year)
    decreased = _decreases(result)
    for sub in result.submissions:
        current = result.accepted.get(sub.unit)
        if sub.status == SUPERSEDED or (
            sub.status != ACCEPTED and current is not None and sub.mtime < current.mtime
        ):
            continue  # a later file of the same unit replaced it: nothing left to act on
        mine = sub.found + (decreased.get(sub.unit, []) if sub.status == ACCEPTED else [])
        result.problems.extend(mine)
        to_fix = [p for p in mine if p.severity in ("error", "warning")]
        if sub.unit and to_fix:
            result.open_problems.setdefault(sub.unit, []).extend(to_fix)
    result.missing_units = [
        u for u in cat.unit_ids if u not in result.accepted and reporting_rows(cat, u)
    ]
    for unit in result.missing_units:
        result.problems.append(
            Problem(
                code=codes.UNIT_NOT_SUBMITTED,
                severity="error",
                unit=unit,
                message=f"{unit}未报送本期（{period.label}）填报表。",
                action="请尽快报送。",
            )
        )
    result.unit_values, result.city = compute_figures(
        cat, period.months, result.accepted, result.bases
    )
    if len(ledger.periods(cat.catalogue_id, period.year)) > 1:
        result.history = ledger.history(cat.catalogue_id, period.year)


def _decreases(result: Consolidation) -> dict[str, list[Problem]]:
    """Unit → warnings where a cumulative value is lower than the latest figure accepted for
    an earlier period of the year (the 上期累计 its next template carries)."""
    out: dict[str, list[Problem]] = {}
    for unit, sub in result.accepted.items():
        before = result.previous.get(unit)
        if not before:  # nothing accepted earlier in the year: nothing to compare with
            continue
        for seq, rec in sub.values.items():
            ind = result.catalogue.indicator(seq)
            code, old = before.get(seq, ("", None))
            if (
                measure(ind.measure).additive
                and isinstance(rec.value, float | int)
                and isinstance(old, float | int)
                and rec.value < old - 1e-9
            ):
                out.setdefault(unit, []).append(
                    Problem(
                        code=codes.VALUE_DECREASED,
                        severity="warning",
                        unit=unit,
                        file=sub.name,
                        sheet=template_text()["sheet_report"],
                        cell=rec.cell,
                        seq=seq,
                        found=rec.raw,
                        message=f"序号 {seq}（{ind.name}）累计完成 {rec.value:g} 小于"
                        f"{parse_period(code).label}已确认的累计数 {old:g}。",
                        action="累计数一般不应减少；如上期有误或数据核减，请在备注中说明。",
                    )
                )
    return out
