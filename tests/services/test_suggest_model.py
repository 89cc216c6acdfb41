"""The optional suggestion source: a real spaCy pipeline (blank English + entity_ruler, saved to a folder
and loaded by path), its labels mapped to the project's, its source recorded on acceptance; a pipeline
that is not installed is one sentence and the other sources still answer."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from annotator.core.report import Report
from annotator.services.annotate import get_set
from annotator.services.reports import store_report
from annotator.services.suggest import accept_suggestions, model_setting, set_model_setting, suggest
from annotator.services.suggest_model import ModelUnavailable, load_pipeline

from spacy_pipelines import save_ruler_pipeline

pytest.importorskip("spacy", reason="the suggest-spacy extra")

TEXT = ("On 3 May 2024 the Brigade of Tests shelled Qaryat Nowhere, near Deir ez-Zor; "
        "Jane Roe said it cost ten dollars.")
SOURCE = "model:en_test_ruler 0.1.0"


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A pipeline as a user would have installed or saved one: nothing is downloaded."""
    return save_ruler_pipeline(tmp_path_factory.mktemp("pipelines"), [
        {"label": "ORG", "pattern": "Brigade of Tests"},
        {"label": "GPE", "pattern": "Qaryat Nowhere"},
        {"label": "GPE", "pattern": "Deir ez-Zor"},  # the registry knows it too: registry wins
        {"label": "PERSON", "pattern": "Jane Roe"},
        {"label": "MONEY", "pattern": "ten dollars"}])  # no project label: dropped


def _report(ctx) -> str:  # type: ignore[no-untyped-def]
    report = Report.of(TEXT, title="model", published="2024-05-04")
    store_report(ctx, report)
    return report.id


def test_a_pipeline_loaded_by_path_suggests_its_mapped_entities_and_acceptance_records_it(ctx, pipeline) -> None:
    rid = _report(ctx)
    found = suggest(ctx, rid, annotator="carol", model=str(pipeline))
    assert found.notices == ()
    got = {(s.text, s.label, s.source) for s in found}
    assert {("Brigade of Tests", "actor", SOURCE), ("Qaryat Nowhere", "place", SOURCE),
            ("Jane Roe", "actor", SOURCE)} <= got
    assert ("Deir ez-Zor", "place", "registry") in got and ("Deir ez-Zor", "place", SOURCE) not in got
    assert ("3 May 2024", "date", "date") in got
    assert not [s for s in found if "dollars" in s.text]
    brigade = next(s for s in found if s.text == "Brigade of Tests")
    accept_suggestions(ctx, rid, [brigade], annotator="carol")
    (span,) = get_set(ctx, rid, "carol").spans
    assert (TEXT[span.start:span.end], span.label, span.attrs) == ("Brigade of Tests", "actor", {"source": SOURCE})
    # the project's setting is used when the caller names none; "none" runs without it
    assert model_setting(ctx) == ""
    set_model_setting(ctx, str(pipeline))
    assert model_setting(ctx) == str(pipeline)
    assert ("Qaryat Nowhere", "place", SOURCE) in {(s.text, s.label, s.source) for s in suggest(ctx, rid,
                                                                                              annotator="carol")}
    assert not [s for s in suggest(ctx, rid, annotator="carol", model="none") if s.source.startswith("model:")]


def test_a_missing_pipeline_is_one_sentence_and_the_other_sources_still_answer(ctx) -> None:
    rid = _report(ctx)
    found = suggest(ctx, rid, annotator="carol", model="xx_no_such_pipeline")
    assert found.notices == ("spaCy pipeline 'xx_no_such_pipeline' is not installed: no package or folder of that "
                             "name (install its package with pip, or give the folder of a saved pipeline); the "
                             "other suggestions are shown",)
    got = {(s.text, s.label, s.source) for s in found}
    assert ("3 May 2024", "date", "date") in got and ("Deir ez-Zor", "place", "registry") in got


def test_without_spacy_the_sentence_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "spacy", None)  # as on an install without the extra: import fails
    with pytest.raises(ModelUnavailable, match=r"^spaCy pipeline 'en_core_web_sm' is not installed: spaCy itself "
                                               r"is missing \(install the extra: pip install "
                                               r"'annotator\[suggest-spacy\]'\)$"):
        load_pipeline("en_core_web_sm")
