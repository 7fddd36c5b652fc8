"""A county's own catalogue, derived from its parent's: the rows the county owes the parent,
the county's targets there becoming its own 全区目标任务, one unit per 所 plus the county's
本级. ``catalogue derive`` writes it as a decomposition table for the county to complete;
``catalogue import --parent`` reads it back and checks it against the parent
(``catalogue.parentcheck``).

序号 stay the parent's. Each row says how it rolls up (``Indicator.rollup``): additive rows
sum, levels take the worst unit, commitments in words are the 本级's own.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from workbook.catalogue.indicator import Indicator, Target
from workbook.catalogue.model import Action, Catalogue, Unit, reporting_rows
from workbook.core.errors import InputError
from workbook.core.targets import parse_target

SELF = "本级"
SPLITS = ("even", "empty")


def read_stations(path: Path) -> list[tuple[str, str]]:
    """所.csv: 简称,全称 per line (a header line 简称,全称 is skipped), UTF-8 or GBK."""
    raw = path.read_bytes()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InputError(f"{path} 既不是 UTF-8 也不是 GBK 编码的文本，请另存为 CSV（UTF-8）。")
    out: list[tuple[str, str]] = []
    for n, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        cells = [c.strip() for c in row]
        if not any(cells) or (n == 1 and cells[0] == "简称"):
            continue
        if len(cells) < 2 or not cells[0] or not cells[1]:
            raise InputError(f"{path} 第 {n} 行应为“简称,全称”两项，实为：{','.join(cells)}")
        if any(cells[0] == s for s, _ in out):
            raise InputError(f"{path} 第 {n} 行：所“{cells[0]}”出现了两次。")
        out.append((cells[0], cells[1]))
    if not out:
        raise InputError(f"{path} 中没有任何所（每行：简称,全称）。")
    return out


def level_for(full_name: str, parent: Catalogue) -> dict[str, str]:
    """The county's wording: 全区/区局, 全县/县局, or for a zone's 分局 全区/分局."""
    if "县" in full_name:
        scope, short = "全县", "县局"
    elif "分局" in full_name:
        scope, short = "全区", "分局"
    else:
        scope, short = "全区", "区局"
    return {"bureau": full_name, "scope": scope, "short": short,
            "parent_short": parent.wording["bureau"]}  # fmt: skip


def derive(
    parent: Catalogue, unit: str, stations: list[tuple[str, str]], split: str = "even"
) -> Catalogue:
    """The catalogue of ``unit`` of ``parent`` for its ``stations`` (简称, 全称)."""
    own = parent.unit(unit)
    if unit == parent.city_unit:
        raise InputError(f"“{unit}”是{parent.wording['bureau']}本级，不是下级单位，不能分解。")
    if split not in SPLITS:
        raise InputError(f"--split 应为 even 或 empty，实为 {split}。")
    for sid, _ in stations:
        if sid in (SELF, unit) or parent.has_unit(sid):
            raise InputError(
                f"所的简称“{sid}”与{'本级' if sid == SELF else '上级目录的单位'}同名：汇总时会重复计数，请改用别的简称。"
            )
    rows = reporting_rows(parent, unit)
    if not rows:
        raise InputError(f"上级目录没有给“{unit}”下达任何目标。")
    ids = [SELF] + [s for s, _ in stations]
    indicators = []
    for row in rows:
        targets, rollup = _split(row.indicator, row.target, ids, split)
        indicators.append(_indicator(row.indicator, row.target, targets, rollup))
    used = sorted({i.action for i in indicators})
    actions = [
        Action(a.no, a.name, sum(1 for i in indicators if i.action == a.no))
        for a in parent.actions
        if a.no in used
    ]
    full = own.full_name or unit
    return Catalogue(
        # ASCII (the schema's pattern): the unit's place in the parent, e.g. zhoushan-shishi.sub01
        catalogue_id=f"{parent.catalogue_id}.sub{parent.unit_ids.index(unit):02d}",
        version="1",
        year=parent.year,
        title=_title(parent, full),
        source=f"由{parent.title}（{parent.catalogue_id} {parent.version}）中{unit}的目标分解",
        units=[Unit(SELF, "city", full)] + [Unit(s, "station", name) for s, name in stations],
        actions=actions,
        indicators=indicators,
        level=level_for(full, parent),
        # the parent's plan, in the county bureau's name (its titles say the bureau itself)
        naming={"bureau": full, "plan": parent.names["plan"], "short": parent.names["short"]},
        parent={
            "catalogue_id": parent.catalogue_id,
            "version": parent.version,
            "unit": unit,
            "targets_hash": parent.unit_targets_hash(unit),
        },  # fmt: skip
    )


def _title(parent: Catalogue, full: str) -> str:
    """2024年定海区市场监督管理局助企惠民“十件实事”任务分解表, from the parent's plan."""
    return f"{parent.year}年{full}{parent.names['plan']}任务分解表"


def _indicator(
    ind: Indicator, county: Target, targets: dict[str, Target], rollup: str
) -> Indicator:
    return Indicator(
        seq=ind.seq, action=ind.action, name=ind.name, name_printed=ind.name_printed,
        measure_unit=ind.measure_unit, measure=ind.measure, direction=ind.direction,
        city=Target(county.text, county.type, county.op, county.value),
        targets=targets, lead_department=ind.lead_department, lead_source=ind.lead_source,
        plan=None, notes=ind.notes, progress=ind.progress, items=ind.items, rollup=rollup,
    )  # fmt: skip


def _target(text: str) -> Target:
    parsed = parse_target(text)
    return Target(text, parsed.type, parsed.op, parsed.value, parsed.followed_unit)


def _split(
    ind: Indicator, county: Target, ids: list[str], split: str
) -> tuple[dict[str, Target], str]:
    """Each unit's target and the row's roll-up: a number split evenly over the 所 (the parts
    add up), a level the same phrase for every 所, a commitment in words the 本级's."""
    stations = ids[1:]
    empty = dict.fromkeys(ids, "")
    if county.type == "quantity":
        texts = empty if split == "empty" else {SELF: "/"} | _even(county.value or 0, stations, ind)
        return {u: _target(t) for u, t in texts.items()}, "sum"
    if county.type == "qualitative":
        texts = empty if split == "empty" else {SELF: county.text} | dict.fromkeys(stations, "/")
        return {u: _target(t) for u, t in texts.items()}, "self"
    phrase = _plain_phrase(county.text)
    texts = empty if split == "empty" else {SELF: "/"} | dict.fromkeys(stations, phrase)
    return {u: _target(t) for u, t in texts.items()}, "worst"


def _plain_phrase(text: str) -> str:
    """A level phrase for one 所: "均达到95%以上" is "达到95%以上" for a single unit."""
    return text[1:] if text.startswith("均") else text


def _even(total: float, stations: list[str], ind: Indicator) -> dict[str, str]:
    """``total`` split over ``stations`` so the parts add up: whole numbers for counts (the
    remainder to the first), two decimals for amounts (the rounding to the last)."""
    n = len(stations)
    if float(total).is_integer() and ind.measure != "amount":
        q, r = divmod(int(total), n)
        parts = [q + (1 if i < r else 0) for i in range(n)]
        return {s: str(p) if p else "/" for s, p in zip(stations, parts, strict=True)}
    cents = round(total * 100)
    q, r = divmod(cents, n)
    parts = [q + (1 if i < r else 0) for i in range(n)]
    return {s: f"{p / 100:g}" if p else "/" for s, p in zip(stations, parts, strict=True)}
