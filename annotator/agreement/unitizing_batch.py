"""α_U of a corpus's documents with numpy: every report's own figure, and the corpus and pair figures on
the reports laid end to end, instead of unit by unit in Python.

The corpus report asks ``alpha_u_concatenated([document], coders)`` of each of its reports; one report's
layers hold tens of units, so Python's cost per unit and per call was most of the report's time. Here every
label layer's units of one annotator, across all documents, are one set of arrays; documents are kept apart by
spacing them further than any document is long. Every figure is the one ``unitizing`` gives, to the last
bit: the distance sums and the expected-disagreement numerators are exact integers (the same integers
``pair_distance`` and ``_expected`` add up), and the floating-point steps are the same operations in the same
order. A document whose figures ``unitizing`` would not compute in exact integers (a layer of more than
``_SMALL`` units, huge units or sums) is left to ``alpha_u_concatenated`` itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import chain, combinations
from typing import Any

import numpy as np
from numpy.typing import NDArray

from annotator.agreement.unitizing import (
    _CUBE_EXACT,
    _EXACT,
    _SMALL,
    Layout,
    UnitizedDocument,
    alpha_u_concatenated,
)

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


class UnitizedCorpus:
    """The corpus report's documents, each annotator's units of each label layer as arrays over all of them
    (built once), the distance sums of each layer and pair on every document, and the α_U figures the report
    asks of them."""

    def __init__(self, docs: Sequence[UnitizedDocument]) -> None:
        self.docs = list(docs)
        self._lengths = np.asarray([d.length for d in self.docs], dtype=np.int64)
        self._units: dict[tuple[str, str], _Units] = {}
        self._in_layer: dict[str, NDArray[np.int64]] = {}
        self._distances: dict[tuple[str, str, str], NDArray[np.int64] | None] = {}

    def units(self, label: str, who: str, position: NDArray[np.int64]) -> _Units:
        """``who``'s units in ``label`` on the documents ``position`` keeps (see ``_Units.take``)."""
        found = self._units.get((label, who))
        if found is None:
            found = self._units[(label, who)] = _Units(
                [d.layers[label].get(who, ()) if label in d.layers else () for d in self.docs])
        return found.take(position)

    def _position(self, indices: Sequence[int]) -> NDArray[np.int64]:
        """Each document's place among ``indices`` (increasing), −1 for the others."""
        if any(b <= a for a, b in zip(indices, indices[1:], strict=False)):
            raise ValueError("documents are laid out in corpus order: indices must increase")
        position = np.full(len(self.docs), -1, dtype=np.int64)
        position[np.asarray(indices, dtype=np.int64)] = np.arange(len(indices), dtype=np.int64)
        return position

    def distances(self, label: str, a: str, b: str) -> NDArray[np.int64] | None:
        """``UnitizedDocument.delta(label, a, b)`` of every document as exact integers (0 where the layer
        is absent), from one vectorised pass over the corpus; ``None`` when a sum could leave the exact
        range (then ``delta`` is the way)."""
        key = (label, a, b) if a <= b else (label, b, a)
        if key not in self._distances:
            position = self._in_layer.get(label)
            if position is None:
                position = self._in_layer[label] = self._position(
                    [i for i, d in enumerate(self.docs) if label in d.layers])
            holding = np.flatnonzero(position >= 0)
            longest = int(self._lengths[holding].max(initial=0))
            apart = longest + 1
            x, y = self.units(label, key[1], position), self.units(label, key[2], position)
            n_units = len(x.start) + len(y.start)
            found: NDArray[np.int64] | None = None
            if 8 * (n_units + 1) * longest * longest + len(holding) * apart * apart < _INT_SAFE:
                in_layer = _distances(x, y, len(holding), apart)
                if in_layer is not None:
                    found = np.zeros(len(self.docs), dtype=np.int64)
                    found[holding] = in_layer
            self._distances[key] = found
        return self._distances[key]

    def _sum_of_distances(self, label: str, names: Sequence[str], chosen: NDArray[np.int64]) -> float | None:
        """Σ δ over the pairs of ``names`` and the documents ``chosen``: what ``alpha_u_concatenated`` adds up
        pair by pair (every term an integer, so the float sum is exact below 2**53); ``None`` otherwise."""
        total = 0
        for a, b in combinations(names, 2):
            found = self.distances(label, a, b)
            if found is None:
                return None
            total += int(found[chosen].sum())
        return float(total) if total < _EXACT else None

    def alpha(self, indices: Sequence[int], annotators: Sequence[str],
              labels: Iterable[str] | None = None) -> dict[str, Any]:
        """``alpha_u_concatenated`` of the documents at ``indices`` (increasing), their layers laid end to
        end with numpy instead of document by document."""
        docs = [self.docs[i] for i in indices]
        names = list(annotators)
        position = self._position(indices)
        chosen = np.asarray(indices, dtype=np.int64)
        lengths = self._lengths[chosen]
        offsets = np.concatenate(([0], np.cumsum(lengths)))
        total = int(offsets[-1])

        def layout(label: str) -> Layout:
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
                    np.concatenate(gaps).tolist() if gaps else [], self._sum_of_distances(label, names, chosen))

        return alpha_u_concatenated(docs, names, labels, layout=layout)

    def document_alphas(self, indices: Sequence[int]) -> list[tuple[float | None, str | None]]:
        """``(alpha_u, reason)`` of ``alpha_u_concatenated([d], d.annotators)`` for the documents at
        ``indices`` (increasing), reason ``None`` when alpha is defined (the report's per-report α_U)."""
        docs = [self.docs[i] for i in indices]
        chosen = np.asarray(indices, dtype=np.int64)
        slow = np.asarray([d.length <= 0 or len(d.annotators) < 2 for d in docs], dtype=bool)
        sum_o = np.zeros(len(docs))
        sum_e = np.zeros(len(docs))
        defined = np.zeros(len(docs), dtype=bool)
        for lab in sorted({lab for d in docs for lab in d.layers}):  # α_U adds the labels up in this order
            index = np.asarray([i for i, d in enumerate(docs) if lab in d.layers], dtype=np.int64)
            layer_docs = [docs[i] for i in index.tolist()]
            in_layer = np.full(len(self.docs), -1, dtype=np.int64)
            in_layer[chosen[index]] = np.arange(len(index), dtype=np.int64)
            people = sorted({w for d in layer_docs for w in d.annotators})
            taking_part = {who: np.asarray([who in d.annotators for d in layer_docs], dtype=bool) for who in people}
            lengths = self._lengths[chosen[index]]
            n_seg = len(index)
            # D_o's distance sums: each pair of a document's annotators, added up
            sum_delta = np.zeros(n_seg, dtype=np.int64)
            for a, b in combinations(people, 2):
                found = self.distances(lab, a, b)
                both = taking_part[a] & taking_part[b]
                if found is None:
                    slow[index[both]] = True
                else:
                    sum_delta += np.where(both, found[chosen[index]], 0)
            # D_e's numerator and Σ u(u−1) in exact integers, from the units and gaps of all the document's
            # annotators (one document: a gap is the space before, between and after one annotator's units)
            seg_units: list[NDArray[np.int64]] = []
            seg_unit_doc: list[NDArray[np.int64]] = []
            seg_gaps: list[NDArray[np.int64]] = []
            seg_gap_doc: list[NDArray[np.int64]] = []
            for who in people:
                u = self.units(lab, who, in_layer)
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
                has_units = np.zeros(n_seg, dtype=bool)
                has_units[u.doc] = True
                empty = np.flatnonzero(taking_part[who] & ~has_units)
                for values, where in ((lead, u.doc), (between, u.doc), (trail, u.doc), (lengths[empty], empty)):
                    keep = values > 0
                    seg_gaps.append(values[keep])
                    seg_gap_doc.append(where[keep])
            units = np.concatenate(seg_units)
            unit_doc = np.concatenate(seg_unit_doc)
            gaps = np.concatenate(seg_gaps)
            gap_doc = np.concatenate(seg_gap_doc)
            n_units = np.bincount(unit_doc, minlength=n_seg)
            longest_unit = np.zeros(n_seg, dtype=np.int64)
            np.maximum.at(longest_unit, unit_doc, units)
            big = max(int(units.max(initial=0)), int(gaps.max(initial=0))) + 1
            u_max = int(units.max(initial=0))
            most_units = int(n_units.max(initial=0))
            most_gap = int(np.bincount(gap_doc, weights=gaps, minlength=n_seg).max(initial=0)) + 1
            # no int64 product or sum below can wrap (else these documents go the unit-by-unit way)
            widest = most_units * (most_units * 2 * u_max ** 3 + u_max ** 2 * most_gap)
            if n_seg * big >= _INT_SAFE or widest >= _INT_SAFE:
                slow[index] = True
                continue
            gap_key = np.sort(gap_doc * big + gaps)
            suffix = np.concatenate(([0], np.cumsum(gap_key - (gap_key // big) * big)))
            seg_end = np.searchsorted(gap_key, (unit_doc + 1) * big, side="left")
            first_ge = np.searchsorted(gap_key, unit_doc * big + units, side="left")  # gaps γ ≥ l start here
            over = (suffix[seg_end] - suffix[first_ge]) - (units - 1) * (seg_end - first_ge)  # Σ_{γ ≥ l} (γ − l + 1)
            terms = (n_units[unit_doc] - 1) * (2 * units ** 3 - 3 * units ** 2 + units) // 3 + units * units * over
            numerator = np.zeros(n_seg, dtype=np.int64)
            np.add.at(numerator, unit_doc, terms)
            pair_sum = np.zeros(n_seg, dtype=np.int64)
            np.add.at(pair_sum, unit_doc, units * (units - 1))
            # where unitizing would not work in exact integers, it computes the document itself
            slow[index[(n_units > _SMALL) | (numerator >= _EXACT) | (longest_unit >= _CUBE_EXACT)
                       | (sum_delta >= _EXACT)]] = True
            # the floating-point steps of alpha_u_concatenated and _expected, in the same order
            m = np.asarray([len(d.annotators) for d in layer_docs], dtype=np.int64)
            length = lengths.astype(float)
            denominator = (m * lengths).astype(float) * (m * lengths - 1).astype(float) - pair_sum.astype(float)
            with np.errstate(divide="ignore", invalid="ignore"):  # empty documents are among the slow ones
                d_o = 2.0 * sum_delta.astype(float) / ((m * (m - 1)).astype(float) * length ** 2)
                d_e = (2.0 / length) * numerator.astype(float) / denominator
            counted = (n_units > 0) & (denominator > 0) & (d_e != 0.0)
            sum_o[index] += np.where(counted, d_o, 0.0)  # adding 0.0 changes no sum of non-negative terms
            sum_e[index] += np.where(counted, d_e, 0.0)
            defined[index] |= counted
        out: list[tuple[float | None, str | None]] = []
        alphas = (1.0 - sum_o / np.where(defined, sum_e, 1.0)).tolist()
        for i, d in enumerate(docs):
            if slow[i]:
                au = alpha_u_concatenated([d], d.annotators)
                out.append((au["alpha_u"], au.get("reason") if au["alpha_u"] is None else None))
            elif defined[i]:
                out.append((alphas[i], None))
            else:
                out.append((None, "no unit of positive length anywhere (nothing to unitize)"))
        return out
