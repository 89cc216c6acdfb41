"""Exporting the corpus: stored sets streamed into a format writer.

Scope: one annotator, several, ``gold`` or all; selected reports; a label filter. Documents are
produced one at a time, so memory does not grow with the corpus; the writer writes to a temporary
name and renames it when complete (a cancelled export leaves no half-written file)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator.core.annotation_set import Document
from annotator.core.progress import CancelToken, ProgressFn, no_progress
from annotator.services.context import ServiceContext
from annotator.services.formats import writable_format
from annotator.services.halves import MIN_SETS, HalvesRun, in_halves
from annotator.services.names import known_annotators, known_labels
from annotator.services.reports import resolve_report_id
from annotator.store.set_transfer import ALL_REPORTS, ReportRange
from annotator.store.uow import UnitOfWork

if TYPE_CHECKING:  # the formats are imported when one is chosen
    from annotator.formats.base import WriteSummary


@dataclass(frozen=True)
class ExportScope:
    annotators: tuple[str, ...] = ()  # empty = everyone
    report_ids: tuple[str, ...] = ()  # empty = all reports (prefixes allowed)
    labels: tuple[str, ...] = ()  # empty = all labels


def iter_documents(ctx: ServiceContext, scope: ExportScope, *, progress: ProgressFn = no_progress,
                   cancel: CancelToken | None = None) -> Iterator[Document]:
    """Stored (report, annotator) sets in scope, as documents, streamed from one read transaction
    (one query per table, however many sets): memory stays flat and every document is from the same
    snapshot."""
    documents = _DocumentScope(ctx, scope)
    with ctx.uow() as uow:
        yield from documents.documents(uow, ALL_REPORTS, progress, cancel)
    progress(documents.total, documents.total, "")


class _DocumentScope:
    """An export's scope, checked before the first document: report ids resolved, annotators and labels
    known."""

    def __init__(self, ctx: ServiceContext, scope: ExportScope) -> None:
        self.ids = tuple(resolve_report_id(ctx, r) for r in scope.report_ids)
        known_annotators(ctx, scope.annotators, option="--annotator")
        self.annotators = scope.annotators or None
        self.labels = set(known_labels(ctx, scope.labels))
        self.total = 0

    def documents(self, uow: UnitOfWork, within: ReportRange, progress: ProgressFn = no_progress,
                  cancel: CancelToken | None = None) -> Iterator[Document]:
        """The documents of the sets in scope with report ids ``within``, read in ``uow``."""
        ids, labels = self.ids or None, self.labels
        incidents: dict[str, Any] = {}  # the incidents events name, read as they first appear
        notes: dict[str, list[Any]] = {}  # every comment in scope, by report (threads are few beside spans)
        for c in uow.workflow.comments(ids):
            notes.setdefault(c.report_id, []).append(c)
        self.total = total = uow.transfer.count_in_scope(annotators=self.annotators, report_ids=ids, within=within)
        stream = uow.transfer.stream(annotators=self.annotators, report_ids=ids, within=within)
        for i, item in enumerate(stream):
            if cancel is not None:
                cancel.check()
            if i % 100 == 0:
                progress(i, total, item.set.annotator)
            spans, relations, events = item.set.spans, item.set.relations, item.set.events
            if labels:
                spans = tuple(s for s in spans if s.label in labels)
                kept = {s.id for s in spans}
                relations = tuple(r for r in relations if r.head in kept and r.tail in kept)
            named = {e.incident for e in events if e.incident}
            if named - set(incidents):
                incidents.update(uow.events.incidents(named - set(incidents)))
            who = item.set.annotator
            yield Document(item.report, who, spans, relations, events=events,
                           incidents=tuple(incidents[n] for n in sorted(named) if n in incidents),
                           comments=tuple(c for c in notes.get(item.report.id, ())
                                          if c.anchor == "report" or c.anchor_set == who))


def export_corpus(ctx: ServiceContext, fmt_name: str, out: Path | str, scope: ExportScope = ExportScope(), *,
                  options: dict[str, Any] | None = None, progress: ProgressFn = no_progress,
                  cancel: CancelToken | None = None, processes: int = 1, run: HalvesRun | None = None,
                  min_sets: int = MIN_SETS) -> WriteSummary:
    """Write the scope in ``fmt_name`` to ``out``; returns the format's write summary. With
    ``processes=2`` (the command line only: ``services.halves``), a second process encodes the second
    half of the reports of a format written line by line (our JSON Lines)."""
    fmt = writable_format(fmt_name)
    if processes < 2 or fmt.NAME != "jsonl":
        docs = iter_documents(ctx, scope, progress=progress, cancel=cancel)
        return fmt.write(docs, Path(out), options=dict(options or {}), progress=no_progress, cancel=cancel)
    from annotator.formats.jsonl import FORMAT, encoded_line  # noqa: PLC0415 (the format registry imports formats when chosen)
    documents = _DocumentScope(ctx, scope)

    def produce(uow: UnitOfWork, within: ReportRange, _child: bool) -> Iterator[bytes]:
        return map(encoded_line, documents.documents(uow, within))
    lines = in_halves(ctx, produce, annotators=documents.annotators, report_ids=documents.ids or None,
                      run=run if run is not None else HalvesRun(), min_sets=min_sets)
    return FORMAT.write_encoded(lines, Path(out), cancel=cancel)


def split_list(text: str | None) -> tuple[str, ...]:
    return tuple(p.strip() for p in (text or "").split(",") if p.strip())


def export_scope(annotators: Sequence[str] | str | None = None, reports: Sequence[str] | None = None,
                 labels: Sequence[str] | str | None = None) -> ExportScope:
    a = split_list(annotators) if isinstance(annotators, str) else tuple(annotators or ())
    lbl = split_list(labels) if isinstance(labels, str) else tuple(labels or ())
    return ExportScope(a, tuple(reports or ()), lbl)
