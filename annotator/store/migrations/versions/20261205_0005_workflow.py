"""The supervisor's workflow: roles and server logins of annotators, assignments with their status and
its log, comment threads, curation decisions; on PostgreSQL, row-level security so an annotator's own
login can write only their own sets (docs/workflow.md).

Revision ID: 20261205_0005
Revises: 20261205_0004
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "20261205_0005"
down_revision = "20261205_0004"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)

# -- PostgreSQL: what a login may write (the table owner and superusers are not subject to it) --------------
FUNCTIONS = """
CREATE OR REPLACE FUNCTION annotator_is_supervisor() RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT EXISTS (SELECT 1 FROM annotators WHERE login = current_user AND role = 'supervisor')
$$;
CREATE OR REPLACE FUNCTION annotator_is_me(aid integer) RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT EXISTS (SELECT 1 FROM annotators WHERE id = aid AND login = current_user)
$$;
CREATE OR REPLACE FUNCTION annotator_name_is_me(who varchar) RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT EXISTS (SELECT 1 FROM annotators WHERE name = who AND login = current_user)
$$;
CREATE OR REPLACE FUNCTION annotator_may_write(rid varchar, aid integer) RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT annotator_is_supervisor() OR (annotator_is_me(aid) AND NOT EXISTS (
    SELECT 1 FROM assignments w WHERE w.report_id = rid AND w.annotator_id = aid
    AND w.status IN ('done', 'done_empty', 'accepted')))
$$;
CREATE OR REPLACE FUNCTION annotator_may_write_set(sid integer) RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT COALESCE((SELECT annotator_may_write(s.report_id, s.annotator_id) FROM annotation_sets s
                   WHERE s.id = sid), false)
