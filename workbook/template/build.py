"""Building the district templates: one .xlsx per unit and period.

The reporting sheet keeps the official 序号 and targets (locked), one input row per indicator
the unit reports (unlocked, validated with Chinese prompts and errors), formulas for 完成率 and
进度状态 that follow ``status.status``, and a signature block. A very hidden sheet, custom
document properties and defined names identify the copy whatever its file name.
Written with XlsxWriter (about three times faster than openpyxl for this); workbook-structure
protection, which XlsxWriter does not offer, is added to workbook.xml afterwards.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import xlsxwriter

from workbook.catalogue import naming
from workbook.catalogue.model import Catalogue, Row, check_period_year, reporting_rows
from workbook.core.files import atomic_write
from workbook.core.layout import (  # noqa: F401  (re-exported: the writer's layout)
    COL,
    COLUMNS,
    FIRST_DATA_ROW,
    HEADER_ROW,
    IDENTITY_FORMAT,
    IDENTITY_SHEET,
    INPUT_COLUMNS,
    TEMPLATE_VERSION,
    parse_bases,
    row_name,
)
from workbook.core.period import Period, parse_period
from workbook.core.settings import Settings, deadline, load_settings, template_text
from workbook.excel.writer import new_workbook
from workbook.template.extras import info_sheet, item_sheet
from workbook.template.instructions import instructions_sheet
from workbook.template.prefill import Prefill, detail_sheet, write_origin
from workbook.template.sheets import TemplateFormats, main_period, report_sheet
from workbook.template.validation import fill


def template_filename(period: Period, unit_id: str, short: str) -> str:
    """2024Q2_定海_十件实事填报.xlsx: the period, the unit and the plan's short name."""
    return f"{period.code}_{unit_id}_{short}填报.xlsx"


@dataclass(frozen=True)
class Identity:
    """What a template says about itself."""

    unit: str
    period: str
    catalogue_id: str
    catalogue_version: str
    targets_hash: str
    template_version: str = TEMPLATE_VERSION
    generated_at: str = ""
    bases: str = ""  # "序号:年初基数;…" of the stock rows whose base is locked in this copy
    bureau: str = ""  # a level below the city: the bureau the template goes back to

    def pairs(self) -> list[tuple[str, str]]:
        return [*self._pairs(), *([("bureau", self.bureau)] if self.bureau else [])]

    def _pairs(self) -> list[tuple[str, str]]:
        return [
            ("format", IDENTITY_FORMAT),
            ("template_version", self.template_version),
            ("unit", self.unit),
            ("period", self.period),
            ("catalogue_id", self.catalogue_id),
            ("catalogue_version", self.catalogue_version),
            ("targets_hash", self.targets_hash),
            ("generated_at", self.generated_at),
            ("bases", self.bases),
        ]


def identity_for(
    cat: Catalogue,
    unit_id: str,
    period: Period,
    generated_at: str = "",
    bases: Mapping[int, float] | None = None,
) -> Identity:
    return Identity(
        unit_id,
        period.code,
        cat.catalogue_id,
        cat.version,
        cat.unit_targets_hash(unit_id),
        TEMPLATE_VERSION,
        generated_at,
        ";".join(f"{seq}:{v:g}" for seq, v in sorted((bases or {}).items())),
        (cat.level or {}).get("bureau", ""),
    )


def _previous_note(previous: Mapping[int, tuple[str, float | str]]) -> str:
    """Where 上期累计 comes from, for the subtitle: the period most of its figures are from."""
    if not previous:
        return ""
    main = main_period(previous)
    return f"　　上期累计：{parse_period(main).label}已确认数"


def _fmt_share(share: float) -> str:
    pct = share * 100
    return f"{pct:.0f}%" if pct.is_integer() else f"{pct:.1f}%"


def _legacy_password_hash(password: str) -> str:
    """The 16-bit legacy hash Excel uses for sheet and workbook passwords (ECMA-376 14.7.1)."""
    h = 0
    for i, ch in enumerate(password, start=1):
        v = ord(ch) << i
        h ^= (v & 0x7FFF) | (v >> 15)
    h ^= len(password)
    h ^= 0xCE4B
    return f"{h:04X}"


