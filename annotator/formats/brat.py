"""brat standoff (formats.md §5): ``DOC.txt`` + ``DOC.ann`` + ``annotation.conf``.

Offsets are code points of the ``.txt`` with ``\\r`` counted, so the text is read and written as
bytes-exact UTF-8 with no newline translation. The ``.ann`` is line based: a span crossing a line
break is written as fragments (as brat's UI does), and a discontinuous span read from brat becomes
its covering span with ``attrs["brat_fragments"]`` so the writer can restore it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from annotator.core.annotation_set import Document
from annotator.core.progress import CancelToken, ProgressFn, no_progress
from annotator.core.relations import Relation
from annotator.core.spans import Span
from annotator.core.tokenize import LINE_BREAKS
from annotator.formats.base import (
    Options,
    ReadContext,
    WriteSummary,
    atomic_dir,
    check_cancel,
    make_report,
    safe_name,
    strip_bom,
)
from annotator.formats.relocate import relocate

FRAGMENTS = "brat_fragments"
EVENT = "brat_event"  # on a relation carried from an event role: the event's id (the writer restores the E line)
_SPAN_FIELDS = {"Value": "value", "Resolution": "resolution"}  # valued A lines mapped to Span fields
_ENTITY_PREFIX = "annotator:"


def cap(name: str) -> str:
    return name[:1].upper() + name[1:]


def uncap(name: str) -> str:
    return name[:1].lower() + name[1:]


def _fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The pieces of ``[start, end)`` between line breaks (brat's UI splits a selection so)."""
    out, i = [], start
    while i < end:
        while i < end and text[i] in LINE_BREAKS:
            i += 1
        j = i
        while j < end and text[j] not in LINE_BREAKS:
            j += 1
        if j > i:
            out.append((i, j))
        i = j
    return out


