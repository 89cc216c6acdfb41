"""Storage faults (issue 17): a full disk, a lock held by another program, a damaged file, a database
killed while being created, an unexpected error. Each is one sentence; nothing saved is lost."""

from __future__ import annotations

import argparse
import errno
import io
import os
import subprocess
import sys
import time
from contextlib import redirect_stderr
from pathlib import Path

import pytest
import sqlalchemy as sa
from annotator.cli.output import guarded
from annotator.core.errors import DatabaseError, StorageError
from annotator.core.report import Report
from annotator.gui.tasks import error_text
from annotator.services import annotate
from annotator.services.backups import AutoBackup, list_backups, restore_backup, rolling_backup
from annotator.services.database import open_database
from annotator.services.reports import store_report
from annotator.store import migrate
from annotator.store.engine import make_engine
from annotator.store.waits import WaitWatch

from cli_helpers import cli
from db_state import fingerprint

TEXT = "Deir ez-Zor, 3 May 2024. Fighters of Liwa al-Baqir shelled the village of al-Busayrah at dawn."


def test_a_full_database_disk_is_one_sentence_and_loses_nothing(tmp_path: Path) -> None:
    """PRAGMA max_page_count stands in for a full disk (the stress script fills a real filesystem)."""
    ctx = open_database(tmp_path / "a.sqlite3")
    try:
        report = Report.of(TEXT, title="kept")
        store_report(ctx, report)
        annotate.create_span(ctx, report.id, 0, 11, "place", annotator="alice")
        before = fingerprint(ctx.engine)
        pages = ctx.engine.connect().exec_driver_sql("PRAGMA page_count").scalar()
        ctx.engine.dispose()
        sa.event.listen(ctx.engine, "connect", lambda c, _r: c.execute(f"PRAGMA max_page_count={pages + 1}"))
        with pytest.raises(StorageError, match="the disk holding the database .* is full; nothing was saved") as info:
            store_report(ctx, Report.of("x" * 200_000, title="too big"))
        assert info.value.kind == "full"
        ctx.engine.dispose()
        assert fingerprint(ctx.engine) == before
    finally:
        ctx.close()


_HOLD_LOCK = """
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
if sys.argv[2] == "until-told":
    sys.stdin.readline()
else:
    time.sleep(float(sys.argv[2]))
c.execute("COMMIT")
"""


def _hold(db: Path, how: str) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, "-c", _HOLD_LOCK, str(db), how], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
    return proc


@pytest.mark.slow
def test_a_lock_held_by_another_writer_waits_with_a_message_then_refuses(tmp_path: Path) -> None:
    db = tmp_path / "a.sqlite3"
    report = tmp_path / "r.txt"
    report.write_text(TEXT)
    cli("reports", db=db, check=True)
    holder = _hold(db, "until-told")
    env = {**os.environ, "ANNOTATOR_DB": str(db)}
    waiting = subprocess.Popen([sys.executable, "-m", "annotator", "import", str(report)], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert waiting.stderr is not None
    note = waiting.stderr.readline()
    assert "waiting for the database" in note and "another program" in note
    assert holder.stdin is not None
    holder.stdin.write("go\n")
    holder.stdin.flush()
    holder.wait()
    assert waiting.wait(timeout=60) == 0  # released in time: saved
    other = tmp_path / "s.txt"
    other.write_text(TEXT + " Again.")
    holder = _hold(db, "40")
    t = time.monotonic()
    refused = cli("import", str(other), db=db)
    holder.kill()
    holder.wait()
    assert refused.returncode == 1, refused.stderr
    assert "locked by another program (waited 10 s); nothing was saved" in refused.stderr
    assert 10 <= time.monotonic() - t < 30 and "Traceback" not in refused.stderr


def test_our_own_slow_work_is_not_called_another_program(tmp_path: Path) -> None:
    """A long read (WAL: reads never wait) or a long write after our transaction took the write lock is
    our own work: the watch says nothing. The first write, which may wait for a lock, is still watched."""
    ctx = open_database(tmp_path / "w.sqlite3")
    told: list[str] = []
    watch = WaitWatch(ctx.engine, told.append, after_s=0.1)
    slow = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000000) "
    try:
        with ctx.engine.connect() as conn:
            conn.execute(sa.text(slow + "SELECT count(*) FROM c")).scalar()
            conn.execute(sa.text("CREATE TEMP TABLE scratch (x INTEGER)"))
            conn.execute(sa.text("INSERT INTO scratch VALUES (0)"))  # the write lock is ours from here
            conn.execute(sa.text("INSERT INTO scratch " + slow + "SELECT x FROM c"))
            conn.commit()
        time.sleep(0.3)
        assert told == []
        watch.started(1)  # a statement that might be waiting for a lock, still running past the limit
        time.sleep(0.5)
        assert len(told) == 1 and "another program" in told[0]
    finally:
        watch.stop()
        ctx.close()


