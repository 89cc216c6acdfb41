"""Roles, assignment statuses (with their log) and comments, in core types. Never commits."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from annotator.core.comments import Comment
from annotator.core.workflow import Status
from annotator.store.models import (
    AnnotationSetRow,
    AnnotatorRow,
    AssignmentRow,
    CommentRow,
    ReportRow,
    SpanRow,
    StatusChangeRow,
    utcnow,
)

BATCH = 500


def iso(at: datetime | None) -> str:
    """A stored time as ISO 8601 UTC (SQLite gives naive datetimes back: they are UTC)."""
    if at is None:
        return ""
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(UTC).isoformat()


def parse_iso(text: str | None) -> datetime:
    if not text:
        return utcnow()
    at = datetime.fromisoformat(text)
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def _chunks(items: Sequence[str]) -> Iterable[Sequence[str]]:
    for i in range(0, len(items), BATCH):
        yield items[i:i + BATCH]


class WorkflowRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # -- roles -------------------------------------------------------------------------------------------
    def has_supervisor(self) -> bool:
        return self.session.scalar(select(func.count()).select_from(AnnotatorRow)
                                   .where(AnnotatorRow.role == "supervisor")) != 0

    def role_of(self, name: str) -> str | None:
        return self.session.scalar(select(AnnotatorRow.role).where(AnnotatorRow.name == name))

    def people(self) -> list[tuple[str, str, str | None]]:
        """(name, role, login) of everyone, by name."""
        return [(n, r, lbl) for n, r, lbl in self.session.execute(
            select(AnnotatorRow.name, AnnotatorRow.role, AnnotatorRow.login).order_by(AnnotatorRow.name))]

    def name_of_login(self, login: str) -> str | None:
        return self.session.scalar(select(AnnotatorRow.name).where(AnnotatorRow.login == login))

    # -- statuses -----------------------------------------------------------------------------------------
    def _status(self, row: AssignmentRow, name: str) -> Status:
        return Status(row.report_id, name, row.status, row.reason, row.rev, row.decision_rev, row.changed_by,
                      bool(row.by_supervisor), iso(row.changed_at))

    def status_row(self, report_id: str, annotator_id: int, *, lock: bool = False) -> AssignmentRow | None:
        """The status row, locked until the transaction ends with ``lock``. On a team server row-level
        security leaves out of a ``FOR UPDATE`` the rows this login may not update: such a row is read
        unlocked, so the workflow's rules refuse the change in their own sentence (the login could not
        write it anyway), where "no row" made an accepted set look unassigned and the update a bug."""
        q = select(AssignmentRow).where(AssignmentRow.report_id == report_id,
                                        AssignmentRow.annotator_id == annotator_id)
        if not lock:
            return self.session.scalar(q)
        return self.session.scalar(q.with_for_update()) or self.session.scalar(q)

    def status_of(self, report_id: str, annotator_id: int) -> str | None:
        return self.session.scalar(select(AssignmentRow.status).where(AssignmentRow.report_id == report_id,
                                                                      AssignmentRow.annotator_id == annotator_id))

    def statuses(self, report_ids: Sequence[str] | None = None, annotator: str | None = None) -> list[Status]:
        """Every status row in scope, by report then annotator."""
        q = (select(AssignmentRow, AnnotatorRow.name).join(AnnotatorRow, AnnotatorRow.id == AssignmentRow.annotator_id)
             .order_by(AssignmentRow.report_id, AnnotatorRow.name))
        if annotator is not None:
            q = q.where(AnnotatorRow.name == annotator)
        if report_ids is None:
            return [self._status(row, name) for row, name in self.session.execute(q)]
        out: list[Status] = []
        for chunk in _chunks(list(report_ids)):
            out += [self._status(row, name) for row, name in
                    self.session.execute(q.where(AssignmentRow.report_id.in_(chunk)))]
        return sorted(out, key=lambda s: (s.report_id, s.annotator))

    def put_status(self, report_id: str, annotator_id: int, status: Status) -> None:
        """Create or overwrite the row with ``status`` (its rev, decision rev, author and time)."""
        row = self.status_row(report_id, annotator_id)
        values: dict[str, Any] = dict(status=status.status, reason=status.reason, rev=status.rev,
                                      decision_rev=status.decision_rev, changed_by=status.changed_by,
                                      by_supervisor=status.by_supervisor, changed_at=parse_iso(status.changed_at))
        if row is None:
            self.session.add(AssignmentRow(report_id=report_id, annotator_id=annotator_id, **values))
        else:
            for key, value in values.items():
                setattr(row, key, value)
        self.session.flush()

    def start_many(self, report_ids: Sequence[str], annotator: str, annotator_id: int, *, by: str,
                   decision: bool) -> None:
        """Mark ``annotator`` in progress on reports where they have no status yet, logged (a bulk
        curation starting on many reports at once)."""
        held = {s.report_id for s in self.statuses(report_ids, annotator)}
        fresh = [rid for rid in report_ids if rid not in held]
        now = utcnow()
        for i in range(0, len(fresh), BATCH):
            chunk = fresh[i:i + BATCH]
            self.session.execute(insert(AssignmentRow.__table__), [
                {"report_id": rid, "annotator_id": annotator_id, "status": "in_progress", "reason": None, "rev": 1,
                 "decision_rev": 1 if decision else 0, "changed_by": by, "by_supervisor": decision,
                 "changed_at": now} for rid in chunk])
            self.session.execute(insert(StatusChangeRow.__table__), [
                {"report_id": rid, "annotator": annotator, "before": None, "after": "in_progress", "reason": None,
                 "by": by, "at": now, "origin": None} for rid in chunk])

    def remove_status(self, report_id: str, annotator_id: int) -> None:
        self.session.execute(delete(AssignmentRow).where(AssignmentRow.report_id == report_id,
                                                         AssignmentRow.annotator_id == annotator_id))

    def span_count(self, report_id: str, annotator_id: int) -> int:
        return self.session.scalar(select(func.count(SpanRow.id)).join(AnnotationSetRow,
                                                                        AnnotationSetRow.id == SpanRow.set_id)
                                   .where(AnnotationSetRow.report_id == report_id,
                                          AnnotationSetRow.annotator_id == annotator_id)) or 0

    def log_change(self, report_id: str, annotator: str, before: str | None, after: str | None, *,
                   by: str, reason: str | None = None, origin: str | None = None, at: str | None = None) -> None:
        self.session.add(StatusChangeRow(report_id=report_id, annotator=annotator, before=before, after=after,
                                         reason=reason, by=by, at=parse_iso(at), origin=origin))
        self.session.flush()

    def changes(self, report_id: str) -> list[dict[str, Any]]:
        """The status log of one report, in the order it was written here (a bundle's moves when imported)."""
        rows = self.session.scalars(select(StatusChangeRow).where(StatusChangeRow.report_id == report_id)
                                    .order_by(StatusChangeRow.id))
        return [{"annotator": r.annotator, "before": r.before, "after": r.after, "reason": r.reason, "by": r.by,
                 "at": iso(r.at), "origin": r.origin} for r in rows]

    def report_titles(self, report_ids: Sequence[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        for chunk in _chunks(list(report_ids)):
            out.update((rid, title) for rid, title in self.session.execute(
                select(ReportRow.id, ReportRow.title).where(ReportRow.id.in_(chunk))))
        return out

    # -- comments ----------------------------------------------------------------------------------------
    @staticmethod
    def _comment(row: CommentRow) -> Comment:
        return Comment(row.id, row.report_id, row.author, row.body, row.anchor, row.anchor_set, row.anchor_key,
                       row.anchor_start, row.anchor_end, "" if row.thread_id == row.id else row.thread_id,
                       bool(row.question), iso(row.created_at), row.resolved_by,
                       iso(row.resolved_at) if row.resolved_at else None, iso(row.changed_at))

    def comment(self, comment_id: str) -> Comment | None:
        row = self.session.get(CommentRow, comment_id)
        return self._comment(row) if row is not None else None

    def comments(self, report_ids: Sequence[str] | None = None) -> list[Comment]:
        q = select(CommentRow).order_by(CommentRow.report_id, CommentRow.created_at, CommentRow.id)
        if report_ids is None:
            return [self._comment(r) for r in self.session.scalars(q)]
        out: list[Comment] = []
        for chunk in _chunks(list(report_ids)):
            out += [self._comment(r) for r in self.session.scalars(q.where(CommentRow.report_id.in_(chunk)))]
        return out

    def comments_by_id(self, ids: Sequence[str]) -> dict[str, Comment]:
        out: dict[str, Comment] = {}
        for chunk in _chunks(list(ids)):
            out.update((r.id, self._comment(r)) for r in self.session.scalars(
                select(CommentRow).where(CommentRow.id.in_(chunk))))
        return out

    def save_comment(self, c: Comment) -> None:
        """Insert or overwrite one comment (every field as given)."""
        values = dict(report_id=c.report_id, thread_id=c.thread, anchor=c.anchor, anchor_set=c.anchor_set,
                      anchor_key=c.anchor_key, anchor_start=c.anchor_start, anchor_end=c.anchor_end,
                      author=c.author, body=c.body, question=c.question, created_at=parse_iso(c.created_at),
                      resolved_by=c.resolved_by, resolved_at=parse_iso(c.resolved_at) if c.resolved_at else None,
                      changed_at=parse_iso(c.changed_at or c.created_at))
        row = self.session.get(CommentRow, c.id)
        if row is None:
            self.session.add(CommentRow(id=c.id, **values))
        else:
            self.session.execute(update(CommentRow).where(CommentRow.id == c.id).values(**values))
        self.session.flush()

    def open_questions(self) -> dict[str, int]:
        """Report id → open questions for the supervisor on it."""
        rows = self.session.execute(select(CommentRow.report_id, func.count()).where(
            CommentRow.question.is_(True), CommentRow.resolved_by.is_(None), CommentRow.thread_id == CommentRow.id)
            .group_by(CommentRow.report_id))
        return {rid: n for rid, n in rows}
