"""The demo: generate templates, produce a realistic set of returns, consolidate.

Most units return on time; 洋山 sends nothing; 岱山 makes the mistakes people make (numbers as
full-width text, units typed after the number, a "/" in a value cell, a rate typed as a
fraction, a date in a number cell, a changed target); 普陀 sends a first version and a later
correction; 新城's file carries 六横's name (the name rule: an error at both, 新城's return
still counts, as no file of 新城's own agrees); an unrelated attachment lands in the folder.
Files are dated two days before the period's deadline, a minute apart.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from xlsxwriter.utility import xl_rowcol_to_cell

from shishi_demo.samples import (
    explain,
    fill_return,
    fill_verify_list,
    sample_items,
    sample_values,
)
from workbook.app.generate import generate_period
from workbook.app.run import Outcome, run_consolidation
from workbook.app.verify import draw_sample, import_results
from workbook.catalogue.model import Catalogue, reporting_rows
from workbook.core.files import check_folder
from workbook.core.period import Period
from workbook.core.settings import Settings, deadline, load_settings
from workbook.template.build import COL, FIRST_DATA_ROW

MISSING_UNIT = "洋山"
MISTAKES_UNIT = "岱山"
TWICE_UNIT = "普陀"
RENAMED_UNIT = "新城"


@dataclass
class DemoResult:
    templates: list[Path]
    returns_dir: Path
    outcome: Outcome
    verify_list: Path  # the 核验清单 as the office filled it

    @property
    def summary(self) -> Path:
        return self.outcome.summary


def _address(row_index: int, key: str) -> str:
    return xl_rowcol_to_cell(FIRST_DATA_ROW + row_index, COL[key])


def mistakes(
    cat: Catalogue, unit: str, values: dict[int, Any]
) -> tuple[dict[int, Any], dict[str, Any]]:
    """Turn some of ``unit``'s values into the mistakes people make; returns (values, cells)."""
    rows = reporting_rows(cat, unit)
    by_measure: dict[str, list[int]] = {}
    for i, r in enumerate(rows):
        by_measure.setdefault(r.indicator.measure, []).append(i)
    out = dict(values)
    cells: dict[str, Any] = {}
    counts = by_measure.get("count", [])
    if len(counts) >= 5:
        s0, s1, s2, s3, s4 = (rows[i].indicator.seq for i in counts[:5])
        out[s0] = "１２"  # full-width digits: normalised with a warning
        out[s1] = f"{int(float(values[s1]))}{rows[counts[1]].indicator.measure_unit}"  # unit typed
        out[s2] = "/"  # not applicable mark in a row that has a target: an error
        out[s3] = -3  # negative: an error
        out[s4] = datetime(2024, 1, 2)  # "1/2" became a date: an error
        cells[_address(counts[0], "own")] = "1"  # a locked target changed: reported
    rates = by_measure.get("rate", [])
    if rates:
        seq = rows[rates[0]].indicator.seq
        # 85 typed into a percent cell in LibreOffice (no automatic %): it shows 8500.0%
        cells[_address(rates[0], "value")] = float(values[seq])
    return out, cells


# 信息报送 of two units: what the 信息汇编 compiles
DEMO_INFO = {
    "定海": [
        {"kind": "工作亮点", "about": "56", "title": "中小学示范食堂“一校一档”全覆盖",
         "text": "定海区局联合教育部门对辖区中小学食堂逐校建档，示范食堂创建做到标准统一、过程留痕、验收公开。"},
        {"kind": "问题建议", "about": "知识产权", "title": "高价值专利培育需要更多服务资源",
         "text": "部分企业对专利导航认识不足，建议市局统筹专利代理机构开展上门服务。"},
    ],
    "普陀": [
        {"kind": "经验做法", "about": "42", "title": "守合同重信用企业申报“一对一”辅导",
         "text": "普陀区局梳理符合条件的企业名单，由专人一对一辅导申报材料，提高申报成功率。"},
    ],
}  # fmt: skip


EVIDENCE_SENT = "定海-示范食堂1-验收表.pdf"


def demo_items(
    unit: str, values: dict[int, Any], period: Period | None = None
) -> dict[int, list[dict[str, str]]]:
    """The demo's lists with their mistakes: 普陀 lists one of 定海's enterprises under
    序号42 (counted twice), 岱山 gives one code a wrong check character, 定海 names the
    佐证材料 of two 示范食堂 (序号56) and sends only the first (``EVIDENCE_SENT``)."""
    out: dict[int, list[dict[str, str]]] = {}
    n56 = values.get(56)
    if unit == "定海" and isinstance(n56, int | float) and n56 >= 2:
        out[56] = sample_items(unit, 56, int(n56), period)
        for k, name in enumerate((EVIDENCE_SENT, "定海-示范食堂2-验收表.pdf")):
            out[56][k] = out[56][k] | {"evidence": name}
    n42 = values.get(42)
    if unit == TWICE_UNIT and isinstance(n42, int | float) and n42 >= 1:
        shared = sample_items("定海", 42, 1, period)[0] | {
            "name": "示例单位42-1（定海、普陀都列了）"
        }
        out[42] = [shared] + sample_items(unit, 42, int(n42), period)[1:]
    if unit == MISTAKES_UNIT and isinstance(n42, int | float) and n42 >= 1:
        items = sample_items(unit, 42, int(n42), period)
        code = items[0]["code"]
        items[0] = items[0] | {"code": code[:17] + ("0" if code[17] != "0" else "1")}
        out[42] = items
    return out


