"""Text as people paste it and files as they arrive: nothing a district types, pastes or sends
crashes a run, merges two figures or puts a control character into an output.

The corpus is made the way the files reach the city office: templates filled and saved by
LibreOffice where the text can be typed there (multi-line figure cells, a full-width base, a
base as a formula, a soft line break), the rest written into the XML as Excel stores it (Word's
control characters as _x000B_ escapes, an error value without a formula, a sheet stored under
another path); file names that are not UTF-8 (GBK, from a zip extracted on Linux), and the files
a Mac or Windows leaves in a folder. Every run writes the 通报 too: the command line with
--bulletin, and the button's entry point.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
from conftest import needs_soffice, shishi
from failures import formula_in_input, row_of
from lo_helpers import lo_run
from python_calamine import CalamineWorkbook

from shishi_demo.samples import fill_return, sample_values
from workbook.catalogue import model as catalogue
from workbook.core.layout import COL
from workbook.core.period import parse_period
from workbook.core.text import printable, readable_name
from workbook.excel import limits
from workbook.template.build import generate

ROOT = Path(__file__).resolve().parents[2]
PERIOD = parse_period("2024Q2")
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
SOFT_BREAK = "第一行\x0b第二行😀"  # Word's Shift+Enter is a vertical tab
EXCEL_CONTROLS = "".join(f"_x{c:04X}_" for c in range(1, 32) if c not in (9, 10, 13))
LONG = "长" * 32_000
GBK_NAME = "高新区-十件实事（定稿）.xlsx".encode("gbk")
GBK_ATTACHMENT = "会议通知.doc".encode("gbk")


def _cell(ws, seq: int, key: str) -> str:
    return ws.cell(row_of(ws, seq), COL[key] + 1).coordinate


def _rewrite(path: Path, edit) -> None:
    """Rewrite the parts of an xlsx: ``edit(name, bytes) -> (name, bytes)``."""
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            name, data = edit(info.filename, zin.read(info))
            zout.writestr(name, data)
    tmp.replace(path)


def _sheet_part(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
    return next(
        n
        for n in sorted(names)
        if n.startswith("xl/worksheets/sheet") and n != "xl/worksheets/sheet1.xml"
    )


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    cat = catalogue.load()
    tpl = dict(zip(cat.unit_ids, generate(cat, PERIOD, root / "tpl"), strict=True))
    returns = root / "回收 文件"
    returns.mkdir()
    made: dict[str, object] = {}

    def values(unit):
        v = sample_values(cat, unit, PERIOD)
        if 5 in v:
            v[5] = 0  # 序号5 lags, so its explanation reaches 滞后事项 and the 通报
        return v

    for unit in ("市局", "新城", "金塘", "六横", "普陀山", "洋山"):
        fill_return(tpl[unit], returns / f"{unit}.xlsx", values(unit))

    # 定海, in LibreOffice: what can be typed there
    dinghai = root / "定海_draft.xlsx"
    fill_return(tpl["定海"], dinghai, values("定海"), bases={})
    ws = openpyxl.load_workbook(dinghai)["填报表"]
    made["dh_two_lines"], made["dh_spaced"] = _cell(ws, 6, "value"), _cell(ws, 7, "value")
    made["dh_fullwidth_base"], made["dh_formula_base"] = (
        _cell(ws, 20, "base"),
        _cell(ws, 21, "base"),
    )
    lo_run(
        [
            {
                "src": dinghai,
                "dst": returns / "定海.xlsx",
                "filter": "Calc MS Excel 2007 XML",
                "sheet": "填报表",
                "type": {made["dh_formula_base"]: "=100+200", _cell(ws, 44, "base"): "50"},
                "text": {
                    made["dh_two_lines"]: "8\n12",
                    made["dh_spaced"]: "1 28",
                    made["dh_fullwidth_base"]: "３００",
                    _cell(ws, 5, "progress"): SOFT_BREAK,
                    _cell(ws, 5, "problems"): "原因一\x0b原因二🚧",
                },
            }
        ],
        root,
    )

    # 普陀, as Excel stores text pasted from Word: control characters as _xHHHH_ escapes
    putuo = returns / "普陀.xlsx"
    fill_return(tpl["普陀"], putuo, values("普陀"), texts={5: ("@@P@@", LONG)})
    _rewrite(
        putuo,
        lambda n, d: (n, d.replace(b"@@P@@", f"行一_x000B_行二{EXCEL_CONTROLS}🙂".encode())),
    )

    # 岱山: an error value kept without its formula (calamine reads it as empty)
    daishan = returns / "岱山.xlsx"
    v = values("岱山")
    v[10] = 424242
    fill_return(tpl["岱山"], daishan, v)
    ws = openpyxl.load_workbook(daishan)["填报表"]
    made["ds_error"] = ref = _cell(ws, 10, "value")
    part = _sheet_part(daishan)

    def error_value(n, d):
        if n != part:
            return n, d
        pattern = rb'<c r="' + ref.encode() + rb'"([^>]*?)(?: t="n")?><v>424242</v></c>'
        fixed, count = re.subn(
            pattern, rb'<c r="' + ref.encode() + rb'"\1 t="e"><v>#VALUE!</v></c>', d
        )
        assert count == 1, d[:200]
        return n, fixed

    _rewrite(daishan, error_value)

    # 嵊泗: a formula in a value cell, its sheet stored outside xl/ and named from the root
    # (valid OPC; calamine reads it; a reader that assumes xl/ misses the sheet's XML)
    shengsi = returns / "嵊泗.xlsx"
    draft = root / "嵊泗_values.xlsx"
    fill_return(tpl["嵊泗"], draft, values("嵊泗"))
    made["ss_formula"] = formula_in_input(draft, shengsi, 10)
    moved = _sheet_part(shengsi)
    base = moved.rsplit("/", 1)[1]

    def elsewhere(n, d):
        if n == moved:
            return "wbdata/" + base, d
        if n == "xl/_rels/workbook.xml.rels":
            for target in (f"/xl/worksheets/{base}", f"worksheets/{base}"):  # openpyxl: absolute
                d = d.replace(f'Target="{target}"'.encode(), f'Target="/wbdata/{base}"'.encode())
            assert f"/wbdata/{base}".encode() in d
            return n, d
        if n == "[Content_Types].xml":
            return n, d.replace(f"/xl/worksheets/{base}".encode(), f"/wbdata/{base}".encode())
        if n == f"xl/worksheets/_rels/{base}.rels":
            return f"wbdata/_rels/{base}.rels", d.replace(b"../", b"../xl/")
        return n, d

    _rewrite(shengsi, elsewhere)

    # 高新区's return under a GBK name; a GBK-named attachment; what Macs and Windows leave
    gx = os.path.join(os.fsencode(returns), GBK_NAME)
    fill_return(tpl["高新区"], root / "gx.xlsx", values("高新区"))
    shutil.copyfile(root / "gx.xlsx", gx)
    with open(os.path.join(os.fsencode(returns), GBK_ATTACHMENT), "wb") as f:
        f.write(b"\xd0\xcf\x11\xe0 not really a document")
    (returns / "._定海.xlsx").write_bytes(b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X")
    (returns / "desktop.ini").write_text("[.ShellClassInfo]\r\n", encoding="utf-8")
    (returns / "Thumbs.db").write_bytes(b"\xd0\xcf\x11\xe0")
    (returns / "__MACOSX").mkdir()
    (returns / "__MACOSX" / "._新城.xlsx").write_bytes(b"\x00\x05\x16\x07")
    return root, returns, made


@pytest.fixture(scope="module")
def run_cli(hostile):
    """The CLI run on the corpus, with a data folder of its own (root/home): where an
    unexpected error would be logged, whichever test first asks for the run."""
    root, returns, made = hostile
    out = root / "汇总"
    before = os.environ.get("SHISHI_HOME")
    os.environ["SHISHI_HOME"] = str(root / "home")
    try:
        r = shishi(
            "consolidate", returns, "--period", "2024Q2", "-o", out / "汇总.xlsx",
            "--json", out / "report.json", "--csv", out / "values.csv",
            "--bulletin", out / "通报.docx", "--ledger", root / "ledger.sqlite3",
        )  # fmt: skip
    finally:
        if before is None:
            del os.environ["SHISHI_HOME"]
        else:
            os.environ["SHISHI_HOME"] = before
    return r, out, made, root


def _problems(report: dict, code: str) -> dict[tuple[str, str], dict]:
    return {(p["unit"], p["cell"]): p for p in report["problems"] if p["code"] == code}


@needs_soffice
def test_the_run_ends_normally_with_its_bulletin(run_cli):
    r, out, _made, root = run_cli
    assert r.returncode == 0, r.stderr
    assert "发生意外错误" not in r.stderr + r.stdout
    assert not (root / "home" / "shishi-errors.log").exists()
    for name in ("汇总.xlsx", "report.json", "values.csv", "通报.docx"):
        assert (out / name).stat().st_size > 0, name


@needs_soffice
def test_each_refusal_stands_at_its_cell(run_cli):
    _r, out, made, _root = run_cli
    report = json.loads((out / "report.json").read_text("utf-8"))
    several = _problems(report, "value.several_numbers")
    assert several[("定海", made["dh_two_lines"])]["found"] == "8\n12"
    assert "“8↵12”中有两个以上的数" in several[("定海", made["dh_two_lines"])]["message"]
    assert ("定海", made["dh_spaced"]) in several
    formulas = _problems(report, "value.formula")
    assert "年初基数是公式" in formulas[("定海", made["dh_formula_base"])]["message"]
    assert ("嵊泗", made["ss_formula"]) in formulas  # found although its sheet lives elsewhere
    warned = _problems(report, "value.normalised")
    assert "年初基数" in warned[("定海", made["dh_fullwidth_base"])]["message"]
    errors = _problems(report, "value.error")
    assert "#VALUE!" in errors[("岱山", made["ds_error"])]["message"]
    values = {(v["单位"], v["序号"]): v["累计完成"] for v in report["values"]}
    assert values[("定海", 6)] == "" and values[("定海", 7)] == ""  # 8 and 12 are not 812
    assert values[("岱山", 10)] == ""


@needs_soffice
def test_names_that_are_not_utf8_are_shown_readable_and_ignorable_files_ignored(run_cli):
    _r, out, _made, root = run_cli
    report = json.loads((out / "report.json").read_text("utf-8"))
    names = {s["file"]: s for s in report["submissions"]}
    assert names["高新区-十件实事（定稿）.xlsx"]["unit"] == "高新区"
    assert names["高新区-十件实事（定稿）.xlsx"]["status"] == "accepted"
    assert "会议通知.doc" in names
    assert not [
        n for n in names if n.startswith(("._", "__MACOSX")) or n in ("desktop.ini", "Thumbs.db")
    ]
    shown = shishi("history", "--unit", "高新区", "--ledger", root / "ledger.sqlite3")
    assert shown.returncode == 0 and "高新区-十件实事（定稿）.xlsx" in shown.stdout


@needs_soffice
def test_no_output_carries_a_control_character(run_cli):
    _r, out, _made, _root = run_cli
    csv_text = (out / "values.csv").read_text("utf-8-sig")
    assert not CONTROL.search(csv_text)
    assert "第一行\n第二行😀" in csv_text  # the soft line break became a line break
    # Excel's escapes: the vertical tab, form feed and separators became line breaks, the
    # other control characters are gone
    assert re.search("行一\n行二\n+🙂", csv_text)
    assert LONG in csv_text
    texts = []
    wb = openpyxl.load_workbook(out / "汇总.xlsx")
    for ws in wb.worksheets:
        texts += [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert texts and not [t for t in texts if CONTROL.search(t)]
    assert any("第一行\n第二行😀" in t for t in texts) and any(LONG in t for t in texts)
    calamine = CalamineWorkbook.from_path(str(out / "汇总.xlsx"))  # a second reader
    lagging = calamine.get_sheet_by_name("滞后事项").to_python()
    assert any(re.search("行一\n行二\n+🙂", str(c)) for row in lagging for c in row)
    bulletin = "\n".join(p.text for p in docx.Document(str(out / "通报.docx")).paragraphs)
    assert "原因一\n原因二🚧" in bulletin  # 定海's lagging row, quoted with its line break
    assert LONG in bulletin  # 普陀's 32,000 characters, whole
    assert not CONTROL.search(bulletin)


@needs_soffice
def test_the_button_writes_its_bulletin_on_the_same_files(hostile, tmp_path):
    from macros_py.city import OpenpyxlBook, run_button
    from workbook.app.citybook import build_city_workbook

    _root, returns, _made = hostile
    office = tmp_path / "市局"
    shutil.copytree(os.fsencode(returns), os.fsencode(office / "回收文件"))
    files = build_city_workbook(office, returns_dir="回收文件", period="2024Q2")
    book = OpenpyxlBook(files.workbook)
    outcome = run_button(book)
    assert outcome is not None, book.alerts
    assert outcome.bulletin is not None and outcome.bulletin.exists()
    assert "高新区" in outcome.result.accepted
    text = "\n".join(p.text for p in docx.Document(str(outcome.bulletin)).paragraphs)
    assert not CONTROL.search(text)


@needs_soffice
def test_the_outputs_are_valid_open_xml_within_excels_limits(run_cli):
    """Microsoft's Open XML SDK validator on the summary and the 通报 of the hostile run, and
    the limits Excel repairs silently."""
    _r, out, _made, _root = run_cli
    assert not limits.problems(out / "汇总.xlsx")
    exe = ROOT / "build" / "tools" / "node_modules" / ".bin" / "ooxml-validator"
    if not exe.exists():
        if os.environ.get("CI"):
            pytest.fail("ooxml-validator missing in CI: scripts/setup.sh installs it")
        pytest.skip("ooxml-validator not installed (bash scripts/setup.sh installs it)")
    for name in ("汇总.xlsx", "通报.docx"):
        done = subprocess.run(
            [str(exe), str(out / name)], capture_output=True, text=True, timeout=180
        )
        found = json.loads(done.stdout)
        assert done.returncode == 0 and found["ok"], (name, found["errors"][:5])


def test_printable_on_every_control_character():
    for c in [*range(0, 32), 0x7F, *range(0x80, 0xA0), 0x2028, 0x2029, 0xFFFE, 0xFFFF, 0xD800]:
        made = printable(f"a{chr(c)}b")
        assert made in ("a\tb", "a\nb", "a\rb", "ab"), (hex(c), made)
    assert printable("a\x0bb") == "a\nb"
    assert printable("😀" + LONG) == "😀" + LONG


def test_readable_name_decodes_gbk_per_part_and_escapes_the_rest():
    gbk = GBK_NAME.decode("utf-8", "surrogateescape")
    assert readable_name("回收/" + gbk) == "回收/高新区-十件实事（定稿）.xlsx"
    junk = b"\xff\xfe.xlsx".decode("utf-8", "surrogateescape")
    assert readable_name(junk) == "\\xff\\xfe.xlsx"
    assert readable_name("定海.xlsx") == "定海.xlsx"
