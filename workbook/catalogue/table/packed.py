"""A column packing several units' targets into one cell ("普陀山 5、洋山 2"), as offices
publish a township breakdown: spread into the units' own columns before the table is read.

``unpack`` returns the table with the packed column emptied and each pair written into its
unit's column (a new column at the end for a unit the table has none for); every such cell
remembers the packed cell it came from, so a target that cannot be read is refused there. A
pair whose unit is not registered, a unit named twice, or a unit whose own column already
has a target in that row is refused at the packed cell.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from workbook.catalogue.table.cells import CellReader
from workbook.catalogue.table.grid import Grid
from workbook.core import problems as codes
from workbook.core.errors import InputError
from workbook.excel.formats import col_letter

_PARTS = re.compile(r"[、，,；;\n]+")


def unpack(reader: CellReader, grid: Grid, column: str, units: Iterable[str]) -> Grid:
    """``grid`` with the packed ``column`` (its header text) spread into unit columns."""
    top = grid.header or 1
    width = max((len(r) for r in grid.rows), default=0)
    heads = {grid.text(top, c): c for c in range(1, width + 1)}
    if column not in heads:
        raise InputError(f"表头第 {top} 行没有“{column}”列（--packed 所指的列）。")
    packed = heads[column]
    known = sorted(units, key=len, reverse=True)  # 普陀山 before 普陀
    rows = [list(r) + [""] * (width - len(r)) for r in grid.rows]
    origin = {(r, c): (r, c) for r in range(1, len(rows) + 1) for c in range(1, width + 1)}
    place = dict(heads)
    for uid in known:
        if uid not in place:  # a unit the table has no column for: one at the end
            rows[top - 1].append(uid)
            place[uid] = len(rows[top - 1])
            origin[(top, place[uid])] = (top, packed)
    spread = 0
    for r in range(top + 1, len(rows) + 1):
        text = grid.raw(r, packed)
        rows[r - 1][packed - 1] = ""
        for uid, target in _pairs(reader, grid, r, packed, text, known):
            c = place[uid]
            row = rows[r - 1]
            row += [""] * (c - len(row))
            if row[c - 1]:
                msg = f"“{column}”中写了{uid}的目标“{target}”，但{uid}一列本行已有目标“{row[c - 1]}”。"
                act = f"只在一处写{uid}的目标：删去其中一处。"
                reader.error(grid, r, packed, msg, act, codes.TABLE_PACKED)
                continue
            row[c - 1] = target
            origin[(r, c)] = (r, packed)
            spread += 1
    rows[top - 1][packed - 1] = ""
    at = f"{col_letter(packed - 1)}{top}"
    msg = f"“{column}”列按“单位 目标”拆开，共 {spread} 个目标写入各单位的列。"
    reader.report.add(codes.TABLE_PACKED_SPREAD, msg, file=reader.file, sheet=grid.name, cell=at)
    return Grid(grid.name, rows, grid.merges, header=grid.header, origin=origin, source=grid.name)


def _pairs(
    reader: CellReader, grid: Grid, r: int, c: int, text: str, known: list[str]
) -> list[tuple[str, str]]:
    """(unit, target text) of each part of a packed cell; each bad part one error there."""
    out: list[tuple[str, str]] = []
    for part in (p.strip() for p in _PARTS.split(text)):
        if not part:
            continue
        uid = next((u for u in known if part.startswith(u)), None)
        target = part[len(uid) :].strip(" ：:") if uid else ""
        if uid is None or not target:
            why = "开头不是登记的单位" if uid is None else "没有写目标"
            msg = f"“{part}”{why}。"
            act = f"写成“单位 目标”，单位用登记的简称：{'、'.join(known)}。"
            reader.error(grid, r, c, msg, act, codes.TABLE_PACKED)
        elif any(u == uid for u, _ in out):
            reader.error(grid, r, c, f"{uid}在本格写了两次。", "只写一次。", codes.TABLE_PACKED)
        else:
            out.append((uid, target))
    return out
