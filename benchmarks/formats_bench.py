"""Export throughput of every corpus format: 10,000 reports × 50 spans (+10 relations each).

Fast formats run on the full 10,000 reports; slow ones (spaCy, XMI, and the tokenizing Prodigy and
CoNLL writers) run on a stated sample and are extrapolated linearly to 10,000 — the figure says so
(``measured_reports`` and ``extrapolated``). The spaCy DocBin export is also timed beside a minimal
direct spaCy script on the same data (``spacy_vs_direct`` = our time / direct time).

Run: ``python -m benchmarks.formats_bench`` (prints JSON) or call ``run()``.
"""

from __future__ import annotations

import json
import random
import tempfile
import time
from pathlib import Path
from typing import Any

from annotator.core.annotation_set import Document
from annotator.core.relations import Relation
from annotator.core.report import Report
from annotator.core.spans import Span
from annotator.formats import get

TOTAL_REPORTS = 10_000
SPANS_PER_REPORT = 50
SAMPLE = {"spacy": 1000, "xmi": 500, "prodigy": 2000, "conll": 2000}
WORDS = ["Colonel", "أبو", "علي", "met", "IRGC", "officers", "in", "Deir", "al-Zour", "🔴", "claimed",
         "that", "ISIS", "cells", "seized", "حقل", "العمر", "on", "7", "April", "the", "army", "said."]


def make_documents(n: int, seed: int = 7) -> list[Document]:
    """``n`` reports of ~140 words, each with 50 spans (a third nested) and 10 relations."""
    rng = random.Random(seed)
    docs = []
    for k in range(n):
        words = [rng.choice(WORDS) for _ in range(140)]
        words[0] = f"R{k}"
        text = " ".join(words[:70]) + "\r\n" + " ".join(words[70:])
        starts, pos = [], 0
        for w in words[:70]:
            starts.append((pos, pos + len(w)))
            pos += len(w) + 1
        pos += 1
        for w in words[70:]:
            starts.append((pos, pos + len(w)))
            pos += len(w) + 1
        spans = []
        for i in range(SPANS_PER_REPORT):
            a = rng.randrange(0, 136)
            b = a + rng.choice([0, 0, 1, 2])
            spans.append(Span(f"T{i + 1}", starts[a][0], starts[b][1], rng.choice(["actor", "place", "date", "claim"]),
                              {"status": "unconfirmed"} if i % 7 == 0 else {}))
        rels = tuple(Relation(f"R{j + 1}", f"T{2 * j + 1}", f"T{2 * j + 2}", "source") for j in range(10))
        docs.append(Document(Report.of(text, title=f"Report {k}", published="2024-04-09"), "alice",
                             tuple(spans), rels))
    return docs


def _target(name: str, folder: Path) -> Path:
    return folder / {"jsonl": "c.jsonl", "doccano": "alice.jsonl", "prodigy": "p.jsonl",
                     "labelstudio": "ls.json", "brat": "brat", "conll": "c.conll", "spacy": "c.spacy",
                     "xmi": "x.zip", "w3c": "w.jsonld"}[name]


def direct_spacy(docs: list[Document], path: Path) -> None:
    """What a user would write with spaCy alone (expand alignment, no metadata)."""
    import spacy  # noqa: PLC0415 (optional extra 'spacy')
    from spacy.tokens import DocBin  # noqa: PLC0415 (optional extra 'spacy')

    nlp = spacy.blank("en")
    db = DocBin(store_user_data=True)
    for doc in docs:
        sdoc = nlp(doc.report.text)
        sdoc.spans["sc"] = [x for x in (sdoc.char_span(s.start, s.end, label=s.label, alignment_mode="expand")
                                        for s in doc.spans) if x is not None]
        db.add(sdoc)
    db.to_disk(path)


def run(total: int = TOTAL_REPORTS) -> dict[str, Any]:
    docs_all = make_documents(total)
    results: dict[str, Any] = {"reports": total, "spans_per_report": SPANS_PER_REPORT, "formats": {}}
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("jsonl", "doccano", "prodigy", "labelstudio", "brat", "conll", "spacy", "xmi", "w3c"):
            n = min(total, SAMPLE.get(name, total))
            folder = Path(tmp) / name
            folder.mkdir()
            t0 = time.perf_counter()
            summary = get(name).write(docs_all[:n], _target(name, folder))
            seconds = time.perf_counter() - t0
            rate = n / seconds
            results["formats"][name] = {
                "measured_reports": n, "seconds": round(seconds, 3), "reports_per_s": round(rate, 1),
                "seconds_for_total": round(total / rate, 1), "extrapolated": n < total,
                "dropped": len(summary.dropped)}
        n = min(total, SAMPLE["spacy"])
        t0 = time.perf_counter()
        direct_spacy(docs_all[:n], Path(tmp) / "direct.spacy")
        direct = time.perf_counter() - t0
        ours = results["formats"]["spacy"]["seconds"]
        results["spacy_vs_direct"] = {"reports": n, "ours_s": ours, "direct_s": round(direct, 3),
                                      "ratio": round(ours / direct, 2)}
    return results


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