class BratFormat:
    NAME = "brat"
    EXTENSIONS = (".ann", "")
    CAN_READ = True
    CAN_WRITE = True
    EXTRA = None
    CARRIES_TEXT = True
    NESTING = ("any overlap (annotation.conf allows <OVERLAP> ANY); spans crossing line breaks become "
               "fragments; a folder per annotator")

    def sniff(self, head: bytes) -> int:
        first = head.split(b"\n", 1)[0]
        return 70 if first[:1] == b"T" and first.count(b"\t") == 2 else 0

    # -- reading ---------------------------------------------------------------------------------
    def read(self, path: Path, *, options: Options | None = None) -> Iterator[Document]:
        path = Path(path)
        if path.is_dir():
            anns = sorted(path.rglob("*.ann"))
            for ann in anns:
                rel = ann.parent.relative_to(path)
                annotator = rel.parts[0] if rel.parts else None
                yield self._read_pair(ann, annotator, options, ann.relative_to(path).as_posix())
        else:
            yield self._read_pair(path.with_suffix(".ann"), None, options, path.with_suffix(".ann").name)

    def _read_pair(self, ann: Path, annotator: str | None, options: Options | None, name: str) -> Document:
        """One ``.txt``/``.ann`` pair; its warnings start with ``name`` (the ``.ann`` as the folder holds
        it), since a folder load gives one list of warnings for all its files."""
        ctx = ReadContext(ann, options)
        txt = ann.with_suffix(".txt")
        try:
            text = strip_bom(txt.read_bytes().decode("utf-8"))
            content = ann.read_bytes().decode("utf-8") if ann.exists() else ""
        except (OSError, UnicodeDecodeError) as exc:
            raise ctx.error(None, f"cannot read {txt.name} or {ann.name} as UTF-8 ({exc})") from None
        spans: dict[str, Span] = {}
        relations: dict[str, Relation] = {}
        warnings: list[str] = []
        deferred: list[tuple[int, list[str]]] = []
        events: dict[str, tuple[int, list[tuple[str, str]]]] = {}  # id -> (line, [(type, trigger), (role, arg)…])
        equivalences = 0
        for number, raw in enumerate(strip_bom(content).split("\n"), 1):
            line = raw[:-1] if raw.endswith("\r") else raw
            if not line.strip():
                continue
            fields = line.split("\t")
            kind = line[:1]
            if kind == "T":
                if len(fields) < 2:
                    raise ctx.error(number, f"text-bound annotation {fields[0]} has no type and offsets")
                if fields[0] in spans:  # a second T1 silently replaced the first
                    raise ctx.error(number, f"span id {fields[0]} is used twice")
                spans[fields[0]] = self._text_bound(ctx, number, text, fields, warnings)
            elif kind == "R":
                if fields[0] in relations:
                    raise ctx.error(number, f"relation id {fields[0]} is used twice")
                parts = fields[1].split(" ") if len(fields) > 1 else []
                args = dict(p.split(":", 1) for p in parts[1:] if ":" in p)
                if len(parts) != 3 or "Arg1" not in args or "Arg2" not in args:
                    raise ctx.error(number, f"relation {fields[0]} is not 'TYPE Arg1:ID Arg2:ID'")
                relations[fields[0]] = Relation(fields[0], args["Arg1"], args["Arg2"], uncap(parts[0]))
            elif kind in "AM#N":
                deferred.append((number, fields))
            elif kind == "E":
                events[fields[0]] = (number, _event_arguments(ctx, number, fields))
            elif kind == "*":
                equivalences += 1
            else:
                raise ctx.error(number, f"'{line[:20]}' is not a brat annotation line")
        triggers = {eid: args[0][1] for eid, (_n, args) in events.items()}
        for eid, (number, event_args) in events.items():
            if event_args[0][1] not in spans:
                raise ctx.error(number, f"event {eid} names trigger {event_args[0][1]}, which is not in the file")
        for rid, rel in relations.items():  # a relation may link events: it links their triggers
            relations[rid] = Relation(rel.id, triggers.get(rel.head, rel.head), triggers.get(rel.tail, rel.tail),
                                      rel.label, rel.attrs)
        relations.update(_event_roles(ctx, events, triggers, spans, warnings))
        for number, fields in deferred:
            self._modifier(ctx, number, fields, spans, relations, warnings, triggers)
        if equivalences:
            warnings.append(f"{equivalences} equivalence line(s) (*) not carried: annotator has no equivalence sets")
        doc = Document(make_report(text), ctx.annotator(annotator), tuple(spans.values()),
                       tuple(relations.values()), tuple(f"{name}: {w}" for w in warnings))
        return ctx.finish(doc, None)

    def _text_bound(self, ctx: ReadContext, number: int, text: str, fields: list[str],
                    warnings: list[str]) -> Span:
        sid = fields[0]
        try:
            label, offsets = fields[1].split(" ", 1)
            frags = [tuple(int(x) for x in piece.split(" ")) for piece in offsets.split(";")]
        except ValueError:
            raise ctx.error(number, f"span {sid}: '{fields[1]}' is not 'TYPE START END[;START END]'") from None
        if any(len(frag) != 2 for frag in frags):
            raise ctx.error(number, f"span {sid}: '{fields[1]}' is not 'TYPE START END[;START END]'")
        # the text column is the rest of the line: a TAB inside the span's text is part of it
        recorded = "\t".join(fields[2:]) if len(fields) > 2 else None
        inside = all(0 <= a <= b <= len(text) for a, b in frags)
        covered = " ".join(text[a:b] for a, b in frags) if inside else None
        if recorded and covered is not None and covered.split() == recorded.split():
            recorded = covered  # the same words, spaced otherwise (a tool's line breaks or tabs): not moved
        if recorded and covered != recorded and len(frags) == 1:
            found = relocate(text, frags[0][0], frags[0][1], recorded)
            if found is not None:  # brat's UI counts UTF-16 units after an emoji (brat issue #1115)
                warnings.append(f"line {number}: span {sid} records {recorded!r} but its offsets "
                                f"{frags[0][0]}-{frags[0][1]} cover {covered!r}; corrected to {found[0]}-{found[1]} "
                                f"by {found[2]} (brat's UI shifts offsets after emoji, brat issue #1115)")
                frags, covered, inside = [(found[0], found[1])], recorded, True
        if not inside:
            bad = next(f for f in frags if not 0 <= f[0] <= f[1] <= len(text))
            raise ctx.error(number, f"span {sid}: fragment {bad} is outside the text (0..{len(text)})")
        if recorded is not None and recorded != covered:
            why = "that text is not found" if len(frags) == 1 else "a discontinuous span is not searched for"
            warnings.append(f"line {number}: span {sid} records {recorded!r} but its offsets cover "
                            f"{covered!r}, and {why}: kept at its offsets")
        start, end = frags[0][0], frags[-1][1]
        attrs: dict[str, Any] = {}
        gaps = [text[frags[k][1]:frags[k + 1][0]] for k in range(len(frags) - 1)]
        if any(g.strip() for g in gaps):
            attrs[FRAGMENTS] = offsets
            warnings.append(f"line {number}: discontinuous span {sid} ({offsets}) imported as its "
                            f"covering span {start}-{end}")
        return Span(sid, start, end, ctx.label(label), attrs)

    def _modifier(self, ctx: ReadContext, number: int, fields: list[str], spans: dict[str, Span],
                  relations: dict[str, Relation], warnings: list[str], triggers: dict[str, str]) -> None:
        parts = fields[1].split(" ") if len(fields) > 1 else []
        if len(parts) < 2:
            raise ctx.error(number, f"annotation {fields[0]} names no target")
        kind, name, target = fields[0][:1], parts[0], parts[1]
        target = triggers.get(target, target)  # an event's attributes and notes go to its trigger span
        owner: Span | Relation | None = spans.get(target) or relations.get(target)
        if owner is None:
            raise ctx.error(number, f"annotation {fields[0]} names {target}, which is not in the file")
        if kind == "#":
            if name != "AnnotatorNotes":
                warnings.append(f"line {number}: note type {name} skipped")
                return
            owner.attrs["note"] = "\t".join(fields[2:])
        elif kind == "N":
            if name != "Reference" or len(parts) < 3 or not isinstance(owner, Span):
                warnings.append(f"line {number}: normalization {fields[0]} skipped")
                return
            ref = parts[2]
            entity = ref[len(_ENTITY_PREFIX):] if ref.startswith(_ENTITY_PREFIX) else ref
            spans[target] = owner.with_(entity=entity)
        else:  # A / M attribute: binary (flag) or valued
            value: Any = " ".join(parts[2:]) if len(parts) > 2 else True
            if isinstance(owner, Span) and name in _SPAN_FIELDS:
                spans[target] = owner.with_(**{_SPAN_FIELDS[name]: str(value)})
            else:
                owner.attrs[uncap(name)] = value

    # -- writing ---------------------------------------------------------------------------------
    def write(self, documents: Iterable[Document], path: Path, *, options: Options | None = None,
              progress: ProgressFn = no_progress, cancel: CancelToken | None = None) -> WriteSummary:
        summary = WriteSummary(self.NAME, str(path))
        conf: dict[str, Any] = {"entities": set(), "relations": {}, "attributes": {}, "events": {}}
        used: set[Path] = set()
        with atomic_dir(Path(path)) as tmp:
            for n, doc in enumerate(documents, 1):
                check_cancel(cancel)
                folder = tmp / safe_name(doc.annotator, "annotator") if doc.annotator else tmp
                folder.mkdir(exist_ok=True)
                stem = f"{safe_name(doc.report.title, 'report')[:48]}-{doc.report.id[:8]}" \
                    if doc.report.title else doc.report.id[:16]
                base, k = folder / stem, 1
                while base in used:
                    k += 1
                    base = folder / f"{stem}-{k}"
                used.add(base)
                # the name is added to, not given a suffix: a title's dot ("U.S. strike", "Report 1.5")
                # read as a suffix cut the id off, and two reports wrote one pair of files
                (base.parent / f"{base.name}.txt").write_bytes(doc.report.text.encode("utf-8"))
                (base.parent / f"{base.name}.ann").write_bytes(self._ann(doc, conf, summary).encode("utf-8"))
                summary.files.append(str(Path(path) / base.relative_to(tmp)) + ".ann")
                summary.documents += 1
                progress(n, None, doc.report.title)
            (tmp / "annotation.conf").write_text(_conf(conf), encoding="utf-8", newline="\n")
        if summary.documents:
            summary.warn_once("brat holds no report metadata (title, date) and no annotator but the "
                              "folder name")
        return summary

    def _ann(self, doc: Document, conf: dict[str, Any], summary: WriteSummary) -> str:
        text, lines = doc.report.text, []
        ids: dict[str, str] = {}
        n_attr = n_note = n_norm = n_rel = 0
        labels = {s.id: s.label for s in doc.spans}
        for s in doc.spans:
            if not s.label or any(c.isspace() for c in s.label):
                summary.drop("span", doc, s.id, f"label {s.label!r} contains whitespace (brat types cannot)")
                continue
            frags = self._restore(text, s) or _fragments(text, s.start, s.end)
            if not frags:
                summary.drop("span", doc, s.id, "covers only line breaks")
                continue
            if frags[0][0] != s.start or frags[-1][1] != s.end:
                summary.drop("extent", doc, s.id, f"starts or ends with a line break; written as "
                                                  f"{frags[0][0]}-{frags[-1][1]}", (frags[0][0], frags[-1][1]))
            tid = ids[s.id] = f"T{len(ids) + 1}"
            offsets = ";".join(f"{a} {b}" for a, b in frags)
            lines.append(f"{tid}\t{s.label} {offsets}\t{' '.join(text[a:b] for a, b in frags)}")
            conf["entities"].add(s.label)
            summary.spans += 1
            if s.entity is not None:
                n_norm += 1
                ref = s.entity if ":" in s.entity and " " not in s.entity else f"{_ENTITY_PREFIX}{s.entity}"
                if any(c.isspace() for c in ref):
                    summary.drop("entity", doc, s.id, "entity id contains whitespace")
                else:
                    lines.append(f"N{n_norm}\tReference {tid} {ref}\t{text[s.start:s.end].splitlines()[0]}")
            items = [(k, v) for k, v in s.attrs.items() if k != FRAGMENTS]
            items += [(field, getattr(s, field)) for field in ("value", "resolution") if getattr(s, field)]
            for key, value in items:
                name = cap(key) if key in s.attrs else {v: k for k, v in _SPAN_FIELDS.items()}[key]
                if key == "note":
                    if any(c in LINE_BREAKS for c in str(value)):
                        summary.drop("attribute", doc, f"{s.id}.note", "a note with line breaks")
                        continue
                    n_note += 1
                    lines.append(f"#{n_note}\tAnnotatorNotes {tid}\t{value}")
                    continue
                if key in s.attrs and (name in _SPAN_FIELDS or not key or any(c.isspace() for c in key)):
                    summary.drop("attribute", doc, f"{s.id}.{key}", "name reserved or not one word")
                    continue
                if value is True:
                    n_attr += 1
                    lines.append(f"A{n_attr}\t{name} {tid}")
                elif isinstance(value, str) and value and not any(c.isspace() for c in value):
                    n_attr += 1
                    lines.append(f"A{n_attr}\t{name} {tid} {value}")
                    conf["attributes"].setdefault(name, (set(), set()))[1].add(value)
                else:
                    summary.drop("attribute", doc, f"{s.id}.{key}", "brat attribute values are one word")
                    continue
                conf["attributes"].setdefault(name, (set(), set()))[0].add(s.label)
        events: dict[str, list[Relation]] = {}
        for r in doc.relations:
            if r.head not in ids or r.tail not in ids or not r.label or any(c.isspace() for c in r.label):
                summary.drop("relation", doc, r.id, "an endpoint span was not written or the label is not one word")
                continue
            if isinstance(r.attrs.get(EVENT), str):
                events.setdefault(r.attrs[EVENT], []).append(r)
                continue
            n_rel += 1  # numbered in each .ann, as brat does: ids stay the same on a round trip
            rid = f"R{n_rel}"
            lines.append(f"{rid}\t{cap(r.label)} Arg1:{ids[r.head]} Arg2:{ids[r.tail]}")
            heads, tails = conf["relations"].setdefault(cap(r.label), (set(), set()))
            heads.add(labels[r.head])
            tails.add(labels[r.tail])
            summary.relations += 1
            if r.attrs:
                summary.drop("attribute", doc, r.id, "relation attributes are not written to brat")
        lines += _event_lines(events, ids, labels, conf, summary, doc)
        for c in doc.comments:  # brat's notes: one line on an annotation, no threads, authors or resolution
            note_on = ids.get(c.anchor_key or "") if c.anchor == "span" and c.anchor_set == doc.annotator else None
            if note_on is None:
                summary.drop("comment", doc, c.id, "brat holds notes on spans only")
                continue
            n_note += 1
            lines.append(f"#{n_note}\tAnnotatorNotes {note_on}\t{c.author}: {' '.join(c.body.split())}")
        return "\n".join(lines) + ("\n" if lines else "")

    @staticmethod
    def _restore(text: str, s: Span) -> list[tuple[int, int]] | None:
        """Fragments from ``attrs["brat_fragments"]`` when they still fit the span."""
        raw = s.attrs.get(FRAGMENTS)
        if not isinstance(raw, str):
            return None
        try:
            frags = [(int(a), int(b)) for a, b in (p.split(" ") for p in raw.split(";"))]
        except ValueError:
            return None
        ok = frags and frags[0][0] == s.start and frags[-1][1] == s.end and all(
            a < b and not any(c in LINE_BREAKS for c in text[a:b]) for a, b in frags)
        return frags if ok else None


