"""Span-level agreement (agreement.md §4): F1 between two annotators and the SemEval-2013 9.1 schemes.

Free span annotation has no well-defined negative units, so the standard agreement figure for NER-style
work is pairwise F1 (positive specific agreement, Hripcsak & Rothschild 2005).  Four matching modes:
``strict`` and ``boundary`` count the multiset intersection of ``(start, end, label)`` / ``(start, end)``;
``overlap`` and ``overlap_any_label`` need a *maximum* one-to-one matching among overlapping pairs, because a
greedy matcher under-counts with nested spans (the §4 example).  Everything pools counts (micro) and also
reports per-label and macro F1.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from annotator.agreement.undefined import ratio

SpanT = tuple[int, int, str]
MODES = ("strict", "overlap", "boundary", "overlap_any_label")
SCHEMES = ("strict", "exact", "partial", "ent_type")


def as_spans(items: Iterable[Any] | None) -> list[SpanT]:
    """Normalise ``[start, end, label]`` lists/tuples or objects with ``.start``/``.end``/``.label``
    (``annotator.core.spans.Span``) to plain tuples."""
    out: list[SpanT] = []
    for s in items or ():
        if isinstance(s, (list, tuple)):
            out.append((int(s[0]), int(s[1]), str(s[2]) if len(s) > 2 else ""))
        else:
            out.append((int(s.start), int(s.end), str(s.label)))
    return out


# ------------------------------------------------------------------------------------------- matching


def max_matching(a: Sequence[SpanT], b: Sequence[SpanT], *, same_label: bool = True) -> int:
    """Size of a maximum one-to-one matching between spans of ``a`` and ``b`` that share a position.

    Candidate lists come from a sort on start (partners must overlap, so lists are short); a greedy pass
    that prefers identical spans seeds the matching and Kuhn's augmenting paths (iterative, so deep nesting
    cannot hit the recursion limit) make it maximum.
    """
    if not a or not b:
        return 0
    order_b = sorted(range(len(b)), key=lambda j: b[j][0])
    starts_b = [b[j][0] for j in order_b]
    # a partner starts after s - longest: only that window of the sorted list is scanned, not every span
    # starting before e (which made long documents quadratic)
    longest = max(y[1] - y[0] for y in b)
    adj: list[list[int]] = []
    for s, e, lab in a:
        lo, hi = bisect_right(starts_b, s - longest), bisect_left(starts_b, e)
        cand = [j for j in order_b[lo:hi] if b[j][1] > s and (not same_label or b[j][2] == lab)]
        if len(cand) > 1:  # identical partners first: the usual match, and the greedy seed is near-optimal
            cand.sort(key=lambda j: (b[j][0] != s or b[j][1] != e, abs(b[j][0] - s) + abs(b[j][1] - e)))
        adj.append(cand)
    match_a = [-1] * len(a)
    match_b = [-1] * len(b)
    for i, cand in enumerate(adj):
        for j in cand:
            if match_b[j] < 0:
                match_a[i], match_b[j] = j, i
                break
    for root in range(len(a)):
        if match_a[root] >= 0 or not adj[root]:
            continue
        _augment(root, adj, match_a, match_b)
    return sum(1 for j in match_a if j >= 0)


def _ordered_counts(a: Sequence[SpanT], b: Sequence[SpanT]) -> tuple[int, int] | None:
    """``(strict, overlap)`` true positives of two same-label layers in one merge-like pass, when each is
    in start order and every span is non-empty and ends at or before the next one starts (one annotator's
    layer usually is); ``None`` otherwise.

    Then the spans of ``b`` a span of ``a`` overlaps are a run whose first and last index never decrease
    along ``a``, and taking for each span of ``a`` in order the first partner still free is a maximum
    matching (points matched to intervals sorted by right end). A span of ``b`` identical to one of ``a``
    is always that first free partner (an earlier one would overlap it), so the identical pairs the
    matching makes are the strict matches."""
    end = -1
    for s, e, _ in b:
        if e <= s or s < end:
            return None
        end = e
    strict = overlap = 0
    j = 0
    n_b = len(b)
    end = -1
    for s, e, _ in a:
        if e <= s or s < end:
            return None
        end = e
        while j < n_b and b[j][1] <= s:  # ends before this span, so before every later one too
            j += 1
        if j < n_b and b[j][0] < e:
            overlap += 1
            if b[j][0] == s and b[j][1] == e:
                strict += 1
            j += 1
    return strict, overlap


def _augment(root: int, adj: list[list[int]], match_a: list[int], match_b: list[int]) -> bool:
    """One iterative DFS for an augmenting path from the free A-vertex ``root``."""
    seen: set[int] = set()
    parent_b: dict[int, int] = {}  # b vertex -> the a vertex it was reached from
    stack: list[tuple[int, int]] = [(root, 0)]
    while stack:
        i, k = stack[-1]
        cand = adj[i]
        if k >= len(cand):
            stack.pop()
            continue
        stack[-1] = (i, k + 1)
        j = cand[k]
        if j in seen:
            continue
        seen.add(j)
        parent_b[j] = i
        if match_b[j] < 0:  # free: flip the path back to the root
            while True:
                ia = parent_b[j]
                prev = match_a[ia]
                match_a[ia], match_b[j] = j, ia
                if ia == root:
                    return True
                j = prev
        stack.append((match_b[j], 0))
    return False


def true_positives(a: Sequence[SpanT], b: Sequence[SpanT], mode: str) -> int:
    """tp of one mode (§4 table)."""
    if mode == "strict":
        return sum((Counter(a) & Counter(b)).values())
    if mode == "boundary":
        return sum((Counter(s[:2] for s in a) & Counter(s[:2] for s in b)).values())
    if mode == "overlap":
        return max_matching(a, b, same_label=True)
    if mode == "overlap_any_label":
        return max_matching(a, b, same_label=False)
    raise ValueError(f"unknown mode {mode!r} (one of {', '.join(MODES)})")


def prf(tp: float, n_a: int, n_b: int) -> dict[str, Any]:
    """Precision/recall/F1 with A as reference; undefined parts are ``None`` with a reason."""
    out: dict[str, Any] = {"tp": tp, "n_a": n_a, "n_b": n_b, "precision": ratio(tp, n_b),
                           "recall": ratio(tp, n_a), "f1": ratio(2 * tp, n_a + n_b)}
    if out["f1"] is None:
        out["reason"] = "neither side has a span: F1 is 0/0"
    elif out["precision"] is None:
        out["reason"] = "the response side (B) has no span: precision is 0/0"
    elif out["recall"] is None:
        out["reason"] = "the reference side (A) has no span: recall is 0/0"
    return out


def by_label(spans: Sequence[SpanT]) -> dict[str, list[SpanT]]:
    out: dict[str, list[SpanT]] = defaultdict(list)
    for s in spans:
        out[s[2]].append(s)
    return out


def label_counts(a: Sequence[SpanT], b: Sequence[SpanT]) -> dict[str, tuple[int, int, int, int]]:
    """Per label: ``(n_a, n_b, tp_strict, tp_overlap)`` — the counts the corpus report pools, labels in
    sorted order (pooled sums then add up in the same order whatever the string hashes are)."""
    return layer_counts(by_label(a), by_label(b))


def layer_counts(la: Mapping[str, Sequence[SpanT]], lb: Mapping[str, Sequence[SpanT]]
                 ) -> dict[str, tuple[int, int, int, int]]:
    """``label_counts`` of two sets already split by label (``by_label``): the corpus report splits each
    set once, not once per pair it is in."""
    out: dict[str, tuple[int, int, int, int]] = {}
    for label in sorted(la.keys() | lb.keys()):
        xa, xb = la.get(label, []), lb.get(label, [])
        found = _ordered_counts(xa, xb) if xa and xb else (0, 0)
        if found is not None:
            strict, overlap = found
        else:
            sa, sb = set(xa), set(xb)
            # the multiset intersection; sets give it when no span is stacked twice (the usual case)
            strict = len(sa & sb) if len(sa) == len(xa) and len(sb) == len(xb) else \
                sum((Counter(xa) & Counter(xb)).values())
            # every strict match is an overlap match; only search when something is left to match
            overlap = strict if strict == min(len(xa), len(xb)) else max_matching(xa, xb, same_label=True)
        out[label] = (len(xa), len(xb), strict, overlap)
    return out


class Tally:
    """Pooled counts of one mode (micro F1) plus per-label counts (per-label and macro F1)."""

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.tp = self.n_a = self.n_b = 0
        self.labels: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])

    def add(self, a: Sequence[SpanT], b: Sequence[SpanT]) -> None:
        la, lb = by_label(a), by_label(b)
        for label in la.keys() | lb.keys():
            xa, xb = la.get(label, []), lb.get(label, [])
            c = self.labels[label]
            c[1] += len(xa)
            c[2] += len(xb)
            if self.mode in ("strict", "overlap"):  # label-bound modes: tp splits by label exactly
                tp = true_positives(xa, xb, self.mode)
                c[0] += tp
                self.tp += tp
        if self.mode not in ("strict", "overlap"):
            self.tp += true_positives(a, b, self.mode)
        self.n_a += len(a)
        self.n_b += len(b)

    def result(self) -> dict[str, Any]:
        out = prf(self.tp, self.n_a, self.n_b)
        out["mode"] = self.mode
        if self.mode in ("strict", "overlap"):
            per = {label: prf(*c) for label, c in sorted(self.labels.items())}
            out["per_label"] = per
            out["per_label_f1"] = {label: v["f1"] for label, v in per.items()}
            macro = [v["f1"] for v in per.values() if v["f1"] is not None]
            out["macro_f1"] = sum(macro) / len(macro) if macro else None
            out["macro_n_labels"] = len(macro)
        return out


def span_f1(*, annotators: Mapping[str, Sequence[Any]] | None = None,
            documents: Mapping[str, Mapping[str, Sequence[Any]]] | None = None, mode: str | None = None,
            labels: Sequence[str] | None = None, reference: str | None = None,
            **_ignored: Any) -> dict[str, Any]:
    """Span F1 between annotators (agreement.md §4), over one document or many.

    ``documents`` (``{doc: {annotator: spans}}``) pools tp and span counts over the documents on which both
    annotators of a pair have a set (micro), and also gives each document's own figures (``by_document``);
    per-label and macro figures come with every result.  With two annotators (the first named, or
    ``reference``, is side A) the result holds one sub-dict per mode (``strict``, ``overlap``, ``boundary``,
    ``overlap_any_label``), or with ``mode`` that sub-dict.  With three or more it holds every pair
    (``pairs``) and the unweighted mean of their defined F1 values (``mean_pairwise_f1``, with how many
    pairs were undefined).  Fewer than two annotators give ``f1 = None`` with a reason.
    """
    docs = documents if documents is not None else {"": annotators or {}}
    names: list[str] = []
    for sets in docs.values():
        names += [n for n in sets if n not in names]
    if reference is not None and reference in names:
        names.remove(reference)
        names.insert(0, reference)
    modes = [mode] if mode else list(MODES)
    if len(names) < 2:
        why = f"span F1 compares two or more annotators, got {len(names)}"
        empty = {m: {"f1": None, "precision": None, "recall": None, "tp": 0, "n_a": 0, "n_b": 0, "mode": m,
                     "reason": why} for m in modes}
        return empty[mode] if mode else {**empty, "annotators": names, "reason": why}
    keep = set(labels) if labels else None
    if len(names) == 2:
        return _pair(docs, names[0], names[1], modes, keep, mode, documents is not None)
    pairs = [_pair(docs, a, b, modes, keep, mode, documents is not None) for i, a in enumerate(names)
             for b in names[i + 1:]]
    out: dict[str, Any] = {"annotators": names, "n_pairs": len(pairs), "pairs": pairs}
    if mode:
        values = [p["f1"] for p in pairs]
        defined = [v for v in values if v is not None]
        out.update(mode=mode, mean_pairwise_f1=sum(defined) / len(defined) if defined else None,
                   n_pairs_undefined=len(values) - len(defined))
        return out
    out["mean_pairwise_f1"] = {}
    out["n_pairs_undefined"] = {}
    for m in modes:
        defined = [p[m]["f1"] for p in pairs if p[m]["f1"] is not None]
        out["mean_pairwise_f1"][m] = sum(defined) / len(defined) if defined else None
        out["n_pairs_undefined"][m] = len(pairs) - len(defined)
    return out


def _pair(docs: Mapping[str, Mapping[str, Sequence[Any]]], a_name: str, b_name: str, modes: list[str],
          keep: set[str] | None, mode: str | None, per_document: bool) -> dict[str, Any]:
    """One pair's figures over the documents both have a set on (A = ``a_name``)."""
    pairs: list[tuple[str, list[SpanT], list[SpanT]]] = []
    skipped = 0
    for doc, sets in docs.items():
        if a_name not in sets or b_name not in sets:
            skipped += 1
            continue
        a = [s for s in as_spans(sets[a_name]) if keep is None or s[2] in keep]
        b = [s for s in as_spans(sets[b_name]) if keep is None or s[2] in keep]
        pairs.append((doc, a, b))
    results: dict[str, Any] = {}
    for m in modes:
        tally = Tally(m)
        by_document: dict[str, Any] = {}
        for doc, a, b in pairs:
            tally.add(a, b)
            if per_document:
                one = Tally(m)
                one.add(a, b)
                by_document[doc] = one.result()
        results[m] = {**tally.result(), "a": a_name, "b": b_name, "n_documents": len(pairs),
                      "n_documents_skipped": skipped}
        if per_document:
            results[m]["by_document"] = by_document
    if mode:
        chosen: dict[str, Any] = results[mode]
        return chosen
    results["annotators"] = [a_name, b_name]
    results["a"], results["b"] = a_name, b_name
    return results


