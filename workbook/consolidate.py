"""Consolidation: a folder of returned workbooks becomes per-unit and city figures.

``scan`` reads every file in worker processes, each bounded in memory and time, so one damaged
or hostile file is reported and the others go on. ``consolidate`` identifies each return by its
template identity, decides between duplicates by a stated rule, re-checks every cell and
computes value, completion and status for every unit and indicator. Rendering is elsewhere
(``summary``).
"""

from __future__ import annotations

import gc
import multiprocessing as mp
import multiprocessing.pool as mp_pool
import os
import signal
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from workbook.catalogue import Catalogue, Indicator, Target, reporting_rows
from workbook.errors import InputError
from workbook.layout import IDENTITY_FORMAT
from workbook.ledger import MEMORY, Ledger
from workbook.measures import measure
from workbook.period import Period, parse_period
from workbook.reader import RawReturn, find_files, read_file
from workbook.report import Problem
from workbook.returns import check_return
from workbook.settings import template_text
from workbook.submission import (
    ACCEPTED,
    REJECTED,
    SKIPPED,
    SUPERSEDED,
    Submission,
)
from workbook.targets import (
    DONE,
    IN_PROGRESS,
    LAGGING,
    MISSING,
    NOT_APPLICABLE,
    ON_TRACK,
    PARTIAL,
    completion,
    status,
)

MEMORY_LIMIT_BYTES = 1_500_000_000


@dataclass(slots=True)
class UnitValue:
    unit: str
    seq: int
    target: Target
    value: float | str | None = None
    completion: float | None = None
    status: str = MISSING
    progress: str = ""
    problems: str = ""
    remark: str = ""
    cell: str = ""
    file: str = ""
    base: float | None = None  # the start-of-year base of a stock


@dataclass
class CityValue:
    seq: int
    value: float | str | None = None
    completion: float | None = None
    status: str = MISSING
    reached: int = 0  # units meeting their own target (thresholds, changes, commitments)
    reporting: int = 0  # units that reported a usable value
    expected: int = 0  # units with a target for this row
    note: str = ""


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


# --- scanning, one worker process per file at a time -----------------------------------------


_WORKER: dict[str, Any] = {}


