"""Why PostgreSQL search reads the first reports without the trigram index (``SearchRepository.candidates``):
the first 50 candidate rows of frequent and rare names over 10,000 reports of the search benchmark, three
ways, median of 7 — without trigram lookups (a server without pg_trgm), through the index alone, and in two
parts (the first 500 reports in stored order, the rest through the index: what annotator does).

    ANNOTATOR_TEST_PG_URL=postgresql+psycopg://... python benchmarks/search_pg_plans.py

A bare table (id, folded) in a throw-away database on that server, dropped at the end. Milliseconds on
the server and the wire only: the Python side of a search (folding, word matching) is the same in all three.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from annotator.records.names import fold_query, fold_text  # noqa: E402

from search_bench import _report  # noqa: E402

QUERIES = ["deir ez zor", "checkpoint near", "الحرس الثوري", "Rare-Name-4711"]
HEAD = 500


def _first(conn: sa.Connection, sql: str, params: dict[str, object], got: list[object]) -> None:
    result = conn.execution_options(yield_per=16).execute(sa.text(sql), params)
    for row in result:
        got.append(row)
        if len(got) >= 50:
            break
    result.close()


def main() -> int:
    base = os.environ.get("ANNOTATOR_TEST_PG_URL")
    if not base:
        print("set ANNOTATOR_TEST_PG_URL (scripts/pg-test-server start)", file=sys.stderr)
        return 2
    name = f"bench_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine = sa.create_engine(sa.engine.make_url(base).set(database=name))
    try:
        rng = random.Random(15)
        rows = [{"f": fold_text(_report(rng, n))[0]} for n in range(10_000)]
        with engine.begin() as conn:
            conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            conn.exec_driver_sql("CREATE TABLE rs (id serial PRIMARY KEY, folded text NOT NULL)")
            conn.execute(sa.text("INSERT INTO rs (folded) VALUES (:f)"), rows)
            conn.exec_driver_sql("CREATE INDEX rs_trgm ON rs USING gin (folded gin_trgm_ops)")
            conn.exec_driver_sql("ANALYZE rs")
            pivot = conn.execute(sa.text("SELECT id FROM rs ORDER BY id OFFSET :h LIMIT 1"), {"h": HEAD}).scalar()

        def once(mode: str, pattern: str) -> float:
            with engine.connect() as conn:
                if mode == "no_index":
                    conn.exec_driver_sql("SET enable_bitmapscan = off")  # no trigram lookups, as without pg_trgm
                t = time.perf_counter()
                got: list[object] = []
                if mode == "two_parts":
                    _first(conn, "SELECT id FROM rs WHERE (folded || '') LIKE :p AND id < :v ORDER BY id",
                           {"p": pattern, "v": pivot}, got)
                    if len(got) < 50:
                        _first(conn, "SELECT id FROM rs WHERE folded LIKE :p AND id >= :v ORDER BY id",
                               {"p": pattern, "v": pivot}, got)
                else:
                    _first(conn, "SELECT id FROM rs WHERE folded LIKE :p ORDER BY id", {"p": pattern}, got)
                return (time.perf_counter() - t) * 1000

        for query in QUERIES:
            pattern = f"%{fold_query(query)}%"
            cells = [f"{mode}={statistics.median(once(mode, pattern) for _ in range(7)):.1f} ms"
                     for mode in ("no_index", "index_only", "two_parts")]
            print(f"{query:18} " + "  ".join(cells), flush=True)
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
