"""The shishi command line: each command parses its arguments, calls the library, renders.

Each command imports the stages it uses inside its own function, for start-up time:
``shishi --help`` and each command load only what that command needs (the consolidation's
worker pool, SQLite and the renderers are never loaded by ``generate``)."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from workbook.cli.base import (
    CannotRun,
    ChineseGroup,
    catalogue_option,
    chinese_metavars,
    ledger_option,
    period_arg,
    settings_option,
)
from workbook.cli.catalogue import catalogue_group
from workbook.cli.ledger import ledger_group
from workbook.cli.levels import report_up_cmd
from workbook.cli.verify import verify_group
from workbook.core.submission import STATUS_ZH


@click.group(cls=ChineseGroup)
@click.version_option(package_name="shishi")
def main() -> None:
    """按单位分解的年度目标任务：目标目录、各单位填报模板、回收汇总。"""


main.add_command(catalogue_group)
main.add_command(ledger_group)
main.add_command(verify_group)
main.add_command(report_up_cmd)


@main.command("generate")
@click.option(
    "--period", required=True, help="期次，如 2024Q2、2024年第二季度、2024-05、2024年5月。"
)
@click.option("--unit", "units", multiple=True, help="只生成该单位（可重复）；默认全部单位。")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="输出文件夹（默认：dist/<期次>/）。",
)
@catalogue_option
@settings_option
@ledger_option("报送台账，用于上期累计（默认：设置中的 ledger_path）。")
def generate_cmd(
    period: str,
    units: tuple[str, ...],
    out_dir: Path | None,
    cat_path: Path | None,
    settings_path: Path | None,
    ledger_path: Path | None,
) -> None:
    """为每个单位生成指定期次的填报模板（含本年度此前已确认的累计数）。"""
    from workbook.app.generate import generate_period
    from workbook.catalogue import model as catalogue
    from workbook.core.settings import ledger_location, load_settings

    p = period_arg(period)
    cat = catalogue.load(cat_path)
    settings = load_settings(settings_path)
    lpath = ledger_location(settings, ledger_path)
    out = out_dir or Path("dist") / p.code
    done = generate_period(cat, p, out, units or None, settings, lpath)
    for notice in done.notices:
        click.echo(notice, err=True)
    click.echo(f"报送台账：{lpath}" + ("" if done.ledger_found else "（尚不存在，上期累计为空）"))
    for path in done.paths:
        click.echo(str(path))
    carried = (
        f"，上期累计取自台账中本年度此前已确认的数（{len(done.previous)} 个单位；"
        f"期次：{'、'.join(done.carried_periods)}）"
        if done.previous
        else ""
    )
    click.echo(f"已生成 {len(done.paths)} 个填报模板：{out}{carried}")


@main.command("consolidate")
@click.argument("returns_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--period", required=True, help="汇总的期次，如 2024Q2、2024年第二季度。")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="汇总表文件（.xlsx）。",
)
@click.option(
    "--json",
    "json_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="同时输出 JSON 报告。",
)
@click.option(
    "--csv",
    "csv_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="同时输出明细 CSV（UTF-8 带 BOM）。",
)
@click.option(
    "--bulletin",
    "bulletin_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="同时写出本期通报（Word .docx）。",
)
@click.option(
    "--digest",
    "digest_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="同时把各单位的信息报送汇编成信息汇编（Word .docx）。",
)
@click.option(
    "--feedback-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="退回修改清单的文件夹（默认：汇总表旁的 退回修改/）。",
)
@catalogue_option
@settings_option
@ledger_option("用于核对并记录的报送台账（默认：设置中的 ledger_path）。")
@click.option("--no-ledger", is_flag=True, help="不读取、不记录报送台账。")
def consolidate_cmd(
    returns_dir: Path,
    period: str,
    output: Path,
    json_path: Path | None,
    csv_path: Path | None,
    bulletin_path: Path | None,
    digest_path: Path | None,
    feedback_dir: Path | None,
    cat_path: Path | None,
    settings_path: Path | None,
    ledger_path: Path | None,
    no_ledger: bool,
) -> None:
    """把回收文件夹中各单位报送的文件汇总为指定期次的全市汇总表。"""
    from workbook.app.run import run_consolidation
    from workbook.catalogue import model as catalogue
    from workbook.core.settings import ledger_location, load_settings

    settings = load_settings(settings_path)
    from workbook.cli.progress import TerminalProgress

    shown = TerminalProgress() if TerminalProgress.wanted() else None
    try:
        outcome = run_consolidation(
            returns_dir,
            period_arg(period),
            output,
            lambda: catalogue.load(cat_path),  # loaded while the files are being read
            settings,
            json_path=json_path,
            csv_path=csv_path,
            feedback_dir=feedback_dir,
            ledger_path=None if no_ledger else ledger_location(settings, ledger_path),
            bulletin_path=bulletin_path,
            progress=shown,
            digest_path=digest_path,
        )
    finally:
        if shown is not None:
            shown.close()
    click.echo(outcome.text())


@main.command("demo")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("dist/demo"),
    show_default=True,
    help="演示文件的输出文件夹。",
)
@click.option("--period", default="2024Q2", show_default=True, help="演示的期次。")
def demo_cmd(out_dir: Path, period: str) -> None:
    """演示：生成模板、模拟各单位填报、汇总，并显示汇总表位置。"""
    from shishi_demo.run import run_demo
    from workbook.catalogue import model as catalogue

    res = run_demo(catalogue.load(), period_arg(period), out_dir)
    click.echo(f"模板：{len(res.templates)} 个，在 {res.templates[0].parent}")
    click.echo(f"回收文件夹（模拟）：{res.returns_dir}")
    click.echo(res.outcome.text())
    click.echo(f"核验清单（市局抽查，已填示例）：{res.verify_list}")


@main.command("history")
@click.option("--unit", help="只看该单位。")
@click.option("--year", type=int, help="只看该年度。")
@ledger_option("报送台账文件（默认：设置中的 ledger_path）。")
@catalogue_option
@settings_option
@click.option("--all-years", is_flag=True, help="显示所有年度（默认只显示目录所属年度）。")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出。")
@click.option(
    "--runs", "show_runs", is_flag=True, help="列出台账的各次运行及其改动（撤销用运行号）。"
)
def history_cmd(
    unit: str | None,
    year: int | None,
    ledger_path: Path | None,
    cat_path: Path | None,
    settings_path: Path | None,
    all_years: bool,
    as_json: bool,
    show_runs: bool,
) -> None:
    """显示报送台账中的报送记录和已确认数值（默认：目录所属年度）。"""
    from workbook.catalogue import model as catalogue
    from workbook.core.settings import ledger_location, load_settings
    from workbook.ledger.store import Ledger

    cat = catalogue.load(cat_path)
    lpath = ledger_location(load_settings(settings_path), ledger_path)
    if not lpath.exists():
        raise CannotRun(f"报送台账不存在：{lpath}（还没有做过汇总？）")
    if year is None and not all_years:
        year = cat.year
    if show_runs:
        with Ledger(lpath) as ledger:
            runs = ledger.runs(cat.catalogue_id)
        click.echo(f"报送台账：{lpath}", err=True)
        _print_runs(runs, as_json)
        return
    with Ledger(lpath) as ledger:
        if unit and not cat.has_unit(unit) and unit not in ledger.units():
            raise CannotRun(
                f"目录和报送台账中都没有单位“{unit}”。目录中的单位：{'、'.join(cat.unit_ids)}"
            )
        rows = ledger.rows(unit, cat.catalogue_id, year)
        years = sorted({int(r.period[:4]) for r in rows})
        values = {y: ledger.history(cat.catalogue_id, y) for y in years}
    click.echo(f"报送台账：{lpath}", err=True)
    if as_json:
        out = {
            "submissions": [r.__dict__ for r in rows],
            "values": {
                p: (vals.get(unit, {}) if unit else vals)
                for y in years
                for p, vals in values[y].items()
            },
        }
        click.echo(json.dumps(out, ensure_ascii=False, indent=2, default=str))
        return
    _print_rows(rows)
    if unit:
        _print_values(cat, unit, years, values)


def _print_runs(runs: list[Any], as_json: bool) -> None:
    """The ledger's runs: what each was, when, and what it changed."""
    from workbook.ledger.journal import KIND_ZH

    if as_json:
        click.echo(json.dumps([r.as_dict() for r in runs], ensure_ascii=False, indent=2))
        return
    click.echo("运行号\t类型\t期次\t时间\t新记录\t改变\t状态\t说明")
    for r in runs:
        state = (
            f"已由第 {r.undone_by} 次撤销"
            if r.undone_by
            else {"done": "完成"}.get(r.state, r.state)
        )
        click.echo(
            f"{r.id}\t{KIND_ZH.get(r.kind, r.kind)}\t{r.period}\t{r.started_at.replace('T', ' ')}\t"
            f"{r.added}\t{r.changed}\t{state}\t{r.note or r.folder}"
        )


