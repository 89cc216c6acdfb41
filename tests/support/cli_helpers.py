"""Helpers shared by test modules (on sys.path through pytest's ``pythonpath``)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def cli(*args: str, db: Path | None = None, check: bool = False) -> subprocess.CompletedProcess[str]:
    env = {**os.environ}
    if db is not None:
        env["ANNOTATOR_DB"] = str(db)
    proc = subprocess.run([sys.executable, "-m", "annotator", *args], capture_output=True, text=True,
                          env=env, timeout=120)
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc
