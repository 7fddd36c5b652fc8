from workbook.cli import run

run()
