"""信息汇编: the period's 信息报送 entries (工作亮点, 经验做法, 问题建议) of every accepted return,
compiled by action (实事) and unit into a Word document laid out like the 通报, for the office
to edit into its 简报 and summaries. The plan: 建立信息报送机制，及时收集整理各地各单位工作亮点、
经验做法、问题建议.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from workbook.catalogue import naming
from workbook.catalogue.model import Catalogue
from workbook.consolidation.result import Consolidation
from workbook.core.errors import InputError
from workbook.core.files import Writer, atomic_write
from workbook.core.items import INFO_KINDS
from workbook.core.settings import Settings
from workbook.outputs.officialdoc import OfficialDoc, cn_number

OTHER = "其他"


def action_of(cat: Catalogue, about: str) -> str:
    """The action (its name) an entry concerns: by 序号, else by the action's name, else 其他."""
    text = about.strip()
    try:
        return cat.action(cat.indicator(int(float(text))).action).name
    except (ValueError, OverflowError, InputError):  # not a 序号 of the catalogue
        pass
    for a in cat.actions:
        if text and (text in a.name or a.name in text or text in a.label):
            return a.name
    return OTHER


def digest_entries(result: Consolidation) -> dict[str, list[tuple[str, dict[str, Any]]]]:
    """Action name → (unit, entry) in catalogue order of units, then by kind."""
    cat = result.catalogue
    out: dict[str, list[tuple[str, dict[str, Any]]]] = {a.name: [] for a in cat.actions}
    out[OTHER] = []
    for unit in cat.unit_ids:
        sub = result.accepted.get(unit)
        for entry in sorted(sub.info if sub else [], key=lambda e: INFO_KINDS.index(e["kind"])):
            out[action_of(cat, entry.get("about", ""))].append((unit, entry))
    return {label: entries for label, entries in out.items() if entries}


def _build(result: Consolidation, settings: Settings, tmp: Path) -> None:
    d = OfficialDoc(dict(settings.bulletin.fonts))
    period, cat = result.period, result.catalogue
    grouped = digest_entries(result)
    n = sum(len(v) for v in grouped.values())
    d.title(f"{period.label}{cat.names['plan']}信息汇编")
    d.para(
        f"本期采用的 {len(result.accepted)} 个单位的填报表中共有信息 {n} 条，按实事和单位汇编如下"
        "（工作亮点、经验做法、问题建议），供编发简报、总结时选用。"
        if n
        else "本期各单位未报送工作亮点、经验做法或问题建议。"
    )
    for k, (label, entries) in enumerate(grouped.items(), start=1):
        d.para(f"{cn_number(k)}、{label}", "heading")
        for j, (unit, e) in enumerate(entries, start=1):
            full = cat.unit(unit).full_name or unit
            d.para(
                f"（{cn_number(j)}）{full}：{e['title'] or '（无标题）'}（{e['kind']}）",
                "subheading",
            )
            d.para(e["text"] or "（未填写内容）")
    d.signature(naming.issuer(settings, cat), date.today().isoformat())
    d.save(tmp)


def write_digest(
    result: Consolidation, out: Path | str, settings: Settings, write: Writer = atomic_write
) -> Path:
    """Write the 信息汇编 to ``out`` (atomically, or staged); returns the path."""
    return write(out, lambda tmp: _build(result, settings, tmp))
