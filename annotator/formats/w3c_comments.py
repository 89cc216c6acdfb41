"""Comment threads in W3C Web Annotation, both ways (used by ``formats.w3c``).

A comment is an Annotation of its own, the Recommendation's way: ``motivation`` ``commenting`` (or
``questioning`` for a question for the supervisor), a ``TextualBody`` with ``purpose`` ``commenting``,
its ``creator`` and ``created``, and as ``target`` the annotation of the span or relation it is about,
the comment it answers (a reply), or the report itself (``{"source": ni:…}``). A resolved thread has a
second body with ``purpose`` ``assessing`` and value ``resolved`` (its creator resolved it). Our
comment ids ride in the annotation's id (``urn:annotator:comment:C-…``); a peer's comment gets an id
derived from its own."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from annotator.core.annotation_set import Document
from annotator.core.comments import Comment

COMMENTING = ("commenting", "questioning")
_PREFIX = "urn:annotator:comment:"


def comment_iri(comment_id: str) -> str:
    return _PREFIX + comment_id


def comment_annotations(doc: Document, span_iri: dict[str, str], relation_iri: dict[str, str],
                        source: str) -> list[dict[str, Any]]:
    """The annotations of ``doc``'s comments (those on spans or relations not written are left out)."""
    out: list[dict[str, Any]] = []
    for c in doc.comments:
        if c.is_reply:
            target: Any = comment_iri(c.thread)
        elif c.anchor == "span":
            target = span_iri.get(c.anchor_key or "")
        elif c.anchor == "relation":
            target = relation_iri.get(c.anchor_key or "")
        else:
            target = {"source": source}
        if target is None:
            continue
        body: list[dict[str, Any]] = [{"type": "TextualBody", "purpose": "commenting", "value": c.body,
                                       "format": "text/plain"}]
        if c.resolved_by is not None:
            body.append({"type": "TextualBody", "purpose": "assessing", "value": "resolved",
                         "creator": {"type": "Person", "nickname": c.resolved_by}, "created": c.resolved_at})
        out.append({"id": comment_iri(c.id), "type": "Annotation",
                    "motivation": "questioning" if c.question else "commenting", "body": body, "target": target,
                    "creator": {"type": "Person", "nickname": c.author}, "created": c.created_at,
                    "modified": c.changed_at or c.created_at})
    return out


Anchor = tuple[str, str | None, str, str, int, int]  # report id, annotator, "span"/"relation", id, start, end


def read_comments(annotations: list[dict[str, Any]], anchor_of: Callable[[str], Anchor | None],
                  report_of: Callable[[Any], Any], creator: Callable[[Any], str | None],
                  texts: dict[str, str]) -> dict[str, list[Comment]]:
    """Report id → the comments among ``annotations``: ``anchor_of(iri)`` gives (report id, annotator,
    "span"/"relation", id, start, end) for a written span or relation, ``report_of(target)`` the report a target
    names. Replies follow their thread; a comment on something not in the file is left out."""
    found: dict[str, Comment] = {}
    pending = [a for a in annotations if a.get("motivation") in COMMENTING]
    for _ in range(len(pending) + 1):  # replies may come before the comment they answer
        left = []
        for ann in pending:
            made = _comment(ann, found, anchor_of, report_of, creator, texts)
            if made is None:
                left.append(ann)
            else:
                found[str(ann.get("id"))] = made
        if len(left) == len(pending):
            break
        pending = left
    out: dict[str, list[Comment]] = {}
    for c in found.values():
        out.setdefault(c.report_id, []).append(c)
    return out


def _comment(ann: dict[str, Any], found: dict[str, Comment], anchor_of: Callable[[str], Any],
             report_of: Callable[[Any], Any], creator: Callable[[Any], str | None],
             texts: dict[str, str]) -> Comment | None:
    iri = str(ann.get("id") or "")
    cid = iri[len(_PREFIX):] if iri.startswith(_PREFIX) else "C-" + hashlib.sha1(iri.encode()).hexdigest()[:16]
    body = ann.get("body")
    bodies: list[Any] = body if isinstance(body, list) else [body]
    text = next((b.get("value") for b in bodies if isinstance(b, dict) and b.get("purpose", "commenting")
                 == "commenting"), None) or next((b for b in bodies if isinstance(b, str)), None)
    resolved = next((b for b in bodies if isinstance(b, dict) and b.get("purpose") == "assessing"
                     and b.get("value") == "resolved"), None)
    target = ann.get("target")
    target = target[0] if isinstance(target, list) and target else target
    tiri = target if isinstance(target, str) else None
    author = creator(ann.get("creator")) or "unknown"
    common: dict[str, Any] = dict(author=author, body=str(text or ""), question=ann.get("motivation") == "questioning",
                  created_at=str(ann.get("created") or ""), changed_at=str(ann.get("modified") or ""),
                  resolved_by=creator(resolved.get("creator")) or author if resolved else None,
                  resolved_at=str(resolved.get("created") or "") if resolved else None)
    if tiri is not None and tiri in found:
        first = found[tiri]
        return first.with_(id=cid, thread_id=first.thread, **common)
    anchor = anchor_of(tiri) if tiri is not None else None
    if anchor is not None:
        rid, who, kind, key, start, end = anchor
        return Comment(cid, rid, anchor=kind, anchor_set=who, anchor_key=key, anchor_start=start, anchor_end=end,
                       **common)
    report = report_of(target) if isinstance(target, dict) else None
    if report is not None and report.id in texts:
        return Comment(cid, report.id, **common)
    return None
