"""晾晒: each unit's score for the period, by a transparent formula kept in the settings.

The plan asks the office to 定期晾晒工作进展 and counts completion in the annual 综合绩效考评.
The score is a weighted share of the unit's own indicators by status (weights in the settings,
``ranking.weights``); units are ranked by it and put in colour bands (``ranking.bands``). The
formula shown next to every ranking table is written from the same weights.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from workbook.consolidation.result import Consolidation
from workbook.core.settings import Settings
from workbook.core.status import DONE, IN_PROGRESS, LAGGING, MISSING, NO_CASES, ON_TRACK

STATUSES = (DONE, ON_TRACK, IN_PROGRESS, LAGGING, MISSING)


@dataclass
class UnitScore:
    unit: str
    indicators: int
    counts: dict[str, int] = field(default_factory=dict)
    score: float = 0.0
    band: str = ""
    color: str = ""
    rank: int = 0
    reported: bool = False
    verify_failed: int = 0  # items the city's 核验 failed this year

    def as_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "indicators": self.indicators,
            "counts": self.counts,
            "score": self.score,
            "band": self.band,
            "rank": self.rank,
            "reported": self.reported,
            "verify_failed": self.verify_failed,
        }


def formula_text(settings: Settings | None) -> str:
    """The formula in Chinese, written from the weights and bands actually used."""
    r = (settings or Settings()).ranking
    weights = r.weights
    parts = [f"{s}×{weights.get(s, 0):g}" for s in STATUSES if weights.get(s, 0)]
    zero = [s for s in STATUSES if not weights.get(s, 0)]
    bands = "，".join(f"{b.label}（≥ {b.min:g} 分）" for b in sorted(r.bands, key=lambda b: -b.min))
    penalty = (
        f" − 核验不通过明细条数 × {r.verify_penalty:g}（最低 0 分）" if r.verify_penalty else ""
    )
    return (
        f"得分 = ({' + '.join(parts)}) ÷ 本单位应报指标数（不含填“无”的无此类事项）× 100{penalty}"
        + (f"；{'、'.join(zero)}计 0 分" if zero else "")
        + f"。分档：{bands}。"
    )


def rank_units(result: Consolidation, settings: Settings | None = None) -> list[UnitScore]:
    """Every unit with indicators to report but the office's own (市局, or a county's 本级),
    best first (equal scores share a rank)."""
    r = (settings or Settings()).ranking
    weights = r.weights
    bands = sorted(r.bands, key=lambda b: -b.min)
    scores: dict[str, UnitScore] = {}
    own = {u.id for u in result.catalogue.units if u.kind == "city"}  # the office itself
    for uv in result.unit_values.values():
        if uv.unit in own:  # it ranks the districts (or 所) it oversees, not itself
            continue
        us = scores.setdefault(uv.unit, UnitScore(uv.unit, 0, dict.fromkeys(STATUSES, 0)))
        if uv.status == NO_CASES:  # nothing happened to judge: not in the denominator
            continue
        us.indicators += 1
        if uv.status in us.counts:
            us.counts[uv.status] += 1
    order = {u: i for i, u in enumerate(result.catalogue.unit_ids)}
    for us in scores.values():
        points = sum(weights.get(s, 0) * n for s, n in us.counts.items())
        us.score = round(100 * points / us.indicators, 1) if us.indicators else 0.0
        tally = result.verify.get(us.unit)
        us.verify_failed = tally.failed if tally else 0
        if r.verify_penalty and us.verify_failed:
            us.score = max(0.0, round(us.score - r.verify_penalty * us.verify_failed, 1))
        band = next((b for b in bands if us.score >= b.min), bands[-1])
        us.band, us.color = band.label, band.color
        us.reported = us.unit in result.accepted
    ranked = sorted(scores.values(), key=lambda s: (-s.score, order[s.unit]))
    for i, us in enumerate(ranked):
        same = i > 0 and us.score == ranked[i - 1].score
        us.rank = ranked[i - 1].rank if same else i + 1
    return ranked
