"""The ledger's queries: what was stored for a period, the accepted values, the latest figure
of an earlier period (上期累计), the bases of stocks, the year's history and the rows ``shishi
history`` lists. A mixin of ``ledger.Ledger``, which owns the connection (``self.db``)."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from workbook.core.findings import Problem
from workbook.core.period import Period, parse_period
from workbook.core.submission import ACCEPTED, Submission, ValueRecord


@dataclass(frozen=True)
class LedgerRow:
    """One recorded submission, as ``shishi history`` shows it."""

    period: str
    unit: str
    file_name: str
    sha256: str
    file_time: str
    status: str
    decision: str
    problems: int
    errors: int
    recorded_at: str


class LedgerReads:
    """Reading the ledger; every query runs on ``self.db``."""

    db: sqlite3.Connection
    _stored: dict[int, dict[int, ValueRecord]]

    def submissions(
        self, catalogue_id: str, period: str, with_values: bool = True
    ) -> list[Submission]:
        """Every stored file of the period, in the order first recorded, with its problems;
        with ``with_values``, the accepted ones also carry their values."""
        out = []
        for r in self.db.execute(
            "SELECT id, file_path, file_name, size, sha256, file_time, unit, template_period, "
            "template_version, status, decision, eligible, problems_json, signature_json, "
            "withdrawn_at, extras_json, confirmed_at "
            "FROM submissions WHERE catalogue_id=? AND period=? ORDER BY id",
            (catalogue_id, period),
        ):
            sub = Submission(
                path=r[1] or r[2],
                name=r[2],
                size=r[3],
                sha256="" if r[4].startswith("path:") else r[4],
                mtime=r[5],
                unit=r[6],
                period=r[7],
                template_version=r[8],
                status=r[9],
                decision=r[10],
                eligible=bool(r[11]) and r[14] is None,  # a withdrawn file never counts
                found=[Problem(**p) for p in json.loads(r[12])],
                signature=json.loads(r[13]),
                ledger_id=r[0],
                confirmed=r[16] is not None,
            )
            extras = json.loads(r[15] or "{}")
            sub.items, sub.info = extras.get("items", []), extras.get("info", [])
            sub.origin = extras.get("origin", {})
            out.append(sub)
        if with_values:
            accepted = {sub.ledger_id: sub for sub in out if sub.status == ACCEPTED}
            stored = self._stored if self.db.in_transaction else {}
            if all(i in stored for i in accepted):  # all stored by the open transaction
                for sub_id, sub in accepted.items():
                    sub.values = dict(stored[int(sub_id or 0)])
                return out
            for sub_id, values in self._values_of_period(catalogue_id, period).items():
                if sub_id in accepted:
                    accepted[sub_id].values = values
        return out

    def _values_of_period(
        self, catalogue_id: str, period: str
    ) -> dict[int, dict[int, ValueRecord]]:
        """Submission id → its values, for the accepted files of ``period``, in one query
        (one query per file cost a tenth of a second for 1,000 units)."""
        return self._values_where(
            "s.catalogue_id=? AND s.period=? AND s.status='accepted'", (catalogue_id, period)
        )

    def values(self, sub_id: int) -> dict[int, ValueRecord]:
        """The values stored for one file (any status: a superseded file keeps its values)."""
        return self._values_where("s.id=?", (sub_id,)).get(sub_id, {})

    def _values_where(
        self, where: str, params: tuple[Any, ...]
    ) -> dict[int, dict[int, ValueRecord]]:
        out: dict[int, dict[int, ValueRecord]] = {}
        for (
            sub_id,
            seq,
            num,
            text,
            raw,
            cell,
            progress,
            problems,
            remark,
            valid,
            base,
        ) in self.db.execute(
            "SELECT v.submission_id, v.seq, v.value_num, v.value_text, v.raw, v.cell, "
            "v.progress, v.problems, v.remark, v.valid, v.base FROM submission_values v "
            f"JOIN submissions s ON s.id = v.submission_id WHERE {where} "
            "ORDER BY v.submission_id, v.seq",
            params,
        ):
            out.setdefault(sub_id, {})[seq] = ValueRecord(
                seq,
                num if num is not None else text,
                raw,
                cell,
                progress,
                problems,
                remark,
                bool(valid),
                base,
            )
        return out

    def accepted_values(self, catalogue_id: str, period: str) -> dict[str, dict[int, float | str]]:
        """Unit → 序号 → accepted value for ``period``."""
        out: dict[str, dict[int, float | str]] = {}
        for unit, seq, num, text in self.db.execute(
            "SELECT s.unit, v.seq, v.value_num, v.value_text FROM submissions s "
            "JOIN submission_values v ON v.submission_id = s.id "
            "WHERE s.catalogue_id=? AND s.period=? AND s.status='accepted' "
            "AND (v.value_num IS NOT NULL OR v.value_text IS NOT NULL)",
            (catalogue_id, period),
        ):
            out.setdefault(unit, {})[seq] = num if num is not None else text
        return out

    def items_before(self, catalogue_id: str, period: Period) -> dict[str, list[dict[str, Any]]]:
        """Unit → the 明细台账 items of its latest accepted return of an earlier period of the
        same year (carried into the next template, locked; and what ``items.disappeared``
        compares with)."""
        best: dict[str, tuple[Period, list[dict[str, Any]]]] = {}
        for code, unit, extras in self.db.execute(
            "SELECT period, unit, extras_json FROM submissions "
            "WHERE catalogue_id=? AND status='accepted'",
            (catalogue_id,),
        ):
            p = parse_period(code)
            if p.year != period.year or p.months >= period.months:
                continue
            if unit in best and best[unit][0] >= p:
                continue
            best[unit] = (p, json.loads(extras or "{}").get("items", []))
        return {unit: [dict(it, carried=True) for it in items] for unit, (_, items) in best.items()}

    def latest_before(
        self, catalogue_id: str, period: Period
    ) -> dict[str, dict[int, tuple[str, float | str]]]:
        """Unit → 序号 → (period code, value): the latest accepted figure of an earlier period
        of the same year (上期累计, and what ``value.decreased`` compares with)."""
        out: dict[str, dict[int, tuple[str, float | str]]] = {}
        best: dict[tuple[str, int], Period] = {}
        earlier = [
            code
            for code in self.periods(catalogue_id, period.year)
            if parse_period(code).months < period.months
        ]
        if not earlier:  # the year's first period: nothing to carry (no rows to scan)
            return out
        marks = ",".join("?" * len(earlier))
        for code, unit, seq, num, text in self.db.execute(
            "SELECT s.period, s.unit, v.seq, v.value_num, v.value_text FROM submissions s "
            "JOIN submission_values v ON v.submission_id = s.id "
            f"WHERE s.catalogue_id=? AND s.period IN ({marks}) AND s.status='accepted' "
            "AND (v.value_num IS NOT NULL OR v.value_text IS NOT NULL)",
            (catalogue_id, *earlier),
        ):
            p = parse_period(code)
            if p.year != period.year or p.months >= period.months:
                continue
            if (unit, seq) in best and best[(unit, seq)] >= p:
                continue
            best[(unit, seq)] = p
            out.setdefault(unit, {})[seq] = (code, num if num is not None else text)
        return out

    def bases(
        self, catalogue_id: str, year: int, before: Period | None = None
    ) -> dict[str, dict[int, float]]:
        """Unit → 序号 → the start-of-year base of a stock, from the earliest period of
        ``year`` (before ``before``, if given) whose accepted return gave one: reported once,
        then locked in later templates."""
        out: dict[str, dict[int, float]] = {}
        first: dict[tuple[str, int], Period] = {}
        for code, unit, seq, base in self.db.execute(
            "SELECT s.period, s.unit, v.seq, v.base FROM submissions s "
            "JOIN submission_values v ON v.submission_id = s.id "
            "WHERE s.catalogue_id=? AND s.period LIKE ? AND s.status='accepted' "
            "AND v.base IS NOT NULL",
            (catalogue_id, f"{year}%"),
        ):
            p = parse_period(code)
            if p.year != year or (before is not None and p.months >= before.months):
                continue
            if (unit, seq) not in first or p < first[(unit, seq)]:
                first[(unit, seq)] = p
                out.setdefault(unit, {})[seq] = float(base)
        return out

    def periods(self, catalogue_id: str, year: int) -> list[str]:
        """Periods of ``year`` with at least one accepted return, in order."""
        rows = self.db.execute(
            "SELECT DISTINCT period FROM submissions WHERE catalogue_id=? AND period LIKE ? "
            "AND status='accepted'",
            (catalogue_id, f"{year}%"),
        ).fetchall()
        return sorted((r[0] for r in rows), key=parse_period)

    def history(self, catalogue_id: str, year: int) -> dict[str, dict[str, dict[int, float | str]]]:
        """Period → unit → 序号 → accepted value, for every recorded period of ``year``."""
        return {p: self.accepted_values(catalogue_id, p) for p in self.periods(catalogue_id, year)}

    def rows(
        self, unit: str | None = None, catalogue_id: str | None = None, year: int | None = None
    ) -> list[LedgerRow]:
        """Recorded submissions, oldest period first."""
        sql = (
            "SELECT period, unit, file_name, sha256, file_time, status, decision, problems, "
            "errors, recorded_at FROM submissions WHERE 1=1"
        )
        args: list[Any] = []
        if unit:
            sql += " AND unit=?"
            args.append(unit)
        if catalogue_id:
            sql += " AND catalogue_id=?"
            args.append(catalogue_id)
        if year:
            sql += " AND period LIKE ?"
            args.append(f"{year}%")
        sql += " ORDER BY period, unit, file_time, file_name"
        return [LedgerRow(*r) for r in self.db.execute(sql, args)]

    def units(self) -> set[str]:
        """Every unit the ledger has a file from, whatever the catalogue."""
        return {r[0] for r in self.db.execute("SELECT DISTINCT unit FROM submissions") if r[0]}

    def dump(self) -> list[tuple[Any, ...]]:
        """Every row of the state (meta, submissions, values), for tests that compare states.
        The run journal is a log of outputs, not state, and is left out."""
        out: list[tuple[Any, ...]] = []
        for table in ("meta", "submissions", "submission_values"):
            out += [(table, *r) for r in self.db.execute(f"SELECT * FROM {table} ORDER BY 1, 2")]
        return out
