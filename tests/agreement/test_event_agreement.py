"""Agreement on events: pairing by reporting claims, event F1, and Krippendorff's alpha per field
checked against the ``krippendorff`` package on the same units."""

from __future__ import annotations

import json
from pathlib import Path

import krippendorff
import numpy as np
from annotator.agreement.events import EventAgreementReport, EventDocument, event_agreement, match_events
from annotator.core.annotation_set import AnnotationSet
from annotator.core.events import Estimate, Event
from annotator.core.spans import Span

TEXT = "x" * 400
DATA = Path(__file__).resolve().parents[1] / "data" / "agreement"
CLAIMS = [Span(f"C{i}", i * 100, i * 100 + 60, "claim") for i in range(4)]


def _set(who: str, types: list[str], fatalities: list[int], credibility: list[str], *,
         shift: int = 0, missing: int | None = None) -> AnnotationSet:
    spans = [c.with_(start=c.start + shift, attrs={"credibility": cred})
             for c, cred in zip(CLAIMS, credibility, strict=True)]
    actor = Span("A1", 70, 75, "actor", entity="actor:x")
    events = tuple(Event(f"E{i}", t, {"actor1": ("A1",)}, (f"C{i}",), counts={"fatalities": Estimate.of(f)})
                   for i, (t, f) in enumerate(zip(types, fatalities, strict=False)) if i != missing)
    return AnnotationSet("r", who, tuple(spans) + (actor,), (), 1, events)


def test_events_pair_by_overlapping_claims_and_fields_are_alpha_coded() -> None:
    alice = _set("alice", ["attack", "meeting", "arrests", "attack"], [2, 0, 0, 5], ["2", "3", "3", "1"])
    bob = _set("bob", ["attack", "meeting", "armed_clash", "attack"], [3, 0, 0, 5], ["2", "4", "3", "1"], shift=5,
               missing=3)
    assert [(a.id, b.id) for a, b in match_events(alice, bob)] == [("E0", "E0"), ("E1", "E1"), ("E2", "E2")]
    report = event_agreement([EventDocument("r", TEXT, {"alice": alice, "bob": bob,
                                                        "gold": _set("gold", ["attack"] * 4, [1] * 4, ["1"] * 4)})])
    o = report.overall
    assert (o.events_a, o.events_b, o.matched, o.f1) == (4, 3, 3, 6 / 7)
    assert [(p.a, p.b) for p in report.by_pair] == [("alice", "bob")]  # gold is never a party
    fields = report.by_field
    # types coded attack 0, meeting 1, arrests 2, armed_clash 3 for the package, which wants numbers
    expected_type = krippendorff.alpha(reliability_data=np.array([[0, 1, 2], [0, 1, 3]], dtype=float),
                                       level_of_measurement="nominal")
    assert abs(fields["type"].alpha - expected_type) < 1e-9 and fields["type"].agreement == 2 / 3
    expected_deaths = krippendorff.alpha(reliability_data=np.array([[2, 0, 0], [3, 0, 0]], dtype=float),
                                         level_of_measurement="interval")
    assert abs(fields["count:fatalities"].alpha - expected_deaths) < 1e-9
    expected_cred = krippendorff.alpha(reliability_data=np.array([[2, 3, 3], [2, 4, 3]], dtype=float),
                                       level_of_measurement="ordinal")
    assert abs(fields["grade:credibility"].alpha - expected_cred) < 1e-9
    actor = fields["role:actor1"]
    assert actor.agreement == 1.0 and actor.alpha is None and actor.reason
    assert "no variation" in actor.reason or "identical" in actor.reason


def _report() -> EventAgreementReport:
    alice = _set("alice", ["attack", "meeting", "arrests", "attack"], [2, 0, 0, 5], ["2", "3", "3", "1"])
    bob = _set("bob", ["attack", "meeting", "armed_clash", "attack"], [3, 0, 0, 5], ["2", "4", "3", "1"], shift=5,
               missing=3)
    carol = _set("carol", ["attack", "protest"], [2, 1], ["2", "5", "3", "1"])
    return event_agreement([EventDocument("r", TEXT, {"alice": alice, "bob": bob, "carol": carol})])


def test_event_report_json_is_unchanged() -> None:
    """The JSON of ``agreement --events --json``, as the dict engine wrote it at 5232f1f."""
    report = _report()
    expected = (DATA / "events.json").read_text(encoding="utf-8")
    assert json.dumps(report.to_dict(), indent=2, ensure_ascii=False) == expected
