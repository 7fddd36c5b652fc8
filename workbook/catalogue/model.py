"""The catalogue: every indicator of the decomposition table, loaded from JSON.

``load`` validates against ``schema/catalogue.schema.json`` and returns a ``Catalogue``;
``reporting_rows`` says which rows a unit reports. Checks live in ``lint``; the table
layout (export/import) lives in ``tablefile``.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from workbook.catalogue.indicator import SINGLE_ITEM, Indicator, Target
from workbook.catalogue.schema import fits_schema, schema_errors, target_key
from workbook.core import resources
from workbook.core.errors import InputError
from workbook.core.period import Period

__all__ = ["SINGLE_ITEM", "Action", "Catalogue", "Indicator", "Row", "Target", "Unit"]


@dataclass(frozen=True)
class Unit:
    id: str
    kind: str
    full_name: str = ""


@dataclass(frozen=True)
class Action:
    no: int
    name: str
    item_count: int

    @property
    def label(self) -> str:
        """The action as printed in the table's 实事名称 column, e.g. 增值服务暖企行动(5项)."""
        return f"{self.name}({self.item_count}项)"


@dataclass
class Catalogue:
    catalogue_id: str
    version: str
    year: int
    title: str
    source: str
    units: list[Unit]
    actions: list[Action]
    indicators: list[Indicator]
    path: Path | None = field(default=None, compare=False)
    # the level it serves when not the city's (bureau, scope, short) and the catalogue it
    # was derived from or linked to (catalogue_id, version, unit, targets_hash, map)
    level: dict[str, str] | None = None
    parent: dict[str, Any] | None = None
    # whose plan it is, in the words every output uses: bureau (舟山市市场监督管理局),
    # scope_title (舟山市场监管), plan (助企惠民“十件实事”), short (十件实事); ``names``
    naming: dict[str, str] | None = None
    # Look-ups built on first use. A loaded catalogue is not changed afterwards; with a
    # thousand units, linear searches per row and per file were most of a consolidation.
    _index: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def _lookup(self, name: str) -> Any:
        if not self._index:
            self._index.update(
                unit_ids=[u.id for u in self.units],
                units={u.id: u for u in self.units},
                actions={a.no: a for a in self.actions},
                indicators={i.seq: i for i in self.indicators},
                city_unit=next((u.id for u in self.units if u.kind == "city"), self.units[0].id),
                rows={},
                locked_texts={},  # rowcheck's, per indicator and target text
            )
        return self._index[name]

    @property
    def unit_ids(self) -> list[str]:
        return list(self._lookup("unit_ids"))

    def unit(self, unit_id: str) -> Unit:
        found: Unit | None = self._lookup("units").get(unit_id)
        if found is None:
            raise InputError(f"目录中没有单位“{unit_id}”。可用单位：{'、'.join(self.unit_ids)}")
        return found

    def has_unit(self, unit_id: str) -> bool:
        return unit_id in self._lookup("units")

    def action(self, no: int) -> Action:
        found: Action | None = self._lookup("actions").get(no)
        if found is None:
            raise InputError(f"目录中没有第 {no} 项实事")
        return found

    def indicator(self, seq: int) -> Indicator:
        found: Indicator | None = self._lookup("indicators").get(seq)
        if found is None:
            raise InputError(f"目录中没有序号 {seq}")
        return found

    @property
    def city_unit(self) -> str:
        """The unit that reports city-only rows: the one of kind 'city' (市局)."""
        result: str = self._lookup("city_unit")
        return result

    @property
    def wording(self) -> dict[str, str]:
        """How this level's texts name the whole area and the bureau: 全市/市局 for the city,
        e.g. 全区/区局 for a county (``level``)."""
        lv = self.level or {}
        return {"scope": lv.get("scope", "全市"), "bureau": lv.get("short", "市局"),
                "bureau_name": lv.get("bureau", "")}  # fmt: skip

    @property
    def names(self) -> dict[str, str]:
        """The office's own names (``naming``), each missing one from the title: for
        "2019年十大民生工程项目完成情况表" the plan is 十大民生工程, its short name the same."""
        given = self.naming or {}
        plan = given.get("plan") or plan_from_title(self.title)
        quoted = re.search(r"“([^”]+)”", plan)
        short = given.get("short") or (quoted.group(1) if quoted else plan)
        return {
            "bureau": given.get("bureau", ""),
            "scope_title": given.get("scope_title", ""),
            "plan": plan,
            "short": short,
        }

    def worded(self, text: str) -> str:
        """``text`` written for the city (全市, 市局) in this level's words."""
        return level_worded(self.level, text)

    def as_dict(self) -> dict[str, Any]:
        extra: dict[str, Any] = {}
        if self.level is not None:
            extra["level"] = dict(self.level)
        if self.parent is not None:
            extra["parent"] = dict(self.parent)
        if self.naming is not None:
            extra["naming"] = dict(self.naming)
        return {
            "$schema": "../schema/catalogue.schema.json",
            "catalogue_id": self.catalogue_id,
            "version": self.version,
            "year": self.year,
            "title": self.title,
            "source": self.source,
            "units": [{"id": u.id, "full_name": u.full_name, "kind": u.kind} for u in self.units],
            "actions": [
                {"no": a.no, "name": a.name, "item_count": a.item_count} for a in self.actions
            ],
            "indicators": [i.as_dict() for i in self.indicators],
            **extra,
        }

    def to_json(self) -> str:
        return json.dumps(self.as_dict(), ensure_ascii=False, indent=2) + "\n"

    def unit_targets_hash(self, unit_id: str) -> str:
        """A short hash of the rows and targets a unit reports: it identifies a template."""
        rows = [
            [r.indicator.seq, r.target.text, r.indicator.city.text]
            for r in reporting_rows(self, unit_id)
        ]
        blob = json.dumps([self.catalogue_id, self.version, unit_id, rows], ensure_ascii=False)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]


