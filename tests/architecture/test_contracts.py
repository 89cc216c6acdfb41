"""The architecture is a checked contract (import-linter), and importing does nothing heavy."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_import_contracts_hold() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    proc = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "broken" not in proc.stdout.lower().split("contracts:")[-1] or "0 broken" in proc.stdout


def test_cli_help_imports_no_heavy_modules() -> None:
    code = ("import sys; from annotator.cli.main import build_parser; build_parser().format_help(); "
            "heavy = [m for m in ('sqlalchemy', 'PySide6', 'alembic', 'trafilatura', 'numpy', 'spacy', 'dateparser') "
            "if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_help_is_fast() -> None:
    best = min(_time_help() for _ in range(3))
    assert best < 1.0, f"annotator --help took {best:.2f} s"


def _time_help() -> float:
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "annotator", "--help"], capture_output=True, check=True,
                   env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    return time.perf_counter() - t


def test_no_http_client_is_imported_by_our_code() -> None:
    offenders = []
    for path in (ROOT / "annotator").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for mod in ("import requests", "import urllib.request", "import http.client", "import httpx",
                    "from urllib.request", "from http.client", "import aiohttp", "QNetworkAccessManager"):
            if mod in text:
                offenders.append(f"{path.relative_to(ROOT)}: {mod}")
    assert offenders == []
