"""Entity registry (actors, places) and span resolution; project settings.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "entities",
        sa.Column("id", sa.String(128), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("type", sa.String(64)),
        sa.Column("lat", sa.Float()),
        sa.Column("lon", sa.Float()),
        sa.Column("country", sa.String(8)),
        sa.Column("admin1", sa.String(200)),
        sa.Column("parent_id", sa.String(128)),
        sa.Column("meta", sa.JSON(), nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
    )
    op.create_index("ix_entities_kind", "entities", ["kind"])
    op.create_table(
        "entity_aliases",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("entity_id", sa.String(128), sa.ForeignKey("entities.id", ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("lang", sa.String(16)),
        sa.UniqueConstraint("entity_id", "name", name="uq_entity_aliases_entity_name"),
    )
    op.create_index("ix_entity_aliases_entity_id", "entity_aliases", ["entity_id"])
    op.create_table(
        "settings",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.JSON(), nullable=False),
    )
    with op.batch_alter_table("spans") as batch:
        batch.add_column(sa.Column("entity_id", sa.String(128)))
        batch.add_column(sa.Column("resolution", sa.String(16)))
        batch.create_index("ix_spans_entity_id", ["entity_id"])


def downgrade() -> None:
    with op.batch_alter_table("spans") as batch:
        batch.drop_index("ix_spans_entity_id")
        batch.drop_column("resolution")
        batch.drop_column("entity_id")
    op.drop_table("settings")
    op.drop_table("entity_aliases")
    op.drop_table("entities")
