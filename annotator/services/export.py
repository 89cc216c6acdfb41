"""Exporting the corpus: stored sets streamed into a format writer.

Scope: one annotator, several, ``gold`` or all; selected reports; a label filter. Documents are
produced one at a time, so memory does not grow with the corpus; the writer writes to a temporary
name and renames it when complete (a cancelled export leaves no half-written file)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Sequence

from annotator.core.annotation_set import Document
from annotator.core.progress import CancelToken, ProgressFn, no_progress
from annotator.services.context import ServiceContext
from annotator.services.formats import writable_format
from annotator.services.reports import resolve_report_id


@dataclass(frozen=True)
class ExportScope:
    annotators: tuple[str, ...] = ()  # empty = everyone
    report_ids: tuple[str, ...] = ()  # empty = all reports (prefixes allowed)
    labels: tuple[str, ...] = ()  # empty = all labels


def iter_documents(ctx: ServiceContext, scope: ExportScope, *, progress: ProgressFn = no_progress,
                   cancel: CancelToken | None = None) -> Iterator[Document]:
    """Stored (report, annotator) sets in scope, as documents, one at a time."""
    ids = tuple(resolve_report_id(ctx, r) for r in scope.report_ids)
    with ctx.uow() as uow:
        keys = uow.repo.set_keys(report_ids=ids or None)
    if scope.annotators:
        keys = [k for k in keys if k[1] in scope.annotators]
    labels = set(scope.labels)
    cached: tuple[str, Any] | None = None
    incidents: dict[str, Any] = {}
    notes: tuple[str, list[Any]] = ("", [])  # the comments of the report being written
    for i, (report_id, annotator) in enumerate(keys):
        if cancel is not None:
            cancel.check()
        progress(i, len(keys), annotator)
        with ctx.uow() as uow:
            if cached is None or cached[0] != report_id:
                cached = (report_id, uow.repo.report(report_id))
                notes = (report_id, uow.workflow.comments([report_id]))
            aset = uow.repo.annotation_set(report_id, annotator)
            wanted = {e.incident for e in aset.events if e.incident} - set(incidents)
            if wanted:
                incidents.update(uow.events.incidents(wanted))
        spans = tuple(s for s in aset.spans if not labels or s.label in labels)
        kept = {s.id for s in spans}
        relations = tuple(r for r in aset.relations if r.head in kept and r.tail in kept)
        named = {e.incident for e in aset.events if e.incident}
        yield Document(cached[1], annotator, spans, relations, events=aset.events,
                       incidents=tuple(incidents[i] for i in sorted(named) if i in incidents),
                       comments=tuple(c for c in notes[1] if c.anchor == "report" or c.anchor_set == annotator))
    progress(len(keys), len(keys), "")


def export_corpus(ctx: ServiceContext, fmt_name: str, out: Path | str, scope: ExportScope = ExportScope(), *,
                  options: dict[str, Any] | None = None, progress: ProgressFn = no_progress,
                  cancel: CancelToken | None = None) -> Any:
    """Write the scope in ``fmt_name`` to ``out``; returns the format's write summary."""
    fmt = writable_format(fmt_name)
    docs = iter_documents(ctx, scope, progress=progress, cancel=cancel)
    return fmt.write(docs, Path(out), options=dict(options or {}), progress=no_progress, cancel=cancel)


def split_list(text: str | None) -> tuple[str, ...]:
    return tuple(p.strip() for p in (text or "").split(",") if p.strip())


def export_scope(annotators: Sequence[str] | str | None = None, reports: Sequence[str] | None = None,
                 labels: Sequence[str] | str | None = None) -> ExportScope:
    a = split_list(annotators) if isinstance(annotators, str) else tuple(annotators or ())
    l = split_list(labels) if isinstance(labels, str) else tuple(labels or ())
    return ExportScope(a, tuple(reports or ()), l)
