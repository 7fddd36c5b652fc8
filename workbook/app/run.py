"""One consolidation job as the CLI, the demo and the Excel button run it.

``run_consolidation`` consolidates, writes the summary, the feedback workbooks and the optional
JSON/CSV, records the run in the ledger, and returns an ``Outcome`` for the caller to show.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing as mp
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from workbook.app.archive import after_commit
from workbook.app.runlock import RunLock, lock_path_for
from workbook.app.staging import Staging, interrupts_held, remove_stale
from workbook.catalogue.model import Catalogue, check_period_year
from workbook.consolidation.consolidate import consolidate, start_reading
from workbook.consolidation.result import Consolidation
from workbook.core.files import check_folder, check_output
from workbook.core.period import Period
from workbook.core.settings import Settings, user_data_dir
from workbook.core.submission import ACCEPTED, REJECTED
from workbook.ledger.store import MEMORY, Ledger
from workbook.outputs import charts, feedback, summary
from workbook.outputs import data as dataout
from workbook.outputs.tallies import long_rows
from workbook.returns.pool import ReaderPool

LATE_INTERRUPT = (
    "收到 Ctrl-C 时本次汇总已在写入报送台账和输出文件：已全部写完，没有中断。"
    "如不需要本次结果，请用 shishi ledger undo-run 撤销。"
)


@dataclass
class Outcome:
    """What a consolidation produced, and the lines a city-office user reads."""

    result: Consolidation
    summary: Path
    feedback: list[Path] = field(default_factory=list)
    json: Path | None = None
    csv: Path | None = None
    ledger: Path | None = None
    recorded: int = 0
    archived: list[Path] = field(default_factory=list)
    bulletin: Path | None = None
    bulletin_charts: bool = True  # False: the chart stack would not load, 通报 without charts
    digest: Path | None = None  # 信息汇编 (信息报送 compiled)
    backup: str = ""  # where the ledger's backup went, or why it failed
    late_interrupt: bool = False  # Ctrl-C came while the run was being written: not obeyed

    @property
    def accepted_units(self) -> list[str]:
        units = {s.unit for s in self.result.submissions if s.status == ACCEPTED}
        return [u for u in self.result.catalogue.unit_ids if u in units]

    @property
    def rejected_files(self) -> list[str]:
        return [s.name for s in self.result.submissions if s.status == REJECTED]

    @property
    def files_line(self) -> str:
        """The folder's files, apart from what the ledger holds from earlier runs."""
        here = set(self.result.in_folder)
        earlier = sum(1 for s in self.result.submissions if s.ledger_id not in here)
        line = f"文件夹中 {len(here)} 个文件"
        return line + (f"（台账中另有此前收到的报送 {earlier} 份）" if earlier else "")

    def text(self) -> str:
        r = self.result
        errors = sum(p.severity == "error" for p in r.problems)
        lines = [
            *r.notices,
            *([LATE_INTERRUPT] if self.late_interrupt else []),
            f"期次：{r.period.label}；{self.files_line}，"
            f"采用 {len(self.accepted_units)} 个单位：{_listed(self.accepted_units)}",
            f"退回的文件：{_listed(self.rejected_files)}",
            f"未报送：{_listed(r.missing_units)}",
            f"问题：{len(r.problems)} 个（错误 {errors} 个）；滞后事项 {len(r.lagging())} 项",
            f"汇总表：{self.summary}",
            *([self.backup] if self.backup else []),
        ]
        if r.chase:
            lines.append(f"催报 {len(r.chase)} 个单位（催报文字见汇总表“催报”工作表）：")
            lines += [f"  {c.message}" for c in r.chase]
        if r.ranking:
            top = "、".join(f"{us.rank}.{us.unit} {us.score:g}" for us in r.ranking[:3])
            lines.append(f"晾晒排名（前 3）：{top}（全部见“晾晒排名”工作表）")
        if self.feedback:
            lines.append(f"退回修改清单 {len(self.feedback)} 份：{self.feedback[0].parent}")
        if self.archived:
            lines.append(
                f"已无问题、移入归档的退回修改清单 {len(self.archived)} 份：{self.archived[0].parent}"
            )
        if self.bulletin:
            lines.append(f"通报（Word）：{self.bulletin}")
            if not self.bulletin_charts:
                lines.append(charts.NO_CHARTS)
        if self.digest:
            lines.append(f"信息汇编（Word）：{self.digest}")
        if self.json:
            lines.append(f"JSON 报告：{self.json}")
        if self.csv:
            lines.append(f"明细 CSV：{self.csv}")
        if self.ledger:
            lines.append(f"报送台账：{self.ledger}（本次新记录或更新 {self.recorded} 条）")
        else:
            lines.append("报送台账：未使用（只汇总了本文件夹，没有记录）")
        return "\n".join(lines)


def _listed(names: list[str], most: int = 30) -> str:
    """Names joined for a terminal line; a long list (a county's hundreds of units) is cut,
    saying how many there are and where the whole list is."""
    if not names:
        return "无"
    if len(names) <= most:
        return "、".join(names)
    return "、".join(names[:most]) + f"……（共 {len(names)} 个，全部见汇总表“报送情况”）"


