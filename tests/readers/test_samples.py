"""The shipped sample reports and their annotations: readable, varied, and exactly consistent.

The annotations' offsets and ids are only right if they were computed from the text the readers
produce today, so this also checks the file is what the generator script would write now.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from collections import defaultdict
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from annotator.core.ids import report_id
from annotator.core.offsets import is_cluster_boundary
from annotator.core.relations import Relation
from annotator.core.schema import Schema
from annotator.core.spans import Span
from annotator.readers import read_report_file

SAMPLES = Path(__file__).resolve().parents[2] / "resources" / "samples"
SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "make_sample_annotations.py"
REPORTS = sorted(p for p in SAMPLES.iterdir()
                 if p.suffix in (".txt", ".md", ".html") and p.name != "README.md")

REQUIRED_MENTIONS = ["Deir ez-Zor", "Deir Al-Zour", "Dayr az-Zawr", "دير الزور", "IRGC",
                     "Islamic Revolutionary Guard Corps", "الحرس الثوري", "April 5", "April 5–7",
                     "last Friday", "yesterday", "٧ نيسان ٢٠٢٤"]


def _texts() -> dict[str, str]:
    return {p.name: read_report_file(p).text for p in REPORTS}


def _lines() -> list[dict[str, Any]]:
    with open(SAMPLES / "annotations.jsonl", "rb") as fh:
        raw = fh.read()
    assert not raw.startswith(b"\xef\xbb\xbf") and b"\r\n" not in raw
    return [json.loads(line) for line in raw.decode("utf-8").split("\n") if line]


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_sample_annotations", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve string annotations through sys.modules
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return module


def test_enough_varied_samples() -> None:
    names = [p.name for p in REPORTS]
    assert len(names) >= 6
    assert any(n.endswith(".html") for n in names)
    assert (SAMPLES / "README.md").is_file()
    for name in names:
        assert name in (SAMPLES / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("path", REPORTS, ids=lambda p: p.name)
def test_each_sample_reads_with_150_to_400_words(path: Path) -> None:
    result = read_report_file(path)
    assert 150 <= len(result.text.split()) <= 400
    assert result.title


def test_required_mentions_appear() -> None:
    corpus = "\n".join(_texts().values())
    missing = [m for m in REQUIRED_MENTIONS if m not in corpus]
    assert missing == []


def test_special_samples() -> None:
    by_kind = {p.name: read_report_file(p) for p in REPORTS}
    encodings = {name: r.encoding for name, r in by_kind.items()}
    assert "cp1256" in encodings.values()
    cp1256 = next(r for r in by_kind.values() if r.encoding == "cp1256")
    assert cp1256.language == "ar" and "دير الزور" in cp1256.text
    crlf = [r for r in by_kind.values() if "\r\n" in r.text]
    assert crlf and all(r.text.count("\n") == r.text.count("\r\n") for r in crlf)
    emoji = [r.text for r in by_kind.values() if "🇸🇾" in r.text]
    assert emoji and "👨\u200d👩\u200d👧" in emoji[0] and "🔴" in emoji[0]
    arabic_only = [r.text for r in by_kind.values()
                   if r.language == "ar" and not any("a" <= c.lower() <= "z" for c in r.text)]
    assert arabic_only, "one sample must be entirely in Arabic"
    html = next(r for n, r in by_kind.items() if n.endswith(".html"))
    assert html.published and html.published.startswith("2024-04")
    assert html.source and html.url
    assert "http" not in html.text and "SAMPLE_SCRIPT_MARKER" not in html.text


def test_html_sample_has_hostile_parts_that_never_load(no_network: list[str]) -> None:
    path = next(p for p in REPORTS if p.suffix == ".html")
    raw = path.read_text(encoding="utf-8")
    for part in ("<script", '<img src="http', '<link rel="stylesheet" href="http', '<iframe src="http',
                 'property="article:published_time"', 'property="og:site_name"'):
        assert part in raw
    text = read_report_file(path).text
    assert "do-not-import-this-script" not in text and "cookie" not in text


def test_annotation_lines_are_exact() -> None:
    texts = _texts()
    schema = Schema.default()
    seen: dict[str, set[str]] = defaultdict(set)
    for n, line in enumerate(_lines(), 1):
        name = line["meta"]["file"]
        assert line["text"] == texts[name], f"line {n}: text differs from what the reader produces"
        assert line["id"] == report_id(texts[name]), f"line {n}: id is not the SHA-256 of the text"
        seen[name].add(line["annotator"])
        text = line["text"]
        spans: dict[str, Span] = {}
        for s in line["spans"]:
            assert text[s["start"]:s["end"]] == s["text"], f"line {n} span {s['id']}"
            assert is_cluster_boundary(text, s["start"]) and is_cluster_boundary(text, s["end"])
            assert s["text"] == s["text"].strip()
            span = Span(s["id"], s["start"], s["end"], s["label"], s["attrs"], s.get("value"))
            schema.check_span(span)
            assert span.id not in spans
            spans[span.id] = span
        for r in line["relations"]:
            schema.check_relation(Relation(r["id"], r["head"], r["tail"], r["label"]), spans)
    assert set(seen) == set(texts)
    assert all(annotators == {"alice", "bob"} for annotators in seen.values())


def test_annotators_disagree_in_the_planned_ways() -> None:
    sets: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for line in _lines():
        sets[line["meta"]["file"]][line["annotator"]] = line
    boundary = label = missed = status = 0
    for pair in sets.values():
        alice = {(s["start"], s["end"]): s for s in pair["alice"]["spans"]}
        bob = {(s["start"], s["end"]): s for s in pair["bob"]["spans"]}
        assert alice.keys() != bob.keys() or any(alice[k] != bob[k] for k in alice)
        for key, a in alice.items():
            b = bob.get(key)
            if b is None:
                overlapping = [s for (st, en), s in bob.items() if st < key[1] and key[0] < en
                               and s["label"] == a["label"]]
                boundary += bool(overlapping)
                missed += not any(st < key[1] and key[0] < en for st, en in bob)
            elif b["label"] != a["label"]:
                label += 1
            elif a["attrs"].get("status") != b["attrs"].get("status"):
                status += 1
    assert boundary >= 3 and label >= 1 and missed >= 2 and status >= 2


def test_annotations_file_is_up_to_date() -> None:
    assert _script().render(SAMPLES) == (SAMPLES / "annotations.jsonl").read_bytes()
