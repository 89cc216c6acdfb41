"""Team work from the window: exchange bundles between two database files, and switching to a
team PostgreSQL server through the connection dialog."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from annotator.core.report import Report
from annotator.gui.app import choose_annotator
from annotator.gui.views.connection_dialog import ConnectionDialog
from annotator.gui.views.transfer_dialogs import BundleExportDialog, BundleImportDialog
from annotator.gui.window_dialogs import switch_database
from annotator.services import roles
from annotator.services.annotate import create_span, delete_span, get_set
from annotator.services.backups import list_backups
from annotator.services.bundles import export_bundle, import_bundle
from annotator.services.context import ServiceContext
from annotator.services.database import open_database
from annotator.services.reports import list_reports, store_report
from annotator.services.workflow import mark_done
from sqlalchemy.engine import make_url

from gui_helpers import ENGLISH, agree_to_removal, decline_removal, key, open_dialog, removal_question, settle
from pg_databases import drop_pg_database, fresh_pg_database, pg_url, team_logins


def test_bundle_round_trip_between_two_workstations(open_window, qtbot, tmp_path: Path, report_ids) -> None:  # type: ignore[no-untyped-def]
    window = open_window(annotator="bob")
    s = ENGLISH.index("Liwa al-Baqir")
    window.view.select_offsets(s, s + len("Liwa al-Baqir"))
    key(window.view, "1")
    dialog = open_dialog(window, window.bundle_export_action, BundleExportDialog)
    assert dialog.annotator.currentText() == "bob"
    bundle = tmp_path / "bob.annotator-bundle"
    dialog.destination.setText(str(bundle))
    with qtbot.waitSignal(dialog.completed, timeout=20000):
        dialog.run_button.click()
    assert bundle.exists() and "Wrote 1 set(s) of bob" in dialog.result_label.text()

    other = tmp_path / "supervisor.sqlite3"
    ctx = open_database(other)
    target = switch_database(window, ctx, str(other))
    settle(target)
    qtbot.addWidget(target)
    assert target.report_model.rowCount() == 0
    importer = open_dialog(target, target.bundle_import_action, BundleImportDialog)
    importer.path.setText(str(bundle))
    with qtbot.waitSignal(importer.completed, timeout=20000):
        importer.run_button.click()
    assert "1 new report(s), 1 set(s) added" in importer.result_label.text()
    qtbot.waitUntil(lambda: target.report_model.rowCount() == 1)
    spans = get_set(ctx, report_ids["english"], "bob").spans
    assert [x.text_in(ENGLISH) for x in spans] == ["Liwa al-Baqir"]
    with qtbot.waitSignal(importer.completed, timeout=20000):
        importer.run_button.click()  # the same bundle again changes nothing
    assert "0 new report(s), 0 set(s) added, 0 replaced by newer work, 1 unchanged" in importer.result_label.text()
    # a tampered bundle is refused in one sentence and nothing changes
    bad = tmp_path / "tampered.annotator-bundle"
    data = bytearray(bundle.read_bytes())
    data[len(data) // 2] ^= 0xFF
    bad.write_bytes(bytes(data))
    importer.path.setText(str(bad))
    job = importer.start(run=False)
    with qtbot.waitSignal(job.failed, timeout=20000):
        job.start()
    assert "tampered.annotator-bundle" in importer.result_label.text()
    assert len(list_reports(ctx)) == 1
    target.session.ctx.close()



def bobs_bundles(tmp_path: Path, first: Callable[[ServiceContext], object],
                 then: Callable[[ServiceContext], object]) -> None:
    """bob's workstation: the report, ``first`` edits, bob-1's bundle, ``then`` edits, bob-2's bundle."""
    home = open_database(tmp_path / "bob.sqlite3")
    try:
        store_report(home, Report.of(ENGLISH, title="Deir ez-Zor shelling", published="2024-05-03"))
        first(home)
        export_bundle(home, "bob", tmp_path / "bob-1.annotator-bundle")
        then(home)
        export_bundle(home, "bob", tmp_path / "bob-2.annotator-bundle")
    finally:
        home.close()


