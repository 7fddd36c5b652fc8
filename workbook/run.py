"""One consolidation job as the CLI, the demo and the Excel button run it.

``run_consolidation`` consolidates, writes the summary, the feedback workbooks and the optional
JSON/CSV, records the run in the ledger, and returns an ``Outcome`` for the caller to show.
"""

from __future__ import annotations

import multiprocessing as mp
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbook import summary
from workbook.catalogue import Catalogue
from workbook.consolidate import ACCEPTED, Consolidation, consolidate
from workbook.errors import InputError
from workbook.ledger import Ledger
from workbook.period import Period


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

    @property
    def accepted_units(self) -> list[str]:
        units = {s.unit for s in self.result.submissions if s.status == ACCEPTED}
        return [u for u in self.result.catalogue.unit_ids if u in units]

    @property
    def rejected_files(self) -> list[str]:
        return [s.name for s in self.result.submissions if s.status == "rejected"]

    def text(self) -> str:
        r = self.result
        errors = sum(p.severity == "error" for p in r.problems)
        lines = [
            f"期次：{r.period.label}；找到文件 {len(r.submissions)} 个，"
            f"采用 {len(self.accepted_units)} 个单位：{'、'.join(self.accepted_units) or '无'}",
            f"退回的文件：{'、'.join(self.rejected_files) or '无'}",
            f"未报送：{'、'.join(r.missing_units) or '无'}",
            f"问题：{len(r.problems)} 个（错误 {errors} 个）；滞后事项 {len(r.lagging())} 项",
            f"汇总表：{self.summary}",
        ]
        if self.feedback:
            lines.append(f"退回修改清单 {len(self.feedback)} 份：{self.feedback[0].parent}")
        if self.json:
            lines.append(f"JSON 报告：{self.json}")
        if self.csv:
            lines.append(f"明细 CSV：{self.csv}")
        if self.ledger:
            lines.append(f"报送台账：{self.ledger}（本次新记录或更新 {self.recorded} 条）")
        return "\n".join(lines)


_SIDE: dict[str, Any] = {}


def _write_side(
    args: tuple[Path, Path | str | None, Path | str | None],
) -> tuple[list[Path], Path | None, Path | None]:
    """Write the feedback workbooks, JSON and CSV of the consolidation in ``_SIDE``."""
    fb_dir, json_path, csv_path = args
    result = _SIDE["result"]
    feedback = summary.write_feedback(result, fb_dir)
    j = summary.write_json(result, json_path) if json_path else None
    c = summary.write_csv(result, csv_path) if csv_path else None
    return feedback, j, c


class _SideOutputs:
    """The outputs besides the summary, written by a forked process where the platform forks
    (the result is inherited, not pickled), else in this process after the summary."""

    def __init__(
        self,
        result: Consolidation,
        fb_dir: Path,
        json_path: Path | str | None,
        csv_path: Path | str | None,
    ) -> None:
        self.result = result
        self.args = (fb_dir, json_path, csv_path)
        self.pool: Any = None
        self.future: Any = None

    def start(self) -> None:
        if "fork" not in mp.get_all_start_methods() or len(self.result.unit_values) < 5000:
            return  # small jobs: a second process costs more than it saves
        _SIDE["result"] = self.result
        self.pool = ProcessPoolExecutor(max_workers=1, mp_context=mp.get_context("fork"))
        self.future = self.pool.submit(_write_side, self.args)

    def finish(self) -> tuple[list[Path], Path | None, Path | None]:
        if self.future is None:
            _SIDE["result"] = self.result
            try:
                return _write_side(self.args)
            finally:
                _SIDE.clear()
        try:
            return self.future.result()  # re-raises the child's error (e.g. a locked file)
        finally:
            self.pool.shutdown()
            _SIDE.clear()


def run_consolidation(
    returns_dir: Path | str,
    period: Period,
    output: Path | str,
    cat: Catalogue,
    settings: dict[str, Any],
    *,
    json_path: Path | str | None = None,
    csv_path: Path | str | None = None,
    feedback_dir: Path | str | None = None,
    ledger_path: Path | str | None = None,
    workers: int | None = None,
) -> Outcome:
    """Consolidate ``returns_dir`` and write every output; returns what was written."""
    out = Path(output)
    if not Path(returns_dir).is_dir():
        raise InputError(f"找不到回收文件夹：{returns_dir}")
    ledger = Ledger(ledger_path) if ledger_path else None
    try:
        result = consolidate(returns_dir, cat, period, settings, workers, ledger)
        fb_dir = Path(feedback_dir) if feedback_dir else out.parent / "退回修改"
        side = _SideOutputs(result, fb_dir, json_path, csv_path)
        side.start()  # JSON, CSV and feedback in a second process while this one writes
        outcome = Outcome(result, summary.write_summary(result, out))
        outcome.feedback, outcome.json, outcome.csv = side.finish()
        if ledger is not None:
            outcome.recorded = ledger.record(result)
            outcome.ledger = ledger.path
    finally:
        if ledger is not None:
            ledger.close()
    return outcome
