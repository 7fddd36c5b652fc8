"""信息报送 typed in LibreOffice, checked at its cells, compiled into the 信息汇编 by action and
unit, and the 信息汇编 printed through LibreOffice and read back as a reader sees it."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from conftest import needs_soffice
from lo_helpers import lo_convert, lo_run
from print_check import report
from yearkit import Office, full_values, typed_cells

from workbook.catalogue import model as catalogue
from workbook.core.items import INFO_SHEET, INFO_TEXT_LIMIT
from workbook.outputs.officialdoc import OfficialDoc, em_width, title_lines

CAT = catalogue.load()
LONG = ("普陀区局经验做法全文" * 200)[: INFO_TEXT_LIMIT + 100]  # pasted past the limit


def test_titles_break_where_a_phrase_ends_and_every_line_fits():
    width = OfficialDoc.TEXT_WIDTH_PT / 22
    cases = {
        "关于2024年第二季度助企惠民“十件实事”推进情况的通报": ["关于2024年第二季度", "助企惠民“十件实事”推进情况的通报"],
        "2024年第二季度助企惠民“十件实事”信息汇编": ["2024年第二季度", "助企惠民“十件实事”信息汇编"],
        "2024年第二季度定海区市场监督管理局助企惠民“十件实事”推进情况的通报": [
            "2024年第二季度定海区市场监督管理局", "助企惠民“十件实事”推进情况的通报"],
        "短标题": ["短标题"],
    }  # fmt: skip
    for text, lines in cases.items():
        assert title_lines(text, width) == lines
    long = "关于" + "很长的事项" * 12 + "的通报"
    lines = title_lines(long, width)
    assert "".join(lines) == long and len(lines) == 4
    assert all(em_width(x) <= width for x in lines) and min(len(x) for x in lines) >= 3


def _info(rows: list[tuple[str, str, str, str]]) -> dict:
    """Rows typed from A4: 类别, 序号或实事, 标题, 内容 (内容 as text: a paste)."""
    typed, text = {}, {}
    for i, (kind, about, title, body) in enumerate(rows, start=4):
        typed |= {f"A{i}": kind, f"B{i}": about, f"C{i}": title}
        text[f"D{i}"] = body
    return {"sheet": INFO_SHEET, "type": typed, "text": text}


@pytest.fixture(scope="module")
def digest(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("digest")
    office = Office(tmp)
    tpls = office.generate("2024Q2", ("定海", "普陀"))
    entries = {
        "定海": [
            ("工作亮点", "56", "示范食堂“一校一档”", "定海区局对辖区中小学食堂逐校建档。"),
            ("问题建议", "质量提升", "小微企业认证成本高", "建议统筹认证机构让利。"),
        ],
        "普陀": [
            ("经验做法", "42", "守合同重信用一对一辅导", LONG),
            ("建议", "", "类别写错的一条", "仍应收录。"),
        ],
    }
    jobs = [
        {"src": tpl, "dst": office.returns_dir("2024Q2") / f"{unit}.xlsx", "sheet": "填报表",
         "type": typed_cells(CAT, unit, full_values(CAT, unit, 5)), "edits": [_info(entries[unit])]}
        for unit, tpl in tpls.items()
    ]  # fmt: skip
    lo_run(jobs, tmp)
    out = office.consolidate("2024Q2", digest_path=tmp / "信息汇编.docx")
    return tmp, out


@needs_soffice
@pytest.mark.libreoffice
def test_entries_are_checked_at_their_cells_and_kept_whole(digest):
    _tmp, out = digest
    got = {(p.unit, p.code, f"{p.sheet}!{p.cell}") for p in out.result.problems}
    assert ("普陀", "info.too_long", f"{INFO_SHEET}!D4") in got
    assert ("普陀", "info.kind", f"{INFO_SHEET}!A5") in got
    assert not [p for p in out.result.problems if p.unit == "定海" and p.code.startswith("info.")]
    kept = out.result.accepted["普陀"].info
    assert [e["text"] for e in kept][0] == LONG and kept[1]["kind"] == "工作亮点"


@needs_soffice
@pytest.mark.libreoffice
def test_the_digest_prints_by_action_and_unit_with_its_title_and_signature(digest):
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils not installed")
    tmp, out = digest
    pdf = lo_convert(out.digest, tmp / "pdf", "pdf", tmp)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout  # fmt: skip
    lines = [re.sub(r"\s+", "", x) for x in text.splitlines() if x.strip()]
    assert lines[:2] == ["2024年第二季度", "助企惠民“十件实事”信息汇编"]
    heads = [x for x in lines if re.match(r"^[一二三四五六七八九十]+、", x)]
    assert heads == [
        "一、质量提升强企行动",
        "二、信用赋能助企行动",
        "三、食品安全利民行动",
        "四、其他",
    ]
    flat = re.sub(r"—\d+—", "", re.sub(r"\s+", "", text))  # without the page numbers
    assert "（一）定海区市场监督管理局：小微企业认证成本高（问题建议）" in flat
    assert "（一）普陀区市场监督管理局：守合同重信用一对一辅导（经验做法）" in flat
    assert LONG in flat  # the whole of the pasted text, past the limit
    pages = report(out.digest)
    assert all(p.median_height >= 6 and not p.overlaps() for p in pages)
    last = re.sub(r"\s+", "", pages[-1].text)
    # the issuer and the date on the page of the last entry, never alone on a page
    assert "仍应收录。" in last and "舟山市市场监督管理局办公室" in last and "年" in last