def _init_worker(limit: int, cat: Catalogue | None, period_code: str) -> None:
    """Cap the worker's memory and give it the catalogue once (not once per file). Ctrl-C is
    the main process's to handle: a worker ignores it, and is ended by the main process."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER.update(cat=cat, period=period_code)
    # What the worker inherited (the catalogue above all) lives until it exits: keep it out
    # of the collector's full passes, which otherwise walk it again and again.
    gc.freeze()
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):  # not on Windows; best effort elsewhere
        pass


def _read_and_check(path: str) -> RawReturn:
    """The worker's job: read a file and, when it names a known unit, check it too, so the
    checking runs on both cores; the grid, formats and formula cells are dropped once
    checked."""
    raw = read_file(path)
    cat = _WORKER.get("cat")
    if (
        cat is not None
        and not raw.error
        and raw.identity.get("format") == IDENTITY_FORMAT
        and cat.has_unit(raw.identity.get("unit", ""))
    ):
        raw.checked = check_return(raw, cat, _WORKER["period"])
        # checked: what was read for the check stays here (7.5 KB -> 4.5 KB to pickle)
        raw.grid, raw.formats, raw.formula_cells = [], {}, []
    return raw


def _rejected(path: Path, code: str, message: str) -> RawReturn:
    return RawReturn(path=str(path), error_code=code, error=message)


def scan(
    paths: list[Path],
    max_bytes: int,
    seconds: float,
    workers: int | None = None,
    memory_limit: int = MEMORY_LIMIT_BYTES,
    on_result: Callable[[RawReturn], None] | None = None,
    cat: Catalogue | None = None,
    period_code: str = "",
) -> list[RawReturn]:
    """Read every file, each in a worker bounded by ``memory_limit`` and ``seconds``.

    With ``cat``, workers also check each identified return against it (``RawReturn.checked``).
    A file over ``max_bytes`` is not opened. A file that takes too long or kills its worker is
    reported and the pool is restarted for the rest. ``on_result`` is called in this process
    for each result as it arrives, so checking one file overlaps with reading the next ones.
    Returns results in the order of ``paths``.
    """
    results = _Results(on_result)
    todo = []
    for p in paths:
        try:
            size = p.stat().st_size
        except OSError as exc:
            results[str(p)] = _rejected(p, "file.unreadable", f"无法读取文件：{exc}")
            continue
        if size > max_bytes:
            results[str(p)] = _rejected(
                p,
                "file.too_large",
                f"文件过大（{size // 1_000_000} MB，上限 {max_bytes // 1_000_000} MB），未打开。",
            )
        else:
            todo.append(str(p))
    n = workers or min(2, os.cpu_count() or 1)
    method = "fork" if "fork" in mp.get_all_start_methods() else "spawn"
    ctx = mp.get_context(method)
    while todo:
        pool = _QuietPool(
            processes=max(1, min(n, len(todo))),
            initializer=_init_worker,
            initargs=(memory_limit, cat, period_code),
            context=ctx,
        )
        try:
            todo, broken = _collect(pool, todo, results, seconds)
        except BaseException:  # Ctrl-C or a failing callback: no worker outlives the run
            pool.terminate()
            pool.join()
            raise
        if broken:
            pool.terminate()
        else:
            pool.close()
        pool.join()
    return [results[str(p)] for p in paths]


class _QuietPool(mp_pool.Pool):
    """A Pool whose worker-handler thread wakes when a worker exits or the pool changes, not
    on every result. CPython's Pool (3.8-3.13) also waits on the result queue in that thread,
    so with 1,000 results it looped through about 0.8 s of the main process's CPU, taken from
    the two cores the readers run on. Dead workers are still replaced: the thread still
    watches every worker's sentinel. (A private hook of CPython's Pool; tests/test_consolidate
    .py checks that a worker dying mid-task is replaced and that a hanging file times out.)"""

    def _get_sentinels(self) -> list[Any]:
        return [self._change_notifier._reader]  # type: ignore[attr-defined]


def _collect(
    pool: Any, keys: list[str], results: _Results, seconds: float
) -> tuple[list[str], bool]:
    """Results of ``keys`` from ``pool``; returns the keys to retry in a new pool (after one
    timed out) and whether the pool is broken."""
    jobs = [(key, pool.apply_async(_read_and_check, (key,))) for key in keys]
    todo: list[str] = []
    broken = False
    for key, job in jobs:
        if broken:
            if job.ready():
                try:
                    results[key] = job.get(0)
                except Exception:
                    todo.append(key)
            else:
                todo.append(key)
            continue
        try:
            results[key] = job.get(timeout=seconds)
        except mp.TimeoutError:
            results[key] = _rejected(
                Path(key),
                "file.timeout",
                f"读取超过 {seconds:g} 秒仍未完成（文件可能已损坏或过于复杂），已跳过。",
            )
            broken = True
        except Exception as exc:  # MemoryError and anything else from the worker
            results[key] = _rejected(
                Path(key), "file.damaged", f"读取时出错：{type(exc).__name__}: {str(exc)[:200]}"
            )
    return todo, broken


class _Results(dict[str, RawReturn]):
    """Scan results that are handed to a callback as they are stored."""

    def __init__(self, on_result: Callable[[RawReturn], None] | None) -> None:
        super().__init__()
        self.on_result = on_result

    def __setitem__(self, key: str, value: RawReturn) -> None:
        super().__setitem__(key, value)
        if self.on_result is not None:
            self.on_result(value)


# --- deciding and checking ------------------------------------------------------------------


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
    """Fill the submission's identity; False (with a problem) when the file cannot be used."""
    ident = raw.identity
    if raw.error:
        sub.decision = raw.error
        if raw.error_code == "file.not_spreadsheet":
            sub.status = SKIPPED
            action, severity = "如确是填报表，请另存为 .xlsx 后报送。", "info"
        else:
            action, severity = "请检查文件，用下发的模板重新填报后报送。", "error"
        _file_problem(sub, raw.error_code, raw.error, action, severity)
        return False
    if ident.get("format") != IDENTITY_FORMAT:
        sub.decision = "不是本系统下发的填报模板（没有模板身份信息）。"
        _file_problem(
            sub,
            "return.unidentified",
            sub.decision,
            "请使用市局下发的模板填报，不要复制到新文件中。",
        )
        return False
    sub.unit = ident.get("unit", "")
    sub.period = ident.get("period", "")
    sub.template_version = ident.get("template_version", "")
    if ident.get("catalogue_id") != cat.catalogue_id:
        sub.decision = f"模板属于另一套目录（{ident.get('catalogue_id')}），不是本年度的十件实事。"
        _file_problem(sub, "return.other_catalogue", sub.decision, "请使用本年度下发的模板。")
        return False
    if not cat.has_unit(sub.unit):
        sub.decision = f"模板中的单位“{sub.unit}”不在目录中。"
        _file_problem(sub, "return.unknown_unit", sub.decision, "请使用下发给本单位的模板。")
        return False
    try:
        their = parse_period(sub.period)
    except InputError:
        their = None
    if their != period:
        label = their.label if their else sub.period
        earlier = their is not None and their < period
        sub.status = SKIPPED
        sub.decision = f"这是{label}的模板，不是本期（{period.label}）的。"
        _file_problem(
            sub,
            "return.earlier_period" if earlier else "return.other_period",
            sub.decision,
            f"请用{period.label}的模板重新填报。",
        )
        return False
    if ident.get("catalogue_version") != cat.version:
        if ident.get("targets_hash") != cat.unit_targets_hash(sub.unit):
            sub.decision = (
                f"模板按旧版目录（{ident.get('catalogue_version')}）生成，"
                f"目标任务与现行目录（{cat.version}）不同。"
            )
            _file_problem(sub, "return.catalogue_changed", sub.decision, "请用重新下发的模板填报。")
            return False
        _file_problem(
            sub,
            "return.catalogue_version",
            f"模板目录版本为 {ident.get('catalogue_version')}，现行为 {cat.version}，"
            "本单位目标未变，照常汇总。",
            "",
            "info",
        )
    return True


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
    sub.eligible, sub.status, sub.decision = True, SUPERSEDED, ""
    return sub


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
) -> Consolidation:
    """Consolidate every return below ``folder`` for ``period``; never modifies a file.

    The folder's files are merged into ``ledger`` (an in-memory one when None) inside its open
    transaction, each unit's current return is decided over everything the ledger holds for
    the period, and every figure is derived from that. Committing is the caller's step
    (``run.run_consolidation``); a ledger that is not committed is left as it was.
    """
    from workbook.settings import load_settings

    check_period_year(cat, period)
    settings = settings or load_settings()
    root = Path(folder)
    if not root.is_dir():
        raise InputError(f"找不到回收文件夹：{root}")
    subs: list[Submission] = []
    files = find_files(root)

    def arrived(raw: RawReturn) -> None:
        subs.append(evaluate(raw, root, cat, period))
        if progress is not None:
            progress(len(subs), len(files))

    scan(
        files,
        int(settings["max_file_bytes"]),
        float(settings["max_seconds_per_file"]),
        workers,
        on_result=arrived,
        cat=cat,
        period_code=period.code,
    )
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
    from workbook.chase import chase_list
    from workbook.ranking import formula_text, rank_units

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
                code="unit.not_submitted",
                severity="error",
                unit=unit,
                message=f"{unit}未报送本期（{period.label}）填报表。",
                action="请尽快报送。",
            )
        )
    _compute(result)
    if len(ledger.periods(cat.catalogue_id, period.year)) > 1:
        result.history = ledger.history(cat.catalogue_id, period.year)


