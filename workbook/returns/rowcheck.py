"""The checks of one indicator's row of a return: the locked cells (names, targets, a locked
base) against the catalogue, then 累计完成 read as the cell showed it, and the base of a stock.

``check_row`` is called by ``returns.check_return`` for each row it placed; every problem goes
through the ``add`` it is given (the file's ``_Checker.add``).
"""

from __future__ import annotations

from typing import Any

from workbook.catalogue.model import Catalogue, Row
from workbook.core import problems as codes
from workbook.core.inputs import REPORT_TEXT_LIMIT
from workbook.core.layout import parse_bases
from workbook.core.measures import measure
from workbook.core.settings import template_text
from workbook.core.submission import ValueRecord
from workbook.excel.cells import cell_text
from workbook.excel.formats import col_letter as _col_letter
from workbook.returns.read import CheckedReturn, RawReturn
from workbook.returns.values import ParsedValue, parse_value


def cell_ref(r: int, c: int) -> str:
    return f"{_col_letter(c)}{r + 1}"


def _same_number(found: Any, expected: float | None) -> bool:
    if expected is None:
        return found in (None, "")
    try:
        return abs(float(found) - expected) < 1e-9
    except (TypeError, ValueError):
        return False


class Columns:
    """The table's columns in one file, worked out once for all its rows: each header key's
    index and letter, and the locked text columns present."""

    __slots__ = ("index", "letter", "locked")

    def __init__(self, cols: dict[str, int]) -> None:
        self.index = cols
        self.letter = {key: _col_letter(c) for key, c in cols.items()}
        self.locked = tuple((key, cols[key]) for key in _LOCKED_KEYS if key in cols)

    def ref(self, key: str, r: int) -> str:
        return f"{self.letter[key]}{r + 1}"


# the locked text cells of a row, in the order they are checked
_LOCKED_KEYS = ("action", "name", "unit", "city", "own")


def check_row(
    out: CheckedReturn,
    cat: Catalogue,
    row: Row,
    line: list[Any],
    r: int,
    cols: Columns,
    formulas: set[str],
    add: Any,
) -> None:
    """One indicator's row: its locked cells as issued, then its figures."""
    at = _Line(line, cols.index)
    _check_locked(cat, row, r, cols, line, add)
    rec = _check_value(out, row, r, cols, at, formulas, add)
    if measure(row.indicator.measure).base and "base" in cols.index:
        rec.base = _read_base(out, row, at["base"], cols.ref("base", r), rec, formulas, add)
    out.values[row.indicator.seq] = rec


class _Line:
    """A table row's cells by column key (None past the row's end or for a missing column)."""

    __slots__ = ("line", "cols", "n")

    def __init__(self, line: list[Any], cols: dict[str, int]) -> None:
        self.line, self.cols, self.n = line, cols, len(line)

    def __getitem__(self, key: str) -> Any:
        c = self.cols.get(key)
        return self.line[c] if c is not None and c < self.n else None


def _locked_texts(cat: Catalogue, row: Row) -> dict[str, str]:
    """Column key → text as issued, of the row's locked text cells; the same for every unit
    with the same target text, so made once per indicator and text."""
    ind = row.indicator
    made: dict[tuple[int, str], dict[str, str]] = cat._lookup("locked_texts")
    key = (ind.seq, row.target.text)
    texts = made.get(key)
    if texts is None:
        texts = made[key] = {
            "action": cat.action(ind.action).name,
            "name": ind.name,
            "unit": ind.measure_unit,
            "city": ind.city.text,
            "own": row.target.text,
        }
    return texts


def _check_locked(
    cat: Catalogue, row: Row, r: int, cols: Columns, line: list[Any], add: Any
) -> None:
    """The cells a district may not change (names, targets) against the catalogue."""
    ind = row.indicator
    seq = ind.seq
    texts = _locked_texts(cat, row)
    n = len(line)
    for key, c in cols.locked:
        v = line[c] if c < n else None
        got = v.strip() if type(v) is str else cell_text(v)
        want = texts[key]
        if got != want:
            add(
                codes.LOCKED_CHANGED,
                f"序号 {seq} 的“{cat.worded(template_text()['headers'][key])}”被改动：应为“{want}”，实际为“{got}”。",
                "目标任务以市局下发为准，已按原目标计算；请恢复原内容。",
                cell=cols.ref(key, r),
                seq=seq,
                found=got,
            )
    tc = cols.index.get("target_value")
    if tc is not None and ind.measure != "qualitative":
        tv = line[tc] if tc < n else None
        want_tv = (
            None if row.target.value is None else row.target.value / measure(ind.measure).scale
        )
        if not _same_number(tv, want_tv):
            add(
                codes.LOCKED_CHANGED,
                f"序号 {seq} 的“目标值”被改动：应为 {row.target.value:g}，实际为“{cell_text(tv)}”。"
                if row.target.value is not None
                else f"序号 {seq} 的“目标值”被改动。",
                "目标任务以市局下发为准，已按原目标计算；请恢复原内容。",
                cell=cols.ref("target_value", r),
                seq=seq,
                found=cell_text(tv),
            )


