"""Suggestions on the sample reports (registry aliases across transliterations and scripts, dates),
from earlier annotations; acceptance is an edit recording its source; rejections survive reopening."""

from __future__ import annotations

from annotator.core.report import Report
from annotator.services.annotate import create_span, get_set
from annotator.services.database import open_database
from annotator.services.reports import list_reports, store_report
from annotator.services.samples import load_samples
from annotator.services.search import remove_annotated
from annotator.services.suggest import _Occupied as Occupied
from annotator.services.suggest import (
    accept_suggestions,
    looks_like_name,
    reject_suggestion,
    suggest,
    unreject_suggestion,
)
from hypothesis import given, settings
from hypothesis import strategies as st

DEIR_EZ_ZOR = "place:geonames:170794"


def _sample(ctx, title_start: str) -> str:
    return next(r.id for r in list_reports(ctx) if r.title.startswith(title_start))


def test_sample_reports_get_transliteration_variants_arabic_aliases_and_dates(ctx) -> None:
    load_samples(ctx)
    baghdad = {(s.text, s.label, s.source, s.entity) for s in suggest(ctx, _sample(ctx, "Baghdad"), annotator="carol")}
    # the registry's canonical name is "Deir ez-Zor": these are other transliterations of it
    assert ("Dayr az-Zawr", "place", "registry", DEIR_EZ_ZOR) in baghdad
    assert ("Deir Al-Zour", "place", "registry", DEIR_EZ_ZOR) in baghdad
    assert ("Popular Mobilisation Forces", "actor", "registry", "actor:pmf") in baghdad
    arabic = suggest(ctx, _sample(ctx, "تعزيزات"), annotator="carol")
    found = {(s.text, s.label, s.source, s.entity, s.value) for s in arabic}
    assert ("دير الزور", "place", "registry", DEIR_EZ_ZOR, None) in found  # an Arabic-script alias
    assert ("البوكمال", "place", "registry", "place:geonames:174448", None) in found
    assert ("٧ نيسان ٢٠٢٤", "date", "date", None, "2024-04-07") in found  # Arabic month, Arabic-Indic digits
    english = {(s.text, s.value) for s in suggest(ctx, _sample(ctx, "Euphrates Post"), annotator="carol")
               if s.source == "date"}
    assert {("8 April 2024", "2024-04-08"), ("April 6", "2024-04-06"), ("April 5", "2024-04-05")} <= english
    # plain words are not names: no "of", "said", "border"; an annotator's own spans take their place
    texts = {s.text for s in suggest(ctx, _sample(ctx, "Baghdad"), annotator="carol")}
    assert not texts & {"of", "said", "border", "yesterday", "an IRGC", "at al-Qaim"}
    alice = suggest(ctx, _sample(ctx, "Baghdad"), annotator="alice")
    own = get_set(ctx, _sample(ctx, "Baghdad"), "alice").spans
    assert not [s for s in alice if any(o.start < s.end and s.start < o.end for o in own if o.label != "claim")]


def test_a_claim_keeps_the_suggestions_inside_it(ctx) -> None:
    """A claim holds its actors, places and dates: suggestions inside one vanished as soon as the claim
    was marked, exactly where they are needed. A date span still takes its stretch."""
    text = "A monitor said that shelling hit the market on 9 April 2024, killing two.\n"
    report = Report.of(text, title="Market")
    store_report(ctx, report)
    rid = report.id
    claim = text.index("shelling")
    create_span(ctx, rid, claim, text.index(", killing"), "claim", annotator="alice")
    date = text.index("9 April 2024")
    assert [(s.text, s.value) for s in suggest(ctx, rid, annotator="alice") if s.source == "date"] == [
        ("9 April 2024", "2024-04-09")]
    create_span(ctx, rid, date, date + 12, "date", annotator="alice")
    assert not [s for s in suggest(ctx, rid, annotator="alice") if s.source == "date"]
    # a short claim is not offered again at its own place (accepting it stored nothing: it never went away)
    killing = text.index("killing two")
    create_span(ctx, rid, killing, killing + 11, "claim", annotator="alice")
    assert not [s for s in suggest(ctx, rid, annotator="alice") if (s.start, s.end) == (killing, killing + 11)]


def test_accepting_creates_the_span_with_its_source_and_rejecting_is_remembered(ctx, db_url) -> None:
    load_samples(ctx)
    rid = _sample(ctx, "تعزيزات")
    offered = suggest(ctx, rid, annotator="carol")
    place = next(s for s in offered if s.text == "دير الزور")
    date = next(s for s in offered if s.source == "date")
    done, change = accept_suggestions(ctx, rid, [place], annotator="carol", expect_version=0)
    assert change.spans == tuple(s.id for s in done.spans[rid])
    (span,) = get_set(ctx, rid, "carol").spans
    assert (span.start, span.end, span.label, span.entity, span.attrs) == \
        (place.start, place.end, "place", DEIR_EZ_ZOR, {"source": "registry"})
    accept_suggestions(ctx, rid, [date], annotator="carol")
    dated = next(s for s in get_set(ctx, rid, "carol").spans if s.label == "date")
    assert (dated.value, dated.attrs) == ("2024-04-07", {"source": "date"})
    assert place not in suggest(ctx, rid, annotator="carol")  # now a span: no longer offered
    remove_annotated(ctx, done, annotator="carol")
    assert place in suggest(ctx, rid, annotator="carol")

    reject_suggestion(ctx, rid, place, annotator="carol")
    reopened = open_database(db_url)
    try:
        assert place not in suggest(reopened, rid, annotator="carol")
        assert place in suggest(reopened, rid, annotator="dave")  # rejections are per annotator
        unreject_suggestion(reopened, rid, place, annotator="carol")
        assert place in suggest(reopened, rid, annotator="carol")
    finally:
        reopened.close()

    # accept every suggestion of a label: one transaction, one Change, undone as one
    places = [s for s in suggest(ctx, rid, annotator="carol") if s.label == "place"]
    before = get_set(ctx, rid, "carol").spans
    done, change = accept_suggestions(ctx, rid, places, annotator="carol")
    assert len(done.changes) == 1 and len(done.spans[rid]) == len(places) >= 4 and len(change.spans) == len(places)
    remove_annotated(ctx, done, annotator="carol")
    assert get_set(ctx, rid, "carol").spans == before


