"""The command line: argument parsing and printing only; the work is in services."""
