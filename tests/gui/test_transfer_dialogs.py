"""Export… and Import annotations… from the window: real files, work off the GUI thread, a summary,
and Cancel that leaves no file behind."""

from __future__ import annotations

import json
from pathlib import Path

from annotator.gui.views.transfer_dialogs import ExportDialog, ImportAnnotationsDialog
from annotator.services.annotate import create_relation, get_set, set_attributes
from annotator.services.backups import list_backups
from annotator.services.database import load_schema, open_database
from annotator.services.samples import load_samples
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox

from gui_helpers import ENGLISH, agree_to_removal, click, decline_removal, key, open_dialog, removal_question, settle


def label(window, word: str, k: str) -> None:  # type: ignore[no-untyped-def]
    s = ENGLISH.index(word)
    window.view.select_offsets(s, s + len(word))
    key(window.view, k)


def test_export_jsonl_of_my_set(open_window, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = open_window()
    label(window, "Syrian Observatory", "1")
    label(window, "al-Busayrah", "2")
    dialog = open_dialog(window, window.export_action, ExportDialog)
    dialog.format_combo.setCurrentIndex(dialog.format_combo.findData("jsonl", Qt.ItemDataRole.DisplayRole))
    out = tmp_path / "corpus.jsonl"
    dialog.destination.setText(str(out))
    with qtbot.waitSignal(dialog.completed, timeout=20000):
        dialog.run_button.click()
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [(x["annotator"], len(x["spans"])) for x in lines] == [("alice", 2)]
    assert {s["text"] for s in lines[0]["spans"]} == {"Syrian Observatory", "al-Busayrah"}
    assert "Wrote 1 document(s), 2 span(s)" in dialog.result_label.text()


def test_export_conll_says_what_it_could_not_hold(open_window, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = open_window()
    label(window, "fighters of Liwa al-Baqir shelled", "4")
    label(window, "Liwa al-Baqir", "1")
    dialog = open_dialog(window, window.export_action, ExportDialog)
    dialog.format_combo.setCurrentIndex(dialog.format_combo.findText("conll"))
    assert "nesting depth" in dialog.nesting.text()
    dialog.destination.setText(str(tmp_path / "corpus.conll"))
    with qtbot.waitSignal(dialog.completed, timeout=20000):
        dialog.run_button.click()
    assert (tmp_path / "corpus.conll").exists()
    assert "Wrote 1 document(s)" in dialog.result_label.text()
    # what was not held, by kind and reason with the documents it touched (not "T3.kind" item by item)
    assert "\n• 1 × attribute: CoNLL has no span attributes (in 1 document(s))" in dialog.result_label.text()
    dialog.format_combo.setFocus()
    QTest.keyClick(dialog.format_combo, Qt.Key.Key_Down)  # another format: the last run's losses are not its own
    assert dialog.result_label.text() == ""


def test_cancelled_export_leaves_no_file(open_window, qtbot, tmp_path: Path, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    ctx = open_database(db_path)
    load_samples(ctx)  # 7 reports × 2 annotators: several progress steps
    ctx.close()
    window = open_window()
    window.reload_reports()
    dialog = open_dialog(window, window.export_action, ExportDialog)
    out = tmp_path / "corpus.jsonl"
    dialog.destination.setText(str(out))
    job = dialog.start(run=False)
    assert job is not None
    # cancel from the worker's first progress report (direct connection: deterministic)
    job.progress.connect(lambda *_: job.cancel(), Qt.ConnectionType.DirectConnection)
    with qtbot.waitSignal(job.cancelled, timeout=20000):
        job.start()
    assert not out.exists()
    assert not list(tmp_path.glob(".corpus.jsonl.*"))
    qtbot.waitUntil(lambda: "Cancelled" in dialog.result_label.text())


def test_export_needs_a_destination_in_a_folder_that_exists(open_window, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = open_window()
    dialog = open_dialog(window, window.export_action, ExportDialog)
    dialog.destination.setText("")
    click(dialog.run_button)
    assert dialog.result_label.text() == "choose where to write the export."
    typo = tmp_path / "typo" / "corpus.jsonl"  # typed by hand: no folder is made on the way
    dialog.destination.setText(str(typo))
    click(dialog.run_button)
    assert dialog.result_label.text() == (f"the export {typo}: the folder {typo.parent} does not exist (create it "
                                          "first; nothing was written).")
    assert not typo.parent.exists() and dialog.job is None


def test_import_annotations_as_a_named_annotator(open_window, qtbot, tmp_path: Path, report_ids) -> None:  # type: ignore[no-untyped-def]
    window = open_window()
    label(window, "Syrian Observatory", "1")
    exported = tmp_path / "alice.jsonl"
    dialog = open_dialog(window, window.export_action, ExportDialog)
    dialog.destination.setText(str(exported))
    with qtbot.waitSignal(dialog.completed, timeout=20000):
        dialog.run_button.click()
    importer = open_dialog(window, window.import_annotations_action, ImportAnnotationsDialog)
    importer.path.setText(str(exported))
    assert importer.format_combo.currentText() == "jsonl"
    importer.annotator.setText("carol")
    with qtbot.waitSignal(importer.completed, timeout=20000):
        importer.run_button.click()
    assert "1 set(s) changed" in importer.result_label.text()
    spans = get_set(window.session.ctx, report_ids["english"], "carol").spans
    assert [s.text_in(ENGLISH) for s in spans] == ["Syrian Observatory"]
    row = window.report_model.row_of(report_ids["english"])
    qtbot.waitUntil(lambda: "carol" in window.report_model.summary(row).annotators)
    # the same file again changes nothing
    with qtbot.waitSignal(importer.completed, timeout=20000):
        importer.run_button.click()
    assert "0 set(s) changed, 1 already up to date" in importer.result_label.text()


def test_a_bad_file_is_one_sentence_and_changes_nothing(open_window, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = open_window()
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "abc", "spans": [{"start": 0, "end": 9, "label": "actor"}]}\n', encoding="utf-8")
    importer = open_dialog(window, window.import_annotations_action, ImportAnnotationsDialog)
    importer.path.setText(str(bad))
    job = importer.start(run=False)
    assert job is not None
    with qtbot.waitSignal(job.failed, timeout=20000):
        job.start()
    text = importer.result_label.text()
    assert "bad.jsonl" in text and "\n" not in text
    assert window.report_model.rowCount() == 3


def test_a_file_with_new_labels_is_refused_then_added_when_ticked(open_window, qtbot, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                                   report_ids) -> None:
    """A corpus from another tool (PER/LOC, a relation type of its own): refused with the sentence that
    says how to map it; with the box ticked, the labels join the schema and the window reopens with
    their buttons, the import's summary on top."""
    window = open_window()
    rid = report_ids["english"]
    s = ENGLISH.index("Syrian Observatory")
    t = ENGLISH.index("al-Busayrah")
    peer = tmp_path / "peer.jsonl"
    peer.write_text(json.dumps({"id": rid, "text": ENGLISH, "annotator": "carol", "spans": [
        {"id": "T1", "start": s, "end": s + 18, "label": "PER"},
        {"id": "T2", "start": t, "end": t + 11, "label": "LOC"}],
        "relations": [{"id": "R1", "head": "T1", "tail": "T2", "label": "based_in"}]}) + "\n", encoding="utf-8")
    importer = open_dialog(window, window.import_annotations_action, ImportAnnotationsDialog)
    importer.path.setText(str(peer))
    job = importer.start(run=False)
    assert job is not None
    with qtbot.waitSignal(job.failed, timeout=20000):
        job.start()
    assert "unknown labels LOC, PER" in importer.result_label.text()
    assert "('Label map' and 'Add the labels…' when importing in the window)" in importer.result_label.text()
    assert get_set(window.session.ctx, rid, "carol").spans == ()

    click(importer.add_labels)
    assert importer.add_labels.isChecked()
    with qtbot.waitSignal(importer.completed, timeout=20000):
        importer.run_button.click()
    settle(window)
    fresh = window.replacement
    assert fresh is not None and fresh.isVisible()
    assert [a.text().split()[-1] for a in fresh.label_actions][-2:] == ["PER", "LOC"]
    (box,) = [b for b in fresh.findChildren(QMessageBox) if b.isVisible()]
    assert "Added to the schema, labels: PER, LOC." in box.text()
    assert "Added to the schema, relation types: based_in." in box.text()
    schema = load_schema(fresh.session.ctx)
    assert {"PER", "LOC"} <= set(schema.label_names) and "based_in" in {r.name for r in schema.relations}
    assert sorted(sp.label for sp in get_set(fresh.session.ctx, rid, "carol").spans) == ["LOC", "PER"]
    box.close()
    QTest.keyClick(fresh.view, Qt.Key.Key_5)  # the new labels have no key: the key says so, not nothing
    assert "No label has the key 5. Labels without a key (PER, LOC)" in fresh.statusBar().currentMessage()


def test_import_of_a_lossy_file_over_my_set_keeps_its_relation_and_says_so(open_window, qtbot, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                                          report_ids) -> None:
    """Import annotations… goes through the same load service as the CLI: a doccano file of alice's spans
    (plus one) keeps her relation, attribute and entity link, which doccano cannot hold, and the summary says so."""
    window = open_window()
    rid = report_ids["english"]
    label(window, "Syrian Observatory", "1")
    label(window, "fighters of Liwa al-Baqir shelled", "4")
    spans = {s.text_in(ENGLISH): s for s in get_set(window.session.ctx, rid, "alice").spans}
    actor, claim = spans["Syrian Observatory"], spans["fighters of Liwa al-Baqir shelled"]
    ctx = window.session.ctx
    create_relation(ctx, rid, claim.id, actor.id, "source", annotator="alice")
    set_attributes(ctx, rid, actor.id, {"reliability": "B"}, annotator="alice")
    place = ENGLISH.index("al-Busayrah")
    doccano = tmp_path / "alice.jsonl"
    doccano.write_text(json.dumps({"text": ENGLISH, "label": [
        [actor.start, actor.end, "actor"], [claim.start, claim.end, "claim"], [place, place + 11, "place"]]}) + "\n",
        encoding="utf-8")
    importer = open_dialog(window, window.import_annotations_action, ImportAnnotationsDialog)
    importer.path.setText(str(doccano))
    importer.format_combo.setCurrentIndex(importer.format_combo.findText("doccano"))
    importer.annotator.setText("alice")
    with qtbot.waitSignal(importer.completed, timeout=20000):
        importer.run_button.click()
    assert ("alice's set keeps 1 relation, 1 entity link and the attributes of 1 span that the doccano file does "
            "not carry" in importer.result_label.text())
    stored = get_set(ctx, rid, "alice")
    assert [(r.head, r.tail, r.label) for r in stored.relations] == [(claim.id, actor.id, "source")]
    assert next(s for s in stored.spans if s.id == actor.id).attrs == {"reliability": "B"}
    assert len(stored.spans) == 3


def test_the_import_summary_says_when_it_shows_only_some_warnings(open_window) -> None:  # type: ignore[no-untyped-def]
    from annotator.services.load import LoadResult  # noqa: PLC0415 (the format registry, only for this test)

    window = open_window()
    importer = open_dialog(window, window.import_annotations_action, ImportAnnotationsDialog)
    result = LoadResult("corpus.jsonl", "doccano", warnings=[f"report {i}: alice's set keeps …" for i in range(7)])
    text = importer.describe(result)
    assert "report 4:" in text and "report 5:" not in text
    assert text.endswith("… and 2 more (annotator load prints them all).")


def test_an_import_that_removes_spans_asks_first_and_keeps_a_backup(open_window, qtbot, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                                   report_ids) -> None:
    """The tester's cut-down export: alice's three spans exported, the file cut to one and imported. The
    dialog shows what would go with Cancel as default; Cancel stores nothing; Import and remove stores it,
    after a backup the summary names."""
    window = open_window()
    rid, ctx = report_ids["english"], window.session.ctx
    for word, k in (("Syrian Observatory", "1"), ("al-Busayrah", "2"), ("Liwa al-Baqir", "1")):
        label(window, word, k)
    exported = tmp_path / "alice.jsonl"
    dialog = open_dialog(window, window.export_action, ExportDialog)
    dialog.destination.setText(str(exported))
    with qtbot.waitSignal(dialog.completed, timeout=20000):
        dialog.run_button.click()
    doc = json.loads(exported.read_text(encoding="utf-8"))
    doc["spans"] = [s for s in doc["spans"] if ENGLISH[s["start"]:s["end"]] == "al-Busayrah"]
    exported.write_text(json.dumps(doc, ensure_ascii=False) + "\n", encoding="utf-8")
    before = get_set(ctx, rid, "alice")
    importer = open_dialog(window, window.import_annotations_action, ImportAnnotationsDialog)
    importer.path.setText(str(exported))

    box = removal_question(qtbot, importer)
    assert "alice's set on Deir ez-Zor shelling: 2 spans removed (the jsonl file omits them)" in box.text()
    assert "A backup of the database is taken just before" in box.text()
    decline_removal(qtbot, importer, box)
    assert get_set(ctx, rid, "alice") == before and list_backups(ctx) == []

    text = agree_to_removal(qtbot, importer)
    assert "\nalice's set on Deir ez-Zor shelling: 2 spans removed (the jsonl file omits them)." in text
    (made,) = list_backups(ctx)
    assert made.path.name.endswith("-before-load.sqlite3") and made.path.name in text and "File → Backups…" in text
    assert [s.text_in(ENGLISH) for s in get_set(ctx, rid, "alice").spans] == ["al-Busayrah"]
    qtbot.waitUntil(lambda: [s.text_in(ENGLISH) for s in window.document.mine.values()] == ["al-Busayrah"],
                    timeout=20000)  # the open report is reopened with what was stored


def test_a_set_named_by_a_user_id_is_imported_with_a_warning(open_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    """Window trial 2026-12-06 item 19: a Label Studio file with ``completed_by: 1`` silently created an
    annotator called "1"; the summary now says so and how to give a person's name."""
    window = open_window()
    importer = open_dialog(window, window.import_annotations_action, ImportAnnotationsDialog)
    importer.path.setText(str(Path(__file__).resolve().parents[1] / "data" / "peers" / "labelstudio"
                              / "project-3-at-2024-04-10-09-30-6b1d0f2e.json"))
    importer.format_combo.setCurrentIndex(importer.format_combo.findText("labelstudio"))
    with qtbot.waitSignal(importer.completed, timeout=20000):
        importer.run_button.click()
    text = importer.result_label.text()
    assert "(1)." in text and "names its annotator by the number 1 only" in text and "'As annotator'" in text