def test_bundle_import_shows_a_set_kept_by_a_decision(open_window, qtbot, tmp_path: Path, db_path: Path,  # type: ignore[no-untyped-def]
                                                      report_ids) -> None:
    """bob's newer bundle reaches a database where his work on the report is marked done: the import
    dialog says, in a sentence, that his set was kept local, and the set is what he marked done."""
    rid = report_ids["english"]

    def first(home: ServiceContext) -> None:
        s = ENGLISH.index("Liwa al-Baqir")
        create_span(home, rid, s, s + len("Liwa al-Baqir"), "actor", annotator="bob")

    bobs_bundles(tmp_path, first, lambda home: create_span(home, rid, 0, 4, "actor", annotator="bob"))
    here = open_database(db_path)
    try:
        import_bundle(here, tmp_path / "bob-1.annotator-bundle")
        here.actor = "bob"  # bob marks his own work done (named, so the record says he did)
        mark_done(here, rid, annotator="bob")
    finally:
        here.close()
    window = open_window(annotator="sam")
    importer = open_dialog(window, window.bundle_import_action, BundleImportDialog)
    importer.path.setText(str(tmp_path / "bob-2.annotator-bundle"))
    with qtbot.waitSignal(importer.completed, timeout=20000):
        importer.run_button.click()
    shown = importer.result_label.text()
    assert f"Kept local: report {rid[:12]}… bob's set is done here (by bob, " in shown
    assert "read-only for bob until a supervisor returns it" in shown
    assert [x.text_in(ENGLISH) for x in get_set(window.session.ctx, rid, "bob").spans] == ["Liwa al-Baqir"]


def test_a_bundle_that_removes_spans_asks_first_and_keeps_a_backup(open_window, qtbot, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                                    db_path: Path, report_ids) -> None:
    """bob's newer bundle drops one of the two spans this database holds of his: the import asks first,
    naming what would go, with Cancel as the default. Cancel stores nothing; Import and remove stores
    it after a backup the summary names, as a file's import does."""
    rid = report_ids["english"]
    made: dict[str, str] = {}

    def first(home: ServiceContext) -> None:
        s = ENGLISH.index("Liwa al-Baqir")
        made["kept"] = create_span(home, rid, s, s + len("Liwa al-Baqir"), "actor", annotator="bob")[0].id
        made["dropped"] = create_span(home, rid, 0, 4, "actor", annotator="bob")[0].id

    bobs_bundles(tmp_path, first, lambda home: delete_span(home, rid, made["dropped"], annotator="bob"))
    here = open_database(db_path)
    try:
        import_bundle(here, tmp_path / "bob-1.annotator-bundle")
    finally:
        here.close()
    window = open_window(annotator="sam")
    ctx = window.session.ctx
    before = get_set(ctx, rid, "bob")
    importer = open_dialog(window, window.bundle_import_action, BundleImportDialog)
    importer.path.setText(str(tmp_path / "bob-2.annotator-bundle"))

    box = removal_question(qtbot, importer)
    assert "Importing this bundle replaces stored sets and removes annotations" in box.text()
    said = "• bob's set on Deir ez-Zor shelling: 1 span removed (bob's newer set in the bundle omits them)"
    assert said in box.text()
    decline_removal(qtbot, importer, box)
    assert get_set(ctx, rid, "bob") == before and list_backups(ctx) == []

    text = agree_to_removal(qtbot, importer)
    assert "1 set(s) added, 0 replaced" not in text and "1 replaced by newer work" in text
    (backup,) = list_backups(ctx)
    assert backup.path.name.endswith("-before-bundle.sqlite3") and backup.path.name in text
    assert [x.id for x in get_set(ctx, rid, "bob").spans] == [made["kept"]]
    label = importer.result_label  # the dialog grew to show all of it: the backup's sentence comes last
    qtbot.waitUntil(lambda: label.isVisible() and label.height() >= label.heightForWidth(label.width()))


