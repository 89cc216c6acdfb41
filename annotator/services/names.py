"""The names a user types to narrow what a command reads or assigns: annotators, labels, span sources.

Each is checked here against what this database knows, once for every command and shell, so a typo is
refused with one sentence naming the unknown value and the known ones (exit 2, as an unknown
``--status``) instead of an empty table, file or record that looks like an answer."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from annotator.core.errors import NotFound
from annotator.core.ids import GOLD
from annotator.services.context import ServiceContext

_SHOWN = 20  # known values named in the sentence, at most (a team of hundreds is not listed in full)


def known_annotators(ctx: ServiceContext, names: Sequence[str], *, option: str = "--annotators",
                     hint: str = "") -> tuple[str, ...]:
    """``names`` unchanged when this database knows each (``gold`` always: it is the adjudicated set);
    NotFound naming each unknown one and everyone known otherwise. Someone is known once they have
    a row in the annotators table: added with ``annotators add``, or the owner of a loaded set."""
    if not names:
        return tuple(names)
    with ctx.uow() as uow:
        known = set(uow.repo.annotator_names()) | {GOLD}
    _refuse_unknown(names, known, f"{option}: this database has no annotator {{names}}", hint)
    return tuple(names)


def known_labels(ctx: ServiceContext, labels: Sequence[str], *, option: str = "--labels") -> tuple[str, ...]:
    """``labels`` unchanged when each is a label of the project's schema; NotFound otherwise."""
    _refuse_unknown(labels, set(ctx.schema.label_names), f"{option}: schema '{ctx.schema.name}' has no label {{names}}")
    return tuple(labels)


def known_source(ctx: ServiceContext, source: str, *, option: str = "--source") -> str:
    """``source`` when some span records it (or its family: ``spacy`` for ``spacy:en_core_web_sm``), or
    it is ``manual``; NotFound naming the sources recorded otherwise."""
    with ctx.uow() as uow:
        recorded = uow.search.recorded_sources()
    family = source.replace(" ", ":").split(":", 1)[0]
    if source not in recorded and family not in recorded:
        raise NotFound(f"{option}: no span in this database records the source '{source}' "
                       f"(sources recorded: {_listing(recorded)})")
    return source


def _refuse_unknown(given: Iterable[str], known: set[str], sentence: str, hint: str = "") -> None:
    """NotFound with ``sentence`` (``{names}``: the unknown ones, quoted) and the known values."""
    unknown = [name for name in given if name not in known]
    if unknown:
        raise NotFound(sentence.format(names=", ".join(f"'{n}'" for n in unknown))
                       + f" (known: {_listing(sorted(known))})" + (f"; {hint}" if hint else ""))


def _listing(values: Sequence[str]) -> str:
    if not values:
        return "none yet"
    shown = ", ".join(values[:_SHOWN])
    return shown + (f" and {len(values) - _SHOWN} more" if len(values) > _SHOWN else "")