def _check_value(
    out: CheckedReturn,
    row: Row,
    r: int,
    cols: Columns,
    at: _Line,
    formulas: set[str],
    add: Any,
) -> ValueRecord:
    """累计完成 and the text columns, read as the cell showed them (``_read_figure``)."""
    ind = row.indicator
    vcell = cols.ref("value", r)
    raw_value = at["value"]
    rec = ValueRecord(
        seq=ind.seq,
        value=None,
        raw=cell_text(raw_value),
        cell=vcell,
        progress=_text(at, "progress", cols.ref("progress", r), ind.seq, add),
        problems=_text(at, "problems", cols.ref("problems", r), ind.seq, add),
        remark=_text(at, "remark", cols.ref("remark", r), ind.seq, add),
    )
    parsed = _read_figure(out, row, raw_value, vcell, formulas, _VALUE, add)
    if parsed is None:
        rec.valid = False
        return rec
    rec.value = parsed.value
    _check_unsigned_percent(row, raw_value, parsed, vcell, add)
    if parsed.value is None:
        add(
            codes.VALUE_MISSING,
            f"序号 {ind.seq}（{ind.name}）的累计完成未填写。",
            "请填写截至期末的累计数；没有发生请填 0。",
            cell=vcell,
            seq=ind.seq,
        )
    return rec


def _text(at: _Line, key: str, cell: str, seq: int, add: Any) -> str:
    """A text column of the row, at most REPORT_TEXT_LIMIT characters (the template's own
    validation, skipped by a paste or another client): a longer one is said, and kept whole."""
    text = cell_text(at[key])
    if len(text) > REPORT_TEXT_LIMIT:
        head = template_text()["headers"][key]
        add(
            codes.TEXT_TOO_LONG,
            f"序号 {seq} 的“{head}”有 {len(text)} 字，超过模板限定的 {REPORT_TEXT_LIMIT} 字。",
            f"请精简到 {REPORT_TEXT_LIMIT} 字以内（详细材料可作为附件报送）；本次已全文收录。",
            cell=cell,
            seq=seq,
            found=f"{len(text)} 字",
        )
    return text


def _check_unsigned_percent(row: Row, raw: Any, parsed: ParsedValue, cell: str, add: Any) -> None:
    """A percent typed without its sign in LibreOffice ("1" in a percent cell is stored 1 and
    shown 100%) passes every range check; when the figure is a whole multiple of 100% and at
    least four times its target, ask the unit to confirm it."""
    ind, t = row.indicator, row.target.value
    if not measure(ind.measure).percent or t is None or type(raw) not in (int, float):
        return
    v = parsed.value
    if not isinstance(v, float | int) or v == 0 or abs(v) < 100 or not float(raw).is_integer():
        return
    if abs(v) < 4 * abs(t):
        return
    add(
        codes.VALUE_PERCENT_UNSIGNED,
        f"序号 {ind.seq}（{ind.name}）的累计完成显示为 {v:g}%，目标为“{row.target.text}”："
        f"是否应为 {float(raw):g}%？在 LibreOffice 中输入 {float(raw):g} 而不带 % 号会显示为 {v:g}%。",
        f"如确为 {v:g}%，请在“备注”中说明；否则请输入 {float(raw):g}%（带 % 号）后重新报送。",
        cell=cell,
        seq=ind.seq,
        found=f"{v:g}%",
    )


class _Figure:
    """What differs between the two figures of a row: its name and what to do about it."""

    def __init__(self, name: str, prefix: str, fix: Any) -> None:
        self.name, self.prefix, self.fix = name, prefix, fix