def _decreases(result: Consolidation) -> dict[str, list[Problem]]:
    """Unit → warnings where a cumulative value is lower than the latest figure accepted for
    an earlier period of the year (the 上期累计 its next template carries)."""
    out: dict[str, list[Problem]] = {}
    for unit, sub in result.accepted.items():
        before = result.previous.get(unit, {})
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
                        code="value.decreased",
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


def _compute(result: Consolidation) -> None:
    cat, months = result.catalogue, result.period.months
    shares = {ind.seq: ind.expected_share(months) for ind in cat.indicators}
    for unit in cat.unit_ids:
        ret = result.accepted.get(unit)
        file_name = ret.name if ret else ""
        carried = result.bases.get(unit, {})
        for row in reporting_rows(cat, unit):
            ind = row.indicator
            uv = UnitValue(unit=unit, seq=ind.seq, target=row.target)
            rec = ret.values.get(ind.seq) if ret else None
            if rec is not None:
                uv.value, uv.progress, uv.problems, uv.remark = (
                    rec.value,
                    rec.progress,
                    rec.problems,
                    rec.remark,
                )
                uv.cell, uv.file = rec.cell, file_name
                uv.base = rec.base
            if measure(ind.measure).base and uv.base is None:
                uv.base = carried.get(ind.seq)
            numeric = uv.value if isinstance(uv.value, float | int) else None
            share = shares[ind.seq]
            t = row.target
            uv.completion = completion(ind.measure, t.value, numeric, uv.base)
            uv.status = status(ind.measure, t.op, t.value, uv.value, share, uv.base)
            result.unit_values[(unit, ind.seq)] = uv
    by_seq: dict[int, list[UnitValue]] = {}
    for uv in result.unit_values.values():
        by_seq.setdefault(uv.seq, []).append(uv)
    for ind in cat.indicators:
        mine = by_seq.get(ind.seq, [])
        result.city[ind.seq] = _city_value(ind, mine, shares[ind.seq])


