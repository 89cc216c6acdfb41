"""The corpus report's fast paths give what the plain definitions give, on random layouts: IOB codes of
several sets and layers at once, α_U's expected disagreement in exact integers, the windowed candidate
search of the maximum matching, and per-label counts in label order (the pooled macro F1 added them in
the order of a set of strings before, so its last digit changed with PYTHONHASHSEED)."""

from __future__ import annotations

import random
from collections import Counter

import numpy as np
from annotator.agreement.positions import _positions_row_by_row, _unstacked_positions, positions_as_units
from annotator.agreement.spans import _ordered_counts, by_label, label_counts, max_matching
from annotator.agreement.tokens import (
    TokenDocument,
    corpus_layer_tables,
    label_layer_codes,
    tables_from_codes,
    tokenize,
)
from annotator.agreement.unitizing import (
    UnitizedDocument,
    _expected,
    _expected_numpy,
    alpha_u_concatenated,
    keep_non_overlapping,
    pair_distance,
)
from annotator.agreement.unitizing_batch import UnitizedCorpus
from annotator.core.tokenize import word_bounds


def _codes_by_definition(starts: np.ndarray, ends: np.ndarray, spans: list[tuple[int, int]]) -> np.ndarray:
    """Merge the layer's overlapping spans, then write B and I span by span (the reference)."""
    codes = np.zeros(len(starts), dtype=np.int8)
    merged: list[list[int]] = []
    for s, e in sorted(spans):
        if merged and s < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    for s, e in merged:
        inside = [i for i in range(len(starts)) if starts[i] < e and ends[i] > s]
        if inside:
            if codes[inside[0]] == 0:
                codes[inside[0]] = 1
            codes[inside[0] + 1:inside[-1] + 1] = 2
    return codes


def _random_spans(rng: random.Random, length: int, labels: str, n: int) -> list[tuple[int, int, str]]:
    out = []
    for _ in range(n):
        s = rng.randrange(0, length)
        out.append((s, min(length, s + rng.choice([0, 1, 2, 5, 12, 40])), rng.choice(labels)))
    return out


def test_layer_codes_of_many_sets_equal_the_span_by_span_definition() -> None:
    rng = random.Random(3)
    for _ in range(300):
        text = "".join(rng.choice("ab c,.  d") for _ in range(rng.randint(0, 60)))
        starts, ends = tokenize(text)
        sets = [_random_spans(rng, max(len(text), 1), "xyz", rng.randint(0, 12)) for _ in range(3)]
        labels = ["x", "y", "z", "w"]  # w: a layer no one used (all O)
        codes = label_layer_codes(starts, ends, sets, labels)
        assert codes.shape == (3, 4, len(starts))
        for k, spans in enumerate(sets):
            for i, lab in enumerate(labels):
                want = _codes_by_definition(starts, ends, [(s, e) for s, e, x in spans if x == lab])
                assert codes[k, i].tolist() == want.tolist(), (text, spans, lab)


def test_expected_disagreement_in_integers_is_numpys_float() -> None:
    rng = random.Random(5)
    for _ in range(500):
        units = [rng.randint(1, 400) for _ in range(rng.randint(1, 60))]
        gaps = [rng.randint(1, 900) for _ in range(rng.randint(0, 60))]
        m, length = rng.randint(2, 4), sum(units) + sum(gaps) + rng.randint(1, 50)
        assert _expected(units, gaps, m, length) == _expected_numpy(np.asarray(units), np.asarray(gaps), m, length)


def _matching_by_brute_force(a: list[tuple[int, int, str]], b: list[tuple[int, int, str]]) -> int:
    best = 0

    def walk(i: int, used: frozenset[int], size: int) -> None:
        nonlocal best
        best = max(best, size)
        if i == len(a) or size + len(a) - i <= best:
            return
        s, e, lab = a[i]
        for j, (t, f, lab2) in enumerate(b):
            if j not in used and lab == lab2 and t < e and s < f:
                walk(i + 1, used | {j}, size + 1)
        walk(i + 1, used, size)

    walk(0, frozenset(), 0)
    return best