def test_text_labelled_elsewhere_is_suggested_with_its_label(ctx) -> None:
    first = Report.of("Faisal al-Hamad met the council in the village.", title="one")
    second = Report.of("Later, FAISAL AL-HAMAD denied it; Faisal al Hamad's men left.", title="two")
    for r in (first, second):
        store_report(ctx, r)
    create_span(ctx, first.id, 0, 15, "actor", annotator="carol")
    create_span(ctx, first.id, 24, 31, "claim", annotator="gold", adjudicating=True)
    found = [(s.text, s.label, s.source) for s in suggest(ctx, second.id, annotator="carol")]
    assert ("FAISAL AL-HAMAD", "actor", "annotation:carol") in found
    assert ("Faisal al Hamad", "actor", "annotation:carol") in found
    assert not [f for f in found if f[0] == "council"]  # "council" was gold's on another report: absent here
    third = Report.of("The council met.", title="three")
    store_report(ctx, third)
    assert [(s.text, s.label, s.source) for s in suggest(ctx, third.id, annotator="carol")] == \
        [("council", "claim", "annotation:gold")]


def test_what_counts_as_a_name_in_running_text() -> None:
    assert looks_like_name("al-Mayadin") and looks_like_name("Deir ez-Zor") and looks_like_name("IRGC")
    assert not looks_like_name("of") and not looks_like_name("an IRGC") and not looks_like_name("the Council")
    assert looks_like_name("دير الزور") and not looks_like_name("في") and not looks_like_name("أن الطريق")


def test_a_long_report_gets_every_free_occurrence_once(ctx) -> None:
    """Each suggestion is tested against the stretches already taken by a binary search over merged
    extents (each against every taken one made a 30 MB report run for more than ten minutes): the
    annotator's nested spans still block what they reach into, and nothing else is lost."""
    opening, sentence, copies = "Report from the monitor: ", "Shelling hit Deir ez-Zor again. ", 5_000
    report = Report.of(opening + sentence * copies, title="Long")
    store_report(ctx, report)
    first = len(opening) + sentence.index("Deir ez-Zor")
    monitor = opening.index("monitor")
    create_span(ctx, report.id, monitor, first + 4, "actor", annotator="alice")  # into the first copy's name
    create_span(ctx, report.id, monitor, monitor + 7, "place", annotator="alice")  # nested in it
    found = [s for s in suggest(ctx, report.id, annotator="alice") if s.text == "Deir ez-Zor"]
    assert [s.start for s in found] == [first + k * len(sentence) for k in range(1, copies)]
    assert {(s.label, s.source, s.entity) for s in found} == {("place", "registry", DEIR_EZ_ZOR)}


_EXTENT = st.tuples(st.integers(0, 40), st.integers(1, 8)).map(lambda t: (t[0], t[0] + t[1]))


@given(st.lists(_EXTENT, max_size=6), st.lists(_EXTENT, max_size=12))
@settings(max_examples=300, deadline=None)
def test_taken_stretches_answer_as_every_extent_tested_one_by_one(taken, candidates) -> None:
    occupied, plain = Occupied(taken), list(taken)
    for start, end in candidates:
        overlaps = any(a < end and start < b for a, b in plain)
        assert occupied.overlaps(start, end) == overlaps
        if not overlaps:
            occupied.add(start, end)
            plain.append((start, end))


def test_a_capitalised_word_is_a_registry_name_only_as_an_exact_alias(ctx) -> None:
    """A sentence's first word is capitalised: "According" shares its consonants with the village
    Chahār Dangeh and was suggested as that place. A single Latin word now needs an exact alias; a
    longer name is still found by its consonants (another transliteration)."""
    report = Report.of("According to local sources, fighters reached al-Mansoura and Deir ez-Zor.\n", title="t")
    store_report(ctx, report)
    found = {s.text: s for s in suggest(ctx, report.id, annotator="alice") if s.source == "registry"}
    assert "According" not in found
    assert found["Deir ez-Zor"].entity == DEIR_EZ_ZOR
    assert found["al-Mansoura"].label == "place"  # the registry's place spelt another way


def test_an_arabic_word_is_not_the_name_its_alias_has_with_the_article(ctx) -> None:
    """Arabic has no capitals, and ``key`` drops the article: "مسيّرة" (a drone) has the key of the
    channel المسيرة and "أخبار" (news) that of the paper الأخبار, and both were suggested as actors. A
    single Arabic word now has the article where its alias has it; names keep theirs."""
    report = Report.of("أفادت أخبار محلية بأن مسيّرة استهدفت موقعاً قرب الرقة، وقالت قناة المسيرة إن القصف استمر.\n",
                       title="t")
    store_report(ctx, report)
    found = {s.text: s.entity for s in suggest(ctx, report.id, annotator="alice") if s.source == "registry"}
    assert "أخبار" not in found and "مسيّرة" not in found
    assert found["الرقة"] == "place:geonames:172955"
    assert found["قناة المسيرة"] == "actor:al-masirah"
