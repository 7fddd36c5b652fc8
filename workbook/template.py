"""Building the district templates: one .xlsx per unit and period.

The reporting sheet keeps the official 序号 and targets (locked), one input row per indicator
the unit reports (unlocked, validated with Chinese prompts and errors), formulas for 完成率 and
进度状态 that follow ``targets.status``, and a signature block. A very hidden sheet, custom
document properties and defined names identify the copy whatever its file name.
Written with XlsxWriter (about three times faster than openpyxl for this); workbook-structure
protection, which XlsxWriter does not offer, is added to workbook.xml afterwards.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from workbook.catalogue import Catalogue, Row, reporting_rows
from workbook.layout import (  # noqa: F401  (re-exported: the writer's layout)
    COL,
    COLUMNS,
    FIRST_DATA_ROW,
    HEADER_ROW,
    IDENTITY_FORMAT,
    IDENTITY_SHEET,
    INPUT_COLUMNS,
    TEMPLATE_VERSION,
    parse_bases,
)
from workbook.measures import MEASURES, measure
from workbook.period import Period, parse_period
from workbook.settings import deadline, load_settings, template_text
from workbook.targets import completion_formula, status_formula
from workbook.xlsxio import atomic_write, fit_height

WIDTHS = {
    "seq": 5,
    "action": 13,
    "name": 30,
    "unit": 7,
    "city": 14,
    "own": 16,
    "target_value": 8,
    "previous": 8,
    "base": 8,
    "value": 12,
    "completion": 8,
    "expected": 8,
    "status": 10,
    "progress": 28,
    "problems": 28,
    "remark": 12,
}
NUMBER_FORMATS = {kind: m.number_format for kind, m in MEASURES.items()}


def template_filename(period: Period, unit_id: str) -> str:
    return f"{period.code}_{unit_id}_十件实事填报.xlsx"


def row_name(seq: int) -> str:
    """The defined name of a data row: identifies the row even after rows are inserted."""
    return f"shishi_row_{seq:03d}"


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

    def pairs(self) -> list[tuple[str, str]]:
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
    )


def _row_height(texts: Mapping[str, str]) -> float:
    """A row height that shows the row's wrapped Chinese text whole."""
    return fit_height(((text, WIDTHS[key]) for key, text in texts.items()), minimum=18.0)


def _previous_note(previous: Mapping[int, tuple[str, float | str]]) -> str:
    """Where 上期累计 comes from, for the subtitle: the period most of its figures are from."""
    if not previous:
        return ""
    main = _main_period(previous)
    return f"　　上期累计：{parse_period(main).label}已确认数"


def _main_period(previous: Mapping[int, tuple[str, float | str]]) -> str:
    codes = [code for code, _ in previous.values()]
    return max(set(codes), key=lambda c: (codes.count(c), parse_period(c)))


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


class _PlainFormulaSheet(xlsxwriter.worksheet.Worksheet):
    """A worksheet that skips XlsxWriter's future-function rewriting of formulas.

    The templates' formulas use only IF, AND, NOT and ISNUMBER, so the thirty regular
    expressions XlsxWriter runs on every formula change nothing; skipping them makes a
    template about a third faster to write.
    """

    def _prepare_formula(self, formula: str, expand_future_functions: bool = False) -> str:
        return formula[1:] if formula.startswith("=") else formula