def _damage(db: Path) -> None:
    size = db.stat().st_size
    with open(db, "r+b") as fh:
        fh.seek(size // 2 // 4096 * 4096)
        fh.write(os.urandom(4096))


def test_a_damaged_file_is_refused_at_open_and_restored_from_its_backup(tmp_path: Path) -> None:
    db = tmp_path / "a.sqlite3"
    ctx = open_database(db)
    for k in range(60):
        report = Report.of(f"{TEXT} ({k}) " + "more words " * 200, title=f"r{k}")
        store_report(ctx, report)
        annotate.create_span(ctx, report.id, 0, 11, "place", annotator="alice")
    backup = rolling_backup(ctx)
    ctx.close()
    assert backup is not None
    good = fingerprint(f"sqlite:///{backup.path}")
    _damage(db)
    refused = cli("reports", db=db)
    assert refused.returncode == 1
    assert "is damaged" in refused.stderr and "annotator check" in refused.stderr
    assert str(backup.path) in refused.stderr and "Traceback" not in refused.stderr
    checked = cli("check", db=db)
    assert checked.returncode == 1 and "--restore" in checked.stderr
    restored = cli("backup", "--restore", str(backup.path), db=db)
    assert restored.returncode == 0, restored.stderr
    assert cli("check", db=db).returncode == 0
    ctx = open_database(db)
    try:
        assert fingerprint(ctx.engine) == good
    finally:
        ctx.close()


def test_rolling_backups_keep_the_last_k_and_follow_the_editing_clock(tmp_path: Path) -> None:
    ctx = open_database(tmp_path / "a.sqlite3")
    try:
        now = [0.0]
        auto = AutoBackup(ctx, every_minutes=10, keep=3, clock=lambda: now[0])
        assert auto.started() is not None
        assert auto.edited() is None  # less than 10 minutes of editing since
        now[0] = 601
        assert auto.edited() is not None
        for _ in range(4):
            rolling_backup(ctx, keep=3)
        found = list_backups(ctx)
        assert len(found) == 3 and found == sorted(found, key=lambda b: b.created, reverse=True)
        report = Report.of(TEXT)
        store_report(ctx, report)
        before_restore = restore_backup(ctx, found[-1].path)  # the oldest: no report yet
        assert before_restore is not None and "before-restore" in before_restore.path.name
        with ctx.uow() as uow:
            assert not uow.repo.has_report(report.id)
        restore_backup(ctx, before_restore.path)  # and back again
        with ctx.uow() as uow:
            assert uow.repo.has_report(report.id)
    finally:
        ctx.close()


def test_a_foreign_or_damaged_backup_is_refused_and_nothing_changes(tmp_path: Path) -> None:
    ctx = open_database(tmp_path / "a.sqlite3")
    try:
        store_report(ctx, Report.of(TEXT))
        before = fingerprint(ctx.engine)
        junk = tmp_path / "junk.sqlite3"
        junk.write_bytes(b"not a database at all" * 100)
        with pytest.raises(Exception, match="damaged|not a backup"):
            restore_backup(ctx, junk)
        assert fingerprint(ctx.engine) == before
    finally:
        ctx.close()


def test_a_migration_that_fails_half_way_leaves_no_half_database(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Creating a database is one transaction: a failure (or a kill) in the middle leaves nothing."""
    db = tmp_path / "new.sqlite3"
    from alembic import command, op  # noqa: PLC0415 (Alembic, 1 s to import, one test needs it)

    real = command.upgrade  # store.migrate imports Alembic's command module when it upgrades

    def upgrade_then_fail(config, revision):  # type: ignore[no-untyped-def]
        real(config, "0001")
        raise RuntimeError("killed half-way")

    monkeypatch.setattr(command, "upgrade", upgrade_then_fail)
    with pytest.raises(DatabaseError, match="cannot open the database .*killed half-way"):
        open_database(db)
    monkeypatch.undo()
    engine = sa.create_engine(f"sqlite:///{db}")
    assert sa.inspect(engine).get_table_names() == []
    engine.dispose()
    open_database(db).close()  # a later start finishes the job
    assert op is not None


def test_a_half_created_database_of_ours_is_finished_not_refused(tmp_path: Path) -> None:
    """Left by an older version killed while creating (tables of ours, no version row, no data)."""
    db = tmp_path / "half.sqlite3"
    engine = migrate_to(db, "0001")
    with engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM alembic_version")
    engine.dispose()
    ctx = open_database(db)
    try:
        assert migrate.current_revision(ctx.engine) == migrate.head_revision()
    finally:
        ctx.close()


def migrate_to(db: Path, revision: str) -> sa.Engine:
    engine = make_engine(db)
    migrate.upgrade(engine, revision, backup=False)
    return engine


def test_unexpected_errors_exit_3_and_ask_to_be_reported(capsys: pytest.CaptureFixture[str]) -> None:
    def run(_args: argparse.Namespace) -> int:
        raise KeyError("boom")

    assert guarded(run, argparse.Namespace(debug=False)) == 3
    err = capsys.readouterr().err
    assert "bug in annotator" in err and "report it" in err and "--debug" in err


def test_an_output_fault_is_exit_1_with_a_sentence(tmp_path: Path) -> None:
    db = tmp_path / "a.sqlite3"
    report = tmp_path / "r.txt"
    report.write_text(TEXT)
    cli("import", str(report), db=db, check=True)
    blocker = tmp_path / "file"
    blocker.write_text("a file, not a folder")
    for args in (["export", "--format", "jsonl", "--out", str(blocker / "x.jsonl")],
                 ["record", "--out", str(blocker / "r.json")],
                 ["backup", "--out", str(blocker / "b.sqlite3")]):
        proc = cli(*args, db=db)
        assert proc.returncode == 1, (args, proc.stderr)
        assert "nothing was written" in proc.stderr and "unexpected" not in proc.stderr, proc.stderr


def test_the_window_and_the_command_line_say_the_same_sentence() -> None:
    """One error-to-sentence (services.errors): the window's text is the command line's message."""
    for exc in (OSError(errno.ENOSPC, "No space left on device", "/x/corpus.jsonl"), KeyError("boom"),
                DatabaseError("cannot open the database x.sqlite3 (locked)")):
        def run(_args: argparse.Namespace, exc: BaseException = exc) -> int:
            raise exc

        err = io.StringIO()
        with redirect_stderr(err):
            guarded(run, argparse.Namespace(debug=False))
        printed = err.getvalue().removeprefix("error: ").strip()
        assert printed.startswith(error_text(exc).removesuffix(".")), (printed, error_text(exc))
