"""Corpus scale through the command line: the table of issue 12, each figure beside its goal.

On 10,000 reports × 50 spans (+10 relations each) in annotator's JSONL, timed as a user runs them
(``python -m annotator ...`` in a fresh process, start-up included):

- ``annotator load`` of the JSONL file into an empty database;
- ``annotator export --format jsonl`` of the whole corpus, with the exporting process's peak memory on
  1,000 and on 10,000 reports (constant memory: the two peaks are close);
- ``annotator export --format spacy`` beside a bare spaCy script that builds the same DocBin from the
  same JSONL file (``spacy.blank`` + ``char_span`` + ``DocBin``), as a ratio;
- ``annotator record`` over the 10,000 reports (entity resolution and date values included);
- ``annotator agreement`` over 1,000 reports × 3 annotators (its own database).

``record`` and the jsonl export run in two processes (``services.halves``): the CPU seconds ``wait4``
reports include the second one (the command waits for it), and a peak memory is the larger process's.

Runs on SQLite always and on PostgreSQL when ``ANNOTATOR_TEST_PG_URL`` names the test server
(``eval "$(bash scripts/pg-test-server start)"``). The data are synthetic and deterministic (fixed
seeds). ``python benchmarks/corpus_bench.py [--reports N]`` prints JSON; ``benchmarks/run.py`` prints
each figure beside its goal.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
REPORTS = 10_000
RELATIONS = 10
AGREEMENT_REPORTS = 1_000
AGREEMENT_ANNOTATORS = ("alice", "bob", "carol")
GOALS = {  # figure -> (comparison, goal) as issue 12 states them
    "load_jsonl_s": ("<", 15.0),
    "export_jsonl_s": ("<", 3.0),
    "export_spacy_vs_bare_docbin": ("<=", 1.3),
    "agreement_1000x3_s": ("<", 3.0),
    "record_s": ("<", 10.0),
}
ACTORS = ["IRGC", "the Islamic Revolutionary Guard Corps", "ISIS cells", "the Syrian army", "Kata'eb Ja'far",
          "Russian officers", "الحرس الثوري", "قسد", "Hajj Mahdi al-Tamimi", "local militia commanders",
          "Colonel أبو علي", "the SDF"]
PLACES = ["Deir ez-Zor", "al-Mayadin", "Homs", "دير الزور", "Khmeimim Air Base", "Abu Kamal", "Raqqa",
          "the Omar oil field", "Damascus", "حقل العمر", "Deir Al-Zour airfield"]
DATES = ["April 7, 2024", "7 April", "yesterday", "on Monday", "٧ نيسان ٢٠٢٤", "April 5-7", "last week",
         "2024-04-06", "earlier this month", "8 April 2024"]
VERBS = ["met", "attacked", "seized", "reportedly visited", "withdrew from", "shelled", "held talks near",
         "deployed to", "claimed control of"]
LABELS = ("actor", "place", "date", "claim")


def _report(rng: random.Random, k: int) -> tuple[str, list[tuple[int, int, str]]]:
    """A report of 12 claim sentences ("ACTOR VERB in PLACE on DATE.") and a sourced opening, with a CRLF
    in the middle; returns the text and its 50 spans (each claim holds its actor, place and date)."""
    pieces: list[str] = []
    spans: list[tuple[int, int, str]] = []
    pos = 0

    def put(text: str, label: str | None = None) -> None:
        nonlocal pos
        if label:
            spans.append((pos, pos + len(text), label))
        pieces.append(text)
        pos += len(text)

    put(f"R{k}. According to ")
    put(rng.choice(ACTORS), "actor")
    put(", dated ")
    put(rng.choice(DATES), "date")
    put(":")
    for n in range(12):
        put("\r\n" if n == 6 else " ")
        start = pos
        put(rng.choice(ACTORS), "actor")
        put(f" {rng.choice(VERBS)} positions in ")
        put(rng.choice(PLACES), "place")
        put(" ")
        put(rng.choice(DATES), "date")
        spans.append((start, pos, "claim"))
        put(".")
    return "".join(pieces), spans


def _relations(spans: list[tuple[str, str]]) -> list[dict[str, str]]:
    """10 schema-valid relations: claims to an actor (source, actor), a place and a date."""
    by_label: dict[str, list[str]] = {}
    for sid, label in spans:
        by_label.setdefault(label, []).append(sid)
    kinds = (("source", "actor"), ("place", "place"), ("date", "date"), ("actor", "actor"))
    rels = []
    for j in range(RELATIONS):
        rel, tail_label = kinds[j % len(kinds)]
        head = by_label["claim"][j % len(by_label["claim"])]
        tail = by_label[tail_label][j % len(by_label[tail_label])]
        rels.append({"id": f"R{j + 1}", "head": head, "tail": tail, "label": rel})
    return rels


def _line(text: str, k: int, annotator: str, spans: list[tuple[int, int, str]]) -> str:
    items = []
    for i, (s, e, label) in enumerate(spans, 1):
        attrs = {"status": "unconfirmed"} if label == "claim" and i % 3 == 0 else {}
        items.append({"id": f"T{i}", "start": s, "end": e, "label": label, "text": text[s:e], "attrs": attrs})
    rels = _relations([(x["id"], x["label"]) for x in items])
    return json.dumps({"text": text, "meta": {"title": f"Report {k}", "published": "2024-04-09"},
                       "annotator": annotator, "spans": items, "relations": rels}, ensure_ascii=False) + "\n"


def write_corpus(path: Path, reports: int, seed: int = 7) -> None:
    """``reports`` reports, alice's 50 spans and 10 relations on each, as annotator's JSONL."""
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        for k in range(reports):
            text, spans = _report(rng, k)
            fh.write(_line(text, k, "alice", spans))


def _variant(rng: random.Random, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Another annotator's version: ~75 % identical, the rest a shorter extent, another label or left out."""
    out = []
    for s, e, label in spans:
        r = rng.random()
        if r < 0.75:
            out.append((s, e, label))
        elif r < 0.85 and e - s > 3:
            out.append((s, e - 2, label))
        elif r < 0.93 and label != "claim":
            out.append((s, e, rng.choice([x for x in LABELS[:3] if x != label])))
    for label in LABELS:  # the relations need one span of each label
        if not any(x[2] == label for x in out):
            out.append(next(x for x in spans if x[2] == label))
    return out


