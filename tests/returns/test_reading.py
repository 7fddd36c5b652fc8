"""A run starts reading the returns before its catalogue is loaded (``pool.ReaderPool``): what was
read before the catalogue arrived is checked all the same, workers started before it check
with the catalogue handed over, and a catalogue that fails to load leaves no worker and no
temporary file behind. Real templates, real returns, real worker processes."""

from __future__ import annotations

import glob
import multiprocessing as mp
import os
import tempfile
import threading
from pathlib import Path

import pytest

from shishi_demo.samples import fill_return, sample_values
from workbook.app.run import run_consolidation
from workbook.catalogue import model as catalogue
from workbook.consolidation.consolidate import consolidate, start_reading
from workbook.core.errors import InputError
from workbook.core.period import parse_period
from workbook.core.settings import load_settings
from workbook.returns.pool import ReaderPool
from workbook.template.build import generate

PERIOD = parse_period("2024Q2")
UNITS = ("定海", "普陀", "岱山")


@pytest.fixture(scope="module")
def cat():
    return catalogue.load()


@pytest.fixture(scope="module")
def returns(cat, tmp_path_factory):
    root = tmp_path_factory.mktemp("reading")
    paths = dict(zip(cat.unit_ids, generate(cat, PERIOD, root / "tpl"), strict=True))
    folder = root / "returns"
    for i, unit in enumerate(UNITS):
        values = sample_values(cat, unit, PERIOD, seed=i)
        values[next(iter(values))] = "二十"  # a problem to find in each return
        fill_return(paths[unit], folder / f"{unit}.xlsx", values)
    return folder


def _digest(result):
    return (
        {
            u: {s: (r.value, r.raw, r.cell) for s, r in sub.values.items()}
            for u, sub in result.accepted.items()
        },
        sorted((p.unit, p.code, p.cell, p.message) for p in result.problems),
    )


def test_returns_read_before_the_catalogue_are_checked_all_the_same(cat, returns):
    settings = load_settings()
    reading = start_reading(returns, PERIOD, settings)  # no catalogue yet
    for _key, job in reading.jobs:
        job.wait(60)  # every file read before the catalogue arrives: none checked by workers
    assert all(job.get().checked is None for _key, job in reading.jobs)
    early = consolidate(returns, cat, PERIOD, settings, reading=reading)
    plain = consolidate(returns, cat, PERIOD, settings)
    assert sorted(early.accepted) == sorted(UNITS)
    assert any(p.code == "value.not_number" and p.found == "二十" for p in early.problems)
    assert _digest(early) == _digest(plain)


def _read_after_supply(cat, returns):
    """A worker started without the catalogue blocks on a FIFO until the catalogue has been
    supplied, then reads a real return through it; its result."""
    with tempfile.TemporaryDirectory() as tmp:
        fifo = Path(tmp) / "定海.xlsx"
        os.mkfifo(fifo)
        with ReaderPool([fifo], 10**8, 60, workers=1, period_code=PERIOD.code) as reading:
            reading.supply(cat)
            data = (returns / "定海.xlsx").read_bytes()
            writer = threading.Thread(target=fifo.write_bytes, args=(data,))
            writer.start()
            (raw,) = reading.collect()
            writer.join()
    return raw


def test_a_worker_started_before_the_catalogue_checks_with_the_one_handed_over(cat, returns):
    raw = _read_after_supply(cat, returns)
    assert raw.identity["unit"] == "定海" and not raw.error
    assert raw.checked is not None and raw.checked.values
    assert raw.grid == []  # checked in the worker: the grid stayed there


@pytest.mark.parametrize("error", [InputError("目录文件不是有效的 JSON"), KeyboardInterrupt()])
def test_a_catalogue_load_that_fails_leaves_no_worker_and_no_file(returns, tmp_path, error):
    """A broken catalogue, or Ctrl-C while it loads: the readers already started are ended."""
    before = set(glob.glob(os.path.join(tempfile.gettempdir(), "shishi-catalogue-*")))

    def broken():
        raise error

    with pytest.raises(type(error)):
        run_consolidation(returns, PERIOD, tmp_path / "s.xlsx", broken, load_settings())
    assert mp.active_children() == []
    assert set(glob.glob(os.path.join(tempfile.gettempdir(), "shishi-catalogue-*"))) == before
    assert not (tmp_path / "s.xlsx").exists()


def test_a_loader_gives_the_same_run_as_a_loaded_catalogue(cat, returns, tmp_path):
    settings = load_settings()
    a = run_consolidation(returns, PERIOD, tmp_path / "a" / "s.xlsx", cat, settings)
    b = run_consolidation(returns, PERIOD, tmp_path / "b" / "s.xlsx", catalogue.load, settings)
    assert _digest(a.result) == _digest(b.result)
    assert mp.active_children() == []


def test_spawned_workers_get_the_catalogue_handed_over_as_on_windows(cat, returns, monkeypatch):
    """Windows has no fork: workers started before the catalogue is loaded are spawned and
    receive it through the handed-over file."""
    monkeypatch.setattr("workbook.returns.pool.mp.get_all_start_methods", lambda: ["spawn"])
    raw = _read_after_supply(cat, returns)
    assert raw.identity["unit"] == "定海" and not raw.error
    assert raw.checked is not None and raw.checked.values
    assert raw.grid == []
