"""The settings file IT edits (templates/settings.json) and the template wording."""

from __future__ import annotations

import json
import os
from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import Any

from workbook.core import resources
from workbook.core.errors import InputError
from workbook.core.period import Period

DEFAULTS: dict[str, Any] = {
    "bureau": "舟山市市场监督管理局",
    "office": "市局办公室",
    "contact": {"name": "", "phone": "", "email": ""},
    "deadline_days_after_period_end": 5,
    "deadlines": {},
    "sheet_password": "shishi",
    "ledger_path": "",
    "lock_wait_seconds": 60,
    "max_file_bytes": 20_000_000,
    "max_seconds_per_file": 30,
    "unit_contacts": {},
    "bulletin": {
        "issuer": "舟山市市场监督管理局办公室",
        "title": "关于{period_label}助企惠民“十件实事”推进情况的通报",
    },
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


def user_data_dir() -> Path:
    """The per-user folder shishi keeps its ledger in, independent of the working folder.

    ``SHISHI_HOME`` overrides it; otherwise ``%LOCALAPPDATA%\\shishi`` on Windows and
    ``$XDG_DATA_HOME/shishi`` (``~/.local/share/shishi``) elsewhere. No admin rights needed.
    """
    env = os.environ.get("SHISHI_HOME")
    if env:
        return Path(env).expanduser()
    if os.name == "nt":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
    else:
        base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "shishi"


def ledger_location(settings: dict[str, Any], override: Path | str | None = None) -> Path:
    """The ledger every command shares: ``override`` (an option, or the button's cell), else
    ``ledger_path`` of the settings (a relative path is resolved against the settings file's
    folder, never the working folder), else ``ledger.sqlite3`` in ``user_data_dir()``."""
    if override:
        return Path(override).expanduser()
    configured = str(settings.get("ledger_path") or "").strip()
    if configured:
        p = Path(configured).expanduser()
        if not p.is_absolute():
            p = Path(str(settings.get("_path", "."))).resolve().parent / p
        return p
    return user_data_dir() / "ledger.sqlite3"


@cache
def template_text() -> dict[str, Any]:
    """The Chinese wording of the templates (templates/template_text.json)."""
    result: dict[str, Any] = json.loads(
        resources.template_path("template_text.json").read_text(encoding="utf-8")
    )
    return result
