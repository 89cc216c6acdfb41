"""The text search index on PostgreSQL (migration 0007): a pg_trgm GIN index that the candidates query
uses, and a server that cannot enable pg_trgm still migrates and says so (``annotator check``)."""

from __future__ import annotations

import logging
import uuid

import pytest
import sqlalchemy as sa

from annotator.core.report import Report
from annotator.services.database import check, open_database
from annotator.services.reports import store_report
from annotator.services.search import search
from annotator.services.search_index import index_report
from annotator.store.search_repository import TRGM_INDEX
from pg_databases import drop_pg_database, fresh_pg_database, pg_url

pytestmark = pytest.mark.skipif(pg_url() is None, reason="needs the PostgreSQL test server")


def test_the_trigram_index_exists_and_serves_the_candidates_query() -> None:
    url = fresh_pg_database()
    ctx = open_database(url)
    try:
        with ctx.uow() as uow:  # enough reports that reading a few through the index beats the primary key's
            for i in range(1000):
                report = Report.of(f"Report {i}: shelling near al-Mayadin and Raqqa, day {i}."
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
            uow.session.execute(sa.text("SET LOCAL enable_seqscan = off"))  # short rows: a scan is cheap here
            for query in ("deir ez zor", "دير الزور", "day 999"):
                sql = uow.search.candidates_query(query).compile(dialect=uow.session.get_bind().dialect,
                                                                 compile_kwargs={"literal_binds": True})
                explain = f"EXPLAIN {sql}".replace("%%", "%")  # psycopg's escaping of a literal % undone
                cursor = uow.session.connection().connection.cursor()  # no parameters: % is literal
                cursor.execute(explain)
                plan = "\n".join(r[0] for r in cursor.fetchall())
                assert f"Bitmap Index Scan on {TRGM_INDEX}" in plan, plan
        assert len(search(ctx, "DEIR EZ-ZOR", limit=100)) == 10  # and the answers are the same as before
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
