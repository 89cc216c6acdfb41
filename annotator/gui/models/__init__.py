"""Qt item models and the open document's span state; adapters over service results, keyed by id."""
