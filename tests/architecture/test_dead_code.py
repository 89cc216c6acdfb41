"""The dead-code gate: vulture (config in pyproject.toml [tool.vulture], with the whitelist beside this file)
finds nothing, so a function, class, attribute or constant nothing uses fails the suite instead of being
left for the next maintainer to wonder about."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_vulture_finds_nothing() -> None:
    vulture = Path(sys.executable).with_name("vulture")
    # no paths on the command line: they would replace the configured ones (tests/ holds the whitelist)
    proc = subprocess.run([str(vulture)], cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stdout + proc.stderr
