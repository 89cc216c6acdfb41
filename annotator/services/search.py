"""Corpus search as a concordance (keyword in context), and annotating every chosen match at once.

``search(ctx, "دير الزور")`` finds the text in every report whatever its diacritics, alef/hamza forms,
ta marbuta or tatweel, and Latin text whatever its case and accents (``records.names.fold_text`` folds
both sides; a match is a whole word, or an Arabic word behind a clitic prefix: "الزور" finds "والزور").
Filters (``label``, ``entity``, ``annotator``, ``status``, ``source``) turn it into a search of annotated
spans: every span matching them (and, when text is given, whose text contains it). ``status`` is the
workflow state of the set the span is in, as a person types it ("in progress", "done-empty", "not
assigned"); ``source`` is where the span came from (``attrs["source"]``: ``registry``, ``date``,
``annotation`` or ``annotation:alice``, ``search``, ``model`` or ``model:NAME``), and ``manual`` finds the
spans that record none — made by hand, or loaded from a file. Offsets are code points.

``annotate_all`` creates one span per chosen match, each with its automatic value or entity, in ONE
transaction (one edit per set touched, all committed together); ``remove_annotated`` is its undo, also
one transaction, removing exactly those spans."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from annotator.core import workflow
from annotator.core.changes import Change
from annotator.core.errors import ValidationError
from annotator.core.spans import Span
from annotator.records.names import fold_query, fold_text, folded_text, widen_end
from annotator.services import annotate
from annotator.services.context import ServiceContext
from annotator.services.names import known_annotators, known_labels, known_source
from annotator.services.search_index import ensure_indexed
from annotator.store.mapping import relation_to_dict, span_from_row, span_to_dict

CONTEXT = 40  # characters of context either side of a hit
_ARABIC_CLITICS = ("ال", "وال", "بال", "فال", "كال", "لل", "و", "ب", "ل", "ف", "ك")


@dataclass(frozen=True)
class Hit:
    """One concordance row. ``label``/``annotator``/``span``/``entity`` are set when the row is a span."""

    report: str
    start: int
    end: int
    text: str
    left: str
    right: str
    title: str = ""
    label: str | None = None
    annotator: str | None = None
    span: str | None = None
    entity: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        return {k: v for k, v in out.items() if v is not None}


@dataclass(frozen=True)
class Target:
    """A stretch of a report to annotate (a concordance row the annotator ticked)."""

    report: str
    start: int
    end: int


def search(ctx: ServiceContext, text: str = "", *, label: str | None = None, entity: str | None = None,
           annotator: str | None = None, status: str | None = None, source: str | None = None,
           report_ids: Sequence[str] | None = None, limit: int = 200) -> list[Hit]:
    """The concordance for ``text`` and the filters, at most ``limit`` rows: text matches in the order the
    reports were stored, then by offset; spans by report id, then offset. An unknown ``status`` is
    refused with one sentence naming the valid ones."""
    state = parse_status(status) if status is not None and status.strip() else None
    source = source.strip() if source is not None and source.strip() else None
    folded = fold_query(text) if text else ""
    if text and not folded:
        return []  # only punctuation or marks: nothing to look for
    if label is not None or entity is not None or annotator is not None or state is not None or source is not None:
        return _span_search(ctx, folded, label=label, entity=entity, annotator=annotator, status=state,
                            source=source, report_ids=report_ids, limit=limit)
    if not folded:
        return []
    ensure_indexed(ctx)
    hits: list[Hit] = []
    with ctx.uow() as uow:
        for report_id, stored in uow.search.candidates(folded, report_ids):
            starts = [i for i in _occurrences(stored, folded)]
            if not starts:
                continue
            original, title = uow.search.text_and_title(report_id)
            _, origins = fold_text(original)
            for i in starts:
                start = origins[i]
                end = widen_end(original, origins[i + len(folded) - 1] + 1)
                hits.append(Hit(report_id, start, end, original[start:end], original[max(0, start - CONTEXT):start],
                                original[end:end + CONTEXT], title))
                if len(hits) >= limit:
                    return hits
    return hits


def _occurrences(stored: str, query: str) -> Iterable[int]:
    """Where ``query`` occurs in ``stored`` as whole words (or behind an Arabic clitic prefix)."""
    i = stored.find(query)
    while i >= 0:
        j = i + len(query)
        if (j == len(stored) or not stored[j].isalnum()) and _word_starts_at(stored, i):
            yield i
        i = stored.find(query, i + 1)


def _word_starts_at(s: str, i: int) -> bool:
    if i == 0 or not s[i - 1].isalnum():
        return True
    k = i
    while k > 0 and s[k - 1].isalnum():
        k -= 1
    return s[k:i] in _ARABIC_CLITICS


def parse_status(text: str) -> str:
    """A workflow status as typed ("in progress", "done-empty", "not assigned") → its stored key
    (``""`` for not assigned); anything else is one sentence naming every status there is."""
    try:
        return workflow.parse_state(text)
    except ValidationError:
        raise ValidationError(f"'{text.strip()}' is not a workflow status; search by one of: "
                              f"{', '.join(STATUS_WORDS)}") from None


STATUS_WORDS = ("assigned", "in progress", "done", "done-empty", "accepted", "returned", "curated", "not assigned")
SOURCE_WORDS = ("manual", "registry", "date", "annotation", "search", "model")  # what --source/the tab offer


def _span_search(ctx: ServiceContext, folded: str, *, label: str | None, entity: str | None, annotator: str | None,
                 status: str | None, source: str | None, report_ids: Sequence[str] | None, limit: int) -> list[Hit]:
    if annotator is not None:
        known_annotators(ctx, [annotator], option="--annotator")
    if label is not None:
        known_labels(ctx, [label], option="--label")  # a typo, not an empty answer ("no matches", exit 0)
    with ctx.uow() as uow:
        rows = uow.search.span_hits(label=label, entity=entity, annotator=annotator, status=status, source=source,
                                    report_ids=report_ids, context=CONTEXT, limit=None if folded else limit)
    if not rows and source is not None:
        known_source(ctx, source)  # nothing found: a source no span records is a typo, not an empty answer
    hits: list[Hit] = []
    for r in rows:
        if folded:
            span_folded = folded_text(r.text)
            if not any(True for _ in _occurrences(span_folded, folded)):
                continue
        hits.append(Hit(r.report_id, r.start, r.end, r.text, r.left, r.right, r.title, r.label, r.annotator, r.key,
                        r.entity))
        if len(hits) >= limit:
            break
    return hits


# -- annotate all -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Annotated:
    """What ``annotate_all`` created: the spans per report (for undo) and a Change per set touched."""

    spans: dict[str, tuple[Span, ...]]
    changes: tuple[Change, ...]


def annotate_all(ctx: ServiceContext, targets: Sequence[Target], label: str, *, annotator: str,
                 expect_versions: dict[str, int] | None = None, source: str = "search") -> Annotated:
    """One span of ``label`` on each target (its automatic value or entity included) in one transaction.

    A target that exactly repeats a span of the same label already in the set is skipped (annotating a
    match twice is never meant). ``expect_versions`` (report → set version the caller showed) refuses the
    whole step if any set changed meanwhile. Each span records ``attrs["source"]`` (the search by
    default) so the origin of a bulk annotation stays visible."""
    from annotator.services.records import automatic_fields  # noqa: PLC0415 (the resolver, 70 ms to import, only for annotate-all)

    annotate.check_writer(annotator)
    ctx.schema.label(label)  # an unknown label is refused before anything is read
    drafts: dict[str, list[Span]] = {}
    with ctx.uow() as uow:
        reports = {rid: uow.repo.report(rid) for rid in dict.fromkeys(t.report for t in targets)}
    # automatic values are decided before the transaction: the resolver reads (and may seed) the registry
    for t in sorted(set(targets), key=lambda t: (t.report, t.start, t.end)):
        draft = Span("?", t.start, t.end, label, {"source": source})
        if 0 <= t.start < t.end <= reports[t.report].chars:
            draft = draft.with_(**automatic_fields(ctx, reports[t.report], draft))
        drafts.setdefault(t.report, []).append(draft)
    return insert_spans(ctx, drafts, annotator, expect_versions, skip_existing=True)


def restore_annotated(ctx: ServiceContext, done: Annotated, *, annotator: str,
                      expect_versions: dict[str, int] | None = None) -> Annotated:
    """Redo of ``annotate_all`` after its undo: the same spans, same ids and fields, in one transaction."""
    return insert_spans(ctx, {rid: list(spans) for rid, spans in done.spans.items()}, annotator, expect_versions,
                       skip_existing=False)


def insert_spans(ctx: ServiceContext, drafts: dict[str, list[Span]], annotator: str,
                 expect_versions: dict[str, int] | None, *, skip_existing: bool) -> Annotated:
    """Spans (report → drafts, values decided) into the annotator's sets in ONE transaction; with
    ``skip_existing`` a draft repeating a span of the same extent and label is left out."""
    who = annotate.check_writer(annotator)
    created: dict[str, tuple[Span, ...]] = {}
    changes: list[Change] = []
    with ctx.uow() as uow:
        for report_id, spans in drafts.items():
            chars = uow.repo.report_chars(report_id)
            row = annotate.locked_set(uow, report_id, who, (expect_versions or {}).get(report_id))
            existing = {(s.start, s.end, s.label) for s in uow.repo.spans_of(row)} if skip_existing else set()
            made = [annotate.insert_span(ctx, uow, row, who, span, chars, op="annotate_all")
                    for span in spans if (span.start, span.end, span.label) not in existing]
            if made:
                created[report_id] = tuple(made)
            changes.append(Change(report_id, who, row.version, "annotate_all", tuple(s.id for s in made)))
        uow.commit()
    return Annotated(created, tuple(changes))


def remove_annotated(ctx: ServiceContext, done: Annotated, *, annotator: str,
                     expect_versions: dict[str, int] | None = None) -> tuple[Change, ...]:
    """Undo of ``annotate_all``: exactly the spans it created leave, in one transaction (refused, with
    nothing written, when one of them is no longer as it was created)."""
    who = annotate.check_writer(annotator)
    changes: list[Change] = []
    with ctx.uow() as uow:
        for report_id, spans in done.spans.items():
            row = annotate.locked_set(uow, report_id, who, (expect_versions or {}).get(report_id))
            for span in spans:
                srow = uow.repo.span_row(row, span.id)
                annotate.check_shown(span_from_row(srow), span)
                rels = uow.repo.relations_touching(srow)
                before = {"span": span_to_dict(span),
                          "relations": [relation_to_dict(uow.repo.relation(r)) for r in rels]}
                uow.repo.delete_span(srow)  # and the relations read above
                uow.repo.log_edit(row, who, "delete_span", span.id, before, None)
            changes.append(Change(report_id, who, row.version, "remove_annotated", tuple(s.id for s in spans)))
        uow.commit()
    return tuple(changes)


# -- one report at a time: what the window's undoable commands call (one undo stack per report) ----------
def annotate_in_report(ctx: ServiceContext, report_id: str, extents: Sequence[tuple[int, int]], label: str, *,
                       annotator: str, expect_version: int | None = None,
                       source: str = "search") -> tuple[Annotated, Change]:
    """``annotate_all`` over extents of one report: (what was created, the set's Change)."""
    done = annotate_all(ctx, [Target(report_id, s, e) for s, e in extents], label, annotator=annotator,
                        expect_versions=_version(report_id, expect_version), source=source)
    return done, done.changes[0]


def remove_in_report(ctx: ServiceContext, report_id: str, done: Annotated, *, annotator: str,
                     expect_version: int | None = None) -> Change:
    """Undo of ``annotate_in_report`` (or of accepting suggestions): the set's Change."""
    if not done.spans:
        return _unchanged(ctx, report_id, annotator)
    return remove_annotated(ctx, done, annotator=annotator, expect_versions=_version(report_id, expect_version))[0]


def restore_in_report(ctx: ServiceContext, report_id: str, done: Annotated, *, annotator: str,
                      expect_version: int | None = None) -> tuple[Annotated, Change]:
    """Redo after undo: exactly the spans undo removed."""
    if not done.spans:
        return done, _unchanged(ctx, report_id, annotator)
    again = restore_annotated(ctx, done, annotator=annotator, expect_versions=_version(report_id, expect_version))
    return again, again.changes[0]


def _version(report_id: str, expect_version: int | None) -> dict[str, int] | None:
    return {report_id: expect_version} if expect_version is not None else None


def _unchanged(ctx: ServiceContext, report_id: str, annotator: str) -> Change:
    return Change(report_id, annotator, annotate.get_set(ctx, report_id, annotator).version, "annotate_all")
