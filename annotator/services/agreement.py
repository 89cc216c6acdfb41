"""Agreement over the stored corpus: gathers every annotator's spans per report and hands them to
the Qt-free engine in ``annotator.agreement``."""

from __future__ import annotations

from typing import Any, Sequence

from annotator.core.progress import CancelToken, ProgressFn, no_progress
from annotator.services.context import ServiceContext
from annotator.services.reports import resolve_report_id


def gather_documents(ctx: ServiceContext, *, report_ids: Sequence[str] = (),
                     annotators: Sequence[str] = (), labels: Sequence[str] = ()) -> list[Any]:
    """One ``DocumentSpans`` per report that has at least one set in scope."""
    from annotator.agreement import DocumentSpans

    ids = [resolve_report_id(ctx, r) for r in report_ids]
    wanted_labels = set(labels)
    docs = []
    with ctx.uow() as uow:
        keys = uow.repo.set_keys(report_ids=ids or None)
        by_report: dict[str, list[str]] = {}
        for rid, who in keys:
            if annotators and who not in annotators and who != "gold":
                continue
            by_report.setdefault(rid, []).append(who)
        edited = uow.workflow.last_edits(list(by_report))
        for rid, names in by_report.items():
            report = uow.repo.report_row(rid)
            sets = {}
            for who in names:
                spans = uow.repo.annotation_set(rid, who).spans
                sets[who] = [s for s in spans if not wanted_labels or s.label in wanted_labels]
            docs.append(DocumentSpans(report_id=rid, length=report.chars, sets=sets, title=report.title,
                                      text=report.text, edited={w: edited.get((rid, w), "") for w in names}))
    return docs


def compute_agreement(ctx: ServiceContext, *, report_ids: Sequence[str] = (), annotators: Sequence[str] = (),
                      labels: Sequence[str] = (), progress: ProgressFn = no_progress,
                      cancel: CancelToken | None = None) -> dict[str, Any]:
    """The corpus-level agreement report (per label, pair, report, against gold)."""
    from annotator.agreement import agreement_report

    docs = gather_documents(ctx, report_ids=report_ids, annotators=annotators, labels=labels)
    return agreement_report(docs, labels=list(labels) or None, annotators=list(annotators) or None,
                            progress=progress, cancel=cancel)
