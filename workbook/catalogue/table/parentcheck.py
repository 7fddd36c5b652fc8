"""A county's decomposition table checked against its parent's catalogue (``catalogue import
--parent``): it names that parent, the parent's targets for the county have not changed since
it was derived, no row the county owes the parent is lost, no county target is weaker than the
parent's, the 所 targets of an additive row add up to the county's, and no 所 bears the name of
a unit of the parent (it would be counted twice). Each problem at its cell, in Chinese.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from workbook.catalogue.model import Catalogue, reporting_rows
from workbook.core import problems as codes
from workbook.core.findings import Problem
from workbook.core.targets import REPORTED_TYPES

Where = Callable[[str], tuple[str, str] | None]  # a JSON path → (sheet, cell)


def parent_problems(
    data: dict[str, Any], parent: Catalogue, where: Where, file: str
) -> list[Problem]:
    found: list[Problem] = []

    def add(code: str, path: str, message: str, action: str, seen: str = "") -> None:
        sheet, cell = where(path) or ("", "")
        found.append(Problem(code=code, message=message, action=action, file=file,
                             sheet=sheet, cell=cell, found=seen))  # fmt: skip

    named = data.get("parent") or {}
    unit = named.get("unit", "")
    if not unit or not parent.has_unit(unit):
        add(codes.PARENT_INFO, "$.parent.unit", f"目录信息没有写明本局在上级目录中的单位（上级单位“{unit}”"
            f"不是 {parent.catalogue_id} 的单位）。", "用 shishi catalogue derive 重新生成分解表，保留目录信息中的上级各行。", unit)  # fmt: skip
        return found
    if (named.get("catalogue_id"), named.get("version")) != (parent.catalogue_id, parent.version):
        add(codes.PARENT_INFO, "$.parent.version", f"分解表的上级目录是 {named.get('catalogue_id')}"
            f" {named.get('version')}，而 --parent 给的是 {parent.catalogue_id} {parent.version}。",
            "核对 --parent 是否给错了文件；上级目录已换版本的，请重新 derive 后把已填的目标抄过去。")  # fmt: skip
    if named.get("targets_hash") != parent.unit_targets_hash(unit):
        add(codes.PARENT_CHANGED, "$.parent.targets_hash", f"上级目录中{unit}的目标在生成分解表之后改动过。",
            "下面逐行列出与上级不一致的目标；请按上级现行目标改正后，重新 derive 或把目标哈希改为现行的。")  # fmt: skip
    _rows(data, parent, unit, add)
    _stations(data, parent, unit, add)
    return found


def _rows(data: dict[str, Any], parent: Catalogue, unit: str, add: Any) -> None:
    by_seq = {ind["seq"]: (k, ind) for k, ind in enumerate(data["indicators"])}
    for row in reporting_rows(parent, unit):
        seq, owed = row.indicator.seq, row.target
        if seq not in by_seq:
            add(codes.PARENT_ROW_MISSING, "$.indicators", f"序号 {seq}（{row.indicator.name}）是上级下达给"
                f"{unit}的目标“{owed.text}”，分解表中没有这一行。", "恢复这一行（可从 derive 生成的表中复制）。")  # fmt: skip
            continue
        k, ind = by_seq[seq]
        own = ind["city"]
        verdict = compare_targets(own, owed.type, owed.op, owed.value, owed.text)
        path = f"$.indicators[{k}].city"
        if verdict < 0:
            add(codes.PARENT_WEAKER, path, f"序号 {seq} 的本级目标“{own['text']}”弱于上级下达的“{owed.text}”。",
                f"改为不低于“{owed.text}”的目标。", own["text"])  # fmt: skip
        elif verdict > 0:
            add(codes.PARENT_STRONGER, path, f"序号 {seq} 的本级目标“{own['text']}”高于上级下达的“{owed.text}”（加码）。",
                "如确为加码可保留。", own["text"])  # fmt: skip
        _parts(data, k, ind, add)


def compare_targets(
    own: dict[str, Any], kind: str, op: str | None, value: float | None, text: str
) -> int:
    """-1 weaker than the parent's target, 0 the same, 1 stronger."""
    if own.get("type") != kind:
        return -1
    if kind == "qualitative" or value is None or own.get("value") is None:
        return 0 if own.get("text") == text or kind != "qualitative" else 1
    diff = float(own["value"]) - float(value)
    if abs(diff) < 1e-9:
        return 0
    better = diff > 0 if op != "<=" else diff < 0
    return 1 if better else -1


def _parts(data: dict[str, Any], k: int, ind: dict[str, Any], add: Any) -> None:
    """The units' targets against the county's own: a sum that falls short, a unit weaker."""
    rule = ind.get("rollup") or ("sum" if ind["city"]["type"] == "quantity" else "worst")
    own = ind["city"]
    targets = ind["targets"]
    path = f"$.indicators[{k}].city"
    if rule == "sum" and own.get("value") is not None:
        total = sum(float(t.get("value") or 0) for t in targets.values() if t["type"] == "quantity")
        if total < float(own["value"]) - 1e-9:
            add(codes.PARENT_SUM_SHORT, path, f"序号 {ind['seq']} 各所及本级目标合计 {total:g}，少于本级目标 "
                f"{own['value']:g}。", "调整各所目标，使合计不少于本级目标。", f"{total:g}")  # fmt: skip
    elif rule == "worst":
        for uid, t in targets.items():
            if (
                t["type"] in REPORTED_TYPES
                and compare_targets(t, own["type"], own.get("op"), own.get("value"), own["text"])
                < 0
            ):
                add(codes.PARENT_UNIT_WEAKER, f"$.indicators[{k}].targets.{uid}", f"序号 {ind['seq']} {uid}的目标"
                    f"“{t['text']}”弱于本级目标“{own['text']}”：按最差单位汇总时本级无法达标。",
                    f"改为不低于“{own['text']}”。", t["text"])  # fmt: skip
    elif rule == "self" and targets.get("本级", {}).get("type") not in REPORTED_TYPES:
        add(codes.PARENT_SELF_MISSING, f"$.indicators[{k}].targets.本级", f"序号 {ind['seq']} 由本级填报"
            "（汇总方式：本级填报），但本级没有目标。", f"在本级一列填写“{own['text']}”。")  # fmt: skip


def _stations(data: dict[str, Any], parent: Catalogue, unit: str, add: Any) -> None:
    for u in data["units"]:
        if u["id"] != "本级" and (parent.has_unit(u["id"]) or u["id"] == unit):
            add(codes.PARENT_DOUBLE_COUNT, f"$.indicators[0].targets.{u['id']}", f"所的简称“{u['id']}”"
                f"也是上级目录中的单位：其数字会在上级重复计数。", "给该所换一个简称（如“城东所”）。", u["id"])  # fmt: skip
