"""The shishi command line: each command parses its arguments, calls the library, renders."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from workbook import clizh
from workbook.errors import ShishiError
from workbook.period import Period, parse_period

F = TypeVar("F", bound=Callable[..., Any])
clizh.install()


class CannotRun(click.ClickException):
    """The command could not run as asked (exit code 2), said in one Chinese sentence."""

    exit_code = 2


def _os_message(exc: OSError) -> str:
    where = f"“{exc.filename}”" if exc.filename else ""
    if isinstance(exc, PermissionError):
        why = "没有权限（文件夹只读，或文件正在 Excel/WPS 中打开）"
    elif isinstance(exc, IsADirectoryError):
        why = "这是一个文件夹，请给出文件名"
    elif isinstance(exc, NotADirectoryError):
        why = "路径中有一段是文件而不是文件夹"
    elif isinstance(exc, FileNotFoundError):
        why = "找不到该文件或文件夹"
    elif exc.errno == 28:
        why = "磁盘已满"
    else:
        why = exc.strerror or str(exc)
    return f"无法读写{where}：{why}。请检查路径后重试。"


def _unexpected(exc: BaseException) -> str:
    """One Chinese line for an error nobody foresaw; the traceback goes to a log file."""
    import traceback

    from workbook.settings import user_data_dir

    log = user_data_dir() / "shishi-errors.log"
    try:
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("a", encoding="utf-8") as f:
            f.write("".join(traceback.format_exception(exc)) + "\n")
        where = f"详细信息已记入 {log}"
    except OSError:
        where = "详细信息无法记录"
    return f"发生意外错误：{type(exc).__name__}: {exc}。请把这条消息发给信息科（{where}）。"


class _Group(click.Group):
    """Turns every error into one readable Chinese line (exit 2), never a stack trace."""

    def invoke(self, ctx: click.Context) -> object:
        import sqlite3

        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except ShishiError as exc:
            raise CannotRun(str(exc)) from exc
        except OSError as exc:
            raise CannotRun(_os_message(exc)) from exc
        except sqlite3.Error as exc:
            raise CannotRun(
                f"报送台账出错：{exc}。请检查台账文件，或用 --ledger 指定另一个。"
            ) from exc
        except KeyboardInterrupt:
            click.echo(
                "已中断（Ctrl-C）。未完成的汇总不会写入报送台账，汇总表等输出文件保持原样。",
                err=True,
            )
            ctx.exit(130)
        except Exception as exc:
            raise CannotRun(_unexpected(exc)) from exc


catalogue_option = click.option(
    "--catalogue",
    "cat_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="目录文件（JSON；默认：随程序提供的 2024 年目录）。",
)
settings_option = click.option(
    "--settings",
    "settings_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="设置文件（JSON；默认：templates/settings.json）。",
)


def ledger_option(help_text: str) -> Callable[[F], F]:
    return click.option(
        "--ledger", "ledger_path", type=click.Path(dir_okay=False, path_type=Path), help=help_text
    )


@click.group(cls=_Group)
@click.version_option(package_name="shishi")
def main() -> None:
    """十件实事：目标目录、各单位填报模板、回收汇总。"""


@main.group("catalogue", cls=_Group)
def catalogue_group() -> None:
    """检查、导出、导入目标任务目录。"""


@catalogue_group.command("check")
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出检查报告。")
def catalogue_check(file: Path | None, as_json: bool) -> None:
    """检查目录文件（默认：2024 年目录）。无错误退出码 0，有错误 1。"""
    from workbook import lint

    report = lint.check_file(file)
    if as_json:
        out = {
            "valid": report.valid,
            "errors": len(report.errors),
            "warnings": len(report.warnings),
            "problems": [p.as_dict() for p in report.problems],
        }
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
    else:
        click.echo(lint.render_text(report))
    sys.exit(int(not report.valid))


@catalogue_group.command("export")
@click.option(
    "--format", "fmt", type=click.Choice(["xlsx", "csv"]), required=True, help="导出格式。"
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="输出文件（csv 不指定时输出到屏幕）。",
)
@catalogue_option
def catalogue_export(fmt: str, output: Path | None, cat_path: Path | None) -> None:
    """按任务分解表的格式导出目录。"""
    from workbook import catalogue, tablefile

    cat = catalogue.load(cat_path)
    if fmt == "csv":
        if output is None:
            sys.stdout.write(tablefile.export_csv(cat))
            return
        tablefile.write_csv(cat, output)
    else:
        if output is None:
            raise click.UsageError("xlsx 导出须用 -o 指定输出文件。")
        tablefile.write_xlsx(cat, output)
    click.echo(f"已导出：{output}")


@catalogue_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="写出的目录 JSON 文件。",
)
@click.option(
    "--base",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="csv 导入时提供目录编号、年度和单位的目录（默认：随程序提供的 2024 年目录）。",
)
@click.option("--year", type=int, help="csv 导入时的新年度（xlsx 写在“目录信息”表中）。")
@click.option("--version", "version", help="csv 导入时的新版本号。")
def catalogue_import(
    file: Path, output: Path, base: Path | None, year: int | None, version: str | None
) -> None:
    """把任务分解表（导出格式的 .xlsx 或 .csv）逐格检查后写成目录 JSON。

    有错误时列出每个错误所在的工作表和单元格，退出码 1，不写任何文件。
    """
    from workbook import catalogue, lint, tableimport
    from workbook.xlsxio import atomic_write

    base_cat = None
    if file.suffix.lower() == ".csv":
        base_cat = catalogue.load(base)
    elif base is not None:
        raise click.UsageError("--base 只用于 csv；xlsx 的单位和年度写在“目录信息”工作表中。")
    data, report = tableimport.import_table(file, base_cat, year, version)
    click.echo(lint.render_text(report))
    if data is None:
        sys.exit(1)
    text = catalogue.from_dict(data).to_json()
    atomic_write(output, lambda p: p.write_text(text, encoding="utf-8"))
    click.echo(f"已写入目录：{output}")


_ARG_NAMES = {"returns_dir": "回收文件夹", "file": "文件"}


def _chinese_metavars(cmd: click.Command) -> None:
    """Metavars in Chinese (click would print TEXT, PATH, FILE, [OPTIONS], COMMAND)."""
    cmd.options_metavar = "[选项]"
    if isinstance(cmd, click.Group):
        cmd.subcommand_metavar = "命令 [参数]..."
        for sub in cmd.commands.values():
            _chinese_metavars(sub)
    for param in cmd.params:
        if param.metavar is not None or getattr(param, "is_flag", False):
            continue
        t = param.type
        if isinstance(param, click.Argument):
            param.metavar = _ARG_NAMES.get(param.name or "", "参数")
        elif isinstance(t, click.Path):
            param.metavar = "文件夹" if not t.file_okay else "文件" if not t.dir_okay else "路径"
        elif isinstance(t, click.Choice):
            continue  # [xlsx|csv] shows the choices themselves
        elif t is click.INT:
            param.metavar = "整数"
        else:
            param.metavar = "文字"


def _period(value: str) -> Period:
    try:
        return parse_period(value)
    except ShishiError as exc:
        raise click.BadParameter(str(exc)) from exc


def _ledger_path(settings: dict[str, Any], override: Path | None) -> Path:
    """The ledger every command shares (``settings.ledger_location``)."""
    from workbook.settings import ledger_location

    return ledger_location(settings, override)


@main.command("generate")
@click.option("--period", required=True, help="期次：2024Q2、2024-Q2 或 2024-05。")
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
    from workbook import catalogue, template
    from workbook.consolidate import check_period_year
    from workbook.ledger import Ledger
    from workbook.settings import load_settings

    p = _period(period)
    cat = catalogue.load(cat_path)
    check_period_year(cat, p)
    settings = load_settings(settings_path)
    previous: dict[str, dict[int, tuple[str, float | str]]] = {}
    bases: dict[str, dict[int, float]] = {}
    lpath = _ledger_path(settings, ledger_path)
    if lpath.exists():
        with Ledger(lpath) as ledger:
            previous = ledger.latest_before(cat.catalogue_id, p)
            bases = ledger.bases(cat.catalogue_id, p.year, before=p)
        click.echo(f"报送台账：{lpath}")
    else:
        click.echo(f"报送台账：{lpath}（尚不存在，上期累计为空）")
    out = out_dir or Path("dist") / p.code
    paths = template.generate(cat, p, out, units or None, settings, previous, bases=bases)
    for path in paths:
        click.echo(str(path))
    periods = sorted({code for vals in previous.values() for code, _ in vals.values()})
    carried = (
        f"，上期累计取自台账中本年度此前已确认的数（{len(previous)} 个单位；"
        f"期次：{'、'.join(periods)}）"
        if previous
        else ""
    )
    click.echo(f"已生成 {len(paths)} 个填报模板：{out}{carried}")


@main.command("consolidate")
@click.argument("returns_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--period", required=True, help="汇总的期次，如 2024Q2。")
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
    feedback_dir: Path | None,
    cat_path: Path | None,
    settings_path: Path | None,
    ledger_path: Path | None,
    no_ledger: bool,
) -> None:
    """把回收文件夹中各单位报送的文件汇总为指定期次的全市汇总表。"""
    from workbook import catalogue
    from workbook.run import run_consolidation
    from workbook.settings import load_settings

    settings = load_settings(settings_path)
    from workbook.progress import TerminalProgress

    shown = TerminalProgress() if TerminalProgress.wanted() else None
    try:
        outcome = run_consolidation(
            returns_dir,
            _period(period),
            output,
            catalogue.load(cat_path),
            settings,
            json_path=json_path,
            csv_path=csv_path,
            feedback_dir=feedback_dir,
            ledger_path=None if no_ledger else _ledger_path(settings, ledger_path),
            bulletin_path=bulletin_path,
            progress=shown,
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
    from workbook import catalogue
    from workbook.demo import run_demo

    res = run_demo(catalogue.load(), _period(period), out_dir)
    click.echo(f"模板：{len(res.templates)} 个，在 {res.templates[0].parent}")
    click.echo(f"回收文件夹（模拟）：{res.returns_dir}")
    click.echo(res.outcome.text())


@main.command("history")
@click.option("--unit", help="只看该单位。")
@click.option("--year", type=int, help="只看该年度。")
@ledger_option("报送台账文件（默认：设置中的 ledger_path）。")
@catalogue_option
@settings_option
@click.option("--all-years", is_flag=True, help="显示所有年度（默认只显示目录所属年度）。")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出。")
def history_cmd(
    unit: str | None,
    year: int | None,
    ledger_path: Path | None,
    cat_path: Path | None,
    settings_path: Path | None,
    all_years: bool,
    as_json: bool,
) -> None:
    """显示报送台账中的报送记录和已确认数值（默认：目录所属年度）。"""
    from workbook import catalogue
    from workbook.ledger import Ledger
    from workbook.settings import load_settings

    cat = catalogue.load(cat_path)
    lpath = _ledger_path(load_settings(settings_path), ledger_path)
    if not lpath.exists():
        raise CannotRun(f"报送台账不存在：{lpath}（还没有做过汇总？）")
    if year is None and not all_years:
        year = cat.year
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
    status_zh = {
        "accepted": "采用",
        "rejected": "退回",
        "superseded": "已被替代",
        "skipped": "跳过",
    }
    click.echo("期次\t单位\t文件\t文件时间\t处理\t问题数\tsha256")
    for r in rows:
        click.echo(
            f"{r.period}\t{r.unit or '（无法识别）'}\t{r.file_name}\t{r.file_time}\t"
            f"{status_zh.get(r.status, r.status)}\t{r.problems}\t{r.sha256[:12]}"
        )
    if unit:
        periods = [p for y in years for p in values[y]]
        click.echo("")
        click.echo("序号\t目标名称\t" + "\t".join(periods))
        for ind in cat.indicators:
            vals = [values[int(p[:4])][p].get(unit, {}).get(ind.seq) for p in periods]
            if any(v is not None for v in vals):
                shown = [
                    "" if v is None else (f"{v:g}" if isinstance(v, float) else str(v))
                    for v in vals
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
def city_workbook_cmd(out_dir: Path, returns_dir: str, period: str, output: str) -> None:
    """生成市局的宏工作簿（“一键汇总”按钮）和不用宏的脚本。"""
    from workbook.citybook import build_city_workbook

    _period(period)
    files = build_city_workbook(out_dir, returns_dir, period, output)
    for p in (files.workbook, files.module, files.bat, files.sh, files.readme):
        click.echo(str(p))
    click.echo(
        "已生成宏工作簿。请在本机 Excel 中打开 shishi_city.xlsm 并点击“一键汇总”；"
        "没有宏时双击“一键汇总.bat”。"
    )


_chinese_metavars(main)
