"""``shishi verify``: the city's 核验 of the items behind itemised figures: draw a sample of
the period's items per unit (``sample``), record a filled list's results (``import``).

As in ``commands``, each command imports what it uses inside its function (start-up time)."""

from __future__ import annotations

from pathlib import Path

import click

from workbook.cli.base import catalogue_option, ledger_option, period_arg, settings_option
from workbook.cli.ledger import LEDGER_HELP, setup


@click.group("verify")
def verify_group() -> None:
    """核验：从各单位本期明细台账中随机抽取明细，生成核验清单；导入填好的核验结果。"""


@verify_group.command("sample")
@click.option("--period", required=True, help="期次，如 2024Q2、2024年第二季度。")
@click.option("--per-unit", "per_unit", type=int, default=3, show_default=True,
              help="每个单位抽取的明细条数（不足时全部列入）。")  # fmt: skip
@click.option(
    "--seed", default="", help="随机数种子（不填则随机生成并写入清单）；同一种子抽取结果相同。"
)
@click.option("-o", "--output", "out", type=click.Path(path_type=Path), required=True,
              metavar="核验清单.xlsx", help="核验清单写到哪里。")  # fmt: skip
@ledger_option(LEDGER_HELP)
@catalogue_option
@settings_option
def sample_cmd(
    period: str,
    per_unit: int,
    seed: str,
    out: Path,
    ledger_path: Path | None,
    cat_path: Path | None,
    settings_path: Path | None,
) -> None:
    """按随机数种子从各单位本期已采用的明细中抽取明细，生成核验清单（双随机抽查）。"""
    from workbook.app.verify import draw_sample, new_seed

    cat, settings, lpath = setup(cat_path, settings_path, ledger_path)
    p = period_arg(period)
    drawn = draw_sample(cat, settings, lpath, p, per_unit, seed or new_seed(), out)
    s = drawn.sample
    units = len({line["unit"] for line in s["lines"]})
    click.echo(
        f"抽查编号：{s['id']}（{'新抽取' if drawn.new else '与此前同一种子的抽取相同'}）\n"
        f"随机数种子：{s['seed']}；每单位 {s['per_unit']} 条；共抽取 {len(s['lines'])} 条，涉及 {units} 个单位。\n"
        f"核验清单：{drawn.path}\n填好“核验结果”等四列后，用 shishi verify import 导入。"
    )
    if drawn.backup:
        click.echo(drawn.backup)


@verify_group.command("import")
@click.argument("path", type=click.Path(path_type=Path, exists=True, dir_okay=False),
                metavar="核验清单.xlsx")  # fmt: skip
@click.option("--period", default=None, help="期次（可选）：清单不是这一期的则不导入。")
@ledger_option(LEDGER_HELP)
@catalogue_option
@settings_option
def import_cmd(
    path: Path,
    period: str | None,
    ledger_path: Path | None,
    cat_path: Path | None,
    settings_path: Path | None,
) -> None:
    """导入填好的核验清单，核验结果记入报送台账（清单有误则整份不导入，并逐格说明）。"""
    from workbook.app.verify import import_results
    from workbook.core.period import parse_period

    cat, settings, lpath = setup(cat_path, settings_path, ledger_path)
    done = import_results(cat, settings, lpath, path, period_arg(period) if period else None)
    c = done.counts
    label = parse_period(done.sample["period"]).label
    click.echo(
        f"已导入{label}抽查编号 {done.sample['id']} 的核验结果：通过 {c['通过']} 条，不通过 {c['不通过']} 条，"
        f"待核 {c['待核']} 条，未填 {c['']} 条。\n报送台账：{lpath}\n"
        "下次汇总时，各单位的核验情况和不通过的明细会出现在汇总表、退回修改清单和通报中。"
    )
    if done.backup:
        click.echo(done.backup)