_VALUE = _Figure("累计完成", "：", lambda ind: _fix_hint(ind.measure, ind.measure_unit))
_BASE = _Figure(
    "年初基数",
    "的年初基数：",
    lambda ind: f"请填写1月1日（年初）的总数（单位：{ind.measure_unit}），全年只填一次。",
)


def _read_figure(
    out: CheckedReturn,
    row: Row,
    found: Any,
    cell: str,
    formulas: set[str],
    what: _Figure,
    add: Any,
) -> ParsedValue | None:
    """One figure of a row (累计完成, or the base of a stock) read the same way, with the same
    refusals: a formula (its cached result is never used), an error value, then the value as
    its cell showed it (``values.parse_value``). None when refused (the problem is added); a
    reading worth a look (a normalised figure) is added as a warning."""
    ind = row.indicator
    head = f"序号 {ind.seq}（{ind.name}）"
    shown = cell_text(found)
    if cell in formulas:
        add(
            codes.VALUE_FORMULA,
            f"{head}的{what.name}是公式，汇总不采用公式的缓存结果。",
            "请直接填写数值，不要填公式。",
            cell=cell,
            seq=ind.seq,
            found=shown,
        )
        return None
    error = out.raw.error_cells.get(cell)
    if error is not None:
        add(
            codes.VALUE_ERROR,
            f"{head}的{what.name}显示错误值 {error}，不是数值。",
            what.fix(ind),
            cell=cell,
            seq=ind.seq,
            found=error,
        )
        return None
    parsed = parse_value(found, ind.measure, ind.measure_unit, _format(out.raw, cell))
    if not parsed.ok:
        add(
            parsed.code,
            f"{head}{what.prefix}{parsed.note}",
            what.fix(ind),
            cell=cell,
            seq=ind.seq,
            found=shown,
        )
        return None
    if parsed.note:
        add(
            parsed.code,
            f"{head}{what.prefix}{parsed.note}",
            "如读取有误，请改正后重新报送。",
            cell=cell,
            seq=ind.seq,
            found=shown,
        )
    return parsed


def _format(raw: RawReturn, cell: str) -> str | None:
    """The number format ``cell`` shows its value in; None when the file does not say."""
    return raw.formats.get(cell, "") if raw.formats_known else None


def _read_base(
    out: CheckedReturn,
    row: Row,
    found: Any,
    cell: str,
    rec: ValueRecord,
    formulas: set[str],
    add: Any,
) -> float | None:
    """The start-of-year base of a stock: locked when an earlier period reported it (the
    identity lists it), else typed in this copy and read as the figure is (``_read_figure``)."""
    ind = row.indicator
    locked = parse_bases(out.raw.identity.get("bases", "")).get(ind.seq)
    if locked is not None:
        if not _same_number(found, locked):
            add(
                codes.LOCKED_CHANGED,
                f"序号 {ind.seq} 的“年初基数”被改动：应为 {locked:g}，实际为“{cell_text(found)}”。",
                "年初基数以市局确认的为准，已按原数计算；如确有错误，请在备注中说明。",
                cell=cell,
                seq=ind.seq,
                found=cell_text(found),
            )
        return locked
    parsed = _read_figure(out, row, found, cell, formulas, _BASE, add)
    if parsed is None:
        return None
    if parsed.value is None:
        if rec.value is None:
            return None  # nothing reported for this row yet
        add(
            codes.VALUE_BASE_MISSING,
            f"序号 {ind.seq}（{ind.name}）的年初基数未填写，无法按序时进度判断。",
            _BASE.fix(ind),
            cell=cell,
            seq=ind.seq,
            found=cell_text(found),
        )
        return None
    return float(parsed.value)


def _fix_hint(kind: str, unit: str) -> str:
    return {
        "count": f"请填写整数（单位：{unit}），不带单位和文字。",
        "stock": f"请填写期末总数，整数（单位：{unit}），不带单位和文字。",
        "amount": f"请填写数值（单位：{unit}），不带单位和文字。",
        "rate": "请输入带 % 号的比率，如 85%，单元格应显示 85.0%。",
        "coverage": "请输入带 % 号的累计比例，如 12.5%，单元格应显示 12.5%。",
        "time_limit": f"请填写数值（单位：{unit}）。",
        "change": "请输入带 % 号的变化幅度，下降为负数，如 -12.5%。",
        "qualitative": "请从下拉列表选择：未启动、推进中、已完成。",
    }[kind]
