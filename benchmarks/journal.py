"""Benchmark: the ledger's size over a year, and how much of it is the undo journal.

    .venv/bin/python benchmarks/journal.py             # the bundled catalogue, 4 quarters
    .venv/bin/python benchmarks/journal.py --years 2   # two years on one ledger

Each quarter every unit reports, then one unit sends a correction (the decision flips); after
each run it prints the ledger file's size and the journal's (``changes``: rows and bytes of
their images). Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from shishi_demo.samples import fill_return, sample_values  # noqa: E402
from workbook.app.generate import generate_period  # noqa: E402
from workbook.app.run import run_consolidation  # noqa: E402
from workbook.catalogue import model as catalogue  # noqa: E402
from workbook.core.period import parse_period  # noqa: E402
from workbook.core.settings import load_settings  # noqa: E402


def _sizes(ledger: Path) -> tuple[int, int, int]:
    with sqlite3.connect(ledger) as db:
        rows, size = db.execute(
            "SELECT COUNT(*), COALESCE(SUM(LENGTH(old_json)), 0) + "
            "COALESCE(SUM(LENGTH(new_json)), 0) FROM changes"
        ).fetchone()
    return os.path.getsize(ledger), rows, size


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--years", type=int, default=1)
    args = ap.parse_args()
    cat, settings = catalogue.load(), load_settings()
    with tempfile.TemporaryDirectory(prefix="shishi-journal-") as tmp:
        root = Path(tmp)
        ledger = root / "ledger.sqlite3"
        for year in range(args.years):
            for q in range(1, 5):
                code = f"{cat.year}Q{q}"  # the same year's periods again: a rerun year
                period = parse_period(code)
                folder = root / f"y{year}" / code
                made = generate_period(
                    cat, period, root / "tpl" / code, settings=settings, ledger_path=ledger
                )
                for unit, tpl in zip(cat.unit_ids, made.paths, strict=True):
                    fill_return(
                        tpl, folder / f"{unit}.xlsx", sample_values(cat, unit, period, year)
                    )
                for attempt in ("", "更正"):
                    if attempt:
                        unit = cat.unit_ids[q % len(cat.unit_ids)]
                        values = sample_values(cat, unit, period, year + 100)
                        time.sleep(1)  # the correction is newer by its file time
                        fill_return(
                            made.paths[q % len(made.paths)], folder / f"{unit}_更正.xlsx", values
                        )
                    run_consolidation(
                        folder,
                        period,
                        root / "out" / f"{code}.xlsx",
                        cat,
                        settings,
                        ledger_path=ledger,
                    )
                    size, rows, journal = _sizes(ledger)
                    print(
                        f"year {year + 1} {code}{' correction' if attempt else ''}: ledger "
                        f"{size / 1024:7.0f} KB | journal {rows:5d} rows, {journal / 1024:7.0f} KB "
                        f"({journal / size * 100:4.1f}% of the file)",
                        flush=True,
                    )


if __name__ == "__main__":
    main()
