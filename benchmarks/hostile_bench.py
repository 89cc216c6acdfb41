"""Peak memory (RSS) and time of refusing hostile inputs, each in a fresh process (issue 17: any
refused input within 200 MB). Run by ``benchmarks/run.py --only hostile``; ``--quick`` scales the
inputs down for a smoke test.

Each case is built on disk, then a child process opens a new database and hands the file to the
service a user would call, and reports its own peak RSS (VmHWM: Linux). Beside them, the largest report
that is accepted: a plain-text file just under the 64 MB cap, Arabic and English, imported and indexed
for search (``largest_report_import``)."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MIB = 1 << 20

CHILD = r"""
import sys
from pathlib import Path
from annotator.core.errors import AnnotatorError
from annotator.services.database import open_database
kind, path, db = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
ctx = open_database(db)
try:
    if kind == "baseline":
        pass
    elif kind == "bundle":
        from annotator.services.bundles import import_bundle
        import_bundle(ctx, path)
    elif kind == "import":
        from annotator.services.reports import import_reports
        r = import_reports(ctx, [path])
        if r.errors:
            raise AnnotatorError(r.errors[0].error)
    else:
        from annotator.services.load import load_annotations
        load_annotations(ctx, path, kind)
    print("accepted")
except AnnotatorError as exc:
    print("refused:", str(exc)[:160])
finally:
    ctx.close()
    # VmHWM: this process's peak resident memory since exec (ru_maxrss would count the forked parent)
    hwm = [l for l in open("/proc/self/status") if l.startswith("VmHWM")][0].split()[1]
    print("peak_kb", hwm, file=sys.stderr)
