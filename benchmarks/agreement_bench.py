"""Benchmarks of the agreement engine: the corpus report at scale, each measure on its own, and our κ/α side
by side with NLTK's ``AnnotationTask`` and the ``krippendorff`` package on the same data.

``run()`` returns a dict of figures (seconds, ratios ours/theirs and whether the values agree);
``python benchmarks/agreement_bench.py`` prints them as JSON.  The corpus is synthetic and deterministic
(``random.Random(7)``): 1,000 reports of ~3,000 code points, 3 annotators with ~50 spans each (labels actor,
place, date, claim; claims contain entity spans), ~70 % of an annotator's spans shared exactly with the base
annotation, the rest shifted by a word, relabelled, dropped or added; every 10th report also has a gold set.
"""

from __future__ import annotations

import json
import random
import sys
import time
from itertools import combinations
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from annotator.agreement import (  # noqa: E402
    DocumentSpans,
    agreement_report,
    cohen_kappa,
    fleiss_kappa,
    gamma,
    gamma_observed_disorder,
    krippendorff_alpha_unitizing,
    span_f1,
    token_kappa,
)
from annotator.agreement.coding import alpha_from_coincidences, coincidences_from_codes  # noqa: E402
from annotator.agreement.positions import positions_as_units  # noqa: E402
from annotator.agreement.spans import as_spans  # noqa: E402
from annotator.agreement.tokens import layer_codes, tokenize  # noqa: E402

LABELS = ("actor", "place", "date", "claim")
ANNOTATORS = ("ann1", "ann2", "ann3")
_SYLLABLES = ("al", "ra", "mi", "der", "zor", "ha", "sa", "lam", "ni", "ka", "bu", "tar", "qa", "ma", "din", "el")


def _text(rng: random.Random, target: int) -> tuple[str, list[tuple[int, int]]]:
    parts: list[str] = []
    words: list[tuple[int, int]] = []
    pos = 0
    while pos < target:
        word = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(1, 3)))
        if rng.random() < 0.15:
            word = word.capitalize()
        words.append((pos, pos + len(word)))
        parts.append(word)
        pos += len(word)
        sep = ". " if rng.random() < 0.07 else (", " if rng.random() < 0.08 else " ")
        parts.append(sep)
        pos += len(sep)
    return "".join(parts), words


def _base_spans(rng: random.Random, words: list[tuple[int, int]], n: int = 50) -> list[tuple[int, int, str]]:
    spans = []
    for _ in range(n):
        label = "claim" if rng.random() < 0.16 else rng.choice(LABELS[:3])
        size = rng.randint(8, 25) if label == "claim" else rng.randint(1, 3)
        i = rng.randrange(0, len(words) - size)
        spans.append((words[i][0], words[i + size - 1][1], label))
    return sorted(spans)


def _annotate(rng: random.Random, base: list[tuple[int, int, str]], words: list[tuple[int, int]]) -> list[tuple]:
    starts = [w[0] for w in words]
    ends = [w[1] for w in words]
    out = []
    for s, e, label in base:
        r = rng.random()
        if r < 0.70:
            out.append((s, e, label))
        elif r < 0.82:  # boundary shifted by one word
            i, j = starts.index(s), ends.index(e)
            if rng.random() < 0.5 and j + 1 < len(words):
                j += 1
            elif i + 1 <= j:
                i += 1
            elif i > 0:
                i -= 1
            out.append((starts[i], ends[j], label))
        elif r < 0.92:  # relabelled
            out.append((s, e, rng.choice([x for x in LABELS if x != label])))
        elif r < 0.96:  # dropped, and something else marked instead
            k = rng.randrange(len(words) - 2)
            out.append((words[k][0], words[k + rng.randint(0, 1)][1], rng.choice(LABELS[:3])))
        # else: dropped
    return out


def synthetic_corpus(n_reports: int = 1_000, seed: int = 7) -> list[DocumentSpans]:
    rng = random.Random(seed)
    docs = []
    for i in range(n_reports):
        text, words = _text(rng, 3_000)
        base = _base_spans(rng, words)
        sets: dict[str, list[Any]] = {who: _annotate(rng, base, words) for who in ANNOTATORS}
        if i % 10 == 0:
            sets["gold"] = list(base)
        docs.append(DocumentSpans(f"R{i:04d}", len(text), sets, title=f"Report {i}", text=text))
    return docs


