"""催报: the units to chase for a period, each with a ready-to-send Chinese message.

A unit is chased when it has indicators to report and no accepted return for the period: it
sent nothing, or only files that could not be used (another period's template, an outdated
catalogue). The deadline and the city contact come from the settings; a unit's own contact,
when the settings name one (``unit_contacts``), is listed beside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from workbook.consolidation.result import Consolidation
from workbook.core.settings import Contact, Settings, deadline
from workbook.core.submission import named_other


@dataclass
class Chase:
    unit: str
    full_name: str
    reason: str
    deadline: str
    overdue_days: int  # 0 when the deadline has not passed
    contact: str  # the unit's own contact, when known
    message: str

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def chase_list(result: Consolidation, settings: Settings, today: date | None = None) -> list[Chase]:
    """The units to chase, in catalogue order."""
    today = today or date.today()
    period, cat = result.period, result.catalogue
    due = deadline(settings, period)
    try:
        overdue = max(0, (today - date.fromisoformat(due)).days)
    except ValueError:
        overdue = 0
    office, city, contacts = settings.office, settings.contact, settings.unit_contacts
    out = []
    for unit in result.missing_units:
        full = cat.unit(unit).full_name or unit
        tried = [s for s in result.submissions if s.unit == unit]
        misnamed = [s for s in result.submissions if named_other(s) == unit and not s.confirmed]
        if misnamed and not tried:
            last = max(misnamed, key=lambda s: s.mtime)
            reason = f"文件“{last.name}”以本单位命名，但用的是{last.unit}的模板"
            ask = (
                f"收到的文件“{last.name}”以您单位命名，但用的是{last.unit}的模板（已按{last.unit}"
                f"的报送处理），请用{cat.wording['bureau']}下发给您单位的{period.label}模板重新填报。"
            )
        elif tried:
            last = max(tried, key=lambda s: s.mtime)
            reason = f"报送的文件“{last.name}”不能采用：{last.decision}"
            ask = (
                f"您单位报送的文件“{last.name}”不能采用（{last.decision.rstrip('。')}），"
                f"请用{cat.wording['bureau']}下发的{period.label}模板重新填报。"
            )
        else:
            reason = "未收到本期填报表"
            ask = f"尚未收到您单位{period.label}“{cat.names['short']}”目标任务完成情况填报表。"
        when = (
            f"已超过报送截止日期（{due}）{overdue} 天，请尽快报送"
            if overdue
            else f"请于 {due} 前报送"
        )
        c = contacts.get(unit, Contact())
        contact = "　".join(x for x in (c.name, c.phone) if x)
        message = (
            f"【催报】{full}：{ask}{when}（直接保存下发的文件后发送，文件名可以修改）。"
            f"如有问题请联系{city.name or office}，电话 {city.phone}。"
        )
        out.append(Chase(unit, full, reason, due, overdue, contact, message))
    return out
