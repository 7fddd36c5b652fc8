"""Vocabulary shared by every stage, with no files of its own to read: periods, measure kinds,
targets and the progress rules, the problem registry, submissions, layout, settings."""
