"""Pre-annotation suggestions for one report, offline: names from the registry, dates, and text the
same annotator (or gold) already labelled elsewhere in the corpus.

- **registry**: word sequences of the report matched to entity aliases with the resolver's own exact-key
  and skeleton matching (``Resolver.exact_matches``), so "Dayr az-Zawr", "Deir Ezzor" and "دير الزور"
  are all found; the label is the schema's label linking to the entity's kind, the entity is given when
  the match is unambiguous.
- **date**: ``records.dates.find_dates`` (English and Arabic month names, Arabic-Indic digits), the value
  anchored on the report's date.
- **annotation:NAME**: a word sequence whose folded text is exactly one that NAME (the annotator, or
  gold) labelled in any report, with that label.
- **model:NAME VERSION** (optional): the entities of an installed spaCy pipeline, the project's setting
  or the caller's choice (``services.suggest_model``); when spaCy or the pipeline is missing the other
  sources still answer, and the list's ``notices`` carries the one sentence saying why.

A suggestion overlapping a span of the annotator's set (other than a claim, which holds its actors,
places and dates), or one they rejected on this report, is not offered; overlapping suggestions keep the
longest. Accepting one is an ordinary edit (span with its automatic value or entity, one transaction)
whose span records ``attrs["source"]`` — where it came from (``registry``, ``date``, ``annotation:alice``).
Rejections are stored per (report, annotator)."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from annotator.core.changes import Change
from annotator.core.ids import GOLD
from annotator.core.scripts import has_arabic
from annotator.core.spans import Span
from annotator.records.names import (
    fold_text,
    folded_text,
    has_arabic_article,
    join_skeleton,
    key,
    widen_end,
    word_parts,
)
from annotator.services import suggest_model
from annotator.services.context import ServiceContext
from annotator.services.records import automatic_fields, resolver
from annotator.services.reports import get_report
from annotator.services.search import Annotated, insert_spans
from annotator.services.suggest_model import NO_MODEL, SETTING

_MAX_WORDS = 6  # longest earlier annotation (in words) looked for again


@dataclass(frozen=True)
class Suggestion:
    start: int
    end: int
    label: str
    source: str  # registry | date | annotation:NAME | model:NAME VERSION
    value: str | None = None
    entity: str | None = None
    text: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}

    def draft(self) -> Span:
        return Span("?", self.start, self.end, self.label, {"source": self.source}, self.value, self.entity,
                    "automatic" if self.value or self.entity else None)


class Suggestions(list[Suggestion]):
    """The suggestions, in text order, and ``notices``: sentences about a source that could not run
    (a spaCy pipeline that is not installed), for the shell to show beside them."""

    notices: tuple[str, ...] = ()


def suggest(ctx: ServiceContext, report_id: str, *, annotator: str, model: str | None = None) -> Suggestions:
    """Every suggestion for ``annotator`` on the report, in text order. ``model``: the spaCy pipeline to
    run (package name or folder); None = the project's setting, ``"none"`` or ``""`` = no pipeline."""
    from annotator.records.dates import find_dates  # noqa: PLC0415 (80 ms to import, only when suggesting)
    with ctx.uow() as uow:
        report = uow.repo.report(report_id)
        row = uow.repo.set_row(report_id, annotator)
        # a claim holds its actors, places and dates: a suggestion inside one is still wanted (it blocked
        # every suggestion it covered); the spans of the other labels take their stretch
        claims = ctx.schema.record_roles.claims
        own = uow.repo.spans_of(row) if row is not None else []
        taken = [(s.start, s.end) for s in own if s.label not in claims]
        # a claim leaves its stretch open, but not its own extent: the same claim again was offered, and
        # accepting it stored nothing (it is there), so it never went away
        marked = {(s.start, s.end, s.label) for s in own}
        rejected = uow.search.rejected(report_id, annotator)
        earlier = uow.search.labelled_texts([annotator, GOLD])
        if model is None:
            model = uow.settings.get(suggest_model.SETTING) or ""
    text = report.text
    found: list[Suggestion] = []
    notices: list[str] = []
    model = model.strip()
    if model and model.lower() != suggest_model.NO_MODEL:
        try:
            extents, source = suggest_model.entities(model, text, ctx.schema)
            found += [Suggestion(s, e, label, source, text=text[s:e]) for s, e, label in extents]
        except suggest_model.ModelUnavailable as exc:
            notices.append(str(exc))
    date_label = next((lb.name for lb in ctx.schema.labels if ctx.schema.value_kind(lb.name) == "date"), None)
    if date_label is not None:
        found += [Suggestion(s, e, date_label, "date", v.value, text=text[s:e])
                  for s, e, v in find_dates(text, report.published, language=report.language)]
    found += _word_matches(ctx, text, earlier, annotator)
    chosen: list[Suggestion] = []
    occupied = _Occupied(taken)
    # longest first; at equal extent the registry, dates and earlier annotations before a model's guess
    for s in sorted(found, key=lambda s: (-(s.end - s.start), s.start, s.source.startswith("model:"), s.source)):
        if (s.start, s.end, s.label) in rejected or (s.start, s.end, s.label) in marked \
                or occupied.overlaps(s.start, s.end):
            continue
        chosen.append(s)
        occupied.add(s.start, s.end)
    out = Suggestions(sorted(chosen, key=lambda s: (s.start, s.end)))
    out.notices = tuple(notices)
    return out


