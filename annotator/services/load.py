"""Loading annotations from corpus files in any readable format.

All of a file is read and checked before anything is stored, and the file is stored in one
transaction: a bad file names file, line and span and leaves the database as it was. Loading the
same file again changes nothing (sets whose content is already identical are not touched)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from annotator.core.annotation_set import Document
from annotator.core.errors import AnnotatorError, FormatError, ValidationError
from annotator.core.events import event_to_dict
from annotator.core.ids import annotator_name
from annotator.core.progress import CancelToken, ProgressFn, no_progress
from annotator.core.relations import Relation
from annotator.core.spans import Span
from annotator.services.comments import merge_comments
from annotator.services.context import ServiceContext
from annotator.services.roles import check_owner_write
from annotator.services.workflow import check_writable
from annotator.services.formats import readable_format
from annotator.store.mapping import relation_to_dict, span_to_dict


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

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def parse_label_map(text: str | None) -> dict[str, str]:
    """``"PER=actor,LOC=place"`` → mapping; a clear error for anything else."""
    mapping: dict[str, str] = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        old, sep, new = part.partition("=")
        if not sep or not old.strip() or not new.strip():
            raise ValidationError(f"--label-map entry '{part}' is not OLD=NEW")
        mapping[old.strip()] = new.strip()
    return mapping


def read_documents(ctx: ServiceContext, path: Path, fmt_name: str, options: dict[str, Any]) -> list[Document]:
    """Read every document of the file (raising on the first problem)."""
    fmt = readable_format(fmt_name)
    if not Path(path).exists():
        raise FormatError(path, None, "does not exist")
    try:
        return list(fmt.read(Path(path), options=options))
    except AnnotatorError:
        raise
    except (UnicodeDecodeError, ValueError, KeyError, TypeError, IndexError) as exc:
        raise FormatError(path, None, f"is not a valid {fmt_name} file ({type(exc).__name__}: {exc})") from None


def load_annotations(ctx: ServiceContext, path: Path | str, fmt_name: str, *, annotator: str | None = None,
                     label_map: dict[str, str] | None = None, options: dict[str, Any] | None = None,
                     progress: ProgressFn = no_progress, cancel: CancelToken | None = None) -> LoadResult:
    path = Path(path)
    opts = dict(options or {})
    fmt = readable_format(fmt_name)
    if opts.get("report"):
        from annotator.services.reports import get_report

        known = get_report(ctx, opts.pop("report"))
        opts["reports"] = {known.id: known}
    elif not fmt.CARRIES_TEXT or fmt.NAME == "conll":
        from annotator.services.formats import KnownReports

        opts["reports"] = KnownReports(ctx)  # match stored texts instead of inventing new reports
    docs = read_documents(ctx, path, fmt_name, opts)
    if cancel is not None:
        cancel.check()
    label_map = label_map or {}
    prepared = [_prepare(ctx, path, i, doc, annotator, label_map) for i, doc in enumerate(docs)]
    result = LoadResult(str(path), fmt_name, documents=len(prepared))
    for doc, _who in prepared:
        result.warnings.extend(doc.warnings)
    with ctx.uow() as uow:
        for i, (doc, who) in enumerate(prepared):
            if cancel is not None:
                cancel.check()  # nothing is committed: the whole file or nothing
            progress(i, len(prepared), doc.report.title)
            if not uow.repo.has_report(doc.report.id):
                uow.repo.add_report(doc.report, origin=str(path))
                result.reports_new += 1
            check_owner_write(uow, who, others_too=True)  # a supervisor loads anyone's set; an annotator their own
            row = uow.repo.set_row(doc.report.id, who, create=True, lock=True)
            assert row is not None
            current = uow.repo.set_from_row(row, who)
            for incident in doc.incidents:  # a title known here is kept; a new incident is added
                if incident.id not in uow.events.incidents([incident.id]):
                    uow.events.save_incident(incident)
            merge_comments(uow, doc.comments)  # threads travel by id: a known one takes the copy changed last
            if _same(current.spans, doc.spans) and _same_rel(current.relations, doc.relations) \
                    and list(current.events) == list(doc.events):
                result.sets_unchanged += 1
                continue
            if current.events and not doc.events:
                result.warnings.append(f"{doc.report.title or doc.report.id[:12]}: {who}'s {len(current.events)} "
                                       f"event(s) were removed with the spans they named ({fmt_name} holds no events)")
            before = {"spans": [span_to_dict(s) for s in current.spans],
                      "relations": [relation_to_dict(r) for r in current.relations],
                      "events": [event_to_dict(e) for e in current.events]}
            check_writable(uow, doc.report.id, who, row.annotator_id)
            uow.repo.replace_set_contents(row, doc.spans, doc.relations, doc.events)
            uow.repo.log_edit(row, who, "load", path.name, before,
                              {"spans": [span_to_dict(s) for s in doc.spans],
                               "relations": [relation_to_dict(r) for r in doc.relations],
                               "events": [event_to_dict(e) for e in doc.events],
                               "format": fmt_name})
            result.sets_changed += 1
            result.spans += len(doc.spans)
            result.relations += len(doc.relations)
            result.events += len(doc.events)
            if who not in result.annotators:
                result.annotators.append(who)
        uow.commit()
    progress(len(prepared), len(prepared), "")
    return result


def _prepare(ctx: ServiceContext, path: Path, index: int, doc: Document, annotator: str | None,
             label_map: dict[str, str]) -> tuple[Document, str]:
    where = f"document {index + 1}"
    who_raw = annotator or doc.annotator
    if not who_raw:
        raise FormatError(path, None, f"{where} names no annotator; give one with --annotator")
    try:
        who = annotator_name(who_raw)
    except ValidationError as exc:
        raise FormatError(path, None, f"{where}: {exc}") from None
    spans = tuple(s.with_(label=label_map.get(s.label, s.label)) for s in doc.spans)
    unknown = sorted({s.label for s in spans} - set(ctx.schema.label_names))
    if unknown:
        raise FormatError(path, None, f"unknown labels {', '.join(unknown)} (schema labels: "
                                      f"{', '.join(ctx.schema.label_names)}); map them with --label-map OLD=NEW")
    warnings = list(doc.warnings)
    for s in spans:  # other tools' attribute values are kept, with a warning
        problem = ctx.schema.attribute_problem(s)
        if problem:
            warnings.append(f"{where} span {s.id}: {problem}; kept as given")
    comments = tuple(c.with_(anchor_set=who) if c.anchor_set == doc.annotator else c for c in doc.comments)
    doc = Document(doc.report, who, spans, doc.relations, tuple(warnings), doc.events, doc.incidents, comments)
    try:
        doc.validate()
        lookup = {s.id: s for s in spans}
        for r in doc.relations:
            ctx.schema.check_relation(r, lookup)
        if doc.events and ctx.schema.events is None:
            raise ValidationError(f"it has events but schema '{ctx.schema.name}' defines no event types")
        for e in doc.events:
            ctx.schema.events.check_event(e, lookup)  # type: ignore[union-attr]
    except ValidationError as exc:
        raise FormatError(path, None, f"{where} ({doc.report.title or doc.report.id[:12]}): {exc}") from None
    return doc, who


def _same(a: Iterable[Span], b: Iterable[Span]) -> bool:
    key = lambda s: (s.id, s.start, s.end, s.label, sorted(s.attrs.items()), s.value, s.entity)  # noqa: E731
    return sorted(map(key, a), key=str) == sorted(map(key, b), key=str)


def _same_rel(a: Iterable[Relation], b: Iterable[Relation]) -> bool:
    key = lambda r: (r.id, r.head, r.tail, r.label, sorted(r.attrs.items()))  # noqa: E731
    return sorted(map(key, a), key=str) == sorted(map(key, b), key=str)

