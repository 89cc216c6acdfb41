"""Comments: threads anchored to a whole report, a span or a relation of one annotator's set.

A thread is its first comment (which holds the anchor, the *question for the supervisor* flag and the
resolution) and the replies after it. Ids are random and the same on every workstation, so bundles
and files merge comments by id without duplicates; the extent of the anchored span is kept with the
comment, so its marker stays where it was written even if the span later moves or goes."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field, replace
from typing import Any

from annotator.core.errors import ValidationError

ANCHORS = ("report", "span", "relation")
MAX_BODY = 20_000


def new_comment_id() -> str:
    return f"C-{secrets.token_hex(8)}"


@dataclass(frozen=True)
class Comment:
    id: str
    report_id: str
    author: str
    body: str
    anchor: str = "report"
    anchor_set: str | None = None  # whose span or relation
    anchor_key: str | None = None  # its id in that set (T3, R2)
    anchor_start: int | None = None  # the extent it was written on (a relation: its head's)
    anchor_end: int | None = None
    thread_id: str = ""  # the first comment of the thread ("" or its own id: this one is the first)
    question: bool = False  # a question for the supervisor: the report joins their queue until resolved
    created_at: str = ""  # ISO 8601, UTC
    resolved_by: str | None = None
    resolved_at: str | None = None
    changed_at: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def thread(self) -> str:
        return self.thread_id or self.id

    @property
    def is_reply(self) -> bool:
        return bool(self.thread_id) and self.thread_id != self.id

    @property
    def resolved(self) -> bool:
        return self.resolved_by is not None

    def with_(self, **changes: Any) -> Comment:
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (native JSONL ``comments``, bundles, ``comments --json``)."""
        out: dict[str, Any] = {"id": self.id, "thread": self.thread, "author": self.author, "body": self.body,
                               "anchor": self.anchor, "created_at": self.created_at}
        if self.anchor != "report":
            out.update(set=self.anchor_set, key=self.anchor_key, start=self.anchor_start, end=self.anchor_end)
        if self.question:
            out["question"] = True
        if self.resolved_by is not None:
            out.update(resolved_by=self.resolved_by, resolved_at=self.resolved_at)
        out["changed_at"] = self.changed_at or self.created_at
        return out


def comment_from_dict(data: Any, report_id: str, text_length: int) -> Comment:
    """A comment from its JSON form, checked (raises ``ValidationError`` with one sentence)."""
    if not isinstance(data, dict):
        raise ValidationError(f"comment {data!r:.40} is not an object")
    cid = data.get("id")
    if not isinstance(cid, str) or not 3 <= len(cid) <= 40:
        raise ValidationError(f"a comment has no usable id ({cid!r:.40})")
    for key in ("author", "body"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise ValidationError(f"comment {cid} has no {key}")
    if len(data["body"]) > MAX_BODY:
        raise ValidationError(f"comment {cid} is longer than {MAX_BODY:,} characters")
    anchor = data.get("anchor", "report")
    if anchor not in ANCHORS:
        raise ValidationError(f"comment {cid}: anchor must be one of {', '.join(ANCHORS)}, not {anchor!r:.30}")
    start, end = data.get("start"), data.get("end")
    if anchor != "report":
        if not isinstance(data.get("set"), str) or not isinstance(data.get("key"), str):
            raise ValidationError(f"comment {cid} is anchored to a {anchor} but names no set and key")
        if (start is not None or end is not None) and not (
                isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= text_length):
            raise ValidationError(f"comment {cid}: extent {start!r}..{end!r} is not inside the text")
    thread = data.get("thread") or cid
    if not isinstance(thread, str) or len(thread) > 40:
        raise ValidationError(f"comment {cid}: thread {thread!r:.40} is not a comment id")
    for key in ("created_at", "resolved_at", "changed_at", "resolved_by"):
        if data.get(key) is not None and not isinstance(data[key], str):
            raise ValidationError(f"comment {cid}: '{key}' is not a string")
    return Comment(cid, report_id, data["author"], data["body"], anchor,
                   data.get("set") if anchor != "report" else None, data.get("key") if anchor != "report" else None,
                   start if anchor != "report" else None, end if anchor != "report" else None,
                   "" if thread == cid else thread, bool(data.get("question")), data.get("created_at") or "",
                   data.get("resolved_by"), data.get("resolved_at"), data.get("changed_at") or "")


def newer(a: Comment, b: Comment) -> Comment:
    """Of two copies of one comment, the one changed last (a resolution travels; ties keep ``a``)."""
    return b if (b.changed_at or b.created_at) > (a.changed_at or a.created_at) else a
