"""Events (typed counts and qualifiers), the spans they name, and incidents across reports.

Revision ID: 20261205_0004
Revises: 0003
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261205_0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "incidents",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
    )
    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("set_id", sa.Integer(), sa.ForeignKey("annotation_sets.id", ondelete="CASCADE"), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("type", sa.String(64), nullable=False),
        *(sa.Column(q, sa.Boolean(), nullable=False) for q in ("negated", "hypothetical", "future", "historical")),
        *(sa.Column(f"{kind}_{part}", sa.Integer()) for kind in ("fatalities", "injured", "arrested")
          for part in ("best", "low", "high")),
        sa.Column("attrs", sa.JSON(), nullable=False),
        sa.Column("incident_id", sa.String(64), sa.ForeignKey("incidents.id", ondelete="SET NULL")),
        sa.UniqueConstraint("set_id", "key", name="uq_events_set_key"),
    )
    op.create_index("ix_events_set_id", "events", ["set_id"])
    op.create_index("ix_events_incident_id", "events", ["incident_id"])
    op.create_table(
        "event_arguments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("event_id", sa.Integer(), sa.ForeignKey("events.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("role", sa.String(64)),
        sa.Column("span_key", sa.String(64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
    )
    op.create_index("ix_event_arguments_event_id", "event_arguments", ["event_id"])


def downgrade() -> None:
    op.drop_table("event_arguments")
    op.drop_table("events")
    op.drop_table("incidents")
