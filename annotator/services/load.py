"""Loading annotations from corpus files in any readable format.

A file is stored in one transaction, written in batches as it is read: a bad file names file, line and
span, and the transaction is rolled back, so the database is left as it was; nothing is committed before
the whole file has been read and checked. Loading the same file again changes nothing (sets whose
content is already identical are not touched). The writes are set-based (``SetTransfer``): a few
multi-row statements per batch of documents, never a statement per span.

Labels and relation types the project schema lacks refuse the file, naming ``--add-labels``; with
``add_labels`` the schema is extended with them in the same transaction (``schema_additions`` lists
what a file would add, for the import dialog to show first). A file holding two sets for one (report,
annotator) is refused, never stored one over the other. Events are checked against the schema's events
section and replace the set's events.

A file's set replaces the stored set, but what the file cannot hold is not dropped with it: a kind the
incoming set carries none of (relations, events, span attributes, date values, entity links) is kept
from the stored set on every unchanged span, and what cannot be kept is named per set in one sentence
(``core.set_replacement``); the replaced set stays in the edit log. What the file removes from a stored set
(spans it omits, with their relations and events) is named per set with counts (``LoadResult.removed``),
and a load that removes or changes anything stored takes a rolling backup just before it commits
(``services.set_removals``). ``dry_run`` does everything but commit: what the import dialog shows first."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.core.annotation_set import Document
from annotator.core.errors import AnnotatorError, FormatError, InvalidValue, ValidationError, failure_detail
from annotator.core.events import Incident, event_to_dict
from annotator.core.ids import annotator_name
from annotator.core.progress import CancelToken, ProgressFn, no_progress
from annotator.core.read_ahead import ReadAhead
from annotator.core.relations import Relation
from annotator.core.schema import Schema, SchemaAdditions, schema_additions
from annotator.core.set_replacement import Removed, removed_by, replace_set
from annotator.core.spans import Span
from annotator.services.comments import merge_comments
from annotator.services.context import ServiceContext
from annotator.services.database import read_stored_schema
from annotator.services.formats import KnownReports, readable_format
from annotator.services.reports import get_report
from annotator.services.roles import check_owner_write
from annotator.services.set_removals import SetRemoval, backup_before_replacing, backup_sentence, set_removals
from annotator.services.workflow import check_writable_many
from annotator.store.mapping import relation_to_dict, span_to_dict
from annotator.store.set_transfer import SetWrite
from annotator.store.uow import UnitOfWork

BATCH = 500  # documents written per set of multi-row statements
RELATION_PREFIXES = ("relation:", "rel:")
LABEL_PREFIX = "label:"


@dataclass
class LoadResult:
    file: str
    format: str
    documents: int = 0
    reports_new: int = 0
    sets_changed: int = 0
    sets_unchanged: int = 0
    spans: int = 0
    relations: int = 0
    events: int = 0
    annotators: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    added: dict[str, Any] = field(default_factory=dict)  # schema additions made with add_labels
    removed: list[SetRemoval] = field(default_factory=list)  # per replaced set that loses something
    backup: str | None = None  # the backup taken before a load that removes or changes stored annotations
    dry_run: bool = False  # nothing was committed: what the load would do

    def removal_sentences(self) -> list[str]:
        """One sentence per set the file removes something from."""
        return [r.sentence(f"the {self.format} file") for r in self.removed]

    def backup_sentence(self) -> str | None:
        return backup_sentence(Path(self.backup)) if self.backup else None

    def to_json(self) -> dict[str, Any]:
        out = dict(self.__dict__)
        out["removed"] = [r.to_json() for r in self.removed]
        return out


def parse_label_map(text: str | None) -> dict[str, str]:
    """``"PER=actor,LOC=place,relation:LocatedIn=place"`` → mapping; a clear error for anything else.

    A plain ``OLD=NEW`` renames a span label (``label:OLD=NEW`` says so explicitly); ``relation:OLD=NEW``
    (or ``rel:``) renames a relation type. Span labels and relation types are kept apart because a
    schema may use one name for both (the default has a label and a relation type ``place``)."""
    mapping: dict[str, str] = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        old, sep, new = part.partition("=")
        old = old.strip()
        bare = old.removeprefix(LABEL_PREFIX)
        for prefix in RELATION_PREFIXES:
            bare = bare.removeprefix(prefix)
        if not sep or not bare.strip() or not new.strip():
            raise InvalidValue(f"--label-map entry '{part}' is not OLD=NEW (or relation:OLD=NEW)")
        old = RELATION_PREFIXES[0] + bare.strip() if old.startswith(RELATION_PREFIXES) else bare.strip()
        mapping[old] = new.strip()
    return mapping


def _split_map(label_map: Mapping[str, str] | None) -> tuple[dict[str, str], dict[str, str]]:
    spans: dict[str, str] = {}
    relations: dict[str, str] = {}
    for old, new in (label_map or {}).items():
        for prefix in RELATION_PREFIXES:
            if old.startswith(prefix):
                relations[old[len(prefix):]] = new
                break
        else:
            spans[old.removeprefix(LABEL_PREFIX)] = new
    return spans, relations


def read_documents(ctx: ServiceContext, path: Path, fmt_name: str, options: dict[str, Any]) -> Iterator[Document]:
    """The documents of the file as they are read; any problem is one ``FormatError`` naming the file."""
    fmt = readable_format(fmt_name)
    if not Path(path).exists():
        raise FormatError(path, None, "does not exist")
    try:
        yield from fmt.read(Path(path), options=options)
    except AnnotatorError:
        raise
    except MemoryError:
        raise FormatError(path, None, "is too large to read with the memory this computer has") from None
    except Exception as exc:  # noqa: BLE001 - whatever a parser raises is this file's problem, in one sentence
        raise FormatError(path, None, f"is not a valid {fmt_name} file ({failure_detail(exc)})") from None


def _reader_options(ctx: ServiceContext, fmt_name: str, options: dict[str, Any] | None,
                    schema: Schema | None, label_map: Mapping[str, str] | None = None) -> dict[str, Any]:
    opts = dict(options or {})
    fmt = readable_format(fmt_name)
    if opts.get("report"):
        known = get_report(ctx, opts.pop("report"))
        # CoNLL tries the named report first and still matches the file's other documents to the stored
        # reports (naming one switched matching off: the second document was rebuilt as a new report)
        opts["reports"] = [known, *KnownReports(ctx)] if fmt.NAME == "conll" else {known.id: known}
    elif not fmt.CARRIES_TEXT or fmt.NAME == "conll":
        opts["reports"] = KnownReports(ctx)  # match stored texts instead of inventing new reports
    if schema is not None:  # what a reader may carry of what a file only implies (brat event roles)
        span_map, rel_map = _split_map(label_map)

        def relation_allowed(rel: str, head: str, tail: str) -> bool:
            return schema.allows(rel_map.get(rel, rel), span_map.get(head, head), span_map.get(tail, tail))

        opts["relation_allowed"] = relation_allowed
    return opts


def schema_additions_of_file(ctx: ServiceContext, path: Path | str, fmt_name: str, *,
                             label_map: Mapping[str, str] | None = None,
                             options: dict[str, Any] | None = None) -> SchemaAdditions:
    """The labels and relation types loading this file with ``add_labels`` would add to the project
    schema (and the relation types it would widen), without storing anything: what the import dialog
    shows before the user agrees."""
    path = Path(path)
    span_map, rel_map = _split_map(label_map)
    labels: list[str] = []
    uses: list[tuple[str, str, str]] = []
    for doc in read_documents(ctx, path, fmt_name, _reader_options(ctx, fmt_name, options, None)):
        doc = _mapped(doc, span_map, rel_map)
        labels.extend(s.label for s in doc.spans)
        uses.extend(_relation_uses(doc))
    return schema_additions(ctx.schema, labels, uses)


def load_annotations(ctx: ServiceContext, path: Path | str, fmt_name: str, *, annotator: str | None = None,
                     label_map: Mapping[str, str] | None = None, options: dict[str, Any] | None = None,
                     add_labels: bool = False, progress: ProgressFn = no_progress,
                     cancel: CancelToken | None = None, dry_run: bool = False,
                     dry_run_if_removing: bool = False) -> LoadResult:
    """Store the annotations of ``path`` (format ``fmt_name``) in one transaction.

    ``annotator`` overrides the annotator the file names; ``label_map`` renames labels and relation
    types (``parse_label_map``); ``add_labels`` extends the schema with the labels and relation types
    the file uses instead of refusing it. With ``dry_run`` the load runs and is checked as it would be,
    then rolled back (no backup either): its result says what it would store and remove.
    ``dry_run_if_removing`` commits a load that removes nothing stored and is a dry run of one that would
    (``result.dry_run`` says which): the import dialog's first pass, which asks before removing, without
    reading an ordinary file twice."""
    path = Path(path)
    result = LoadResult(str(path), fmt_name, dry_run=dry_run)
    replaces = False  # whether anything stored is removed or changed: then a backup comes first
    span_map, rel_map = _split_map(label_map)
    predictions_as = str((options or {})["predictions_as"]) if (options or {}).get("predictions_as") else None
    with ctx.uow() as uow:
        schema = (read_stored_schema(uow) or ctx.schema) if add_labels else ctx.schema
        start = schema
        batch: list[tuple[Document, str]] = []
        seen: dict[tuple[str, str], int] = {}  # (report, annotator) -> the document that gave that set
        numbered: set[str] = set()  # annotators the file names by a number only (said once each)
        # the next batch is read while the database stores this one (``ReadAhead``)
        with ReadAhead(read_documents(ctx, path, fmt_name, _reader_options(
                ctx, fmt_name, options, None if add_labels else schema, label_map)), BATCH) as docs:
            for index, doc in enumerate(docs):
                if cancel is not None:
                    cancel.check()  # nothing is committed: the whole file or nothing
                doc = _mapped(doc, span_map, rel_map)
                if add_labels:
                    added = schema_additions(schema, [s.label for s in doc.spans], _relation_uses(doc))
                    if added:
                        schema = _extended(path, schema, added)
                # --annotator names people's sets; model predictions keep their --predictions-as name
                override = None if predictions_as is not None and doc.annotator == predictions_as else annotator
                prepared = _prepare(schema, path, index, doc, override)
                _refuse_two_sets_for_one(path, seen, index, prepared, override)
                result.warnings.extend(prepared[0].warnings)
                if override is None and prepared[1].isdecimal() and prepared[1] not in numbered:
                    numbered.add(prepared[1])
                    result.warnings.append(_numbered_annotator(index, prepared[1], predictions_as))
                if len(batch) >= BATCH:
                    replaces |= _store(uow, batch, path, fmt_name, result, docs.overlap)
                    batch = []
                    progress(index, None, doc.report.title)
                batch.append(prepared)
                result.documents += 1
        if result.documents == 0:  # garbage, another format or an empty file: not a success with "0 documents"
            raise FormatError(path, None, f"holds no document a {fmt_name} reader can load (an empty file, another "
                                          "format, or only entries that are not annotations); check the file and "
                                          "--format")
        replaces |= _store(uow, batch, path, fmt_name, result)
        if schema != start:
            schema = _store_schema(uow, path, start, schema)
            result.added = start.additions_in(schema).to_json()
        if cancel is not None:
            cancel.check()
        if dry_run or (dry_run_if_removing and result.removed):
            result.dry_run = True
            return result  # the unit of work rolls back
        if replaces:
            made = backup_before_replacing(ctx, "before-load")
            result.backup = str(made.path) if made is not None else None
        uow.commit()
    if schema != ctx.schema:
        ctx.schema = schema
    progress(result.documents, result.documents, "")
    return result


def _mapped(doc: Document, span_map: Mapping[str, str], rel_map: Mapping[str, str]) -> Document:
    if not span_map and not rel_map:
        return doc
    spans = tuple(s.with_(label=span_map.get(s.label, s.label)) for s in doc.spans)
    relations = tuple(Relation(r.id, r.head, r.tail, rel_map.get(r.label, r.label), r.attrs)
                      for r in doc.relations)
    return Document(doc.report, doc.annotator, spans, relations, doc.warnings, doc.events, doc.incidents,
                    doc.comments)


def _relation_uses(doc: Document) -> list[tuple[str, str, str]]:
    """(relation type, head label, tail label) of every relation whose ends are in the document."""
    labels = {s.id: s.label for s in doc.spans}
    return [(r.label, labels[r.head], labels[r.tail]) for r in doc.relations
            if r.head in labels and r.tail in labels]


def _extended(path: Path, schema: Schema, added: SchemaAdditions) -> Schema:
    try:
        return schema.extended(added)
    except ValidationError as exc:
        raise FormatError(path, None, f"cannot add to the schema: {exc}; rename with --label-map OLD=NEW") \
            from None


def _store_schema(uow: UnitOfWork, path: Path, start: Schema, schema: Schema) -> Schema:
    """Store the extended schema. When another load extended the stored one meanwhile (PostgreSQL;
    SQLite serialises writers), ours is added to theirs instead of overwriting it: the row is made to
    exist (a concurrent insert wins), then locked, so a concurrent extension is waited for and read."""
    uow.settings.add_once("schema", start.to_dict())
    latest = read_stored_schema(uow, lock=True) or start
    if latest != start:
        uses = [(r.name, h, t) for r in schema.relations for h in r.heads for t in r.tails]
        schema = _extended(path, latest, schema_additions(latest, schema.label_names, uses))
    uow.settings.put("schema", schema.to_dict())
    return schema


def _prepare(schema: Schema, path: Path, index: int, doc: Document, annotator: str | None
             ) -> tuple[Document, str]:
    where = f"document {index + 1}"
    who_raw = annotator or doc.annotator
    if not who_raw:
        raise FormatError(path, None, f"{where} names no annotator; give one with --annotator")
    try:
        who = annotator_name(who_raw)
    except ValidationError as exc:
        raise FormatError(path, None, f"{where}: {exc}") from None
    unknown = sorted({s.label for s in doc.spans} - set(schema.label_names))
    if unknown:
        raise FormatError(path, None, f"unknown labels {', '.join(unknown)} (schema labels: "
                                      f"{', '.join(schema.label_names)}); map them with --label-map OLD=NEW "
                                      f"or add them to the schema with --add-labels{_IN_THE_WINDOW}")
    known_types = {r.name for r in schema.relations}
    unknown = sorted({r.label for r in doc.relations} - known_types)
    if unknown:
        raise FormatError(path, None, f"unknown relation types {', '.join(unknown)} (schema relation types: "
                                      f"{', '.join(sorted(known_types)) or 'none'}); map them with --label-map "
                                      f"relation:OLD=NEW or add them to the schema with --add-labels{_IN_THE_WINDOW}")
    warnings = list(doc.warnings)
    for s in doc.spans:  # other tools' attribute values are kept, with a warning
        problem = schema.attribute_problem(s) if s.attrs else None
        if problem:
            warnings.append(f"{where} span {s.id}: {problem}; kept as given")
    comments = tuple(c.with_(anchor_set=who) if c.anchor_set == doc.annotator else c for c in doc.comments)
    doc = Document(doc.report, who, doc.spans, doc.relations, tuple(warnings), doc.events, doc.incidents, comments)
    try:  # offsets, endpoints and what can be stored were checked by the reader (``Format.read``)
        lookup = {s.id: s for s in doc.spans}
        for r in doc.relations:
            schema.check_relation_ends(r, lookup)
        if doc.events and schema.events is None:
            raise ValidationError(f"it has events but schema '{schema.name}' defines no event types")
        for e in doc.events:
            schema.events.check_event(e, lookup)  # type: ignore[union-attr]
    except ValidationError as exc:
        raise FormatError(path, None, f"{where} ({doc.report.title or doc.report.id[:12]}): {exc}") from None
    return doc, who


# the same sentence serves the window's import, whose fields are named after the options
_IN_THE_WINDOW = " ('Label map' and 'Add the labels…' when importing in the window)"


def _numbered_annotator(index: int, name: str, predictions_as: str | None) -> str:
    """The warning for a set named by a number only: another tool's user id (Label Studio's
    ``completed_by: 1``) is not a person's name, and silently creating annotator "1" hid that."""
    keep = f" (with --predictions-as {predictions_as} the predictions keep that name)" if predictions_as else ""
    return (f"document {index + 1} names its annotator by the number {name} only (the user id of the tool that "
            f"wrote it), so its set is stored as annotator '{name}'; to store it under a person's name, load the "
            f"file with --annotator NAME ('As annotator' when importing in the window){keep}")