def _event_arguments(ctx: ReadContext, number: int, fields: list[str]) -> list[tuple[str, str]]:
    """``E1<TAB>Meeting:T9 Participant:T4 Place:E2`` → [(Meeting, T9), (Participant, T4), (Place, E2)]."""
    parts = fields[1].split() if len(fields) > 1 else []
    args = [tuple(p.split(":", 1)) for p in parts]
    if not args or any(len(a) != 2 or not a[0] or not a[1] for a in args):
        raise ctx.error(number, f"event {fields[0]} is not 'TYPE:TRIGGER ROLE:ID …'")
    return args  # type: ignore[return-value]


def _event_roles(ctx: ReadContext, events: dict[str, tuple[int, list[tuple[str, str]]]],
                 triggers: dict[str, str], spans: dict[str, Span], warnings: list[str]) -> dict[str, Relation]:
    """Each event's roles as relations from its trigger span to each argument (an argument that is itself
    an event stands for its trigger), where the option ``relation_allowed(type, head label, tail label)``
    allows the relation (all of them when it is not given); the rest is reported, counted by role, never
    a reason to refuse the file."""
    allowed = ctx.options.get("relation_allowed")
    carried: dict[str, Relation] = {}
    refused: dict[str, int] = {}
    for eid, (number, args) in events.items():
        trigger = args[0][1]
        for k, (role, arg) in enumerate(args[1:], 1):
            tail = triggers.get(arg, arg)
            if tail not in spans:
                raise ctx.error(number, f"event {eid} names {arg}, which is not in the file")
            relation = Relation(f"{eid}-{k}", trigger, tail, uncap(role.rstrip("0123456789")), {EVENT: eid})
            if tail == trigger or (allowed is not None and not allowed(relation.label, spans[trigger].label,
                                                                         spans[tail].label)):
                refused[relation.label] = refused.get(relation.label, 0) + 1
                continue
            carried[relation.id] = relation
    if events:
        warnings.append(f"{len(events)} event(s) carried as their trigger spans with {len(carried)} role "
                        "relation(s)")
    for label, n in sorted(refused.items()):
        warnings.append(f"{n} event role(s) '{label}' not carried: the project schema has no such relation "
                        "between these labels (load with --add-labels to add it)")
    return carried