def _print_rows(rows: list[Any]) -> None:
    """The ledger's submissions as a tab-separated table."""
    click.echo("期次\t单位\t文件\t文件时间\t处理\t问题数\tsha256")
    for r in rows:
        click.echo(
            f"{r.period}\t{r.unit or '（无法识别）'}\t{r.file_name}\t{r.file_time}\t"
            f"{STATUS_ZH.get(r.status, r.status)}\t{r.problems}\t{r.sha256[:12]}"
        )


def _print_values(cat: Any, unit: str, years: list[int], values: dict[int, Any]) -> None:
    """One unit's accepted values, a column per period."""
    periods = [p for y in years for p in values[y]]
    click.echo("")
    click.echo("序号\t目标名称\t" + "\t".join(periods))
    for ind in cat.indicators:
        vals = [values[int(p[:4])][p].get(unit, {}).get(ind.seq) for p in periods]
        if any(v is not None for v in vals):
            shown = [
                "" if v is None else (f"{v:g}" if isinstance(v, float) else str(v)) for v in vals
            ]
            click.echo(f"{ind.seq}\t{ind.name}\t" + "\t".join(shown))


@main.command("city-workbook")
@click.option(
    "-o",
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="存放 shishi_city.xlsm 及配套文件的文件夹。",
)
@click.option(
    "--returns-dir",
    default="回收文件",
    show_default=True,
    help="写入控制表的回收文件夹（相对路径以工作簿所在文件夹为准）。",
)
@click.option("--period", default="2024Q2", show_default=True, help="写入控制表的期次。")
@click.option("--output", default="", help="写入控制表的汇总表路径。")
@click.option("--catalogue", "cat_file", default="", metavar="目录.json",
              help="写入控制表的目录文件（县区局用本局的目录，如 目录_定海.json；空：随程序提供的）。")  # fmt: skip
