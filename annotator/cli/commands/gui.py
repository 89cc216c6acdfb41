"""``annotator gui``: the one edge from the CLI into the GUI package (listed in the import contract)."""

from __future__ import annotations

import argparse
import importlib.util

from annotator.core.errors import AnnotatorError


def run(args: argparse.Namespace) -> int:
    if importlib.util.find_spec("PySide6") is None:  # a headless install: the command line works without Qt
        raise AnnotatorError("the desktop application needs the optional extra 'gui' (pip install "
                             "'annotator[gui]'); every other command works without it")
    from annotator.gui.app import run as run_gui  # noqa: PLC0415 (PySide6 may be absent: checked first)

    return run_gui(args)