def write_agreement_corpus(path: Path, reports: int, seed: int = 11) -> None:
    """``reports`` reports annotated by alice, bob and carol (shared base, individual differences)."""
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        for k in range(reports):
            text, base = _report(rng, k)
            for who in AGREEMENT_ANNOTATORS:
                fh.write(_line(text, k, who, base if who == "alice" else _variant(rng, base)))


BARE_DOCBIN = """
import json, sys
import spacy
from spacy.tokens import DocBin

nlp = spacy.blank("en")
db = DocBin(store_user_data=True)
with open(sys.argv[1], encoding="utf-8") as fh:
    for line in fh:
        obj = json.loads(line)
        doc = nlp(obj["text"])
        doc.spans["sc"] = [s for s in (doc.char_span(x["start"], x["end"], label=x["label"], span_id=x["id"],
                                                     alignment_mode="expand") for x in obj["spans"]) if s]
        db.add(doc)
db.to_disk(sys.argv[2])
"""


# -- measuring --------------------------------------------------------------------------------------
class Run:
    """One finished command: wall seconds, CPU seconds (user + system: what a busy machine inflates
    less) and peak resident memory in MB."""

    def __init__(self, wall: float, cpu: float, peak_mb: float) -> None:
        self.wall, self.cpu, self.peak_mb = wall, cpu, peak_mb


