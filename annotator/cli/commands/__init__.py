"""One module per subcommand group; each exposes ``run(args) -> int``."""
