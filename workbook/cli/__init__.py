"""The ``shishi`` command: commands, catalogue commands, plumbing, click's words in Chinese,
the progress line."""
