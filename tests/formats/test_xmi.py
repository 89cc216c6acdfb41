"""UIMA CAS XMI: cassis loads our files; UTF-16 in the file, code points in the model."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from annotator.core.errors import FormatError
from annotator.formats import get
from hypothesis import given

from .common import SETTINGS, CommonTests
from .conftest import PEERS, TEXT_B, relation_extents
from .strategies import documents

cassis = pytest.importorskip("cassis")


class TestXmiZip(CommonTests.FormatTest):
    NAME = "xmi"
    FILENAME = "export.zip"


class TestXmiFolder(CommonTests.FormatTest):
    NAME = "xmi"
    FILENAME = "export"


def test_peer_inception_export() -> None:
    (doc,) = list(get("xmi").read(PEERS / "xmi" / "alice.xmi"))
    assert doc.report.text == TEXT_B and doc.annotator == "alice" and doc.report.title == "doc-b.txt"
    assert sorted(s.label for s in doc.spans) == ["actor", "actor", "actor", "claim", "place"]
    assert len(doc.relations) == 2
    claim = next(s for s in doc.spans if s.label == "claim")
    assert (claim.start, claim.end) == (30, 75) and claim.attrs == {"status": "unconfirmed"}
    assert {(s.start, s.end) for s in doc.spans} >= {(2, 16), (82, 93)}
    assert TEXT_B[2:16] == "Kata'eb Ja'far"
    assert relation_extents(doc) == [((30, 75), (2, 16), "source"), ((30, 75), (66, 75), "place")]


@SETTINGS
@given(docs=documents())
def test_cassis_loads_our_xmi_and_offsets_select_the_same_text(docs, tmp_path_factory) -> None:
    path = tmp_path_factory.mktemp("xmi") / "x.zip"
    get("xmi").write(docs, path)
    with zipfile.ZipFile(path) as zf:
        ts = cassis.load_typesystem(io.BytesIO(zf.read("TypeSystem.xml")))
        names = sorted(n for n in zf.namelist() if n.endswith(".xmi"))
        cases = {d.annotator: d for d in docs}
        for name in names:
            cas = cassis.load_cas_from_xmi(io.BytesIO(zf.read(name)), typesystem=ts)
            ours = cases[name.rsplit("/", 1)[1][:-4]]
            assert cas.sofa_string == ours.report.text
            got = sorted((m.label, m.get_covered_text()) for m in cas.select("webanno.custom.Mention"))
            assert got == sorted((s.label, ours.report.text[s.start:s.end]) for s in ours.spans)


def test_file_counts_utf16(tmp_path: Path, peer_docs) -> None:
    get("xmi").write(peer_docs[1:], tmp_path / "x.zip")
    with zipfile.ZipFile(tmp_path / "x.zip") as zf:
        xmi = zf.read(next(n for n in zf.namelist() if n.endswith("alice.xmi"))).decode()
    assert re.search(r'begin="3" end="17"[^>]*label="actor"', xmi)  # Kata'eb Ja'far after 🔴
    assert "&#13;&#10;" in xmi or "&#xD;" in xmi.upper()
    assert 'documentId="alice"' in xmi


def test_dtd_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "x"
    folder.mkdir()
    (folder / "TypeSystem.xml").write_bytes((PEERS / "xmi" / "TypeSystem.xml").read_bytes())
    (folder / "a.xmi").write_text('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "boom">]><x>&e;</x>')
    with pytest.raises(FormatError) as err:
        list(get("xmi").read(folder))
    assert "safe" in str(err.value)
