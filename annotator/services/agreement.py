"""Agreement over the stored corpus: gathers every annotator's spans per report and hands them to
the Qt-free engine in ``annotator.agreement``."""

from __future__ import annotations

from typing import Any, Sequence

from annotator.core.progress import CancelToken, ProgressFn, no_progress
from annotator.services.context import ServiceContext
from annotator.services.reports import resolve_report_id


def gather_documents(ctx: ServiceContext, *, report_ids: Sequence[str] = (),
                     annotators: Sequence[str] = (), labels: Sequence[str] = ()) -> list[Any]:
    """One ``DocumentSpans`` per report that has at least one set in scope (``gold`` always is), read
    in one stream of the stored sets (a query per table, not per set)."""
    from annotator.agreement import DocumentSpans

    ids = [resolve_report_id(ctx, r) for r in report_ids]
    wanted_labels = set(labels)
    scope = [*annotators, "gold"] if annotators else None
    docs: list[Any] = []
    with ctx.uow() as uow:
        for item in uow.transfer.stream(annotators=scope, report_ids=ids or None, with_relations=False):
            report = item.report
            if not docs or docs[-1].report_id != report.id:
                docs.append(DocumentSpans(report_id=report.id, length=item.chars, sets={}, title=report.title,
                                          text=report.text))
            spans = item.set.spans
            docs[-1].sets[item.set.annotator] = [s for s in spans if s.label in wanted_labels] \
                if wanted_labels else list(spans)
    return docs


def compute_agreement(ctx: ServiceContext, *, report_ids: Sequence[str] = (), annotators: Sequence[str] = (),
                      labels: Sequence[str] = (), progress: ProgressFn = no_progress,
                      cancel: CancelToken | None = None) -> dict[str, Any]:
    """The corpus-level agreement report (per label, pair, report, against gold)."""
    from annotator.agreement import agreement_report

    docs = gather_documents(ctx, report_ids=report_ids, annotators=annotators, labels=labels)
    return agreement_report(docs, labels=list(labels) or None, annotators=list(annotators) or None,
                            progress=progress, cancel=cancel)