def run_demo(
    cat: Catalogue, period: Period, out_dir: Path | str, settings: Settings | None = None
) -> DemoResult:
    """Run the whole job in ``out_dir``; returns where everything is."""
    out = check_folder(out_dir, "演示的输出文件夹")
    tdir = out / "templates" / period.code
    rdir = out / "returns" / period.code
    ledger = out / "ledger.sqlite3"
    if ledger.exists():
        ledger.unlink()  # a fresh demo: its returns are new files every time
    templates = generate_period(cat, period, tdir, settings=settings, ledger_path=ledger).paths
    settings = settings or load_settings()
    due = datetime.fromisoformat(deadline(settings, period)) - timedelta(days=2, hours=-9)
    reporting = [u for u in cat.unit_ids if reporting_rows(cat, u)]  # who got a template
    by_unit = dict(zip(reporting, templates, strict=True))
    _fill_returns(cat, period, by_unit, rdir, due.timestamp())
    (rdir / "会议通知.docx").write_bytes(b"PK\x03\x04 not really a document")
    (rdir / EVIDENCE_SENT).write_bytes(b"%PDF-1.4 demo evidence")
    sdir = out / "summary"
    summary = sdir / f"{period.code}_{cat.names['short']}汇总.xlsx"
    before = run_consolidation(rdir, period, summary, cat, settings, ledger_path=ledger)
    checked = _spot_check(cat, settings, period, ledger, out / "核验")
    outcome = run_consolidation(
        rdir,
        period,
        summary,
        cat,
        settings,
        json_path=sdir / f"{period.code}_汇总报告.json",
        csv_path=sdir / f"{period.code}_明细.csv",
        feedback_dir=sdir / "退回修改",
        ledger_path=ledger,
        bulletin_path=sdir / f"{period.code}_通报.docx",
        digest_path=sdir / f"{period.code}_信息汇编.docx",
    )
    outcome.recorded += before.recorded  # the second run only adds the 核验 to the outputs
    return DemoResult(templates, rdir, outcome, checked)


def _fill_returns(
    cat: Catalogue, period: Period, by_unit: dict[str, Path], rdir: Path, base: float
) -> None:
    """Every unit's return but 洋山's, each with its story (see the module's docstring),
    dated from ``base`` a minute apart."""
    for k, unit in enumerate(by_unit):  # the units that report (have a template)
        if unit == MISSING_UNIT:
            continue
        values = sample_values(cat, unit, period)
        rows = {r.indicator.seq: r for r in reporting_rows(cat, unit)}
        texts = {s: explain(v, rows[s]) for s, v in values.items()}
        cells: dict[str, Any] = {}
        name = f"{unit}-{period.label}{cat.names['short']}填报.xlsx"
        if unit == MISTAKES_UNIT:
            values, cells = mistakes(cat, unit, values)
        if unit == RENAMED_UNIT:
            name = "六横-十件实事(修改版)(1).xlsx"  # the name says 六横, the identity says 新城
        target = rdir / name
        if unit == TWICE_UNIT:
            first = dict(values)
            first[next(iter(first))] = 0
            early = rdir / "初稿" / f"{unit}_初稿.xlsx"
            fill_return(by_unit[unit], early, first, texts)
            os.utime(early, (base, base))
        fill_return(
            by_unit[unit],
            target,
            values,
            texts,
            cells,
            items=demo_items(unit, values, period),
            info=DEMO_INFO.get(unit),
        )
        os.utime(target, (base + 60 * (k + 1), base + 60 * (k + 1)))


def _spot_check(
    cat: Catalogue, settings: Settings, period: Period, ledger: Path, vdir: Path
) -> Path:
    """The city's 核验 of the returns just consolidated: two items drawn per unit (seed
    2024), every one passed but 定海's first, which fails; the filled list imported."""
    drawn = draw_sample(
        cat, settings, ledger, period, 2, "2024", vdir / f"{period.code}_核验清单.xlsx"
    )
    first = next(line["no"] for line in drawn.sample["lines"] if line["unit"] == "定海")
    filled = fill_verify_list(
        drawn.path,
        vdir / f"{period.code}_核验清单_已填.xlsx",
        {first: ("不通过", "现场核查：名称与营业执照不符，台账信息不实。")},
    )
    import_results(cat, settings, ledger, filled)
    return filled
