"""The command line's plumbing: every error as one Chinese line (exit 2, never a traceback),
Chinese metavars, and the options several commands share."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from workbook.cli import zh as clizh
from workbook.core.errors import ShishiError
from workbook.core.period import Period, parse_period

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
    import traceback  # only after a crash

    from workbook.core.settings import user_data_dir  # start-up: only after a crash

    log = user_data_dir() / "shishi-errors.log"
    try:
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("a", encoding="utf-8") as f:
            f.write("".join(traceback.format_exception(exc)) + "\n")
        where = f"详细信息已记入 {log}"
    except OSError:
        where = "详细信息无法记录"
    return f"发生意外错误：{type(exc).__name__}: {exc}。请把这条消息发给信息科（{where}）。"


class ChineseGroup(click.Group):
    """Turns every error into one readable Chinese line (exit 2), never a stack trace."""

    def invoke(self, ctx: click.Context) -> object:
        import sqlite3  # not at module level: `shishi --help` and click's own errors never load it

        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except ShishiError as exc:
            raise CannotRun(str(exc)) from exc
        except BrokenPipeError:  # the reader went away (| head): nothing left to say to it
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(0)
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


_ARG_NAMES = {"returns_dir": "回收文件夹", "file": "文件"}


def chinese_metavars(cmd: click.Command) -> None:
    """Metavars in Chinese (click would print TEXT, PATH, FILE, [OPTIONS], COMMAND)."""
    cmd.options_metavar = "[选项]"
    if isinstance(cmd, click.Group):
        cmd.subcommand_metavar = "命令 [参数]..."
        for sub in cmd.commands.values():
            chinese_metavars(sub)
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


def period_arg(value: str) -> Period:
    try:
        return parse_period(value)
    except ShishiError as exc:
        raise click.BadParameter(str(exc)) from exc
