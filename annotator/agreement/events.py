"""Agreement on events, field by field (type, each role, counts, qualifiers, grades).

Why matched pairs first: two annotators' events are comparable only when they describe the same thing,
and what anchors an event in the text is the claim that reports it. So events of one report are paired
one to one when their reporting claims overlap (most overlap first, the same type breaking ties);
``events`` is the F1 of that pairing (like span F1, §4 of agreement.md). Each field is then a coding
task over the matched pairs: a unit per pair, one value per annotator, and Krippendorff's α (§3) at the
field's level — nominal for the type, a role's fillers (their registry entities, else their text),
a qualifier flag; interval for counts; ordinal for Admiralty grades (A…F, 1…6) — beside the observed
agreement and the number of pairs, so an undefined α (everyone agreed on one value) is readable.

Inputs are core objects only: per report, the text and each annotator's ``AnnotationSet``.  The result is an
``EventAgreementReport`` read by attribute; its ``to_dict()`` is the JSON of ``agreement --events --json``."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from annotator.agreement.coding import krippendorff_alpha
from annotator.agreement.report_types import ReportPart, optional_field
from annotator.agreement.undefined import ratio
from annotator.core.annotation_set import AnnotationSet
from annotator.core.events import COUNT_KINDS, QUALIFIERS, Event
from annotator.core.grading import CREDIBILITY_ATTR, RELIABILITY_ATTR
from annotator.core.ids import GOLD
from annotator.core.spans import Span

RELIABILITY_ORDER = list("ABCDEF")
CREDIBILITY_ORDER = list("123456")


@dataclass(frozen=True)
class EventDocument:
    """One report: its text and each annotator's set (with events)."""

    report_id: str
    text: str
    sets: Mapping[str, AnnotationSet]


@dataclass(frozen=True, slots=True, kw_only=True)
class FieldAgreement(ReportPart):
    """One event field over matched pairs: α at the field's level beside the observed agreement and the number
    of pairs coded on both sides (``n``); ``reason`` when α is undefined."""

    n: int
    agreement: float | None
    alpha: float | None
    level: str
    reason: str | None = optional_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class EventPairAgreement(ReportPart):
    """One annotator pair: their event counts, the matched pairs, event F1 and each field."""

    a: str
    b: str
    events_a: int
    events_b: int
    matched: int
    f1: float | None
    fields: Mapping[str, FieldAgreement]


@dataclass(frozen=True, slots=True, kw_only=True)
class EventOverall(ReportPart):
    """Event counts and F1 pooled over the pairs."""

    events_a: int
    events_b: int
    matched: int
    f1: float | None


@dataclass(frozen=True, slots=True, kw_only=True)
class EventAgreementReport(ReportPart):
    """Pooled figures, each field pooled over every pair's matches, and every pair (``gold`` never is one)."""

    overall: EventOverall
    by_field: Mapping[str, FieldAgreement]
    by_pair: tuple[EventPairAgreement, ...]


def _claim_extent(event: Event, spans: Mapping[str, Span]) -> list[tuple[int, int]]:
    ids = list(event.claims) or ([event.trigger] if event.trigger else [])
    return [(spans[i].start, spans[i].end) for i in ids if i in spans]


