"""Corpus search (Arabic-normalised, case/accent-insensitive concordance; by label, entity, annotator)
and annotate-all as one transaction, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from annotator.core.errors import StaleEdit, ValidationError
from annotator.core.report import Report
from annotator.services import workflow
from annotator.services.annotate import create_span, get_set
from annotator.services.reports import store_report
from annotator.services.search import Target, annotate_all, remove_annotated, restore_annotated, search
from annotator.store.models import ReportSearchRow
from sqlalchemy import select

AR = "قال مصدر إن رتلاً دخل مدينةَ دير الزّور فجراً، ثم عاد إلى البوكمال. وفي دير الزور هدوء."
EN = "Fighting near Déir ez-Zôr; later DEIR EZ-ZOR was quiet. Mayadin too."
OTHER = "A report about Aleppo and the Aleppo airport."


def _store(ctx, *texts: str) -> list[str]:
    ids = []
    for i, text in enumerate(texts):
        report = Report.of(text, title=f"r{i}")
        store_report(ctx, report)
        ids.append(report.id)
    return ids


def test_search_ignores_diacritics_alef_forms_and_tatweel(ctx) -> None:
    ar, en, _ = _store(ctx, AR, EN, OTHER)
    # typed with a hamza on the alef, a shadda elsewhere and a tatweel: both mentions are found
    hits = search(ctx, "دير الـزُّور")
    assert [(h.report, h.text) for h in hits] == [(ar, "دير الزّور"), (ar, "دير الزور")]
    assert AR[hits[0].start:hits[0].end] == "دير الزّور"
    assert hits[0].left.endswith("مدينةَ ") and hits[0].right.startswith(" فجراً")
    assert [h.text for h in search(ctx, "إلى البوكمال")] == ["إلى البوكمال"]
    assert [h.text for h in search(ctx, "الي البوكمال")] == ["إلى البوكمال"]  # alef maqsura typed as ya
    # Latin: case and accents ignored; offsets are code points of the stored text
    latin = search(ctx, "deir ez-zor")
    assert [(h.report, EN[h.start:h.end]) for h in latin] == [(en, "Déir ez-Zôr"), (en, "DEIR EZ-ZOR")]
    assert search(ctx, "Ale") == []  # whole words only
    assert len(search(ctx, "aleppo")) == 2 and len(search(ctx, "aleppo", limit=1)) == 1


def test_search_finds_arabic_word_behind_clitic_and_short_queries(ctx) -> None:
    ar, = _store(ctx, AR)
    assert [h.text for h in search(ctx, "الزور")] == ["الزّور", "الزور"]
    # "وفي" is a word; "في" is found behind the conjunction waw, and a two-letter query scans without the index
    assert [AR[h.start:h.end] for h in search(ctx, "في")] == ["في"]


def test_reports_stored_before_search_existed_are_indexed_on_first_search(ctx) -> None:
    ar, = _store(ctx, AR)
    with ctx.uow() as uow:
        uow.session.query(ReportSearchRow).delete()
        uow.commit()
    assert len(search(ctx, "دير الزور")) == 2
    with ctx.uow() as uow:
        assert uow.session.scalars(select(ReportSearchRow.report_id)).all() == [ar]


def test_entity_concordance_lists_mentions_from_several_reports(ctx) -> None:
    ar, en, other = _store(ctx, AR, EN, OTHER)
    create_span(ctx, ar, AR.index("دير"), AR.index("دير") + 10, "place", annotator="alice", entity="P:deir")
    create_span(ctx, en, 14, 25, "place", annotator="bob", entity="P:deir")
    aleppo = OTHER.index("Aleppo")
    create_span(ctx, other, aleppo, aleppo + 6, "place", annotator="bob", entity="P:aleppo")
    hits = search(ctx, entity="P:deir")
    assert {(h.report, h.text, h.annotator) for h in hits} == {(ar, "دير الزّور", "alice"), (en, "Déir ez-Zôr", "bob")}
    assert all(h.label == "place" and h.entity == "P:deir" for h in hits)
    assert sorted(h.text for h in search(ctx, label="place", annotator="bob")) == ["Aleppo", "Déir ez-Zôr"]
    assert [h.text for h in search(ctx, "zor", label="place")] == ["Déir ez-Zôr"]
    assert search(ctx, label="actor") == []


def test_annotate_all_is_one_step_and_its_undo_removes_exactly_those_spans(ctx) -> None:
    ar, en = _store(ctx, AR, EN)
    keep, _ = create_span(ctx, en, 57, 64, "place", annotator="alice")
    hits = search(ctx, "deir ez zor") + search(ctx, "دير الزور")
    done = annotate_all(ctx, [Target(h.report, h.start, h.end) for h in hits], "place", annotator="alice")
    assert sorted(len(v) for v in done.spans.values()) == [2, 2]
    assert {c.report_id for c in done.changes} == {ar, en}
    spans = get_set(ctx, ar, "alice").spans
    assert [(AR[s.start:s.end], s.attrs.get("source")) for s in spans] == \
        [("دير الزّور", "search"), ("دير الزور", "search")]
    # the same matches again: nothing doubled
    again = annotate_all(ctx, [Target(h.report, h.start, h.end) for h in hits], "place", annotator="alice")
    assert again.spans == {} and {c.spans for c in again.changes} == {()}
    versions = {c.report_id: c.version for c in done.changes}
    remove_annotated(ctx, done, annotator="alice", expect_versions=versions)
    assert get_set(ctx, ar, "alice").spans == ()
    assert get_set(ctx, en, "alice").spans == (keep,)
    again = restore_annotated(ctx, done, annotator="alice")
    assert again.spans == done.spans


def test_annotate_all_refuses_a_stale_set_and_writes_nothing(ctx) -> None:
    ar, en = _store(ctx, AR, EN)
    create_span(ctx, en, 57, 64, "claim", annotator="alice")  # version 1 now
    targets = [Target(ar, 0, 3), Target(en, 14, 25)]
    with pytest.raises(StaleEdit):
        annotate_all(ctx, targets, "claim", annotator="alice", expect_versions={ar: 0, en: 0})
    assert get_set(ctx, ar, "alice").spans == ()
    assert len(get_set(ctx, en, "alice").spans) == 1


def test_search_by_workflow_status_and_source(ctx) -> None:
    ar, en, other = _store(ctx, AR, EN, OTHER)
    deir = AR.index("دير")
    create_span(ctx, ar, deir, deir + 10, "place", annotator="alice")  # by hand: no source
    hits = search(ctx, "deir ez zor")
    annotate_all(ctx, [Target(h.report, h.start, h.end) for h in hits], "place", annotator="bob")
    aleppo = OTHER.index("Aleppo")
    create_span(ctx, other, aleppo, aleppo + 6, "place", annotator="bob", attrs={"source": "annotation:alice"})
    create_span(ctx, other, 0, 1, "claim", annotator="carol", attrs={"source": "model:en_test 0.1.0"})
    # every write marks the set in progress; then bob's English report is done, his Aleppo work returned,
    # and carol's set unassigned (its spans stay: a set without a workflow row)
    workflow.mark_done(ctx, en, annotator="bob")
    workflow.set_status(ctx, other, "returned", annotator="bob", reason="check the place")
    workflow.set_status(ctx, other, "unassigned", annotator="carol")

    def found(**filters: str) -> set[tuple[str, str]]:
        return {(h.annotator or "", h.text) for h in search(ctx, **filters)}

    assert found(status="done") == {("bob", "Déir ez-Zôr"), ("bob", "DEIR EZ-ZOR")}
    assert found(status="In progress") == found(status="in_progress") == {("alice", "دير الزّور")}
    assert found(status="returned") == {("bob", "Aleppo")}
    assert found(status="not assigned") == found(status="unassigned") == {("carol", "A")}
    assert found(status="assigned") == set()
    assert found(source="manual") == {("alice", "دير الزّور")}
    assert found(source="search") == {("bob", "Déir ez-Zôr"), ("bob", "DEIR EZ-ZOR")}
    assert found(source="annotation") == found(source="annotation:alice") == {("bob", "Aleppo")}
    assert found(source="annotation:ali") == set()  # a family is a whole name, not a prefix of one
    assert found(source="model") == found(source="model:en_test") == {("carol", "A")}
    # together, and with text and the other filters
    assert found(source="search", status="done", annotator="bob") == {("bob", "Déir ez-Zôr"), ("bob", "DEIR EZ-ZOR")}
    assert [h.text for h in search(ctx, "ezzor", status="done", source="search")] == []
    assert [h.text for h in search(ctx, "zor", status="done", source="search", limit=1)] == ["Déir ez-Zôr"]
    with pytest.raises(ValidationError, match=r"'finished' is not a workflow status; search by one of: assigned, "
                                              r"in progress, done, done-empty, accepted, returned, curated, "
                                              r"not assigned"):
        search(ctx, status="finished")
