"""Regenerate the byte-exact reader fixtures in this folder (they are committed; run only to change them).

Each file's exact bytes matter (BOMs, legacy code pages, CRLF), which is why they are written from
Python rather than by an editor, and why ``.gitattributes`` marks them ``-text``.
"""

from __future__ import annotations

import codecs
from pathlib import Path

HERE = Path(__file__).resolve().parent

# Short on purpose: statistical detectors fail on short Arabic texts, the readers must not.
ARABIC = "قالت مصادر محلية إن اجتماعاً عُقد في دير الزور يوم الجمعة بين ضباط من الحرس الثوري وقادة محليين.\n"
LATIN = "café – naïve\n"
MIXED = "Report: Deir ez-Zor / دير الزور — IRGC (الحرس الثوري), April 5.\n"

HOSTILE_HTML = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Convoy seen near Deir ez-Zor | Test Monitor</title>
<meta property="og:site_name" content="Test Monitor">
<meta property="article:published_time" content="2024-04-07T10:00:00Z">
<link rel="canonical" href="https://test-monitor.example/convoy">
<link rel="stylesheet" href="http://remote-resource.invalid/style.css">
<script src="http://remote-resource.invalid/script.js"></script>
<script>var leak = "INLINE_SCRIPT_MUST_NOT_APPEAR"; fetch("http://remote-resource.invalid/x");</script>
<style>.x { background: url(http://remote-resource.invalid/bg.png) }</style>
</head><body>
<nav>Home | World | Contact</nav>
<article>
<h1>Convoy seen near Deir ez-Zor</h1>
<p>On April 5, residents of al-Mayadin told the Test Monitor that a convoy of about twenty trucks
belonging to the Islamic Revolutionary Guard Corps (IRGC) crossed the bridge before dawn.</p>
<img src="http://remote-resource.invalid/photo.jpg" alt="convoy">
<p>A local activist, Omar al-Hassan, said the trucks were covered and escorted by pickups. The claim
could not be verified, and no official statement was issued about the movement.</p>
<iframe src="http://remote-resource.invalid/embed"></iframe>
<p>Residents said the convoy headed towards Abu Kamal, near the Iraqi border.</p>
</article>
<footer>Footer text</footer>
<script>document.write("<img src=http://remote-resource.invalid/late.gif>")</script>
</body></html>
"""

CP1256_HTML = ('<html><head><meta charset="windows-1256"><title>تقرير من حمص</title></head>'
               "<body><p>" + ARABIC.strip() + "</p></body></html>")


def write() -> None:
    files: dict[str, bytes] = {
        "utf8-bom.txt": codecs.BOM_UTF8 + MIXED.encode("utf-8"),
        "utf16le-bom.txt": codecs.BOM_UTF16_LE + MIXED.encode("utf-16-le"),
        "utf16be-bom.txt": codecs.BOM_UTF16_BE + MIXED.encode("utf-16-be"),
        "arabic-utf8.txt": ARABIC.encode("utf-8"),
        "arabic-cp1256.txt": ARABIC.encode("cp1256"),
        "arabic-iso8859-6.txt": ARABIC.encode("iso8859_6"),
        "latin-cp1252.txt": LATIN.encode("cp1252"),
        "crlf.txt": b"First line\r\nSecond line, Dayr az-Zawr\r\n\r\nLast line\r\n",
        "heading.md": b"Some preface text\n\n# Clashes near Deir Al-Zour\n\nBody text.\n",
        "hostile.html": HOSTILE_HTML.encode("utf-8"),
        "arabic-cp1256.html": CP1256_HTML.encode("cp1256"),
        "empty.txt": b"",
        "unsupported.xyz": bytes(range(256)) * 4,
        "corrupt.pdf": b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R\nthis is not a pdf body\n" * 3,
        "corrupt.docx": b"PK\x03\x04" + b"\x00garbage, not a zip archive" * 20,
    }
    for name, data in files.items():
        (HERE / name).write_bytes(data)


if __name__ == "__main__":
    write()
