"""Consolidation: a folder of returned workbooks becomes per-unit and city figures.

``scan`` reads every file in worker processes, each bounded in memory and time, so one damaged
or hostile file is reported and the others go on. ``consolidate`` identifies each return by its
template identity, decides between duplicates by a stated rule, re-checks every cell and
computes value, completion and status for every unit and indicator. Rendering is elsewhere
(``summary``).
"""

from __future__ import annotations

import multiprocessing as mp
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from workbook.catalogue import Catalogue, Indicator, Target, reporting_rows
from workbook.errors import InputError
from workbook.ledger import Ledger
from workbook.period import Period, parse_period
from workbook.report import Problem
from workbook.returns import CheckedReturn, RawReturn, check_return, find_files, read_file
from workbook.targets import (
    DONE,
    LAGGING,
    MISSING,
    NOT_APPLICABLE,
    ON_TRACK,
    completion,
    meets,
    status,
)
from workbook.template import IDENTITY_FORMAT

ACCEPTED, REJECTED, SUPERSEDED, SKIPPED = "accepted", "rejected", "superseded", "skipped"
STATUS_ZH = {ACCEPTED: "采用", REJECTED: "退回", SUPERSEDED: "已被替代", SKIPPED: "跳过"}
DUPLICATE_RULE = (
    "同一单位报送多份时，采用文件修改时间最新的一份；时间相同时采用错误较少的一份；"
    "其余标为“已被替代”，仍列在报送情况和问题清单中。"
)
MEMORY_LIMIT_BYTES = 1_500_000_000


@dataclass
class Submission:
    """One file found in the returns folder and what was decided about it."""

    path: str
    name: str
    size: int = 0
    sha256: str = ""
    mtime: str = ""
    unit: str = ""
    period: str = ""
    template_version: str = ""
    status: str = REJECTED
    decision: str = ""
    problems: int = 0
    errors: int = 0

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


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
    accepted: dict[str, CheckedReturn] = field(default_factory=dict)
    checked_by_sha: dict[str, CheckedReturn] = field(default_factory=dict)
    previous: dict[str, dict[int, float | str]] = field(default_factory=dict)
    history: dict[str, dict[str, dict[int, float | str]]] = field(default_factory=dict)
    generated_at: str = ""

    missing_units: list[str] = field(default_factory=list)

    def lagging(self) -> list[UnitValue]:
        return [uv for uv in self.unit_values.values() if uv.status == LAGGING]


# --- scanning, one worker process per file at a time -----------------------------------------


_WORKER: dict[str, Any] = {}


def _init_worker(limit: int, cat: Catalogue | None, period_code: str) -> None:
    """Cap the worker's memory and give it the catalogue once (not once per file)."""
    _WORKER.update(cat=cat, period=period_code)
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):  # not on Windows; best effort elsewhere
        pass


def _read_and_check(path: str) -> RawReturn:
    """The worker's job: read a file and, when it names a known unit, check it too, so the
    checking runs on both cores; the cell grid is dropped once checked."""
    raw = read_file(path)
    cat = _WORKER.get("cat")
    if (
        cat is not None
        and not raw.error
        and raw.identity.get("format") == IDENTITY_FORMAT
        and cat.has_unit(raw.identity.get("unit", ""))
    ):
        raw.checked = check_return(raw, cat, _WORKER["period"])
        raw.grid = []
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
        pool = ctx.Pool(
            processes=max(1, min(n, len(todo))),
            initializer=_init_worker,
            initargs=(memory_limit, cat, period_code),
        )
        jobs = [(key, pool.apply_async(_read_and_check, (key,))) for key in todo]
        todo = []
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
        if broken:
            pool.terminate()
        else:
            pool.close()
        pool.join()
    return [results[str(p)] for p in paths]


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
) -> Problem:
    return Problem(
        code=code, severity=severity, message=message, action=action, unit=sub.unit, file=sub.name
    )