def model_setting(ctx: ServiceContext) -> str:
    """The project's spaCy pipeline for suggestions ("" when none is set)."""
    with ctx.uow() as uow:
        return str(uow.settings.get(SETTING) or "")


def set_model_setting(ctx: ServiceContext, name: str) -> str:
    """Make ``name`` (package or folder; "" or "none" for none) the project's pipeline; committed.
    Not loaded here: a pipeline missing on this machine is said when suggestions run, not refused."""
    value = "" if name.strip().lower() in ("", NO_MODEL) else name.strip()
    with ctx.uow() as uow:
        uow.settings.put(SETTING, value)
        uow.commit()
    return value


class _Occupied:
    """The stretches of text already taken, as sorted disjoint extents: whether a suggestion overlaps
    one is a binary search. Testing it against every taken extent made a long report's suggestions
    quadratic (a 30 MB report ran for more than ten minutes)."""

    def __init__(self, extents: Sequence[tuple[int, int]]) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        for start, end in sorted(extents):  # overlapping extents (nested spans) merged: the same points
            if self.ends and start < self.ends[-1]:
                self.ends[-1] = max(self.ends[-1], end)
            else:
                self.starts.append(start)
                self.ends.append(end)

    def overlaps(self, start: int, end: int) -> bool:
        """Whether ``[start, end)`` shares a code point with a taken stretch: only the last stretch that
        begins before ``end`` can (the stretches are disjoint, so it also ends last)."""
        i = bisect_left(self.starts, end) - 1
        return i >= 0 and self.ends[i] > start

    def add(self, start: int, end: int) -> None:
        """Take ``[start, end)``, which overlaps nothing taken."""
        i = bisect_left(self.starts, start)
        self.starts.insert(i, start)
        self.ends.insert(i, end)


def _word_matches(ctx: ServiceContext, text: str, earlier: Sequence[tuple[str, str, str]],
                  annotator: str) -> list[Suggestion]:
    """Registry names and earlier annotations: word sequences tried from each word, longest first."""
    index = resolver(ctx)
    label_of_kind: dict[str, str] = {}
    for label in ctx.schema.labels:
        kind = ctx.schema.entity_kind(label.name)
        if kind is not None:
            label_of_kind.setdefault(kind, label.name)
    known: dict[str, tuple[str, str]] = {}  # folded text -> (label, who): the annotator's own first
    for span_text, span_label, who in sorted(earlier, key=lambda e: e[2] != annotator):
        folded_span = folded_text(span_text)
        if folded_span and folded_span.count(" ") < _MAX_WORDS:
            known.setdefault(folded_span, (span_label, who))
    folded, origins = fold_text(text)
    words: list[tuple[int, int]] = []  # folded extents of the words
    i = 0
    for w in folded.split(" "):
        words.append((i, i + len(w)))
        i += len(w) + 1
    longest = max(index.longest_name + 1, _MAX_WORDS) if label_of_kind else _MAX_WORDS
    found: list[Suggestion] = []
    originals = [text[origins[a]:origins[b - 1] + 1] if b > a else "" for a, b in words]
    ends: dict[int, bool] = {}  # word index -> may a registry name end there (words repeat: asked once each)
    for n, (ws, _) in enumerate(words):
        registry_start = bool(label_of_kind) and index.may_start_name(originals[n])
        best: Suggestion | None = None  # the longest sequence from word n that is known
        keys: list[str] = []
        skel = ""
        for m in range(n + 1, min(len(words), n + longest) + 1):
            fe = words[m - 1][1]
            word_key, pieces = word_parts(originals[m - 1])  # the sequence's key and skeleton, grown a word
            if word_key:
                keys.append(word_key)
            skel = join_skeleton((skel, *pieces))
            hit = known.get(folded[ws:fe])
            if hit is not None:
                start, end = origins[ws], widen_end(text, origins[fe - 1] + 1)
                best = Suggestion(start, end, hit[0], f"annotation:{hit[1]}", text=text[start:end])
                continue
            if not registry_start or m - n > index.longest_name + 1 or not keys:
                continue
            if m - 1 not in ends:
                ends[m - 1] = index.may_end_name(originals[m - 1])
            if not ends[m - 1] or not index.knows(" ".join(keys), skel):
                continue
            start, end = origins[ws], widen_end(text, origins[fe - 1] + 1)
            if looks_like_name(text[start:end]):
                kind, matched = _best_kind(index, text[start:end], label_of_kind)
                if matched is not None and _trusted(text[start:end], matched):
                    best = Suggestion(start, end, label_of_kind[kind], "registry", entity=matched.entity_id,
                                      text=text[start:end])
        if best is not None:
            found.append(best)
    return found


