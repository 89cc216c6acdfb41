"""Use cases shared by the GUI and the CLI. Each edit commits before it returns."""
