"""The settings file IT edits (templates/settings.json) and the template wording."""

from __future__ import annotations

import json
from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import Any

from workbook import resources
from workbook.errors import InputError
from workbook.period import Period

DEFAULTS: dict[str, Any] = {
    "bureau": "舟山市市场监督管理局",
    "office": "市局办公室",
    "contact": {"name": "", "phone": "", "email": ""},
    "deadline_days_after_period_end": 5,
    "deadlines": {},
    "sheet_password": "shishi",
    "ledger_path": "dist/ledger.sqlite3",
    "max_file_bytes": 20_000_000,
    "max_seconds_per_file": 30,
}


def load_settings(path: Path | str | None = None) -> dict[str, Any]:
    """Settings merged over the defaults; the bundled file when ``path`` is None."""
    p = Path(path) if path else resources.default_settings_path()
    try:
        data = json.loads(p.read_text(encoding="utf-8-sig"))
    except FileNotFoundError as exc:
        raise InputError(f"找不到设置文件：{p}") from exc
    except json.JSONDecodeError as exc:
        raise InputError(f"设置文件不是有效的 JSON：{p}（第 {exc.lineno} 行）") from exc
    out = dict(DEFAULTS)
    out.update(data)
    out["_path"] = str(p)
    return out


def deadline(settings: dict[str, Any], period: Period) -> str:
    """The submission deadline for ``period``: explicit in settings, else period end + N days."""
    explicit = settings.get("deadlines", {}).get(period.code)
    if explicit:
        return str(explicit)
    days = int(settings.get("deadline_days_after_period_end", 5))
    return (period.end + timedelta(days=days)).isoformat()


@cache
def template_text() -> dict[str, Any]:
    """The Chinese wording of the templates (templates/template_text.json)."""
    result: dict[str, Any] = json.loads(
        resources.template_path("template_text.json").read_text(encoding="utf-8")
    )
    return result
