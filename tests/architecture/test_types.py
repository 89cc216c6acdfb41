"""The type gate: mypy with the project's configuration (pyproject.toml [tool.mypy]: the strict flags for
core, store, services, formats and agreement, the default checks elsewhere) finds nothing, so a new
finding fails the suite (and CI) instead of piling up."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_mypy_finds_nothing() -> None:
    mypy = Path(sys.executable).with_name("mypy")
    proc = subprocess.run([str(mypy)], cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout + proc.stderr
