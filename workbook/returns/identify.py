"""Identifying a returned file: is it a usable return of this catalogue and period?

``evaluate`` runs ``IDENTITY_CHECKS`` in order on one read file, then the file's own checks
(``filechecks.check_return``), and turns it into a Submission. Which eligible file counts for
a unit is decided later, over the ledger (``submission.decide``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from workbook.catalogue.model import Catalogue
from workbook.core import problems as codes
from workbook.core.errors import InputError
from workbook.core.findings import Problem
from workbook.core.layout import IDENTITY_FORMAT
from workbook.core.period import Period, parse_period
from workbook.core.submission import (
    REJECTED,
    SKIPPED,
    SUPERSEDED,
    Submission,
    is_blank,
    reject_blank,
)
from workbook.core.text import printable, readable_name
from workbook.returns.filechecks import check_return
from workbook.returns.read import RawReturn


def _file_problem(sub: Submission, code: str, message: str, action: str) -> None:
    sub.found.append(
        Problem(
            code=code,
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
        action = "如确是填报表，请另存为 .xlsx 后报送。"
    else:
        action = "请检查文件，用下发的模板重新填报后报送。"
    _file_problem(sub, raw.error_code, raw.error, action)
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
    theirs = raw.identity.get("catalogue_id", "")
    if theirs.startswith(f"{cat.catalogue_id}.") and raw.identity.get("bureau"):
        bureau = raw.identity["bureau"]  # a 所's template of a county derived from this one
        sub.decision = (
            f"这是{bureau}下发给所的填报表（{sub.unit}），应报送{bureau}，由其汇总后向上报送，"
            f"不能直接计入{cat.wording['bureau']}汇总。"
        )
        _file_problem(sub, codes.RETURN_LOWER_LEVEL, sub.decision, f"请把该文件转交{bureau}。")
        return False
    if theirs != cat.catalogue_id:
        sub.decision = f"模板属于另一套目录（{theirs}），不是本年度的{cat.names['short']}模板。"
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
    action = f"请用{period.label}的模板重新填报。"
    if earlier:  # usually a correction of that period, dropped into this folder
        action = (
            f"如是{label}的更正，请放入{label}的回收文件夹，汇总{label}；"
            f"本期（{period.label}）请用本期的模板填报。"
        )
    code = codes.RETURN_EARLIER_PERIOD if earlier else codes.RETURN_OTHER_PERIOD
    _file_problem(sub, code, sub.decision, action)
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
    # names as a person reads them, from here on (the file itself was opened by its path)
    sub = Submission(
        path=printable(readable_name(raw.path)),
        name=printable(readable_name(Path(raw.path).relative_to(root).as_posix())),
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
    sub.items, sub.info, sub.origin = checked.items, checked.info, checked.origin
    if not checked.usable:  # the table could not be found: nothing to count, nothing to keep
        sub.status, sub.decision = REJECTED, checked.problems[-1].message
        return sub
    if is_blank(sub):  # the issued template, unfilled: never a return
        reject_blank(sub)
        return sub
    _name_agrees(sub, cat)
    sub.eligible, sub.status, sub.decision = True, SUPERSEDED, ""
    return sub


def _name_agrees(sub: Submission, cat: Catalogue) -> None:
    """The template decides whose return a file is; a name that names another unit is an
    error said at the file (and, by the consolidation, at that unit), and such a file does
    not replace a return whose name agrees (``submission.NAME_RULE``)."""
    named = unit_named(sub.name, cat)
    if not named or named == sub.unit:
        return
    sub.found.append(
        Problem(
            code=codes.RETURN_NAME_MISMATCH,
            message=f"文件名指向{named}，但模板是{sub.unit}的：是否{named}误用了{sub.unit}的模板？"
            f"本文件按{sub.unit}的报送处理，不替代{sub.unit}文件名相符的报送。",
            action=f"如是{named}的报送：请{named}用下发给本单位的模板重新填报；"
            f"如确是{sub.unit}的报送：请市局核实后用 shishi ledger accept 确认。",
            unit=sub.unit,
            file=sub.name,
            found=named,
        )
    )


def unit_named(name: str, cat: Catalogue) -> str:
    """The one unit of ``cat`` a file's name names (its short name or full name), looking at
    the file name first, then each folder from the nearest; '' when none or several do. A
    name inside a longer one counts for the longer (普陀山分局 names 普陀山, not 普陀)."""
    parts = name.replace("\\", "/").split("/")
    for part in reversed(parts):
        spans = [
            (i, i + len(key), unit.id)
            for unit in cat.units
            for key in {unit.id, unit.full_name} - {""}
            for i in (m.start() for m in re.finditer(re.escape(key), part))
        ]
        units = {
            u
            for a, b, u in spans
            if not any(c <= a and b <= d and (d - c) > (b - a) for c, d, _ in spans)
        }
        if len(units) == 1:
            return units.pop()
        if units:
            return ""  # several units named: nothing to go on
    return ""