"""


def _measure(kind: str, path: Path, work: Path) -> tuple[str, float, float]:
    db = work / f"db-{time.monotonic_ns()}.sqlite3"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", CHILD, kind, str(path), str(db)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    assert proc.stdout is not None and proc.stderr is not None
    out, err = proc.communicate()
    took = time.perf_counter() - started
    peaks = [int(line.split()[1]) for line in err.splitlines() if line.startswith("peak_kb")]
    outcome = (out.strip().splitlines() or [f"crashed: {err.strip().splitlines()[-1:]}"])[-1]
    return outcome, (peaks[0] / 1024 if peaks else float("nan")), took


def _bundle_with_member(path: Path, body_writer, *, stored: bool) -> None:  # type: ignore[no-untyped-def]
    """A bundle whose sets.jsonl is written by ``body_writer`` (streamed), with a correct manifest."""
    sets = path.with_suffix(".sets")
    with open(sets, "wb") as fh:
        body_writer(fh)
    digest, size = hashlib.sha256(), 0
    with open(sets, "rb") as fh:
        while chunk := fh.read(MIB):
            digest.update(chunk)
            size += len(chunk)
    empty = hashlib.sha256(b"").hexdigest()
    manifest = {"format": "annotator-bundle", "version": 1, "annotator": "alice", "created": "2026-12-05",
                "app_version": "bench", "members": {"sets.jsonl": {"sha256": digest.hexdigest(), "size": size},
                                                    "entities.jsonl": {"sha256": empty, "size": 0}},
                "counts": {"sets": 0, "spans": 0, "relations": 0, "entities": 0}}
    method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(path, "w", method, allowZip64=True) as z:
        z.write(sets, "sets.jsonl")
        z.writestr("entities.jsonl", b"")
        z.writestr("manifest.json", json.dumps(manifest))
    sets.unlink()


def _whitespace_lines(total: int, tail: bytes = b""):  # type: ignore[no-untyped-def]
    def write(fh: io.BufferedWriter) -> None:
        block = (b" \t \n" * (MIB // 4))
        for _ in range(total // len(block)):
            fh.write(block)
        fh.write(tail)
    return write


def _json_line(path: Path, block: bytes, times: int, tail: bytes) -> Path:
    """One JSON line ``{"text": "<block × times>`` + ``tail``, written in blocks."""
    with open(path, "wb") as fh:
        fh.write(b'{"text": "')
        for _ in range(times):
            fh.write(block)
        fh.write(tail)
    return path


def run(quick: bool = False) -> dict[str, object]:
    scale = 8 if quick else 1
    figures: dict[str, object] = {}
    with tempfile.TemporaryDirectory(prefix="hostile-") as tmp:
        work = Path(tmp)
        cases: list[tuple[str, str, Path]] = []
        base = work / "empty.txt"
        base.write_text("x")
        cases.append(("baseline (open a database, nothing else)", "baseline", base))

        p = work / "ws.annbundle"
        _bundle_with_member(p, _whitespace_lines(192 * MIB // scale, b'{"not": "a set"}\n'), stored=True)
        cases.append((f"bundle: {192 // scale} MiB member of whitespace lines, correct checksum, bad last line",
                      "bundle", p))

        p = work / "bomb.spacy"
        inflater_input = b"\0" * (1024 * MIB // scale)
        p.write_bytes(zlib.compress(inflater_input, 9))
        del inflater_input
        cases.append((f"spaCy: {p.stat().st_size // 1024} KB file inflating to {1024 // scale} MiB", "spacy", p))

        p = work / "line.zip"
        with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z, z.open("alice.jsonl", "w", force_zip64=True) as member:
            chunk = b"x" * MIB
            member.write(b'{"text": "')
            for _ in range(960 // scale):
                member.write(chunk)
            member.write(b'"}\n')
        cases.append((f"doccano zip: {p.stat().st_size // 1024} KB holding a {960 // scale} MiB single line",
                      "doccano", p))

        p = work / "newlines.zip"
        with zipfile.ZipFile(p, "w", zipfile.ZIP_STORED, allowZip64=True) as z, \
                z.open("alice.jsonl", "w", force_zip64=True) as member:
            for _ in range(256 // scale):
                member.write(b"\n" * MIB)
            member.write(b"[1]\n")
        cases.append((f"doccano zip: {256 // scale} MiB of newlines (stored), then a bad line", "doccano", p))

        p = _json_line(work / "long.jsonl", b"y" * MIB, 1024 // scale, b'"}\n')
        cases.append((f"JSONL: a {1024 // scale} MiB single line (a plain file)", "jsonl", p))

        p = _json_line(work / "almost.jsonl", "ع".encode() * (MIB // 2), 31 // max(scale // 4, 1),
                       b'", "spans": [{"start": "x"}]}\n')
        cases.append(("JSONL: a 31 MiB line (just under the cap) of Arabic text with a bad span", "jsonl", p))

        p = work / "deep.json"
        p.write_text("[" * 100_000 + "]" * 100_000)
        cases.append(("Label Studio: JSON nested 100,000 deep", "labelstudio", p))

        p = work / "bomb.docx"
        with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("[Content_Types].xml", "<Types/>")
            with z.open("word/document.xml", "w", force_zip64=True) as member:
                member.write(b"<w:document>")
                for _ in range(1024 // scale):
                    member.write(b" " * MIB)
        cases.append((f"DOCX: {p.stat().st_size // 1024} KB zip bomb ({1024 // scale} MiB document.xml)", "import", p))

        p = work / "late-dtd.docx"
        with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("[Content_Types].xml", "<Types/>")
            z.writestr("word/document.xml", b'<?xml version="1.0"?><!--' + os.urandom(3 * MIB).hex().encode()
                       + b'--><!DOCTYPE w [<!ENTITY a "a">]><w:document/>')
        cases.append(("DOCX: DOCTYPE after a 6 MB comment", "import", p))

        rows = []
        for label, kind, path in cases:
            outcome, rss, took = _measure(kind, path, work)
            rows.append({"input": label, "outcome": outcome, "peak_rss_mb": round(rss), "seconds": round(took, 1)})
            path.unlink(missing_ok=True)
        figures["cases"] = rows
        refused = [r for r in rows if str(r["outcome"]).startswith("refused")]
        figures["max_peak_rss_refused_mb"] = max((r["peak_rss_mb"] for r in refused), default=0)
        figures["all_hostile_refused"] = len(refused) == len(rows) - 1
        p = work / "largest.txt"
        _largest_report(p, (64 * MIB - 1024) // scale)
        outcome, rss, took = _measure("import", p, work)
        figures["largest_report_import"] = {"input": f"{p.stat().st_size / MIB:.1f} MiB plain text",
                                            "outcome": outcome, "peak_rss_mb": round(rss), "seconds": round(took, 1)}
    return figures


def _largest_report(path: Path, size: int) -> None:
    """A long report of Arabic and English sentences, ``size`` bytes of UTF-8 (under the cap)."""
    sentence = ("قوات الحكومة دخلت دير الزور صباح الاثنين، وقال مصدر محلي إن الاشتباكات استمرت. "
                "Officials in Deir ez-Zor said the convoy's route was shelled on 7 April 2024.\n").encode()
    with path.open("wb") as fh:
        fh.write(sentence * (size // len(sentence)))


if __name__ == "__main__":
    result = run(quick="--quick" in sys.argv)
    for row in result["cases"]:  # type: ignore[union-attr]
        print(f"{row['peak_rss_mb']:6} MB {row['seconds']:6} s  {row['input']}: {row['outcome']}")
    print("max peak RSS of a refused input:", result["max_peak_rss_refused_mb"], "MB")
    largest = result["largest_report_import"]
    print(f"{largest['peak_rss_mb']:6} MB {largest['seconds']:6} s  accepted {largest['input']}: "  # type: ignore[index]
          f"{largest['outcome']}")  # type: ignore[index]
