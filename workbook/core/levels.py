"""Reporting up a level: what a return built from a lower level's consolidation (``shishi
report-up``) carries, and the rules both ends use. Pure: no files.

Such a return is the parent's own template for the county, prefilled. It carries an origin
(JSON in column A of the very hidden sheet ``ORIGIN_SHEET``, in pieces under Excel's cell limit): the county's catalogue, the revision, the 所 that
reported and those that did not, the figures prefilled and their digest. Unless left out, a
protected sheet 所明细 lists each 所's figure per row, with the roll-up rule, so the parent can
check the county's figure against its detail (``detail_total``).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

DETAIL_SHEET = "所明细"  # a county's 所
DETAIL_SHEET_UNITS = "下级明细"  # a city's counties and zones (city → province)
DETAIL_SHEETS = (DETAIL_SHEET, DETAIL_SHEET_UNITS)
ORIGIN_SHEET = "_shishi_origin"
ORIGIN_PIECE = 30000  # characters per cell (Excel holds 32,767)
DETAIL_HEADER = ("序号", "目标名称", "汇总方式", "汇总值")  # then one column per 所, 本级 first
NOT_REPORTED = "未报送"
BUILT = "汇总生成"


def digest(values: dict[str, Any]) -> str:
    """The digest of the prefilled figures (序号 as text → figure), as the origin states it."""
    blob = json.dumps(values, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]


def detail_total(rule: str, direction: str, parts: dict[str, float | str | None]) -> float | None:
    """The figure the detail adds up to by ``rule`` (sum, worst, self): None when it cannot
    be told (a 所 not reported, text figures, manual)."""
    nums = {u: v for u, v in parts.items() if isinstance(v, int | float)}
    if rule == "self":
        v = parts.get("本级")
        return float(v) if isinstance(v, int | float) else None
    if rule == "manual" or len(nums) < len([v for v in parts.values() if v not in (None, "")]):
        return None
    if not nums:
        return None
    if rule == "sum":
        return float(sum(nums.values()))
    return float(min(nums.values()) if direction == "higher" else max(nums.values()))


def origin_text(origin: dict[str, Any]) -> str:
    """How 报送情况 says a return was made: 汇总生成 第2版，所报送 3/3."""
    if not origin:
        return "填报"
    text = f"{BUILT} 第{origin.get('revision', 1)}版，所报送 {origin.get('reported', 0)}/{origin.get('total', 0)}"
    if origin.get("missing"):
        text += f"（未报送：{'、'.join(origin['missing'])}）"
    return text