def _overlap(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> int:
    return sum(max(0, min(e1, e2) - max(s1, s2)) for s1, e1 in a for s2, e2 in b)


def match_events(a: AnnotationSet, b: AnnotationSet) -> list[tuple[Event, Event]]:
    """One-to-one pairs of events whose reporting claims overlap: most overlap first, same type first."""
    sa, sb = a.by_id(), b.by_id()
    candidates = []
    for ea in a.events:
        xa = _claim_extent(ea, sa)
        for eb in b.events:
            ov = _overlap(xa, _claim_extent(eb, sb))
            if ov > 0:
                candidates.append((-ov, ea.type != eb.type, ea.id, eb.id, ea, eb))
    used_a: set[str] = set()
    used_b: set[str] = set()
    pairs = []
    for _ov, _t, ia, ib, ea, eb in sorted(candidates, key=lambda c: c[:4]):
        if ia not in used_a and ib not in used_b:
            used_a.add(ia)
            used_b.add(ib)
            pairs.append((ea, eb))
    return pairs


def _filler(span: Span, text: str) -> str:
    return span.entity or " ".join(span.text_in(text).casefold().split())


def field_values(event: Event, aset: AnnotationSet, text: str) -> dict[str, Any]:
    """The value of every field of one event, as compared between annotators."""
    spans = aset.by_id()
    values: dict[str, Any] = {"type": event.type}
    for role, ids in event.roles.items():
        fillers = sorted({_filler(spans[i], text) for i in ids if i in spans})
        dated = [v for i in ids if i in spans and (v := spans[i].value)]
        values[f"role:{role}"] = "|".join(dated) if dated and len(dated) == len(ids) else "|".join(fillers)
    for kind in COUNT_KINDS:
        est = event.count(kind)
        if est.best is not None:
            values[f"count:{kind}"] = est.best
    for q in QUALIFIERS:
        values[f"qualifier:{q}"] = "yes" if q in event.qualifiers else "no"
    claims = [spans[c] for c in event.claims if c in spans]
    if claims:
        cred = claims[0].attrs.get(CREDIBILITY_ATTR)
        if cred:
            values["grade:credibility"] = str(cred)
        rel = claims[0].attrs.get(RELIABILITY_ATTR)
        if rel:
            values["grade:reliability"] = str(rel).upper()
    return values


def _level(name: str) -> tuple[str, list[str] | None]:
    if name.startswith("count:"):
        return "interval", None
    if name == "grade:reliability":
        return "ordinal", RELIABILITY_ORDER
    if name == "grade:credibility":
        return "ordinal", CREDIBILITY_ORDER
    return "nominal", None


def _field_alpha(name: str, units: list[list[Any]]) -> FieldAgreement:
    pairable = [u for u in units if all(v is not None for v in u)]
    agree = sum(1 for u in pairable if u[0] == u[1])
    n, agreement = len(pairable), ratio(agree, len(pairable))
    level, order = _level(name)
    if len(pairable) == 0:
        return FieldAgreement(n=n, agreement=agreement, alpha=None, level=level,
                              reason="no matched pair has this field on both sides")
    res = krippendorff_alpha(units=pairable, level=level, order=order)
    alpha: float | None = res["alpha"]
    return FieldAgreement(n=n, agreement=agreement, alpha=alpha, level=level,
                          reason=(res.get("reason") or "no variation in the values") if alpha is None else None)


def event_agreement(docs: Sequence[EventDocument], annotators: Sequence[str] | None = None) -> EventAgreementReport:
    """Per annotator pair and pooled: event F1 and per-field α over matched events (``gold`` is left out)."""
    pair_units: dict[tuple[str, str], dict[str, list[list[Any]]]] = defaultdict(lambda: defaultdict(list))
    pair_counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    pooled: dict[str, list[list[Any]]] = defaultdict(list)
    for doc in docs:
        names = sorted(n for n in doc.sets if n != GOLD and (not annotators or n in annotators))
        for a, b in combinations(names, 2):
            sa, sb = doc.sets[a], doc.sets[b]
            counts = pair_counts[(a, b)]
            counts[0] += len(sa.events)
            counts[1] += len(sb.events)
            for ea, eb in match_events(sa, sb):
                counts[2] += 1
                va, vb = field_values(ea, sa, doc.text), field_values(eb, sb, doc.text)
                for name in sorted(set(va) | set(vb)):
                    unit = [va.get(name), vb.get(name)]
                    pair_units[(a, b)][name].append(unit)
                    pooled[name].append(unit)
    pairs = tuple(
        EventPairAgreement(a=a, b=b, events_a=na, events_b=nb, matched=matched, f1=ratio(2 * matched, na + nb),
                           fields={name: _field_alpha(name, units)
                                   for name, units in sorted(pair_units[(a, b)].items())})
        for (a, b), (na, nb, matched) in sorted(pair_counts.items()))
    total = [sum(c[i] for c in pair_counts.values()) for i in range(3)]
    return EventAgreementReport(
        overall=EventOverall(events_a=total[0], events_b=total[1], matched=total[2],
                             f1=ratio(2 * total[2], total[0] + total[1])),
        by_field={name: _field_alpha(name, units) for name, units in sorted(pooled.items())},
        by_pair=pairs)
