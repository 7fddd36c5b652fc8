"""Hand-picked one-line mutations of the rules that decide what the summary and the 通报 say,
each run against the rule tables (tests/core/test_rule_tables.py) and the tests named with it.
A mutation the tests do not catch ("survived") is a rule no test holds. Run on demand:

    .venv/bin/python scripts/mutations.py

It changes one source file at a time and always puts it back (the original bytes are
restored in a ``finally``; git shows nothing afterwards). Not mutmut: a fixed list that covers
the rules issue 38 names, so that its figures mean the same on every run. Left out as
equivalent: dropping ``share < 1`` from the whole-step allowance (at the year end the step
is the target itself, for the whole-number targets and bases the catalogue check allows).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TABLES = "tests/core/test_rule_tables.py"
# file, text, mutated text, what the mutation means
MUTATIONS = [
    (
        "workbook/core/status.py",
        "return DONE if share >= 1 else ON_TRACK",
        "return ON_TRACK",
        "a rate is never 已完成 at the year end",
    ),
    (
        "workbook/core/status.py",
        "if single and share < 1:",
        "if single:",
        "one item short stays 推进中 after the year ends",
    ),
    (
        "workbook/core/status.py",
        'return value >= target - EPS if op == ">=" else value <= target + EPS',
        'return value > target + EPS if op == ">=" else value <= target + EPS',
        "exactly on pace (or at target) no longer counts",
    ),
    (
        "workbook/core/status.py",
        "return ON_TRACK if share <= 0.25 else LAGGING",
        "return ON_TRACK if share <= 0.5 else LAGGING",
        "未启动 on track until mid-year",
    ),
    (
        "workbook/core/status.py",
        "if m.base and base is None:\n        return MISSING",
        "if False:\n        return MISSING",
        "a stock without a base is judged from 0",
    ),
    (
        "workbook/core/submission.py",
        "return (trusted(sub), sub.mtime, -sub.errors, sub.name)",
        "return (trusted(sub), sub.mtime, sub.errors, sub.name)",
        "on equal times the file with more errors wins",
    ),
    (
        "workbook/core/submission.py",
        "return (trusted(sub), sub.mtime, -sub.errors, sub.name)",
        "return (sub.mtime, -sub.errors, sub.name)",
        "a file named for another unit replaces the unit's own",
    ),
    (
        "workbook/core/submission.py",
        'if any(p.severity == "error" for p in sub.found) or any(sub.signature.values()):',
        'if any(p.severity == "error" for p in sub.found):',
        "a signed return with no figures is refused as blank",
    ),
    (
        "workbook/core/submission.py",
        "rec.raw or rec.progress or rec.problems or rec.remark",
        "rec.raw",
        "a return with texts only is refused as blank",
    ),
    (
        "workbook/core/submission.py",
        "key=lambda s: (not 0 < revision(s) < newest, *rank_key(s))",
        "key=lambda s: rank_key(s)",
        "an older built revision with a later file time replaces the newer",
    ),
    (
        "workbook/consolidation/figures.py",
        "    if LAGGING in states:\n        return LAGGING\n    if states == {MISSING}:\n"
        "        return MISSING\n    if MISSING in states:\n        return PARTIAL\n",
        "    if states == {MISSING}:\n        return MISSING\n    if MISSING in states:\n"
        "        return PARTIAL\n    if LAGGING in states:\n        return LAGGING\n",
        "a unit not reported hides a lagging one on a per-unit city row",
    ),
]


def run_one(path: Path, old: str, new: str) -> bool:
    """True when the tests catch the mutation (they fail)."""
    original = path.read_bytes()
    text = original.decode("utf-8")
    if text.count(old) != 1:
        raise SystemExit(f"{path}: the text to mutate is not there exactly once:\n{old}")
    try:
        path.write_text(text.replace(old, new), encoding="utf-8")
        r = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", TABLES],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        return r.returncode != 0
    finally:
        path.write_bytes(original)


def main() -> int:
    killed = 0
    for rel, old, new, meaning in MUTATIONS:
        caught = run_one(ROOT / rel, old, new)
        killed += caught
        print(f"{'killed  ' if caught else 'SURVIVED'}  {rel}: {meaning}", flush=True)
    print(f"\n{killed} of {len(MUTATIONS)} killed ({killed / len(MUTATIONS) * 100:.0f}%)")
    return 0 if killed == len(MUTATIONS) else 1


if __name__ == "__main__":
    sys.exit(main())
