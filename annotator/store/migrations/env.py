"""Alembic environment: runs on the connection handed over by ``store.migrate`` (batch mode so
ALTERs work on SQLite)."""

from __future__ import annotations

from alembic import context

from annotator.store import models  # noqa: F401 - registers the tables on the metadata
from annotator.store.base import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - we always pass a connection
    raise RuntimeError("annotator migrations run through annotator.store.migrate")

context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True,
                  compare_type=True)
with context.begin_transaction():
    context.run_migrations()
