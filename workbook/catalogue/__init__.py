"""The catalogue: its model and loading, schema checks, the semantic check, and the
decomposition table (export, import)."""