class _Formats:
    """The cell formats of one workbook, registered once (per-cell formats are the slow part)."""

    def __init__(self, wb: xlsxwriter.Workbook) -> None:
        base = {"font_name": "宋体", "font_size": 10, "valign": "vcenter", "border": 1}
        self.title = wb.add_format(
            {
                "font_name": "黑体",
                "font_size": 15,
                "bold": True,
                "align": "center",
                "valign": "vcenter",
            }
        )
        self.subtitle = wb.add_format({"font_name": "宋体", "font_size": 10, "valign": "vcenter"})
        self.header = wb.add_format(
            {**base, "bold": True, "text_wrap": True, "align": "center", "bg_color": "#D9D9D9"}
        )
        self.locked = wb.add_format({**base, "text_wrap": True, "bg_color": "#F2F2F2"})
        self.locked_center = wb.add_format(
            {**base, "text_wrap": True, "align": "center", "bg_color": "#F2F2F2"}
        )
        self.pct = wb.add_format(
            {**base, "num_format": "0%", "align": "center", "bg_color": "#F2F2F2"}
        )
        self.lagging = wb.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006"})
        self.input_text = wb.add_format({**base, "locked": False, "text_wrap": True})
        self.input_num = {
            m: wb.add_format({**base, "locked": False, "num_format": f, "align": "right"})
            for m, f in NUMBER_FORMATS.items()
        }
        self.locked_num = {
            m: wb.add_format({**base, "num_format": f, "align": "right", "bg_color": "#F2F2F2"})
            for m, f in NUMBER_FORMATS.items()
        }
        self.sig_label = wb.add_format(
            {
                "font_name": "宋体",
                "font_size": 11,
                "bold": True,
                "align": "right",
                "valign": "vcenter",
            }
        )
        self.sig_input = wb.add_format(
            {"font_name": "宋体", "font_size": 11, "locked": False, "bottom": 1}
        )
        self.sig_date = wb.add_format(
            {
                "font_name": "宋体",
                "font_size": 11,
                "locked": False,
                "bottom": 1,
                "num_format": "yyyy-mm-dd",
                "align": "left",
            }
        )
        self.instr_head = wb.add_format({"font_name": "黑体", "font_size": 12, "bold": True})
        self.instr_key = wb.add_format(
            {"font_name": "宋体", "font_size": 11, "bold": True, "valign": "top", "text_wrap": True}
        )
        self.instr_val = wb.add_format(
            {"font_name": "宋体", "font_size": 11, "valign": "top", "text_wrap": True}
        )


def _fill(template: str, ctx: Mapping[str, str]) -> str:
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
        "input_message": _fill(prompt, c)[:255],
        "error_title": err_title,
        "error_message": _fill(err, c)[:255],
        "error_type": "stop",
        "show_input": True,
        "show_error": True,
        "ignore_blank": True,
    }


def _validation(
    measure_kind: str, ctx: Mapping[str, str], text: dict[str, Any], prompt: str = ""
) -> dict[str, Any]:
    """The data validation of a value cell, from the measure's range (percent kinds store a
    fraction: 85% is 0.85); ``prompt`` names other wording (the base of a stock)."""
    messages = _messages(prompt or measure_kind, text, ctx)
    if measure_kind == "qualitative":
        return {"validate": "list", "source": list(text["qualitative_choices"]), **messages}
    m = measure(measure_kind)
    lo, hi = (int(x) if float(x).is_integer() else x for x in (m.lo / m.scale, m.hi / m.scale))
    return {
        "validate": "integer" if m.integer else "decimal",
        "criteria": "between",
        "minimum": lo,
        "maximum": hi,
        **messages,
    }


def _text_validation(kind: str, limit: int, text: dict[str, Any]) -> dict[str, Any]:
    return {"validate": "length", "criteria": "<=", "value": limit, **_messages(kind, text)}


def _date_validation(text: dict[str, Any]) -> dict[str, Any]:
    return {
        "validate": "date",
        "criteria": "between",
        "minimum": datetime(2024, 1, 1),
        "maximum": datetime(2030, 12, 31),
        **_messages("date", text),
    }


def share_expression(row: Row, period: Period) -> tuple[float, str]:
    """The row's 序时进度 and how the formula writes it: the exact "(5/12)" when linear, so
    the sheet computes it as Python does."""
    share = row.indicator.expected_share(period.months)
    if (row.indicator.progress or {}).get("milestones"):
        return share, repr(share)
    return share, f"({period.months}/12)"


