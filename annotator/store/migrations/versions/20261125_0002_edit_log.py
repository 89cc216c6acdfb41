"""Edit log and per-set edit counter (undo across sessions, bundles, audit).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("annotation_sets") as batch:
        batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("next_key", sa.Integer(), nullable=False, server_default="1"))
        batch.add_column(sa.Column("status", sa.String(16), nullable=False, server_default="in progress"))
    # existing sets: number new keys after the ones already used
    op.execute("UPDATE annotation_sets SET next_key = 1 + (SELECT COUNT(*) FROM spans "
               "WHERE spans.set_id = annotation_sets.id) + (SELECT COUNT(*) FROM relations "
               "WHERE relations.set_id = annotation_sets.id)")
    op.create_table(
        "edits",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("set_id", sa.Integer(), sa.ForeignKey("annotation_sets.id", ondelete="CASCADE"), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("annotator", sa.String(64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("op", sa.String(32), nullable=False),
        sa.Column("target", sa.String(64)),
        sa.Column("before", sa.JSON()),
        sa.Column("after", sa.JSON()),
    )
    op.create_index("ix_edits_set_version", "edits", ["set_id", "version"])


def downgrade() -> None:
    op.drop_table("edits")
    with op.batch_alter_table("annotation_sets") as batch:
        batch.drop_column("status")
        batch.drop_column("next_key")
        batch.drop_column("version")
