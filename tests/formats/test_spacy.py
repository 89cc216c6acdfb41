"""spaCy DocBin: spaCy itself loads our file; doc.spans["sc"] equal ours; forced token splits."""

from __future__ import annotations

import threading
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from annotator.core.annotation_set import Document
from annotator.core.errors import FormatError
from annotator.core.progress import Cancelled, CancelToken
from annotator.core.report import Report
from annotator.core.spans import Span
from annotator.formats import get
from annotator.formats.base import WriteSummary
from hypothesis import given

from .common import SETTINGS, CommonTests
from .conftest import PEERS, TEXT_A, TEXT_B, canonical_docs, sp
from .strategies import documents

spacy = pytest.importorskip("spacy")
import srsly.msgpack  # noqa: E402 (spaCy's own dependency)
from spacy.tokens import DocBin  # noqa: E402


class TestSpacy(CommonTests.FormatTest):
    NAME = "spacy"
    FILENAME = "reports.spacy"


def test_peer_docbin() -> None:
    docs = list(get("spacy").read(PEERS / "spacy" / "reports.spacy"))
    assert [d.report.text for d in docs] == [TEXT_A, TEXT_B]
    assert Counter(s.label for d in docs for s in d.spans) == {"actor": 6, "claim": 2, "date": 1, "place": 3}
    assert sum(len(d.relations) for d in docs) == 5 and {d.annotator for d in docs} == {"alice"}
    a, b = docs
    assert sp(b, "T2").attrs == {"status": "unconfirmed"} and sp(a, "T7").attrs == {"note": "Also spelled Abu Ali."}
    assert [(s.id, s.start, s.end) for s in b.spans][0] == ("T1", 2, 16)
    assert (sp(a, "T4").start, sp(a, "T4").end) == (59, 75) and (sp(b, "T4").start, sp(b, "T4").end) == (66, 75)
    assert a.report.title == "Officers meet at Deir al-Zour airfield" and a.report.published == "2024-04-09"


@cache
def _english() -> Any:
    """One blank English pipeline for every load (each ``spacy.blank`` takes 0.2 s: a tenth of the
    suite's spaCy tests, over their hypothesis examples)."""
    return spacy.blank("en")


def _load(path: Path) -> list:
    return list(DocBin().from_disk(path).get_docs(_english().vocab))


@pytest.mark.slow
@SETTINGS
@given(docs=documents())
def test_spacy_loads_our_file_with_equal_spans(docs, tmp_path_factory) -> None:
    path = tmp_path_factory.mktemp("sp") / "x.spacy"
    summary = get("spacy").write(docs, path)
    assert not summary.dropped  # every span aligns: nothing contracted, nothing lost
    loaded = _load(path)
    for ours, theirs in zip(docs, loaded, strict=False):
        assert theirs.text == ours.report.text
        assert sorted((s.start_char, s.end_char, s.label_, s.id_) for s in theirs.spans["sc"]) == \
            sorted((s.start, s.end, s.label, s.id) for s in ours.spans)
        ents = [(e.start_char, e.end_char) for e in theirs.ents]
        assert all(a[1] <= b[0] for a, b in zip(ents, ents[1:], strict=False))  # non-overlapping


def test_forced_splits_never_contract(tmp_path: Path) -> None:
    text = "deirezzor24 reported x"
    doc = Document(Report.of(text), "alice", (Span("T1", 0, 9, "actor"), Span("T2", 9, 11, "date"),
                                             Span("T3", 11, 12, "place")))
    get("spacy").write([doc], tmp_path / "x.spacy")
    sdoc = _load(tmp_path / "x.spacy")[0]
    assert [(s.start_char, s.end_char) for s in sdoc.spans["sc"]] == [(0, 9), (9, 11), (11, 12)]
    assert sdoc.text == text


