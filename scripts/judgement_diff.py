"""Which judgements a change of the progress rules changes: the same realistic returns run
through the ``shishi`` command of an older tree and of this one, city and unit statuses
compared row by row.

    python scripts/judgement_diff.py --old 7efa2b6 [--work /tmp/judgement]

Each tree generates its own templates (its own catalogue), so a row whose kind changed gets
the same figures typed the way its template asks. Patterns, per period:

- ``pace``: every row exactly at its own pace (whole items rounded up), except that before
  the year end a unit whose target is one item has not delivered it yet (the issue's pattern);
- ``mixed``: the same, with a seeded third of the units 20% behind on every row and one
  unit typing 0 everywhere (a realistic spread of lagging units).

Prints one line per changed judgement: pattern, period, 序号, city or unit, old → new.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import openpyxl

ROOT = Path(__file__).resolve().parent.parent
PERIODS = ("2024Q2", "2024Q4")


def _shishi(tree: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "workbook", *args],
        cwd=tree,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(tree), "SHISHI_HOME": str(tree / ".judgement_home"), "PATH": ""},
    )


def _header(ws: Any) -> dict[str, int]:
    for r in range(1, 10):
        texts = {str(c.value): c.column for c in ws[r] if c.value}
        if "序号" in texts:
            return {"row": r, **texts}
    raise SystemExit("no header row")


def _figure(kind: str, target: float, share: float, base: float, behind: float) -> float:
    x = base + (target - base) * share * behind
    if share < 1 and target - base <= 1:
        x = base
    return float(math.ceil(x - 1e-9))


def fill(template: Path, out: Path, share: float, behind: float) -> None:
    """Type the pattern into a template with openpyxl: counts rounded up, percents and
    limits at their target level (behind: scaled), stocks from a base of 85% of target."""
    wb = openpyxl.load_workbook(template)
    ws = wb["填报表"]
    h = _header(ws)
    value_col = next(c for t, c in h.items() if t.startswith("累计完成"))
    r = h["row"] + 1
    while isinstance(ws.cell(r, 1).value, int | float):
        target = ws.cell(r, h["目标值"]).value
        cell = ws.cell(r, value_col)
        base_cell = ws.cell(r, h["年初基数"])
        fmt = cell.number_format
        if target is None:
            cell.value = "推进中" if behind == 1 else "未启动"
        elif "%" in fmt:
            cell.value = round(float(target) * behind, 4)
        elif fmt == "0.0":  # a time limit: over it when behind
            cell.value = round(float(target) / max(behind, 0.5), 2)
        else:
            base = 0.0
            if not base_cell.protection.locked:
                base = float(round(float(target) * 0.85))
                base_cell.value = base
            integer = fmt == "0"
            x = base + (float(target) - base) * share * behind
            if integer:
                cell.value = _figure("", float(target), share, base, behind)
            else:
                cell.value = round(x + 0.01, 2)
        r += 1
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)


def run_tree(tree: Path, work: Path, pattern: str, period: str) -> dict[str, Any]:
    share = {"2024Q2": 0.5, "2024Q4": 1.0}[period]
    tpl = work / "tpl"
    shutil.rmtree(work, ignore_errors=True)
    r = _shishi(
        tree, "generate", "--period", period, "--out", str(tpl), "--ledger", str(work / "l.db")
    )
    if r.returncode:
        raise SystemExit(r.stderr)
    rng = random.Random(2024)
    templates = sorted(tpl.glob("*.xlsx"))
    slow = (
        set(rng.sample(range(len(templates)), len(templates) // 3)) if pattern == "mixed" else set()
    )
    for i, t in enumerate(templates):
        behind = 0.0 if (pattern == "mixed" and i == 0) else 0.8 if i in slow else 1.0
        fill(t, work / "returns" / t.name, share, behind)
    report = work / "r.json"
    r = _shishi(
        tree, "consolidate", str(work / "returns"), "--period", period,
        "-o", str(work / "s.xlsx"), "--json", str(report), "--no-ledger",
    )  # fmt: skip
    if r.returncode not in (0, 1):
        raise SystemExit(r.stderr)
    return json.loads(report.read_text("utf-8"))


def statuses(report: dict[str, Any]) -> dict[tuple[int, str], str]:
    out = {(c["seq"], "全市"): c["status"] for c in report["city"]}
    out |= {(u["序号"], u["单位"]): u["进度状态"] for u in report["values"]}
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--old", required=True)
    ap.add_argument("--work", default="/tmp/judgement")
    args = ap.parse_args()
    work = Path(args.work)
    old = work / "old_tree"
    if not old.exists():
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(old), args.old], cwd=ROOT, check=True
        )
    changed = 0
    for pattern in ("pace", "mixed"):
        for period in PERIODS:
            a = statuses(run_tree(old, work / "old", pattern, period))
            b = statuses(run_tree(ROOT, work / "new", pattern, period))
            for key in sorted(set(a) | set(b), key=lambda k: (k[0], k[1] != "全市", k[1])):
                if a.get(key) != b.get(key):
                    changed += 1
                    print(
                        f"{pattern}\t{period}\t序号{key[0]}\t{key[1]}\t{a.get(key)} → {b.get(key)}"
                    )
    print(f"{changed} judgements changed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
