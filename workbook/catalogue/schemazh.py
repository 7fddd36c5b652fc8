"""JSON Schema errors of a catalogue, said in Chinese and placed at the indicator and field.

jsonschema's own sentence is English; it is kept as a detail line only. The place is named
the way IT thinks of the catalogue ("序号 10（新增个体工商户）的全市目标的数值"), not as a
JSON path, though the path is kept too.
"""

from __future__ import annotations

from typing import Any

FIELD_ZH = {
    "catalogue_id": "目录编号",
    "version": "版本",
    "year": "年度",
    "title": "标题",
    "source": "来源",
    "units": "单位列表",
    "actions": "实事列表",
    "indicators": "指标列表",
    "id": "简称",
    "full_name": "全称",
    "kind": "类别",
    "no": "编号",
    "name": "名称",
    "item_count": "项数",
    "seq": "序号",
    "action": "所属实事",
    "name_printed": "目标名称（表中原文）",
    "unit": "计量单位",
    "measure": "目标类型",
    "direction": "方向",
    "lead_department": "牵头处室",
    "lead_source": "牵头依据",
    "city": "全市目标",
    "targets": "各单位目标",
    "plan": "方案原文",
    "notes": "整理说明",
    "progress": "进度规则",
    "reason": "依据",
    "milestones": "时间表",
    "single_item": "单项交付",
    "items": "明细台账",
    "columns": "列",
    "text": "文字",
    "merged": "合并标记",
    "type": "类型",
    "op": "比较方向",
    "value": "数值",
}
TYPE_ZH = {
    "string": "文字",
    "integer": "整数",
    "number": "数字",
    "boolean": "true/false",
    "object": "对象 {…}",
    "array": "列表 […]",
    "null": "null",
}


def place(path: list[Any], data: Any) -> str:
    """Where ``path`` points, in words: the indicator by 序号 and name, then the fields."""
    words: list[str] = []
    node = data
    i = 0
    while i < len(path):
        key = path[i]
        nxt = path[i + 1] if i + 1 < len(path) else None
        if key in ("indicators", "units", "actions") and isinstance(nxt, int):
            item = node[key][nxt] if isinstance(node, dict) else None
            words.append(_item(key, nxt, item))
            node = item
            i += 2
            continue
        if isinstance(node, dict) and key == "targets" and nxt is not None:
            words.append(f"“{nxt}”的目标")
            node = (node.get("targets") or {}).get(nxt)
            i += 2
            continue
        words.append(FIELD_ZH.get(str(key), f"第 {key + 1} 项" if isinstance(key, int) else key))
        node = node[key] if isinstance(node, dict | list) and _has(node, key) else None
        i += 1
    return "的".join(words) or "目录整体"


def _has(node: Any, key: Any) -> bool:
    if isinstance(node, dict):
        return key in node
    return isinstance(key, int) and 0 <= key < len(node)


def _item(key: str, index: int, item: Any) -> str:
    item = item if isinstance(item, dict) else {}
    if key == "indicators":
        name = item.get("name") or item.get("name_printed") or ""
        seq = item.get("seq", "?")
        return f"序号 {seq}" + (f"（{name}）" if name else f"（第 {index + 1} 个指标）")
    if key == "units":
        return f"第 {index + 1} 个单位“{item.get('id', '')}”"
    return f"第 {index + 1} 个实事“{item.get('name', '')}”"


def message(err: Any, data: Any) -> tuple[str, str]:
    """(Chinese sentence, what to do) for one jsonschema ``ValidationError``."""
    where = place(list(err.absolute_path), data)
    v, want, got = err.validator, err.validator_value, err.instance
    if v == "required":
        missing = [k for k in want if isinstance(got, dict) and k not in got]
        names = "、".join(f"{FIELD_ZH.get(k, k)}（{k}）" for k in missing)
        return f"{where}缺少{names}。", "补上该字段。"
    if v == "additionalProperties":
        extra = [k for k in got if k not in (err.schema.get("properties") or {})]
        return f"{where}有目录格式中没有的字段：{'、'.join(extra)}。", "删去或改正字段名。"
    if v == "type":
        kinds = want if isinstance(want, list) else [want]
        return (
            f"{where}应为{'或'.join(TYPE_ZH.get(str(k), str(k)) for k in kinds)}，实为 {_show(got)}。",
            "改为正确的类型。",
        )
    if v == "enum":
        return (
            f"{where}为 {_show(got)}，应为 {'、'.join(map(_show, want))} 之一。",
            "改为其中之一。",
        )
    if v == "const":
        return f"{where}应为 {_show(want)}，实为 {_show(got)}。", "改为该值。"
    if v in ("minimum", "exclusiveMinimum"):
        return f"{where}为 {_show(got)}，不能小于 {want}。", "改为更大的数。"
    if v in ("maximum", "exclusiveMaximum"):
        return f"{where}为 {_show(got)}，不能大于 {want}。", "改为更小的数。"
    if v == "minLength":
        return f"{where}为空。", "填写内容。"
    if v == "pattern":
        return f"{where}“{got}”的写法不符合要求。", f"须符合格式 {want}。"
    if v == "minItems":
        return f"{where}至少须有 {want} 项。", "补上缺少的项。"
    if v in ("oneOf", "anyOf"):
        return f"{where}不符合任何一种允许的写法。", "对照 docs/catalogue.md 的格式说明改正。"
    return f"{where}不符合目录格式（{v}）。", "按 schema/catalogue.schema.json 修改该处。"


def _show(x: Any) -> str:
    if isinstance(x, str):
        return f"“{x}”"
    if isinstance(x, dict | list):
        return TYPE_ZH["object" if isinstance(x, dict) else "array"]
    return str(x)