def _timed(fn: Any, *args: Any, **kwargs: Any) -> tuple[Any, float]:
    t = time.perf_counter()
    value = fn(*args, **kwargs)
    return value, time.perf_counter() - t


def run(n_reports: int = 1_000) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    docs, seconds = _timed(synthetic_corpus, n_reports)
    figures["corpus_generate_s"] = round(seconds, 3)
    figures["reports"] = len(docs)
    figures["spans_per_annotator_mean"] = round(
        sum(len(d.sets[w]) for d in docs for w in ANNOTATORS) / (len(docs) * len(ANNOTATORS)), 1)
    figures["report_length_mean"] = round(sum(d.length for d in docs) / len(docs))

    # ---- the whole report
    report, seconds = _timed(agreement_report, docs)
    figures["agreement_report_s"] = round(seconds, 3)
    o = report.overall
    figures["report_f1_exact"] = round(o.f1_exact, 4)
    figures["report_f1_overlap"] = round(o.f1_overlap, 4)
    figures["report_alpha_u"] = round(o.alpha_u, 4)
    figures["report_token_kappa"] = round(report.token_kappa.kappa, 4)
    figures["report_alpha_positions_empty"] = round(o.alpha_positions.alpha_missing_as_empty, 4)
    _, seconds = _timed(report.to_dict)
    figures["agreement_report_to_dict_s"] = round(seconds, 3)
    no_text = [DocumentSpans(d.report_id, d.length, d.sets, d.title) for d in docs]
    _, seconds = _timed(agreement_report, no_text)
    figures["agreement_report_without_text_s"] = round(seconds, 3)

    # ---- each measure on its own
    normalised = [{w: as_spans(s) for w, s in d.sets.items() if w != "gold"} for d in docs]
    documents = {d.report_id: n for d, n in zip(docs, normalised, strict=False)}
    t = time.perf_counter()
    for a, b in combinations(ANNOTATORS, 2):
        span_f1(documents={k: {a: v[a], b: v[b]} for k, v in documents.items()})
    figures["span_f1_3_pairs_all_modes_s"] = round(time.perf_counter() - t, 3)
    t = time.perf_counter()
    for d, n in zip(docs, normalised, strict=False):
        krippendorff_alpha_unitizing(continuum=[0, d.length], annotators=n)
    figures["alpha_u_per_report_s"] = round(time.perf_counter() - t, 3)
    t = time.perf_counter()
    for d, n in zip(docs, normalised, strict=False):
        starts, ends = tokenize(d.text or "")
        for lab in LABELS:
            ca = layer_codes(starts, ends, [(s, e) for s, e, x in n["ann1"] if x == lab])
            cb = layer_codes(starts, ends, [(s, e) for s, e, x in n["ann2"] if x == lab])
            names = np.array(["O", f"B-{lab}", f"I-{lab}"])
            if d is docs[0]:  # the full token_kappa (with its padding table) once, on real tags
                token_kappa(tags={"ann1": names[ca].tolist(), "ann2": names[cb].tolist()})
    figures["token_layers_ann1_ann2_s"] = round(time.perf_counter() - t, 3)

    (codes, values), seconds = _timed(positions_as_units, normalised, ANNOTATORS, "empty")
    figures["positions_as_units_build_s"] = round(seconds, 3)
    figures["positions_units"] = int(codes.shape[0])
    figures["positions_values"] = len(values)

    counts = np.zeros((codes.shape[0], len(values)))
    np.add.at(counts, (np.repeat(np.arange(codes.shape[0]), codes.shape[1]), codes.ravel()), 1)
    fk, seconds = _timed(fleiss_kappa, counts=counts)
    figures["fleiss_kappa_positions_s"] = round(seconds, 4)
    figures["fleiss_kappa_positions"] = round(fk["kappa"], 4)

    sample_docs = [d for d in docs[:100]]
    t = time.perf_counter()
    for d in sample_docs:
        gamma_observed_disorder(annotators={w: d.sets[w] for w in ANNOTATORS[:2]})
    figures["gamma_observed_disorder_2_annotators_100_reports_s"] = round(time.perf_counter() - t, 3)
    params = {"alpha": 3, "beta": 1, "delta_empty": 1}
    g, seconds = _timed(gamma, annotators={w: docs[0].sets[w] for w in ANNOTATORS[:2]}, seed=7, n_samples=30,
                        dissimilarity=params)
    figures["gamma_2_annotators_one_report_30_samples_s"] = round(seconds, 3)
    figures["gamma_2_annotators_one_report"] = round(g["gamma"], 4) if g["gamma"] is not None else None
    window = {w: [s for s in as_spans(docs[0].sets[w]) if s[1] <= 1_000] for w in ANNOTATORS}
    g, seconds = _timed(gamma, annotators=window, seed=7, n_samples=30, dissimilarity=params)
    figures["gamma_3_annotators_1000_char_window_30_samples_s"] = round(seconds, 3)
    figures["gamma_3_annotators_1000_char_window"] = round(g["gamma"], 4) if g["gamma"] is not None else None

    # ---- side by side on positions-as-units nominal data (complete: ∅ for "no span here")
    figures.update(_side_by_side(codes, values))
    return figures