def _event_lines(events: dict[str, list[Relation]], ids: dict[str, str], labels: dict[str, str],
                 conf: dict[str, Any], summary: WriteSummary, doc: Document) -> list[str]:
    """``E`` lines for relations carried from brat events (one trigger, numbered repeated roles)."""
    lines = []
    for n, (eid, rels) in enumerate(events.items(), 1):
        trigger = rels[0].head
        if any(r.head != trigger for r in rels):
            for r in rels:
                summary.drop("relation", doc, r.id, f"event {eid} has more than one trigger")
            continue
        seen: dict[str, int] = {}
        args = []
        for r in rels:
            role = cap(r.label)
            seen[role] = seen.get(role, 0) + 1
            args.append(f"{role}{seen[role] if seen[role] > 1 else ''}:{ids[r.tail]}")
            conf["events"].setdefault(labels[trigger], {}).setdefault(role, set()).add(labels[r.tail])
            summary.relations += 1
        lines.append(f"E{n}\t{labels[trigger]}:{ids[trigger]} " + " ".join(args))
    return lines


def _conf(conf: dict[str, Any]) -> str:
    out = ["# written by annotator: entity types are span labels, relation types the capitalised",
           "# relation labels; nesting and crossing allowed via <OVERLAP>.", "[entities]"]
    out += sorted(conf["entities"] - set(conf["events"]))  # an event trigger's type is an event type
    out += ["", "[relations]"]
    for name, (heads, tails) in sorted(conf["relations"].items()):
        out.append(f"{name}\tArg1:{'|'.join(sorted(heads))}, Arg2:{'|'.join(sorted(tails))}")
    out += ["<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>", "", "[events]"]
    for name, roles in sorted(conf["events"].items()):
        out.append(f"{name}\t" + ", ".join(f"{role}*:{'|'.join(sorted(args))}" for role, args in sorted(roles.items())))
    out += ["", "[attributes]"]
    for name, (labels, values) in sorted(conf["attributes"].items()):
        out.append(f"{name}\tArg:{'|'.join(sorted(labels))}" + (f", Value:{'|'.join(sorted(values))}"
                                                              if values else ""))
    return "\n".join(out) + "\n"


FORMAT = BratFormat()
