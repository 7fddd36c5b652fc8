"""The settings file IT edits (templates/settings.json), typed, with every default here; and
the template wording."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import Any

from workbook.core import resources
from workbook.core.errors import InputError
from workbook.core.period import Period
from workbook.core.status import DONE, IN_PROGRESS, LAGGING, MISSING, ON_TRACK


@dataclass(frozen=True)
class Contact:
    """A person to call: the city office's contact, or a unit's."""

    name: str = ""
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class Band:
    """A colour band of the 晾晒 score: from ``min`` points up."""

    min: float
    label: str
    color: str


@dataclass(frozen=True)
class Ranking:
    """The 晾晒 formula: points per status, and the colour bands (highest first)."""

    weights: Mapping[str, float] = field(
        default_factory=lambda: {DONE: 1, ON_TRACK: 1, IN_PROGRESS: 0.5, LAGGING: 0, MISSING: 0}
    )
    bands: tuple[Band, ...] = (
        Band(90, "绿", "#C6EFCE"),
        Band(70, "黄", "#FFEB9C"),
        Band(0, "红", "#FFC7CE"),
    )
    # points taken off per item the city's 核验 failed (0: 核验 does not count)
    verify_penalty: float = 0.0


@dataclass(frozen=True)
class BulletinSettings:
    """The 通报: its issuing office, title (with {period_label}) and fonts by role."""

    # '': from the catalogue's names (catalogue/naming.py): 〈bureau〉办公室, 关于…〈plan〉推进情况的通报
    issuer: str = ""
    title: str = ""
    fonts: Mapping[str, str] = field(
        default_factory=lambda: {
            "title": "方正小标宋简体",
            "body": "仿宋",
            "heading": "黑体",
            "subheading": "楷体",
            "table": "宋体",
        }
    )


@dataclass(frozen=True)
class Settings:
    """What IT sets in templates/settings.json, every field with its default here (the one
    place defaults live). ``path`` is the file it was read from (relative paths in it, such as
    ``ledger_path``, are taken from that file's folder)."""

    bureau: str = ""  # '': the catalogue's (its ``naming``)
    office: str = "市局办公室"
    contact: Contact = Contact()
    deadline_days_after_period_end: int = 5
    deadlines: Mapping[str, str] = field(default_factory=dict)  # period code -> ISO date
    sheet_password: str = "shishi"
    ledger_path: str = ""
    lock_wait_seconds: float = 60
    backup_dir: str = ""  # the ledger's backups ('': 台账备份 beside the ledger)
    backup_keep: int = 10  # the newest kept, besides the newest of each quarter (0: none)
    archive: bool = True  # each recorded return copied into the archive (app/archive.py)
    archive_dir: str = ""  # the archive ('': 回收文件存档 beside the ledger)
    max_file_bytes: int = 20_000_000
    max_seconds_per_file: float = 30
    unit_contacts: Mapping[str, Contact] = field(default_factory=dict)
    ranking: Ranking = Ranking()
    bulletin: BulletinSettings = BulletinSettings()
    path: str = ""


def load_settings(path: Path | str | None = None) -> Settings:
    """The settings file over the defaults (each key, nested ones too, falls back to its
    default); the bundled file when ``path`` is None. A key of the wrong type is refused in
    Chinese, naming the key."""
    p = Path(path) if path else resources.default_settings_path()
    try:
        data = json.loads(p.read_text(encoding="utf-8-sig"))
    except FileNotFoundError as exc:
        raise InputError(f"找不到设置文件：{p}") from exc
    except json.JSONDecodeError as exc:
        raise InputError(f"设置文件不是有效的 JSON：{p}（第 {exc.lineno} 行）") from exc
    if not isinstance(data, dict):
        raise InputError(f"设置文件 {p} 应是一个 JSON 对象（{{…}}）。")
    return settings_from(data, str(p))


def settings_from(data: Mapping[str, Any], path: str = "") -> Settings:
    """``Settings`` from a settings file's data (unknown keys are ignored)."""
    top = {f.name: f for f in fields(Settings)}
    kw: dict[str, Any] = {}
    for key, value in data.items():
        if key not in top or key == "path":
            continue
        if key == "contact":
            kw[key] = _record(Contact, value, key)
        elif key == "unit_contacts":
            kw[key] = {
                str(u): _record(Contact, c, f"{key}.{u}") for u, c in _dict(value, key).items()
            }
        elif key == "ranking":
            kw[key] = _ranking(_dict(value, key))
        elif key == "bulletin":
            kw[key] = _record(BulletinSettings, value, key)
        elif key == "deadlines":
            kw[key] = {str(k): str(v) for k, v in _dict(value, key).items()}
        else:
            kw[key] = _scalar(top[key].type, value, key)
    return Settings(**kw, path=path)


def _dict(value: Any, key: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InputError(f"设置项 {key} 应是一个 JSON 对象（{{…}}），实际为 {value!r}。")
    return value


def _scalar(kind: Any, value: Any, key: str) -> Any:
    kind = str(kind)
    if kind == "str":
        return "" if value is None else str(value)
    if kind == "bool":
        if not isinstance(value, bool):
            raise InputError(f"设置项 {key} 应为 true 或 false，实际为 {value!r}。")
        return value
    try:
        if isinstance(value, bool):
            raise ValueError
        return int(value) if kind == "int" else float(value)
    except (TypeError, ValueError):
        raise InputError(f"设置项 {key} 应为数字，实际为 {value!r}。") from None


def _record(cls: Any, value: Any, key: str) -> Any:
    """A nested settings object: each of its keys over its default."""
    known = {f.name: f for f in fields(cls)}
    kw: dict[str, Any] = {}
    for k, v in _dict(value, key).items():
        if k == "fonts" and k in known:
            kw[k] = {**cls().fonts, **{str(a): str(b) for a, b in _dict(v, f"{key}.{k}").items()}}
        elif k in known:
            kw[k] = _scalar(known[k].type, v, f"{key}.{k}")
    return cls(**kw)


def _ranking(value: dict[str, Any]) -> Ranking:
    kw: dict[str, Any] = {}
    if "weights" in value:
        weights = _dict(value["weights"], "ranking.weights")
        kw["weights"] = {
            str(s): _scalar("float", w, f"ranking.weights.{s}") for s, w in weights.items()
        }
    if "bands" in value:
        bands = value["bands"]
        if not isinstance(bands, list) or not bands:
            raise InputError(f"设置项 ranking.bands 应是非空的列表，实际为 {bands!r}。")
        kw["bands"] = tuple(
            Band(
                _scalar("float", _dict(b, "ranking.bands").get("min"), "ranking.bands.min"),
                str(b.get("label", "")),
                str(b.get("color", "")),
            )
            for b in bands
        )
    if "verify_penalty" in value:
        penalty = _scalar("float", value["verify_penalty"], "ranking.verify_penalty")
        if penalty < 0:
            raise InputError(f"设置项 ranking.verify_penalty 不能为负数，实际为 {penalty:g}。")
        kw["verify_penalty"] = penalty
    return Ranking(**kw)


def deadline(settings: Settings, period: Period) -> str:
    """The submission deadline for ``period``: explicit in settings, else period end + N days."""
    explicit = settings.deadlines.get(period.code)
    if explicit:
        return str(explicit)
    days = settings.deadline_days_after_period_end
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


def ledger_location(settings: Settings, override: Path | str | None = None) -> Path:
    """The ledger every command shares: ``override`` (an option, or the button's cell), else
    ``ledger_path`` of the settings (a relative path is resolved against the settings file's
    folder, never the working folder), else ``ledger.sqlite3`` in ``user_data_dir()``."""
    if override:
        return Path(override).expanduser()
    configured = settings.ledger_path.strip()
    if configured:
        p = Path(configured).expanduser()
        if not p.is_absolute():
            p = Path(settings.path or ".").resolve().parent / p
        return p
    return user_data_dir() / "ledger.sqlite3"


@cache
def template_text(worded: Callable[[str], str] | None = None) -> dict[str, Any]:
    """The Chinese wording of the templates (templates/template_text.json); ``worded``
    rewrites every text for a level below the city (``Catalogue.worded``: 全区, 区局)."""
    result: dict[str, Any] = json.loads(
        resources.template_path("template_text.json").read_text(encoding="utf-8")
    )
    return _reworded(result, worded) if worded else result


def _reworded(value: Any, worded: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return worded(value)
    if isinstance(value, list):
        return [_reworded(v, worded) for v in value]
    if isinstance(value, dict):
        return {k: _reworded(v, worded) for k, v in value.items()}
    return value