# ------------------------------------------------------------------------------ SemEval-2013 task 9.1


def iob_to_spans(sentences: Sequence[Sequence[str]]) -> list[SpanT]:
    """IOB2 tag lists (one per sentence) to token-offset spans; sentences are laid end to end, so a span
    never crosses a sentence.  A stray ``I-x`` (no open span of x) starts a span, as conlleval does."""
    out: list[SpanT] = []
    offset = 0
    for tags in sentences:
        start: int | None = None
        label = ""
        for i, tag in enumerate(list(tags) + ["O"]):
            prefix, _, lab = tag.partition("-")
            if start is not None and (prefix != "I" or lab != label):
                out.append((offset + start, offset + i, label))
                start = None
            if prefix == "B" or (prefix == "I" and start is None):
                start, label = i, lab
        offset += len(tags)
    return out


def _semeval_input(items: Sequence[Any]) -> list[SpanT]:
    items = list(items or [])
    if items and isinstance(items[0], (list, tuple)) and all(isinstance(t, str) for t in items[0]):
        return iob_to_spans(items)  # one IOB2 tag list per sentence
    return as_spans(items)


def span_semeval(*, reference: Sequence[Any], response: Sequence[Any], **_ignored: Any) -> dict[str, Any]:
    """MUC/SemEval-2013 9.1 counts (COR/INC/PAR/MIS/SPU) and P/R/F1 for strict, exact, partial, ent_type.

    Like ``nervaluate``: response spans are taken in order; one that equals a reference span exactly is COR
    everywhere, otherwise it is classified against the first reference span (in document order) with the
    same boundaries or, failing that, the first it overlaps; a response overlapping nothing is SPU, and a
    reference span no response touched is MIS.  Our own strict/overlap F1 are added for comparison.
    """
    ref = sorted(_semeval_input(reference), key=lambda s: (s[0], s[1]))
    resp = _semeval_input(response)
    counts: dict[str, Counter[str]] = {s: Counter() for s in SCHEMES}
    touched: set[int] = set()
    for s, e, lab in resp:
        exact = [i for i, r in enumerate(ref) if r == (s, e, lab)]
        same = [i for i, r in enumerate(ref) if r[0] == s and r[1] == e]
        over = [i for i, r in enumerate(ref) if r[0] < e and s < r[1]]
        if exact:
            touched.add(exact[0])
            for scheme in SCHEMES:
                counts[scheme]["cor"] += 1
        elif same:
            touched.add(same[0])
            counts["strict"]["inc"] += 1
            counts["exact"]["cor"] += 1
            counts["partial"]["cor"] += 1
            counts["ent_type"]["inc"] += 1
        elif over:
            i = over[0]
            touched.add(i)
            counts["strict"]["inc"] += 1
            counts["exact"]["inc"] += 1
            counts["partial"]["par"] += 1
            counts["ent_type"]["cor" if ref[i][2] == lab else "inc"] += 1
        else:
            for scheme in SCHEMES:
                counts[scheme]["spu"] += 1
    missed = len(ref) - len(touched)
    out: dict[str, Any] = {"n_reference": len(ref), "n_response": len(resp)}
    for scheme in SCHEMES:
        c = counts[scheme]
        cor, inc, par, spu = c["cor"], c["inc"], c["par"], c["spu"]
        pos, act = cor + inc + par + missed, cor + inc + par + spu
        credit = cor + 0.5 * par if scheme == "partial" else cor
        p, r = ratio(credit, act), ratio(credit, pos)
        f1 = ratio(2 * credit, pos + act)  # = 2PR/(P+R), defined whenever either side has a span
        entry: dict[str, Any] = {"cor": cor, "inc": inc, "par": par, "mis": missed, "spu": spu,
                                 "possible": pos, "actual": act, "precision": p, "recall": r, "f1": f1}
        if f1 is None:
            entry["reason"] = "neither side has a span"
        out[scheme] = entry
    out["ours_strict_f1"] = prf(true_positives(ref, resp, "strict"), len(ref), len(resp))["f1"]
    out["ours_overlap_f1"] = prf(true_positives(ref, resp, "overlap"), len(ref), len(resp))["f1"]
    return out
