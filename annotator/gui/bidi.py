"""Right-to-left text beside left-to-right text: each piece of report text the window writes into a
sentence (a span's words, an entity's name, a title) is wrapped in a first-strong isolate (U+2068 …
U+2069), so Arabic keeps its own direction and the numbers, brackets and arrows around it keep
theirs ("place “حمص” [0–3]", not "[3–0]"; "Homs → حمص" reads in the order written)."""

from __future__ import annotations

FSI = "\u2068"  # FIRST STRONG ISOLATE: the piece takes the direction of its first strong letter
PDI = "\u2069"  # POP DIRECTIONAL ISOLATE


def isolate(text: str) -> str:
    """``text`` as an isolated run (a no-op for empty text; never doubled)."""
    if not text or (text.startswith(FSI) and text.endswith(PDI)):
        return text
    return f"{FSI}{text}{PDI}"


