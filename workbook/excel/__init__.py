"""Spreadsheet helpers of no stage: cell text, atomic writes' callers, XlsxWriter pieces,
number formats, Excel's own limits."""
