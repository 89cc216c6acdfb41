"""Token-level Cohen's κ over IOB2 tags (agreement.md §5), and the numbers that show why it flatters.

Token κ is what many NER papers quote, so the report offers it — but tokens both annotators left ``O``
count as agreement, and padding a document with such tokens pushes κ towards ``1 − D/(n_A + n_B)`` (the token
F1 of a binary layer).  κ then measures document length as much as annotators.  This module therefore always
returns κ together with its token counts, the padded values, κ on the tokens someone tagged, and token F1.

For the corpus report the tags are built with numpy: one IOB layer per label (IOB cannot hold nesting; nested
same-label spans collapse to their union), codes 0 = O, 1 = B, 2 = I, and a 3×3 table per layer and pair.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from itertools import chain, combinations, repeat
from typing import Any, NamedTuple

import numpy as np
from numpy.typing import NDArray

from annotator.agreement.undefined import ratio
from annotator.core.tokenize import spaced_words, word_bounds

PADDING = (12, 100, 10_000)
TOKENIZER = ("annotator.core.tokenize: spaCy-blank-like words (Kata'eb, 3.5, 1,000 whole), punctuation and "
             "symbols one by one, runs of dots or hyphens whole, never a grapheme cluster cut; whitespace left out")
EXPLANATION = ("Token kappa treats every token both annotators left O as agreement: padding a text with untagged "
               "tokens pushes percent agreement to 1 and kappa towards 1 - D/(n_A + n_B) (the token F1 of a "
               "binary layer), so it rises with document length and sparse annotation and says as much about "
               "the documents as about the annotators. Read span F1 and alpha_U; quote token kappa only with "
               "its token counts.")


def _kappa_from_table(table: NDArray[Any]) -> tuple[float | None, float | None]:
    """(κ, observed agreement) of a square count table; κ ``None`` when chance agreement is 1 or no data."""
    n = float(table.sum())
    if n == 0:
        return None, None
    p = table / n
    p_o = float(np.trace(p))
    p_e = float(p.sum(axis=1) @ p.sum(axis=0))
    return (None if abs(1.0 - p_e) < 1e-15 else (p_o - p_e) / (1.0 - p_e)), p_o


def _table(a: Sequence[str], b: Sequence[str], categories: list[str]) -> NDArray[Any]:
    index = {c: i for i, c in enumerate(categories)}
    t = np.zeros((len(categories), len(categories)))
    for x, y in zip(a, b, strict=False):
        t[index[x], index[y]] += 1
    return t


def _padded(table: NDArray[Any], o_index: int, n: int) -> NDArray[Any]:
    t = table.copy()
    t[o_index, o_index] += n
    return t


def token_kappa(*, tags: Mapping[str, Sequence[str]], padding: Sequence[int] = PADDING,
                **_ignored: Any) -> dict[str, Any]:
    """Cohen's κ over two annotators' IOB2 tag sequences (each distinct tag string is a category).

    Returns ``kappa_all_tokens`` and ``percent_agreement``; ``kappa_plus_<n>_O_tokens`` for every ``n`` in
    ``padding``; ``kappa_tokens_tagged_by_someone``; ``token_f1_non_O`` (a token agrees when both gave the
    same non-O tag); and the same for the binary "tagged / not tagged" layer (``binary_layer_*``).
    """
    names = list(tags)
    out: dict[str, Any] = {"kappa_all_tokens": None, "percent_agreement": None, "tokens": 0,
                           "explanation": EXPLANATION}
    if len(names) != 2:
        out["reason"] = f"token kappa compares two annotators, got {len(names)}"
        return out
    a, b = list(tags[names[0]]), list(tags[names[1]])
    out.update(a=names[0], b=names[1])
    if len(a) != len(b):
        out["reason"] = f"the tag sequences differ in length ({len(a)} and {len(b)} tokens)"
        return out
    out["tokens"] = len(a)
    if not a:
        out["reason"] = "no tokens"
        return out
    cats = sorted(set(a) | set(b) | {"O"}, key=lambda t: (t != "O", t))
    table = _table(a, b, cats)
    out["kappa_all_tokens"], out["percent_agreement"] = _kappa_from_table(table)
    out["kappa"] = out["kappa_all_tokens"]
    for n in padding:
        out[f"kappa_plus_{n}_O_tokens"] = _kappa_from_table(_padded(table, 0, n))[0]
    n_a = sum(x != "O" for x in a)
    n_b = sum(y != "O" for y in b)
    differ = sum(x != y for x, y in zip(a, b, strict=False))
    same_tagged = sum(x == y != "O" for x, y in zip(a, b, strict=False))
    out.update(n_a_tagged=n_a, n_b_tagged=n_b, tokens_differing=differ,
               kappa_limit_with_infinite_O_padding=(1.0 - differ / (n_a + n_b)) if n_a + n_b else None)
    tagged = [(x, y) for x, y in zip(a, b, strict=False) if x != "O" or y != "O"]
    out["tokens_tagged_by_someone"] = len(tagged)
    out["kappa_tokens_tagged_by_someone"] = _kappa_from_table(
        _table([x for x, _ in tagged], [y for _, y in tagged], cats))[0] if tagged else None
    out["token_f1_non_O"] = ratio(2 * same_tagged, n_a + n_b)
    ba = ["X" if x != "O" else "O" for x in a]
    bb = ["X" if y != "O" else "O" for y in b]
    btable = _table(ba, bb, ["O", "X"])
    out["binary_layer_kappa"] = _kappa_from_table(btable)[0]
    for n in padding:
        out[f"binary_layer_kappa_plus_{n}_O"] = _kappa_from_table(_padded(btable, 0, n))[0]
    out["binary_layer_f1"] = ratio(2 * btable[1, 1], n_a + n_b)
    if out["kappa_all_tokens"] is None:
        out["reason"] = "both annotators gave every token the same single tag: kappa is 0/0"
    return out


# -------------------------------------------------------------------------- report helpers (numpy)


def tokenize(text: str) -> tuple[NDArray[Any], NDArray[Any]]:
    """The tokens of ``annotator.core.tokenize`` (CoNLL's and Prodigy's, shaped like spaCy's blank one)
    without the whitespace ones, as arrays of code-point starts and ends."""
    pairs = spaced_words(text)
    if pairs is not None:  # the usual text: offsets are running sums of the lengths
        lengths = np.fromiter(map(len, chain.from_iterable(pairs)), dtype=np.int64, count=2 * len(pairs))
        ends = np.cumsum(lengths)[1::2]
        return ends - lengths[1::2], ends
    bounds = word_bounds(text)
    if not bounds:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    arr = np.asarray(bounds, dtype=np.int64)
    return arr[:, 0], arr[:, 1]


def layer_codes(starts: NDArray[Any], ends: NDArray[Any], spans: Iterable[tuple[int, int]]) -> NDArray[Any]:
    """IOB2 codes (0 = O, 1 = B, 2 = I) of one label layer; a token is inside a span if it overlaps it.

    Overlapping or nested spans of the layer are merged to their union first; two spans that merely touch
    stay separate (the second starts with B).
    """
    codes: NDArray[Any] = label_layer_codes(starts, ends, [[(s, e, "") for s, e in spans]], [""])[0, 0]
    return codes


def label_layer_codes(starts: NDArray[Any], ends: NDArray[Any], sets: Sequence[Iterable[tuple[int, int, str]]],
                      labels: Sequence[str]) -> NDArray[Any]:
    """The IOB2 codes of several annotators' spans on one text, shape (sets, labels, tokens): for each
    set one row per label of ``labels``, as ``layer_codes`` gives it for that label's spans (spans of
    other labels are left out)."""
    n_labels = len(labels)
    row = {lab: i for i, lab in enumerate(labels)}
    rows: list[int] = []
    span_starts: list[int] = []
    span_ends: list[int] = []
    for k, spans in enumerate(sets):
        for s, e, lab in spans:
            i = row.get(lab)
            if i is not None:
                rows.append(k * n_labels + i)
                span_starts.append(s)
                span_ends.append(e)
    codes = _codes(starts, ends, np.asarray(rows, dtype=np.int64), np.asarray(span_starts, dtype=np.int64),
                   np.asarray(span_ends, dtype=np.int64), len(sets) * n_labels)
    return codes.reshape(len(sets), n_labels, len(starts))


def _codes(starts: NDArray[Any], ends: NDArray[Any], rows: NDArray[Any], span_starts: NDArray[Any],
           span_ends: NDArray[Any], n_rows: int) -> NDArray[Any]:
    """IOB2 codes, shape (n_rows, tokens), of spans given as arrays (row, start, end); one search and one
    count serve every row (numpy's cost per call dominated when it ran per report and layer).

    The spans of a row are merged to their union first (IOB cannot hold nesting; two spans that merely
    touch stay separate). A token is I when it lies after the first token of a merged span and before its
    end, else B when it is a merged span's first token, else O; that is what writing B then I span by span
    gives, because the merged spans of a row are disjoint and in order. Spans end at or after their start
    (the report's always do)."""
    n = len(starts)
    codes = np.zeros((n_rows, n), dtype=np.int8)
    if len(rows) == 0 or n == 0:
        return codes
    # merge: rows laid apart by more than any offset, sorted by (row, start); a span opens a new merged
    # span when it starts at or after the furthest end seen so far
    low = min(int(span_starts.min()), 0)
    apart = max(int(span_ends.max()), int(span_starts.max())) - low + 1
    keys = rows * apart + (span_starts - low)
    order = np.argsort(keys, kind="stable")
    keys = keys[order]
    reach = np.maximum.accumulate(rows[order] * apart + (span_ends[order] - low))
    opens = np.ones(len(keys), dtype=bool)
    opens[1:] = keys[1:] >= reach[:-1]
    first_of = np.flatnonzero(opens)
    last_of = np.append(first_of[1:] - 1, len(keys) - 1)
    m_rows = keys[first_of] // apart
    m_starts = keys[first_of] - m_rows * apart + low
    m_ends = reach[last_of] - m_rows * apart + low
    first = np.searchsorted(ends, m_starts, side="right")  # first token ending after the span start
    last = np.searchsorted(starts, m_ends, side="left")  # tokens starting before the span end: [first, last)
    keep = first < last
    width = n + 1  # one spare slot per row: a run ending at the last token never spills into the next row
    offset = m_rows[keep] * width
    first, last = first[keep] + offset, last[keep] + offset
    size = n_rows * width
    inside = np.cumsum(np.bincount(first + 1, minlength=size + 1)[:size]
                       - np.bincount(last, minlength=size + 1)[:size]) > 0
    flat = np.zeros(size, dtype=np.int8)
    flat[first] = 1
    flat[inside] = 2
    codes[:] = flat.reshape(n_rows, width)[:, :n]
    return codes


class TokenDocument(NamedTuple):
    """One report's part in token κ: its tokens (``tokenize``), text length, the spans of each annotator
    taking part (clipped to the text here) and the label layers compared on it."""

    starts: NDArray[Any]
    ends: NDArray[Any]
    length: int
    sets: Sequence[Sequence[tuple[int, int, str]]]
    labels: tuple[str, ...]


def corpus_layer_tables(docs: Iterable[TokenDocument]) -> dict[str, NDArray[Any]]:
    """Per label, the 3×3 tables of every annotator pair on every report, summed: what ``label_layer_codes``
    and ``tables_from_codes`` give report by report, from one call each per group of reports sharing the
    number of annotators and the label layers. A group's texts are laid end to end one code point apart
    (a span is clipped to its text, so none reaches the next one); the tables hold integer counts, so the
    sums do not depend on the order they are added in."""
    groups: dict[tuple[int, tuple[str, ...]], list[TokenDocument]] = {}
    for doc in docs:
        groups.setdefault((len(doc.sets), doc.labels), []).append(doc)
    out: dict[str, NDArray[Any]] = {}
    for (n_sets, labels), members in groups.items():
        n_labels = len(labels)
        row = {lab: i for i, lab in enumerate(labels)}
        offsets = np.cumsum([0] + [d.length + 1 for d in members[:-1]], dtype=np.int64)
        starts = np.concatenate([d.starts for d in members]) + np.repeat(offsets, [len(d.starts) for d in members])
        ends = np.concatenate([d.ends for d in members]) + np.repeat(offsets, [len(d.ends) for d in members])
        span_starts: list[int] = []
        span_ends: list[int] = []
        span_labels: list[str] = []
        span_rows: list[int] = []  # set index of each run of spans
        span_doc: list[int] = []  # report index of each run of spans
        run_lengths: list[int] = []
        for d_index, doc in enumerate(members):
            for k, spans in enumerate(doc.sets):
                if spans:
                    s_, e_, l_ = zip(*spans, strict=True)
                    span_starts.extend(s_)
                    span_ends.extend(e_)
                    span_labels.extend(l_)
                    span_rows.append(k)
                    span_doc.append(d_index)
                    run_lengths.append(len(spans))
        n_spans = len(span_starts)
        lengths = np.asarray([d.length for d in members], dtype=np.int64)
        doc_of = np.repeat(np.asarray(span_doc, dtype=np.int64), run_lengths)
        label_row = np.fromiter(map(row.get, span_labels, repeat(-1)), dtype=np.int64, count=n_spans)
        rows = np.repeat(np.asarray(span_rows, dtype=np.int64), run_lengths) * n_labels + label_row
        keep = label_row >= 0
        s_arr = np.clip(np.asarray(span_starts, dtype=np.int64), 0, lengths[doc_of]) + offsets[doc_of]
        e_arr = np.clip(np.asarray(span_ends, dtype=np.int64), 0, lengths[doc_of]) + offsets[doc_of]
        codes = _codes(starts, ends, rows[keep], s_arr[keep], e_arr[keep], n_sets * n_labels)
        codes = codes.reshape(n_sets, n_labels, len(starts))
        for i, j in combinations(range(n_sets), 2):
            for lab, t in zip(labels, tables_from_codes(codes[i], codes[j]), strict=True):
                if lab in out:
                    out[lab] += t
                else:
                    out[lab] = t
    return out


def tables_from_codes(a: NDArray[Any], b: NDArray[Any]) -> NDArray[Any]:
    """One 3×3 table per row of two code matrices (label layers × tokens): shape (layers, 3, 3)."""
    layers = a.shape[0]
    keys = (np.arange(layers, dtype=np.int64)[:, np.newaxis] * 9 + a.astype(np.int64) * 3 + b.astype(np.int64))
    return np.bincount(keys.ravel(), minlength=layers * 9).reshape(layers, 3, 3).astype(float)


def kappa_from_layer_tables(tables: Mapping[str, NDArray[Any]]) -> dict[str, Any]:
    """κ per label layer and pooled (the label layers stacked as one sequence), with counts and the
    explanation about O-inflation."""
    per_label: dict[str, Any] = {}
    macro: list[float] = []
    pooled_tokens = 0
    # pooled over layers: categories O, B-x, I-x for every label x; O is shared by all layers
    labels = sorted(tables)
    size = 1 + 2 * len(labels)
    pooled = np.zeros((size, size))
    for i, lab in enumerate(labels):
        t = tables[lab]
        idx = [0, 1 + 2 * i, 2 + 2 * i]
        pooled[np.ix_(idx, idx)] += t
        kappa, p_o = _kappa_from_table(t)
        n = int(t.sum())
        tagged = int(n - t[0, 0])
        entry: dict[str, Any] = {"kappa": kappa, "percent_agreement": p_o, "tokens": n,
                                 "tokens_tagged_by_someone": tagged}
        if kappa is None:
            entry["reason"] = "no tokens" if n == 0 else "no variation: every token is O for both sides"
        else:
            macro.append(kappa)
        per_label[lab] = entry
        pooled_tokens += n
    kappa, p_o = _kappa_from_table(pooled)
    out: dict[str, Any] = {"kappa": kappa, "percent_agreement": p_o, "tokens": pooled_tokens,
                           "macro_kappa": sum(macro) / len(macro) if macro else None,
                           "macro_n_labels": len(macro), "per_label": per_label, "explanation": EXPLANATION}
    if kappa is None:
        out["reason"] = "no tokens compared" if pooled_tokens == 0 else "no variation in the tags"
    return out
