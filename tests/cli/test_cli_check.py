"""``annotator check`` is the command a user runs after a crash: it must say what the file is (missing,
never finished, from a newer version, damaged, holding unreadable JSON) in sentences, count only what it
counted, and create nothing (tester's report of 6 December 2026, items 5 and 18)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from annotator.core.errors import DatabaseError
from annotator.core.report import Report
from annotator.services import annotate
from annotator.services.database import check, open_database, open_for_repair
from annotator.services.reports import store_report
from annotator.store import migrate
from annotator.store.base import Base
from annotator.store.engine import make_engine, sqlite_path

from cli_helpers import cli

TEXT = "IRGC officers met in Deir ez-Zor on April 7, said Deirezzor24."


def _annotated(db: Path) -> str:
    """A database with one report, alice's claim and its place related; the report's id."""
    ctx = open_database(db)
    try:
        report = Report.of(TEXT, title="Deir ez-Zor")
        store_report(ctx, report)
        annotate.create_span(ctx, report.id, 0, 32, "claim", annotator="alice", attrs={"note": "x"})
        annotate.create_span(ctx, report.id, 21, 32, "place", annotator="alice")
        annotate.create_relation(ctx, report.id, "T1", "T2", "place", annotator="alice", attrs={"k": 1})
    finally:
        ctx.close()
    return report.id


def test_a_missing_path_is_one_sentence_and_nothing_is_created(tmp_path: Path) -> None:
    for db in (tmp_path / "typo.sqlite3", tmp_path / "no" / "such" / "x.sqlite3"):
        proc = cli("check", "--db", str(db))
        assert proc.returncode == 2 and "Traceback" not in proc.stderr
        assert proc.stderr == f"error: there is no database at {db} (nothing was created there; check the path).\n"
        assert not db.exists() and not (tmp_path / "no").exists()


def test_a_database_whose_creation_never_finished_is_said_so_and_any_command_finishes_it(tmp_path: Path) -> None:
    empty = tmp_path / "empty.sqlite3"
    empty.write_bytes(b"")
    partial = tmp_path / "partial.sqlite3"  # killed after some tables were made, before the version row
    engine = make_engine(partial)
    Base.metadata.create_all(engine, tables=[Base.metadata.tables["reports"], Base.metadata.tables["annotators"]])
    engine.dispose()
    for db in (empty, partial):
        proc = cli("check", "--db", str(db))
        assert proc.returncode == 1, proc.stderr
        assert "no such table" not in proc.stderr and "backup" not in proc.stderr
        assert f"error: the database {db} is not initialised: its creation did not finish and it holds no data; " \
               "opening it with any other command (or the app) finishes creating it." in proc.stderr
        assert proc.stdout.splitlines() == ["reports and spans not counted, schema revision unknown", "1 problem"]
        out = json.loads(cli("check", "--json", "--db", str(db)).stdout)
        assert out["reports"] is None and out["spans"] is None and not out["ok"]
        cli("reports", "--db", str(db), check=True)  # any other command finishes the creation
        assert json.loads(cli("check", "--json", "--db", str(db), check=True).stdout)["reports"] == 0


def test_a_future_schema_revision_is_refused_as_by_every_command(tmp_path: Path) -> None:
    db = tmp_path / "future.sqlite3"
    _annotated(db)
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '29991231_0001'")
    conn.close()
    reports = cli("reports", "--db", str(db))
    proc = cli("check", "--db", str(db))
    assert proc.returncode == reports.returncode == 2
    assert proc.stderr == reports.stderr and "newer than this version of annotator" in proc.stderr
    assert proc.stdout == ""


def test_a_damaged_file_is_not_counted_as_empty(tmp_path: Path) -> None:
    db = tmp_path / "damaged.sqlite3"
    _annotated(db)
    with open(db, "r+b") as fh:  # the header's magic string: SQLite no longer reads the file at all
        fh.write(b"not a database!!")
    proc = cli("check", "--db", str(db))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "0 reports" not in proc.stdout and "None" not in proc.stdout
    assert proc.stdout.startswith("reports and spans not counted, schema revision unknown\n")
    assert "cannot be read as a SQLite database" in proc.stderr


def test_stored_json_that_does_not_parse_is_named_by_its_row(tmp_path: Path) -> None:
    db = tmp_path / "json.sqlite3"
    report_id = _annotated(db)
    with sqlite3.connect(db) as conn:
        conn.execute("""UPDATE spans SET attrs = '{"note": "x"' WHERE key = 'T1'""")
    conn.close()
    proc = cli("check", "--db", str(db))
    assert proc.returncode == 1
    assert proc.stdout.splitlines()[-1] == "1 problem"
    assert f"error: report {report_id[:12]}…, alice's span T1: its stored attrs value is not valid JSON " \
           "(expecting ',' delimiter at character 13), so commands that read it fail." in proc.stderr
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE relations SET attrs = '{k: 1}'")  # the one relation, R3 (keys count on from T2)
        conn.execute("UPDATE reports SET meta = 'NaN'")  # Python's json reads it, but it is no object
        conn.execute("UPDATE edits SET after = 'NaN'")  # read as it is: not reported
    conn.close()
    out = json.loads(cli("check", "--json", "--db", str(db)).stdout)
    assert out["reports"] == 1 and out["spans"] == 2
    assert out["problems"] == [
        f"report {report_id[:12]}…: its stored meta value is the number nan, not a JSON object, so commands that "
        "read it fail",
        f"report {report_id[:12]}…, alice's span T1: its stored attrs value is not valid JSON (expecting ',' "
        "delimiter at character 13), so commands that read it fail",
        f"report {report_id[:12]}…, alice's relation R3: its stored attrs value is not valid JSON (expecting "
        "property name enclosed in double quotes at character 2), so commands that read it fail"]
    with sqlite3.connect(db) as conn:
        conn.execute("""UPDATE reports SET meta = '{}'""")
    conn.close()
    exported = cli("export", "--format", "jsonl", "--out", str(tmp_path / "out.jsonl"), "--db", str(db))
    assert exported.returncode == 1 and "Traceback" not in exported.stderr  # was exit 3, "unexpected JSONDecodeError"
    assert exported.stderr.startswith("error: the database holds a stored value that is not valid JSON "
                                      "(expecting ',' delimiter at character 13); run `annotator check`")


def test_check_reads_a_new_database_on_each_backend_without_creating_it(db_url: str) -> None:
    """The service under the command, on SQLite and on the PostgreSQL server: an empty database is 'not
    initialised' (and ``check`` leaves it so), opening it finishes it, a newer revision is refused."""
    path = sqlite_path(db_url)
    if path is not None:
        path.write_bytes(b"")
    ctx = open_for_repair(db_url, existing=True)
    try:
        found = check(ctx)
        assert not found.ok and found.reports is None and not found.damaged
        assert "is not initialised" in found.problems[0]
        assert migrate.current_revision(ctx.engine) is None  # check created nothing
    finally:
        ctx.close()
    open_database(db_url).close()
    ctx = open_for_repair(db_url, existing=True)
    try:
        found = check(ctx)
        assert found.ok and (found.reports, found.spans) == (0, 0) and found.revision == migrate.head_revision()
        with ctx.engine.begin() as conn:
            conn.exec_driver_sql("UPDATE alembic_version SET version_num = '29991231_0001'")
        with pytest.raises(DatabaseError, match="newer than this version of annotator"):
            check(ctx)
    finally:
        ctx.close()


def test_an_older_revision_is_named_and_left_to_the_upgrade_of_any_other_command(tmp_path: Path) -> None:
    db = tmp_path / "old.sqlite3"
    engine = make_engine(db)
    older = migrate.revision_chain()[migrate.head_revision()]
    assert older is not None
    migrate.upgrade(engine, older)
    engine.dispose()
    proc = cli("check", "--db", str(db))
    assert proc.returncode == 1 and "no such column" not in proc.stderr and "backup --restore" not in proc.stderr
    assert f"error: the database is at the older schema revision '{older}' (this version of annotator uses " \
           f"'{migrate.head_revision()}'), so its rows were not checked; any other command upgrades it after a " \
           "backup copy." in proc.stderr
    assert proc.stdout.splitlines()[0] == f"reports and spans not counted, schema revision {older}"
    cli("reports", "--db", str(db), check=True)
    cli("check", "--db", str(db), check=True)
