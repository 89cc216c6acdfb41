"""The bundled samples: a new database shows reports, two annotators' disagreements and records."""

from __future__ import annotations

from annotator.services import adjudicate, annotate, records
from annotator.services.reports import list_reports
from annotator.services.samples import load_samples


def test_samples_load_with_two_annotators_and_resolve(sqlite_ctx) -> None:
    ctx = sqlite_ctx
    result = load_samples(ctx)
    assert result.errors == [] and len(result.reports) >= 6
    assert all(r.status == "existing" for r in result.reports)  # the files are the annotated texts
    reports = list_reports(ctx)
    assert {r.direction for r in reports} == {"ltr", "rtl"}
    assert all(set(r.annotators) == {"alice", "bob"} and r.published for r in reports)
    assert sum(len(adjudicate.disagreements(ctx, r.id)) for r in reports) >= 10
    again = load_samples(ctx)
    assert list_reports(ctx) == reports and again.errors == []

    built = records.build_records(ctx, annotator="alice")
    places = {p["text"]: (p["entity"] or {}).get("id") for r in built for p in r["places"]}
    deir = {text for text, eid in places.items() if eid == "place:geonames:170794"}
    assert {"Deir ez-Zor", "دير الزور", "Dayr az-Zawr"} <= deir
    actors = {a["text"]: (a["entity"] or {}).get("id") for r in built for a in r["actors"]}
    assert {t for t, e in actors.items() if e == "actor:irgc"} >= {"Islamic Revolutionary Guard Corps", "الحرس الثوري"}
    dates = {d["text"]: d["value"] for r in built for d in r["dates"]}
    assert dates["٧ نيسان ٢٠٢٤"] == "2024-04-07"
    assert dates["April 5–7"] == "2024-04-05/2024-04-07"
    assert annotate.get_set(ctx, reports[0].id, "alice").spans
