"""The conventions of agreement.md §0 and the worked examples of §4–§6 that are not JSON cases: undefined
values are ``None`` with a reason (never NaN, never an exception, never a fake 1.0), maximum matching on
nested spans, the split example, token-κ padding, α_U on concatenated documents, γ reproducibility."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from annotator.agreement import (
    cohen_kappa,
    cohen_kappa_weighted,
    fleiss_kappa,
    gamma,
    gamma_observed_disorder,
    krippendorff_alpha,
    krippendorff_alpha_unitizing,
    span_f1,
    span_semeval,
    token_kappa,
)
from annotator.agreement.gamma import Dissimilarity, _partition, _two_annotators
from annotator.agreement.spans import max_matching
from annotator.agreement.tokens import layer_codes, tokenize
from annotator.agreement.unitizing import UnitizedDocument, alpha_u_concatenated
from annotator.core.spans import Span


def _undefined(result: dict, key: str) -> None:
    assert result[key] is None
    assert isinstance(result.get("reason"), str) and result["reason"]
    json.dumps(result, allow_nan=False)


# ------------------------------------------------------------------------------ undefined conventions


def test_all_agree_on_one_value_is_undefined_with_full_observed_agreement() -> None:
    k = cohen_kappa(units=[["x", "x"]] * 5)
    _undefined(k, "kappa")
    assert k["observed_agreement"] == 1.0 and k["n_units"] == 5
    a = krippendorff_alpha(units=[[1, 1, 1], [1, 1, None]], level="nominal")
    _undefined(a, "alpha")
    assert a["observed_agreement"] == 1.0 and a["pairable_values_n"] == 5
    f = fleiss_kappa(counts=[[7, 0], [7, 0]])
    _undefined(f, "kappa")
    assert f["P_bar"] == 1.0 and f["per_category"] == {"0": None, "1": None}
    w = cohen_kappa_weighted(a=[2, 2, 2], b=[2, 2, 2], categories_in_order=[0, 1, 2])
    assert w["unweighted"] is None and w["linear"] is None and w["reason"]


def test_perfect_agreement_with_variation_is_exactly_one() -> None:
    assert krippendorff_alpha(units=[[1, 1], [2, 2]], level="nominal")["alpha"] == 1.0
    assert cohen_kappa(units=[["a", "a"], ["b", "b"]])["kappa"] == 1.0
    assert krippendorff_alpha_unitizing(continuum=[0, 15], annotators={"a": [[2, 7, "A"]],
                                                                       "b": [[2, 7, "A"]]})["alpha_u"] == 1.0


@pytest.mark.parametrize("call, key", [
    (lambda: cohen_kappa(units=[]), "kappa"),
    (lambda: cohen_kappa(table={"counts": []}), "kappa"),
    (lambda: cohen_kappa_weighted(a=[], b=[]), "unweighted"),
    (lambda: fleiss_kappa(counts=[]), "kappa"),
    (lambda: krippendorff_alpha(units=[], level="nominal"), "alpha"),
    (lambda: krippendorff_alpha(units=[[None, None]], level="interval"), "alpha"),
    (lambda: span_f1(annotators={"A": [], "B": []}, mode="overlap"), "f1"),
    (lambda: token_kappa(tags={"A": [], "B": []}), "kappa_all_tokens"),
    (lambda: krippendorff_alpha_unitizing(continuum=[0, 10], annotators={"a": [], "b": []}), "alpha_u"),
    (lambda: gamma(annotators={"a": [], "b": []}), "gamma"),
], ids=["cohen-units", "cohen-table", "weighted", "fleiss", "alpha", "alpha-all-missing", "span-f1", "token-kappa",
        "alpha-u", "gamma"])
def test_empty_input_is_undefined(call, key) -> None:
    _undefined(call(), key)


@pytest.mark.parametrize("call, key", [
    (lambda: span_f1(annotators={"A": [[0, 5, "x"]]}, mode="strict"), "f1"),
    (lambda: krippendorff_alpha(units=[[1], [2], [3]], level="nominal"), "alpha"),
    (lambda: token_kappa(tags={"A": ["O", "B-x"]}), "kappa_all_tokens"),
    (lambda: krippendorff_alpha_unitizing(continuum=[0, 10], annotators={"a": [[1, 4, "x"]]}), "alpha_u"),
    (lambda: gamma(annotators={"a": [[1, 4, "x"]]}), "gamma"),
    (lambda: gamma_observed_disorder(annotators={"a": [[1, 4, "x"]]}), "observed_disorder"),
    (lambda: fleiss_kappa(counts=[[1, 0], [0, 1]]), "kappa"),
], ids=["span-f1", "alpha", "token-kappa", "alpha-u", "gamma", "gamma-disorder", "fleiss"])
def test_one_annotator_is_undefined(call, key) -> None:
    _undefined(call(), key)


def test_precision_and_recall_undefined_separately() -> None:
    r = span_f1(annotators={"A": [[0, 5, "x"]], "B": []}, mode="strict")
    assert r["f1"] == 0.0 and r["recall"] == 0.0 and r["precision"] is None and "precision" in r["reason"]


def test_missing_units_dropped_listwise_in_cohen() -> None:
    r = cohen_kappa(units=[["a", "a"], ["b", "b"], [None, "a"], ["a", None]])
    assert r["n_units"] == 2 and r["n_dropped_missing"] == 2 and r["kappa"] == 1.0


def test_fleiss_excludes_units_with_other_rating_counts() -> None:
    r = fleiss_kappa(counts=[[2, 1], [0, 3], [1, 1]])
    assert r["raters_per_unit"] == 3 and r["n_units_excluded"] == 1 and r["n_units"] == 2


def test_ordinal_strings_need_an_order_and_interval_needs_numbers() -> None:
    data = [["low", "mid"], ["mid", "mid"], ["high", "high"], ["low", "low"]]
    r = krippendorff_alpha(units=data, level="interval")
    _undefined(r, "alpha")
    ordered = krippendorff_alpha(units=data, level="ordinal", order=["low", "mid", "high"])
    assert ordered["alpha"] is not None and ordered["values"] == ["low", "mid", "high"]


# ----------------------------------------------------------------------------------- spans (§4)


def test_nested_spans_need_a_maximum_matching() -> None:
    a = [(0, 20, "place"), (0, 5, "place")]
    b = [(2, 6, "place"), (10, 15, "place")]
    assert max_matching(a, b) == 2
    assert max_matching(list(reversed(a)), b) == 2
    assert max_matching(b, a) == 2
    r = span_f1(annotators={"A": a, "B": b}, mode="overlap")
    assert r["tp"] == 2 and r["f1"] == 1.0
    assert span_f1(annotators={"A": a, "B": b}, mode="strict")["tp"] == 0


def test_identical_spans_first_is_not_always_optimal() -> None:
    # matching the identical pair first would leave [0,3) and [7,9) unmatched; the maximum is 2
    a = [(0, 10, "x"), (0, 3, "x")]
    b = [(0, 10, "x"), (7, 9, "x")]
    assert max_matching(a, b) == 2


def test_split_is_penalised() -> None:
    r = span_f1(mode="overlap", annotators={"A": [[10, 30, "place"]], "B": [[10, 18, "place"], [20, 30, "place"]]})
    assert (r["tp"], r["precision"], r["recall"]) == (1, 0.5, 1.0)
    assert r["f1"] == pytest.approx(2 / 3)


def test_modes_and_multiset_duplicates() -> None:
    a = [(0, 5, "x"), (0, 5, "x"), (8, 9, "y")]
    b = [(0, 5, "x"), (8, 9, "z")]
    r = span_f1(annotators={"A": a, "B": b})
    assert r["strict"]["tp"] == 1 and r["boundary"]["tp"] == 2
    assert r["overlap"]["tp"] == 1 and r["overlap_any_label"]["tp"] == 2


def test_span_f1_over_documents_pools_counts_and_skips_missing_sets() -> None:
    docs = {"d1": {"A": [[0, 5, "x"]], "B": [[0, 5, "x"]]},
            "d2": {"A": [[0, 5, "x"]], "B": [[1, 5, "x"]]},
            "d3": {"A": [[0, 5, "x"]]}}
    r = span_f1(documents=docs, mode="strict")
    assert (r["tp"], r["n_a"], r["n_b"], r["n_documents"], r["n_documents_skipped"]) == (1, 2, 2, 2, 1)
    assert r["f1"] == 0.5


def test_span_objects_are_accepted() -> None:
    r = span_f1(annotators={"A": [Span("T1", 0, 5, "x")], "B": [(0, 5, "x")]}, mode="strict")
    assert r["f1"] == 1.0


def test_semeval_empty_sides() -> None:
    r = span_semeval(reference=[], response=[])
    assert r["strict"]["f1"] is None and r["strict"]["reason"]
    r = span_semeval(reference=[[0, 2, "X"]], response=[])
    assert r["strict"]["mis"] == 1 and r["strict"]["f1"] == 0.0


# ------------------------------------------------------------------------------------ tokens (§5)


def test_token_kappa_padding_values() -> None:
    r = token_kappa(tags={
        "A": ["O", "B-actor", "I-actor", "O", "O", "B-place", "O", "O", "B-date", "I-date", "O", "O"],
        "B": ["O", "B-actor", "I-actor", "O", "O", "B-place", "I-place", "O", "O", "B-date", "O", "O"]})
    assert r["kappa_all_tokens"] == pytest.approx(0.6044, abs=5e-5)
    assert r["kappa_plus_12_O_tokens"] == pytest.approx(0.6588, abs=5e-5)
    assert r["kappa_plus_100_O_tokens"] == pytest.approx(0.6920, abs=5e-5)
    assert r["kappa_plus_10000_O_tokens"] == pytest.approx(0.6999, abs=5e-5)
    assert r["kappa_limit_with_infinite_O_padding"] == pytest.approx(0.7)
    assert r["kappa_tokens_tagged_by_someone"] == pytest.approx(0.4194, abs=5e-5)
    assert r["token_f1_non_O"] == pytest.approx(0.6)
    assert r["percent_agreement"] == pytest.approx(0.75)
    assert r["tokens"] == 12 and "O" in r["explanation"]


def test_iob_layers_from_spans() -> None:
    text = "Ali met Omar in Deir ez-Zor."
    starts, ends = tokenize(text)
    assert [text[s:e] for s, e in zip(starts, ends, strict=True)] == ["Ali", "met", "Omar", "in", "Deir", "ez", "-",
                                                                       "Zor", "."]
    # nested same-label spans collapse to their union; a span ending mid-token still covers that token
    codes = layer_codes(starts, ends, [(16, 27), (16, 20), (0, 2)])
    assert codes.tolist() == [1, 0, 0, 0, 1, 2, 2, 2, 0]
    assert layer_codes(starts, ends, []).tolist() == [0] * 9


# -------------------------------------------------------------------------------------- α_U (§6)


def test_alpha_u_concatenation_equals_one_continuum() -> None:
    d1 = {"a": [(2, 5, "x"), (7, 9, "y"), (0, 10, "x")], "b": [(3, 5, "x")], "c": [(2, 6, "x"), (7, 8, "y")]}
    d2 = {"a": [(1, 4, "x")], "b": [(0, 4, "x"), (6, 8, "y")], "c": []}
    together = {w: list(d1[w]) + [(s + 10, e + 10, lab) for s, e, lab in d2[w]] for w in d1}
    one = krippendorff_alpha_unitizing(continuum=[0, 22], annotators=together)
    docs = [UnitizedDocument(10, d1), UnitizedDocument(12, d2)]
    joined = alpha_u_concatenated(docs, ["a", "b", "c"])
    assert joined["alpha_u"] == pytest.approx(one["alpha_u"], abs=1e-12)
    assert joined["per_label"] == pytest.approx(one["per_label"], abs=1e-12)


def test_alpha_u_drops_overlapping_spans_of_one_label_and_counts_them() -> None:
    r = krippendorff_alpha_unitizing(continuum=[0, 30], annotators={
        "a": [[0, 10, "x"], [0, 4, "x"], [5, 12, "x"], [12, 14, "x"], [0, 20, "y"]], "b": [[0, 10, "x"]]})
    assert r["dropped_overlapping"] == 2 and r["dropped_by_annotator"] == {"a": 2, "b": 0}


def test_alpha_u_depends_on_the_continuum() -> None:
    spans = {"a": [[2, 6, "x"]], "b": [[3, 6, "x"]]}
    short = krippendorff_alpha_unitizing(continuum=[0, 10], annotators=spans)
    long = krippendorff_alpha_unitizing(continuum=[0, 1000], annotators=spans)
    assert short["alpha_u"] != long["alpha_u"]
    assert short["continuum"] == [0, 10] and long["continuum_length"] == 1000


# ----------------------------------------------------------------------------------------- γ (§7)


def test_gamma_identical_annotations_is_one_and_records_parameters() -> None:
    spans = [[0, 5, "a"], [10, 20, "b"]]
    r = gamma(annotators={"x": spans, "y": spans, "z": spans}, seed=3, n_samples=5,
              dissimilarity={"alpha": 3, "beta": 1, "delta_empty": 1})
    assert r["observed_disorder"] == 0.0 and r["gamma"] == 1.0
    assert (r["seed"], r["samples"], r["alpha"], r["beta"], r["delta_empty"]) == (3, 5, 3.0, 1.0, 1.0)
    assert r["sampler"] == "StatisticalContinuumSampler"


def test_gamma_is_repeatable_with_a_seed() -> None:
    ann = {"A": [[1, 5, "a"], [6, 10, "b"], [11, 15, "a"]], "B": [[2, 6, "a"], [7, 11, "b"], [12, 16, "a"]]}
    for sampler in ("StatisticalContinuumSampler", "ShuffleContinuumSampler"):
        one = gamma(annotators=ann, seed=11, sampler=sampler, n_samples=10)
        two = gamma(annotators=ann, seed=11, sampler=sampler, n_samples=10)
        assert one["gamma"] == two["gamma"] and one["sampler"] == sampler


def test_gamma_two_annotators_matches_the_general_solver() -> None:
    a = [(0, 10, "x"), (12, 20, "y"), (30, 31, "x")]
    b = [(1, 9, "x"), (14, 22, "x"), (25, 40, "x"), (41, 45, "y")]
    d = Dissimilarity(3, 1, 1)
    assert _two_annotators(a, b, d)[0] == pytest.approx(_partition([a, b], d)[0], abs=1e-6)


# ------------------------------------------------------------------------------------ import rules


def test_import_is_light() -> None:
    code = ("import sys, annotator.agreement; "
            "print([m for m in ('scipy', 'sqlalchemy', 'PySide6', 'annotator.store', 'annotator.services', "
            "'annotator.gui', 'nltk', 'krippendorff') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
