"""A small office for tests of a year of runs: templates, returns with chosen file times, runs.

Everything is a real file: templates from ``template.generate``, returns filled with openpyxl
(``samples.fill_return``), consolidations through ``run.run_consolidation`` with a real ledger.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook
from xlsxwriter.utility import xl_col_to_name

from shishi_demo.samples import fill_return
from workbook.app.generate import generate_period
from workbook.app.run import Outcome, run_consolidation
from workbook.catalogue import model as catalogue
from workbook.catalogue.model import Catalogue, reporting_rows
from workbook.core.measures import measure
from workbook.core.period import Period, parse_period
from workbook.core.settings import load_settings
from workbook.ledger.store import Ledger
from workbook.template.build import COL, FIRST_DATA_ROW

UNITS = ("定海", "普陀", "岱山")
BASE_TIME = 1_717_200_000  # file times are set explicitly, one minute apart


def count_seqs(cat: Catalogue, unit: str) -> list[int]:
    return [r.indicator.seq for r in reporting_rows(cat, unit) if r.indicator.measure == "count"]


def full_values(cat: Catalogue, unit: str, base: float) -> dict[int, Any]:
    """A valid value for every row of ``unit``; the k-th count row gets ``base`` + k, except
    the itemised ones (明细台账), which get 2: two items each, the same every period, so a
    year of files does not carry hundreds of made-up items."""
    out: dict[int, Any] = {}
    k = 0
    for i, row in enumerate(reporting_rows(cat, unit)):
        m, t = row.indicator.measure, row.target.value
        if m == "count" and row.indicator.items:
            out[row.indicator.seq] = 2.0
        elif m == "count":
            out[row.indicator.seq] = float(base + k)
            k += 1
        elif m == "amount":
            out[row.indicator.seq] = round(base / 100 + i, 2)
        elif m == "qualitative":
            out[row.indicator.seq] = "推进中"
        else:
            out[row.indicator.seq] = t
    return out


class Office:
    """Templates, returns folders, outputs and one ledger below ``root``."""

    def __init__(self, root: Path, cat: Catalogue | None = None) -> None:
        self.root = root
        self.cat = cat or catalogue.load()
        self.ledger = root / "台账" / "ledger.sqlite3"
        self.settings = load_settings()
        self.clock = 0
        self.templates: dict[tuple[str, str], Path] = {}

    def period(self, code: str) -> Period:
        return parse_period(code)

    def generate(self, code: str, units: tuple[str, ...] = UNITS) -> dict[str, Path]:
        out = self.root / "tpl" / code
        paths = generate_period(
            self.cat, self.period(code), out, units, self.settings, self.ledger
        ).paths
        for u, path in zip(units, paths, strict=True):
            self.templates[(code, u)] = path
        return dict(zip(units, paths, strict=True))

    def returns_dir(self, code: str) -> Path:
        return self.root / "returns" / code

    def submit(
        self,
        code: str,
        unit: str,
        values: dict[int, Any],
        name: str | None = None,
        template_code: str | None = None,
    ) -> Path:
        """Fill ``unit``'s template (of ``template_code``, default ``code``) into the returns
        folder of ``code``; each submission is one minute newer than the one before."""
        tpl_code = template_code or code
        if (tpl_code, unit) not in self.templates:
            self.generate(tpl_code, (unit,))
        out = self.returns_dir(code) / (name or f"{unit}.xlsx")
        fill_return(self.templates[(tpl_code, unit)], out, values)
        self.clock += 1
        t = BASE_TIME + 60 * self.clock
        os.utime(out, (t, t))
        return out

    def outputs(self, code: str) -> dict[str, Path]:
        out = self.root / "汇总" / code
        return {
            "output": out / f"{code}_汇总.xlsx",
            "json_path": out / f"{code}.json",
            "csv_path": out / f"{code}.csv",
            "feedback_dir": self.root / "汇总" / "退回修改",
        }

    def consolidate(self, code: str, **kw: Any) -> Outcome:
        args: dict[str, Any] = {**self.outputs(code), "ledger_path": self.ledger, **kw}
        output = args.pop("output")
        self.returns_dir(code).mkdir(parents=True, exist_ok=True)
        return run_consolidation(
            self.returns_dir(code), self.period(code), output, self.cat, self.settings, **args
        )

    def accepted(self, code: str) -> dict[str, dict[int, float | str]]:
        with Ledger(self.ledger) as led:
            return led.accepted_values(self.cat.catalogue_id, code)

    def statuses(self, code: str) -> dict[str, str]:
        with Ledger(self.ledger) as led:
            return {r.file_name: r.status for r in led.rows() if r.period == code}


def carried(template: Path, cat: Catalogue, unit: str) -> dict[int, Any]:
    """序号 → the 上期累计 a template shows (read with calamine)."""
    grid = CalamineWorkbook.from_path(str(template)).get_sheet_by_name("填报表").to_python()
    out = {}
    for i, row in enumerate(reporting_rows(cat, unit)):
        shown = grid[FIRST_DATA_ROW + i][COL["previous"]]
        if shown != "":
            out[row.indicator.seq] = shown
    return out


def subtitle(template: Path) -> str:
    grid = CalamineWorkbook.from_path(str(template)).get_sheet_by_name("填报表").to_python()
    return str(grid[1][0])


def typed_cells(cat: Catalogue, unit: str, values: dict[int, float | str]) -> dict[str, str]:
    """What a person types into 填报表 for ``values`` (序号 → figure): cell → text, percents
    with their sign (for ``lo_run``'s "type")."""
    rows = [r.indicator.seq for r in reporting_rows(cat, unit)]
    vcol = xl_col_to_name(COL["value"])
    out = {}
    for s, v in values.items():
        pct = measure(cat.indicator(s).measure).percent
        text = v if isinstance(v, str) else f"{v:g}" + ("%" if pct else "")
        out[f"{vcol}{FIRST_DATA_ROW + 1 + rows.index(s)}"] = text
    return out
