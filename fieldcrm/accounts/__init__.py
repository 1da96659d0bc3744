"""Account records and the French-proof file readers (pure core)."""
