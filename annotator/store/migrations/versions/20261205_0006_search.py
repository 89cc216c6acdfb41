"""Corpus search and suggestions: each report's folded text (``report_search``; on SQLite an FTS5
trigram index over it, kept in step by triggers) and the suggestions annotators rejected.

Existing reports are indexed by the search service the first time it runs (folding is Python code of
``records``, which the store does not import).

Revision ID: 20261205_0006
Revises: 20261205_0005
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261205_0006"
down_revision = "20261205_0005"
branch_labels = None
depends_on = None

FTS = "report_search_fts"
SQLITE_FTS = [
    f"CREATE VIRTUAL TABLE {FTS} USING fts5(folded, content='report_search', content_rowid='id', "
    "tokenize='trigram')",
    f"CREATE TRIGGER report_search_ai AFTER INSERT ON report_search BEGIN "
    f"INSERT INTO {FTS}(rowid, folded) VALUES (new.id, new.folded); END",
    f"CREATE TRIGGER report_search_ad AFTER DELETE ON report_search BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, folded) VALUES ('delete', old.id, old.folded); END",
    f"CREATE TRIGGER report_search_au AFTER UPDATE ON report_search BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, folded) VALUES ('delete', old.id, old.folded); "
    f"INSERT INTO {FTS}(rowid, folded) VALUES (new.id, new.folded); END",
]


def upgrade() -> None:
    op.create_table(
        "report_search",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("report_id", sa.String(64), sa.ForeignKey("reports.id", ondelete="CASCADE"), nullable=False),
        sa.Column("folded", sa.Text(), nullable=False),
        sa.UniqueConstraint("report_id", name="uq_report_search_report_id"),
    )
    op.create_table(
        "suggestion_rejections",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("report_id", sa.String(64), sa.ForeignKey("reports.id", ondelete="CASCADE"), nullable=False),
        sa.Column("annotator", sa.String(64), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(64), nullable=False),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("rejected_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("report_id", "annotator", "start", "end", "label", name="uq_suggestion_rejections"),
    )
    op.create_index("ix_suggestion_rejections_report_id", "suggestion_rejections", ["report_id"])
    if op.get_bind().dialect.name == "sqlite":
        for statement in SQLITE_FTS:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("report_search_ai", "report_search_ad", "report_search_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute(f"DROP TABLE IF EXISTS {FTS}")
    op.drop_table("suggestion_rejections")
    op.drop_table("report_search")
