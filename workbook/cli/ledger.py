"""``shishi ledger``: the office takes a decision back (withdraw, restore, undo-run) or
confirms a misnamed file (accept).

As in ``commands``, each command imports what it uses inside its function (start-up time)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from workbook.cli.base import catalogue_option, ledger_option, period_arg, settings_option

LEDGER_HELP = "报送台账文件（默认：设置中的 ledger_path）。"


@click.group("ledger")
def ledger_group() -> None:
    """报送台账：作废、恢复或确认某份报送，撤销某次运行；备份、恢复备份和检查。"""


def _file_command(name: str, verb: str, help_text: str) -> None:
    """``shishi ledger withdraw``, ``restore`` and ``accept``: the same arguments, one
    operation each."""

    @ledger_group.command(name, help=help_text)
    @click.argument("which", metavar="文件或SHA256")
    @click.option("--period", required=True, help="期次，如 2024Q2、2024年第二季度。")
    @click.option("--reason", default="", help=f"{verb}的原因（记入台账）。")
    @ledger_option(LEDGER_HELP)
    @catalogue_option
    @settings_option
    def command(
        which: str,
        period: str,
        reason: str,
        ledger_path: Path | None,
        cat_path: Path | None,
        settings_path: Path | None,
    ) -> None:
        from workbook.app import ledgerops

        cat, settings, lpath = setup(cat_path, settings_path, ledger_path)
        p = period_arg(period)
        change = getattr(ledgerops, name)(lpath, settings, cat.catalogue_id, p.code, which, reason)
        click.echo(f"报送台账：{lpath}\n已{verb}。" + "\n".join(["", *ledgerops.describe(change)]))


_file_command(
    "withdraw",
    "作废",
    "作废一份已记录的报送（按文件名、路径或 sha256 前 8 位以上指明）：它不再计入，"
    "该单位改按规则采用其余文件中最新的一份。原因和时间记入台账。",
)
_file_command("restore", "恢复", "恢复一份此前作废的报送：它重新按规则参与采用。")
_file_command(
    "accept",
    "确认",
    "确认一份文件名写着别的单位、模板却是本单位的文件确属模板单位的报送（例如更正件命名有误）："
    "确认后它按通常规则参与采用，两个单位下的“文件名与模板不符”错误不再列出。",
)


@ledger_group.command("undo-run")
@click.argument("run_id", metavar="运行号", type=int)
@click.option("--reason", default="", help="撤销的原因（记入台账）。")
@ledger_option(LEDGER_HELP)
@settings_option
def undo_run_cmd(
    run_id: int, reason: str, ledger_path: Path | None, settings_path: Path | None
) -> None:
    """撤销台账中的某次运行（汇总、作废或恢复），台账回到该次运行之前的样子。
    运行号见 shishi history --runs；同一期次之后还有运行时，须从最后一次起依次撤销。"""
    from workbook.app.ledgerops import describe, undo_run
    from workbook.core.settings import ledger_location, load_settings

    settings = load_settings(settings_path)
    lpath = ledger_location(settings, ledger_path)
    change = undo_run(lpath, settings, run_id, reason)
    click.echo(
        f"报送台账：{lpath}\n已撤销第 {run_id} 次运行。" + "\n".join(["", *describe(change)])
    )


def _located(settings_path: Path | None, ledger_path: Path | None) -> tuple[Any, Path]:
    from workbook.core.settings import ledger_location, load_settings

    settings = load_settings(settings_path)
    return settings, ledger_location(settings, ledger_path)


@ledger_group.command("backups")
@ledger_option(LEDGER_HELP)
@settings_option
def backups_cmd(ledger_path: Path | None, settings_path: Path | None) -> None:
    """列出报送台账的备份（每次运行成功后自动备份）：时间、运行号、大小、包含的期次。"""
    from workbook.app.backup import backup_folder, list_backups

    settings, lpath = _located(settings_path, ledger_path)
    found = list_backups(lpath, settings)
    click.echo(f"报送台账：{lpath}\n备份文件夹：{backup_folder(lpath, settings)}")
    if not found:
        click.echo("还没有备份（每次汇总或更改台账成功后会自动备份）。")
    for b in found:
        periods = "、".join(b.periods) or "无"
        click.echo(
            f"{b.path.name}　{b.taken:%Y-%m-%d %H:%M:%S}　第 {b.run} 次运行后　"
            f"{b.size // 1024} KB　期次：{periods}"
        )


@ledger_group.command("restore-backup")
@click.argument("name", metavar="备份文件名")
@ledger_option(LEDGER_HELP)
@settings_option
def restore_backup_cmd(name: str, ledger_path: Path | None, settings_path: Path | None) -> None:
    """用一份备份替换当前报送台账（当前台账先改名保留，不会删除）。备份文件名见 shishi ledger backups。"""
    from workbook.app.ledgerops import restore_backup

    settings, lpath = _located(settings_path, ledger_path)
    aside = restore_backup(lpath, settings, name)
    click.echo(
        f"报送台账：{lpath}\n已用备份 {name} 恢复。原台账已改名保留：{aside}\n"
        "备份之后收到的报送不在恢复后的台账中：请重新汇总这些期次。"
    )


@ledger_group.command("check")
@ledger_option(LEDGER_HELP)
@settings_option
def check_cmd(ledger_path: Path | None, settings_path: Path | None) -> None:
    """检查报送台账是否完好（数据库完整性、每个单位每期只有一份采用的报送、格式版本），并指出最新的完好备份。"""
    from workbook.app.backup import check_ledger

    settings, lpath = _located(settings_path, ledger_path)
    problem, good = check_ledger(lpath, settings)
    newest = "没有完好的备份。"
    if good:
        newest = f"最新的完好备份：{good.path.name}（{good.taken:%Y-%m-%d %H:%M:%S}）"
    if not problem:
        click.echo(f"报送台账：{lpath}\n台账完好。{newest}")
        return
    hint = f"可用 shishi ledger restore-backup {good.path.name} 恢复。" if good else ""
    raise click.ClickException(f"报送台账 {lpath} 有问题：{problem}。{newest}{hint}")


@ledger_group.command("rebuild")
@click.option(
    "--archive",
    "archive",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    required=True,
    help="回收文件存档的文件夹（汇总时写在台账旁的“回收文件存档”，或设置 archive_dir 所指处）。",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="重建的报送台账（新文件，不覆盖已有文件）。",
)
@catalogue_option
@settings_option
def rebuild_cmd(
    archive: Path, output: Path, cat_path: Path | None, settings_path: Path | None
) -> None:
    """从回收文件存档重建报送台账：按存档的顺序重放每次汇总、作废、恢复、确认和撤销。"""
    from workbook.app.rebuild import rebuild
    from workbook.catalogue import model as catalogue
    from workbook.core.settings import load_settings

    cat = catalogue.load(cat_path) if cat_path else None
    done = rebuild(archive, output, load_settings(settings_path), cat)
    click.echo(f"已重建报送台账：{output}（重放 {len(done.runs)} 次运行）")
    for line in done.skipped:
        click.echo(f"  {line}")
    click.echo(
        "核验结果和由下级汇总生成的报送不在存档中，不会重建：如有，请从台账备份中核对。"
        "确认无误后，在设置中把 ledger_path 指向重建的台账。"
    )


def setup(
    cat_path: Path | None, settings_path: Path | None, ledger_path: Path | None
) -> tuple[Any, Any, Path]:
    """The catalogue, the settings and the ledger a command uses."""
    from workbook.catalogue import model as catalogue
    from workbook.core.settings import ledger_location, load_settings

    settings = load_settings(settings_path)
    return catalogue.load(cat_path), settings, ledger_location(settings, ledger_path)
