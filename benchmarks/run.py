"""Benchmark: generate N templates, fill N returns, consolidate them; print the figures.

    .venv/bin/python benchmarks/run.py                 # N = 11, 100, 1000
    .venv/bin/python benchmarks/run.py --sizes 11,100

For N > 11 the units are synthetic ("单位0001", ...), each taking the targets of one of the 11
real units in turn, so every template has the real catalogue's rows. For each N it prints:
templates/s (generation, both cores from 40 units up), the time to fill the returns (openpyxl,
not a target), then ``--repeat`` times (default 5) a measured pair: python-calamine alone
reading every sheet of the same N files in one process (the raw-read reference), and
`shishi consolidate` of the folder in a fresh interpreter with a fresh ledger (summary + JSON +
CSV + feedback + ledger, every check on). Printed: median files/s and wall, the peak memory
of the main process and of a reading worker, and the median ratio of the two times. Targets
(this 2-core machine): 11 returns in <= 2 s wall; 1,000 returns at >= 250 files/s, within
2.5x of calamine's raw read, peak memory <= 300 MB; generation >= 60/s. Figures are printed,
never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from workbook.app.backup import snapshot  # noqa: E402
from workbook.catalogue import model as catalogue  # noqa: E402
from workbook.core.period import parse_period  # noqa: E402

PERIOD = "2024Q2"


def synthetic_catalogue(n: int, out: Path) -> Path:
    """The real catalogue with ``n`` units, unit i taking the targets of real unit i mod 11."""
    data = json.loads(catalogue.resources.default_catalogue_path().read_text("utf-8"))
    if n == len(data["units"]):
        out.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
        return out
    real = [u["id"] for u in data["units"]]
    units = [{"id": "市局", "full_name": "市局", "kind": "city"}]
    units += [
        {"id": f"单位{i:04d}", "full_name": f"单位{i:04d}", "kind": "county"} for i in range(1, n)
    ]
    for ind in data["indicators"]:
        old = ind["targets"]
        new = {}
        for i, u in enumerate(units):
            t = dict(old[real[i % len(real)]])
            if t.get("type") == "follows":
                t = {"text": "/", "type": "na"}
            new[u["id"]] = t
        ind["targets"] = new
    data["units"] = units
    data["catalogue_id"] = f"bench-{n}"
    out.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    return out


_CAT: dict[str, catalogue.Catalogue] = {}


def _init_fill(cat: catalogue.Catalogue) -> None:
    _CAT["cat"] = cat


def _fill(args: tuple[str, str, str]) -> None:
    from shishi_demo.samples import fill_return, sample_values

    unit, template, out = args
    values = sample_values(_CAT["cat"], unit, parse_period(PERIOD))
    fill_return(Path(template), Path(out), values)


def calamine_reference(files: list[Path]) -> float:
    """Seconds python-calamine alone takes, in this one process, to read every sheet of every
    file (the raw read a peer would compare with: no checks, no outputs)."""
    from python_calamine import CalamineWorkbook

    t = time.perf_counter()
    for f in files:
        wb = CalamineWorkbook.from_path(str(f))
        for name in wb.sheet_names:
            wb.get_sheet_by_name(name).to_python()
        wb.close()
    return time.perf_counter() - t


def child_consolidate(argv: list[str]) -> None:
    """Run in a fresh interpreter: the CLI consolidation, then its peak memory as JSON, and
    the end the console script has (``cli.exit_now``)."""
    from workbook.cli.commands import exit_now, main

    try:
        main(argv, standalone_mode=False)
    finally:
        self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        child_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        print("@@" + json.dumps({"self_kb": self_kb, "children_kb": child_kb}))
    exit_now(0)


def run_size(n: int, work: Path, repeat: int) -> dict[str, float]:
    from workbook.core.settings import load_settings
    from workbook.template import build as template

    cat_path = synthetic_catalogue(n, work / f"cat_{n}.json")
    cat = catalogue.load(cat_path)
    period = parse_period(PERIOD)
    tdir, rdir, odir = work / f"t{n}", work / f"r{n}", work / f"o{n}"
    t = time.perf_counter()
    paths = template.generate(cat, period, tdir, settings=load_settings())
    gen = time.perf_counter() - t
    t = time.perf_counter()
    jobs = [
        (u, str(p), str(rdir / f"{u}回传.xlsx")) for u, p in zip(cat.unit_ids, paths, strict=True)
    ]
    _init_fill(cat)
    if n >= 40:
        with ProcessPoolExecutor(
            max_workers=os.cpu_count() or 1, initializer=_init_fill, initargs=(cat,)
        ) as pool:
            list(pool.map(_fill, jobs, chunksize=8))
    else:
        for j in jobs:
            _fill(j)
    fill = time.perf_counter() - t
    files = sorted(rdir.iterdir())
    runs = [_consolidate_once(files, rdir, odir / f"run{k}", cat_path, work) for k in range(repeat)]
    walls = [r["wall_s"] for r in runs]
    return {
        "n": n,
        "gen_s": gen,
        "gen_rate": n / gen,
        "fill_s": fill,
        "wall_s": median(walls),
        "wall_min": min(walls),
        "wall_max": max(walls),
        "rate": n / median(walls),
        "main_mb": max(r["main_mb"] for r in runs),
        "worker_mb": max(r["worker_mb"] for r in runs),
        "calamine_s": median(r["calamine_s"] for r in runs),
        "ratio": median(r["wall_s"] / r["calamine_s"] for r in runs),
        "backup_s": median(r["backup_s"] for r in runs),
        "accepted": runs[0]["accepted"],
        "problems": runs[0]["problems"],
        "repeat": repeat,
    }


def _consolidate_once(
    files: list[Path], rdir: Path, odir: Path, cat_path: Path, work: Path
) -> dict[str, float]:
    """One measured pair: calamine's raw read of the files, then ``shishi consolidate`` of the
    same folder in a fresh interpreter with a fresh ledger (whole process, every output)."""
    ref = calamine_reference(files)
    argv = [
        "consolidate",
        str(rdir),
        "--period",
        PERIOD,
        "-o",
        str(odir / "summary.xlsx"),
        "--json",
        str(odir / "report.json"),
        "--csv",
        str(odir / "values.csv"),
        "--catalogue",
        str(cat_path),
        "--ledger",
        str(odir / "ledger.sqlite3"),
    ]
    t = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, __file__, "--child", json.dumps(argv)],
        capture_output=True,
        text=True,
        cwd=work,
    )
    wall = time.perf_counter() - t
    if proc.returncode not in (0, 1):
        raise SystemExit(proc.stdout + proc.stderr)
    mem = json.loads(proc.stdout.split("@@")[-1])
    report = json.loads((odir / "report.json").read_text("utf-8"))
    t = time.perf_counter()  # the run took a backup; one more, alone, says what it costs
    snapshot(odir / "ledger.sqlite3", odir / "bench-backup")
    backup = time.perf_counter() - t
    return {
        "backup_s": backup,
        "wall_s": wall,
        "calamine_s": ref,
        "main_mb": mem["self_kb"] / 1024,
        "worker_mb": mem["children_kb"] / 1024,
        "accepted": sum(s["status"] == "accepted" for s in report["submissions"]),
        "problems": len(report["problems"]),
    }


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        child_consolidate(json.loads(sys.argv[2]))
        return
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="11,100,1000")
    ap.add_argument("--repeat", type=int, default=5, help="measured runs per size (medians)")
    args = ap.parse_args()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, {platform.platform()}"
    )
    rows = []
    with tempfile.TemporaryDirectory(prefix="shishi-bench-") as tmp:
        for n in (int(x) for x in args.sizes.split(",")):
            r = run_size(n, Path(tmp), args.repeat)
            rows.append(r)
            print(
                f"N={n:5d}  generate {r['gen_s']:6.2f} s = {r['gen_rate']:6.1f} templates/s | "
                f"fill {r['fill_s']:6.1f} s\n         consolidate end to end (median of "
                f"{r['repeat']}): {r['wall_s']:6.2f} s (min {r['wall_min']:.2f}, max "
                f"{r['wall_max']:.2f}) = {r['rate']:6.1f} files/s | accepted {r['accepted']}, "
                f"problems {r['problems']} | peak main {r['main_mb']:5.0f} MB, worker "
                f"{r['worker_mb']:5.0f} MB\n         calamine raw read of every sheet, one "
                f"process: {r['calamine_s']:5.2f} s | ratio shishi/calamine {r['ratio']:.2f}x"
                f"\n         of which the ledger's backup: {r['backup_s']:.3f} s "
                f"({r['backup_s'] / r['wall_s'] * 100:.1f}% of the run)",
                flush=True,
            )
    print("\ntargets:")
    for r in rows:
        if r["n"] == 11:
            print(
                f"  11 returns to a finished summary <= 2 s wall: {r['wall_s']:.2f} s "
                f"{'OK' if r['wall_s'] <= 2 else 'MISSED'}"
            )
        if r["n"] >= 1000:
            ok = r["rate"] >= 250 and r["ratio"] <= 2.5 and r["main_mb"] <= 300
            print(
                f"  {r['n']} returns >= 250 files/s, <= 2.5x calamine, <= 300 MB: "
                f"{r['rate']:.0f} files/s, {r['ratio']:.2f}x, {r['main_mb']:.0f} MB main / "
                f"{r['worker_mb']:.0f} MB worker {'OK' if ok else 'MISSED'}"
            )
        if r["n"] >= 100:
            print(
                f"  generation >= 60 templates/s (N={r['n']}): {r['gen_rate']:.0f}/s "
                f"{'OK' if r['gen_rate'] >= 60 else 'MISSED'}"
            )


if __name__ == "__main__":
    main()
