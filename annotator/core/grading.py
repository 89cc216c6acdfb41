"""Source grading with the Admiralty (NATO) system: source reliability A–F and information
credibility 1–6, graded separately and written together ("B2").

Why two letters: analysts judge *who* reports (is this outlet usually right?) apart from *what* is
reported (is this item confirmed by others?). A reliable outlet can pass on an improbable story and an
unknown channel can report what three others confirm, so the two scales never collapse into one number.

Grades are span attributes named ``reliability`` and ``credibility`` (the schema says which labels carry
them): a claim's grade is its own ``credibility`` with the ``reliability`` of the claim (an override),
else of its source span, else of the source's registry entry (``meta["reliability"]``).

References: NATO STANAG 2511 / AJP-2.1 (evaluation of intelligence: source reliability and information
credibility); US Army FM 2-22.3 (2006), Appendix B "Source and information reliability matrix"; STIX 2.1
(OASIS, 2021), Appendix A "Confidence scales", which maps Admiralty credibility to a 0–100 confidence.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from annotator.core.errors import ValidationError

RELIABILITY_ATTR = "reliability"
CREDIBILITY_ATTR = "credibility"

RELIABILITY: dict[str, str] = {
    "A": "completely reliable",
    "B": "usually reliable",
    "C": "fairly reliable",
    "D": "not usually reliable",
    "E": "unreliable",
    "F": "reliability cannot be judged",
}
CREDIBILITY: dict[str, str] = {
    "1": "confirmed by other sources",
    "2": "probably true",
    "3": "possibly true",
    "4": "doubtful",
    "5": "improbable",
    "6": "truth cannot be judged",
}
# STIX 2.1 Appendix A, "Admiralty Credibility": 6 (cannot be judged) has no confidence value.
STIX_CONFIDENCE = {"1": 90, "2": 70, "3": 50, "4": 30, "5": 10}


def reliability(value: Any) -> str | None:
    """A reliability letter (``"b"`` → ``"B"``), ``None`` for empty; anything else is refused."""
    if value is None or value == "":
        return None
    text = str(value).strip().upper()
    if text not in RELIABILITY:
        raise ValidationError(f"source reliability '{value}' is not one of A–F "
                              f"({', '.join(f'{k} {v}' for k, v in RELIABILITY.items())})")
    return text


def credibility(value: Any) -> str | None:
    """An information credibility digit (``2`` → ``"2"``), ``None`` for empty; anything else is refused."""
    if value is None or value == "":
        return None
    text = str(value).strip()
    if text not in CREDIBILITY:
        raise ValidationError(f"information credibility '{value}' is not one of 1–6 "
                              f"({', '.join(f'{k} {v}' for k, v in CREDIBILITY.items())})")
    return text


@dataclass(frozen=True)
class Grade:
    """One Admiralty grade; either half may be unknown (``None``)."""

    reliability: str | None = None
    credibility: str | None = None
    origin: str | None = None  # where the reliability came from: claim | source | entity

    @classmethod
    def of(cls, reliability_value: Any = None, credibility_value: Any = None, origin: str | None = None) -> Grade:
        return cls(reliability(reliability_value), credibility(credibility_value), origin)

    @property
    def code(self) -> str:
        """``"B2"``; an unknown half is written ``-`` (``"B-"``), nothing at all is ``""``."""
        if self.reliability is None and self.credibility is None:
            return ""
        return f"{self.reliability or '-'}{self.credibility or '-'}"

    @property
    def is_empty(self) -> bool:
        return self.reliability is None and self.credibility is None

    def rank(self) -> tuple[int, int]:
        """Sort key, best first: A before F, 1 before 6, unknown last."""
        r = "ABCDEF".index(self.reliability) if self.reliability else 9
        c = int(self.credibility) if self.credibility else 9
        return (r, c)

    def describe(self) -> str:
        parts = []
        if self.reliability:
            parts.append(f"source {RELIABILITY[self.reliability]}")
        if self.credibility:
            parts.append(f"information {CREDIBILITY[self.credibility]}")
        return "; ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {"reliability": self.reliability, "credibility": self.credibility, "code": self.code,
                "origin": self.origin}


def grade_of_claim(claim_attrs: Mapping[str, Any], source_attrs: Mapping[str, Any] | None = None,
                   entity_meta: Mapping[str, Any] | None = None) -> Grade:
    """The grade of a claim from its own attributes, its source span's and the source entity's metadata.

    Values that break the scale are ignored here (imports may carry them; edits refuse them)."""
    value = claim_attrs.get(CREDIBILITY_ATTR) if claim_attrs else None
    cred = None if value is None else _safe(credibility, value)  # (a record asks for 120,000 claims, most ungraded)
    for origin, attrs in (("claim", claim_attrs), ("source", source_attrs), ("entity", entity_meta)):
        value = attrs.get(RELIABILITY_ATTR) if attrs else None
        rel = None if value is None else _safe(reliability, value)
        if rel is not None:
            return Grade(rel, cred, origin)
    return Grade(None, cred, None) if cred is not None else _UNGRADED


_UNGRADED = Grade()  # most claims: one shared (immutable) value instead of one built per claim


def _safe(check: Any, value: Any) -> str | None:
    try:
        return check(value)  # type: ignore[no-any-return]
    except ValidationError:
        return None
