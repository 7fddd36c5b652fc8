"""The Consolidation: what one run found, the one type every renderer reads.

Its own module so that the renderers (outputs) and the follow-ups (ranking, chase) can name it
without loading the consolidation run, its worker pool, the zip reader and SQLite.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from workbook.catalogue.model import Catalogue
from workbook.consolidation.figures import CityValue, UnitValue
from workbook.core.findings import Problem
from workbook.core.period import Period
from workbook.core.status import LAGGING
from workbook.core.submission import Submission
from workbook.core.verify import VerifyTally


@dataclass
class Consolidation:
    catalogue: Catalogue
    period: Period
    folder: str
    submissions: list[Submission] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    unit_values: dict[tuple[str, int], UnitValue] = field(default_factory=dict)
    city: dict[int, CityValue] = field(default_factory=dict)
    accepted: dict[str, Submission] = field(default_factory=dict)
    # unit -> 序号 -> (period, value): the latest accepted figure of an earlier period
    previous: dict[str, dict[int, tuple[str, float | str]]] = field(default_factory=dict)
    # period → unit → 序号 → accepted value, when the year has two periods or more (the
    # summary's 历史 sheet); empty for the first period, which 全市汇总 already shows
    history: dict[str, dict[str, dict[int, float | str]]] = field(default_factory=dict)
    generated_at: str = ""
    missing_units: list[str] = field(default_factory=list)
    # unit -> what it must still fix for this period (what its feedback workbook lists)
    open_problems: dict[str, list[Problem]] = field(default_factory=dict)
    recorded: int = 0  # ledger rows this run added or changed
    in_folder: list[int] = field(default_factory=list)  # ledger ids of this run's files
    # unit -> 序号 -> start-of-year base of a stock, as the ledger holds it
    bases: dict[str, dict[int, float]] = field(default_factory=dict)
    ranking: list[Any] = field(default_factory=list)  # ranking.UnitScore, best first (晾晒)
    ranking_formula: str = ""
    chase: list[Any] = field(default_factory=list)  # chase.Chase: units to chase (催报)
    # lines said before anything else: the folder looks like the wrong one (folder_verdict)
    notices: list[str] = field(default_factory=list)
    # unit -> its 核验 this year so far (items listed, drawn, verified, failed)
    verify: dict[str, VerifyTally] = field(default_factory=dict)
    # 逐级核对: returns built by report-up checked against their detail (levels.LevelRow)
    levels: list[Any] = field(default_factory=list)

    def lagging(self) -> list[UnitValue]:
        return [uv for uv in self.unit_values.values() if uv.status == LAGGING]
