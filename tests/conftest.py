"""Shared fixtures: real databases (SQLite files in temporary folders, and the PostgreSQL test
server when ``ANNOTATOR_TEST_PG_URL`` is set — required under ``CI=true``)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from annotator.services.database import open_database

from pg_databases import PG_ENV, pg_url  # noqa: E402
from pg_databases import drop_pg_database as _drop_pg_database  # noqa: E402
from pg_databases import fresh_pg_database as _fresh_pg_database  # noqa: E402

DATA = Path(__file__).parent / "data"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--steps", type=int, default=300,
                     help="steps of the model-based GUI walk (tests/gui/test_model_walk.py; default 300)")
    parser.addoption("--walk-seed", type=int, default=1, help="seed of the model-based GUI walk (default 1)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A longer model-based walk gets the time it needs (about a second per step at worst). Tests marked
    ``slow`` run first (the order is otherwise kept): handed out last, one of them kept a worker busy
    for half a minute after the other had finished."""
    steps = int(config.getoption("--steps"))
    for item in items:
        if item.name == "test_model_based_walk_through_the_window":
            item.add_marker(pytest.mark.timeout(max(300, 2 * steps)))
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database URL on each backend: storage and service tests run on both. Empty; for a test
    taking ``ctx``, a copy of a database annotator has just created (what ``ctx`` opens first)."""
    migrated = "ctx" in request.fixturenames
    if request.param == "sqlite":
        path = tmp_path / "annotator.sqlite3"
        if migrated:
            shutil.copyfile(_sqlite_template(tmp_path_factory), path)
        yield f"sqlite+pysqlite:///{path}"
        return
    if pg_url() is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but {PG_ENV} is not set: .ci/run must start the PostgreSQL test server")
        pytest.skip(f"PostgreSQL test server not running: set {PG_ENV} (scripts/pg-test-server starts one)")
    url = _fresh_pg_database(migrated=migrated)
    try:
        yield url
    finally:
        _drop_pg_database(url)


def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file ``open_database`` has just created, made once per test process (the migrations
    are most of a new context's time) for ``db_url`` to copy."""
    path = tmp_path_factory.getbasetemp() / "template.sqlite3"
    if not path.exists():
        building = path.with_name("template-building.sqlite3")
        open_database(building).close()
        assert not building.with_name(building.name + "-wal").exists()  # every page is in the file copied
        building.rename(path)
    return path


@pytest.fixture
def ctx(db_url: str):  # type: ignore[no-untyped-def]
    """An opened, migrated service context on each backend."""
    context = open_database(db_url)
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def sqlite_ctx(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A context on a real SQLite file only (GUI and format tests): a copy of a new database."""
    shutil.copyfile(_sqlite_template(tmp_path_factory), tmp_path / "annotator.sqlite3")
    context = open_database(tmp_path / "annotator.sqlite3")
    try:
        yield context
    finally:
        context.close()


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch the real user's data, settings or default database during tests."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.delenv("ANNOTATOR_DB", raising=False)
