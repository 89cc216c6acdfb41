"""Records and JSON Lines exports built by two processes (``services.halves``): the same bytes as one
process, one snapshot for both halves, and one process (saying why) where two are not safe or not worth
it."""

from __future__ import annotations

import dataclasses
import sqlite3
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from annotator.core.report import Report
from annotator.records.csv_export import csv_rows_bytes
from annotator.records.record import record_json_bytes
from annotator.services import halves
from annotator.services.export import ExportScope, export_corpus
from annotator.services.halves import HalvesRun
from annotator.services.records import iter_record_bytes
from annotator.services.reports import store_report
from annotator.store.snapshots import commits_held, join_snapshot, pin_snapshot
from annotator.store.uow import UnitOfWork

from record_corpus import corpus

pytestmark = pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="two processes fork (POSIX but macOS)")


def test_two_processes_write_the_bytes_one_process_writes(ctx) -> None:  # type: ignore[no-untyped-def]
    ids = corpus(ctx, 30, ("alice", "bob"))
    for encode in (record_json_bytes, csv_rows_bytes):
        one = list(iter_record_bytes(ctx, encode, processes=1))
        run = HalvesRun()
        two = list(iter_record_bytes(ctx, encode, processes=2, run=run, min_sets=2))
        assert (run.processes, run.why_one) == (2, "")
        assert two == one and len(one) == 60
    scoped = dict(report_ids=ids[3:20], annotator="bob")  # a scope: the halves split it, not the corpus
    run = HalvesRun()
    two = list(iter_record_bytes(ctx, record_json_bytes, processes=2, run=run, min_sets=2, **scoped))
    assert run.processes == 2 and two == list(iter_record_bytes(ctx, record_json_bytes, **scoped))
    assert len(two) == 17 and all(b'"annotator":"bob"' in line for line in two)


def test_a_jsonl_export_in_two_processes_is_the_one_process_file(ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    ids = corpus(ctx, 24, ("alice", "bob"))
    for scope in (ExportScope(), ExportScope(("bob",), tuple(ids[5:]), ("claim", "actor"))):
        one = export_corpus(ctx, "jsonl", tmp_path / "one.jsonl", scope)
        run = HalvesRun()
        two = export_corpus(ctx, "jsonl", tmp_path / "two.jsonl", scope, processes=2, run=run, min_sets=2)
        assert run.processes == 2
        assert (tmp_path / "two.jsonl").read_bytes() == (tmp_path / "one.jsonl").read_bytes()
        assert dataclasses.replace(two, path="", files=[]) == dataclasses.replace(one, path="", files=[])
    assert (two.documents, two.spans, two.relations) == (19, 19 * 3, 19)  # bob's claims and actors, with sources
    run = HalvesRun()
    export_corpus(ctx, "doccano", tmp_path / "d.jsonl", processes=2, run=run, min_sets=2)
    assert (run.processes, run.why_one) == (1, "")  # a format not written line by line here: never forked


def test_one_process_reads_a_small_scope_and_says_why(ctx) -> None:  # type: ignore[no-untyped-def]
    corpus(ctx, 3)
    run = HalvesRun()
    assert len(list(iter_record_bytes(ctx, record_json_bytes, processes=2, run=run))) == 3
    assert (run.processes, run.why_one) == (1, "3 sets are read faster by one process")
    one_report = HalvesRun()
    ids = corpus(ctx, 1, ("alice", "bob", "carol"), first=3)  # three sets, all on one report: nothing to split
    lines = list(iter_record_bytes(ctx, record_json_bytes, report_ids=ids, processes=2, run=one_report, min_sets=2))
    assert len(lines) == 3 and (one_report.processes, one_report.why_one) == (1, "the scope holds one report")


def test_a_failing_second_process_leaves_its_half_to_the_first(ctx, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    corpus(ctx, 12)
    one = list(iter_record_bytes(ctx, record_json_bytes))
    real = halves._child

    def failing(ctx, produce, *args):  # type: ignore[no-untyped-def]
        def broken(uow: UnitOfWork, within: Any, child: bool) -> Iterator[bytes]:
            yield from produce(uow, within, child)
            raise OSError("disk full")
        return real(ctx, broken, *args)

    monkeypatch.setattr(halves, "_child", failing)
    run = HalvesRun()
    assert list(iter_record_bytes(ctx, record_json_bytes, processes=2, run=run, min_sets=2)) == one
    assert run.processes == 1
    assert run.why_one == "the second process failed (failed OSError: disk full); its half was read here"


def test_a_joined_snapshot_is_the_pinned_one(ctx) -> None:  # type: ignore[no-untyped-def]
    """What ``in_halves`` relies on: the second reader sees the first reader's state, not a commit made
    after the first reader pinned it (PostgreSQL: even when the commit lands before the second joins;
    SQLite: none can land while ``commits_held``)."""
    corpus(ctx, 2)
    postgres = ctx.backend == "postgresql"
    with ctx.uow() as first, ctx.uow() as second:
        with commits_held(ctx.engine) as held:
            assert held
            token = pin_snapshot(first.session)
            if not postgres:
                join_snapshot(second.session, token)
        store_report(ctx, Report.of("Report 3: a commit after the snapshot."))
        if postgres:
            join_snapshot(second.session, token)
        assert first.transfer.count_in_scope() == second.transfer.count_in_scope() == 2
        assert len(first.repo.report_ids()) == len(second.repo.report_ids()) == 2
    with ctx.uow() as later:
        assert len(later.repo.report_ids()) == 3


def test_commits_wait_while_held_and_a_busy_database_reads_in_one_process(sqlite_ctx, tmp_path) -> None:  # type: ignore[no-untyped-def]
    corpus(sqlite_ctx, 4)
    one = list(iter_record_bytes(sqlite_ctx, record_json_bytes))  # (the first record seeds the registry: a write)
    path = str(sqlite_ctx.engine.url.database)
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    with commits_held(sqlite_ctx.engine) as held:
        assert held
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
    other.execute("BEGIN IMMEDIATE")  # another writer holds the lock now: the halves are not lined up
    try:
        run = HalvesRun()
        assert list(iter_record_bytes(sqlite_ctx, record_json_bytes, processes=2, run=run, min_sets=2)) == one
        assert run.processes == 1
        assert run.why_one == "the database's write lock could not be had at once to line up two snapshots"
    finally:
        other.execute("ROLLBACK")
        other.close()
