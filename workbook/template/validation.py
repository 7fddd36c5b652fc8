"""The data validations of a template's input cells, with their Chinese prompts and errors: the
range of a figure from its measure (``measures.MEASURES``; percent kinds store a fraction,
85% is 0.85), the length of text, the date of signing. Excel, WPS and LibreOffice enforce
them while typing; the consolidation re-checks every value anyway.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from workbook.core.measures import measure
from workbook.core.status import NO_CASES_MARK


def fill(template: str, ctx: Mapping[str, str]) -> str:
    return template.format_map(dict(ctx))


def _messages(
    kind: str, text: dict[str, Any], ctx: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """The Chinese prompt and the enforced ("stop") Chinese error of a validation."""
    prompt_title, prompt = text["prompts"][kind]
    err_title, err = text["errors"][kind]
    c = ctx or {}
    return {
        "input_title": prompt_title,
        "input_message": fill(prompt, c)[:255],
        "error_title": err_title,
        "error_message": fill(err, c)[:255],
        "error_type": "stop",
        "show_input": True,
        "show_error": True,
        "ignore_blank": True,
    }


def figure_validation(
    measure_kind: str,
    ctx: Mapping[str, str],
    text: dict[str, Any],
    prompt: str = "",
    cell: str = "",
) -> dict[str, Any]:
    """The data validation of a value cell, from the measure's range (percent kinds store a
    fraction: 85% is 0.85); ``prompt`` names other wording (the base of a stock). A kind that
    takes 无 (no cases) for its value ``cell`` accepts that word or a number in range."""
    messages = _messages(prompt or measure_kind, text, ctx)
    if measure_kind == "qualitative":
        return {"validate": "list", "source": list(text["qualitative_choices"]), **messages}
    m = measure(measure_kind)
    lo, hi = (int(x) if float(x).is_integer() else x for x in (m.lo / m.scale, m.hi / m.scale))
    if m.no_cases and cell and not prompt:
        return {
            "validate": "custom",
            "value": f'=OR(AND(ISNUMBER({cell}),{cell}>={lo},{cell}<={hi}),{cell}="{NO_CASES_MARK}")',
            **messages,
        }
    return {
        "validate": "integer" if m.integer else "decimal",
        "criteria": "between",
        "minimum": lo,
        "maximum": hi,
        **messages,
    }


def text_validation(kind: str, limit: int, text: dict[str, Any]) -> dict[str, Any]:
    """A text of at most ``limit`` characters (core.inputs), the limit named in its messages."""
    messages = _messages(kind, text, {"limit": str(limit)})
    return {"validate": "length", "criteria": "<=", "value": limit, **messages}


def date_validation(text: dict[str, Any]) -> dict[str, Any]:
    return {
        "validate": "date",
        "criteria": "between",
        "minimum": datetime(2024, 1, 1),
        "maximum": datetime(2030, 12, 31),
        **_messages("date", text),
    }
