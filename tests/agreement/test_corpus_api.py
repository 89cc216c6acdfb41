"""The agreement API over a whole corpus and any number of annotators (issue 13, item 5): span F1 over
documents with per-document, per-label, micro and macro figures and the pooled counts; every pair and
the mean pairwise F1 for three or more annotators; token κ with its token counts; α_U's dropped spans
per annotator; descriptive keys ignored; agreement with gold per label and by week."""

from __future__ import annotations

import annotator.agreement as agreement
import pytest
from annotator.agreement import DocumentSpans, agreement_report

A = [[0, 60, "claim"], [0, 12, "actor"], [30, 40, "place"], [45, 55, "date"], [70, 80, "place"]]
B = [[0, 58, "claim"], [0, 12, "actor"], [30, 40, "place"], [45, 50, "date"], [70, 80, "actor"]]


def test_span_f1_over_documents_per_document_and_pooled() -> None:
    docs = {"d1": {"A": A, "B": B}, "d2": {"A": [[0, 5, "place"]], "B": [[0, 5, "place"]]}, "d3": {"A": A}}
    out = agreement.span_f1(documents=docs, mode="strict")
    assert (out["tp"], out["n_a"], out["n_b"], out["n_documents"], out["n_documents_skipped"]) == (3, 6, 6, 2, 1)
    assert out["f1"] == pytest.approx(0.5)
    assert out["by_document"]["d1"]["f1"] == pytest.approx(0.4) and out["by_document"]["d2"]["f1"] == 1.0
    assert out["per_label_f1"]["place"] == pytest.approx(0.8) and out["macro_f1"] == pytest.approx((2 / 3 + 0.8) / 4)
    assert set(agreement.span_f1(documents=docs)["overlap"]["by_document"]) == {"d1", "d2"}


def test_span_f1_with_three_annotators_gives_every_pair_and_the_mean() -> None:
    C = [[0, 12, "actor"], [30, 40, "place"]]
    out = agreement.span_f1(annotators={"A": A, "B": B, "C": C}, mode="strict")
    assert [(p["a"], p["b"]) for p in out["pairs"]] == [("A", "B"), ("A", "C"), ("B", "C")]
    f1 = [p["f1"] for p in out["pairs"]]
    assert f1 == pytest.approx([0.4, 4 / 7, 4 / 7])
    assert out["mean_pairwise_f1"] == pytest.approx(sum(f1) / 3) and out["n_pairs_undefined"] == 0
    every = agreement.span_f1(annotators={"A": A, "B": B, "C": C})
    assert every["mean_pairwise_f1"]["overlap"] == pytest.approx((0.8 + 4 / 7 + 4 / 7) / 3)
    assert agreement.span_f1(annotators={"A": A})["reason"].startswith("span F1 compares two or more")


def test_token_kappa_returns_its_counts_and_alpha_u_its_dropped_spans() -> None:
    tags = {"A": ["O", "B-actor", "I-actor", "O"], "B": ["O", "B-actor", "O", "O"]}
    out = agreement.token_kappa(tags=tags)
    assert (out["tokens"], out["n_a_tagged"], out["n_b_tagged"], out["tokens_differing"],
            out["tokens_tagged_by_someone"]) == (4, 2, 1, 1, 2)
    assert agreement.token_kappa(tags={"A": ["O"]})["tokens"] == 0
    overlapping = {"i": [[0, 10, "c"], [5, 12, "c"], [20, 30, "c"]], "j": [[0, 10, "c"], [20, 30, "c"]]}
    au = agreement.krippendorff_alpha_unitizing(continuum=[0, 40], annotators=overlapping)
    assert au["dropped_by_annotator"] == {"i": 1, "j": 0} and au["alpha_u"] == 1.0


def test_descriptive_keys_of_a_dissimilarity_are_ignored() -> None:
    annotators = {"A": [[1, 5, "a"], [6, 10, "b"]], "B": [[2, 6, "a"], [7, 11, "b"]]}
    plain = agreement.gamma_observed_disorder(annotators=annotators, dissimilarity={"alpha": 1.0, "beta": 1.0})
    described = agreement.gamma_observed_disorder(annotators=annotators, dissimilarity={
        "alpha": 1.0, "beta": 1.0, "categorical": "nominal: 0 for the same label, 1 otherwise"})
    assert described["observed_disorder"] == plain["observed_disorder"]


def test_every_annotator_against_gold_per_label_and_by_week() -> None:
    gold = [(0, 12, "actor"), (30, 40, "place")]
    docs = [DocumentSpans("r1", 100, {"gold": gold, "A": [(0, 12, "actor"), (30, 40, "actor")]},
                          edited={"A": "2026-11-27T10:00:00+00:00"}),
            DocumentSpans("r2", 100, {"gold": gold, "A": gold, "B": [(0, 12, "actor")]},
                          edited={"A": "2026-12-03T09:00:00+00:00", "B": "2026-12-03"})]
    report = agreement_report(docs)
    a = next(v for v in report.vs_gold if v.annotator == "A")
    assert [(w.week, w.f1_exact, w.n_reports) for w in a.by_week] == [("2026-W48", 0.5, 1), ("2026-W49", 1.0, 1)]
    assert a.by_label["place"].recall == 0.5 and a.by_label["actor"].precision == pytest.approx(2 / 3)
