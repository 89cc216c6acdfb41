"""The corpus-level agreement report (agreement.md §8): overall, per label, per annotator pair, per report, and
against gold.

Why it is shaped this way:

* **Span F1 is the headline** (strict = "exact" and overlap), pooled (micro) over documents, labels and pairs,
  with the macro mean over labels beside it; α_U (§6) is the chance-corrected companion.  Token κ is shown
  only with its token counts and an explanation of O-inflation (§5).
* **Who takes part.**  Only annotators with a set on a document take part in it; the ``gold`` set is never a
  pairwise party and is the reference side in ``vs_gold``.  A document with one annotator has no pairwise
  figures (``None`` with a reason, never 1.0).
* **Averages** over documents or pairs are unweighted means of defined values and say how many were used.
* **Speed.**  Every document is visited once; the per-document, per-pair and per-label counts are kept and
  pooled afterwards.  What costs most per span is done for the whole corpus at once with numpy, to the same
  bits: α_U of every report and of the corpus and pairs (``unitizing_batch.UnitizedCorpus``, whose distance
  sums serve all three), token κ's tables (``tokens.corpus_layer_tables``) and positions as units.

The result is an ``AgreementReport`` (``report_types``), read by attribute; its ``to_dict()`` is the JSON.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import combinations
from typing import Any

from annotator.agreement.positions import positions_alpha
from annotator.agreement.report_types import (
    AgreementReport,
    GoldAgreement,
    GoldLabelAgreement,
    GoldWeek,
    LabelAgreement,
    LabelKappa,
    Overall,
    PairAgreement,
    PairLabelAgreement,
    Parameters,
    PositionsAlpha,
    ReportAgreement,
    TokenKappa,
)
from annotator.agreement.spans import SpanT, as_spans, layer_counts
from annotator.agreement.spans import by_label as split_by_label
from annotator.agreement.tokens import (
    EXPLANATION,
    TOKENIZER,
    TokenDocument,
    corpus_layer_tables,
    kappa_from_layer_tables,
    tokenize,
)
from annotator.agreement.undefined import ratio, summarise
from annotator.agreement.unitizing import UnitizedDocument, alpha_u_concatenated
from annotator.agreement.unitizing_batch import UnitizedCorpus
from annotator.core.ids import GOLD
from annotator.core.iso_dates import iso_day
from annotator.core.progress import CancelToken, ProgressFn, no_progress


@dataclass
class DocumentSpans:
    """One report's annotation sets: ``sets`` maps annotator → spans (``annotator.core.spans.Span`` or
    ``(start, end, label)`` tuples; code-point offsets, end exclusive).  ``length`` is the text length in
    code points (the α_U continuum); ``text``, when given, enables token κ."""

    report_id: str
    length: int
    sets: dict[str, list[Any]]
    title: str = ""
    text: str | None = None
    edited: dict[str, str] = field(default_factory=dict)  # annotator -> ISO date of their last edit here
    # the sets hold non-empty (int, int, str) tuples already (the store's reader: its rows satisfy end > start):
    # not converted or checked again
    plain: bool = False


def iso_week(date: str) -> str | None:
    """``2026-12-05`` (or a longer ISO timestamp) → ``2026-W49``; None when there is no date."""
    day = iso_day(date, prefix=True)
    if day is None:
        return None
    y, w, _ = day.isocalendar()
    return f"{y}-W{w:02d}"


@dataclass
class _Counts:
    """Pooled span counts: per label ``[n_a, n_b, tp_strict, tp_overlap]``."""

    labels: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0, 0]))

    def add(self, counts: Mapping[str, tuple[int, int, int, int]]) -> None:
        for lab, c in counts.items():
            mine = self.labels[lab]
            for i in range(4):
                mine[i] += c[i]

    def totals(self, only: str | None = None) -> tuple[int, int, int, int]:
        rows = [self.labels[only]] if only is not None and only in self.labels else (
            [] if only is not None else list(self.labels.values()))
        return tuple(sum(r[i] for r in rows) for i in range(4))  # type: ignore[return-value]


_NO_SPANS = "no spans to compare"  # the reason beside an undefined pooled F1 (a label's, a pair's)


def _f1(counts: _Counts, label: str | None = None) -> tuple[float | None, float | None, int, int, int, int]:
    """(F1 exact, F1 overlap, tp exact, tp overlap, n_a, n_b) of pooled counts, one label or all."""
    n_a, n_b, tp_s, tp_o = counts.totals(label)
    return ratio(2 * tp_s, n_a + n_b), ratio(2 * tp_o, n_a + n_b), tp_s, tp_o, n_a, n_b


def _macro(counts: _Counts) -> tuple[float | None, float | None, int]:
    """(macro F1 exact, macro F1 overlap, labels used): unweighted means over the labels with spans."""
    exact, overlap = [], []
    for lab in counts.labels:
        n_a, n_b, tp_s, tp_o = counts.totals(lab)
        if n_a + n_b:
            exact.append(2 * tp_s / (n_a + n_b))
            overlap.append(2 * tp_o / (n_a + n_b))
    return (sum(exact) / len(exact) if exact else None, sum(overlap) / len(overlap) if overlap else None,
            len(exact))


def _week(week: str, c: _Counts, n_reports: int) -> GoldWeek:
    """One annotator's agreement with gold on the reports they last edited in one ISO week."""
    n_gold, n_who, tp_s, tp_o = c.totals()
    return GoldWeek(week=week, f1_exact=ratio(2 * tp_s, n_gold + n_who), f1_overlap=ratio(2 * tp_o, n_gold + n_who),
                    precision=ratio(tp_s, n_who), recall=ratio(tp_s, n_gold), n_reports=n_reports,
                    n_spans=n_who, n_spans_gold=n_gold)


