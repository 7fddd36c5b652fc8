"""A Consolidation rendered to files: tallies (no format), summary, lists, feedback, JSON and
CSV, the 通报 and its charts."""