def build_template(
    cat: Catalogue,
    unit_id: str,
    period: Period,
    out_path: Path | str,
    settings: dict[str, Any] | None = None,
    previous: Mapping[int, tuple[str, float | str]] | None = None,
    generated_at: str | None = None,
    bases: Mapping[int, float] | None = None,
) -> Path:
    """Write the template of ``unit_id`` for ``period`` to ``out_path`` (atomically).

    ``previous`` maps 序号 to (period code, value): the unit's latest figure accepted for an
    earlier period of the year (上期累计); the sheet says which period it comes from.
    Returns the path written.
    """
    settings = settings or load_settings()
    text = template_text()
    rows = reporting_rows(cat, unit_id)
    unit = cat.unit(unit_id)
    stamp = generated_at or datetime.now(UTC).isoformat(timespec="seconds")
    bases = {
        seq: v for seq, v in (bases or {}).items() if any(r.indicator.seq == seq for r in rows)
    }
    ident = identity_for(cat, unit_id, period, stamp, bases)
    password = str(settings.get("sheet_password", ""))
    contact = settings.get("contact", {})
    ctx = {
        "unit_full_name": unit.full_name or unit.id,
        "unit_id": unit.id,
        "period_label": period.label,
        "period_end": f"{period.end.year}年{period.end.month}月{period.end.day}日",
        "share_pct": _fmt_share(period.share),
        "deadline": deadline(settings, period),
        "contact_name": contact.get("name", ""),
        "contact_phone": contact.get("phone", ""),
        "contact_email": contact.get("email", ""),
        "previous_note": _previous_note(previous or {}),
    }

    def write(tmp: Path) -> None:
        wb = _ProtectedWorkbook(
            str(tmp),
            {
                "strings_to_formulas": False,
                "strings_to_numbers": False,
                "strings_to_urls": False,
                "in_memory": True,
            },
        )
        wb.set_properties(
            {
                "title": _fill(text["title"], ctx),
                "author": str(settings["bureau"]),
                "company": str(settings["bureau"]),
                "created": datetime(period.year, 1, 1),
            }
        )
        for key, value in ident.pairs():
            wb.set_custom_property(f"shishi_{key}", value)
        f = _Formats(wb)
        _instructions_sheet(wb, f, text, ctx, password)
        _report_sheet(wb, f, text, ctx, cat, rows, period, password, previous or {}, bases)
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

    return atomic_write(out_path, write)


def _instructions_sheet(
    wb: xlsxwriter.Workbook,
    f: _Formats,
    text: dict[str, Any],
    ctx: Mapping[str, str],
    password: str,
) -> None:
    ws = wb.add_worksheet(text["sheet_instructions"])
    ws.set_column(0, 0, 26)
    ws.set_column(1, 1, 90)
    ws.merge_range(0, 0, 0, 1, _fill(text["title"], ctx), f.title)
    ws.set_row(0, 30)
    r = 2
    for key, value in text["instructions"]:
        if value == "":
            ws.write_string(r, 0, key, f.instr_head)
            ws.set_row(r, 24)
        else:
            ws.write_string(r, 0, key, f.instr_key)
            ws.write_string(r, 1, _fill(value, ctx), f.instr_val)
        r += 1
    ws.set_paper(9)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.set_footer("&C第 &P 页，共 &N 页")
    ws.protect(password, {"select_locked_cells": True, "select_unlocked_cells": True})


