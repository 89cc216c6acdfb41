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
        for rid, names in by_report.items():
            report = uow.repo.report_row(rid)
            sets = {}
            for who in names:
                spans = uow.repo.annotation_set(rid, who).spans
                sets[who] = [s for s in spans if not wanted_labels or s.label in wanted_labels]
            docs.append(DocumentSpans(report_id=rid, length=report.chars, sets=sets, title=report.title,
                                      text=report.text))
    return docs


def compute_agreement(ctx: ServiceContext, *, report_ids: Sequence[str] = (), annotators: Sequence[str] = (),
                      labels: Sequence[str] = (), progress: ProgressFn = no_progress,
                      cancel: CancelToken | None = None) -> dict[str, Any]:
    """The corpus-level agreement report (per label, pair, report, against gold)."""
    from annotator.agreement import agreement_report

    docs = gather_documents(ctx, report_ids=report_ids, annotators=annotators, labels=labels)
    return agreement_report(docs, labels=list(labels) or None, annotators=list(annotators) or None,
                            progress=progress, cancel=cancel)


CSV_COLUMNS = ("scope", "name", "f1_exact", "f1_overlap", "alpha_u", "n_spans")


def write_report(report: dict[str, Any], path: Any, kind: str) -> Any:
    """The agreement report as JSON, or as one CSV table (overall, per label, pair and report),
    written atomically (a failure leaves no half file under ``path``)."""
    import csv
    import json

    from annotator.files.atomic import atomic_file

    with atomic_file(path, "w") as fh:
        if kind == "json":
            fh.write(json.dumps(report, indent=2, ensure_ascii=False))
            return path
        writer = csv.writer(fh)
        writer.writerow(CSV_COLUMNS)
        measures = CSV_COLUMNS[2:]

        def row(scope: str, name: str, values: dict[str, Any]) -> None:
            writer.writerow([scope, name, *(values.get(m) for m in measures)])

        row("overall", "", report.get("overall", {}))
        for label, values in sorted(report.get("by_label", {}).items()):
            row("label", label, values)
        for pair in report.get("by_pair", []):
            row("pair", f"{pair['a']} × {pair['b']}", pair)
        for rep in report.get("by_report", []):
            row("report", rep["report"], rep)
    return path