def _identify(
    raw: RawReturn, sub: Submission, cat: Catalogue, period: Period, problems: list[Problem]
) -> bool:
    """Fill the submission's identity; False (with a problem) when the file cannot be used."""
    ident = raw.identity
    if raw.error:
        sub.decision = raw.error
        if raw.error_code == "file.not_spreadsheet":
            sub.status = SKIPPED
            action, severity = "如确是填报表，请另存为 .xlsx 后报送。", "info"
        else:
            action, severity = "请检查文件，用下发的模板重新填报后报送。", "error"
        problems.append(_file_problem(sub, raw.error_code, raw.error, action, severity))
        return False
    if ident.get("format") != IDENTITY_FORMAT:
        sub.decision = "不是本系统下发的填报模板（没有模板身份信息）。"
        problems.append(
            _file_problem(
                sub,
                "return.unidentified",
                sub.decision,
                "请使用市局下发的模板填报，不要复制到新文件中。",
            )
        )
        return False
    sub.unit = ident.get("unit", "")
    sub.period = ident.get("period", "")
    sub.template_version = ident.get("template_version", "")
    if ident.get("catalogue_id") != cat.catalogue_id:
        sub.decision = f"模板属于另一套目录（{ident.get('catalogue_id')}），不是本年度的十件实事。"
        problems.append(
            _file_problem(sub, "return.other_catalogue", sub.decision, "请使用本年度下发的模板。")
        )
        return False
    if not cat.has_unit(sub.unit):
        sub.decision = f"模板中的单位“{sub.unit}”不在目录中。"
        problems.append(
            _file_problem(sub, "return.unknown_unit", sub.decision, "请使用下发给本单位的模板。")
        )
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
        problems.append(
            _file_problem(
                sub,
                "return.earlier_period" if earlier else "return.other_period",
                sub.decision,
                f"请用{period.label}的模板重新填报。",
            )
        )
        return False
    if ident.get("catalogue_version") != cat.version:
        if ident.get("targets_hash") != cat.unit_targets_hash(sub.unit):
            sub.decision = (
                f"模板按旧版目录（{ident.get('catalogue_version')}）生成，"
                f"目标任务与现行目录（{cat.version}）不同。"
            )
            problems.append(
                _file_problem(
                    sub, "return.catalogue_changed", sub.decision, "请用重新下发的模板填报。"
                )
            )
            return False
        problems.append(
            Problem(
                code="return.catalogue_version",
                severity="info",
                unit=sub.unit,
                file=sub.name,
                message=(
                    f"模板目录版本为 {ident.get('catalogue_version')}，现行为 {cat.version}，"
                    "本单位目标未变，照常汇总。"
                ),
            )
        )
    return True


def consolidate(
    folder: Path | str,
    cat: Catalogue,
    period: Period,
    settings: dict[str, Any] | None = None,
    workers: int | None = None,
    ledger: Ledger | None = None,
) -> Consolidation:
    """Consolidate every return below ``folder`` for ``period``; never modifies a file.

    With a ``ledger``, values lower than the previous period's accepted cumulative value are
    warned about, and ``history`` holds the year so far. Recording into the ledger is the
    caller's separate step (``Ledger.record``).
    """
    from workbook.settings import load_settings

    settings = settings or load_settings()
    root = Path(folder)
    if not root.is_dir():
        raise InputError(f"找不到回收文件夹：{root}")
    result = Consolidation(
        catalogue=cat,
        period=period,
        folder=str(root),
        generated_at=datetime.now().isoformat(timespec="seconds"),
    )
    paths = find_files(root)
    candidates: list[tuple[Submission, RawReturn]] = []
    checked: dict[int, CheckedReturn] = {}
    seen_hash: dict[str, Submission] = {}

    def handle(raw: RawReturn) -> None:
        p = Path(raw.path)
        sub = Submission(
            path=raw.path,
            name=str(p.relative_to(root)),
            size=raw.size,
            sha256=raw.sha256,
            mtime=raw.mtime,
        )
        result.submissions.append(sub)
        if not _identify(raw, sub, cat, period, result.problems):
            if sub.status != SKIPPED:
                sub.status = REJECTED
            return
        twin = seen_hash.get(raw.sha256)
        if twin is not None:
            sub.status = SKIPPED
            sub.decision = f"与“{twin.name}”内容完全相同，按重复文件跳过。"
            return
        seen_hash[raw.sha256] = sub
        candidates.append((sub, raw))
        checked[id(sub)] = raw.checked or check_return(raw, cat, period.code)
        raw.grid = []  # checked: the cell values are no longer needed

    scan(
        paths,
        int(settings["max_file_bytes"]),
        float(settings["max_seconds_per_file"]),
        workers,
        on_result=handle,
        cat=cat,
        period_code=period.code,
    )
    order = {str(p): i for i, p in enumerate(paths)}
    result.submissions.sort(key=lambda sub: order[sub.path])
    result.checked_by_sha = {raw.sha256: checked[id(sub)] for sub, raw in candidates}
    by_unit: dict[str, list[Submission]] = {}
    for sub, _raw in candidates:
        by_unit.setdefault(sub.unit, []).append(sub)
    for unit, subs in by_unit.items():
        ranked = sorted(
            subs, key=lambda s: (s.mtime, -checked[id(s)].error_count, s.name), reverse=True
        )
        winner = ranked[0]
        winner.status = ACCEPTED
        winner.decision = "采用"
        result.accepted[unit] = checked[id(winner)]
        for loser in ranked[1:]:
            loser.status = SUPERSEDED
            loser.decision = f"同一单位另有较新的文件“{winner.name}”，本文件不采用。"
        if len(ranked) > 1:
            winner.decision = f"采用（同一单位共 {len(ranked)} 份，按规则取最新的一份）"
    if ledger is not None:
        prev = period.previous()
        result.previous = ledger.accepted_values(cat.catalogue_id, prev.code) if prev else {}
        _check_decreases(result, period)
    for sub, _raw in candidates:
        cr = checked[id(sub)]
        result.problems.extend(cr.problems)
    by_file: dict[str, list[Problem]] = {}
    for prob in result.problems:
        by_file.setdefault(prob.file, []).append(prob)
    for sub in result.submissions:
        mine = by_file.get(sub.name, [])
        sub.problems = len(mine)
        sub.errors = sum(1 for prob in mine if prob.severity == "error")
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
    if ledger is not None:
        result.history = ledger.history(cat.catalogue_id, period.year)
        result.history[period.code] = {
            unit: {seq: rec.value for seq, rec in ret.values.items() if rec.value is not None}
            for unit, ret in result.accepted.items()
        }
        result.history = dict(sorted(result.history.items()))
    return result


