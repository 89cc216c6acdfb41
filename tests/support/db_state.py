"""A fingerprint of everything a database holds: "the database is exactly as it was" made checkable."""

from __future__ import annotations

import hashlib

import sqlalchemy as sa


def fingerprint(url_or_engine: str | sa.Engine) -> str:
    """SHA-256 over every row of every table (sorted), whatever the backend."""
    engine = sa.create_engine(url_or_engine) if isinstance(url_or_engine, str) else url_or_engine
    digest = hashlib.sha256()
    try:
        with engine.connect() as conn:
            for table in sorted(sa.inspect(conn).get_table_names()):
                rows = conn.execute(sa.text(f'SELECT * FROM "{table}"')).fetchall()
                digest.update(table.encode())
                for row in sorted(repr(tuple(r)) for r in rows):
                    digest.update(row.encode("utf-8", "surrogatepass"))
    finally:
        if isinstance(url_or_engine, str):
            engine.dispose()
    return digest.hexdigest()
