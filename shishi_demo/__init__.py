"""Demo and sample data, kept out of the runtime package ``workbook``: ``run`` is what
``shishi demo`` does (generate, fill realistic returns, consolidate), ``samples`` fills
templates the way district staff would (also used by the benchmark and the tests)."""
