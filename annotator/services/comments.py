"""Comment threads on a report, a span or a relation, written by anyone on the team; a thread's first
comment can be a *question for the supervisor*, which puts the report in the supervisor's queue until
the thread is resolved. Each call is one transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from annotator.core.comments import MAX_BODY, Comment, new_comment_id, newer
from annotator.core.errors import NotFound, PermissionDenied, UsageError, ValidationError
from annotator.core.ids import annotator_name
from annotator.services import roles
from annotator.services.context import ServiceContext
from annotator.services.reports import resolve_report_id
from annotator.services.workflow import now_iso
from annotator.store.uow import UnitOfWork


def _author(ctx: ServiceContext) -> str:
    if not ctx.actor:
        raise ValidationError("say who writes this comment (--annotator NAME, or choose who you are in this database)")
    return annotator_name(ctx.actor)


def _body(body: str) -> str:
    text = (body or "").strip()
    if not text:
        raise ValidationError("a comment needs some text")
    if len(text) > MAX_BODY:
        raise ValidationError(f"a comment holds at most {MAX_BODY:,} characters")
    return text


def add_comment(ctx: ServiceContext, report_id: str, body: str, *, span: str | None = None,
                relation: str | None = None, of: str | None = None, question: bool = False) -> Comment:
    """Start a thread on the report, or on span ``span`` / relation ``relation`` of ``of``'s set
    (default: the author's own)."""
    author = _author(ctx)
    text = _body(body)
    rid = resolve_report_id(ctx, report_id)
    if span and relation:
        raise UsageError("anchor a comment to a span or to a relation, not both")
    anchor, key, start, end, owner = "report", None, None, None, None
    with ctx.uow() as uow:
        if span or relation:
            owner = annotator_name(of or author)
            aset = uow.repo.annotation_set(rid, owner)
            spans = aset.by_id()
            if span:
                if span not in spans:
                    raise NotFound(f"span {span} is not in {owner}'s set on this report")
                anchor, key, start, end = "span", span, spans[span].start, spans[span].end
            else:
                rel = next((r for r in aset.relations if r.id == relation), None)
                if rel is None:
                    raise NotFound(f"relation {relation} is not in {owner}'s set on this report")
                head = spans[rel.head]
                anchor, key, start, end = "relation", relation, head.start, head.end
        now = now_iso()
        comment = Comment(new_comment_id(), rid, author, text, anchor, owner, key, start, end, "", bool(question),
                          now, None, None, now)
        uow.workflow.save_comment(comment)
        uow.commit()
    return comment


def reply(ctx: ServiceContext, comment_id: str, body: str) -> Comment:
    """Add a reply at the end of a thread (``comment_id``: any comment of it)."""
    author = _author(ctx)
    text = _body(body)
    with ctx.uow() as uow:
        first = _thread_start(uow, comment_id)
        now = now_iso()
        comment = first.with_(id=new_comment_id(), author=author, body=text, thread_id=first.id, question=False,
                              created_at=now, resolved_by=None, resolved_at=None, changed_at=now)
        uow.workflow.save_comment(comment)
        uow.commit()
    return comment


def resolve(ctx: ServiceContext, comment_id: str, *, resolved: bool = True) -> Comment:
    """Mark a thread resolved (or open it again): its author or a supervisor may."""
    with ctx.uow() as uow:
        first = _thread_start(uow, comment_id)
        actor = ctx.actor
        if actor is not None and actor != first.author and not roles.is_supervisor(uow, actor):
            raise PermissionDenied(f"only {first.author}, who started this thread, or a supervisor may resolve it")
        now = now_iso()
        changed = first.with_(resolved_by=roles.acting(uow) if resolved else None,
                              resolved_at=now if resolved else None, changed_at=now)
        uow.workflow.save_comment(changed)
        uow.commit()
    return changed


def merge_comments(uow: UnitOfWork, incoming: Sequence[Comment]) -> tuple[int, int]:
    """Store comments that arrive in a file or a bundle: a new id is added, a known one takes the copy
    changed last (a resolution travels). Extents must fit their report's text. Returns (added, updated)."""
    chars = {rid: uow.repo.report_chars(rid) for rid in {c.report_id for c in incoming}}
    held = uow.workflow.comments_by_id([c.id for c in incoming])
    added = updated = 0
    for c in incoming:
        if c.anchor_end is not None and c.anchor_end > chars[c.report_id]:
            raise ValidationError(f"comment {c.id} ends at {c.anchor_end}, after the end of its report's text")
        mine = held.get(c.id)
        if mine is None:
            uow.workflow.save_comment(c)
            added += 1
        elif newer(mine, c) is c and c != mine:
            uow.workflow.save_comment(c)
            updated += 1
    return added, updated


def _thread_start(uow: UnitOfWork, comment_id: str) -> Comment:
    found = uow.workflow.comment(comment_id)
    if found is None:
        raise NotFound(f"comment {comment_id} does not exist")
    first = uow.workflow.comment(found.thread) if found.is_reply else found
    if first is None:
        raise NotFound(f"the thread of comment {comment_id} has lost its first comment")
    return first


def comments(ctx: ServiceContext, report_ids: Sequence[str] = (), *, open_only: bool = False) -> list[Comment]:
    """Every comment on these reports (all reports when none named), oldest first per report;
    ``open_only``: only threads not resolved."""
    ids = [resolve_report_id(ctx, r) for r in report_ids]
    with ctx.uow() as uow:
        found = uow.workflow.comments(ids or None)
    if open_only:
        closed = {c.id for c in found if not c.is_reply and c.resolved}
        found = [c for c in found if c.thread not in closed]
    return found


@dataclass(frozen=True)
class Thread:
    first: Comment
    replies: tuple[Comment, ...]

    @property
    def id(self) -> str:
        return self.first.id


def threads(ctx: ServiceContext, report_id: str) -> list[Thread]:
    """The threads of one report, in text order (report-level threads first)."""
    found = comments(ctx, [report_id])
    firsts = [c for c in found if not c.is_reply]
    replies: dict[str, list[Comment]] = {}
    for c in found:
        if c.is_reply:
            replies.setdefault(c.thread, []).append(c)
    firsts.sort(key=lambda c: (c.anchor != "report", c.anchor_start or 0, c.created_at))
    return [Thread(c, tuple(replies.get(c.id, ()))) for c in firsts]