def timed(cmd: list[str], env: dict[str, str] | None = None) -> Run:
    """Run a command to completion and measure it; fails loudly on an error."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=ROOT)
    _pid, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t
    err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:6])} … failed ({proc.returncode}): {err.strip()[-500:]}")
    return Run(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def annotator(db: str, *args: str) -> Run:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return timed([sys.executable, "-m", "annotator", *args, "--db", db], env)


def _pg_database(base: str) -> Iterator[str]:
    name = f"bench_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield str(sa.engine.make_url(base).set(database=name).render_as_string(hide_password=False))
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _goal(name: str, value: float, cpu: float | None = None) -> dict[str, Any]:
    op, goal = GOALS[name]
    ok = value < goal if op == "<" else value <= goal
    out: dict[str, Any] = {"value": round(value, 2), "goal": f"{op} {goal:g}", "ok": ok}
    if cpu is not None:
        out["cpu_s"] = round(cpu, 2)
    return out


def measure(db: str, folder: Path, corpus: Path, agreement_db: str, agreement: Path, reports: int
            ) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    run = annotator(db, "load", str(corpus), "--format", "jsonl")
    figures["load_jsonl_s"] = _goal("load_jsonl_s", run.wall, run.cpu)
    figures["load_peak_mb"] = round(run.peak_mb)
    run = annotator(db, "export", "--format", "jsonl", "--out", str(folder / "out.jsonl"))
    figures["export_jsonl_s"] = _goal("export_jsonl_s", run.wall, run.cpu)
    figures["export_jsonl_peak_mb"] = round(run.peak_mb)
    ours = annotator(db, "export", "--format", "spacy", "--out", str(folder / "out.spacy"))
    bare = timed([sys.executable, "-c", BARE_DOCBIN, str(corpus), str(folder / "bare.spacy")])
    figures["export_spacy_s"] = {"value": round(ours.wall, 2), "cpu_s": round(ours.cpu, 2)}
    figures["bare_docbin_script_s"] = {"value": round(bare.wall, 2), "cpu_s": round(bare.cpu, 2)}
    figures["export_spacy_vs_bare_docbin"] = _goal("export_spacy_vs_bare_docbin", ours.wall / bare.wall,
                                                   ours.cpu / bare.cpu)
    run = annotator(db, "record", "--annotator", "alice", "--out", str(folder / "records.json"))
    figures["record_s"] = _goal("record_s", run.wall, run.cpu)
    figures["record_peak_mb"] = round(run.peak_mb)
    annotator(agreement_db, "load", str(agreement), "--format", "jsonl")
    run = annotator(agreement_db, "agreement", "--json")
    figures["agreement_1000x3_s"] = _goal("agreement_1000x3_s", run.wall, run.cpu)
    figures["reports"] = reports
    return figures


def constant_memory(db_small: str, small: Path, folder: Path, peak_full: float) -> dict[str, Any]:
    """Peak memory of exporting 1,000 reports beside 10,000: a streaming export keeps them close."""
    annotator(db_small, "load", str(small), "--format", "jsonl")
    run = annotator(db_small, "export", "--format", "jsonl", "--out", str(folder / "small.jsonl"))
    return {"export_jsonl_peak_mb_1000": round(run.peak_mb), "export_jsonl_peak_mb_full": round(peak_full)}


def run(reports: int = REPORTS) -> dict[str, Any]:
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        corpus, small, agreement = folder / "corpus.jsonl", folder / "small.jsonl", folder / "agreement.jsonl"
        write_corpus(corpus, reports)
        write_corpus(small, min(1000, reports))
        write_agreement_corpus(agreement, min(AGREEMENT_REPORTS, reports))
        backends: list[tuple[str, Any]] = [("sqlite", None)]
        if os.environ.get("ANNOTATOR_TEST_PG_URL"):
            backends.append(("postgresql", os.environ["ANNOTATOR_TEST_PG_URL"]))
        for name, base in backends:
            sub = folder / name
            sub.mkdir()
            if base is None:
                dbs = [str(sub / "corpus.sqlite3"), str(sub / "agreement.sqlite3"), str(sub / "small.sqlite3")]
                figures = measure(dbs[0], sub, corpus, dbs[1], agreement, reports)
                figures.update(constant_memory(dbs[2], small, sub, figures["export_jsonl_peak_mb"]))
            else:
                gens = [_pg_database(base) for _ in range(3)]
                dbs = [next(g) for g in gens]
                try:
                    figures = measure(dbs[0], sub, corpus, dbs[1], agreement, reports)
                    figures.update(constant_memory(dbs[2], small, sub, figures["export_jsonl_peak_mb"]))
                finally:
                    for g in gens:
                        for _ in g:
                            pass
            for key, value in figures.items():
                results[f"{name}.{key}"] = value
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reports", type=int, default=REPORTS)
    args = parser.parse_args()
    print(json.dumps(run(args.reports), indent=2, ensure_ascii=False))
