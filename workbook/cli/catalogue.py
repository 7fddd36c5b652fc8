"""``shishi catalogue``: check, export and import the catalogue of targets.

As in ``commands``, each command imports what it uses inside its function (start-up time)."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import click

from workbook.cli.base import CannotRun, ChineseGroup, catalogue_option


@click.group("catalogue", cls=ChineseGroup)
def catalogue_group() -> None:
    """检查、导出、导入目标任务目录。"""


@catalogue_group.command("check")
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出检查报告。")
def catalogue_check(file: Path | None, as_json: bool) -> None:
    """检查目录文件（默认：2024 年目录）。无错误退出码 0，有错误 1。"""
    from workbook.catalogue import check as lint

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
    from workbook.catalogue import model as catalogue
    from workbook.catalogue.table import export as tablefile
    from workbook.core.files import check_output

    cat = catalogue.load(cat_path)
    if output is not None:
        check_output(output, (f".{fmt}",), f"导出的任务分解表（--format {fmt}）")
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
    help="csv 或没有“目录信息”工作表的 xlsx：提供目录编号、年度和单位的目录"
    "（csv 默认：随程序提供的 2024 年目录）。",
)
@click.option(
    "--year",
    type=int,
    help="与 --base 同用，或按地区为行的表：年度（有“目录信息”的 xlsx 写在该表中）。",
)
@click.option("--version", "version", help="与 --base 同用，或按地区为行的表：版本号。")
@click.option("--id", "catalogue_id", help="按地区为行的表：目录编号（字母、数字、连字符）。")
@click.option("--bureau", help="按地区为行的表：机关全称（模板、通报、信息汇编署名用）。")
@click.option(
    "--packed",
    metavar="列名",
    help="一格写有多个单位目标（如“普陀山 5、洋山 2”）的列：拆入各单位的列。",
)
@click.option("--parent", "parent_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="上级目录（JSON）：逐行核对本级分解表没有漏行、没有弱于上级的目标、各所合计不少于本级。")  # fmt: skip
def catalogue_import(
    file: Path,
    output: Path,
    base: Path | None,
    year: int | None,
    version: str | None,
    catalogue_id: str | None,
    bureau: str | None,
    packed: str | None,
    parent_path: Path | None,
) -> None:
    """把任务分解表逐格检查后写成目录 JSON。

    可读导出格式的 .xlsx 或 .csv（指标为行、单位为列），也可读各地发布的“地区为行、指标为列”
    的表（A 列表头为“地区”，可有标题行、多块表头、进度和完成比例列）。每一步读取都在所在单元格
    给出提示；有错误时列出每个错误所在的工作表和单元格，退出码 1，不写任何文件。
    """
    from workbook.catalogue import check as lint
    from workbook.catalogue import model as catalogue
    from workbook.catalogue.table import importer as tableimport
    from workbook.core.files import atomic_write, check_output

    check_output(output, (".json",), "目录文件")
    # a csv, or an xlsx without 目录信息, takes its units and year from --base (a csv
    # without one from the bundled catalogue); an xlsx with 目录信息 refuses --base
    base_cat = catalogue.load(base) if base else None
    parent = catalogue.load(parent_path) if parent_path else None
    data, report = tableimport.import_table(
        file,
        base_cat,
        year,
        version,
        parent,
        {"catalogue_id": catalogue_id or "", "bureau": bureau or "", "packed": packed or ""},
    )
    click.echo(lint.render_text(report))
    if data is None:
        sys.exit(1)
    made = catalogue.from_dict(data)
    named = re.search(r"(?<!\d)(20\d\d)(?!\d)", output.name)
    if named and int(named.group(1)) != made.year:
        raise CannotRun(
            f"输出文件名“{output.name}”写的是 {named.group(1)} 年，而导入的目录是 {made.year} 年的"
            f"（版本 {made.version}）。如要做 {named.group(1)} 年的目录，请在表的“目录信息”中把年度"
            f"改为 {named.group(1)}（用 --base 导入时加 --year {named.group(1)}）；如确是 {made.year} 年的目录，"
            "请换一个文件名。没有写入任何文件。"
        )
    text = made.to_json()
    atomic_write(output, lambda p: p.write_text(text, encoding="utf-8"))
    click.echo(
        f"已写入目录：{output}（{made.year} 年，版本 {made.version}，"
        f"{len(made.indicators)} 项指标，{len(made.unit_ids)} 个单位）"
    )


@catalogue_group.command("derive")
@click.option(
    "--for", "unit", required=True, metavar="单位", help="上级目录中的本单位简称，如 定海。"
)
@click.option("--units", "stations_path", required=True, metavar="所.csv",
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="下属各所：每行“简称,全称”（UTF-8 或 GBK）。")  # fmt: skip
@click.option("--split", type=click.Choice(["even", "empty"]), default="even", show_default=True,
              help="even：数量类目标平均分到各所（合计等于本级目标），比率类各所同一目标；empty：各所留空。")  # fmt: skip
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="写出的本级任务分解表（.xlsx）。")  # fmt: skip
@catalogue_option
def catalogue_derive(
    unit: str, stations_path: Path, split: str, output: Path, cat_path: Path | None
) -> None:
    """从上级目录生成本单位（县区局、分局）的任务分解表：上级下达给本单位的目标成为本级目标，
    每个所一列，另有“本级”一列。填好各所目标后用 shishi catalogue import --parent 导入。"""
    from workbook.catalogue import model as catalogue
    from workbook.catalogue.derive import derive, read_stations
    from workbook.catalogue.table import export as tablefile
    from workbook.core.files import check_output

    check_output(output, (".xlsx",), "分解表")
    parent = catalogue.load(cat_path)
    cat = derive(parent, unit, read_stations(stations_path), split)
    tablefile.write_xlsx(cat, output)
    click.echo(
        f"已生成{cat.wording['bureau_name']}任务分解表：{output}\n"
        f"{len(cat.indicators)} 项指标（上级下达给{unit}的全部目标），{len(cat.unit_ids) - 1} 个所及本级。\n"
        f"请核对、填写各所目标后运行：shishi catalogue import {output} --parent "
        f"{_shown(cat_path or parent.path)} -o 目录_{unit}.json"
    )


def _shown(path: Path | None) -> str:
    """A path as a command line takes it: quoted when it holds a space."""
    text = str(path) if path else "上级目录.json"
    return f'"{text}"' if " " in text else text


@catalogue_group.command("link")
@click.argument(
    "own_path",
    metavar="本级目录.json",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
)
@click.option("--parent", "parent_path", required=True, metavar="上级目录.json",
              type=click.Path(exists=True, dir_okay=False, path_type=Path), help="上级（如省局）的目录文件。")  # fmt: skip
@click.option("--unit", required=True, metavar="单位", help="本级在上级目录中的单位简称，如 舟山。")
@click.option("--map", "map_path", required=True, metavar="对照.csv",
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="序号对照：每行“本级序号,上级序号”。")  # fmt: skip
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="写出的本级目录 JSON（注明上级和序号对照）。")  # fmt: skip
def catalogue_link(
    own_path: Path, parent_path: Path, unit: str, map_path: Path, output: Path
) -> None:
    """把本级目录与上级目录按序号对照表关联（上级编号与本级不同时，如市局对省局），逐行核对：
    上级下达的每一项都有对照、不弱于上级目标。之后用 shishi report-up 生成向上级的报送。"""
    from workbook.catalogue import model as catalogue
    from workbook.catalogue.link import link, read_map
    from workbook.core.files import atomic_write, check_output

    check_output(output, (".json",), "目录文件")
    parent = catalogue.load(parent_path)
    linked = link(catalogue.load(own_path), parent, unit, read_map(map_path))
    text = linked.to_json()
    atomic_write(output, lambda p: p.write_text(text, encoding="utf-8"))
    n = len((linked.parent or {}).get("map", {}))
    click.echo(
        f"已写入目录：{output}（对照上级 {parent.catalogue_id} {parent.version} 中的{unit}，{n} 项）"
    )