def test_connection_dialog_opens_a_postgresql_server(open_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    if pg_url() is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but ANNOTATOR_TEST_PG_URL is not set")
        pytest.skip("PostgreSQL test server not running (scripts/pg-test-server starts one)")
    url = fresh_pg_database()
    try:
        parts = make_url(url)
        window = open_window()
        dialog = open_dialog(window, window.database_action, ConnectionDialog)
        dialog.server.setChecked(True)
        dialog.host.setText(parts.host or "")
        dialog.port.setValue(parts.port or 5432)
        dialog.database.setText(parts.database or "")
        dialog.user.setText(parts.username or "")
        dialog.password.setText(parts.password or "")
        with qtbot.waitSignal(dialog.accepted, timeout=20000):
            dialog.connect_button.click()
        new = window.replacement
        qtbot.addWidget(new)
        settle(new)
        assert new.session.ctx.backend == "postgresql"
        assert "postgresql" in new.database_label.text()
        assert new.report_model.rowCount() == 0
        new.session.ctx.close()
        # a wrong server is one sentence in the dialog, and the window stays on its database
        again = open_window()
        bad = open_dialog(again, again.database_action, ConnectionDialog)
        bad.server.setChecked(True)
        bad.host.setText("127.0.0.1")
        bad.port.setValue(1)
        bad.database.setText("nothing")
        bad.user.setText("nobody")
        assert not bad.try_connect()
        assert bad.status.text().endswith(".") and "\n" not in bad.status.text()
        assert again.session.ctx.backend == "sqlite"
    finally:
        drop_pg_database(url)


def test_a_team_login_works_as_the_person_it_is_mapped_to(open_window, qtbot) -> None:  # type: ignore[no-untyped-def]
    """Connecting the window to the team server as alice's login kept working as the person of the
    file it came from (sam), and every edit was refused by the server. It now works as alice, and a
    span she labels by hand is stored as hers."""
    with team_logins(("sam", "alice")) as (url, logins):
        owner = open_database(url)
        try:
            roles.add_person(owner, "sam", "supervisor", login=logins["sam"])
            roles.add_person(owner, "alice", "annotator", login=logins["alice"])
            report = Report.of(ENGLISH, title="Deir ez-Zor shelling", published="2024-05-03")
            store_report(owner, report)
        finally:
            owner.close()
        window = open_window(annotator="sam")
        parts = make_url(url)
        dialog = open_dialog(window, window.database_action, ConnectionDialog)
        dialog.server.setChecked(True)
        dialog.host.setText(parts.host or "")
        dialog.port.setValue(parts.port or 5432)
        dialog.database.setText(parts.database or "")
        dialog.user.setText(logins["alice"])
        with qtbot.waitSignal(dialog.accepted, timeout=20000):
            dialog.connect_button.click()
        new = window.replacement
        qtbot.addWidget(new)
        settle(new)
        try:
            assert new.session.annotator == "alice" and "alice" in new.annotator_label.text()
            assert new.select_report(report.id)
            settle(new)
            s = ENGLISH.index("Liwa al-Baqir")
            new.view.select_offsets(s, s + len("Liwa al-Baqir"))
            key(new.view, "1")
            settle(new)
            assert new.statusBar().currentMessage() != "Not saved"
            assert [x.text_in(ENGLISH) for x in get_set(new.session.ctx, report.id, "alice").spans] == ["Liwa al-Baqir"]
        finally:
            new.session.ctx.close()
        # launched on the login (annotator gui --db URL): the same person, not the system's user name
        alice = open_database(sa_url(url, logins["alice"]))
        try:
            assert choose_annotator(alice, window.settings, None, ask=False) == "alice"
        finally:
            alice.close()


def sa_url(url: str, login: str) -> str:
    return make_url(url).set(username=login).render_as_string(hide_password=False)
