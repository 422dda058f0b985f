"""Layer 7: what councils decide after the verdicts (initiative ledger, quotas, cluster ranking)."""
