"""``python -m annotator`` runs the command line."""

from annotator.cli.main import main

raise SystemExit(main())
