"""From returns and the ledger to a Consolidation: the result type, the run, figures,
ranking (晾晒), chase (催报)."""