_SIDE: dict[str, Any] = {}


def _write_side(args: tuple[Path, Path | str | None, Path | str | None]) -> list[tuple[str, str]]:
    """Stage the feedback workbooks, JSON and CSV of the consolidation in ``_SIDE``; returns
    the (temporary, final) pairs staged, for the parent's ``Staging``."""
    fb_dir, json_path, csv_path = args
    result, staging = _SIDE["result"], _SIDE["staging"]
    start = len(staging.items)
    feedback.write_feedback(result, fb_dir, staging.stage)
    rows = long_rows(result) if json_path and csv_path else None  # the same rows, once
    if json_path:
        dataout.write_json(result, json_path, staging.stage, rows)
    if csv_path:
        dataout.write_csv(result, csv_path, staging.stage, rows)
    return list(staging.items[start:])


class _SideOutputs:
    """The outputs besides the summary, staged by a forked process where the platform forks
    (the result is inherited, not pickled), else in this process after the summary."""

    def __init__(
        self,
        result: Consolidation,
        staging: Staging,
        fb_dir: Path,
        json_path: Path | str | None,
        csv_path: Path | str | None,
    ) -> None:
        self.result = result
        self.staging = staging
        self.args = (fb_dir, json_path, csv_path)
        self.pool: Any = None
        self.future: Any = None

    def start(self) -> None:
        for folder in (self.args[0], *(Path(p).parent for p in self.args[1:] if p)):
            self.staging.dirs.add(Path(folder))  # so discard() finds what a helper wrote
        if "fork" not in mp.get_all_start_methods() or len(self.result.unit_values) < 5000:
            return  # small jobs: a second process costs more than it saves
        _SIDE.update(result=self.result, staging=self.staging)
        self.pool = ProcessPoolExecutor(max_workers=1, mp_context=mp.get_context("fork"))
        self.future = self.pool.submit(_write_side, self.args)

    def finish(self) -> None:
        if self.future is None:
            _SIDE.update(result=self.result, staging=self.staging)
            try:
                _write_side(self.args)
            finally:
                _SIDE.clear()
            return
        try:
            self.staging.items += self.future.result()  # re-raises the child's error
        finally:
            self.pool.shutdown()
            _SIDE.clear()


def _stale_feedback(fb_dir: Path, result: Consolidation, keep: list[Path]) -> list[Path]:
    """Feedback workbooks of this period (or of the old, period-less naming) in ``fb_dir`` for
    units that no longer have anything to fix."""
    if not fb_dir.is_dir():
        return []
    names = {p.name for p in keep}
    mine = {feedback.feedback_name(result.period.code, u) for u in result.catalogue.unit_ids}
    legacy = {u + feedback.FEEDBACK_SUFFIX for u in result.catalogue.unit_ids}
    return sorted(p for p in fb_dir.iterdir() if p.is_file() and p.name in (mine | legacy) - names)


def run_consolidation(
    returns_dir: Path | str,
    period: Period,
    output: Path | str,
    cat: Catalogue | Callable[[], Catalogue],
    settings: Settings,
    *,
    json_path: Path | str | None = None,
    csv_path: Path | str | None = None,
    feedback_dir: Path | str | None = None,
    ledger_path: Path | str | None = None,
    workers: int | None = None,
    bulletin_path: Path | str | None = None,
    progress: Callable[[int, int], None] | None = None,
    digest_path: Path | str | None = None,
) -> Outcome:
    """Consolidate ``returns_dir`` and write every output, all or nothing.

    ``cat`` is the catalogue or a function that loads it: then the files are already being
    read while it loads (0.4 s for a catalogue of 1,000 units, on a core otherwise idle).
    One run at a time per ledger (``RunLock``). The ledger records the run in one transaction
    that commits only once every output is written under a temporary name; the outputs are
    then put in place together. A failure or Ctrl-C before that leaves the ledger and every
    output as they were and no temporary file; a crash while putting them in place is
    completed by the next run (``Ledger.recover``). Without ``ledger_path`` an in-memory
    ledger is used: the run sees only this folder and records nothing.
    """
    out = _check_outputs(output, json_path, csv_path, bulletin_path, feedback_dir, digest_path)
    loaded = cat if isinstance(cat, Catalogue) else None
    fb_dir = Path(feedback_dir) if feedback_dir else out.parent / "退回修改"
    ledger_file = Path(ledger_path) if ledger_path else None
    lock = lock_path_for(ledger_file, out, user_data_dir())
    # the lock first, then the readers: a run that has to wait starts no worker processes
    # meanwhile (forked beside another run's pool in the same process, they can hold its pipes)
    with (
        RunLock(lock, settings.lock_wait_seconds),
        start_reading(returns_dir, period, settings, workers, loaded) as reading,
    ):
        if not isinstance(cat, Catalogue):
            cat = cat()  # loads while the readers read
        check_period_year(cat, period)
        extra = (json_path, csv_path, bulletin_path, digest_path)
        folders = [out.parent, fb_dir, *(Path(p).parent for p in extra if p)]
        with _few_collections(), _open_ledger(ledger_file, folders) as ledger:
            return _run(
                ledger,
                returns_dir,
                reading,
                period,
                out,
                cat,
                settings,
                fb_dir,
                json_path,
                csv_path,
                bulletin_path,
                progress,
                digest_path,
            )


