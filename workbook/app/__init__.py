"""Jobs tying the stages together: one consolidation with all its outputs, templates from
the ledger, all-or-nothing staging, the run lock, the city workbook."""
