"""HTML is parsed, never rendered: no script text, no remote resource, no socket; metadata kept."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import trafilatura
from annotator.core.errors import ReaderError
from annotator.readers import html as html_module
from annotator.readers.html import HtmlReader

SAMPLES = Path(__file__).resolve().parents[2] / "resources" / "samples"


def test_hostile_page_opens_no_socket_and_drops_scripts(data_dir: Path, no_network: list[str]) -> None:
    result = HtmlReader().read(data_dir / "hostile.html")
    assert "Islamic Revolutionary Guard Corps (IRGC)" in result.text
    assert "Omar al-Hassan" in result.text
    for leaked in ("INLINE_SCRIPT_MUST_NOT_APPEAR", "document.write", "fetch(", "remote-resource",
                   "background", "http://"):
        assert leaked not in result.text
    assert no_network == []


def test_metadata(data_dir: Path) -> None:
    result = HtmlReader().read(data_dir / "hostile.html")
    assert result.title == "Convoy seen near Deir ez-Zor"
    assert result.source == "Test Monitor"
    assert result.published == "2024-04-07"
    assert result.url == "https://test-monitor.example/convoy"
    assert result.language == "en"
    assert result.encoding == "utf-8"


def test_an_ordinary_article_page_is_read_by_trafilatura(data_dir: Path) -> None:
    """The main extractor, not the fallback: on a fresh install trafilatura failed to import (justext needs
    ``lxml.html.clean``, now the separate project lxml_html_clean) and every page silently went through the
    stdlib parser."""
    for page in (data_dir / "hostile.html", SAMPLES / "04-aleppo-airport.html"):
        assert HtmlReader().read(page).meta["extracted_by"] == "trafilatura", page.name


def test_an_extractor_that_does_not_import_is_one_sentence(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "trafilatura", None)  # what a missing dependency looks like
    with pytest.raises(ReaderError, match="hostile.html.*trafilatura does not import"):
        HtmlReader().read(data_dir / "hostile.html")


def test_fallback_parser_when_trafilatura_finds_no_text(data_dir: Path, no_network: list[str],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(trafilatura, "bare_extraction", lambda *args, **kwargs: None)
    result = HtmlReader().read(data_dir / "hostile.html")
    assert result.meta["extracted_by"] == "html.parser"
    assert result.text.startswith("Convoy seen near Deir ez-Zor\nOn April 5, residents of al-Mayadin")
    assert "Residents said the convoy headed towards Abu Kamal, near the Iraqi border." in result.text
    for leaked in ("INLINE_SCRIPT_MUST_NOT_APPEAR", "Home | World", "Footer text", "http://"):
        assert leaked not in result.text
    # the metadata is still trafilatura's (no hand-written <meta> parsing)
    assert result.source == "Test Monitor"
    assert result.published == "2024-04-07"
    assert result.url == "https://test-monitor.example/convoy"
    assert result.title == "Convoy seen near Deir ez-Zor"
    assert no_network == []


def test_trafilatura_crash_falls_back(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("parser bug")

    monkeypatch.setattr(trafilatura, "bare_extraction", boom)
    result = HtmlReader().read(data_dir / "hostile.html")
    assert result.meta["extracted_by"] == "html.parser"
    assert "Omar al-Hassan" in result.text


def test_fallback_without_article_uses_body_and_survives_unclosed_head(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(html_module, "_trafilatura", lambda markup, path: {})
    path = tmp_path / "bare.html"
    path.write_text("<html><head><title>T</title><script>x()</script>"
                    "<body><p>One &amp; two</p><div>Three<br>Four</div></body></html>", encoding="utf-8")
    result = HtmlReader().read(path)
    assert result.text == "One & two\nThree\nFour"


def test_declared_legacy_charset(data_dir: Path) -> None:
    result = HtmlReader().read(data_dir / "arabic-cp1256.html")
    assert result.encoding == "cp1256"
    assert "دير الزور" in result.text and "الحرس الثوري" in result.text
    assert result.title == "تقرير من حمص"
    assert result.language == "ar"


def test_sniff() -> None:
    reader = HtmlReader()
    assert reader.sniff(b"<!DOCTYPE html><html><body>") == 90
    assert reader.sniff(b"\n  <html lang='ar'>") == 90
    assert reader.sniff(b"<div><body>x</body>") == 60
    assert reader.sniff(b"just words") == 0


def test_a_short_page_keeps_its_inline_tags_on_one_line(tmp_path: Path) -> None:
    """trafilatura gives a short page's words with a line break at every inline tag ("The channel\\nHalab
    al-Yawm\\nclaimed that"); a report's text is its identity and is never corrected later, so the page's
    own blocks are used when trafilatura's text is the page's whole visible text."""
    path = tmp_path / "short.html"
    path.write_text('<html><body><article><p>The channel <b>Halab al-Yawm</b> claimed that <a href="/x">an '
                    'adviser</a> was <em>wounded</em> near <span class="place">Aleppo</span>.</p>'
                    "<p>Second&nbsp;paragraph.</p></article></body></html>", encoding="utf-8")
    result = HtmlReader().read(path)
    assert result.text == ("The channel Halab al-Yawm claimed that an adviser was wounded near Aleppo.\n"
                           "Second\u00a0paragraph.")
    assert result.meta["extracted_by"] == "html.parser"
    assert result.title == "The channel Halab al-Yawm claimed that an adviser was wounded near Aleppo."
