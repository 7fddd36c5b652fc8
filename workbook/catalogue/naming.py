"""The office's own names in what it sends out: from the settings when IT set them there,
else from the catalogue (``Catalogue.names``), so another office's year carries its own
bureau and plan and never the bundled 舟山 / 十件实事."""

from __future__ import annotations

from workbook.catalogue.model import Catalogue
from workbook.core.settings import Settings


def bureau(settings: Settings, cat: Catalogue) -> str:
    """The issuing bureau: settings ``bureau``, else the catalogue's, else its level's."""
    return settings.bureau or cat.names["bureau"] or (cat.level or {}).get("bureau", "")


def issuer(settings: Settings, cat: Catalogue) -> str:
    """Who signs the 通报 and the 信息汇编: settings ``bulletin.issuer``, else 〈bureau〉办公室."""
    if settings.bulletin.issuer:
        return settings.bulletin.issuer
    name = bureau(settings, cat)
    return name if name.endswith("办公室") else f"{name}办公室"


def bulletin_title(settings: Settings, cat: Catalogue) -> str:
    """The 通报's title pattern (with {period_label}): the settings' or the plan's."""
    return settings.bulletin.title or f"关于{{period_label}}{cat.names['plan']}推进情况的通报"
