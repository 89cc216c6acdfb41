"""Krippendorff's unitizing alpha α_U (agreement.md §6), as DKPro Statistics computes it and INCEpTION shows it.

α_U needs no units decided in advance: each annotator's spans of one label, with the gaps between them,
tile the continuum, and disagreement is measured on overlapping segments.  It is the chance-corrected
companion of span F1 in the report.

Two things shape this module:

* **Concatenation.**  At corpus level INCEpTION lays the documents end to end in one virtual continuum and
  computes once.  The observed part is additive over documents (a unit never crosses a document boundary, and
  a unit inside another annotator's gap stays inside it when gaps merge across the boundary), but the expected
  part depends on the *merged* gap lengths.  ``UnitizedDocument`` therefore keeps, per label and annotator,
  the kept units and the pairwise distance sums of one document, and ``alpha_u_concatenated`` joins any
  subset of documents and annotators (whole corpus, one pair, one document) without rebuilding anything.
* **Overlap within a layer.**  α_U needs non-overlapping same-label spans per annotator; INCEpTION's rule is
  applied (earliest start wins, longest among equal starts) and the number of dropped spans is reported.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping, Sequence
from itertools import combinations
from typing import Any

import numpy as np
from numpy.typing import NDArray

from annotator.agreement.spans import as_spans

Unit = tuple[int, int]  # begin, end (end exclusive), relative to the document's continuum


def keep_non_overlapping(spans: Iterable[Unit]) -> tuple[list[Unit], int]:
    """INCEpTION's rule within one label layer: sort by start (longer first on ties) and keep a span only if
    it starts at or after the end of the last kept one.  Returns the kept units and how many were dropped.

    Non-empty units already in order, each starting at or after the end of the one before (the usual
    layer), are all kept as they are: no sort."""
    units = list(spans)
    end_before = None
    for s, e in units:
        if e <= s or (end_before is not None and s < end_before):
            break
        end_before = e
    else:
        return units, 0
    ordered = sorted(units, key=lambda x: (x[0], -x[1]))
    kept: list[Unit] = []
    end = None
    for s, e in ordered:
        if end is None or s >= end:
            kept.append((s, e))
            end = e
    return kept, len(ordered) - len(kept)


def pair_distance(x: Sequence[Unit], y: Sequence[Unit]) -> float:
    """Σ δ(g, h) over the segments of two annotators that share a position (both tilings of one continuum).

    Only unit–unit pairs (squared start and end differences) and units lying entirely inside the other's gap
    (squared length) contribute; a unit is entirely inside a gap exactly when it overlaps no unit of the other
    annotator, so gaps never need to be materialised.
    """
    total = 0
    j0 = 0
    hit_y = [False] * len(y)
    for s, e in x:
        while j0 < len(y) and y[j0][1] <= s:
            j0 += 1
        j = j0
        hit = False
        while j < len(y) and y[j][0] < e:
            ys, ye = y[j]
            total += (s - ys) ** 2 + (e - ye) ** 2
            hit_y[j] = True
            hit = True
            j += 1
        if not hit:
            total += (e - s) ** 2
    for (s, e), hit in zip(y, hit_y, strict=False):
        if not hit:
            total += (e - s) ** 2
    return float(total)


class UnitizedDocument:
    """One document's continuum ``[0, length)`` with every annotator's kept units per label.

    ``sets`` maps annotator → spans (tuples ``(start, end, label)`` or objects with those attributes, offsets
    relative to ``begin``).  Spans are clipped to the continuum; empty ones are ignored.
    """

    def __init__(self, length: int, sets: Mapping[str, Iterable[Any]], *, begin: int = 0,
                 labels: Iterable[str] | None = None, normalised: bool = False) -> None:
        """``normalised``: the spans are already ``as_spans`` tuples (the corpus report's), so they are
        not converted a second time."""
        self.length = length = int(length)
        self.annotators = list(sets)
        wanted = set(labels) if labels is not None else None
        raw: dict[str, dict[str, list[Unit]]] = {}
        for who, items in sets.items():
            for s, e, lab in (items if normalised else as_spans(items)):
                if wanted is not None and lab not in wanted:
                    continue
                s -= begin
                e -= begin
                if s < 0:
                    s = 0
                if e > length:
                    e = length
                if e > s:
                    found = raw.get(lab)
                    if found is None:
                        found = raw[lab] = {}
                    units = found.get(who)
                    if units is None:
                        found[who] = [(s, e)]
                    else:
                        units.append((s, e))
        self.layers: dict[str, dict[str, list[Unit]]] = {}
        self.dropped: dict[str, int] = {who: 0 for who in self.annotators}
        for lab, per in raw.items():
            layer: dict[str, list[Unit]] = {}
            for who, units in per.items():
                kept, dropped = keep_non_overlapping(units)
                layer[who] = kept
                self.dropped[who] += dropped
            self.layers[lab] = layer
        self._delta: dict[tuple[str, str, str], float] = {}
        self._tilings: dict[tuple[str, str], tuple[int, list[int], list[int], int]] = {}

    @classmethod
    def from_layers(cls, length: int, sets: Mapping[str, Mapping[str, Sequence[tuple[int, int, str]]]]
                    ) -> UnitizedDocument:
        """``UnitizedDocument(length, sets, normalised=True)`` from sets already split by label
        (``spans.by_label``; the corpus report splits them for span F1), without grouping every span again.
        Only the order of ``layers`` can differ (labels by first span, not first span kept), and no figure
        depends on it."""
        self = cls.__new__(cls)
        self.length = length = int(length)
        self.annotators = list(sets)
        self.layers = {}
        self.dropped = {who: 0 for who in self.annotators}
        for who, per_label in sets.items():
            for lab, spans in per_label.items():
                units = [(s, e) for s, e, _ in spans if 0 <= s < e <= length]
                if len(units) != len(spans):  # some reach outside the continuum (or are empty): clip them
                    units = [(max(s, 0), min(e, length)) for s, e, _ in spans if min(e, length) > max(s, 0)]
                if units:
                    kept, dropped = keep_non_overlapping(units)
                    self.layers.setdefault(lab, {})[who] = kept
                    self.dropped[who] += dropped
        self._delta = {}
        self._tilings = {}
        return self

    def units(self, label: str, who: str) -> list[Unit]:
        return self.layers.get(label, {}).get(who, [])

    def tiling(self, label: str, who: str) -> tuple[int, list[int], list[int], int]:
        """One annotator's layer as α_U lays it out (cached): the gap before the first unit, the gaps
        of positive length between units, the unit lengths, and the gap after the last unit (the whole
        length when there is no unit). Concatenation joins the outer gaps of neighbouring documents."""
        key = (label, who)
        found = self._tilings.get(key)
        if found is None:
            inner: list[int] = []
            lengths: list[int] = []
            units = self.units(label, who)
            pos = units[0][0] if units else 0
            for s, e in units:
                if s > pos:
                    inner.append(s - pos)
                lengths.append(e - s)
                pos = e
            found = self._tilings[key] = (units[0][0] if units else 0, inner, lengths, self.length - pos)
        return found

    def delta(self, label: str, a: str, b: str) -> float:
        """Σ δ between annotators ``a`` and ``b`` in one label layer (cached; symmetric)."""
        key = (label, a, b) if a <= b else (label, b, a)
        value = self._delta.get(key)
        if value is None:
            layer = self.layers.get(label, {})
            ua, ub = layer.get(a, []), layer.get(b, [])
            value = pair_distance(ua, ub) if (ua or ub) else 0.0
            self._delta[key] = value
        return value



def _expected(unit_lengths: Sequence[int], gap_lengths: Sequence[int], m: int, length: int) -> float | None:
    """D_e of one layer (§6); ``None`` when the denominator vanishes.

    One document's layer holds tens of units, where numpy's per-call cost is most of the work: there the
    numerator is summed in exact integers (every term is an integer: u(u−1)(2u−1) is divisible by 3), which
    is the very value numpy's float sum gives while every term stays below 2**53. Larger layers use numpy."""
    if len(unit_lengths) <= _SMALL:
        gaps = sorted(gap_lengths)
        n_g = len(gaps)
        suffix = [0] * (n_g + 1)
        acc = 0
        for i in range(n_g - 1, -1, -1):
            acc += gaps[i]
            suffix[i] = acc
        n_c = len(unit_lengths)
        numerator = 0
        pairs = 0
        for u in unit_lengths:
            first = bisect_left(gaps, u)  # gaps γ ≥ l start here
            over = suffix[first] - (u - 1) * (n_g - first)  # Σ_{γ ≥ l} (γ − l + 1)
            numerator += (n_c - 1) * (2 * u ** 3 - 3 * u ** 2 + u) // 3 + u * u * over
            pairs += u * (u - 1)
        if numerator < _EXACT and max(unit_lengths, default=0) < _CUBE_EXACT:
            denominator = float(m * length) * float(m * length - 1) - float(pairs)
            if denominator <= 0:
                return None
            return (2.0 / length) * float(numerator) / denominator
    return _expected_numpy(np.asarray(unit_lengths), np.asarray(gap_lengths), m, length)


_SMALL = 256  # units in a layer up to which plain integers beat numpy
_EXACT = 2 ** 53  # below this a float sum of integers is exact, so both ways give the same float
_CUBE_EXACT = 2 ** 17  # and numpy's 2·u³ of a unit shorter than this is exact too


def _expected_numpy(unit_lengths: NDArray[Any], gap_lengths: NDArray[Any], m: int, length: int) -> float | None:
    u = unit_lengths.astype(float)
    n_c = len(u)
    g = np.sort(gap_lengths.astype(float))
    suffix = np.concatenate([np.cumsum(g[::-1])[::-1], [0.0]])
    first = np.searchsorted(g, u, side="left")  # gaps γ ≥ l start here
    over = suffix[first] - (u - 1.0) * (len(g) - first)  # Σ_{γ ≥ l} (γ − l + 1)
    numerator = float(((n_c - 1) * (2 * u ** 3 - 3 * u ** 2 + u) / 3.0 + u ** 2 * over).sum())
    denominator = float(m * length) * float(m * length - 1) - float((u * (u - 1.0)).sum())
    if denominator <= 0:
        return None
    return (2.0 / length) * numerator / denominator


# a label layer's unit lengths (annotator by annotator, in document order), gaps, and Σ δ over the pairs and
# documents when the caller has it (None: added up here from each document's ``delta``)
Layout = tuple[list[int], list[int], float | None]


def alpha_u_concatenated(docs: Sequence[UnitizedDocument], annotators: Sequence[str],
                         labels: Iterable[str] | None = None, *,
                         layout: Callable[[str], Layout] | None = None) -> dict[str, Any]:
    """α_U per label and overall on the documents laid end to end (one virtual continuum), m = len(annotators).

    An annotator listed but without a set on a document counts as having marked nothing there; callers pass
    only documents every listed annotator worked on.  Returns ``alpha_u``, ``D_o``, ``D_e`` (sums over
    labels), ``per_label`` (α_U per label) and ``labels`` (full figures per label), plus counts.
    ``layout`` gives a label's unit lengths and gaps on these documents when the caller has laid them out
    already (``unitizing_batch`` does it for many documents at once); otherwise they are joined here from
    each document's ``tiling``.
    """
    names = list(annotators)
    m = len(names)
    total_length = sum(d.length for d in docs)
    label_set = set(labels) if labels is not None else {lab for d in docs for lab in d.layers}
    out: dict[str, Any] = {"alpha_u": None, "D_o": None, "D_e": None, "per_label": {}, "labels": {},
                           "continuum_length": total_length, "n_annotators": m, "n_documents": len(docs),
                           "n_units": 0, "dropped_overlapping": sum(d.dropped.get(w, 0) for d in docs for w in names)}
    if m < 2:
        out["reason"] = "α_U needs at least two annotators"
        for lab in sorted(label_set):
            out["per_label"][lab] = None
        return out
    if total_length <= 0:
        out["reason"] = "empty continuum"
        return out
    sum_o = sum_e = 0.0
    any_defined = False
    pairs = list(combinations(names, 2))
    for lab in sorted(label_set):
        sum_delta = 0.0
        unit_lengths: list[int] = []
        gaps: list[int] = []
        known: float | None = None
        if layout is not None:
            unit_lengths, gaps, known = layout(lab)
        for who in names if layout is None else ():
            carry = 0  # the gap still open from the documents before (gaps merge across boundaries)
            for d in docs:
                lead, inner, lengths, trail = d.tiling(lab, who)
                if lengths:
                    if carry + lead > 0:
                        gaps.append(carry + lead)
                    gaps.extend(inner)
                    unit_lengths.extend(lengths)
                    carry = trail
                else:
                    carry += trail
            if carry > 0:
                gaps.append(carry)
        for d in docs if known is None else ():
            if lab in d.layers:
                for a, b in pairs:
                    sum_delta += d.delta(lab, a, b)
        if known is not None:
            sum_delta = known
        res: dict[str, Any] = {"alpha_u": None, "D_o": None, "D_e": None, "sum_of_distances": sum_delta,
                               "n_units": len(unit_lengths)}
        out["n_units"] += len(unit_lengths)
        if not unit_lengths:
            res["reason"] = "no unit of positive length in this layer"
        else:
            d_o = 2.0 * sum_delta / (m * (m - 1) * float(total_length) ** 2)
            d_e = _expected(unit_lengths, gaps, m, total_length)
            res["D_o"], res["D_e"] = d_o, d_e
            if not d_e:
                res["reason"] = "no expected disagreement in this layer"
            else:
                res["alpha_u"] = 1.0 - d_o / d_e
                sum_o += d_o
                sum_e += d_e
                any_defined = True
        out["labels"][lab] = res
        out["per_label"][lab] = res["alpha_u"]
    if not any_defined:
        out["reason"] = "no unit of positive length anywhere (nothing to unitize)"
        return out
    out["D_o"], out["D_e"] = sum_o, sum_e
    out["alpha_u"] = 1.0 - sum_o / sum_e
    return out


def krippendorff_alpha_unitizing(*, continuum: Sequence[int] | None = None,
                                 annotators: Mapping[str, Iterable[Any]] | None = None,
                                 labels: Sequence[str] | None = None,
                                 cases: Mapping[str, Mapping[str, Any]] | None = None,
                                 **_ignored: Any) -> dict[str, Any]:
    """α_U on one continuum ``[begin, end)`` for all given annotators (also those who marked nothing).

    The result has ``alpha_u`` (overall, 1 − ΣD_o/ΣD_e), ``per_label``, and one entry per label with its
    ``D_o``, ``D_e`` and ``sum_of_distances``; for a single label those are also at top level.  ``cases``
    computes several named inputs (``{name: alpha_u}`` plus ``details``).
    """
    if cases is not None:
        details = {name: krippendorff_alpha_unitizing(**case) for name, case in cases.items()}
        result: dict[str, Any] = {name: d["alpha_u"] for name, d in details.items()}
        result["details"] = details
        return result
    annotators = annotators or {}
    begin, end = (int(continuum[0]), int(continuum[1])) if continuum else (0, 0)
    doc = UnitizedDocument(end - begin, annotators, begin=begin, labels=labels)
    out = alpha_u_concatenated([doc], list(annotators), labels)
    out["continuum"] = [begin, end]
    out["dropped_by_annotator"] = doc.dropped
    out["sum_of_distances"] = sum(v["sum_of_distances"] for v in out["labels"].values())
    for lab, res in out["labels"].items():
        out.setdefault(lab, res)
    if len(out["labels"]) == 1:
        (res,) = out["labels"].values()
        out["D_o"], out["D_e"] = res["D_o"], res["D_e"]
    return out
