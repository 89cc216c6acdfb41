"""``annotator record`` and ``annotator export --format jsonl`` on a corpus large enough for two processes
(``services.halves``), as a user runs them: the second process is used, the output is the one process's
byte for byte, and edits committed by another program while a record runs land in both halves or in
neither."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from annotator.records.csv_export import csv_rows_bytes, write_csv_rows
from annotator.records.record import record_json_bytes, write_record_lines
from annotator.services.database import open_database
from annotator.services.export import export_corpus
from annotator.services.records import iter_record_bytes

from cli_helpers import cli
from record_corpus import corpus

pytestmark = pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="two processes fork (POSIX but macOS)")
REPORTS = 520  # over halves.MIN_SETS

# another program: round after round, bob's sets on a report of each half get the same number of actors,
# in one transaction each, with a pause between rounds as a person's saves have. A writer that never lets
# go of the write lock makes ``record`` read in one process (it waits half a second for the lock to pin one
# snapshot for both halves: ``store.snapshots.commits_held``), which is right, and another test's subject;
# on a loaded machine that happened to this test once in five fresh-clone runs.
WRITER = textwrap.dedent("""
    import sys
    import time
    from annotator.services.database import open_database
    from annotator.services.reports import get_report
    from annotator.store.set_transfer import SetWrite
    from record_corpus import annotated
    ctx = open_database(sys.argv[1])
    texts = {rid: get_report(ctx, rid).text for rid in sys.argv[2:4]}
    ids = {}
    for n in range(1, 100000):
        with ctx.uow() as uow:
            bob = uow.repo.annotator_row("bob").id
            writes = [SetWrite(rid, annotated(text, actors=n % 4 + 1), (), n, set_id=ids.get(rid))
                      for rid, text in texts.items()]
            uow.transfer.write_sets("bob", bob, writes, op="test")
            uow.commit()
            if not ids:
                ids = {rid: sid for rid, (sid, _v) in uow.transfer.set_versions(bob, list(texts)).items()}
        print(n, flush=True)
        time.sleep(0.01)
""")


@pytest.fixture
def big(tmp_path: Path) -> tuple[str, list[str]]:
    """A SQLite file over ``MIN_SETS`` sets (the service tests run both halves on PostgreSQL too, and
    show its exported snapshot shared; the command line adds nothing per backend but time)."""
    url = str(tmp_path / "big.sqlite3")
    ctx = open_database(url)
    try:
        return url, corpus(ctx, REPORTS)
    finally:
        ctx.close()


def _one_process(db_url: str, csv: bool) -> bytes:
    ctx = open_database(db_url)
    try:
        out = io.BytesIO()
        (write_csv_rows if csv else write_record_lines)(iter_record_bytes(ctx, csv_rows_bytes if csv
                                                                          else record_json_bytes), out)
        return out.getvalue()
    finally:
        ctx.close()


@pytest.mark.slow
def test_record_of_a_large_corpus_uses_two_processes_and_writes_one_process_bytes(big, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    url, _ids = big
    out = tmp_path / "records.json"
    said = json.loads(cli("--db", url, "record", "--json", "--out", str(out), check=True, process=True).stdout)
    assert said == {"out": str(out), "records": REPORTS, "processes": 2}
    assert out.read_bytes() == _one_process(url, csv=False)
    assert len(json.loads(out.read_bytes())["records"]) == REPORTS
    piped = subprocess.run([sys.executable, "-m", "annotator", "--db", url, "record", "--format", "csv"],
                           capture_output=True, check=True, timeout=120)  # to stdout, as a pipe reads it
    assert piped.stdout == _one_process(url, csv=True)  # nothing the parent had buffered is written twice


def test_a_jsonl_export_of_a_large_corpus_uses_two_processes_and_writes_one_process_bytes(big, tmp_path: Path
                                                                                          ) -> None:  # type: ignore[no-untyped-def]
    url, _ids = big
    out = tmp_path / "corpus.jsonl"
    said = json.loads(cli("--db", url, "export", "--format", "jsonl", "--out", str(out), "--json", check=True,
                          process=True).stdout)
    assert (said["processes"], said["documents"], said["spans"], said["relations"]) == (2, REPORTS, 6 * REPORTS,
                                                                                         REPORTS)
    ctx = open_database(url)
    try:
        export_corpus(ctx, "jsonl", tmp_path / "one.jsonl")
    finally:
        ctx.close()
    assert out.read_bytes() == (tmp_path / "one.jsonl").read_bytes()


@pytest.mark.slow
def test_edits_committed_while_the_record_runs_are_in_both_halves_or_neither(big, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    url, ids = big
    first, last = ids[0], ids[-1]  # one report in each half
    script = tmp_path / "writer.py"
    script.write_text(WRITER, encoding="utf-8")
    support = str(Path(__file__).resolve().parents[1] / "support")
    writer = subprocess.Popen([sys.executable, str(script), url, first, last], stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": support})
    try:
        assert writer.stdout is not None
        started = int(writer.stdout.readline())
        for _ in range(2):  # each run pins a snapshot while rounds are being committed
            out = tmp_path / "records.json"
            said = json.loads(cli("--db", url, "record", "--json", "--out", str(out), check=True, process=True).stdout)
            assert said["processes"] == 2
            records = json.loads(out.read_bytes())["records"]
            bob = {r["report"]["id"]: len(r["actors"]) for r in records if r["annotator"] == "bob"}
            assert set(bob) == {first, last} and bob[first] == bob[last], bob
    finally:
        writer.kill()
        rounds = writer.communicate()[0].split()
    assert int(rounds[-1]) > started + 2  # the other program kept committing through the runs