class _ProtectedWorkbook(xlsxwriter.Workbook):
    """An XlsxWriter workbook that also writes workbook-structure protection.

    XlsxWriter has no API for <workbookProtection>; it belongs right before <bookViews> in
    workbook.xml, which is where this hook writes it (cheaper than re-zipping the file).
    """

    structure_password = ""

    def _write_book_views(self) -> None:
        self._xml_empty_tag(
            "workbookProtection",
            [
                ("workbookPassword", _legacy_password_hash(self.structure_password)),
                ("lockStructure", "1"),
            ],
        )
        super()._write_book_views()


def _context(
    cat: Catalogue,
    unit_id: str,
    period: Period,
    settings: Settings,
    previous: Mapping[int, tuple[str, float | str]],
) -> dict[str, str]:
    """The values the template's wording is filled with (templates/template_text.json)."""
    unit = cat.unit(unit_id)
    contact = settings.contact
    return {
        "unit_full_name": unit.full_name or unit.id,
        # whose plan it is: the city's words, or a county's bureau (``Catalogue.level``)
        "scope_title": (cat.level or {}).get("bureau") or cat.names["scope_title"],
        "plan": cat.names["plan"],
        "unit_id": unit.id,
        "bureau_short": cat.wording["bureau"],  # who issued the template: 市局, 区局 …
        "period_label": period.label,
        "period_end": f"{period.end.year}年{period.end.month}月{period.end.day}日",
        "share_pct": _fmt_share(period.share),
        "deadline": deadline(settings, period),
        "contact_name": contact.name,
        "contact_phone": contact.phone,
        "contact_email": contact.email,
        "previous_note": _previous_note(previous),
    }


def _write_template(
    tmp: Path,
    cat: Catalogue,
    rows: list[Row],
    period: Period,
    settings: Settings,
    ctx: Mapping[str, str],
    ident: Identity,
    previous: Mapping[int, tuple[str, float | str]],
    bases: Mapping[int, float],
    carried: Sequence[dict[str, Any]] = (),
    prefill: Prefill | None = None,
) -> None:
    text = template_text(cat.worded)
    password = settings.sheet_password
    wb = new_workbook(tmp, _ProtectedWorkbook, in_memory=True)
    wb.set_properties(
        {
            "title": fill(text["title"], ctx),
            "author": naming.bureau(settings, cat),
            "company": naming.bureau(settings, cat),
            "created": datetime(period.year, 1, 1),
        }
    )
    for key, value in ident.pairs():
        wb.set_custom_property(f"shishi_{key}", value)
    f = TemplateFormats(wb)
    instructions_sheet(wb, f, text, ctx, password)
    given = (prefill.values, prefill.bases) if prefill else ({}, {})
    report_sheet(wb, f, text, ctx, cat, rows, period, password, previous or {}, bases, given)
    item_sheet(wb, f, rows, period, carried, password)
    info_sheet(wb, f, period, password, cat.worded)
    if prefill is not None:
        write_origin(wb, prefill, password)
        if prefill.detail:
            detail_sheet(wb, prefill, password)
    ws = wb.add_worksheet(IDENTITY_SHEET)
    for r, (k, v) in enumerate(ident.pairs()):
        ws.write_string(r, 0, k)
        ws.write_string(r, 1, v)
    ws.write_string(len(ident.pairs()), 0, "rows")
    ws.write_string(len(ident.pairs()), 1, ",".join(str(r.indicator.seq) for r in rows))
    ws.protect(password)
    ws.very_hidden()
    wb.get_worksheet_by_name(text["sheet_report"]).activate()
    wb.structure_password = password
    wb.close()