def _names(uvs: list[UnitValue]) -> str:
    return "、".join(uv.unit for uv in uvs)


def _city_value(ind: Indicator, mine: list[UnitValue], share: float) -> CityValue:
    """The city row: 市局's own figure for city-only rows; the sum for additive rows (with
    未报齐 while units are missing, the reported part judged against its own targets); for
    per-unit targets, met when every unit meets its own target."""
    cv = CityValue(seq=ind.seq, expected=len(mine))
    cv.reporting = sum(1 for uv in mine if uv.value is not None)
    if not mine:
        cv.status = NOT_APPLICABLE
        return cv
    if ind.city_only:
        uv = mine[0]
        cv.value, cv.completion, cv.status = uv.value, uv.completion, uv.status
        cv.reached = int(uv.status in (DONE, ON_TRACK))
        cv.note = f"全市值为{uv.unit}报送的数"
        return cv
    if ind.additive:
        _city_sum(ind, mine, share, cv)
    else:
        _city_per_unit(ind, mine, cv)
    return cv


def _city_sum(ind: Indicator, mine: list[UnitValue], share: float, cv: CityValue) -> None:
    kind, city = ind.measure, ind.city
    m = measure(kind)
    figures = {
        uv.unit: float(uv.value)
        for uv in mine
        if isinstance(uv.value, float | int) and (not m.base or uv.base is not None)
    }
    judged = [uv for uv in mine if uv.unit in figures]
    missing = [uv for uv in mine if uv.unit not in figures]
    total = round(sum(figures.values()), 6)
    cv.value = total if judged else None
    cv.reached = sum(1 for uv in mine if uv.status == DONE)
    notes = []
    unit_sum = sum(uv.target.value or 0 for uv in mine)
    if city.value is not None and abs(unit_sum - city.value) > 1e-6:
        notes.append(
            f"各单位目标合计 {unit_sum:g}{ind.unit}，与全市目标 {city.value:g}{ind.unit} 不一致"
            "（照分解表保留），全市按全市目标判断"
        )
    if not judged:
        cv.status = MISSING
    elif missing:
        part_target = sum(uv.target.value or 0 for uv in judged)
        part_base = sum(uv.base or 0 for uv in judged) if m.base else None
        part = status(kind, ">=", part_target, total, share, part_base)
        cv.status = PARTIAL
        cv.completion = completion(kind, city.value, total)
        notes.insert(
            0,
            f"未报齐：{_names(missing)}未报送"
            + ("或缺年初基数" if m.base else "")
            + f"；已报 {len(judged)}/{len(mine)} 个单位合计 {total:g}，"
            f"其目标合计 {part_target:g}，按序时进度{part}",
        )
    else:
        base = round(sum(uv.base or 0 for uv in judged), 6) if m.base else None
        cv.completion = completion(kind, city.value, total, base)
        cv.status = status(kind, city.op, city.value, total, share, base)
        if base is not None:
            notes.insert(0, f"年初基数合计 {base:g}")
    cv.note = "；".join(notes)


def _city_per_unit(ind: Indicator, mine: list[UnitValue], cv: CityValue) -> None:
    city = ind.city
    lagging = [uv for uv in mine if uv.status == LAGGING]
    stepping = [uv for uv in mine if uv.status == IN_PROGRESS]
    missing = [uv for uv in mine if uv.status == MISSING]
    cv.reached = sum(1 for uv in mine if uv.status in (DONE, ON_TRACK))
    if lagging:
        cv.status = LAGGING
    elif len(missing) == len(mine):
        cv.status = MISSING
    elif missing:
        cv.status = PARTIAL
    elif stepping:
        cv.status = IN_PROGRESS
    elif all(uv.status == DONE for uv in mine):
        cv.status = DONE
    else:
        cv.status = ON_TRACK
    notes = [f"{cv.reached}/{len(mine)} 个单位达到本单位目标"]
    if lagging:
        notes.append(f"滞后：{_names(lagging)}")
    if missing:
        notes.append(f"未报送：{_names(missing)}")
    nums = [float(uv.value) for uv in mine if isinstance(uv.value, float | int)]
    if nums and city.op is not None and city.value is not None:
        worst = min(nums) if city.op == ">=" else max(nums)
        cv.value = worst
        cv.completion = completion(ind.measure, city.value, worst)
        shown = f"{worst:g}{'%' if measure(ind.measure).percent else ind.unit}"
        notes.append(f"全市值取各单位中最差的 {shown}（方案未给出分母，不计算加权比率）")
    cv.note = "；".join(notes)
