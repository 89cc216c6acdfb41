"""Reports, annotators, annotation sets, spans and relations.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "reports",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("chars", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("source", sa.String(500)),
        sa.Column("published", sa.String(32)),
        sa.Column("url", sa.String(2000)),
        sa.Column("language", sa.String(16)),
        sa.Column("direction", sa.String(3), nullable=False),
        sa.Column("meta", sa.JSON(), nullable=False),
        sa.Column("origin", sa.String(2000)),
        sa.Column("imported_at", TZ, nullable=False),
    )
    op.create_table(
        "annotators",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.UniqueConstraint("name", name="uq_annotators_name"),
        sa.Column("created_at", TZ, nullable=False),
    )
    op.create_table(
        "annotation_sets",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("report_id", sa.String(64), sa.ForeignKey("reports.id", ondelete="CASCADE"), nullable=False),
        sa.Column("annotator_id", sa.Integer(), sa.ForeignKey("annotators.id"), nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.UniqueConstraint("report_id", "annotator_id", name="uq_annotation_sets_report_annotator"),
    )
    op.create_index("ix_annotation_sets_report_id", "annotation_sets", ["report_id"])
    op.create_index("ix_annotation_sets_annotator_id", "annotation_sets", ["annotator_id"])
    op.create_table(
        "spans",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("set_id", sa.Integer(), sa.ForeignKey("annotation_sets.id", ondelete="CASCADE"), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(64), nullable=False),
        sa.Column("attrs", sa.JSON(), nullable=False),
        sa.Column("value", sa.String(64)),
        sa.UniqueConstraint("set_id", "key", name="uq_spans_set_key"),
        sa.CheckConstraint('start >= 0 AND "end" > start', name=op.f("ck_spans_offsets")),
    )
    op.create_index("ix_spans_set_start", "spans", ["set_id", "start"])
    op.create_table(
        "relations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("set_id", sa.Integer(), sa.ForeignKey("annotation_sets.id", ondelete="CASCADE"), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("head_id", sa.Integer(), sa.ForeignKey("spans.id", ondelete="CASCADE"), nullable=False),
        sa.Column("tail_id", sa.Integer(), sa.ForeignKey("spans.id", ondelete="CASCADE"), nullable=False),
        sa.Column("label", sa.String(64), nullable=False),
        sa.Column("attrs", sa.JSON(), nullable=False),
        sa.UniqueConstraint("set_id", "key", name="uq_relations_set_key"),
    )
    op.create_index("ix_relations_set_id", "relations", ["set_id"])
    op.create_index("ix_relations_head_id", "relations", ["head_id"])
    op.create_index("ix_relations_tail_id", "relations", ["tail_id"])
    _text_is_immutable()


def _text_is_immutable() -> None:
    """A report's text is its identity: the database itself refuses to change it."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute("CREATE TRIGGER reports_text_immutable BEFORE UPDATE OF text, id ON reports "
                   "WHEN NEW.text IS NOT OLD.text OR NEW.id IS NOT OLD.id "
                   "BEGIN SELECT RAISE(ABORT, 'a report''s text and id never change'); END")
    else:
        op.execute("CREATE FUNCTION reports_text_immutable() RETURNS trigger AS $$ BEGIN "
                   "IF NEW.text IS DISTINCT FROM OLD.text OR NEW.id IS DISTINCT FROM OLD.id THEN "
                   "RAISE EXCEPTION 'a report''s text and id never change'; END IF; RETURN NEW; END "
                   "$$ LANGUAGE plpgsql")
        op.execute("CREATE TRIGGER reports_text_immutable BEFORE UPDATE ON reports "
                   "FOR EACH ROW EXECUTE FUNCTION reports_text_immutable()")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS reports_text_immutable")
    else:
        op.execute("DROP TRIGGER IF EXISTS reports_text_immutable ON reports")
        op.execute("DROP FUNCTION IF EXISTS reports_text_immutable()")
    for table in ("relations", "spans", "annotation_sets", "annotators", "reports"):
        op.drop_table(table)
