"""The city's 核验 (spot check) of the items behind itemised figures: the reproducible draw,
the results an inspector may record, and each unit's tally. Pure: items in, lines out.

The draw is 双随机 in spirit: for each unit, its items of the period (in a fixed order: 序号,
then code or name) are sampled without replacement by Python's ``random.Random`` (Mersenne
Twister) seeded with ``"{seed}:{unit}"``. Anyone with the same items and seed draws the same
lines; the method is printed in the list it goes out in (``METHOD``).
"""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass, field
from typing import Any

from workbook.core.items import item_key

PASSED, FAILED, PENDING = "通过", "不通过", "待核"
RESULTS = (PASSED, FAILED, PENDING)
METHOD = (
    "对每个单位，把本期已确认明细按（序号，统一社会信用代码或名称）排序，用 Python "
    "random.Random（梅森旋转算法）以“随机数种子:单位简称”为种子不放回抽取；"
    "某单位明细不足抽取条数时全部列入。以前各次抽查已核验（通过或不通过）的明细不再抽取。"
)
# the columns of the list: key, header; the last four are what the inspector fills
LINE_COLUMNS = (
    ("no", "抽取编号"),
    ("unit", "单位"),
    ("seq", "序号"),
    ("indicator", "目标名称"),
    ("name", "名称"),
    ("code", "统一社会信用代码"),
    ("address", "地址（点位）"),
    ("date", "完成（认定）日期"),
    ("evidence", "佐证材料"),
    ("result", "核验结果"),
    ("note", "说明"),
    ("checker", "核验人员"),
    ("checked_on", "核验日期"),
)
ISSUED_KEYS = tuple(k for k, _ in LINE_COLUMNS[:9])
INPUT_KEYS = tuple(k for k, _ in LINE_COLUMNS[9:])
ITEM_FIELDS = ("name", "code", "address", "date", "evidence")  # copied from the item


def ordered(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A unit's items in the order the draw numbers them (independent of the file's order)."""
    return sorted(items, key=lambda it: (int(it["seq"]), item_key(it)))


def draw(
    items_by_unit: dict[str, list[dict[str, Any]]],
    units: list[str],
    per_unit: int,
    seed: str,
    done: set[tuple[str, int, str]] | None = None,
) -> list[dict[str, Any]]:
    """The sample: per unit (in ``units`` order) up to ``per_unit`` of its items not in
    ``done`` ((unit, 序号, item key) already verified), each a line with its 抽取编号."""
    lines: list[dict[str, Any]] = []
    for unit in units:
        pool = [
            it
            for it in ordered(items_by_unit.get(unit, []))
            if (unit, int(it["seq"]), item_key(it)) not in (done or set())
        ]
        rng = random.Random(f"{seed}:{unit}")
        picked = sorted(rng.sample(range(len(pool)), min(per_unit, len(pool))))
        for i in picked:
            it = pool[i]
            lines.append(
                {
                    "no": len(lines) + 1,
                    "unit": unit,
                    "seq": int(it["seq"]),
                    "key": item_key(it),
                    **{k: str(it.get(k) or "") for k in ITEM_FIELDS},
                }
            )
    return lines


def sample_id(catalogue_id: str, period: str, seed: str, lines: list[dict[str, Any]]) -> str:
    """The sample's identity: the same period, seed and lines give the same id."""
    blob = json.dumps([catalogue_id, period, seed, lines], ensure_ascii=False, sort_keys=True)
    return f"HY{period}-{hashlib.sha256(blob.encode()).hexdigest()[:10].upper()}"


@dataclass
class VerifyTally:
    """One unit's 核验 so far this year: items listed now, drawn, with a result, failed."""

    unit: str
    listed: int = 0
    sampled: int = 0
    verified: int = 0
    failed: int = 0
    pending: int = 0
    failures: list[dict[str, Any]] = field(default_factory=list)  # the lines, with note

    def as_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "listed": self.listed,
            "sampled": self.sampled,
            "verified": self.verified,
            "failed": self.failed,
            "pending": self.pending,
        }


def tally(
    units: list[str], listed: dict[str, int], lines: list[dict[str, Any]]
) -> dict[str, VerifyTally]:
    """Per unit: ``lines`` are every drawn line of the year so far with its latest result
    (``result`` "" when none came back), one per (unit, 序号, key) — the newest draw wins."""
    out = {u: VerifyTally(u, listed=listed.get(u, 0)) for u in units}
    for line in lines:
        t = out.get(line["unit"])
        if t is None:
            continue
        t.sampled += 1
        if line["result"] in (PASSED, FAILED):
            t.verified += 1
        if line["result"] == FAILED:
            t.failed += 1
            t.failures.append(line)
        if line["result"] in ("", PENDING):
            t.pending += 1
    return out
