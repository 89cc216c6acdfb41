"""PostgreSQL: a pg_trgm GIN index on the folded text of each report, so a search reads only the reports
that may contain the query (the server's counterpart of SQLite's FTS5 trigram index: the same substring
semantics, serving the ``folded LIKE '%q%'`` of ``SearchRepository.candidates``).

Guarded: a server without the pg_trgm extension (not shipped, or not ours to create) still migrates —
search then scans every report's folded text — and says so: a warning now, and a line of
``annotator check`` for as long as the index is missing (``SearchRepository.index_state``).

Revision ID: 20261206_0007
Revises: 20261205_0006
Create Date: 2026-12-06
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from alembic import op

revision = "20261206_0007"
down_revision = "20261205_0006"
branch_labels = None
depends_on = None

INDEX = "ix_report_search_folded_trgm"  # = store.search_repository.TRGM_INDEX (migrations import no app code)
log = logging.getLogger("annotator.store.migrate")


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    available = bind.execute(sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")).first()
    if available is None:
        log.warning("search index not created: this PostgreSQL server has no pg_trgm extension (the "
                    "postgresql-contrib package); search scans every report until it is installed")
        return
    try:
        with bind.begin_nested():  # a refused CREATE EXTENSION rolls back only itself
            bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    except sa.exc.DBAPIError as exc:
        log.warning("search index not created: the pg_trgm extension could not be enabled (%s); search "
                    "scans every report until a database owner runs CREATE EXTENSION pg_trgm",
                    str(exc.orig).strip().splitlines()[0])
        return
    op.create_index(INDEX, "report_search", ["folded"], postgresql_using="gin",
                    postgresql_ops={"folded": "gin_trgm_ops"})


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP INDEX IF EXISTS {INDEX}")  # the extension stays: other databases' objects may use it
