"""One SQLite database with the bundled samples (events, incidents, grades) for the export tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from annotator.services.database import open_database
from annotator.services.samples import load_samples


@pytest.fixture(scope="module")
def samples_ctx(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    ctx = open_database(tmp_path_factory.mktemp("samples") / "annotator.sqlite3")
    load_samples(ctx)
    try:
        yield ctx
    finally:
        ctx.close()


@pytest.fixture(scope="module")
def export_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("exports")
