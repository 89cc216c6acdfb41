"""The inherited test battery every format runs (Picard's ``test/formats/common.py`` pattern).

``CommonTests.FormatTest`` lives inside a holder class so pytest does not collect it; each format's
test module subclasses it and names only what is specific: the format, the file name to write, the
options, and what the format can hold (``HOLDS``).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, ClassVar

import pytest
from annotator.core.annotation_set import Document
from annotator.core.errors import FormatError
from annotator.core.progress import Cancelled, CancelToken
from annotator.formats import get
from annotator.formats.base import Format, WriteSummary
from hypothesis import HealthCheck, given, settings

from .strategies import documents

WHOLE_SPAN_LOSSES = ("span", "unaligned", "overlap", "document")
SETTINGS = settings(max_examples=int(os.environ.get("FORMATS_EXAMPLES", "40")), deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                           HealthCheck.differing_executors])


def canonical(docs: list[Document], summary: WriteSummary | None, holds: set[str]) -> list[Any]:
    """What a format must give back: per document, the spans and relations it could hold (as
    offsets/labels, ids ignored), minus what the write summary says it dropped."""
    out = []
    for doc in docs:
        if summary and "" in summary.dropped_items(doc, "document"):
            continue  # the format could not hold this document at all (listed in the summary)
        lost = summary.dropped_items(doc, *WHOLE_SPAN_LOSSES) if summary else set()
        lost_attrs = summary.dropped_items(doc, "attribute") if summary else set()
        moved = summary.adjusted(doc) if summary else {}
        keys = {}
        spans = []
        for s in doc.spans:
            if s.id in lost:
                continue
            start, end = moved.get(s.id, (s.start, s.end))
            keys[s.id] = (start, end, s.label)
            item: tuple[Any, ...] = (start, end, s.label)
            if "attrs" in holds:
                attrs = {k: v for k, v in s.attrs.items() if f"{s.id}.{k}" not in lost_attrs}
                item += (json.dumps(attrs, sort_keys=True, ensure_ascii=False),)
            if "entity" in holds:
                item += (s.entity,)
            spans.append(item)
        relations = sorted((keys[r.head], keys[r.tail], r.label) for r in doc.relations
                           if "relations" in holds and r.head in keys and r.tail in keys)
        meta = (doc.report.title, doc.report.published) if "meta" in holds else ()
        annotator = doc.annotator if "annotator" in holds else None
        out.append((doc.report.id, annotator, meta, sorted(spans), relations))
    return sorted(out, key=repr)


class CommonTests:
    class FormatTest:
        NAME: ClassVar[str]
        FILENAME: ClassVar[str] = "out"
        HOLDS: ClassVar[set[str]] = {"relations", "attrs", "entity", "meta", "annotator"}
        READ_OPTIONS: ClassVar[dict[str, Any]] = {}
        WRITE_OPTIONS: ClassVar[dict[str, Any]] = {}

        @property
        def fmt(self) -> Format:
            return get(self.NAME)

        def read_options(self, docs: list[Document]) -> dict[str, Any]:
            return dict(self.READ_OPTIONS)

        def round_trip(self, docs: list[Document], folder: Path) -> tuple[list[Document], WriteSummary]:
            target = folder / self.FILENAME
            summary = self.fmt.write(docs, target, options=self.WRITE_OPTIONS)
            back = list(self.fmt.read(target, options=self.read_options(docs)))
            return back, summary

        def test_registry_entry(self) -> None:
            fmt = self.fmt
            assert fmt.CAN_READ and fmt.CAN_WRITE and fmt.NESTING and fmt.EXTENSIONS
            assert fmt.EXTRA in (None, "spacy", "xmi")

        @SETTINGS
        @given(docs=documents())
        def test_round_trip(self, docs: list[Document], tmp_path_factory: pytest.TempPathFactory) -> None:
            folder = tmp_path_factory.mktemp(self.NAME)
            back, summary = self.round_trip(docs, folder)
            assert summary.documents == len(docs)
            assert canonical(back, None, self.HOLDS) == canonical(docs, summary, self.HOLDS)
            for doc in back:
                doc.validate()

        def test_summary_counts_and_files(self, tmp_path: Path, peer_docs: list[Document]) -> None:
            summary = self.fmt.write(peer_docs, tmp_path / self.FILENAME, options=self.WRITE_OPTIONS)
            assert summary.documents == len(peer_docs)
            written = sum(len(d.spans) for d in peer_docs) - sum(
                len(summary.dropped_items(d, *WHOLE_SPAN_LOSSES)) for d in peer_docs)
            assert summary.spans == written
            assert (tmp_path / self.FILENAME).exists()
            assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]

        def test_cancel_leaves_nothing(self, tmp_path: Path, peer_docs: list[Document]) -> None:
            token = CancelToken()

            def docs():
                yield peer_docs[0]
                token.cancel()
                yield peer_docs[1]

            with pytest.raises(Cancelled):
                self.fmt.write(docs(), tmp_path / self.FILENAME, options=self.WRITE_OPTIONS, cancel=token)
            assert list(tmp_path.iterdir()) == []

        def test_progress_reported(self, tmp_path: Path, peer_docs: list[Document]) -> None:
            calls: list[int] = []
            self.fmt.write(peer_docs, tmp_path / self.FILENAME, options=self.WRITE_OPTIONS,
                           progress=lambda done, total, message="": calls.append(done))
            assert calls == list(range(1, len(peer_docs) + 1))

        def test_unknown_labels_are_listed(self, tmp_path: Path, peer_docs: list[Document]) -> None:
            self.fmt.write(peer_docs, tmp_path / self.FILENAME, options=self.WRITE_OPTIONS)
            opts = {**self.read_options(peer_docs), "labels": {"actor", "claim"}}
            with pytest.raises(FormatError) as err:
                list(self.fmt.read(tmp_path / self.FILENAME, options=opts))
            assert "unknown label" in str(err.value) and "place" in str(err.value)
            assert err.value.file.startswith(str(tmp_path))

        def test_label_map(self, tmp_path: Path, peer_docs: list[Document]) -> None:
            self.fmt.write(peer_docs, tmp_path / self.FILENAME, options=self.WRITE_OPTIONS)
            opts = {**self.read_options(peer_docs), "label_map": {"place": "location"},
                    "labels": {"actor", "claim", "date", "location"}}
            back = list(self.fmt.read(tmp_path / self.FILENAME, options=opts))
            labels = {s.label for d in back for s in d.spans}
            assert "location" in labels and "place" not in labels