def _side_by_side(codes: np.ndarray, values: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    k = len(values)
    co, ours_build = _timed(coincidences_from_codes, codes, k, values)
    res, ours_alpha = _timed(alpha_from_coincidences, co, "nominal")
    ours_alpha_s = ours_build + ours_alpha
    ours_alpha_value = res["alpha"]
    out["sbs_units"] = int(codes.shape[0])
    out["sbs_alpha_ours_s"] = round(ours_alpha_s, 4)
    out["sbs_alpha_ours"] = round(ours_alpha_value, 6)

    # krippendorff package: coders × units, NaN for missing
    try:
        import krippendorff  # noqa: PLC0415 (reference library, not a dependency)

        reliability = np.where(codes.T >= 0, codes.T, np.nan).astype(float)
        theirs, seconds = _timed(krippendorff.alpha, reliability_data=reliability, level_of_measurement="nominal")
        out["sbs_alpha_krippendorff_pkg_s"] = round(seconds, 4)
        out["sbs_alpha_ratio_ours_over_krippendorff_pkg"] = round(ours_alpha_s / seconds, 3)
        out["sbs_alpha_agrees_krippendorff_pkg"] = bool(abs(theirs - ours_alpha_value) < 1e-9)
    except ImportError:
        out["sbs_alpha_krippendorff_pkg_s"] = "not installed"

    # NLTK: (coder, item, label) triples on the same units
    try:
        from nltk.metrics.agreement import AnnotationTask  # noqa: PLC0415 (reference library, not a dependency)

        n_nltk = codes.shape[0]
        sub = codes
        data = [(f"c{j}", i, int(v)) for i, row in enumerate(sub.tolist()) for j, v in enumerate(row) if v >= 0]
        task, build = _timed(AnnotationTask, data=data)
        a_nltk, seconds_alpha = _timed(task.alpha)
        k_nltk, seconds_kappa = _timed(task.kappa)
        sub_co, s1 = _timed(coincidences_from_codes, sub, k, values)
        sub_alpha, s2 = _timed(alpha_from_coincidences, sub_co, "nominal")
        t = time.perf_counter()
        pair_kappas = [cohen_kappa(a=sub[:, x].tolist(), b=sub[:, y].tolist())["kappa"]
                       for x, y in combinations(range(sub.shape[1]), 2)]
        ours_kappa = sum(pair_kappas) / len(pair_kappas)  # NLTK's kappa() = mean pairwise Cohen κ
        seconds_ours_kappa = time.perf_counter() - t
        out["sbs_nltk_units"] = int(n_nltk)
        out["sbs_nltk_task_build_s"] = round(build, 3)
        out["sbs_alpha_nltk_s"] = round(seconds_alpha, 3)
        out["sbs_alpha_ratio_ours_over_nltk"] = round((s1 + s2) / seconds_alpha, 4)
        out["sbs_alpha_agrees_nltk"] = bool(abs(a_nltk - sub_alpha["alpha"]) < 1e-9)
        out["sbs_kappa_nltk_s"] = round(seconds_kappa, 3)
        out["sbs_kappa_ours_s"] = round(seconds_ours_kappa, 4)
        out["sbs_kappa_ratio_ours_over_nltk"] = round(seconds_ours_kappa / seconds_kappa, 4)
        out["sbs_kappa_agrees_nltk"] = bool(abs(k_nltk - ours_kappa) < 1e-9)
        out["sbs_kappa_mean_pairwise"] = round(ours_kappa, 6)
    except ImportError:
        out["sbs_alpha_nltk_s"] = "not installed"
    return out


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
