"""The SQLite ledger: schema, migrations, transactions, merge, run journal, and its queries."""
