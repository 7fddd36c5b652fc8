"""Random sequences of a year's events on real files, checked against a plain model.

The model is what the office should believe: one accepted return per unit and period (the
newest file by modification time among the usable ones ever seen for that period, whichever
run brought it), its figures, the 上期累计 the next templates carry, and a feedback workbook
exactly for the units that still have something to fix. After every step the ledger and the
outputs are compared with it. Sequences that once failed are kept as ordinary tests below.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)
from yearkit import Office, carried, count_seqs, full_values

from workbook.core.errors import InputError
from workbook.ledger.store import Ledger

UNITS = ("定海", "普陀")
PERIODS = ("2024Q1", "2024Q2", "2024Q3")
NAMES = ("", "(1)", "-更正", "_终稿")  # file names people give, sorting unlike their times


@dataclass(frozen=True)
class FileModel:
    name: str
    unit: str
    template: str  # the period of the template it was filled in
    marker: float  # the first count figure (None-like 0 when the file is bad)
    bad: bool
    clock: int  # file time, in minutes
    content: int  # which submission the bytes come from (a copy shares it)


class YearMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.tmp = Path(tempfile.mkdtemp(prefix="shishi-year-"))
        self.office = Office(self.tmp)
        self.cat = self.office.cat
        self.seq = {u: count_seqs(self.cat, u)[0] for u in UNITS}
        self.folder: dict[str, dict[str, FileModel]] = {p: {} for p in PERIODS}
        self.recorded: dict[str, dict[tuple[str, int], FileModel]] = {p: {} for p in PERIODS}
        self.consolidated: set[str] = set()
        self.n = 0

    def teardown(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)

    # --- the model ----------------------------------------------------------------------

    def eligible(self, period: str) -> list[FileModel]:
        seen: dict[int, str] = {}
        out = []
        for (name, content), f in self.recorded[period].items():
            first = seen.setdefault(content, name)
            if f.template == period and first == name:
                out.append(f)
        return out

    def accepted(self, period: str) -> dict[str, FileModel]:
        best: dict[str, FileModel] = {}
        for f in self.eligible(period):
            key = (f.clock, -int(f.bad), f.name)
            cur = best.get(f.unit)
            if cur is None or key > (cur.clock, -int(cur.bad), cur.name):
                best[f.unit] = f
        return best

    def open_units(self, period: str) -> set[str]:
        """Units with something to fix: a bad current return, a newer file that could not be
        used, or figures below the latest ones accepted for an earlier period (a warning)."""
        acc = self.accepted(period)
        out = {u for u, f in acc.items() if f.bad}
        for u, f in acc.items():
            # the bad cell only spoils the first count; the other figures still count
            if f.marker < (self.latest_before(period, u, include_bad=True) or 0) or (
                not f.bad and f.marker < (self.latest_before(period, u) or 0)
            ):
                out.add(u)
        for f in self.recorded[period].values():
            if f.template != period and (f.unit not in acc or f.clock >= acc[f.unit].clock):
                out.add(f.unit)
        return out

    def latest_before(self, period: str, unit: str, include_bad: bool = False) -> float | None:
        """The marker of the latest return accepted for an earlier period; by default only a
        good one (a bad return has no first count figure to carry)."""
        for p in reversed(PERIODS[: PERIODS.index(period)]):
            f = self.accepted(p).get(unit)
            if f is not None and (include_bad or not f.bad):
                return f.marker
        return None

    # --- events -------------------------------------------------------------------------

    @initialize()
    def first_quarter_arrives(self) -> None:
        """Every sequence starts from a consolidated first quarter, so steps go deeper."""
        for unit in UNITS:
            self._put("2024Q1", unit, f"{unit}.xlsx", "2024Q1", False)
        self.consolidate("2024Q1")

    def _put(self, period: str, unit: str, name: str, template: str, bad: bool) -> None:
        self.n += 1
        marker = float(10 * self.n)
        values = full_values(self.cat, unit, marker)
        if bad:
            values[self.seq[unit]] = "二十"
        self.office.submit(period, unit, values, name=name, template_code=template)
        self.folder[period][name] = FileModel(
            name, unit, template, marker, bad, self.office.clock, self.n
        )

    @rule(
        period=st.sampled_from(PERIODS),
        unit=st.sampled_from(UNITS),
        bad=st.booleans(),
        suffix=st.sampled_from(NAMES),
        then_consolidate=st.booleans(),
    )
    def submit(
        self, period: str, unit: str, bad: bool, suffix: str, then_consolidate: bool
    ) -> None:
        """A return, a correction or a draft: the name may be one already in the folder (the
        file is replaced) and need not sort in the order the files were sent."""
        self._put(period, unit, f"{unit}{suffix}.xlsx", period, bad)
        if then_consolidate:
            self.consolidate(period)

    @rule(period=st.sampled_from(PERIODS[1:]), unit=st.sampled_from(UNITS))
    def submit_last_quarters_template(self, period: str, unit: str) -> None:
        earlier = PERIODS[PERIODS.index(period) - 1]
        self._put(period, unit, f"{unit}_上期模板_{self.n + 1}.xlsx", earlier, False)

    @precondition(lambda self: any(self.folder.values()))
    @rule(data=st.data())
    def copy_a_file(self, data: st.DataObject) -> None:
        period = data.draw(st.sampled_from([p for p in PERIODS if self.folder[p]]))
        f = data.draw(st.sampled_from(sorted(self.folder[period].values(), key=lambda f: f.name)))
        name = f"副本_{f.name}"
        shutil.copy2(
            self.office.returns_dir(period) / f.name, self.office.returns_dir(period) / name
        )
        self.folder[period][name] = FileModel(
            name, f.unit, f.template, f.marker, f.bad, f.clock, f.content
        )

    def refused(self, period: str) -> bool:
        """Only earlier quarters' templates in the folder: the run says which period they
        are and stops before the ledger (or any output) sees anything."""
        files = self.folder[period].values()
        return bool(files) and not any(f.template == period for f in files)

    @rule(period=st.sampled_from(PERIODS))
    def consolidate(self, period: str) -> None:
        if self.refused(period):
            before = self.state()
            with pytest.raises(InputError, match="是否应使用 --period"):
                self.office.consolidate(period)
            assert self.state() == before
            return
        self.office.consolidate(period)
        # files new in one run are recorded in path order: of two identical new files the
        # first by name is the original, the other a duplicate
        for name, f in sorted(self.folder[period].items()):
            self.recorded[period].setdefault((name, f.content), f)
        self.consolidated.add(period)
        self.check_outputs(period)

    @precondition(lambda self: self.consolidated)
    @rule(period=st.sampled_from(PERIODS))
    def interrupted_consolidate(self, period: str) -> None:
        if self.refused(period):
            self.consolidate(period)  # refused before it could be interrupted
            return
        before = self.state()
        with pytest.MonkeyPatch.context() as mp:

            def stop(*a: object, **k: object) -> None:
                raise KeyboardInterrupt

            mp.setattr("workbook.outputs.summary._build_summary", stop)
            with pytest.raises(KeyboardInterrupt):
                self.office.consolidate(period)
        assert self.state() == before
        assert not list(self.tmp.rglob(".~shishi-*"))

    @rule(period=st.sampled_from(PERIODS[1:]))
    def generate_next(self, period: str) -> None:
        tpl = self.office.generate(period, UNITS)
        for unit in UNITS:
            shown = carried(tpl[unit], self.cat, unit).get(self.seq[unit])
            assert shown == self.latest_before(period, unit), (period, unit)

    # --- checks -------------------------------------------------------------------------

    def state(self) -> tuple[object, ...]:
        dump = []
        if self.office.ledger.exists():
            with Ledger(self.office.ledger) as led:
                dump = led.dump()
        outputs = (
            sorted(
                (p.relative_to(self.tmp).as_posix(), p.read_bytes())
                for p in (self.tmp / "汇总").rglob("*")
                if p.is_file()
            )
            if (self.tmp / "汇总").exists()
            else []
        )
        return (dump, outputs)

    def check_outputs(self, period: str) -> None:
        fb = self.tmp / "汇总" / "退回修改"
        have = {p.name for p in fb.glob(f"{period}_*_退回修改.xlsx")}
        want = {f"{period}_{u}_退回修改.xlsx" for u in self.open_units(period)}
        assert have == want, (period, have, want)

    @invariant()
    def ledger_matches_the_model(self) -> None:
        if not self.office.ledger.exists():
            return
        with Ledger(self.office.ledger) as led:
            for period in self.consolidated:
                subs = led.submissions(self.cat.catalogue_id, period)
                got = {s.unit: s for s in subs if s.status == "accepted"}
                want = self.accepted(period)
                assert {u: s.name for u, s in got.items()} == {
                    u: f.name for u, f in want.items()
                }, period
                values = led.accepted_values(self.cat.catalogue_id, period)
                for unit, f in want.items():
                    shown = values.get(unit, {}).get(self.seq[unit])
                    assert shown == (None if f.bad else f.marker), (period, unit)
                assert sum(s.status == "accepted" for s in subs) == len(want)


TestYear = YearMachine.TestCase
TestYear.settings = settings(
    max_examples=25,
    stateful_step_count=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
