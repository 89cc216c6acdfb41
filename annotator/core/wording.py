"""Small pieces of English for messages that name labels and types chosen by the project."""

from __future__ import annotations


def with_article(phrase: str) -> str:
    """``phrase`` after "a" or "an" as it is read aloud ("an actor", "a place"): labels are the project's
    own words, so a message cannot write the article in advance."""
    return f"{'an' if phrase[:1].lower() in 'aeiou' else 'a'} {phrase}"