def _report_sheet(
    wb: xlsxwriter.Workbook,
    f: _Formats,
    text: dict[str, Any],
    ctx: Mapping[str, str],
    cat: Catalogue,
    rows: list[Row],
    period: Period,
    password: str,
    previous: Mapping[int, tuple[str, float | str]],
    bases: Mapping[int, float],
) -> None:
    ws = wb.add_worksheet(text["sheet_report"], worksheet_class=_PlainFormulaSheet)
    main_previous = _main_period(previous) if previous else ""
    headers = text["headers"]
    last_col = len(COLUMNS) - 1
    for key, width in WIDTHS.items():
        ws.set_column(COL[key], COL[key], width)
    ws.merge_range(0, 0, 0, last_col, _fill(text["title"], ctx), f.title)
    ws.set_row(0, 30)
    ws.merge_range(1, 0, 1, last_col, _fill(text["subtitle"], ctx), f.subtitle)
    for key in COLUMNS:
        ws.write_string(HEADER_ROW, COL[key], headers[key], f.header)
    ws.set_row(HEADER_ROW, 32)
    for i, row in enumerate(rows):
        r = FIRST_DATA_ROW + i
        ind = row.indicator
        ws.write_number(r, COL["seq"], ind.seq, f.locked_center)
        ws.write_string(r, COL["action"], cat.action(ind.action).name, f.locked)
        ws.write_string(r, COL["name"], ind.name, f.locked)
        ws.write_string(r, COL["unit"], ind.unit, f.locked_center)
        ws.write_string(r, COL["city"], ind.city.text, f.locked)
        ws.write_string(r, COL["own"], row.target.text, f.locked)
        ws.set_row(
            r,
            _row_height(
                {
                    "action": cat.action(ind.action).name,
                    "name": ind.name,
                    "city": ind.city.text,
                    "own": row.target.text,
                }
            ),
        )
        _row_figures(ws, f, text, ctx, row, r, period, previous, main_previous, bases)
        for key in ("progress", "problems", "remark"):
            ws.write_blank(r, COL[key], None, f.input_text)
        wb.define_name(
            row_name(ind.seq),
            f"='{text['sheet_report']}'!$A${r + 1}:${xl_col_to_name(last_col)}${r + 1}",
        )
    last = FIRST_DATA_ROW + len(rows) - 1
    if rows:
        for key in ("progress", "problems", "remark"):
            ws.data_validation(
                FIRST_DATA_ROW, COL[key], last, COL[key], _text_validation("text", 500, text)
            )
        status_cell = f"${xl_col_to_name(COL['status'])}{FIRST_DATA_ROW + 1}"
        ws.conditional_format(
            FIRST_DATA_ROW,
            0,
            last,
            last_col,
            {"type": "formula", "criteria": f'={status_cell}="滞后"', "format": f.lagging},
        )
        vcol = xl_col_to_name(COL["value"])
        wb.define_name(
            "shishi_values",
            f"='{text['sheet_report']}'!${vcol}${FIRST_DATA_ROW + 1}:${vcol}${last + 1}",
        )
    sig_row = last + 2
    for k, (key, label) in enumerate(text["signature"]):
        r = sig_row + k
        ws.merge_range(r, COL["seq"], r, COL["action"], label + "：", f.sig_label)
        if key == "date":
            ws.write_blank(r, COL["name"], None, f.sig_date)
            ws.data_validation(r, COL["name"], r, COL["name"], _date_validation(text))
        else:
            ws.write_blank(r, COL["name"], None, f.sig_input)
            ws.data_validation(
                r, COL["name"], r, COL["name"], _text_validation("signature", 50, text)
            )
        wb.define_name(
            f"shishi_sig_{key}", f"='{text['sheet_report']}'!${xl_col_to_name(COL['name'])}${r + 1}"
        )
    ws.freeze_panes(FIRST_DATA_ROW, COL["unit"])
    ws.set_paper(9)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(HEADER_ROW)
    ws.center_horizontally()
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.set_footer("&C第 &P 页，共 &N 页")
    ws.set_header(f"&L{ctx['unit_full_name']}&R{ctx['period_label']}")
    ws.print_area(0, 0, sig_row + len(text["signature"]) - 1, last_col)
    ws.protect(
        password,
        {
            "select_locked_cells": True,
            "select_unlocked_cells": True,
            "format_rows": True,
            "format_columns": True,
        },
    )


