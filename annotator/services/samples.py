"""The bundled sample reports and their annotations by two annotators, loaded into a new database
so every feature has something to show on first launch."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from annotator.core.progress import CancelToken, ProgressFn, no_progress
from annotator.services.context import ServiceContext
from annotator.services.reports import ImportResult, import_reports

ENV_RESOURCES = "ANNOTATOR_RESOURCES"


def resources_dir() -> Path:
    """``resources/`` of the source tree, else of an installed wheel (``<prefix>/share/annotator/
    resources``, e.g. after an offline install); ``$ANNOTATOR_RESOURCES`` overrides both."""
    env = os.environ.get(ENV_RESOURCES)
    if env:
        return Path(env)
    source = Path(__file__).resolve().parents[2] / "resources"
    installed = Path(sys.prefix) / "share" / "annotator" / "resources"
    return installed if not source.is_dir() and installed.is_dir() else source


def samples_dir() -> Path:
    return resources_dir() / "samples"


def load_samples(ctx: ServiceContext, *, progress: ProgressFn = no_progress,
                 cancel: CancelToken | None = None) -> ImportResult:
    """Load the sample annotations (they carry each report's metadata: title, publication date),
    then import the sample files, which are then the same reports (idempotent)."""
    folder = samples_dir()
    annotations = folder / "annotations.jsonl"
    if annotations.exists():
        from annotator.services.load import load_annotations  # noqa: PLC0415 (import cycle: load, database, samples)

        load_annotations(ctx, annotations, "jsonl")
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in (".txt", ".md", ".html", ".htm")
                   and p.name.lower() != "readme.md")
    return import_reports(ctx, files, progress=progress, cancel=cancel)
