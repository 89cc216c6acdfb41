"""Agreement over the stored corpus, on SQLite and PostgreSQL: the figures equal the engine's on
the same spans, filters narrow them, and gold becomes the reference once it exists."""

from __future__ import annotations

from annotator.agreement import DocumentSpans, agreement_report
from annotator.services.adjudicate import accept_set
from annotator.services.agreement import compute_agreement, gather_documents
from annotator.services.annotate import get_sets
from annotator.services.reports import list_reports
from annotator.services.samples import load_samples


def test_corpus_agreement_on_both_backends(ctx) -> None:  # type: ignore[no-untyped-def]
    load_samples(ctx)
    report = compute_agreement(ctx)
    assert [(p.a, p.b) for p in report.by_pair] == [("alice", "bob")]
    assert len(report.by_report) == len(list_reports(ctx)) == 7
    # the same spans handed to the engine directly give the same figures
    docs = []
    for summary in list_reports(ctx):
        sets = get_sets(ctx, summary.id)
        docs.append(DocumentSpans(report_id=summary.id, length=summary.chars,
                                  sets={w: list(s.spans) for w, s in sets.items()}, title=summary.title))
    direct = agreement_report(docs)
    # the bare read agreement uses holds every set's spans as (start, end, label)
    gathered = {d.report_id: d for d in gather_documents(ctx)}
    for doc in docs:
        assert {w: sorted(spans) for w, spans in gathered[doc.report_id].sets.items()} == \
            {w: sorted((s.start, s.end, s.label) for s in spans) for w, spans in doc.sets.items()}
        assert gathered[doc.report_id].length == doc.length and gathered[doc.report_id].text
        assert set(gathered[doc.report_id].edited) == set(doc.sets)
    o, d = report.overall, direct.overall
    assert (o.f1_exact, o.f1_overlap, o.alpha_u, o.n_spans) == (d.f1_exact, d.f1_overlap, d.alpha_u, d.n_spans)
    assert o.f1_overlap is not None and 0.5 < o.f1_overlap <= 1.0
    assert report.token_kappa.kappa is not None and report.token_kappa.tokens > 1000
    # filters
    dates = compute_agreement(ctx, labels=["date"])
    assert set(dates.by_label) == {"date"}
    one = compute_agreement(ctx, report_ids=[list_reports(ctx)[0].id[:12]])
    assert len(one.by_report) == 1
    # gold, once adjudicated, is the reference and never a pairwise party
    first = list_reports(ctx)[0].id
    accept_set(ctx, first, "alice")
    with_gold = compute_agreement(ctx)
    assert [(p.a, p.b) for p in with_gold.by_pair] == [("alice", "bob")]
    gold_rows = {row.annotator: row for row in with_gold.vs_gold}
    assert gold_rows["alice"].f1_exact == 1.0
    bob = gold_rows["bob"].f1_exact
    assert bob is not None and bob < 1.0
    assert all(doc.sets for doc in gather_documents(ctx, annotators=["alice"]))