# -- srsly's msgpack hooks, looked up once per file ------------------------------------------------------
@pytest.fixture
def hook_lookups(monkeypatch: pytest.MonkeyPatch) -> Counter:
    """How often catalogue is asked for srsly's msgpack hooks (the class's lookup, the slow one)."""
    registry_type = type(srsly.msgpack.msgpack_encoders)
    original = registry_type.get_all
    calls: Counter = Counter()

    def counted(self):  # noqa: ANN001, ANN202 (a stand-in for catalogue's method)
        if self.namespace[-1].startswith("msgpack_"):  # not spaCy's own registries (factories, loggers)
            calls[self.namespace[-1]] += 1
        return original(self)

    monkeypatch.setattr(registry_type, "get_all", counted)
    return calls


def _hooks_are_srslys() -> bool:
    registries = (srsly.msgpack.msgpack_encoders, srsly.msgpack.msgpack_decoders)
    return all("get_all" not in vars(registry) for registry in registries)


def test_msgpack_hooks_are_looked_up_once_per_file_and_the_bytes_are_spacys(tmp_path: Path,
                                                                           hook_lookups: Counter) -> None:
    """srsly's ``Packer`` asks catalogue for its hooks each time it is made, a scan of every installed
    package's entry points, three times per document (a third of a 10,000-report export). Our writer
    and reader ask once per file, write the bytes spaCy's own DocBin writes for the same documents, and
    leave srsly as it was."""
    docs = canonical_docs() * 3
    fmt = get("spacy")
    fmt.write(docs, tmp_path / "ours.spacy")
    assert sum(hook_lookups.values()) == 2 and _hooks_are_srslys()  # encoders and decoders, once each
    hook_lookups.clear()
    nlp, bin_ = spacy.blank("en"), DocBin(store_user_data=True)
    for doc in docs:  # the same spaCy documents packed by spaCy alone
        bin_.add(fmt.to_spacy(nlp, doc, WriteSummary("spacy", "-")))
    assert bin_.to_bytes() == (tmp_path / "ours.spacy").read_bytes()
    assert hook_lookups["msgpack_encoders"] >= 3 * len(docs)  # what srsly does on its own
    hook_lookups.clear()
    assert [d.report.text for d in fmt.read(tmp_path / "ours.spacy")] == [d.report.text for d in docs]
    assert sum(hook_lookups.values()) == 2 and _hooks_are_srslys()


def test_msgpack_hooks_are_srslys_again_after_a_cancel_and_beside_another_writer(tmp_path: Path) -> None:
    """A cancelled export leaves srsly asking catalogue again; two exports at once (the window's worker
    and a script) both finish with spaCy's bytes, and the last to finish restores srsly."""
    docs = canonical_docs()
    token = CancelToken()

    def cancelling():  # noqa: ANN202
        yield docs[0]
        token.cancel()
        yield docs[1]

    with pytest.raises(Cancelled):
        get("spacy").write(cancelling(), tmp_path / "cancelled.spacy", cancel=token)
    assert _hooks_are_srslys() and not (tmp_path / "cancelled.spacy").exists()
    get("spacy").write(docs * 5, tmp_path / "alone.spacy")
    threads = [threading.Thread(target=get("spacy").write, args=(docs * 5, tmp_path / f"t{n}.spacy"))
               for n in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    expected = (tmp_path / "alone.spacy").read_bytes()
    assert all((tmp_path / f"t{n}.spacy").read_bytes() == expected for n in range(3))
    assert _hooks_are_srslys()


def test_a_file_that_is_not_a_docbin_is_one_plain_sentence(tmp_path: Path) -> None:
    """spaCy's E1014 ("... spaCy v2's JSON training format ...") and msgpack's errors reached the user."""
    import zlib  # noqa: PLC0415 (only this test makes a compressed file)

    path = tmp_path / "bad.spacy"
    path.write_bytes(zlib.compress(srsly.msgpack.dumps({"attrs": "x", "tokens": 5})))
    with pytest.raises(FormatError) as info:
        list(get("spacy").read(path))
    assert str(info.value) == f"{path}: is not a spaCy v3 DocBin (the .spacy file `DocBin.to_disk` writes), or it " \
                              "is damaged"
