"""Importing the task decomposition table (xlsx or csv, the export layout), cell by cell.

Every problem names the sheet and cell the person must change (``任务分解表!G6``), what it
holds, why that is wrong and what to type instead. Nothing is guessed: a target that cannot be
read as its row's 目标类型 is an error (a kind changes only through that column), and units are
declared once, in 目录信息 (for a csv: in the base catalogue). When the cells are clean the
whole catalogue is checked by ``lint`` and its problems are pointed back at cells too.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from workbook.catalogue import check as lint
from workbook.catalogue import model as catmod
from workbook.catalogue.table import packed, published
from workbook.catalogue.table.cells import cell_for, strip_unit
from workbook.catalogue.table.export import (
    BASE_HEADER,
    EXTRA_HEADER,
    HEADER_ALIASES,
    INFO_SHEET,
    parse_items_text,
)
from workbook.catalogue.table.grid import Grid, read_grids
from workbook.catalogue.table.infosheet import InfoReader
from workbook.catalogue.table.parentcheck import parent_problems
from workbook.core import problems as codes
from workbook.core.errors import InputError
from workbook.core.findings import Findings
from workbook.core.targets import REPORTED_TYPES, direction_for, parse_target


class Importer(InfoReader):
    """Reads the grids into catalogue data, adding one problem per bad cell."""

    # --- 任务分解表 ----------------------------------------------------------------------

    def columns(
        self, grid: Grid, declared: dict[str, tuple[str, str]], register: str
    ) -> tuple[list[tuple[str, int]], dict[str, int]] | None:
        """Unit columns (unit id, column) and extra columns (header, column) of the table."""
        top = grid.header or 1  # a published table's title rows stand above its header
        if not self.base_header(grid, top):
            return None
        units: list[tuple[str, int]] = []
        extras: dict[str, int] = {}
        width = max((len(r) for r in grid.rows), default=0)
        for c in range(len(BASE_HEADER) + 1, width + 1):
            h = HEADER_ALIASES.get(grid.text(top, c), grid.text(top, c))
            if not h:
                if any(grid.raw(r, c) for r in range(top + 1, len(grid.rows) + 1)):
                    msg = "这一列有内容但表头为空。"
                    self.error(
                        grid, top, c, msg, "填写单位简称或删去该列。", codes.TABLE_HEADER_EMPTY
                    )
                continue
            if h in extras or any(u == h for u, _ in units):
                self.error(
                    grid,
                    top,
                    c,
                    f"列“{h}”出现两次。",
                    "删去重复的列。",
                    codes.TABLE_HEADER_DUPLICATE,
                )
            elif h in EXTRA_HEADER:
                extras[h] = c
            elif h in declared:
                units.append((h, c))
            else:
                msg = f"列“{h}”不是登记的单位，也不是分解表的已知列。"
                act = f"新单位须先在{register}登记；已登记单位：{'、'.join(declared)}。"
                self.error(grid, top, c, msg, act, codes.TABLE_UNIT_UNDECLARED)
        if "目标类型" not in extras:
            msg = "分解表没有“目标类型”列，无法确定各行目标按什么类型读取。"
            act = "用 shishi catalogue export 重新导出，保留“目标类型”列。"
            self.error(grid, top, width + 1, msg, act, codes.TABLE_KIND_COLUMN)
            return None
        have = {u for u, _ in units}
        for uid, (sheet, cell) in declared.items():  # ("", "") for a csv's base catalogue
            if uid not in have:
                msg = f"单位“{uid}”已在{register}登记，但任务分解表没有它的列。"
                act = f"在任务分解表加上该单位的列，或从{register}删去。"
                self.report.add(
                    codes.UNIT_NO_COLUMN,
                    msg,
                    action=act,
                    file=self.file,
                    sheet=sheet,
                    cell=cell,
                    found=uid,
                )
        return units, extras

    def base_header(self, grid: Grid, top: int) -> bool:
        """Whether the first five header cells are 序号 … 全市目标任务 (else one error)."""
        for c, want in enumerate(BASE_HEADER, start=1):
            # the own-target column says the level's scope: 全市目标任务, 全区目标任务 …
            own = c == len(BASE_HEADER) and re.fullmatch(r"\S{0,3}目标任务", grid.text(top, c))
            if grid.text(top, c) != want and not own:
                msg = f"表头第 {c} 列应为“{want}”，实为“{grid.text(top, c)}”。"
                act = "表头前五列须为 " + "、".join(BASE_HEADER) + "，请恢复后再导入。"
                self.error(grid, top, c, msg, act, codes.TABLE_HEADER)
                return False
        return True

    def rows(
        self, grid: Grid, units: list[tuple[str, int]], extras: dict[str, int]
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        actions: dict[str, tuple[int, int, int]] = {}  # name -> (no, item count, row)
        seen: dict[int, int] = {}
        indicators: list[dict[str, Any]] = []
        for r in range((grid.header or 1) + 1, len(grid.rows) + 1):
            if not any(grid.raw(r, c) for c in range(1, len(grid.rows[r - 1]) + 1)):
                continue
            path = f"$.indicators[{len(indicators)}]"
            ind = self.row(grid, r, units, extras, actions, path)
            if ind is None:
                continue
            if ind["seq"] in seen:
                msg = f"序号 {ind['seq']} 与第 {seen[ind['seq']]} 行重复。"
                self.error(
                    grid, r, 1, msg, "每个序号只能出现一次；改为未用过的序号。", codes.SEQ_DUPLICATE
                )
                continue
            seen[ind["seq"]] = r
            indicators.append(ind)
        acts = [
            {"no": no, "name": name, "item_count": n}
            for name, (no, n, _) in sorted(actions.items(), key=lambda kv: kv[1][0])
        ]
        return acts, indicators

    def head(
        self, g: Grid, r: int, actions: dict[str, tuple[int, int, int]]
    ) -> tuple[int | None, int, str, str]:
        """序号, the action's number, 目标名称 and 单位 of row ``r``, in the order of the
        columns; each missing or bad one is an error."""
        seq_text = g.text(r, 1)
        seq = int(seq_text) if seq_text.isdigit() and int(seq_text) > 0 else None
        if seq is None:
            msg = "序号为空。" if not seq_text else f"序号“{seq_text}”不是正整数。"
            self.error(g, r, 1, msg, "填写本行的序号（1、2、3……）。", codes.SEQ_INVALID)
        action_no = self.action(g, r, actions)
        name, unit = g.text(r, 3), g.text(r, 4)
        if not name:
            self.error(
                g,
                r,
                3,
                "目标名称为空。",
                "填写指标名称，如“新增个体工商户(户)”。",
                codes.INDICATOR_NAME_EMPTY,
            )
        if not unit:
            self.error(
                g,
                r,
                4,
                "单位为空。",
                "填写计量单位，如 家、个、%、亿元。",
                codes.INDICATOR_UNIT_EMPTY,
            )
        return seq, action_no, name, unit

    def record_cells(self, g: Grid, r: int, path: str, extras: dict[str, int]) -> None:
        """Where each field of the row's indicator came from (lint's problems point there)."""
        for key, c in (("", 1), (".action", 2), (".name", 3), (".unit", 4), (".city", 5)):
            self.where(path + key, g, r, c)
        self.where(path + ".direction", g, r, 5)
        for key, h in (
            (".measure", "目标类型"),
            (".plan", "方案目标值"),
            (".progress", "进度依据"),
        ):
            if h in extras:
                self.where(path + key, g, r, extras[h])

    def row(
        self,
        g: Grid,
        r: int,
        units: list[tuple[str, int]],
        extras: dict[str, int],
        actions: dict[str, tuple[int, int, int]],
        path: str,
    ) -> dict[str, Any] | None:
        def extra(h: str) -> str:
            return g.text(r, extras[h]) if h in extras else ""

        bad = len(self.report.errors)
        seq, action_no, name, unit = self.head(g, r, actions)
        kind = self.kind(g, r, extras)
        city = self.target(g, r, 5, kind, "全市目标")
        plain_op = (city or {}).get("op") or ">="
        targets = {}
        for uid, c in units:
            targets[uid] = self.target(g, r, c, kind, f"{uid}目标", plain_op)
            self.where(f"{path}.targets.{uid}", g, r, c)
        self.phrase_gaps(g, r, units)
        plan_value = self.plan_value(g, r, extras)
        milestones = self.milestones(g, r, extras)
        single = self.single_item(g, r, extras)
        if len(self.report.errors) > bad or seq is None or kind is None or city is None:
            return None
        self.record_cells(g, r, path, extras)
        ind: dict[str, Any] = {
            "seq": seq,
            "action": action_no,
            "name": extra("规范名称") or strip_unit(name, unit),
            "name_printed": name,
            "unit": unit,
            "measure": kind,
            "direction": direction_for(parse_target(city["text"])),
            "lead_department": extra("牵头处室") or None,
            "lead_source": extra("牵头依据") or None,
            "city": city,
            "targets": targets,
        }
        if extra("方案原文"):
            ind["plan"] = {"text": extra("方案原文"), "value": plan_value}
        if extra("整理说明"):
            ind["notes"] = extra("整理说明").split("\n")
        items = parse_items_text(extra("明细台账"))
        if items:
            ind["items"] = items
        rollup = self.rollup(g, r, extras)
        if rollup:
            ind["rollup"] = rollup
        if extra("进度依据") or milestones or single:
            ind["progress"] = {"reason": extra("进度依据")}
            if milestones:
                ind["progress"]["milestones"] = milestones
            if single:
                ind["progress"]["single_item"] = True
        return ind


def import_table(
    path: Path,
    base: catmod.Catalogue | None = None,
    year: int | None = None,
    version: str | None = None,
    parent: catmod.Catalogue | None = None,
    given: dict[str, str] | None = None,
) -> tuple[dict[str, Any] | None, Findings]:
    """Read a table file into catalogue data and a report; data is None when there are errors.

    For a csv (no 目录信息 sheet) the identity and the units come from ``base``, with ``year``
    and ``version`` replacing the base's. ``parent``: the catalogue this table was derived
    from, checked against (``parentcheck``).
    """
    imp = Importer(str(path))
    try:
        return _read(imp, path, base, year, version, parent, given or {})
    finally:  # a county's table speaks of 全区目标, not 全市目标, on every way out
        for p in imp.report.problems:
            p.message = catmod.level_worded(imp.level, p.message)
            p.action = catmod.level_worded(imp.level, p.action)


def _read(
    imp: Importer,
    path: Path,
    base: catmod.Catalogue | None,
    year: int | None,
    version: str | None,
    parent: catmod.Catalogue | None,
    given: dict[str, str],
) -> tuple[dict[str, Any] | None, Findings]:
    table, info = read_grids(path)
    imp.far_cells([g for g in (table, info) if g is not None])
    imp.said_how_found(table)
    if table.layout == "rows":  # units as rows: transposed, with a 目录信息 of its own
        if info is not None or base is not None:
            raise InputError(
                "按地区为行的表，单位从表中各行读取：请去掉 --base，并删去“目录信息”工作表"
                "（年度、编号用 --year、--id 指定）。"
            )
        table, info = published.transpose(imp, table, {**given, "year": year, "version": version})
        year = version = None
    if info is None and base is None and path.suffix.lower() == ".csv":
        base = catmod.load()  # a csv without --base: the bundled catalogue's units and year
    ident, units, declared, register = _identity(imp, info, base, year, version)
    if given.get("packed"):  # one column packing several units' targets in each cell
        table = packed.unpack(imp, table, given["packed"], declared)
    imp.level = ident.get("level")
    cols = imp.columns(table, declared, register)
    if cols is None:
        return None, imp.report
    unit_cols, extras = cols
    actions, indicators = imp.rows(table, unit_cols, extras)
    if not imp.report.valid:
        return None, imp.report
    by_id = {u["id"]: u for u in units}
    data: dict[str, Any] = {
        "$schema": "../schema/catalogue.schema.json",
        **{k: ident.get(k, "") for k in ("catalogue_id", "version", "year", "title", "source")},
        **{k: ident[k] for k in ("level", "parent", "naming") if k in ident},
        "units": [by_id[u] for u, _ in unit_cols],
        "actions": actions,
        "indicators": indicators,
    }
    if info is None and base is not None:
        _merged_from_base(data, base)
    _units_without_targets(imp, path, table, unit_cols, indicators)
    if parent is not None:
        where = lambda p: cell_for(p, imp.cells)  # noqa: E731
        imp.report.problems.extend(parent_problems(data, parent, where, str(path)))
    checked = lint.check_data(data, file=str(path))
    for p in checked.problems:
        hit = cell_for(p.path, imp.cells)
        if hit:
            p.sheet, p.cell = hit
    imp.report.problems.extend(checked.problems)
    return (data if imp.report.valid else None), imp.report


def _identity(
    imp: Importer,
    info: Grid | None,
    base: catmod.Catalogue | None,
    year: int | None,
    version: str | None,
) -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, tuple[str, str]], str]:
    """The catalogue's identity and units, the cell each unit is declared in, and where the
    units are declared (目录信息 for an xlsx, the base catalogue for a csv)."""
    if info is not None:
        if year is not None or version is not None or base is not None:
            raise InputError(
                f"这个 xlsx 有“{INFO_SHEET}”工作表，单位、年度和版本从那里读取；"
                f"请去掉 --base/--year/--version，或改“{INFO_SHEET}”中的内容。"
            )
        ident, units = imp.info(info)
        declared = {u["id"]: (info.name, f"A{u.pop('row')}") for u in units}
        return ident, units, declared, f"“{INFO_SHEET}”工作表"
    if base is None:
        raise InputError(
            f"分解表没有“{INFO_SHEET}”工作表，不知道有哪些单位、是哪一年：请用 --base 指定"
            "提供单位和年度的目录（如 --base templates/catalogue_2024.json，年度和版本可用 "
            f"--year/--version 改），或照 shishi catalogue export 导出的表补上“{INFO_SHEET}”。"
        )
    ident = {k: getattr(base, k) for k in ("catalogue_id", "version", "year", "title", "source")}
    if base.naming:
        ident["naming"] = dict(base.naming)
    ident.update({k: v for k, v in (("year", year), ("version", version)) if v is not None})
    units = [{"id": u.id, "full_name": u.full_name, "kind": u.kind} for u in base.units]
    declared = {u["id"]: ("", "") for u in units}
    return ident, units, declared, "基础目录（--base）的单位列表"


def _units_without_targets(
    imp: Importer,
    path: Path,
    table: Grid,
    unit_cols: list[tuple[str, int]],
    indicators: list[dict[str, Any]],
) -> None:
    for uid, c in unit_cols:
        if not any(i["targets"][uid]["type"] in REPORTED_TYPES for i in indicators):
            imp.report.add(
                codes.UNIT_NO_TARGETS,
                f"单位“{uid}”在分解表中没有任何目标，不会收到需填报的指标。",
                action="核对该列；若确实如此可保留。",
                file=str(path),
                sheet=table.where(table.header or 1, c)[0],
                cell=table.where(table.header or 1, c)[1],
            )


def _merged_from_base(data: dict[str, Any], base: catmod.Catalogue) -> None:
    """A csv has no merged cells: a target keeps the base's ``merged`` when its text is kept."""
    by_seq = {i.seq: i for i in base.indicators}
    for ind in data["indicators"]:
        old = by_seq.get(ind["seq"])
        for uid, t in ind["targets"].items():
            t.pop("merged", None)
            ot = old.targets.get(uid) if old else None
            if ot is not None and ot.merged and ot.text == t["text"]:
                t["merged"] = True
