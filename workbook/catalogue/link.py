"""A catalogue linked to the level above it when their numbering differs (the city's 81 rows
against the province's): ``catalogue link`` writes the mapping down, checked, never guessed.

对照.csv: 本级序号,上级序号 per line. Every row the parent gives the unit must be mapped, to an
existing row of this catalogue, once; no own target may be weaker than the parent's.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from pathlib import Path

from workbook.catalogue.model import Catalogue, reporting_rows
from workbook.catalogue.table.parentcheck import compare_targets
from workbook.core.errors import InputError


def read_map(path: Path) -> dict[int, int]:
    """对照.csv as own 序号 → parent 序号 (a header line is skipped)."""
    text = path.read_bytes().decode("utf-8-sig", errors="replace")
    out: dict[int, int] = {}
    for n, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        cells = [c.strip() for c in row]
        if not any(cells) or (n == 1 and not cells[0].isdigit()):
            continue
        if len(cells) < 2 or not (cells[0].isdigit() and cells[1].isdigit()):
            raise InputError(
                f"{path} 第 {n} 行应为“本级序号,上级序号”两个正整数，实为：{','.join(cells)}"
            )
        if int(cells[0]) in out:
            raise InputError(f"{path} 第 {n} 行：本级序号 {cells[0]} 对照了两次。")
        out[int(cells[0])] = int(cells[1])
    return out


def link(cat: Catalogue, parent: Catalogue, unit: str, mapping: dict[int, int]) -> Catalogue:
    """``cat`` with its parent named: ``unit`` of ``parent``, the 序号 ``mapping``."""
    parent.unit(unit)
    owed = {r.indicator.seq: r.target for r in reporting_rows(parent, unit)}
    problems = []
    mapped: dict[int, int] = {}
    for own, theirs in sorted(mapping.items()):
        if not any(i.seq == own for i in cat.indicators):
            problems.append(f"本级序号 {own} 不在本级目录中。")
        elif theirs not in owed:
            problems.append(f"上级序号 {theirs} 不是上级下达给{unit}的目标。")
        elif theirs in mapped:
            problems.append(f"上级序号 {theirs} 同时对照了本级序号 {mapped[theirs]} 和 {own}。")
        else:
            mapped[theirs] = own
            t, mine = owed[theirs], cat.indicator(own).city
            if compare_targets(mine.as_dict(), t.type, t.op, t.value, t.text) < 0:
                problems.append(
                    f"本级序号 {own} 的目标“{mine.text}”弱于上级序号 {theirs} 的“{t.text}”。"
                )
    for theirs, t in owed.items():
        if theirs not in mapped:
            problems.append(
                f"上级序号 {theirs}（{parent.indicator(theirs).name}，目标“{t.text}”）没有对照本级序号。"
            )
    if problems:
        raise InputError("对照表有问题，未写出目录：\n  " + "\n  ".join(problems))
    named = {"catalogue_id": parent.catalogue_id, "version": parent.version, "unit": unit,
             "targets_hash": parent.unit_targets_hash(unit),
             "map": {str(own): theirs for theirs, own in sorted(mapped.items())}}  # fmt: skip
    return dataclasses.replace(cat, parent=named, _index={})