def test_maximum_matching_with_a_window_equals_brute_force() -> None:
    rng = random.Random(9)
    for _ in range(300):
        a = [s for s in _random_spans(rng, 60, "xy", rng.randint(0, 7)) if s[1] > s[0]]
        b = [s for s in _random_spans(rng, 60, "xy", rng.randint(0, 7)) if s[1] > s[0]]
        assert max_matching(a, b) == _matching_by_brute_force(a, b), (a, b)


def test_label_counts_come_in_label_order_and_stacked_spans_count_once_each() -> None:
    a = [(0, 5, "z"), (0, 5, "a"), (0, 5, "a"), (7, 9, "m")]
    b = [(0, 5, "a"), (0, 5, "z"), (0, 5, "z")]
    counts = label_counts(a, b)
    assert list(counts) == ["a", "m", "z"]
    assert counts["a"] == (2, 1, 1, 1) and counts["z"] == (1, 2, 1, 1) and counts["m"] == (1, 0, 0, 0)



def _disjoint_layer(rng: random.Random, length: int) -> list[tuple[int, int, str]]:
    """Spans of one label in order, none overlapping the next (some touching, some far apart)."""
    out: list[tuple[int, int, str]] = []
    pos = rng.randint(0, 5)
    while pos < length and rng.random() < 0.85:
        end = pos + rng.choice([1, 2, 3, 7, 15])
        out.append((pos, end, "x"))
        pos = end + rng.choice([0, 0, 1, 2, 6])
    return out


def test_counts_of_ordered_layers_in_one_pass_equal_the_multiset_and_the_maximum_matching() -> None:
    rng = random.Random(11)
    for _ in range(2000):
        a, b = _disjoint_layer(rng, rng.randint(0, 70)), _disjoint_layer(rng, rng.randint(0, 70))
        strict = sum((Counter(a) & Counter(b)).values())
        overlap = max_matching(a, b)
        assert _ordered_counts(a, b) == (strict, overlap), (a, b)
        if len(a) <= 7 and len(b) <= 7:
            assert overlap == _matching_by_brute_force(a, b), (a, b)
        if a and b:
            assert label_counts(a, b)["x"] == (len(a), len(b), strict, overlap)


def test_layers_overlapping_out_of_order_or_with_empty_spans_are_left_to_the_general_count() -> None:
    assert _ordered_counts([(0, 5, "x"), (4, 8, "x")], [(0, 5, "x")]) is None
    assert _ordered_counts([(0, 5, "x")], [(6, 8, "x"), (0, 5, "x")]) is None
    assert _ordered_counts([(3, 3, "x"), (3, 3, "x")], [(3, 3, "x")]) is None  # stacked empties: strict 1
    assert label_counts([(3, 3, "x"), (3, 3, "x")], [(3, 3, "x")])["x"][2] == 1
    assert _ordered_counts([(0, 5, "x"), (5, 8, "x")], [(5, 8, "x")]) == (1, 1)


_MIXED_PIECES = ["دير", "الزور", "٣", "١٢", "Kata'eb", "al", "3.5", "1,000", "2024", " ", "  ", "\n", "\r\n", "\t",
                 "\u00a0", *".,'-:;()", "...", "--", "\u0640", "\u200c", "\u064e", "\u0301", "👍🏽", "«", "’"]


def test_token_arrays_are_the_word_bounds_whichever_path_the_text_takes() -> None:
    """Running sums of ``spaced_words`` lengths (most texts) or ``word_bounds`` itself (texts with marks)."""
    rng = random.Random(13)
    for _ in range(3_000):
        text = "".join(rng.choice(_MIXED_PIECES) for _ in range(rng.randint(0, 30)))
        starts, ends = tokenize(text)
        assert list(zip(starts.tolist(), ends.tolist(), strict=True)) == word_bounds(text), repr(text)


