"""A unit's template: the workbook, its sheets and their data validations."""
