"""W3C Web Annotation JSON-LD (formats.md §9): one AnnotationCollection per (report, annotator).

The file holds no text, only ``ni:///sha-256;…`` naming our report id, so reading needs the reports
(option ``reports``) and fails with "report not loaded" otherwise. Positions are code points as the
Recommendation says; browser clients often count UTF-16 units, so a position whose quote does not
match is retried as UTF-16 and then found by its quote, with a warning.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from annotator.core.annotation_set import Document
from annotator.core.progress import CancelToken, ProgressFn, no_progress
from annotator.core.relations import Relation
from annotator.core.report import Report
from annotator.core.spans import Span
from annotator.formats.base import Options, ReadContext, WriteSummary, atomic_file, check_cancel, load_json_document
from annotator.formats.relocate import find_quote, relocate
from annotator.formats.w3c_comments import COMMENTING, Anchor, comment_annotations, read_comments

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
QUOTE_CONTEXT = 16


def ni_name(report_id: str) -> str:
    """RFC 6920 name of a report: ``ni:///sha-256;`` + base64url of the SHA-256 digest."""
    return "ni:///sha-256;" + base64.urlsafe_b64encode(bytes.fromhex(report_id)).decode().rstrip("=")


def _types(obj: dict[str, Any]) -> set[str]:
    t = obj.get("type", obj.get("@type"))
    return {x for x in (t if isinstance(t, list) else [t]) if isinstance(x, str)}


def _quote(quote: dict[str, Any]) -> tuple[str, str, str]:
    """A ``TextQuoteSelector``'s exact text, prefix and suffix (absent ones empty)."""
    return str(quote.get("exact") or ""), str(quote.get("prefix") or ""), str(quote.get("suffix") or "")


