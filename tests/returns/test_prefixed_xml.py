"""Sheet XML written with the main namespace under a prefix (``<x:c r="J4">``), as .NET's
Open XML SDK and Python's ElementTree write it: the reader's checks (formulas, protection,
number formats, far cells) hold as for the plain form. The prefixed files are written here by
a prefixing writer (xml.etree.ElementTree with registered prefixes), not by string edits."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from xlsxwriter.utility import xl_col_to_name
from yearkit import Office, full_values

from workbook.catalogue import model as catalogue
from workbook.excel.ooxml import unprefixed
from workbook.template.build import COL, FIRST_DATA_ROW

CAT = catalogue.load()
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
VALUE = f"{xl_col_to_name(COL['value'])}{FIRST_DATA_ROW + 1}"  # the first 累计完成 cell


def _prefixed_copy(src: Path, dst: Path, edit=None) -> None:
    """``src`` with every worksheet and the workbook part re-serialised with ``x:`` for the
    main namespace and ``rel:`` for relationships; ``edit(root)`` changes the reporting sheet."""
    ET.register_namespace("x", MAIN)
    ET.register_namespace("rel", RELS)
    z = zipfile.ZipFile(src)
    report = "xl/worksheets/sheet2.xml"  # 填报说明 is sheet1, 填报表 sheet2
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in z.infolist():
            data = z.read(info)
            if (
                info.filename.startswith("xl/worksheets/sheet")
                or info.filename == "xl/workbook.xml"
            ):
                root = ET.fromstring(data)
                if edit is not None and info.filename == report:
                    edit(root)
                data = ET.tostring(root, xml_declaration=True, encoding="UTF-8")
                assert b"<x:" in data
            out.writestr(info, data)
    dst.write_bytes(buf.getvalue())


def _formula(root: ET.Element) -> None:
    for c in root.iter(f"{{{MAIN}}}c"):
        if c.get("r") == VALUE:
            for child in list(c):
                c.remove(child)
            c.attrib.pop("t", None)
            ET.SubElement(c, f"{{{MAIN}}}f").text = "6*2"
            ET.SubElement(c, f"{{{MAIN}}}v").text = "12"


def _unprotect(root: ET.Element) -> None:
    for p in root.findall(f"{{{MAIN}}}sheetProtection"):
        root.remove(p)


def _far_cell(root: ET.Element) -> None:
    data = root.find(f"{{{MAIN}}}sheetData")
    row = ET.SubElement(data, f"{{{MAIN}}}row", {"r": "5000"})
    c = ET.SubElement(row, f"{{{MAIN}}}c", {"r": "A5000", "t": "inlineStr"})
    ET.SubElement(ET.SubElement(c, f"{{{MAIN}}}is"), f"{{{MAIN}}}t").text = "远处"


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (None, set()),
        (_formula, {("value.formula", VALUE)}),
        (_unprotect, {("return.unprotected", "")}),
        (_far_cell, {("return.far_cell", "A5000")}),
    ],
    ids=["as-issued", "formula-in-value", "protection-removed", "far-cell"],
)
def test_a_prefixed_sheet_is_checked_as_a_plain_one(tmp_path, edit, expected):
    office = Office(tmp_path)
    plain = office.submit("2024Q2", "定海", full_values(CAT, "定海", 5), name="plain.xlsx")
    _prefixed_copy(plain, office.returns_dir("2024Q2") / "定海_x.xlsx", edit)
    plain.unlink()
    out = office.consolidate("2024Q2").result
    got = {(p.code, p.cell or "") for p in out.problems if p.unit == "定海"}
    assert got == expected
    if edit is not _formula:  # read as the plain file: the same figures
        assert "定海" in out.accepted


def test_unprefixed_leaves_the_usual_form_alone_and_renames_prefixes():
    plain = f'<worksheet xmlns="{MAIN}" xmlns:r="{RELS}"><c r="A1"/></worksheet>'
    assert unprefixed(plain) is plain
    odd = f'<x:worksheet xmlns:x="{MAIN}" xmlns:q="{RELS}"><x:sheet q:id="rId1"/></x:worksheet>'
    assert unprefixed(odd) == (
        f'<worksheet xmlns="{MAIN}" xmlns:r="{RELS}"><sheet r:id="rId1"/></worksheet>'
    )
    both = f'<x:a xmlns="{MAIN}" xmlns:x="{MAIN}"><x:c/><c/></x:a>'
    assert unprefixed(both) == f'<a xmlns="{MAIN}"><c/><c/></a>'