@click.option("--settings", "settings_file", default="", metavar="设置.json",
              help="写入控制表的设置文件（县区局用本局的设置；空：随程序提供的）。")  # fmt: skip
def city_workbook_cmd(
    out_dir: Path, returns_dir: str, period: str, output: str, cat_file: str, settings_file: str
) -> None:
    """生成汇总用的宏工作簿（“一键汇总”按钮）和不用宏的脚本；县区局加 --catalogue、--settings。"""
    from workbook.app.citybook import build_city_workbook

    period_arg(period)
    files = build_city_workbook(
        out_dir, returns_dir, period, output, catalogue=cat_file, settings=settings_file
    )
    for p in (files.workbook, files.module, files.bat, files.sh, files.readme):
        click.echo(str(p))
    click.echo(
        "已生成宏工作簿。请在本机 Excel 中打开 shishi_city.xlsm 并点击“一键汇总”；"
        "没有宏时双击“一键汇总.bat”。"
    )


chinese_metavars(main)


def run(argv: list[str] | None = None) -> NoReturn:
    """The ``shishi`` console script and ``python -m workbook``: the command, then
    ``exit_now``. In-process callers (tests, the Excel button) call ``main`` instead."""
    try:
        main(argv)  # standalone: ends with SystemExit
        code: int | str | None = 0
    except SystemExit as exc:
        code = exc.code
    if isinstance(code, str):
        click.echo(code, err=True)
        code = 1
    exit_now(code or 0)


def exit_now(code: int) -> NoReturn:
    """End the process without the interpreter's teardown.

    When a command returns, everything it wrote is flushed, closed and in place (outputs
    staged and renamed, the ledger committed and closed, every worker process joined). What
    the teardown would still do is free the run's objects one by one — 0.16 s after
    consolidating 1,000 returns — which the operating system does at once.
    """
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe (| head)
            stream.flush()
    os._exit(code)