def build_template(
    cat: Catalogue,
    unit_id: str,
    period: Period,
    out_path: Path | str,
    settings: Settings | None = None,
    previous: Mapping[int, tuple[str, float | str]] | None = None,
    generated_at: str | None = None,
    bases: Mapping[int, float] | None = None,
    carried: Sequence[dict[str, Any]] = (),
    prefill: Prefill | None = None,
) -> Path:
    """Write the template of ``unit_id`` for ``period`` to ``out_path`` (atomically).

    ``previous`` maps 序号 to (period code, value): the unit's latest figure accepted for an
    earlier period of the year (上期累计); the sheet says which period it comes from.
    ``carried``: the items of 明细台账 accepted in earlier periods (locked in the new sheet).
    ``prefill``: figures typed in, an origin and a 所明细 sheet (``shishi report-up``).
    Returns the path written.
    """
    settings = settings or load_settings()
    rows = reporting_rows(cat, unit_id)
    stamp = generated_at or datetime.now(UTC).isoformat(timespec="seconds")
    bases = {
        seq: v for seq, v in (bases or {}).items() if any(r.indicator.seq == seq for r in rows)
    }
    ident = identity_for(cat, unit_id, period, stamp, bases)
    ctx = _context(cat, unit_id, period, settings, previous or {})

    def write(tmp: Path) -> None:
        _write_template(
            tmp, cat, rows, period, settings, ctx, ident, previous or {}, bases, carried, prefill
        )

    return atomic_write(out_path, write)


_WORKER: dict[str, Any] = {}


def _init_worker(
    cat: Catalogue,
    period: Period,
    settings: Settings,
    previous: Mapping[str, Mapping[int, tuple[str, float | str]]],
    stamp: str,
    bases: Mapping[str, Mapping[int, float]],
    items: Mapping[str, Sequence[dict[str, Any]]],
) -> None:
    """Receive the shared inputs once per worker process, not once per template."""
    _WORKER.update(
        cat=cat,
        period=period,
        settings=settings,
        previous=previous,
        stamp=stamp,
        bases=bases,
        items=items,
    )


def _job(job: tuple[str, Path]) -> str:
    unit_id, out = job
    w = _WORKER
    return str(
        build_template(
            w["cat"],
            unit_id,
            w["period"],
            out,
            w["settings"],
            w["previous"].get(unit_id, {}),
            w["stamp"],
            w["bases"].get(unit_id, {}),
            w["items"].get(unit_id, ()),
        )
    )


def generate(
    cat: Catalogue,
    period: Period,
    out_dir: Path | str,
    units: Iterable[str] | None = None,
    settings: Settings | None = None,
    previous: Mapping[str, Mapping[int, tuple[str, float | str]]] | None = None,
    workers: int | None = None,
    bases: Mapping[str, Mapping[int, float]] | None = None,
    items: Mapping[str, Sequence[dict[str, Any]]] | None = None,
) -> list[Path]:
    """Write one template per unit into ``out_dir``; returns the paths in unit order.

    ``previous``: unit → 序号 → (period code, value), as ``Ledger.latest_before`` gives it;
    ``bases``: unit → 序号 → the start-of-year base of a stock already reported (locked);
    ``items``: unit → the 明细台账 items accepted in earlier periods (carried, locked).
    A period outside the catalogue's year is refused before anything is written.

    Uses a process pool when there are many units (pool start-up costs more than it saves
    for a handful of files).
    """
    check_period_year(cat, period)
    settings = settings or load_settings()
    # every unit with something to report (a county's 本级 may have nothing of its own)
    unit_ids = list(units) if units else [u for u in cat.unit_ids if reporting_rows(cat, u)]
    for u in unit_ids:
        cat.unit(u)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    previous = previous or {}
    jobs = [(u, out / template_filename(period, u, cat.names["short"])) for u in unit_ids]
    n_workers = workers if workers is not None else (os.cpu_count() or 1)
    if len(jobs) >= 40 and n_workers > 1:
        with ProcessPoolExecutor(
            max_workers=n_workers,
            initializer=_init_worker,
            initargs=(cat, period, settings, previous, stamp, bases or {}, items or {}),
        ) as pool:
            chunk = max(1, len(jobs) // (n_workers * 8))
            return [Path(p) for p in pool.map(_job, jobs, chunksize=chunk)]
    return [
        build_template(
            cat,
            u,
            period,
            p,
            settings,
            previous.get(u, {}),
            stamp,
            (bases or {}).get(u, {}),
            (items or {}).get(u, ()),
        )
        for u, p in jobs
    ]