def test_corpus_token_tables_are_the_sum_of_each_reports_tables() -> None:
    """Reports laid end to end (spans past their text's end clipped, mixed numbers of annotators and label
    layers) give the tables report-by-report codes give, summed."""
    rng = random.Random(17)
    for _ in range(60):
        docs, want = [], {}
        for _ in range(rng.randint(1, 12)):
            text = "".join(rng.choice("ab c,.  d\n") for _ in range(rng.randint(0, 50)))
            starts, ends = tokenize(text)
            n_sets = rng.choice([2, 2, 3])
            sets = [_random_spans(rng, len(text) + 6, "xyz", rng.randint(0, 9)) for _ in range(n_sets)]
            sets = [[s for s in spans if s[1] > s[0]] for spans in sets]
            labels = tuple(sorted({s[2] for spans in sets for s in spans} | set(rng.choice(["", "w"]))))
            docs.append(TokenDocument(starts, ends, len(text), sets, labels))
            codes = label_layer_codes(starts, ends, sets, labels)
            for i in range(n_sets):
                for j in range(i + 1, n_sets):
                    for lab, t in zip(labels, tables_from_codes(codes[i], codes[j]), strict=True):
                        want[lab] = want[lab] + t if lab in want else t
        got = corpus_layer_tables(docs)
        assert sorted(got) == sorted(want)
        for lab in want:
            assert got[lab].tolist() == want[lab].tolist(), lab


def test_positions_as_units_by_sorting_equal_the_row_by_row_walk() -> None:
    """Same rows, codes and value order, under both conventions, whatever order the documents list their
    annotators in (one not in the columns, one with an empty set); stacked labels take the walk."""
    rng = random.Random(19)
    people = ["ann", "bob", "cy", "dee"]
    taken = 0
    for _ in range(400):
        docs = []
        for _ in range(rng.randint(0, 6)):
            who = rng.sample(people, rng.randint(0, 4))
            sets = {w: [] if rng.random() < 0.1 else _random_spans(rng, 30, "xyz", rng.randint(0, 8)) for w in who}
            if rng.random() < 0.7:  # most documents: no annotator stacks labels at one position
                sets = {w: list({(s, e): (s, e, lab) for s, e, lab in spans}.values()) for w, spans in sets.items()}
            docs.append(sets)
        columns = rng.sample(people[:3], 3)
        for missing in ("empty", "null"):
            want_codes, want_values = _positions_row_by_row(docs, columns, missing)
            codes, values = positions_as_units(docs, columns, missing)
            assert values == want_values and codes.tolist() == want_codes.tolist(), (docs, columns, missing)
            taken += _unstacked_positions(docs, columns, missing) is not None
    assert taken > 200


def test_keeping_non_overlapping_units_skips_the_sort_only_when_it_changes_nothing() -> None:
    """INCEpTION's rule by its definition (sort by start, longer first; keep what starts after the last
    kept end) on units in order, out of order, touching, nested and empty."""
    rng = random.Random(23)
    for _ in range(3_000):
        units = [(s, s + rng.choice([0, 1, 2, 5])) for s in sorted(rng.sample(range(40), rng.randint(0, 8)))]
        if rng.random() < 0.3:
            rng.shuffle(units)
        kept_by_definition: list[tuple[int, int]] = []
        for s, e in sorted(units, key=lambda x: (x[0], -x[1])):
            if not kept_by_definition or s >= kept_by_definition[-1][1]:
                kept_by_definition.append((s, e))
        assert keep_non_overlapping(units) == (kept_by_definition, len(units) - len(kept_by_definition)), units


def _unitized(rng: random.Random) -> UnitizedDocument:
    """A document of one to four annotators: spans stacked, overlapping, outside the text, of empty length,
    some annotators with nothing; documents of length 0 too."""
    length = rng.choice([0, 1, 5, 30, 80])
    sets = {}
    for who in rng.sample(["a", "b", "c", "d"], rng.randint(1, 4)):
        spans = []
        for _ in range(rng.randint(0, 10)):
            s = rng.randrange(-3, max(length, 1) + 3)
            spans.append((s, s + rng.choice([0, 1, 2, 4, 9, 30]), rng.choice("xyz")))
        sets[who] = spans
    return UnitizedDocument(length, sets, normalised=True)


