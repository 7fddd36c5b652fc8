"""Consolidation: a folder of returned workbooks becomes per-unit and city figures.

The steps: ``returns.pool`` reads and checks every file in bounded worker processes;
``returns.identify.evaluate`` identifies each (``IDENTITY_CHECKS``) and turns it into a
Submission; the ledger
merges them and applies the supersede rule (``submission.decide``, stated once); ``_derive``
takes each unit's current return from the ledger and ``figures.compute_figures`` computes
value, completion and status. The result type is ``result.Consolidation``; rendering is in ``workbook.outputs``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from workbook.catalogue.model import Catalogue, check_period_year, reporting_rows
from workbook.consolidation.chase import chase_list
from workbook.consolidation.crossperiod import base_changes, decreases, rejudged
from workbook.consolidation.figures import compute_figures
from workbook.consolidation.itemcheck import item_problems, verify_problems
from workbook.consolidation.levels import level_checks, rolled_up, stale
from workbook.consolidation.ranking import formula_text, rank_units
from workbook.consolidation.result import Consolidation
from workbook.core import problems as codes
from workbook.core.errors import InputError
from workbook.core.findings import Problem
from workbook.core.period import Period, parse_period
from workbook.core.places import network_kind
from workbook.core.settings import Settings, load_settings
from workbook.core.submission import (
    ACCEPTED,
    REJECTED,
    SKIPPED,
    SUPERSEDED,
    WITHDRAWN,
    Submission,
    named_other,
    revision,
)
from workbook.core.text import printable, readable_name
from workbook.core.verify import tally
from workbook.ledger.journal import CONSOLIDATE
from workbook.ledger.store import MEMORY, Ledger
from workbook.returns.identify import evaluate
from workbook.returns.pool import ReaderPool
from workbook.returns.read import RawReturn, find_files


def start_reading(
    folder: Path | str,
    period: Period,
    settings: Settings,
    workers: int | None = None,
    cat: Catalogue | None = None,
) -> ReaderPool:
    """Start reading every file below ``folder`` in bounded workers. Without ``cat`` the
    reading goes on while the catalogue loads (``ReaderPool.supply`` hands it over)."""
    root = Path(folder)
    if not root.is_dir():
        raise InputError(f"找不到回收文件夹：{root}")
    return ReaderPool(
        find_files(root),
        settings.max_file_bytes,
        settings.max_seconds_per_file,
        workers,
        cat=cat,
        period_code=period.code,
    )


def consolidate(
    folder: Path | str,
    cat: Catalogue,
    period: Period,
    settings: Settings | None = None,
    workers: int | None = None,
    ledger: Ledger | None = None,
    progress: Callable[[int, int], None] | None = None,
    reading: ReaderPool | None = None,
) -> Consolidation:
    """Consolidate every return below ``folder`` for ``period``; never modifies a file.

    The folder's files are merged into ``ledger`` (an in-memory one when None) inside its open
    transaction, each unit's current return is decided over everything the ledger holds for
    the period, and every figure is derived from that. Committing is the caller's step
    (``run.run_consolidation``); a ledger that is not committed is left as it was.
    ``reading``: the folder's files, already being read (``start_reading``).
    """
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
    notice, refuse = folder_verdict(subs, period)
    if refuse:  # before the ledger sees anything: a slip leaves it as it was
        raise InputError(notice)
    ledger = ledger or Ledger(MEMORY)
    ledger.begin()
    ledger.begin_run(CONSOLIDATE, cat.catalogue_id, period.code, str(root))
    bases_before = ledger.bases(cat.catalogue_id, period.year)
    touched = ledger.merge(cat.catalogue_id, cat.version, period.code, subs)
    touched |= ledger.decide(cat.catalogue_id, period.code)
    result = Consolidation(
        catalogue=cat,
        period=period,
        folder=printable(readable_name(str(root))),
        generated_at=datetime.now().isoformat(timespec="seconds"),
        recorded=len(touched),
        notices=[notice] if notice else [],
        in_folder=[int(s.ledger_id) for s in subs if s.ledger_id is not None],
    )
    result.notices += _ledger_notices(ledger, cat, period)
    _derive(result, ledger, root)
    later = [p for p in ledger.periods(cat.catalogue_id, period.year) if parse_period(p) > period]
    result.notices += rejudged(result, bases_before, later)
    _follow_up(result, settings)
    return result


def _ledger_notices(ledger: Ledger, cat: Catalogue, period: Period) -> list[str]:
    """A ledger this run creates is said (a forgotten --ledger starts an empty one), and so
    is a ledger with no earlier period of the year when the period is not the first."""
    if ledger.in_memory:
        return []
    out = [f"新建报送台账：{ledger.path}（以后各期请继续使用这个台账）。"] if ledger.created else []
    shared = network_kind(ledger.path)
    if shared:
        out.append(
            f"报送台账在网络位置（{shared}）：{ledger.path}。共享盘断线或两台电脑同时写入时，台账"
            "可能损坏：建议把台账放在本机磁盘，把备份文件夹（设置 backup_dir）设在共享盘。"
        )
    earlier = [p for p in ledger.periods(cat.catalogue_id, period.year) if parse_period(p) < period]
    if period.previous() is not None and not earlier:
        out.append(
            f"报送台账中没有{period.year}年本期以前各期的记录：上期累计、累计数下降和核验都从"
            f"{period.label}算起。如本年此前各期是用另一个台账汇总的，请用 --ledger 指向那个台账"
            "（汇总工作簿在“报送台账”一格填写）后重新汇总。"
        )
    return out


def folder_verdict(subs: list[Submission], period: Period) -> tuple[str, bool]:
    """One Chinese line when the folder looks like the wrong one (most of its spreadsheets are
    blank templates, returns of another period, or of another catalogue), and whether to
    refuse the run: when not one file in it is usable. An empty folder is not wrong (early in
    a quarter it gives the 催报 list), nor one whose files are merely damaged (the run lists
    them for 退回修改)."""
    sheets = [s for s in subs if not any(p.code == codes.FILE_NOT_SPREADSHEET for p in s.found)]
    groups = {
        kind: [s for s in sheets if any(p.code in found for p in s.found)]
        for kind, found in _LOOKS_WRONG.items()
    }
    kind, group = max(groups.items(), key=lambda item: len(item[1]))
    if not sheets or len(group) * 2 <= len(sheets):
        return "", False
    usable = sum(s.eligible for s in sheets)
    every = len(group) == len(sheets)
    share = (
        f"{len(sheets)} 个填报文件都" if every else f"{len(sheets)} 个填报文件中有 {len(group)} 个"
    )
    if kind == "blank":
        line = f"{share}是未填写的空白模板：是否选成了下发模板的文件夹？"
    elif kind == "period":
        codes_found = Counter(s.period for s in group).most_common(1)[0][0]
        try:
            theirs = parse_period(codes_found)
            line = (
                f"{share}是{theirs.label}的填报表：是否应使用 --period {theirs.code}"
                f"（汇总工作簿中把“期次”改为 {theirs.code}）？"
            )
        except InputError:
            line = f"{share}不是{period.label}的填报表（模板上的期次为“{codes_found}”）。"
    else:
        line = (
            f"{share}属于另一套目录（{group[0].decision}）：是否应使用 --catalogue 指定"
            "对应年度的目录（汇总工作簿填“目录文件”）？"
        )
    if usable == 0:
        return f"{line}本次没有可汇总的{period.label}填报表，已停止，报送台账未改动。", True
    return f"注意：{line}其余 {usable} 份照常汇总。", False


# what makes a file look like it came from the wrong folder, by the problem it carries
_LOOKS_WRONG = {
    "blank": {codes.RETURN_BLANK_TEMPLATE},
    "period": {codes.RETURN_OTHER_PERIOD, codes.RETURN_EARLIER_PERIOD},
    "catalogue": {codes.RETURN_OTHER_CATALOGUE, codes.RETURN_CATALOGUE_CHANGED},
}


def _follow_up(result: Consolidation, settings: Settings) -> None:
    """What the office does after the workbook: the 晾晒 ranking and the 催报 list."""
    result.ranking = rank_units(result, settings)
    result.ranking_formula = formula_text(settings)
    result.chase = chase_list(result, settings)


def _derive(result: Consolidation, ledger: Ledger, root: Path | None = None) -> None:
    """Fill ``result`` from the ledger: files, current returns, problems, figures, history."""
    cat, period = result.catalogue, result.period
    result.submissions = ledger.submissions(cat.catalogue_id, period.code)
    result.accepted = {s.unit: s for s in result.submissions if s.status == ACCEPTED}
    result.previous = ledger.latest_before(cat.catalogue_id, period)
    result.bases = ledger.bases(cat.catalogue_id, period.year)
    decreased = decreases(result)
    for unit, found in base_changes(
        result, ledger.bases(cat.catalogue_id, period.year, period)
    ).items():
        decreased.setdefault(unit, []).extend(found)
    earlier = ledger.items_before(cat.catalogue_id, period)
    files = _file_names(root) if root is not None else None
    for unit, found in item_problems(cat, period, result.accepted, earlier, files).items():
        decreased.setdefault(unit, []).extend(found)
    listed = {u: len(sub.items) for u, sub in result.accepted.items()}
    lines = ledger.verify_lines(cat.catalogue_id, period)
    result.verify = tally(list(cat.unit_ids), listed, lines)
    for unit, found in verify_problems(result.accepted, result.verify).items():
        decreased.setdefault(unit, []).extend(found)
    _listed_problems(result, decreased)
    for p in [*_misnamed(result, period), *_old_revisions(result)]:
        result.problems.append(p)
        result.open_problems.setdefault(p.unit, []).append(p)
    result.missing_units = [
        u for u in cat.unit_ids if u not in result.accepted and reporting_rows(cat, u)
    ]
    for unit in result.missing_units:
        result.problems.append(
            Problem(
                code=codes.UNIT_NOT_SUBMITTED,
                unit=unit,
                message=f"{unit}未报送本期（{period.label}）填报表。",
                action="请尽快报送。",
            )
        )
    result.unit_values, result.city = compute_figures(
        cat, period.months, result.accepted, result.bases
    )
    result.levels = level_checks(cat, result.accepted, _superseded_built(result, ledger))
    result.notices += _sent_up_stale(result, ledger)
    if len(ledger.periods(cat.catalogue_id, period.year)) > 1:
        result.history = ledger.history(cat.catalogue_id, period.year)
    if cat.level:  # a county's problems speak of 区局 and 全区 (the checks write 市局, 全市)
        for p in result.problems:
            p.message, p.action = cat.worded(p.message), cat.worded(p.action)
        for sub in result.submissions:
            sub.decision = cat.worded(sub.decision)


def _listed_problems(result: Consolidation, decreased: dict[str, list[Problem]]) -> None:
    """The problems the period lists, and each unit's to fix: those of the files that still
    matter (not replaced, not taken back, not a refused file gone from the folder), with the
    checks across periods (``decreased``) on each accepted return."""
    here = set(result.in_folder)
    for sub in result.submissions:
        current = result.accepted.get(sub.unit)
        if sub.status == WITHDRAWN or (
            sub.status in (REJECTED, SKIPPED) and sub.ledger_id not in here
        ):
            continue  # taken back by the office, or a refused file no longer in the folder
        if sub.status == SUPERSEDED or (
            sub.status != ACCEPTED and current is not None and sub.mtime < current.mtime
        ):
            continue  # a later file of the same unit replaced it: nothing left to act on
        found = [
            p for p in sub.found if not (sub.confirmed and p.code == codes.RETURN_NAME_MISMATCH)
        ]
        mine = found + (decreased.get(sub.unit, []) if sub.status == ACCEPTED else [])
        result.problems.extend(mine)
        to_fix = [p for p in mine if p.severity in ("error", "warning")]
        if sub.unit and to_fix:
            result.open_problems.setdefault(sub.unit, []).extend(to_fix)


def _old_revisions(result: Consolidation) -> list[Problem]:
    """An older revision of a return built by report-up whose file is newer than the revision
    in force (``REVISION_RULE``): probably sent again by mistake; said, never taken."""
    out = []
    for sub in result.submissions:
        current = result.accepted.get(sub.unit)
        if sub.status != SUPERSEDED or current is None:
            continue
        old, new = revision(sub), revision(current)
        if 0 < old < new and sub.mtime > current.mtime:
            out.append(
                Problem(
                    code=codes.RETURN_OLD_REVISION,
                    unit=sub.unit,
                    file=sub.name,
                    found=f"第{old}版",
                    message=f"“{sub.name}”是汇总生成的第{old}版，文件时间晚于已采用的第{new}版"
                    f"“{current.name}”：仍采用第{new}版。",
                    action="请核实是否误发了旧版；如确应以旧版的数字为准，请重新生成并报送新的一版。",
                )
            )
    return out


def _misnamed(result: Consolidation, period: Period) -> list[Problem]:
    """The name-mismatch error said at the unit a file's name names (``NAME_RULE``): that
    unit may have typed its figures into another unit's template, until it sends a return of
    its own that is newer; and at the template's unit when the file did not replace its
    return (until the office withdraws or accepts the file)."""
    out = []
    for sub in result.submissions:
        named = named_other(sub)
        if named and not sub.confirmed and sub.status in (ACCEPTED, SUPERSEDED):
            if sub.status == SUPERSEDED:  # its other problems no longer matter; this one does
                out += [p for p in sub.found if p.code == codes.RETURN_NAME_MISMATCH]
            own = result.accepted.get(named)
            if own is not None and own.mtime > sub.mtime:
                continue  # the named unit has since sent its own return
            out.append(
                Problem(
                    code=codes.RETURN_NAME_MISMATCH,
                    unit=named,
                    file=sub.name,
                    found=sub.unit,
                    message=f"文件“{sub.name}”的文件名指向{named}，但用的是{sub.unit}的模板，"
                    f"已按{sub.unit}的报送处理：{named}是否误用了{sub.unit}的模板？",
                    action=f"请{named}用下发给本单位的{period.label}模板重新填报。",
                )
            )
    return out


def _file_names(folder: Path) -> set[str] | None:
    """Every file name below the returns folder, in lower case (where 佐证材料 is looked for);
    None when the folder cannot be listed."""
    try:
        return {readable_name(p.name).lower() for p in folder.rglob("*") if p.is_file()}
    except OSError:
        return None


def _superseded_built(result: Consolidation, ledger: Ledger) -> dict[str, Submission]:
    """Unit → the latest of its superseded returns built by report-up, with its values (what
    a newer revision replaced: 逐级核对 lists the change)."""
    out: dict[str, Submission] = {}
    for sub in result.submissions:  # in the order first recorded
        if sub.status == SUPERSEDED and sub.origin.get("origin") and sub.ledger_id is not None:
            sub.values = ledger.values(sub.ledger_id)
            out[sub.unit] = sub
    return out


def _sent_up_stale(result: Consolidation, ledger: Ledger) -> list[str]:
    """The warning a county's consolidation gives when a 所 correction made the last return
    it sent up out of date (``report-up --check`` says the same)."""
    cat = result.catalogue
    if not cat.parent:
        return []
    last = ledger.last_sent(cat.catalogue_id, result.period.code)
    if last is None:
        return []
    now = rolled_up(cat, result.unit_values, result.city, set(result.accepted)).values
    moved = stale(last["values"], now)
    if not moved:
        return []
    rows = "；".join(f"序号 {s}：{_plain(a)} → {_plain(b)}" for s, a, b in moved[:10])
    return [f"注意：已向上报送的第{last['revision']}版已过期（{rows}{'…' if len(moved) > 10 else ''}）。"
            "请运行 shishi report-up 生成新的一版重报。"]  # fmt: skip


def _plain(v: object) -> str:
    return (
        str(int(v))
        if isinstance(v, float) and v.is_integer()
        else "（空）"
        if v in (None, "")
        else str(v)
    )