_TITLE_TAIL = re.compile(
    r"(项目)?(目标任务)?(任务分解表|责任分工表|分解表|分工表|完成情况表|实施进度表|进度表|清单|表)$"
)


def plan_from_title(title: str) -> str:
    """The plan's name in a table's title: "2019年十大民生工程项目完成情况表" → 十大民生工程."""
    bare = re.sub(r"^\s*20\d\d\s*年(度)?", "", title or "").strip()
    return _TITLE_TAIL.sub("", bare).strip() or "目标任务"


def level_worded(level: dict[str, Any] | None, text: str) -> str:
    """``text`` written for the city (全市, 市局) in the words of ``level`` (a catalogue's
    ``level``: scope 全区, short 区局 …); unchanged for the city's own catalogue. What is quoted
    (“…”: a target or a cell as typed) is left as it is."""
    if not level:
        return text
    scope, short = level.get("scope", "全市"), level.get("short", "市局")
    parts = _QUOTED.split(text)  # odd parts are the quotes
    return "".join(
        p if k % 2 else p.replace("全市", scope).replace("市局", short) for k, p in enumerate(parts)
    )


_QUOTED = re.compile(r"(“[^”]*”)")


class Row(NamedTuple):
    """One row a unit reports: the indicator and the target the unit is held to. (A named
    tuple: made 81,000 times for a 1,000-unit catalogue, three times faster than a frozen
    dataclass, and as immutable.)"""

    indicator: Indicator
    target: Target
    city_only: bool = False


def reporting_rows(cat: Catalogue, unit_id: str) -> list[Row]:
    """The rows ``unit_id`` reports, in 序号 order.

    A unit reports every row where its own target is a reportable one (a number, a threshold,
    a relative change or a commitment). Rows with only a city-wide target and no unit breakdown
    are reported by the city unit (市局) against the city target.
    """
    cache: dict[str, list[Row]] = cat._lookup("rows")
    if unit_id in cache:
        return cache[unit_id]
    cat.unit(unit_id)
    is_city = unit_id == cat.city_unit
    rows: list[Row] = []
    for ind in cat.indicators:
        own = ind.targets.get(unit_id)
        if own is not None and own.reported:
            rows.append(Row(ind, own))
        elif is_city and ind.city_only and ind.city.reported:
            rows.append(Row(ind, ind.city, city_only=True))
    cache[unit_id] = rows
    return rows