def _spans_of(items: Iterable[Any], wanted: set[str] | None, plain: bool = False) -> list[SpanT]:
    """The non-empty spans in scope as ``(start, end, label)`` tuples (``plain``: they are such tuples)."""
    if plain and wanted is None:
        return list(items)
    spans = items if plain else as_spans(items)
    if wanted is None:
        return [s for s in spans if s[1] > s[0]]
    return [s for s in spans if s[1] > s[0] and s[2] in wanted]


def _check_cancel(cancel: Any) -> None:
    if cancel is None:
        return
    check = getattr(cancel, "check", None)
    if callable(check):
        check()


def agreement_report(docs: Iterable[DocumentSpans], labels: Sequence[str] | None = None,
                     annotators: Sequence[str] | None = None, progress: ProgressFn = no_progress,
                     cancel: CancelToken | None = None, *, gold: str = GOLD) -> AgreementReport:
    """The corpus report: ``overall``, ``by_label``, ``by_pair``, ``by_report``, ``vs_gold``, ``token_kappa``
    and ``parameters`` (see the module docstring; ``.to_dict()`` is its JSON).  ``labels`` / ``annotators``
    restrict the scope (``gold`` is always kept as reference); ``cancel`` is checked between documents and
    raises ``annotator.core.progress.Cancelled``."""
    # a stable order: concatenated α_U depends on which document follows which (gaps join at the seams)
    docs = sorted(docs, key=lambda d: d.report_id)
    wanted_labels = set(labels) if labels else None
    wanted_people = set(annotators) if annotators else None
    total = len(docs)
    progress(0, total, "agreement: reading annotation sets")

    pair_counts: dict[tuple[str, str], _Counts] = defaultdict(_Counts)
    pair_docs: dict[tuple[str, str], list[int]] = defaultdict(list)
    gold_counts: dict[str, _Counts] = defaultdict(_Counts)
    gold_docs: dict[str, list[int]] = defaultdict(list)
    gold_weeks: dict[tuple[str, str], _Counts] = defaultdict(_Counts)
    gold_week_docs: dict[tuple[str, str], int] = defaultdict(int)
    all_counts = _Counts()
    spans_per_annotator: dict[str, int] = defaultdict(int)
    spans_per_label: dict[str, int] = defaultdict(int)
    coders_seen: set[str] = set()
    labels_seen: set[str] = set()
    unitized: list[UnitizedDocument] = []
    doc_coders: list[list[str]] = []
    gold_unitized: dict[int, UnitizedDocument] = {}
    position_docs: list[dict[str, list[SpanT]]] = []
    token_docs: list[TokenDocument] = []  # token κ's tables are counted for the corpus at once
    n_with_text = 0
    by_report: list[ReportAgreement] = []

    for index, doc in enumerate(docs):
        _check_cancel(cancel)
        sets: dict[str, list[SpanT]] = {}
        for who, items in doc.sets.items():
            if who != gold and wanted_people is not None and who not in wanted_people:
                continue
            sets[who] = _spans_of(items, wanted_labels, doc.plain)
        coders = sorted(w for w in sets if w != gold)
        coders_seen.update(coders)
        layers = {who: split_by_label(spans) for who, spans in sets.items()}  # counted by label, not span by span
        for who in coders:
            spans_per_annotator[who] += len(sets[who])
            for lab, spans in layers[who].items():
                spans_per_label[lab] += len(spans)
            labels_seen.update(layers[who])
        if gold in sets:
            labels_seen.update(layers[gold])
        # pairwise span F1
        f1_exact: list[float | None] = []
        f1_overlap: list[float | None] = []
        for a, b in combinations(coders, 2):
            counts = layer_counts(layers[a], layers[b])
            pair_counts[(a, b)].add(counts)
            pair_docs[(a, b)].append(index)
            all_counts.add(counts)
            n_a = sum(c[0] for c in counts.values())
            n_b = sum(c[1] for c in counts.values())
            f1_exact.append(ratio(2 * sum(c[2] for c in counts.values()), n_a + n_b))
            f1_overlap.append(ratio(2 * sum(c[3] for c in counts.values()), n_a + n_b))
        ex, ov = summarise(f1_exact), summarise(f1_overlap)
        # against gold
        if gold in sets:
            for who in coders:
                counts = layer_counts(layers[gold], layers[who])
                gold_counts[who].add(counts)
                gold_docs[who].append(index)
                week = iso_week(doc.edited.get(who, ""))
                if week is not None:
                    gold_weeks[(who, week)].add(counts)
                    gold_week_docs[(who, week)] += 1
        # α_U
        ud = UnitizedDocument.from_layers(doc.length, {w: layers[w] for w in coders})
        unitized.append(ud)
        doc_coders.append(coders)
        if gold in sets:
            gold_unitized[index] = UnitizedDocument.from_layers(doc.length, layers)
        if len(coders) < 2:
            reason: str | None = ("one annotator only: no pairwise agreement" if coders else
                                  "no annotator (besides gold) on this report")
        elif ov["mean"] is None:
            reason = "no annotator marked a span in scope"
        else:
            reason = None
        by_report.append(ReportAgreement(
            report=doc.report_id, title=doc.title, annotators=tuple(coders), n_annotators=len(coders),
            length=doc.length, n_spans=sum(len(sets[w]) for w in coders), has_gold=gold in sets,
            f1_exact=ex["mean"], f1_overlap=ov["mean"], n_pairs=len(f1_exact), n_pairs_undefined=ov["skipped"],
            alpha_u=None, alpha_u_reason=None, reason=reason))  # α_U: for all reports at once, below
        position_docs.append({w: sets[w] for w in coders})
        # token κ (only with the text)
        if doc.text is not None and len(coders) >= 2:
            n_with_text += 1
            starts, ends = tokenize(doc.text)
            layer_labels = tuple(sorted({lab for w in coders for lab in layers[w]} | (wanted_labels or set())))
            token_docs.append(TokenDocument(starts, ends, len(doc.text), [sets[w] for w in coders], layer_labels))
        if (index + 1) % 50 == 0 or index + 1 == total:
            progress(index + 1, total, "agreement: comparing annotation sets")

    _check_cancel(cancel)
    token_tables = corpus_layer_tables(token_docs)
    all_labels = sorted(set(labels) if labels else labels_seen)
    all_coders = sorted(coders_seen)

    # ---- α_U per report (all at once; their distance sums serve the figures below), then at corpus level
    multi = [i for i, c in enumerate(doc_coders) if len(c) >= 2]
    corpus = UnitizedCorpus(unitized)
    for i, (doc_alpha, doc_alpha_reason) in zip(multi, corpus.document_alphas(multi), strict=True):
        by_report[i] = replace(by_report[i], alpha_u=doc_alpha, alpha_u_reason=doc_alpha_reason)
    pair_alpha: dict[tuple[str, str], dict[str, Any]] = {}
    for pair, indices in pair_docs.items():
        pair_alpha[pair] = corpus.alpha(indices, list(pair), all_labels)
    complete = [i for i in multi if doc_coders[i] == all_coders]
    if multi and len(complete) == len(multi):
        corpus_alpha = corpus.alpha(complete, all_coders, all_labels)
        alpha_method = "concatenated"
        alpha_note = ("all annotators' spans on the documents laid end to end in one continuum "
                      "(INCEpTION's corpus α_U)")
    else:
        alpha_method = "mean_of_pairs"
        alpha_note = ("not every report was annotated by the same annotators, so corpus α_U cannot use one "
                      "continuum with all of them: unweighted mean of the pairwise α_U values (each pair on the "
                      "reports both annotated, laid end to end)")
        values = summarise([r["alpha_u"] for r in pair_alpha.values()])
        corpus_alpha = {"alpha_u": values["mean"], "n": values["n"], "skipped": values["skipped"],
                        "per_label": {lab: summarise([r["per_label"].get(lab) for r in pair_alpha.values()])["mean"]
                                      for lab in all_labels}}
        if values["mean"] is None:
            corpus_alpha["reason"] = values.get("reason", "no pair has a defined α_U")

    # ---- overall
    o_exact, o_overlap, o_tp_s, o_tp_o, o_n_a, o_n_b = _f1(all_counts)
    if not pair_counts:
        o_reason: str | None = "no report has two annotators (besides gold): pairwise agreement is undefined"
    elif o_exact is None:
        o_reason = "no annotator marked a span in scope"
    else:
        o_reason = None
    o_macro_exact, o_macro_overlap, o_macro_n = _macro(all_counts)
    corpus_alpha_u: float | None = corpus_alpha.get("alpha_u")
    report_means = summarise([r.f1_overlap for r in by_report if r.n_annotators >= 2])
    positions = positions_alpha(position_docs, all_coders, all_labels) if all_coders else None
    overall = Overall(
        f1_exact=o_exact, f1_overlap=o_overlap, tp_exact=o_tp_s, tp_overlap=o_tp_o, reason=o_reason,
        macro_f1_exact=o_macro_exact, macro_f1_overlap=o_macro_overlap, macro_n_labels=o_macro_n,
        n_spans_compared=o_n_a + o_n_b, n_spans=sum(spans_per_annotator.values()),
        n_spans_gold=sum(len(_spans_of(d.sets.get(gold, ()), wanted_labels, d.plain)) for d in docs if gold in d.sets),
        alpha_u=corpus_alpha_u, alpha_u_method=alpha_method,
        alpha_u_reason=corpus_alpha.get("reason") if corpus_alpha_u is None else None,
        n_reports=total, n_reports_compared=len(multi),
        n_reports_single_annotator=sum(1 for c in doc_coders if len(c) == 1),
        n_reports_no_annotator=sum(1 for c in doc_coders if not c),
        n_annotators=len(all_coders), n_pairs=len(pair_counts),
        n_pair_comparisons=sum(len(v) for v in pair_docs.values()),
        spans_per_annotator=dict(sorted(spans_per_annotator.items())),
        report_mean_f1_overlap=report_means["mean"], report_mean_n=report_means["n"],
        report_mean_skipped=report_means["skipped"],
        alpha_positions=None if positions is None else PositionsAlpha(
            unit=positions["unit"], alpha_missing_as_empty=positions["alpha_missing_as_empty"],
            reason_missing_as_empty=positions.get("reason_missing_as_empty"), n_units=positions["n_units"],
            alpha_missing_as_null=positions["alpha_missing_as_null"],
            reason_missing_as_null=positions.get("reason_missing_as_null")))

    # ---- by label
    by_label: dict[str, LabelAgreement] = {}
    label_alpha: Mapping[str, float | None] = corpus_alpha.get("per_label", {})
    for lab in all_labels:
        l_exact, l_overlap, l_tp_s, l_tp_o, l_n_a, l_n_b = _f1(all_counts, lab)
        by_label[lab] = LabelAgreement(
            f1_exact=l_exact, f1_overlap=l_overlap, tp_exact=l_tp_s, tp_overlap=l_tp_o,
            reason=_NO_SPANS if l_exact is None else None, n_spans_compared=l_n_a + l_n_b,
            n_spans=spans_per_label.get(lab, 0), alpha_u=label_alpha.get(lab),
            alpha_positions_binarised=None if positions is None else positions["per_label_binarised"].get(lab),
            pairs={f"{a}|{b}": ratio(2 * c.totals(lab)[3], c.totals(lab)[0] + c.totals(lab)[1])
                   for (a, b), c in sorted(pair_counts.items())})

    # ---- by pair
    by_pair: list[PairAgreement] = []
    for (a, b) in sorted(pair_counts):
        c = pair_counts[(a, b)]
        p_exact, p_overlap, p_tp_s, p_tp_o, p_n_a, p_n_b = _f1(c)
        p_macro_exact, p_macro_overlap, p_macro_n = _macro(c)
        au = pair_alpha[(a, b)]
        pair_labels: dict[str, PairLabelAgreement] = {}
        for lab in all_labels:
            pl_exact, pl_overlap, _, _, pl_n_a, pl_n_b = _f1(c, lab)
            pair_labels[lab] = PairLabelAgreement(f1_exact=pl_exact, f1_overlap=pl_overlap,
                                                  alpha_u=au["per_label"].get(lab), n_spans=pl_n_a + pl_n_b)
        by_pair.append(PairAgreement(
            a=a, b=b, f1_exact=p_exact, f1_overlap=p_overlap, tp_exact=p_tp_s, tp_overlap=p_tp_o,
            n_spans=p_n_a + p_n_b, n_a=p_n_a, n_b=p_n_b, reason=_NO_SPANS if p_exact is None else None,
            macro_f1_exact=p_macro_exact, macro_f1_overlap=p_macro_overlap, macro_n_labels=p_macro_n,
            n_reports=len(pair_docs[(a, b)]), alpha_u=au["alpha_u"],
            alpha_u_reason=au.get("reason") if au["alpha_u"] is None else None, by_label=pair_labels))

    # ---- vs gold
    vs_gold: list[GoldAgreement] = []
    for who in sorted(gold_counts):
        c = gold_counts[who]
        n_gold, n_who, tp_s, tp_o = c.totals()
        ua = [gold_unitized[i] for i in gold_docs[who]]
        au = alpha_u_concatenated(ua, [gold, who], all_labels)
        g_macro_exact, g_macro_overlap, g_macro_n = _macro(c)
        gold_labels: dict[str, GoldLabelAgreement] = {}
        for lab in all_labels:
            gl_gold, gl_who, gl_tp_s, gl_tp_o = c.totals(lab)
            gold_labels[lab] = GoldLabelAgreement(
                f1_exact=ratio(2 * gl_tp_s, gl_gold + gl_who), f1_overlap=ratio(2 * gl_tp_o, gl_gold + gl_who),
                precision=ratio(gl_tp_s, gl_who), recall=ratio(gl_tp_s, gl_gold))
        g_exact = ratio(2 * tp_s, n_gold + n_who)
        vs_gold.append(GoldAgreement(
            annotator=who, precision=ratio(tp_s, n_who), recall=ratio(tp_s, n_gold), f1_exact=g_exact,
            precision_overlap=ratio(tp_o, n_who), recall_overlap=ratio(tp_o, n_gold),
            f1_overlap=ratio(2 * tp_o, n_gold + n_who), alpha_u=au["alpha_u"], n_spans=n_who, n_spans_gold=n_gold,
            tp_exact=tp_s, tp_overlap=tp_o, n_reports=len(gold_docs[who]), macro_f1_exact=g_macro_exact,
            macro_f1_overlap=g_macro_overlap, macro_n_labels=g_macro_n, by_label=gold_labels,
            by_week=tuple(_week(week, gold_weeks[(w, week)], gold_week_docs[(w, week)])
                          for (w, week) in sorted(gold_weeks) if w == who),
            reason="neither gold nor the annotator has spans on the shared reports" if g_exact is None else None))

    # ---- token κ
    unit = "token × label layer × annotator pair; IOB2 codes per label layer"
    if token_tables:
        tk = kappa_from_layer_tables(token_tables)
        token_kappa = TokenKappa(
            kappa=tk["kappa"], percent_agreement=tk["percent_agreement"], tokens=tk["tokens"],
            macro_kappa=tk["macro_kappa"], macro_n_labels=tk["macro_n_labels"],
            per_label={lab: LabelKappa(kappa=v["kappa"], percent_agreement=v["percent_agreement"],
                                       tokens=v["tokens"], tokens_tagged_by_someone=v["tokens_tagged_by_someone"],
                                       reason=v.get("reason"))
                       for lab, v in tk["per_label"].items()},
            explanation=tk["explanation"], reason=tk.get("reason"), n_reports=n_with_text, tokenizer=TOKENIZER,
            unit=unit)
    else:
        token_kappa = TokenKappa(
            kappa=None, tokens=0, n_reports=0, per_label={}, explanation=EXPLANATION, tokenizer=TOKENIZER, unit=unit,
            reason=("no report has two annotators yet" if not docs  # (an empty database said "DocumentSpans")
                    else "no report text was given (DocumentSpans.text), so there are no tokens"
                    if n_with_text == 0 and not any(d.text for d in docs)
                    else "no report with text has two annotators"))

    by_report.sort(key=lambda r: (r.f1_overlap is None, r.f1_overlap if r.f1_overlap is not None else 0.0, r.report))
    progress(total, total, "agreement: done")
    parameters = Parameters(
        gold=gold, labels=tuple(all_labels), annotators=tuple(all_coders),
        label_filter=tuple(sorted(wanted_labels)) if wanted_labels else None,
        annotator_filter=tuple(sorted(wanted_people)) if wanted_people else None,
        alpha_u_method=alpha_method, alpha_u_note=alpha_note,
        alpha_u_dropped_spans=sum(sum(u.dropped.values()) for u in unitized))
    return AgreementReport(overall=overall, by_label=by_label, by_pair=tuple(by_pair), by_report=tuple(by_report),
                           vs_gold=tuple(vs_gold), token_kappa=token_kappa, parameters=parameters)
