"""PostgreSQL stopped mid-session (issue 17): the edit is reported as not saved (a StorageError the
shell can retry), nothing saved before is lost, and the same call succeeds once the server is back.
Runs its own throw-away server (scripts/pg-test-server), since it stops it."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from annotator.core.errors import StorageError
from annotator.core.report import Report
from annotator.services import annotate
from annotator.services.database import open_database
from annotator.services.reports import store_report

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "pg-test-server"


def _server(*args: str) -> str:
    return subprocess.run(["bash", str(SCRIPT), *args], capture_output=True, text=True, check=True, timeout=120).stdout


@pytest.fixture
def private_server() -> Iterator[tuple[str, str]]:
    proc = subprocess.run(["bash", str(SCRIPT), "start"], capture_output=True, text=True, timeout=120) \
        if shutil.which("bash") else None
    if proc is None or proc.returncode != 0:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but a private PostgreSQL server cannot be started")
        pytest.skip("no PostgreSQL server binaries here (apt-get install postgresql)")
    env = dict(line.removeprefix("export ").split("=", 1) for line in proc.stdout.splitlines())
    try:
        yield env["ANNOTATOR_TEST_PG_URL"], env["PG_TEST_DIR"]
    finally:
        _server("stop", env["PG_TEST_DIR"])


def test_an_edit_during_an_outage_is_not_saved_and_succeeds_when_the_server_is_back(private_server) -> None:  # type: ignore[no-untyped-def]
    url, folder = private_server
    ctx = open_database(url)
    try:
        report = Report.of("Fighters shelled al-Busayrah at dawn, a spokesman said on Friday.", title="r")
        store_report(ctx, report)
        first, _ = annotate.create_span(ctx, report.id, 0, 8, "actor", annotator="alice")
        _server("pause", folder)
        with pytest.raises(StorageError) as info:
            annotate.create_span(ctx, report.id, 20, 31, "place", annotator="alice")
        assert info.value.kind == "unreachable" and info.value.retry
        assert "not saved" in str(info.value) and "\n" not in str(info.value)
        _server("resume", folder)
        again, _ = annotate.create_span(ctx, report.id, 20, 31, "place", annotator="alice")  # the retry
        spans = annotate.get_set(ctx, report.id, "alice").spans
        assert [(s.id, s.start) for s in spans] == [(first.id, 0), (again.id, 20)]
    finally:
        ctx.close()
