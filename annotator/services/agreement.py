"""Agreement over the stored corpus: gathers every annotator's spans per report and hands them to
the Qt-free engine in ``annotator.agreement``."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from typing import Any

from annotator.agreement import DocumentSpans, agreement_report
from annotator.agreement.report_types import AgreementReport, SpanFigures
from annotator.core.ids import GOLD
from annotator.core.progress import CancelToken, ProgressFn, no_progress
from annotator.files.atomic import atomic_file
from annotator.files.json_output import indented_json
from annotator.services.context import ServiceContext
from annotator.services.names import known_annotators, known_labels
from annotator.services.reports import resolve_report_id


def gather_documents(ctx: ServiceContext, *, report_ids: Sequence[str] = (),
                     annotators: Sequence[str] = (), labels: Sequence[str] = ()) -> list[Any]:
    """One ``DocumentSpans`` per report that has at least one set in scope (``gold`` always is), its
    spans as ``(start, end, label)`` tuples: agreement needs no more, and the repository reads them
    in two queries without building a span object per row."""
    ids = [resolve_report_id(ctx, r) for r in report_ids]
    known_annotators(ctx, annotators)
    wanted_labels = set(known_labels(ctx, labels))
    scope = [*annotators, GOLD] if annotators else None
    docs: list[Any] = []
    with ctx.uow() as uow:
        for item in uow.label_spans.label_sets(annotators=scope, report_ids=ids or None):
            if not docs or docs[-1].report_id != item.report_id:
                docs.append(DocumentSpans(report_id=item.report_id, length=item.chars, sets={}, title=item.title,
                                          text=item.text, plain=True))
            docs[-1].sets[item.annotator] = [s for s in item.spans if s[2] in wanted_labels] \
                if wanted_labels else item.spans
            docs[-1].edited[item.annotator] = item.edited
    return docs


def compute_agreement(ctx: ServiceContext, *, report_ids: Sequence[str] = (), annotators: Sequence[str] = (),
                      labels: Sequence[str] = (), progress: ProgressFn = no_progress,
                      cancel: CancelToken | None = None) -> AgreementReport:
    """The corpus-level agreement report (per label, pair, report, against gold), read by attribute."""
    docs = gather_documents(ctx, report_ids=report_ids, annotators=annotators, labels=labels)
    return agreement_report(docs, labels=list(labels) or None, annotators=list(annotators) or None,
                            progress=progress, cancel=cancel)


CSV_COLUMNS = ("scope", "name", "f1_exact", "f1_overlap", "alpha_u", "n_spans")


def write_report(report: AgreementReport, path: Any, kind: str) -> Any:
    """The agreement report as JSON (``report.to_dict()``, as ``annotator agreement --json`` prints it), or as
    one CSV table (overall, per label, pair and report), written atomically (a failure leaves no half file
    under ``path``)."""
    with atomic_file(path, "w") as fh:
        if kind == "json":
            fh.write(indented_json(report.to_dict()))
            return path
        writer = csv.writer(fh)
        writer.writerow(CSV_COLUMNS)

        def row(scope: str, name: str, values: SpanFigures) -> None:
            writer.writerow([scope, name, values.f1_exact, values.f1_overlap, values.alpha_u, values.n_spans])

        row("overall", "", report.overall)
        for label, figures in sorted(report.by_label.items()):
            row("label", label, figures)
        for pair in report.by_pair:
            row("pair", f"{pair.a} × {pair.b}", pair)
        for rep in report.by_report:
            row("report", rep.report, rep)
    return path
