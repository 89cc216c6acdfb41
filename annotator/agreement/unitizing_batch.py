"""α_U of every document of a corpus at once: the per-report figure and the distance sums the corpus, pair
and gold figures reuse, computed with numpy over all documents instead of unit by unit in Python.

The corpus report asks ``alpha_u_concatenated([document], coders)`` of each of its reports; one report's
layers hold tens of units, so Python's cost per unit and per call was most of the report's time. Here every
label layer's units of one annotator, across all documents, are one set of arrays; documents are kept apart by
spacing them further than any document is long. Every figure is the one ``unitizing`` gives, to the last
bit: the distance sums and the expected-disagreement numerators are exact integers (the same integers
``pair_distance`` and ``_expected`` add up), and the floating-point steps are the same operations in the same
order. A document whose figures ``unitizing`` would not compute in exact integers (a layer of more than
``_SMALL`` units, huge units or sums) is left to ``alpha_u_concatenated``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import chain, combinations
from typing import Any

import numpy as np
from numpy.typing import NDArray

from annotator.agreement.unitizing import _CUBE_EXACT, _EXACT, _SMALL, UnitizedDocument, alpha_u_concatenated

_INT_SAFE = 2 ** 62  # int64 sums of squares stay below this, or the documents go the unit-by-unit way


class _Units:
    """One annotator's kept units of one label layer over the documents holding that layer: document
    position, start and end (document coordinates), in document order then start order."""

    def __init__(self, per_doc: Sequence[Sequence[tuple[int, int]]]) -> None:
        counts = np.fromiter(map(len, per_doc), dtype=np.int64, count=len(per_doc))
        n = int(counts.sum())
        flat = np.fromiter(chain.from_iterable(chain.from_iterable(per_doc)), dtype=np.int64, count=2 * n)
        self.doc = np.repeat(np.arange(len(per_doc), dtype=np.int64), counts)
        self.start = flat[0::2]
        self.end = flat[1::2]

    def take(self, position: NDArray[np.int64]) -> _Units:
        """The units of the documents with ``position[doc] >= 0``, renumbered to that position (increasing
        with the document, so the order holds)."""
        at = position[self.doc]
        keep = at >= 0
        out = _Units(())
        out.doc, out.start, out.end = at[keep], self.start[keep], self.end[keep]
        return out


def _distances(x: _Units, y: _Units, n_docs: int, apart: int) -> NDArray[np.int64] | None:
    """``pair_distance`` of the two annotators on every document (int64 per document), or ``None`` when a
    sum could leave the exact range."""
    xs, xe, ys, ye = x.start, x.end, y.start, y.end
    x_key_s, x_key_e = x.doc * apart + xs, x.doc * apart + xe
    y_key_s, y_key_e = y.doc * apart + ys, y.doc * apart + ye
    # the partners of a unit: those starting before its end and ending after its start (a run, both sides
    # being in order and disjoint); a unit with none lies inside the other's gap
    lo = np.searchsorted(y_key_e, x_key_s, side="right")
    hi = np.searchsorted(y_key_s, x_key_e, side="left")
    count = hi - lo
    ps1 = np.concatenate(([0], np.cumsum(ys)))
    ps2 = np.concatenate(([0], np.cumsum(ys * ys)))
    pe1 = np.concatenate(([0], np.cumsum(ye)))
    pe2 = np.concatenate(([0], np.cumsum(ye * ye)))
    paired = (count * xs * xs - 2 * xs * (ps1[hi] - ps1[lo]) + (ps2[hi] - ps2[lo])
              + count * xe * xe - 2 * xe * (pe1[hi] - pe1[lo]) + (pe2[hi] - pe2[lo]))
    x_part = np.where(count > 0, paired, (xe - xs) ** 2)
    y_alone = np.searchsorted(x_key_s, y_key_e, side="left") == np.searchsorted(x_key_e, y_key_s, side="right")
    y_part = np.where(y_alone, (ye - ys) ** 2, 0)
    if int(x_part.sum()) + int(y_part.sum()) >= _EXACT:
        return None
    totals = np.zeros(n_docs, dtype=np.int64)
    np.add.at(totals, x.doc, x_part)
    np.add.at(totals, y.doc, y_part)
    return totals


def _prime_layer(in_layer: Sequence[UnitizedDocument], label: str, units: dict[str, _Units]) -> None:
    """Fill the distance caches (``UnitizedDocument.delta``) of one label layer, for every pair of each
    document's annotators, from one vectorised pass per pair over the documents holding the layer. Leaves
    a cache alone where the sums would not be exact in int64 (``delta`` then computes them)."""
    longest = max((d.length for d in in_layer), default=0)
    apart = longest + 1
    n_units = sum(len(u.start) for u in units.values())
    if 8 * (n_units + 1) * longest * longest + len(in_layer) * apart * apart >= _INT_SAFE:
        return
    for a, b in combinations(sorted(units), 2):
        totals = _distances(units[a], units[b], len(in_layer), apart)
        if totals is None:
            continue
        for d, total in zip(in_layer, totals.tolist(), strict=True):
            if a in d.annotators and b in d.annotators:
                d.remember_delta(label, a, b, float(total))


class UnitizedCorpus:
    """The corpus report's documents, each annotator's units of each label layer as arrays over all of them
    (built once), and the α_U figures the report asks of them."""

    def __init__(self, docs: Sequence[UnitizedDocument]) -> None:
        self.docs = list(docs)
        self._lengths = np.asarray([d.length for d in self.docs], dtype=np.int64)
        self._units: dict[tuple[str, str], _Units] = {}

    def units(self, label: str, who: str, position: NDArray[np.int64]) -> _Units:
        """``who``'s units in ``label`` on the documents ``position`` keeps (see ``_Units.take``)."""
        found = self._units.get((label, who))
        if found is None:
            found = self._units[(label, who)] = _Units(
                [d.layers[label].get(who, ()) if label in d.layers else () for d in self.docs])
        return found.take(position)

    def _position(self, indices: Sequence[int]) -> NDArray[np.int64]:
        if any(b <= a for a, b in zip(indices, indices[1:], strict=False)):
            raise ValueError("documents are laid out in corpus order: indices must increase")
        position = np.full(len(self.docs), -1, dtype=np.int64)
        position[np.asarray(indices, dtype=np.int64)] = np.arange(len(indices), dtype=np.int64)
        return position

    def alpha(self, indices: Sequence[int], annotators: Sequence[str],
              labels: Iterable[str] | None = None) -> dict[str, Any]:
        """``alpha_u_concatenated`` of the documents at ``indices`` (increasing), their layers laid end to
        end with numpy instead of document by document."""
        docs = [self.docs[i] for i in indices]
        names = list(annotators)
        position = self._position(indices)
        lengths = self._lengths[np.asarray(indices, dtype=np.int64)] if len(indices) else self._lengths[:0]
        offsets = np.concatenate(([0], np.cumsum(lengths)))
        total = int(offsets[-1])

        def layout(label: str) -> tuple[list[int], list[int]]:
            unit_lengths: list[NDArray[np.int64]] = []
            gaps: list[NDArray[np.int64]] = []
            for who in names:
                u = self.units(label, who, position)
                if not len(u.start):
                    gaps.append(np.asarray([total] if total > 0 else [], dtype=np.int64))
                    continue
                starts, ends = u.start + offsets[u.doc], u.end + offsets[u.doc]
                unit_lengths.append(ends - starts)
                between = np.concatenate(([starts[0]], starts[1:] - ends[:-1], [total - ends[-1]]))
                gaps.append(between[between > 0])
            return (np.concatenate(unit_lengths).tolist() if unit_lengths else [],
                    np.concatenate(gaps).tolist() if gaps else [])

        return alpha_u_concatenated(docs, names, labels, layout=layout)

    def document_alphas(self, indices: Sequence[int]) -> list[tuple[float | None, str | None]]:
        """``(alpha_u, reason)`` of ``alpha_u_concatenated([d], d.annotators)`` for the documents at
        ``indices`` (increasing), reason ``None`` when alpha is defined (the report's per-report α_U). The
        distance sums are left in the documents' caches, where the corpus, pair and gold figures find them."""
        docs = [self.docs[i] for i in indices]
        chosen = np.asarray(indices, dtype=np.int64)
        out: list[tuple[float | None, str | None]] = [(None, None)] * len(docs)
        labels = sorted({lab for d in docs for lab in d.layers})
        # per document and label: the exact numerator and Σ u(u−1) of D_e, from the units and gaps of all of
        # the document's annotators (single document: a gap is the space before, between and after its units)
        numerators: dict[str, dict[int, tuple[int, int, int]]] = {}  # label -> doc index -> (numerator, pairs, n)
        slow: set[int] = {i for i, d in enumerate(docs) if d.length <= 0 or len(d.annotators) < 2}
        for lab in labels:
            index = [i for i, d in enumerate(docs) if lab in d.layers]
            in_layer = np.full(len(self.docs), -1, dtype=np.int64)
            in_layer[chosen[np.asarray(index, dtype=np.int64)]] = np.arange(len(index), dtype=np.int64)
            seg_units: list[NDArray[np.int64]] = []
            seg_unit_doc: list[NDArray[np.int64]] = []
            seg_gaps: list[NDArray[np.int64]] = []
            seg_gap_doc: list[NDArray[np.int64]] = []
            people = sorted({w for i in index for w in docs[i].annotators})
            lengths = np.asarray([docs[i].length for i in index], dtype=np.int64)
            layer_units = {who: self.units(lab, who, in_layer) for who in people}
            _prime_layer([docs[i] for i in index], lab, layer_units)
            for who in people:
                u = layer_units[who]
                takes_part = np.asarray([who in docs[i].annotators for i in index], dtype=bool)
                seg_units.append(u.end - u.start)
                seg_unit_doc.append(u.doc)
                n = len(u.start)
                first = np.ones(n, dtype=bool)
                first[1:] = u.doc[1:] != u.doc[:-1]
                last = np.ones(n, dtype=bool)
                last[:-1] = u.doc[1:] != u.doc[:-1]
                # before the first unit, between units (positive only), after the last; the whole document
                # when the annotator marked nothing in this layer
                lead = np.where(first, u.start, 0)
                between = np.zeros(n, dtype=np.int64)
                between[1:] = u.start[1:] - u.end[:-1]
                between[first] = 0
                trail = np.where(last, lengths[u.doc] - u.end, 0)
                has_units = np.zeros(len(index), dtype=bool)
                has_units[u.doc] = True
                empty = np.flatnonzero(takes_part & ~has_units)
                for values, where in ((lead, u.doc), (between, u.doc), (trail, u.doc), (lengths[empty], empty)):
                    keep = values > 0
                    seg_gaps.append(values[keep])
                    seg_gap_doc.append(where[keep])
            units = np.concatenate(seg_units) if seg_units else np.zeros(0, dtype=np.int64)
            unit_doc = np.concatenate(seg_unit_doc) if seg_unit_doc else np.zeros(0, dtype=np.int64)
            gaps = np.concatenate(seg_gaps) if seg_gaps else np.zeros(0, dtype=np.int64)
            gap_doc = np.concatenate(seg_gap_doc) if seg_gap_doc else np.zeros(0, dtype=np.int64)
            n_seg = len(index)
            n_units = np.bincount(unit_doc, minlength=n_seg)
            big = max(int(units.max(initial=0)), int(gaps.max(initial=0))) + 1
            most_units = int(n_units.max(initial=0))
            most_gap = int(np.bincount(gap_doc, weights=gaps, minlength=n_seg).max(initial=0)) + 1
            # no int64 product or sum below can wrap (else these documents go the unit-by-unit way)
            if n_seg * big >= _INT_SAFE or most_units * (most_units * 2 * big ** 3 + big * big * most_gap) >= _INT_SAFE:
                slow.update(index)
                continue
            order = np.argsort(gap_doc * big + gaps, kind="stable")
            gap_key = (gap_doc * big + gaps)[order]
            suffix = np.concatenate(([0], np.cumsum(gaps[order])))
            seg_end = np.searchsorted(gap_key, (unit_doc + 1) * big, side="left")
            first_ge = np.searchsorted(gap_key, unit_doc * big + units, side="left")  # gaps γ ≥ l start here
            over = (suffix[seg_end] - suffix[first_ge]) - (units - 1) * (seg_end - first_ge)  # Σ_{γ ≥ l} (γ − l + 1)
            n_c = n_units[unit_doc]
            terms = (n_c - 1) * (2 * units ** 3 - 3 * units ** 2 + units) // 3 + units * units * over
            numerator = np.zeros(n_seg, dtype=np.int64)
            np.add.at(numerator, unit_doc, terms)
            pairs = np.zeros(n_seg, dtype=np.int64)
            np.add.at(pairs, unit_doc, units * (units - 1))
            longest_unit = np.zeros(n_seg, dtype=np.int64)
            np.maximum.at(longest_unit, unit_doc, units)
            per_doc: dict[int, tuple[int, int, int]] = {}
            for k, i in enumerate(index):
                n_k = int(n_units[k])
                if n_k > _SMALL or int(numerator[k]) >= _EXACT or int(longest_unit[k]) >= _CUBE_EXACT:
                    slow.add(i)
                per_doc[i] = (int(numerator[k]), int(pairs[k]), n_k)
            numerators[lab] = per_doc
        for i, d in enumerate(docs):
            if i in slow:
                au = alpha_u_concatenated([d], d.annotators)
                out[i] = (au["alpha_u"], au.get("reason") if au["alpha_u"] is None else None)
                continue
            names = d.annotators
            m = len(names)
            length = d.length
            pairs_of = list(combinations(names, 2))
            sum_o = sum_e = 0.0
            any_defined = False
            for lab in sorted(d.layers):
                numerator, pair_sum, n_k = numerators[lab][i]
                if not n_k:
                    continue
                sum_delta = 0.0
                for a, b in pairs_of:
                    sum_delta += d.delta(lab, a, b)
                d_o = 2.0 * sum_delta / (m * (m - 1) * float(length) ** 2)
                denominator = float(m * length) * float(m * length - 1) - float(pair_sum)
                d_e = None if denominator <= 0 else (2.0 / length) * float(numerator) / denominator
                if d_e:
                    sum_o += d_o
                    sum_e += d_e
                    any_defined = True
            if any_defined:
                out[i] = (1.0 - sum_o / sum_e, None)
            else:
                out[i] = (None, "no unit of positive length anywhere (nothing to unitize)")
        return out
