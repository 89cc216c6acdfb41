"""Benchmarks of the records domain: entity resolution at scale and record building.

``run()`` returns a dict of figures (seconds and rates); ``python benchmarks/records_bench.py`` prints them
as JSON. The 50,000-entry registry is the starter registry scaled up with deterministic synthetic entities
(random Arabic names, each with a vowelled Latin transliteration and an "al-" variant as aliases); the
10,000 mentions mix exact aliases, Arabic forms, typos and the real must-show variants.
"""

from __future__ import annotations

import json
import random
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from annotator.core.relations import Relation  # noqa: E402
from annotator.core.report import Report  # noqa: E402
from annotator.core.spans import Span  # noqa: E402
from annotator.records.dates import warm_up  # noqa: E402
from annotator.records.entities import Alias, Entity, index_by_id, load_starter_entities  # noqa: E402
from annotator.records.record import build_record  # noqa: E402
from annotator.records.resolver import Resolver  # noqa: E402
from anyascii import anyascii  # noqa: E402

_LETTERS = "بتثجحخدذرزسشصضطظعغفقكلمنهوي"
_VOWELS = "aaeiou"
REAL = [("Deir Al-Zour", "place", "place:geonames:170794"), ("Dayr az-Zawr", "place", "place:geonames:170794"),
        ("دير الزور", "place", "place:geonames:170794"), ("IRGC", "actor", "actor:irgc"),
        ("Islamic Revolutionary Guards Corps", "actor", "actor:irgc"), ("الحرس الثوري", "actor", "actor:irgc"),
        ("Khmeimim Air Base", "place", "place:site:khmeimim-air-base"), ("قسد", "actor", "actor:sdf")]


def _vowelled(arabic: str, rng: random.Random) -> str:
    words = []
    for word in anyascii(arabic).replace("'", "").replace("`", "").split():
        out = ""
        for ch in word:
            out += ch + (rng.choice(_VOWELS) if rng.random() < 0.6 else "")
        words.append(out.capitalize())
    return " ".join(words)


def synthetic_registry(n: int, seed: int = 7) -> tuple[list[Entity], dict[str, tuple[str, str, str]]]:
    """The starter registry plus synthetic places up to ``n`` entries; returns (entities, forms by id)."""
    rng = random.Random(seed)
    entities = load_starter_entities(ROOT / "resources")
    forms: dict[str, tuple[str, str, str]] = {}
    seen: set[str] = set()
    i = 0
    while len(entities) < n:
        i += 1
        words = rng.choice((1, 1, 2))
        arabic = " ".join("".join(rng.choice(_LETTERS) for _ in range(rng.randint(3, 5))) for _ in range(words))
        if arabic in seen:
            continue
        seen.add(arabic)
        latin = _vowelled(arabic, rng)
        eid = f"place:synthetic:{i}"
        entities.append(Entity(eid, "place", latin, "city", (Alias(arabic, "ar"), Alias("al-" + latin, "en")),
                               lat=round(rng.uniform(29, 38), 4), lon=round(rng.uniform(35, 48), 4), country="SY"))
        forms[eid] = (latin, arabic, "al-" + latin)
    return entities, forms


def _typo(s: str, rng: random.Random) -> str:
    if len(s) < 5:
        return s
    i = rng.randrange(1, len(s) - 1)
    return s[:i] + rng.choice("aeiouy") + s[i + 1:]


def mentions(forms: dict[str, tuple[str, str, str]], n: int, seed: int = 11) -> list[tuple[str, str, str]]:
    rng = random.Random(seed)
    ids = sorted(forms)
    out: list[tuple[str, str, str]] = []
    while len(out) < n:
        r = rng.random()
        if r < 0.05:
            out.append(rng.choice(REAL))
            continue
        eid = rng.choice(ids)
        latin, arabic, al = forms[eid]
        text = latin if r < 0.45 else arabic if r < 0.75 else al if r < 0.85 else _typo(latin, rng)
        out.append((text, "place", eid))
    return out


