"""``shishi report-up``: the county's return to the parent, built from its consolidation
(and ``--check``: is the last one sent still current?).

As in ``commands``, each command imports what it uses inside its function (start-up time)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from workbook.cli.base import catalogue_option, ledger_option, period_arg, settings_option
from workbook.cli.ledger import setup


@click.command("report-up")
@click.option("--period", required=True, help="期次，如 2024Q2、2024年第二季度。")
@click.option("--parent", "parent_path", required=True, metavar="上级目录.json",
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="上级（如市局）的目录文件：按它生成上级下发给本单位的那份填报表。")  # fmt: skip
@click.option("--parent-settings", "parent_settings_path", metavar="文件",
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="上级的设置文件（填报说明中的上级联系人、截止日期；默认：随程序提供的设置）。")  # fmt: skip
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              metavar="文件夹", help="生成的报送文件放在哪里（--check 时不需要）。")  # fmt: skip
@click.option(
    "--allow-incomplete", is_flag=True, help="有所未报送时也生成（报送中注明未含哪些所）。"
)
@click.option("--no-detail", is_flag=True, help="不附“所明细”工作表。")
@click.option("--check", "check_only", is_flag=True,
              help="只核对：上次报送后所的数字有变化时列出（序号，旧 → 新）并以退出码 1 结束。")  # fmt: skip
@ledger_option("本级的报送台账（默认：设置中的 ledger_path）。")
@catalogue_option
@settings_option
def report_up_cmd(
    period: str,
    parent_path: Path,
    parent_settings_path: Path | None,
    out_dir: Path | None,
    allow_incomplete: bool,
    no_detail: bool,
    check_only: bool,
    ledger_path: Path | None,
    cat_path: Path | None,
    settings_path: Path | None,
) -> None:
    """把本级（县区局、分局）汇总的结果生成上级下发给本单位的填报表，已预填汇总数和各所明细，
    签名栏留空：核对、签名后照常报送上级。本级台账记录每次生成的版本。"""
    from workbook.app.reportup import check_sent, parent_unit, report_up
    from workbook.catalogue import model as catalogue
    from workbook.core.settings import load_settings

    cat, settings, lpath = setup(cat_path, settings_path, ledger_path)
    parent = catalogue.load(parent_path)
    p = period_arg(period)
    if check_only:
        parent_unit(cat, parent)
        last, moved, missing = check_sent(cat, lpath, p)
        if last is None:
            click.echo(f"{p.label}尚未向上报送过。")
            sys.exit(1)
        if not moved:
            click.echo(f"第{last['revision']}版（{_when(last)}）仍与本级台账一致，无需重报。")
            return
        click.echo(f"第{last['revision']}版（{_when(last)}生成）已过期：以下指标在所更正后有变化：")
        for seq, old, new in moved:
            click.echo(f"  序号 {seq}：{_show(old)} → {_show(new)}")
        click.echo("请运行 shishi report-up（不加 --check）生成新的一版，核对签名后重报。")
        sys.exit(1)
    if out_dir is None:
        raise click.UsageError("生成报送文件须用 -o 指定文件夹。")
    parent_settings = load_settings(parent_settings_path)
    sent = report_up(cat, parent, settings, parent_settings, lpath, p, out_dir,
                     allow_incomplete, not no_detail)  # fmt: skip
    click.echo(
        f"已生成第{sent.revision}版报送：{sent.path}\n"
        f"所报送 {len(sent.reported)}/{len(sent.reported) + len(sent.missing)}"
        + (f"（未含：{'、'.join(sent.missing)}）" if sent.missing else "")
        + f"；预填 {len(sent.values)} 项。请打开核对、填写工作进展和签名后报送上级。"
        + (f"\n{sent.backup}" if sent.backup else "")
    )


def _show(v: object) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return "（空）" if v in (None, "") else str(v)


def _when(sent: dict[str, Any]) -> str:
    """When a revision was built, as the office reads a time (2024-07-05 09:30)."""
    return str(sent.get("built_at", "")).replace("T", " ")[:16]
