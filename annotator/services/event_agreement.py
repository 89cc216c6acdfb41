"""Agreement on events over the stored corpus (``annotator.agreement.events``): event F1 and α per
event field for every annotator pair, reports that have events in at least two sets."""

from __future__ import annotations

from collections.abc import Sequence

from annotator.agreement.events import EventAgreementReport, EventDocument, event_agreement
from annotator.services.context import ServiceContext
from annotator.services.names import known_annotators
from annotator.services.reports import resolve_report_id


def compute_event_agreement(ctx: ServiceContext, *, report_ids: Sequence[str] = (),
                            annotators: Sequence[str] = ()) -> EventAgreementReport:
    """Event F1 and α per event field for every annotator pair, read by attribute (``to_dict()``: the JSON)."""
    ids = [resolve_report_id(ctx, r) for r in report_ids]
    known_annotators(ctx, annotators)
    docs = []
    with ctx.uow() as uow:
        by_report: dict[str, list[str]] = {}
        for rid, who in uow.repo.set_keys(report_ids=ids or None):
            by_report.setdefault(rid, []).append(who)
        for rid, names in by_report.items():
            if len(names) < 2:
                continue
            text = uow.repo.report(rid).text
            docs.append(EventDocument(rid, text, {w: uow.repo.annotation_set(rid, w) for w in names}))
    return event_agreement(docs, list(annotators) or None)