def _row_figures(
    ws: Any,
    f: _Formats,
    text: dict[str, Any],
    ctx: Mapping[str, str],
    row: Row,
    r: int,
    period: Period,
    previous: Mapping[int, tuple[str, float | str]],
    main_previous: str,
    bases: Mapping[int, float],
) -> None:
    """目标值, 上期累计, 年初基数, the value cell and the formulas of one row, all following the
    row's measure (percent kinds hold fractions: 85% is 0.85)."""
    ind = row.indicator
    k = ind.measure
    m = measure(k)
    if row.target.value is not None and k != "qualitative":
        ws.write_number(r, COL["target_value"], row.target.value / m.scale, f.locked_num[k])
    else:
        ws.write_blank(r, COL["target_value"], None, f.locked)
    prev_period, prev = previous.get(ind.seq, ("", None))
    if prev_period and prev_period != main_previous:
        ws.write_comment(
            r,
            COL["previous"],
            f"本项上期累计取自{parse_period(prev_period).label}已确认数"
            "（之后的期次没有本项的确认数）。",
            {"author": "市局", "x_scale": 2},
        )
    if isinstance(prev, int | float):
        ws.write_number(r, COL["previous"], prev / m.scale, f.locked_num[k])
    elif prev:
        ws.write_string(r, COL["previous"], str(prev), f.locked)
    else:
        ws.write_blank(r, COL["previous"], None, f.locked)
    vctx = {**ctx, "unit": ind.unit}
    if not m.base:
        ws.write_string(r, COL["base"], "—", f.locked_center)
    elif ind.seq in bases:
        ws.write_number(r, COL["base"], bases[ind.seq], f.locked_num[k])
    else:
        ws.write_blank(r, COL["base"], None, f.input_num[k])
        ws.data_validation(r, COL["base"], r, COL["base"], _validation(k, vctx, text, "base"))
    ws.write_blank(r, COL["value"], None, f.input_num[k])
    ws.data_validation(r, COL["value"], r, COL["value"], _validation(k, vctx, text))
    v = xl_col_to_name(COL["value"]) + str(r + 1)
    g = xl_col_to_name(COL["target_value"]) + str(r + 1)
    b = xl_col_to_name(COL["base"]) + str(r + 1)
    comp = completion_formula(k, v, g, b)
    if comp:
        ws.write_formula(r, COL["completion"], comp, f.pct, "")
    else:
        ws.write_string(r, COL["completion"], "—", f.locked_center)
    share, share_expr = share_expression(row, period)
    if m.cumulative:
        ws.write_number(r, COL["expected"], share, f.pct)
    else:
        ws.write_string(r, COL["expected"], "—", f.locked_center)
    ws.write_formula(
        r,
        COL["status"],
        status_formula(k, row.target.op, share, share_expr, v, g, b),
        f.locked_center,
        "未报送",
    )


_WORKER: dict[str, Any] = {}


def _init_worker(
    cat: Catalogue,
    period: Period,
    settings: dict[str, Any],
    previous: Mapping[str, Mapping[int, tuple[str, float | str]]],
    stamp: str,
    bases: Mapping[str, Mapping[int, float]],
) -> None:
    """Receive the shared inputs once per worker process, not once per template."""
    _WORKER.update(
        cat=cat, period=period, settings=settings, previous=previous, stamp=stamp, bases=bases
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
        )
    )


def generate(
    cat: Catalogue,
    period: Period,
    out_dir: Path | str,
    units: Iterable[str] | None = None,
    settings: dict[str, Any] | None = None,
    previous: Mapping[str, Mapping[int, tuple[str, float | str]]] | None = None,
    workers: int | None = None,
    bases: Mapping[str, Mapping[int, float]] | None = None,
) -> list[Path]:
    """Write one template per unit into ``out_dir``; returns the paths in unit order.

    ``previous``: unit → 序号 → (period code, value), as ``Ledger.latest_before`` gives it;
    ``bases``: unit → 序号 → the start-of-year base of a stock already reported (locked).
    A period outside the catalogue's year is refused before anything is written.

    Uses a process pool when there are many units (pool start-up costs more than it saves
    for a handful of files).
    """
    from workbook.consolidate import check_period_year

    check_period_year(cat, period)
    settings = settings or load_settings()
    unit_ids = list(units) if units else cat.unit_ids
    for u in unit_ids:
        cat.unit(u)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).isoformat(timespec="seconds")
    previous = previous or {}
    jobs = [(u, out / template_filename(period, u)) for u in unit_ids]
    n_workers = workers if workers is not None else (os.cpu_count() or 1)
    if len(jobs) >= 40 and n_workers > 1:
        with ProcessPoolExecutor(
            max_workers=n_workers,
            initializer=_init_worker,
            initargs=(cat, period, settings, previous, stamp, bases or {}),
        ) as pool:
            chunk = max(1, len(jobs) // (n_workers * 8))
            return [Path(p) for p in pool.map(_job, jobs, chunksize=chunk)]
    return [
        build_template(
            cat, u, period, p, settings, previous.get(u, {}), stamp, (bases or {}).get(u, {})
        )
        for u, p in jobs
    ]
