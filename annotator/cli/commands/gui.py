"""``annotator gui``: the one edge from the CLI into the GUI package (listed in the import contract)."""

from __future__ import annotations

import argparse


def run(args: argparse.Namespace) -> int:
    from annotator.gui.app import run as run_gui

    return run_gui(args)
