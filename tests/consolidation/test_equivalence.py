"""The fast path gives the same outputs as the plain one, on a few hundred generated returns.

The speed work (a pool of readers started while the catalogue loads, the styles part parsed
once per process, a catalogue built once and validated once per distinct target, sharing
equal targets, fewer garbage collections, the JSON and CSV rows made once, the values a run
stored taken from memory) must change nothing a user sees. The plain run reads with one
worker given the loaded catalogue, parses every styles part, validates every target before
building every Target on its own, reads every value back from the ledger and makes the rows
twice; the fast run is the command line's. Compared: the JSON report (timestamps aside), the
CSV bytes, every cell value of the summary and of each feedback workbook (read with
calamine), and the ledger's rows."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from shishi_demo.samples import fill_return, sample_values
from workbook.app import run as shishi_run
from workbook.app.run import run_consolidation
from workbook.catalogue import model as catalogue
from workbook.catalogue import schema as catalogueschema
from workbook.core.period import parse_period
from workbook.core.settings import load_settings
from workbook.excel import formats as cellformats
from workbook.ledger.queries import LedgerReads
from workbook.ledger.store import Ledger
from workbook.template.build import generate

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from run import synthetic_catalogue  # noqa: E402

N = 240
PERIOD = "2024Q2"


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("equiv")
    cat_path = synthetic_catalogue(N, root / "cat.json")
    cat = catalogue.load(cat_path)
    p = parse_period(PERIOD)
    paths = generate(cat, p, root / "tpl", settings=load_settings())
    returns = root / "returns"
    for i, (unit, tpl) in enumerate(zip(cat.unit_ids, paths, strict=True)):
        if i % 37 == 5:
            continue  # some units do not report
        values = sample_values(cat, unit, p, seed=i)
        fill_return(tpl, returns / f"{unit}.xlsx", values)
        if i % 29 == 3:  # a far stray cell, a value in words, a rate typed without %
            wb = openpyxl.load_workbook(returns / f"{unit}.xlsx")
            ws = wb["填报表"]
            ws.protection.sheet = False
            ws["XFD1048576"] = "x"
            ws["J8"] = "二十"
            wb.save(returns / f"{unit}.xlsx")
    return root, cat_path, returns


def _run(root: Path, cat_path: Path, returns: Path, name: str, workers: int | None):
    """The fast run is given a loader, as the command line does (the files are read while
    the catalogue loads); the plain run a loaded catalogue."""
    out = root / name
    run_consolidation(
        returns,
        parse_period(PERIOD),
        out / "summary.xlsx",
        (lambda: catalogue.load(cat_path)) if workers is None else catalogue.load(cat_path),
        load_settings(),
        json_path=out / "report.json",
        csv_path=out / "values.csv",
        ledger_path=out / "ledger.sqlite3",
        workers=workers,
    )
    return out


def _cells(path: Path, out: Path) -> dict[str, list]:
    """Every cell value, with the run's moment and output folder masked."""
    wb = CalamineWorkbook.from_path(str(path))

    def mask(v):
        if not isinstance(v, str):
            return v
        return re.sub(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d", "<时间>", v.replace(str(out), "<输出>"))

    return {
        s: [[mask(v) for v in row] for row in wb.get_sheet_by_name(s).to_python()]
        for s in wb.sheet_names
    }


def _report(path: Path) -> dict:
    data = json.loads(path.read_text("utf-8"))
    data.pop("generated_at", None)
    return data


def test_fast_and_plain_runs_agree(folder, monkeypatch):
    root, cat_path, returns = folder
    fast = _run(root, cat_path, returns, "fast", None)

    class NoCache(dict):
        def __setitem__(self, key, value):  # every styles part parsed again
            pass

    monkeypatch.setattr(cellformats, "_STYLES_CACHE", NoCache())
    # the catalogue validated whole before it is built, and every Target built on its own
    monkeypatch.setattr(catalogue, "_built_if_valid", lambda data, path: None)
    monkeypatch.setattr(catalogueschema, "_distinct_targets", lambda data: data)
    monkeypatch.setattr(
        catalogue,
        "_targets",
        lambda raw, distinct=None: {u: catalogue.Target.from_dict(t) for u, t in raw.items()},
    )
    # JSON and CSV each make their rows
    monkeypatch.setattr(shishi_run, "long_rows", lambda result: None)
    # the derivation reads every value back from the ledger, none from what merge stored
    read_back = LedgerReads.submissions

    def submissions(self, *args, **kwargs):
        self._stored.clear()
        return read_back(self, *args, **kwargs)

    monkeypatch.setattr(LedgerReads, "submissions", submissions)
    plain = _run(root, cat_path, returns, "plain", 1)

    a, b = _report(fast / "report.json"), _report(plain / "report.json")
    assert a == b
    assert len(a["submissions"]) > 200
    assert any(p["code"] == "return.far_cell" for p in a["problems"])
    assert (fast / "values.csv").read_bytes() == (plain / "values.csv").read_bytes()
    assert _cells(fast / "summary.xlsx", fast) == _cells(plain / "summary.xlsx", plain)
    fb_fast = sorted(p.name for p in (fast / "退回修改").glob("*.xlsx"))
    assert fb_fast and fb_fast == sorted(p.name for p in (plain / "退回修改").glob("*.xlsx"))
    for name in fb_fast:
        assert _cells(fast / "退回修改" / name, fast) == _cells(plain / "退回修改" / name, plain)
    with Ledger(fast / "ledger.sqlite3") as x, Ledger(plain / "ledger.sqlite3") as y:
        assert _stable(x.dump()) == _stable(y.dump())


def _stable(rows: list[tuple]) -> list[tuple]:
    """Ledger rows without the moments they were written."""
    out = []
    for r in rows:
        out.append(tuple(v for v in r if not (isinstance(v, str) and _looks_like_time(v))))
    return out


def _looks_like_time(v: str) -> bool:
    return len(v) >= 19 and v[4] == "-" and v[10] == "T" and v[13] == ":"