def _refuse_two_sets_for_one(path: Path, seen: dict[tuple[str, str], int], index: int,
                             prepared: tuple[Document, str], override: str | None) -> None:
    """One (report, annotator) set per file: a second would overwrite the first inside the load."""
    doc, who = prepared
    first = seen.setdefault((doc.report.id, who), index)
    if first != index:
        why = (f"--annotator {override} gives every set in the file to one annotator; load it without "
               "--annotator") if override else "split the file or give each set its own annotator"
        raise FormatError(path, None, f"documents {first + 1} and {index + 1} are both {who}'s set for report "
                                      f"{doc.report.id[:12]}… ({why})")


def _store(uow: UnitOfWork, batch: list[tuple[Document, str]], path: Path, fmt_name: str,
           result: LoadResult, overlap: Callable[[], AbstractContextManager[None]] = nullcontext) -> bool:
    """Store one batch of checked documents: new reports and incidents, then each annotator's sets,
    set-based; ``overlap`` is entered around the long steps of the sets' writes (``ReadAhead.overlap``).
    True when a stored set loses or changes anything (the load then takes a backup first)."""
    replaces = False
    if not batch:
        return replaces
    report_ids = list(dict.fromkeys(doc.report.id for doc, _who in batch))
    existing = uow.transfer.existing_reports(report_ids)
    new = {doc.report.id: doc.report for doc, _who in batch if doc.report.id not in existing}
    result.reports_new += uow.transfer.add_reports(new.values(), origin=str(path))
    _store_incidents(uow, [i for doc, _who in batch for i in doc.incidents])
    for doc, _who in batch:
        try:
            merge_comments(uow, doc.comments)  # threads travel by id: a known one takes the copy changed last
        except ValidationError as exc:
            raise FormatError(path, None, f"{doc.report.title or doc.report.id[:12]}: {exc}") from None
    by_annotator: dict[str, list[Document]] = {}
    for doc, who in batch:
        by_annotator.setdefault(who, []).append(doc)
    for who, docs in by_annotator.items():
        if uow.workflow.role_of(who) is None:  # a name new here: every document is a write, the row one too
            check_owner_write(uow, who, others_too=True)  # (refused before the server sees the row, if it must be)
        annotator_id = uow.repo.annotator_row(who).id
        current = uow.transfer.set_versions(annotator_id, [d.report.id for d in docs])
        stored = uow.transfer.contents([sid for sid, _v in current.values()])
        writes: list[SetWrite] = []
        removals: list[tuple[str, str, Removed]] = []
        for doc in docs:
            set_id, version = current.get(doc.report.id, (None, 0))
            spans, relations, events = stored[set_id] if set_id is not None else ((), (), ())
            # what the file cannot hold is kept from the set it replaces (``core.set_replacement``)
            replacement = replace_set(doc, spans, relations, events)
            doc = replacement.document
            if set_id is not None and _same(spans, doc.spans) and _same_rel(relations, doc.relations) \
                    and list(events) == list(doc.events):
                result.sets_unchanged += 1
                continue
            said = replacement.sentence(doc.report.title or doc.report.id[:12], who, fmt_name)
            if said:
                result.warnings.append(said)
            if set_id is not None:
                removed = removed_by(spans, relations, events, doc.spans, doc.relations, doc.events)
                replaces |= removed.touches_stored
                removals.append((doc.report.id, doc.report.title, removed))
            # the edit log keeps what a load replaced (so it can be recovered) and names the file that
            # replaced it; the new content is the set itself, not copied into the log a second time
            before = {"spans": [span_to_dict(s) for s in spans],
                      "relations": [relation_to_dict(r) for r in relations],
                      "events": [event_to_dict(e) for e in events]} if set_id is not None else None
            after = {"format": fmt_name, "file": path.name, "spans": len(doc.spans), "relations": len(doc.relations),
                     "events": len(doc.events)}
            writes.append(SetWrite(doc.report.id, doc.spans, doc.relations, version + 1, before, after, set_id,
                                   doc.events))
            result.sets_changed += 1
            result.spans += len(doc.spans)
            result.relations += len(doc.relations)
            result.events += len(doc.events)
            if who not in result.annotators:
                result.annotators.append(who)
        if writes:
            check_owner_write(uow, who, others_too=True)  # a supervisor loads anyone's set; an annotator their own
            check_writable_many(uow, [w.report_id for w in writes], who)
        result.removed += set_removals(uow, who, removals)  # before the writes: comments are read as they are
        uow.transfer.write_sets(who, annotator_id, writes, op="load", target=path.name[:64], while_waiting=overlap)
    return replaces


def _store_incidents(uow: UnitOfWork, incidents: list[Incident]) -> None:
    """The incidents a batch's events name: a title known here is kept; a new incident is added (before
    its events, which would otherwise create it untitled)."""
    named: dict[str, Incident] = {}
    for incident in incidents:
        named.setdefault(incident.id, incident)
    if named:
        known = uow.events.incidents(named)
        for incident in named.values():
            if incident.id not in known:
                uow.events.save_incident(incident)


def _same(a: Iterable[Span], b: Iterable[Span]) -> bool:
    key = lambda s: (s.id, s.start, s.end, s.label, sorted(s.attrs.items()), s.value, s.entity)  # noqa: E731
    return sorted(map(key, a), key=str) == sorted(map(key, b), key=str)


def _same_rel(a: Iterable[Relation], b: Iterable[Relation]) -> bool:
    key = lambda r: (r.id, r.head, r.tail, r.label, sorted(r.attrs.items()))  # noqa: E731
    return sorted(map(key, a), key=str) == sorted(map(key, b), key=str)
