"""The task decomposition table as a spreadsheet: export, the grid as shown, single cells, import."""
