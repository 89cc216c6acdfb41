"""The text search index on PostgreSQL (migration 0007): a pg_trgm GIN index that the candidates query
uses, and a server that cannot enable pg_trgm still migrates and says so (``annotator check``)."""

from __future__ import annotations

import logging
import random
import uuid

import pytest
import sqlalchemy as sa
from annotator.core.report import Report
from annotator.services.database import check, open_database
from annotator.services.reports import store_report
from annotator.services.search import search
from annotator.services.search_index import index_report
from annotator.store import search_repository
from annotator.store.search_repository import TRGM_INDEX

from pg_databases import drop_pg_database, fresh_pg_database, pg_url

pytestmark = pytest.mark.skipif(pg_url() is None, reason="needs the PostgreSQL test server")


def test_the_trigram_index_exists_and_serves_the_candidates_query(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search_repository, "HEAD", 50)  # the first reports read without the index: 50 of 1,001
    url = fresh_pg_database()
    ctx = open_database(url)
    try:
        rng = random.Random(15)
        with ctx.uow() as uow:  # reports of a realistic 2.5 KB: reading a few through the index beats a scan
            for i in range(1000):
                filler = " ".join(f"The checkpoint near Homs was reinforced on day {rng.randrange(28)}."
                                  for _ in range(40))  # compresses to about 1 KB: kept in the table's own pages
                report = Report.of(f"Report {i}: shelling near al-Mayadin and Raqqa, day {i}. {filler}"
                                   + (" A convoy left Deir ez-Zor." if i % 100 == 7 else ""), title=f"r{i}")
                uow.repo.add_report(report)
                index_report(uow, report.id, report.text)
            uow.commit()
        store_report(ctx, Report.of("قال مصدر إن رتلاً دخل مدينةَ دير الزّور فجراً.", title="ar"))
        with ctx.uow() as uow:
            assert uow.session.execute(sa.text("SELECT indexdef FROM pg_indexes WHERE indexname = :n"),
                                       {"n": TRGM_INDEX}).scalar_one().endswith("USING gin (folded gin_trgm_ops)")
            assert uow.search.index_state() == (True, "search index: pg_trgm GIN on report_search.folded")
            uow.session.execute(sa.text("ANALYZE report_search"))
            # 1,001 small reports: a scan is cheaper for the planner here (at 10,000 reports of 2.5 KB it takes
            # the index by itself: benchmarks/search_bench.py); with scans off, the index must serve the LIKE
            uow.session.execute(sa.text("SET LOCAL enable_seqscan = off"))
            uow.session.execute(sa.text("SET LOCAL enable_indexscan = off"))
            pivot = uow.session.execute(sa.text("SELECT id FROM report_search ORDER BY id OFFSET 50 LIMIT 1")).scalar()

            def plan(stmt) -> str:  # type: ignore[no-untyped-def]
                sql = stmt.compile(dialect=uow.session.get_bind().dialect, compile_kwargs={"literal_binds": True})
                cursor = uow.session.connection().connection.cursor()  # no parameters: % is literal
                cursor.execute(f"EXPLAIN {sql}".replace("%%", "%"))  # psycopg's escaping of a literal % undone
                return "\n".join(r[0] for r in cursor.fetchall())

            for query in ("deir ez zor", "دير الزور", "day 999"):
                assert f"Bitmap Index Scan on {TRGM_INDEX}" in plan(uow.search.candidates_query(query))
                # the first reports are read in stored order, never through it (a frequent name stops early)
                assert TRGM_INDEX not in plan(uow.search.candidates_query(query, below=pivot))
        hits = search(ctx, "DEIR EZ-ZOR", limit=100)  # found in both parts, in the order the reports were stored
        assert [h.title for h in hits] == [f"r{i}" for i in range(7, 1000, 100)]
        assert [h.text for h in search(ctx, "دير الـزور")] == ["دير الزّور"]
        assert check(ctx).search_index == "search index: pg_trgm GIN on report_search.folded"
    finally:
        ctx.close()
        drop_pg_database(url)


def test_a_server_that_refuses_pg_trgm_still_migrates_and_says_so(caplog: pytest.LogCaptureFixture) -> None:
    """A login that may create tables but not extensions (no CREATE on the database): no index, a warning
    while migrating, a sentence in ``annotator check``; search works by scanning."""
    url = fresh_pg_database()
    login = f"noext_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE ROLE "{login}" LOGIN'))
        conn.execute(sa.text(f'GRANT CREATE, USAGE ON SCHEMA public TO "{login}"'))
    try:
        with caplog.at_level(logging.WARNING, logger="annotator.store.migrate"):
            ctx = open_database(str(sa.engine.make_url(url).set(username=login)))
        try:
            assert any("search index not created: the pg_trgm extension could not be enabled" in r.getMessage()
                       for r in caplog.records)
            state = check(ctx).search_index
            assert state.startswith("search index: none — the server has the pg_trgm extension but the index was "
                                    "not created (enabling the extension was refused); every search scans all "
                                    "reports. A database owner can add it: CREATE EXTENSION pg_trgm;")
            store_report(ctx, Report.of("Shelling near Deir ez-Zor.", title="r"))
            assert [h.text for h in search(ctx, "deir ez zor")] == ["Deir ez-Zor"]
        finally:
            ctx.close()
    finally:
        admin.dispose()
        drop_pg_database(url)
        server = sa.create_engine(pg_url(), isolation_level="AUTOCOMMIT")  # type: ignore[arg-type]
        with server.connect() as conn:
            conn.execute(sa.text(f'DROP ROLE IF EXISTS "{login}"'))
        server.dispose()