@contextlib.contextmanager
def _open_ledger(ledger_file: Path | None, folders: list[Path]) -> Iterator[Ledger]:
    """The run's ledger (an in-memory one without ``ledger_file``), once a crashed run's
    outputs are put in place and stale temporary files in ``folders`` removed; closed after."""
    ledger = Ledger(ledger_file or MEMORY)
    try:
        ledger.recover()
        remove_stale(folders)
        yield ledger
    finally:
        ledger.close()


def _check_outputs(
    output: Path | str,
    json_path: Path | str | None,
    csv_path: Path | str | None,
    bulletin_path: Path | str | None,
    feedback_dir: Path | str | None,
    digest_path: Path | str | None = None,
) -> Path:
    """Every place the run will write, checked before anything is read (``core.files``);
    returns the summary's path."""
    out = check_output(output, (".xlsx",), "汇总表")
    for path, suffix, what in (
        (json_path, ".json", "JSON 报告"),
        (csv_path, ".csv", "明细 CSV"),
        (bulletin_path, ".docx", "通报"),
        (digest_path, ".docx", "信息汇编"),
    ):
        if path:
            check_output(path, (suffix,), what)
    if feedback_dir:
        check_folder(feedback_dir, "退回修改清单的文件夹")
    return out


@contextlib.contextmanager
def _few_collections() -> Iterator[None]:
    """A run allocates millions of small objects that all live until it ends: the catalogue
    is frozen out of the collector's view and full collections are rare while it runs
    (0.6 s of 1,000 returns went to the collector), then the settings are restored."""
    before = gc.get_threshold()
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 50, 1_000)
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


def _bulletin(
    outcome: Outcome,
    path: Path | str,
    settings: Settings,
    staging: Staging,
    probe: charts.ChartProbe,
) -> None:
    """The 通报, with its charts when the chart stack loads here (the probe's answer)."""
    # python-docx loads only when a 通报 is asked for (start-up time); matplotlib only when
    # the probe's child process has shown it loads here (under Wine 8, NumPy 2 aborts)
    from workbook.outputs.bulletin import write_bulletin

    outcome.bulletin_charts = probe.loads()
    outcome.bulletin = write_bulletin(
        outcome.result, path, settings, staging.stage, outcome.bulletin_charts
    )


def _run(
    ledger: Ledger,
    returns_dir: Path | str,
    reading: ReaderPool,
    period: Period,
    out: Path,
    cat: Catalogue,
    settings: Settings,
    fb_dir: Path,
    json_path: Path | str | None,
    csv_path: Path | str | None,
    bulletin_path: Path | str | None = None,
    progress: Callable[[int, int], None] | None = None,
    digest_path: Path | str | None = None,
) -> Outcome:
    staging = Staging()
    committed = False
    probe = charts.ChartProbe() if bulletin_path else None  # tries the chart stack meanwhile
    try:
        result = consolidate(
            returns_dir, cat, period, settings, ledger=ledger, progress=progress, reading=reading
        )
        side = _SideOutputs(result, staging, fb_dir, json_path, csv_path)
        side.start()  # JSON, CSV and feedback in a second process while this one writes
        outcome = Outcome(result, summary.write_summary(result, out, staging.stage))
        if bulletin_path and probe:
            _bulletin(outcome, bulletin_path, settings, staging, probe)
        if digest_path:
            from workbook.outputs.digest import write_digest  # python-docx: only when asked

            outcome.digest = write_digest(result, digest_path, settings, staging.stage)
        side.finish()
        outcome.feedback = [
            Path(final)
            for _, final in staging.items
            if Path(final).name.endswith(feedback.FEEDBACK_SUFFIX)
        ]
        outcome.json = Path(json_path) if json_path else None
        outcome.csv = Path(csv_path) if csv_path else None
        archive = fb_dir / "已归档" / datetime.now().strftime("%Y%m%d-%H%M%S")
        for stale in _stale_feedback(fb_dir, result, outcome.feedback):
            staging.move(stale, archive / stale.name)
            outcome.archived.append(archive / stale.name)
        staging.preflight()
        with interrupts_held() as held:
            run_id = ledger.journal(cat.catalogue_id, period.code, str(returns_dir), staging.plan())
            ledger.commit()
            committed = True
            staging.publish()
            ledger.finish_run(run_id)
        outcome.late_interrupt = held.arrived
    except BaseException:
        if probe:
            probe.close()
        if not committed:
            ledger.rollback()
            staging.discard()
        raise
    return _recorded(outcome, ledger, settings)


def _recorded(outcome: Outcome, ledger: Ledger, settings: Settings) -> Outcome:
    """What the committed run recorded, where, and its backup (still under the run lock)."""
    outcome.recorded = outcome.result.recorded
    if not ledger.in_memory:
        outcome.ledger = ledger.path
        outcome.backup = after_commit(ledger.path, settings, outcome.result.catalogue)
    return outcome