def read_json(path: Path) -> Any:
    try:
        with Path(path).open(encoding="utf-8-sig") as f:
            return json.load(f)
    except FileNotFoundError as exc:
        raise InputError(f"找不到目录文件：{path}") from exc
    except json.JSONDecodeError as exc:
        raise InputError(
            f"目录文件不是有效的 JSON：{path}（第 {exc.lineno} 行第 {exc.colno} 列：{exc.msg}）"
        ) from exc


def _targets(
    raw: dict[str, Any], distinct: list[dict[str, Any]] | None = None
) -> dict[str, Target]:
    """Targets by unit; equal targets share one (frozen) Target object. ``distinct``, when
    given, gets {unit: raw target} of one unit per distinct target (what the schema checks)."""
    made: dict[Any, Target] = {}
    out = {}
    first: dict[str, Any] = {}
    for unit, t in raw.items():
        key = target_key(t)
        target = made.get(key)
        if target is None:
            target = made[key] = Target.from_dict(t)
            first[unit] = t
        out[unit] = target
    if distinct is not None:
        distinct.append(first)
    return out


def from_dict(
    data: dict[str, Any], path: Path | None = None, distinct: list[dict[str, Any]] | None = None
) -> Catalogue:
    """Build a Catalogue from schema-valid data (``distinct``: see ``_targets``)."""
    return Catalogue(
        catalogue_id=data["catalogue_id"],
        version=data["version"],
        year=data["year"],
        title=data["title"],
        source=data.get("source", ""),
        units=[Unit(u["id"], u["kind"], u.get("full_name", "")) for u in data["units"]],
        actions=[Action(a["no"], a["name"], a["item_count"]) for a in data["actions"]],
        indicators=[
            Indicator(
                seq=i["seq"],
                action=i["action"],
                name=i["name"],
                name_printed=i["name_printed"],
                measure_unit=i["unit"],
                measure=i["measure"],
                direction=i["direction"],
                city=Target.from_dict(i["city"]),
                targets=_targets(i["targets"], distinct),
                lead_department=i.get("lead_department"),
                lead_source=i.get("lead_source"),
                plan=i.get("plan"),
                notes=tuple(i.get("notes", ())),
                progress=i.get("progress"),
                items=i.get("items"),
                rollup=i.get("rollup"),
            )
            for i in data["indicators"]
        ],
        path=path,
        level=data.get("level"),
        parent=data.get("parent"),
        naming=data.get("naming"),
    )


def _built_if_valid(data: Any, path: Path) -> Catalogue | None:
    """The catalogue, built first and then checked against the schema once per distinct
    target the building found (one pass over 81,000 targets instead of two); None when the
    data is not valid, or not even buildable: ``load`` then lists the errors."""
    distinct: list[dict[str, Any]] = []
    try:
        cat = from_dict(data, path, distinct)
        reduced = {
            **data,
            "indicators": [
                {**ind, "targets": first}
                for ind, first in zip(data["indicators"], distinct, strict=True)
            ],
        }
    except Exception:  # broken data breaks the building in many ways; the schema names them
        return None
    return cat if fits_schema(reduced) else None


def load(path: Path | str | None = None) -> Catalogue:
    """Load and schema-validate a catalogue (the bundled 2024 one by default).

    Raises InputError listing the schema errors; semantic checks are ``lint.check``'s job.
    """
    p = Path(path) if path else resources.default_catalogue_path()
    data = read_json(p)
    built = _built_if_valid(data, p)
    if built is not None:
        return built
    errors = schema_errors(data)
    if errors:
        lines = "\n".join(f"  {zh}" for _, zh, _, _ in errors[:20])
        raise InputError(
            f"目录文件 {p} 不符合格式要求（共 {len(errors)} 处），"
            f"请先运行 shishi catalogue check：\n{lines}"
        )
    return from_dict(data, p)


def check_period_year(cat: Catalogue, period: Period) -> None:
    """Refuse a period outside the catalogue's year, before anything is written."""
    if period.year != cat.year:
        raise InputError(
            f"期次 {period.code}（{period.label}）属于 {period.year} 年，而所用目录"
            f"（{cat.catalogue_id} {cat.version}）是 {cat.year} 年的。请指定 {period.year} 年的"
            f"目录（命令行用 --catalogue，汇总工作簿填“目录文件”），或改正期次。"
        )