def test_all_reports_alpha_u_at_once_equals_each_reports_own() -> None:
    """``document_alphas`` gives each report's ``alpha_u_concatenated([report], annotators)`` to the last bit,
    and the corpus's distance sums are ``pair_distance``'s."""
    rng = random.Random(29)
    for _ in range(300):
        docs = [_unitized(rng) for _ in range(rng.randint(1, 10))]
        alone = [UnitizedDocument(d.length, {w: [(s, e, lab) for lab, layer in d.layers.items()
                                                 for s, e in layer.get(w, [])] for w in d.annotators},
                                  normalised=True) for d in docs]
        got_all = UnitizedCorpus(docs).document_alphas(range(len(docs)))
        for d, own, got in zip(docs, alone, got_all, strict=True):
            au = alpha_u_concatenated([own], own.annotators)
            assert got == (au["alpha_u"], au.get("reason") if au["alpha_u"] is None else None), (d.length, d.layers)
        corpus = UnitizedCorpus(docs)
        for lab in "xyz":
            for a, b in [("a", "b"), ("a", "c"), ("b", "d"), ("c", "d")]:
                found = corpus.distances(lab, a, b)
                assert found is not None
                assert found.tolist() == [pair_distance(d.units(lab, a), d.units(lab, b)) for d in docs]


def test_corpus_alpha_u_laid_out_with_numpy_equals_the_document_by_document_join() -> None:
    """Any increasing subset of documents and any annotators (some absent from some documents): the same
    dictionary, to the last bit, as joining each document's tiling."""
    rng = random.Random(31)
    for _ in range(300):
        docs = [_unitized(rng) for _ in range(rng.randint(1, 12))]
        corpus = UnitizedCorpus(docs)
        if rng.random() < 0.5:
            corpus.document_alphas([i for i, d in enumerate(docs) if len(d.annotators) >= 2])
        indices = sorted(rng.sample(range(len(docs)), rng.randint(1, len(docs))))
        names = rng.sample(["a", "b", "c", "d"], rng.randint(1, 4))
        labels = rng.choice([None, ["x", "y", "z"], ["y", "w"]])
        want = alpha_u_concatenated([docs[i] for i in indices], names, labels)
        assert corpus.alpha(indices, names, labels) == want


def test_a_document_from_sets_split_by_label_is_the_document_from_the_sets() -> None:
    """Spans outside the continuum, empty, stacked and overlapping: the same layers, the same dropped counts
    (the layers' order may differ when a label's first span is left out; nothing reads it)."""
    rng = random.Random(37)
    for _ in range(1_000):
        length = rng.choice([0, 1, 5, 30, 80])
        sets = {}
        for who in rng.sample(["a", "b", "c"], rng.randint(0, 3)):
            spans = []
            for _ in range(rng.randint(0, 10)):
                s = rng.randrange(-3, max(length, 1) + 3)
                spans.append((s, s + rng.choice([0, 1, 2, 4, 9, 30]), rng.choice("xyz")))
            sets[who] = spans
        want = UnitizedDocument(length, sets, normalised=True)
        got = UnitizedDocument.from_layers(length, {w: by_label(spans) for w, spans in sets.items()})
        assert got.layers == want.layers, sets
        assert got.dropped == want.dropped and got.annotators == want.annotators and got.length == want.length


def test_a_report_too_big_for_exact_integers_is_computed_by_unitizing_itself() -> None:
    """A layer of more than _SMALL units is left to alpha_u_concatenated (numpy floats there): same figure."""
    rng = random.Random(41)
    big = UnitizedDocument(4_000, {w: [(s, s + rng.randint(1, 6), "x") for s in range(0, 4_000, 12)]
                                   for w in ("a", "b")}, normalised=True)
    small = _unitized(rng)
    docs = [big, small]
    got = UnitizedCorpus(docs).document_alphas([0, 1])
    for d, (alpha, reason) in zip(docs, got, strict=True):
        au = alpha_u_concatenated([d], d.annotators)
        assert (alpha, reason) == (au["alpha_u"], au.get("reason") if au["alpha_u"] is None else None)