$$;
"""
FUNCTION_NAMES = ("annotator_may_write_set(integer)", "annotator_may_write(varchar, integer)",
                  "annotator_name_is_me(varchar)", "annotator_is_me(integer)", "annotator_is_supervisor()")
MAY_WRITE = {  # table -> who may insert, change or delete a row (everyone may read)
    "annotation_sets": "annotator_may_write(report_id, annotator_id)",
    "spans": "annotator_may_write_set(set_id)",
    "relations": "annotator_may_write_set(set_id)",
    "edits": "annotator_may_write_set(set_id)",
    "events": "annotator_may_write_set(set_id)",
    "event_arguments": "EXISTS (SELECT 1 FROM events e WHERE e.id = event_id AND annotator_may_write_set(e.set_id))",
    "status_changes": "annotator_is_supervisor() OR annotator_name_is_me(annotator)",
    "comments": "annotator_is_supervisor() OR annotator_name_is_me(author)",
    "settings": "annotator_is_supervisor() OR key = 'default_annotator:' || current_user",
    "curation_decisions": "annotator_is_supervisor()",
}
# an annotator moves their own row only from where a supervisor left it to where an annotator may put it
ASSIGNMENT_ROWS = ("annotator_is_supervisor() OR (annotator_is_me(annotator_id) "
                   "AND status IN ('assigned', 'in_progress', 'returned'))")
ASSIGNMENT_CHECK = ("annotator_is_supervisor() OR (annotator_is_me(annotator_id) "
                    "AND status IN ('in_progress', 'done', 'done_empty'))")


def _policies() -> list[str]:
    sql: list[str] = []
    tables = {**MAY_WRITE, "assignments": None}
    for table, may in tables.items():
        rows, check = (ASSIGNMENT_ROWS, ASSIGNMENT_CHECK) if may is None else (may, may)
        sql += [f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
                f"CREATE POLICY annotator_read ON {table} FOR SELECT USING (true)",
                f"CREATE POLICY annotator_insert ON {table} FOR INSERT WITH CHECK ({check})",
                f"CREATE POLICY annotator_update ON {table} FOR UPDATE USING ({rows}) WITH CHECK ({check})",
                f"CREATE POLICY annotator_delete ON {table} FOR DELETE USING ({rows})"]
    return sql


def upgrade() -> None:
    with op.batch_alter_table("annotators") as batch:
        batch.add_column(sa.Column("role", sa.String(16), nullable=False, server_default="annotator"))
        batch.add_column(sa.Column("login", sa.String(63)))
    # a unique index, not a constraint: SQLite would rebuild the table, which its foreign keys forbid here
    op.create_index("uq_annotators_login", "annotators", ["login"], unique=True)
    op.create_table(
        "assignments",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("report_id", sa.String(64), sa.ForeignKey("reports.id", ondelete="CASCADE"), nullable=False),
        sa.Column("annotator_id", sa.Integer(), sa.ForeignKey("annotators.id"), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text()),
        sa.Column("rev", sa.Integer(), nullable=False),
        sa.Column("decision_rev", sa.Integer(), nullable=False),
        sa.Column("changed_by", sa.String(64), nullable=False),
        sa.Column("by_supervisor", sa.Boolean(), nullable=False),
        sa.Column("changed_at", TZ, nullable=False),
        sa.UniqueConstraint("report_id", "annotator_id", name="uq_assignments_report_annotator"),
    )
    op.create_index("ix_assignments_report_id", "assignments", ["report_id"])
    op.create_index("ix_assignments_annotator_id", "assignments", ["annotator_id"])
    op.create_table(
        "status_changes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("report_id", sa.String(64), sa.ForeignKey("reports.id", ondelete="CASCADE"), nullable=False),
        sa.Column("annotator", sa.String(64), nullable=False),
        sa.Column("before", sa.String(16)),
        sa.Column("after", sa.String(16)),
        sa.Column("reason", sa.Text()),
        sa.Column("by", sa.String(64), nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.Column("origin", sa.String(200)),
    )
    op.create_index("ix_status_changes_report_id", "status_changes", ["report_id"])
    op.create_table(
        "comments",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("report_id", sa.String(64), sa.ForeignKey("reports.id", ondelete="CASCADE"), nullable=False),
        sa.Column("thread_id", sa.String(40), nullable=False),
        sa.Column("anchor", sa.String(16), nullable=False),
        sa.Column("anchor_set", sa.String(64)),
        sa.Column("anchor_key", sa.String(64)),
        sa.Column("anchor_start", sa.Integer()),
        sa.Column("anchor_end", sa.Integer()),
        sa.Column("author", sa.String(64), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("question", sa.Boolean(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("resolved_by", sa.String(64)),
        sa.Column("resolved_at", TZ),
        sa.Column("changed_at", TZ, nullable=False),
    )
    op.create_index("ix_comments_report_id", "comments", ["report_id"])
    op.create_index("ix_comments_thread_id", "comments", ["thread_id"])
    op.create_table(
        "curation_decisions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("report_id", sa.String(64), sa.ForeignKey("reports.id", ondelete="CASCADE"), nullable=False),
        sa.Column("item", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("choice", sa.String(64), nullable=False),
        sa.Column("rule", sa.String(32)),
        sa.Column("gold_keys", sa.JSON(), nullable=False),
        sa.Column("decided_by", sa.String(64), nullable=False),
        sa.Column("decided_at", TZ, nullable=False),
        sa.UniqueConstraint("report_id", "item", name="uq_curation_decisions_report_item"),
    )
    op.create_index("ix_curation_decisions_report_id", "curation_decisions", ["report_id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(FUNCTIONS)
        for statement in _policies():
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in (*MAY_WRITE, "assignments"):
            for policy in ("annotator_read", "annotator_insert", "annotator_update", "annotator_delete"):
                op.execute(f"DROP POLICY IF EXISTS {policy} ON {table}")
            op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
    op.drop_table("curation_decisions")
    op.drop_table("comments")
    op.drop_table("status_changes")
    op.drop_table("assignments")
    if op.get_bind().dialect.name == "postgresql":
        for name in FUNCTION_NAMES:
            op.execute(f"DROP FUNCTION IF EXISTS {name}")
    op.drop_index("uq_annotators_login", "annotators")
    # plain ALTER (SQLite 3.35+ drops columns in place): a batch rebuild of a table that other tables'
    # foreign keys name is refused while foreign keys are enforced
    op.execute("ALTER TABLE annotators DROP COLUMN login")
    op.execute("ALTER TABLE annotators DROP COLUMN role")