def _check_decreases(result: Consolidation, period: Period) -> None:
    """Warn where a cumulative value is lower than the previous period's accepted one."""
    prev_label = prev.label if (prev := period.previous()) else "上期"
    for unit, ret in result.accepted.items():
        before = result.previous.get(unit, {})
        for seq, rec in ret.values.items():
            ind = result.catalogue.indicator(seq)
            old = before.get(seq)
            if (
                ind.measure in ("count", "amount")
                and isinstance(rec.value, float | int)
                and isinstance(old, float | int)
                and rec.value < old - 1e-9
            ):
                ret.problems.append(
                    Problem(
                        code="value.decreased",
                        severity="warning",
                        unit=unit,
                        file=Path(ret.raw.path).name,
                        sheet=ret.raw.report_sheet,
                        cell=rec.cell,
                        seq=seq,
                        found=rec.raw,
                        message=f"序号 {seq}（{ind.name}）累计完成 {rec.value:g} 小于"
                        f"{prev_label}已确认的累计数 {old:g}。",
                        action="累计数一般不应减少；如上期有误或数据核减，请在备注中说明。",
                    )
                )


def _compute(result: Consolidation) -> None:
    cat, share = result.catalogue, result.period.share
    for unit in cat.unit_ids:
        ret = result.accepted.get(unit)
        file_name = Path(ret.raw.path).name if ret else ""
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
            numeric = uv.value if isinstance(uv.value, float | int) else None
            uv.completion = completion(ind.measure, row.target.value, numeric)
            uv.status = status(ind.measure, row.target.op, row.target.value, uv.value, share)
            result.unit_values[(unit, ind.seq)] = uv
    by_seq: dict[int, list[UnitValue]] = {}
    for uv in result.unit_values.values():
        by_seq.setdefault(uv.seq, []).append(uv)
    for ind in cat.indicators:
        result.city[ind.seq] = _city_value(ind, by_seq.get(ind.seq, []), share)


def _city_value(ind: Indicator, mine: list[UnitValue], share: float) -> CityValue:
    cv = CityValue(seq=ind.seq)
    cv.expected = len(mine)
    reported = [uv for uv in mine if uv.value is not None]
    cv.reporting = len(reported)
    if not mine:
        cv.status = NOT_APPLICABLE
        return cv
    city = ind.city
    if ind.city_only:
        uv = mine[0]
        cv.value, cv.completion, cv.status = uv.value, uv.completion, uv.status
        cv.reached = int(uv.status in (DONE, ON_TRACK))
        return cv
    if ind.additive:
        total = sum(float(uv.value) for uv in reported if isinstance(uv.value, float | int))
        cv.value = round(total, 6)
        cv.completion = completion(ind.measure, city.value, total)
        cv.status = status(ind.measure, city.op, city.value, total if reported else None, share)
        cv.reached = sum(1 for uv in mine if uv.status == DONE)
    else:
        cv.reached = sum(1 for uv in reported if uv.status in (DONE, ON_TRACK))
        if not reported:
            cv.status = MISSING
        elif cv.reached == len(mine):
            cv.status = (
                DONE
                if share >= 1
                or ind.measure == "qualitative"
                and all(uv.status == DONE for uv in mine)
                else ON_TRACK
            )
        else:
            cv.status = LAGGING
        nums = [float(uv.value) for uv in reported if isinstance(uv.value, float | int)]
        if nums and city.op is not None and city.value is not None:
            worst = min(nums) if city.op == ">=" else max(nums)
            cv.value = worst
            cv.note = f"{cv.reached}/{len(mine)} 个单位达标；最差 {worst:g}"
            if not meets(worst, city.op, city.value):
                cv.status = LAGGING if cv.status != MISSING else cv.status
        else:
            cv.note = f"{cv.reached}/{len(mine)} 个单位达标"
    missing = cv.expected - cv.reporting
    if missing and cv.status != MISSING:
        cv.note = (cv.note + "；" if cv.note else "") + f"{missing} 个单位未报送"
    return cv
