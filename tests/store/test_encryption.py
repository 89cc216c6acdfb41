"""Encryption at rest (extra ``encryption``: SQLCipher through sqlcipher3): with ANNOTATOR_DB_KEY set,
the database file, its backups and rolling backups are encrypted; a wrong key is one sentence."""

from __future__ import annotations

import os
from pathlib import Path

from cli_helpers import cli

SECRET_WORDS = "Liwa al-Baqir commander met the IRGC adviser in al-Mayadin"


def test_an_encrypted_database_holds_no_readable_text(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "enc.sqlite3"
    report = tmp_path / "r.txt"
    report.write_text(SECRET_WORDS + ", a source said on Friday.")
    monkeypatch.setenv("ANNOTATOR_DB_KEY", "correct horse battery")
    cli("import", str(report), db=db, check=True)
    listed = cli("reports", "--json", db=db, check=True)
    assert "Liwa al-Baqir" in listed.stdout
    cli("backup", "--out", str(tmp_path / "copy.sqlite3"), db=db, check=True)
    cli("check", db=db, check=True)
    for path in (db, tmp_path / "copy.sqlite3"):
        raw = path.read_bytes()
        assert not raw.startswith(b"SQLite format 3") and b"Liwa" not in raw
    monkeypatch.setenv("ANNOTATOR_DB_KEY", "wrong key")
    refused = cli("reports", db=db)
    assert refused.returncode == 1 and "key is wrong" in refused.stderr and "Traceback" not in refused.stderr
    monkeypatch.delenv("ANNOTATOR_DB_KEY")
    keyless = cli("reports", db=db)  # without a key it is not a database at all; it was called damaged, with
    assert keyless.returncode == 1  # advice to restore a backup over it
    assert "cannot be read as a SQLite database" in keyless.stderr
    assert "open it with its key (ANNOTATOR_DB_KEY)" in keyless.stderr
    assert "do not restore a backup over it" in keyless.stderr
    assert os.environ.get("ANNOTATOR_DB_KEY") is None