def _listify(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


def _iri(value: Any) -> str | None:
    if isinstance(value, dict):
        return value.get("id") or value.get("source")
    return value if isinstance(value, str) else None


class W3cFormat:
    NAME = "w3c"
    EXTENSIONS = (".jsonld", ".json")
    CAN_READ = True
    CAN_WRITE = True
    EXTRA = None
    CARRIES_TEXT = False
    NESTING = ("any overlap; relations by the 'linking' convention; attributes as 'classifying' bodies; "
               "needs the reports loaded to read")

    def sniff(self, head: bytes) -> int:
        return 90 if b"anno.jsonld" in head else 0

    # -- reading ---------------------------------------------------------------------------------
    def read(self, path: Path, *, options: Options | None = None) -> Iterator[Document]:
        ctx = ReadContext(path, options)
        data = load_json_document(ctx)
        annotations: list[dict[str, Any]] = []
        self._collect(ctx, data, annotations)
        reports = {ni_name(r.id): r for r in ctx.known_reports().values()}
        reports.update({r.url: r for r in reports.values() if r.url})
        by_iri: dict[str, tuple[str, str | None, str]] = {}  # annotation IRI -> (group, span id)
        anchors: dict[str, Anchor] = {}  # span and relation IRIs comments may name
        groups: dict[tuple[str, str | None], dict[str, Any]] = {}
        for ann in (a for a in annotations if a.get("motivation") not in ("linking", *COMMENTING)):
            target = (_listify(ann.get("target")) or [None])[0]
            source = _iri(target) if not isinstance(target, dict) else target.get("source")
            report = reports.get(source or "")
            if report is None:
                raise ctx.error(None, f"annotation {ann.get('id')}: report not loaded ({source}); "
                                      "load the report first")
            annotator = _creator(ann.get("creator"))
            group = groups.setdefault((report.id, annotator), {"report": report, "spans": [],
                                                               "relations": [], "warnings": []})
            span = self._span(ctx, ann, target, report, group)
            group["spans"].append(span)
            if ann.get("id"):
                by_iri[ann["id"]] = (report.id, annotator, span.id)
                anchors[ann["id"]] = (report.id, annotator, "span", span.id, span.start, span.end)
        for ann in (a for a in annotations if a.get("motivation") == "linking"):
            head = by_iri.get(_iri((_listify(ann.get("target")) or [None])[0]) or "")
            bodies = _listify(ann.get("body"))
            tail_iri = next((_iri(b) for b in bodies if isinstance(b, dict) and b.get("purpose") == "linking"), None)
            tail = by_iri.get(tail_iri or "")
            if head is None or tail is None or head[:2] != tail[:2]:
                raise ctx.error(None, f"linking annotation {ann.get('id')} names annotations that are not "
                                      "spans of one report and annotator in the file")
            label = next((b.get("value") for b in bodies if isinstance(b, dict) and b.get("purpose") == "tagging"),
                         "related")
            rels = groups[head[:2]]["relations"]
            rels.append(Relation(f"R{len(rels) + 1}", head[2], tail[2],
                                 ctx.text(label, None, f"linking annotation {ann.get('id')}: its label")))
            if ann.get("id"):
                first = next(s for s in groups[head[:2]]["spans"] if s.id == head[2])
                anchors[ann["id"]] = (head[0], head[1], "relation", rels[-1].id, first.start, first.end)
        notes = read_comments(annotations, anchors.get, lambda t: reports.get(t.get("source") or ""), _creator,
                              {g["report"].id: g["report"].text for g in groups.values()})
        for (_, annotator), g in groups.items():
            here = tuple(c for c in notes.get(g["report"].id, ()) if c.anchor == "report" or c.anchor_set == annotator)
            doc = Document(g["report"], ctx.annotator(annotator), tuple(g["spans"]), tuple(g["relations"]),
                           tuple(g["warnings"]), comments=here)
            yield ctx.finish(doc, None)

    def _collect(self, ctx: ReadContext, root: Any, out: list[dict[str, Any]]) -> None:
        """Annotations in document order from lists, pages and collections, however they nest (a
        stack, not recursion: nesting is the file's choice, the stack is ours)."""
        stack: list[Any] = [root]
        while stack:
            obj = stack.pop()
            if isinstance(obj, list):
                stack.extend(reversed(obj))
            elif isinstance(obj, dict):
                types = _types(obj)
                if "Annotation" in types:
                    out.append(obj)
                elif "AnnotationCollection" in types:
                    page = obj.get("first")
                    if isinstance(page, str):
                        raise ctx.error(None, f"collection {str(obj.get('id'))[:80]} links its first page "
                                              f"({page[:80]}) instead of embedding it")
                    stack.append(page)
                elif "AnnotationPage" in types:
                    if isinstance(obj.get("next"), dict):
                        stack.append(obj["next"])
                    stack.append(obj.get("items") or [])
                else:
                    raise ctx.error(None, f"object of type {sorted(types)} is not an Annotation, "
                                          "AnnotationPage or AnnotationCollection")

    def _span(self, ctx: ReadContext, ann: dict[str, Any], target: Any, report: Report,
              group: dict[str, Any]) -> Span:
        text, aid = report.text, ann.get("id", "?")
        selectors = _listify(target.get("selector")) if isinstance(target, dict) else []
        pos = next((s for s in selectors if isinstance(s, dict) and s.get("type") == "TextPositionSelector"), None)
        quote = next((s for s in selectors if isinstance(s, dict) and s.get("type") == "TextQuoteSelector"), None)
        start: int
        end: int
        if pos is not None:
            given_start, given_end = pos.get("start"), pos.get("end")
            if isinstance(given_start, int) and isinstance(given_end, int) \
                    and 0 <= given_start < given_end <= len(text) \
                    and (quote is None or text[given_start:given_end] == quote.get("exact")):
                start, end = given_start, given_end
            else:
                found = None if quote is None else relocate(text, given_start, given_end, *_quote(quote))
                if found is None:
                    raise ctx.error(None, f"annotation {aid}: position {given_start}-{given_end} does not match "
                                          "the text and its quote is not found")
                group["warnings"].append(f"annotation {aid}: position {given_start}-{given_end} did not match; "
                                         f"{found[2]} gives {found[0]}-{found[1]}")
                start, end = found[0], found[1]
        elif quote is not None:
            hit = find_quote(text, *_quote(quote))
            if hit is None:
                raise ctx.error(None, f"annotation {aid}: quote {quote.get('exact')!r} is not in the text")
            start, end = hit
        else:
            raise ctx.error(None, f"annotation {aid} has no TextPositionSelector or TextQuoteSelector")
        label, attrs, value, entity = None, {}, None, None
        for body in _listify(ann.get("body")):
            if isinstance(body, str):
                label = label or body
                continue
            if not isinstance(body, dict):
                raise ctx.error(None, f"annotation {aid}: a body is {json.dumps(body)[:40]}, not an object")
            purpose, val = body.get("purpose"), body.get("value")
            if purpose == "tagging" and label is None:
                label = val
            elif purpose == "commenting":
                attrs["note"] = val
            elif purpose == "classifying" and isinstance(val, str) and "=" in val:
                k, v = val.split("=", 1)
                attrs[k] = v
            elif purpose == "describing":
                value = val
            elif purpose == "identifying":
                entity = _iri(body)
        if label is None:
            raise ctx.error(None, f"annotation {aid} has no tagging body (the label)")
        return Span(f"T{len(group['spans']) + 1}", start, end, ctx.label(label, None, f"annotation {aid}"), attrs,
                    value, entity)

    # -- writing ---------------------------------------------------------------------------------
    def write(self, documents: Iterable[Document], path: Path, *, options: Options | None = None,
              progress: ProgressFn = no_progress, cancel: CancelToken | None = None) -> WriteSummary:
        summary = WriteSummary(self.NAME, str(path), files=[str(path)])
        held: str | None = None  # one collection of look-ahead: a lone one is written bare
        with atomic_file(Path(path)) as fh:
            for n, doc in enumerate(documents, 1):
                check_cancel(cancel)
                chunk = json.dumps(self.collection(doc, summary), ensure_ascii=False)
                if n == 1:
                    held = chunk
                else:
                    if held is not None:
                        fh.write("[\n" + held)
                        held = None
                    fh.write(",\n" + chunk)
                progress(n, None, doc.report.title)
            if held is not None:
                fh.write(held + "\n")
            elif summary.documents:
                fh.write("\n]\n")
            else:
                fh.write("[]\n")
        summary.warn_once("W3C annotations hold no report text or date: load the reports before reading")
        return summary

    def collection(self, doc: Document, summary: WriteSummary) -> dict[str, Any]:
        rep, text = doc.report, doc.report.text
        source = ni_name(rep.id)
        base = f"annotator:{rep.id}/{doc.annotator}"
        iri = {s.id: f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{base}/span/{s.id}')}" for s in doc.spans}
        creator = {"type": "Person", "nickname": doc.annotator} if doc.annotator else None
        items: list[dict[str, Any]] = []
        for s in doc.spans:
            body: list[dict[str, Any]] = [{"type": "TextualBody", "purpose": "tagging", "value": s.label}]
            for key, val in s.attrs.items():
                if key == "note":
                    body.append({"type": "TextualBody", "purpose": "commenting", "value": str(val)})
                elif isinstance(val, str) and "=" not in key:
                    body.append({"type": "TextualBody", "purpose": "classifying", "value": f"{key}={val}"})
                else:
                    summary.drop("attribute", doc, f"{s.id}.{key}", "not a string, or '=' in its name")
            if s.value is not None:
                body.append({"type": "TextualBody", "purpose": "describing", "value": s.value})
            if s.entity is not None:
                body.append({"type": "SpecificResource", "purpose": "identifying", "source": s.entity})
            if s.resolution is not None:
                summary.drop("resolution", doc, s.id, "no W3C slot for a span's resolution")
            selector = [{"type": "TextPositionSelector", "start": s.start, "end": s.end},
                        {"type": "TextQuoteSelector", "exact": text[s.start:s.end],
                         "prefix": text[max(0, s.start - QUOTE_CONTEXT):s.start],
                         "suffix": text[s.end:s.end + QUOTE_CONTEXT]}]
            item = {"id": iri[s.id], "type": "Annotation", "motivation": "tagging", "body": body,
                    "target": {"source": source, "selector": selector}}
            if creator:
                item["creator"] = creator
            items.append(item)
        rel_iri = {r.id: f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{base}/relation/{r.id}')}" for r in doc.relations}
        for r in doc.relations:
            if r.head not in iri or r.tail not in iri:
                summary.drop("relation", doc, r.id, "an endpoint span is not in the document")
                rel_iri.pop(r.id)
                continue
            link: dict[str, Any] = {
                "id": rel_iri[r.id], "type": "Annotation", "motivation": "linking",
                "body": [{"type": "TextualBody", "purpose": "tagging", "value": r.label},
                         {"type": "SpecificResource", "purpose": "linking", "source": iri[r.tail]}],
                "target": iri[r.head]}
            if creator:
                link["creator"] = creator
            items.append(link)
            summary.relations += 1
            if r.attrs:
                summary.drop("attribute", doc, r.id, "relation attributes are not written")
        items += comment_annotations(doc, iri, rel_iri, source)
        if not items:
            summary.drop("document", doc, "", "no spans: W3C annotations cannot name an empty set")
        summary.documents += 1
        summary.spans += len(doc.spans)
        return {"@context": CONTEXT, "id": f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, base)}",
                "type": "AnnotationCollection", "label": rep.title, "total": len(items),
                "generator": {"type": "Software", "name": "annotator"},
                "first": {"id": f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, base + '/page')}",
                          "type": "AnnotationPage", "startIndex": 0, "items": items}}


def _creator(value: Any) -> str | None:
    value = (_listify(value) or [None])[0]
    if isinstance(value, dict):
        return value.get("nickname") or value.get("name") or value.get("id")
    return value if isinstance(value, str) else None


FORMAT = W3cFormat()