SAMPLE = ("On April 7, 2024, the deirezzor24 website published a report claiming that Russian officers met "
          "commanders of the Islamic Revolutionary Guard Corps (IRGC) in Deir Al-Zour. On April 5–7, ISIS cells "
          "attacked outposts near Ma'dan 'Atiq, and yesterday Syrian forces arrived from Damascus.")


def _report_set(i: int) -> tuple[Report, list[Span], list[Relation]]:
    text = SAMPLE + f" (item {i})"
    report = Report.of(text, title=f"Report {i}", published="2024-04-09")

    def sp(sid: str, needle: str, label: str, **kw: Any) -> Span:
        start = text.index(needle)
        return Span(sid, start, start + len(needle), label, **kw)

    claim = "Russian officers met commanders of the Islamic Revolutionary Guard Corps (IRGC) in Deir Al-Zour"
    spans = [sp("T1", "April 7, 2024", "date"), sp("T2", "deirezzor24", "actor", entity="actor:deirezzor24"),
             sp("T3", claim, "claim"), sp("T4", "Russian officers", "actor"),
             sp("T5", "Islamic Revolutionary Guard Corps", "actor", entity="actor:irgc", resolution="automatic"),
             sp("T6", "Deir Al-Zour", "place", entity="place:geonames:170794"),
             sp("T7", "April 5–7", "date"), sp("T8", "ISIS cells attacked outposts near Ma'dan 'Atiq", "claim"),
             sp("T9", "ISIS", "actor", entity="actor:isis"), sp("T10", "Ma'dan 'Atiq", "place"),
             sp("T11", "yesterday", "date"), sp("T12", "Syrian forces", "actor"), sp("T13", "Damascus", "place")]
    relations = [Relation("R1", "T3", "T2", "source"), Relation("R2", "T3", "T1", "date"),
                 Relation("R3", "T8", "T7", "date")]
    return report, spans, relations


def run(n_entries: int = 50_000, n_mentions: int = 10_000, n_reports: int = 1_000) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    t = time.perf_counter()
    entities, forms = synthetic_registry(n_entries)
    figures["registry_generate_s"] = round(time.perf_counter() - t, 3)
    t = time.perf_counter()
    resolver = Resolver(entities)
    figures["resolver_build_s"] = round(time.perf_counter() - t, 3)
    figures["registry_entries"] = len(entities)
    queries = mentions(forms, n_mentions)
    t = time.perf_counter()
    results = [resolver.resolve(text, kind=kind) for text, kind, _ in queries]
    elapsed = time.perf_counter() - t
    figures["resolve_mentions"] = len(queries)
    figures["resolve_total_s"] = round(elapsed, 3)
    figures["resolve_per_mention_ms"] = round(elapsed / len(queries) * 1000, 4)
    automatic = [r for r in results if r.automatic]
    figures["automatic_rate"] = round(len(automatic) / len(results), 4)
    figures["automatic_precision"] = round(
        sum(1 for r, q in zip(results, queries, strict=True) if r.automatic and r.entity_id == q[2])
        / max(len(automatic), 1), 4)
    figures["top5_recall"] = round(
        sum(1 for r, q in zip(results, queries, strict=True) if q[2] in {c.entity_id for c in r.candidates})
        / len(results), 4)
    t = time.perf_counter()
    warm_up()
    figures["dateparser_warm_up_s"] = round(time.perf_counter() - t, 3)
    by_id = index_by_id(entities)
    sets = [_report_set(i) for i in range(n_reports)]
    t = time.perf_counter()
    records = [build_record(report, spans, relations, by_id, annotator="bench") for report, spans, relations in sets]
    elapsed = time.perf_counter() - t
    figures["record_builds"] = len(records)
    figures["record_build_total_s"] = round(elapsed, 3)
    figures["record_build_per_report_ms"] = round(elapsed / len(records) * 1000, 4)
    t = time.perf_counter()
    records = [build_record(report, spans, relations, by_id, resolver=resolver) for report, spans, relations in sets]
    figures["record_build_with_resolver_total_s"] = round(time.perf_counter() - t, 3)
    return figures


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
