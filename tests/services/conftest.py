"""Fixtures the service tests share."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from annotator.services.context import ServiceContext
from annotator.services.database import open_database

from workflow_helpers import staff


@pytest.fixture
def supervisor(tmp_path: Path) -> Iterator[ServiceContext]:
    """The supervisor's workstation: a SQLite file with the team (``staff``), sam acting."""
    ctx = open_database(tmp_path / "supervisor.sqlite3")
    staff(ctx)
    ctx.actor = "sam"
    try:
        yield ctx
    finally:
        ctx.close()