def _best_kind(index: Any, mention: str, label_of_kind: dict[str, str]) -> tuple[str, Any]:
    """The kind (of those the schema links a label to) the mention resolves best to: an unambiguous
    match first, then the higher score, then the schema's label order."""
    best: tuple[tuple[bool, float, int], str, Any] | None = None
    for order, kind in enumerate(label_of_kind):
        matched = index.exact_matches(mention, kind=kind)
        if matched.best is None:
            continue
        rank = (matched.automatic, matched.best.score, -order)
        if best is None or rank > best[0]:
            best = (rank, kind, matched)
    return (best[1], best[2]) if best is not None else ("", None)


def _trusted(mention: str, matched: Any) -> bool:
    """Arabic script has no capitals to tell a name from a word: there only an exact alias counts, and a
    single word only when it names one entity and has the definite article where the alias has it
    ("مسيّرة", a drone, was suggested as the channel المسيرة, "أخبار", news, as the paper الأخبار). In
    Latin script a single word (a sentence's first word is capitalised too) counts only as an exact
    alias: "According" was suggested as the Iranian village Chahār Dangeh, whose consonants it shares; a
    longer name may be another transliteration."""
    single = " " not in folded_text(mention)  # marks (a shadda) folded away, not taken for word breaks
    if not has_arabic(mention):
        return matched.best.method == "exact" or not single
    if matched.best.method != "exact":
        return False
    if not single:
        return True
    return matched.entity_id is not None and has_arabic_article(mention) == has_arabic_article(matched.best.alias)


# function words that are also somebody's place name somewhere ("Of" in Turkey, "وان" Van): never a name
_ARABIC_FUNCTION_WORDS = frozenset(folded_text(
    "في من عن على إلى الى أن إن ان أي اي وأن وان بعد قبل عبر خلال مع هذا هذه التي الذي قد لا لم ما أو او ثم "
    "كان كانت قال وقال أحد احد كل بين حتى منذ عند لدى مدينة مصدر مصادر المصدر معبر نشرت عين "
    "حي الاثنين الثلاثاء الأربعاء الخميس الجمعة السبت الأحد").split())


def looks_like_name(mention: str) -> bool:
    """Whether running text could be a name here: in Latin script its first word after any article and its
    last word are capitalised; in Arabic script (no capitals) it neither starts nor ends with a function word."""
    words: list[str] = re.findall(r"[^\W_]+", mention)
    if not words:
        return False
    if has_arabic(mention):
        folded = folded_text(" ".join(words)).split()
        return folded[0] not in _ARABIC_FUNCTION_WORDS and folded[-1] not in _ARABIC_FUNCTION_WORDS
    while len(words) > 1 and not key(words[0] + " x").startswith(key(words[0])):
        if words[0].islower() and mention.lstrip()[len(words[0]):].startswith(" "):
            return False  # "an IRGC", "at al-Qaim": an English word, not the name's article (al-Qaim)
        words = words[1:]  # a leading article ("al-", "ez-")
    return words[0][0].isupper() and words[-1][0].isupper()


def accept_suggestions(ctx: ServiceContext, report_id: str, suggestions: Sequence[Suggestion], *, annotator: str,
                       expect_version: int | None = None) -> tuple[Annotated, Change]:
    """Accept suggestions (one, or every one of a label) as one edit: the spans with their values,
    entities and ``attrs["source"]``, in one transaction; (what was created, the set's Change). Undo:
    ``search.remove_in_report``; redo: ``search.restore_in_report``."""
    report = get_report(ctx, report_id)
    drafts = []
    for s in suggestions:
        draft = s.draft()
        drafts.append(draft.with_(**automatic_fields(ctx, report, draft)) if not (s.value or s.entity) else draft)
    versions = {report_id: expect_version} if expect_version is not None else None
    done = insert_spans(ctx, {report_id: drafts}, annotator, versions, skip_existing=True)
    return done, done.changes[0]


def reject_suggestion(ctx: ServiceContext, report_id: str, suggestion: Suggestion, *, annotator: str) -> None:
    """Remember that ``annotator`` rejected this suggestion on this report (committed)."""
    with ctx.uow() as uow:
        uow.repo.report_chars(report_id)
        uow.search.reject(report_id, annotator, suggestion.start, suggestion.end, suggestion.label, suggestion.source)
        uow.commit()


def unreject_suggestion(ctx: ServiceContext, report_id: str, suggestion: Suggestion, *, annotator: str) -> None:
    """Undo of a rejection: the suggestion is offered again."""
    with ctx.uow() as uow:
        uow.search.unreject(report_id, annotator, suggestion.start, suggestion.end, suggestion.label)
        uow.commit()
