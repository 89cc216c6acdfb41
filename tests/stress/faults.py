"""Storage faults on real filesystems (needs root for mount; Linux): each fault is met through the CLI,
must give its one sentence and exit status 1, lose nothing already saved, leave nothing partial, and
the same command must succeed once the fault is gone.

    sudo PYTHONPATH=. .venv/bin/python tests/stress/faults.py [--json]

Faults: a full disk (a 3 MB tmpfs) under the database, under an export and under a backup; a
read-only filesystem under the database and under an export; a lock held by another writer for
longer than the 10 s wait; a file with 4 KiB overwritten mid-file (refused at open, restored from its
rolling backup); PostgreSQL stopped mid-session (tests/services/test_server_outage.py's check).
The suite runs the same checks with stand-ins (``PRAGMA max_page_count``, a file-size limit)."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from annotator.services.backups import rolling_backup
from annotator.services.database import open_database

ROOT = Path(__file__).resolve().parents[2]
TEXT = "Deir ez-Zor, 3 May 2024. Fighters shelled the village of al-Busayrah at dawn, a spokesman said."


def cli(*args: str, db: Path | str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ANNOTATOR_DB": str(db)}
    return subprocess.run([sys.executable, "-m", "annotator", *args], capture_output=True, text=True, env=env,
                          timeout=180)


@contextmanager
def tmpfs(size: str = "3m") -> Iterator[Path]:
    mount = Path(tempfile.mkdtemp(prefix="fault-fs-"))
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount)], check=True)
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)
        mount.rmdir()


def remount(mount: Path, mode: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{mode}", str(mount)], check=True)


def fill(mount: Path, *, leave: int = 0) -> Path:
    """Fill the filesystem, leaving about ``leave`` bytes free."""
    filler = mount / "filler"
    free = shutil.disk_usage(mount).free - leave
    with open(filler, "wb") as fh:
        try:
            while free > 0:
                fh.write(b"\0" * min(65536, free))
                fh.flush()
                free -= 65536
        except OSError:
            pass
    return filler


def _report(folder: Path, name: str, words: int = 20) -> Path:
    path = folder / name
    path.write_text(f"{name}: {TEXT} " + "more words " * words, encoding="utf-8")
    return path


def expect(proc: subprocess.CompletedProcess[str], code: int, words: str) -> None:
    assert proc.returncode == code, f"exit {proc.returncode}, wanted {code}: {proc.stderr[-400:]}"
    assert words in proc.stderr, f"wanted {words!r} in: {proc.stderr[-400:]}"
    assert "Traceback" not in proc.stderr and "unexpected" not in proc.stderr, proc.stderr[-400:]


def _count(db: Path | str) -> int:
    proc = cli("reports", "--json", db=db)
    assert proc.returncode == 0, proc.stderr
    return len(json.loads(proc.stdout)["reports"])


# -- the faults ----------------------------------------------------------------------------------
def full_disk_under_the_database(work: Path) -> None:
    with tmpfs("3m") as mount:
        db = mount / "a.sqlite3"
        cli("import", str(_report(work, "kept.txt")), db=db)
        filler = fill(mount, leave=256 << 10)  # room to open the database, not to store the report
        big = _report(work, "big.txt", words=200_000)
        expect(cli("import", str(big), db=db), 1, "is full")
        assert _count(db) == 1
        filler.unlink()
        assert cli("import", str(big), db=db).returncode == 0 and _count(db) == 2
        assert cli("check", db=db).returncode == 0


def full_disk_under_an_export_and_a_backup(work: Path) -> None:
    db = work / "e.sqlite3"
    cli("load", str(ROOT / "resources" / "samples" / "annotations.jsonl"), "--format", "jsonl", db=db)
    with tmpfs("1m") as mount:
        fill(mount)
        for args, out in ((["export", "--format", "jsonl", "--out"], mount / "c.jsonl"),
                          (["export", "--format", "brat", "--out"], mount / "brat"),
                          (["backup", "--out"], mount / "b.sqlite3"),
                          (["record", "--out"], mount / "r.json")):
            expect(cli(*args, str(out), db=db), 1, "is full")
            left = [p.name for p in mount.iterdir() if p.name != "filler"]
            assert left == [], f"left behind: {left}"
        (mount / "filler").unlink()
        assert cli("export", "--format", "jsonl", "--out", str(mount / "c.jsonl"), db=db).returncode == 0


def read_only_filesystem(work: Path) -> None:
    with tmpfs("8m") as mount:
        db = mount / "a.sqlite3"
        cli("import", str(_report(work, "ro.txt")), db=db)
        remount(mount, "ro")
        expect(cli("import", str(_report(work, "ro2.txt")), db=db), 1, "read-only")
        other = work / "other.sqlite3"
        cli("load", str(ROOT / "resources" / "samples" / "annotations.jsonl"), "--format", "jsonl", db=other)
        expect(cli("export", "--format", "jsonl", "--out", str(mount / "c.jsonl"), db=other), 1, "read-only")
        remount(mount, "rw")
        assert _count(db) == 1
        assert cli("import", str(_report(work, "ro2.txt")), db=db).returncode == 0 and _count(db) == 2


def lock_held_longer_than_the_wait(work: Path) -> None:
    db = work / "l.sqlite3"
    cli("import", str(_report(work, "l.txt")), db=db)
    holder = subprocess.Popen([sys.executable, "-c", "import sqlite3,sys,time; c=sqlite3.connect(sys.argv[1], "
                               "isolation_level=None); c.execute('BEGIN IMMEDIATE'); print('x', flush=True); "
                               "time.sleep(40)", str(db)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline()
    t = time.monotonic()
    proc = cli("import", str(_report(work, "l2.txt")), db=db)
    holder.kill()
    holder.wait()
    expect(proc, 1, "locked by another program (waited 10 s)")
    assert "waiting for the database" in proc.stderr and time.monotonic() - t >= 10
    assert cli("import", str(_report(work, "l2.txt")), db=db).returncode == 0 and _count(db) == 2


def damaged_file(work: Path) -> None:
    db = work / "d.sqlite3"
    folder = work / "many"
    folder.mkdir()
    for k in range(80):
        _report(folder, f"{k:03d}.txt", words=300)
    cli("import", str(folder), db=db)
    sys.path.insert(0, str(ROOT))
    ctx = open_database(db)
    backup = rolling_backup(ctx)
    ctx.close()
    assert backup is not None
    size = db.stat().st_size
    with open(db, "r+b") as fh:
        fh.seek(size // 2 // 4096 * 4096)
        fh.write(os.urandom(4096))
    expect(cli("reports", db=db), 1, "annotator check")
    expect(cli("check", db=db), 1, "--restore")
    assert cli("backup", "--restore", str(backup.path), db=db).returncode == 0
    assert _count(db) == 80 and cli("check", db=db).returncode == 0


def server_outage(_work: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           str(ROOT / "tests" / "services" / "test_server_outage.py")], capture_output=True, text=True,
                          cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=300)
    assert proc.returncode == 0 and "1 passed" in proc.stdout, proc.stdout[-600:]


FAULTS: dict[str, Callable[[Path], None]] = {
    "full disk under the database": full_disk_under_the_database,
    "full disk under exports, a backup and a record": full_disk_under_an_export_and_a_backup,
    "read-only filesystem": read_only_filesystem,
    "lock held longer than the 10 s wait": lock_held_longer_than_the_wait,
    "4 KiB overwritten mid-file": damaged_file,
    "PostgreSQL stopped mid-session": server_outage,
}


def run() -> dict[str, str]:
    results: dict[str, str] = {}
    for name, check in FAULTS.items():
        with tempfile.TemporaryDirectory(prefix="faults-") as tmp:
            try:
                check(Path(tmp))
                results[name] = "recovered"
            except Exception as exc:  # noqa: BLE001 - a failed check is the finding
                results[name] = f"FAILED: {type(exc).__name__}: {str(exc)[:300]}"
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        print("faults.py mounts small filesystems: run it as root on Linux", file=sys.stderr)
        return 2
    results = run()
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        for name, outcome in results.items():
            print(f"{name:48} {outcome}")
        print(f"{sum(v == 'recovered' for v in results.values())}/{len(results)} faults recovered")
    return 0 if all(v == "recovered" for v in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
