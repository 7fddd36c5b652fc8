"""Between levels, both ends. At the county: the figures its return to the parent carries,
rolled up from its 所 by each row's rule (``rolled_up``), and what changed since the last
revision sent (``stale``). At the parent: each return built that way checked against its own
detail and origin (``level_checks``: the 逐级核对 sheet). Pure: figures and returns in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from workbook.catalogue.indicator import ROLLUP_ZH
from workbook.catalogue.model import Catalogue, reporting_rows
from workbook.consolidation.figures import CityValue, UnitValue
from workbook.core.levels import NOT_REPORTED, detail_total, digest
from workbook.core.submission import Submission


def parent_seqs(cat: Catalogue) -> dict[int, int]:
    """Own 序号 → the parent's: the catalogue's map (catalogue link), else the same 序号."""
    mapping = (cat.parent or {}).get("map") or {}
    if mapping:
        return {int(k): int(v) for k, v in mapping.items()}
    return {ind.seq: ind.seq for ind in cat.indicators}


@dataclass
class RolledUp:
    values: dict[int, float | str] = field(default_factory=dict)  # parent 序号 → figure
    bases: dict[int, float] = field(default_factory=dict)
    detail: list[tuple[int, str, str, Any, dict[str, Any]]] = field(default_factory=list)
    units: list[str] = field(default_factory=list)  # the detail's columns


def rolled_up(
    cat: Catalogue,
    unit_values: dict[tuple[str, int], UnitValue],
    city: dict[int, CityValue],
    reported: set[str],
) -> RolledUp:
    """The county's own figure per parent 序号: the sum or the worst unit as the county's
    consolidation computed it (``city``), the 本级's figure for ``self`` rows, nothing for
    ``manual`` ones (the county types them); the bases of stocks summed; the detail."""
    out = RolledUp(units=[u for u in cat.unit_ids if reporting_rows(cat, u)])
    for seq, pseq in sorted(parent_seqs(cat).items()):
        ind = cat.indicator(seq)
        rule = ind.rollup_rule
        mine = {u: uv for (u, s), uv in unit_values.items() if s == seq}
        if rule in ("sum", "worst"):
            value = city[seq].value if seq in city else None
        elif rule == "self":
            value = mine["本级"].value if "本级" in mine else None
        else:
            value = None
        if value is not None and value != "":
            out.values[pseq] = value
        bases = [uv.base for uv in mine.values()]
        if rule == "sum" and bases and all(b is not None for b in bases):
            out.bases[pseq] = float(sum(b for b in bases if b is not None))
        parts = {u: (uv.value if u in reported else NOT_REPORTED) for u, uv in mine.items()}
        out.detail.append((pseq, ind.name, ROLLUP_ZH[rule], value, parts))
    return out


def stale(sent: dict[str, Any], now: dict[int, Any]) -> list[tuple[int, Any, Any]]:
    """(parent 序号, figure sent, figure now) where the county's figures moved since ``sent``
    (the values of the last revision, keys as text)."""
    keys = sorted({int(k) for k in sent} | set(now))
    return [
        (k, sent.get(str(k)), now.get(k)) for k in keys if not _same(sent.get(str(k)), now.get(k))
    ]


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float):
        return abs(float(a) - float(b)) < 1e-9
    return a == b


@dataclass
class LevelRow:
    """One line of 逐级核对."""

    unit: str
    kind: str  # 汇总不符, 所未报送, 生成后改动, 来源被改动, 版本变化, 一致
    seq: int | None
    message: str
    exception: bool = True


def level_checks(
    cat: Catalogue, accepted: dict[str, Submission], earlier: dict[str, Submission]
) -> list[LevelRow]:
    """Every accepted return built by report-up, checked: figure against its detail, 所
    not reported, cells changed after it was built, and what changed since the revision it
    superseded (``earlier``: unit → that superseded return); exceptions first."""
    rows: list[LevelRow] = []
    for unit in cat.unit_ids:
        sub = accepted.get(unit)
        origin = (sub.origin or {}).get("origin") if sub else None
        if sub is None or not origin:
            continue
        rows += _one(cat, unit, sub, origin)
        old = earlier.get(unit)
        old_origin = (old.origin or {}).get("origin") if old else None
        if old is not None and old_origin:
            if int(old_origin.get("revision", 0)) > int(origin.get("revision", 0)):
                rows.append(LevelRow(unit, "版本倒置", None, f"采用的是第{origin.get('revision')}版（文件时间较晚），"
                                     f"但已收到第{old_origin.get('revision')}版：请核实是否误发了旧版。"))  # fmt: skip
            now = {seq: rec.value for seq, rec in sub.values.items()}
            for seq, a, b in stale({str(k): v.value for k, v in old.values.items()}, now):
                rows.append(LevelRow(unit, "版本变化", seq, f"第{old_origin.get('revision')}版 {_show(a)} → "
                                     f"第{origin.get('revision')}版 {_show(b)}", exception=False))  # fmt: skip
    return sorted(rows, key=lambda r: (not r.exception, cat.unit_ids.index(r.unit), r.seq or 0))


def _one(cat: Catalogue, unit: str, sub: Submission, origin: dict[str, Any]) -> list[LevelRow]:
    rows = []
    values = {str(k): v for k, v in (origin.get("values") or {}).items()}
    if digest(values) != origin.get("digest"):
        rows.append(
            LevelRow(
                unit,
                "来源被改动",
                None,
                "文件中记录的汇总数与其校验值不符：来源信息在生成后被改动过。",
            )
        )
    for name in origin.get("missing") or []:
        rows.append(LevelRow(unit, "所未报送", None, f"{name}未报送，本单位数字未含该所。"))
    detail = (sub.origin or {}).get("detail") or {}
    for seq, rec in sorted(sub.values.items()):
        typed = rec.value
        if str(seq) in values and not _same(values[str(seq)], typed):
            rows.append(LevelRow(unit, "生成后改动", seq, f"汇总生成 {_show(values[str(seq)])}，报送 {_show(typed)}。",
                                 exception=False))  # fmt: skip
        line = detail.get(str(seq))
        if not line or not isinstance(typed, int | float):
            continue
        rule = {v: k for k, v in ROLLUP_ZH.items()}.get(line["rule"], "sum")
        parts = [v for v in line["parts"].values() if isinstance(v, int | float)]
        if rule == "worst" and any(_same(typed, v) for v in parts):
            continue  # the worst unit is the one furthest from its own target: one of them
        total = detail_total(rule, cat.indicator(seq).direction, line["parts"])
        if total is not None and not _same(total, typed):
            rows.append(
                LevelRow(
                    unit,
                    "汇总不符",
                    seq,
                    f"报送 {_show(typed)}，所明细按“{line['rule']}”汇总为 {_show(total)}。",
                )
            )
    return rows


def _show(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return "（空）" if v in (None, "") else str(v)
