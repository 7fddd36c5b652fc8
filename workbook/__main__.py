from workbook.cli.commands import run

run()
