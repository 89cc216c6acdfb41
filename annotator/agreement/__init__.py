"""Inter-annotator agreement (pure functions)."""
