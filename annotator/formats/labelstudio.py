"""Label Studio full JSON export (formats.md §3): code points, one task per report.

Per-region controls (``perRegion`` choices) share the region's id: they become span attributes; a
region's ``meta.text`` is its note. ``predictions`` are model output, ignored unless the option
``predictions_as`` names the annotator to import them as; the ``annotator`` option (``--annotator``)
names the people's annotations only, so predictions keep the ``predictions_as`` name.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import quoteattr

from annotator.core.annotation_set import Document
from annotator.core.ids import GOLD
from annotator.core.progress import CancelToken, ProgressFn, no_progress
from annotator.core.relations import Relation
from annotator.core.spans import Span
from annotator.files.json_output import compact_json
from annotator.formats.base import (
    Options,
    ReadContext,
    WriteSummary,
    atomic_file,
    check_cancel,
    json_shape,
    load_json_document,
    make_report,
    need_int,
    report_meta,
)

LABEL_TYPES = ("labels",)
CONFIG_SUFFIX = ".label_config.xml"  # written beside the export: the project's labeling config


class LabelStudioFormat:
    NAME = "labelstudio"
    EXTENSIONS = (".json",)
    CAN_READ = True
    CAN_WRITE = True
    EXTRA = None
    CARRIES_TEXT = True
    NESTING = "any overlap; relations as relation results; attributes as per-region choices"

    def sniff(self, head: bytes) -> int:
        return 85 if head.lstrip().startswith(b"[") and b'"annotations"' in head and b'"data"' in head else 0

    # -- reading ---------------------------------------------------------------------------------
    def read(self, path: Path, *, options: Options | None = None) -> Iterator[Document]:
        ctx = ReadContext(path, options)
        tasks = load_json_document(ctx)
        if isinstance(tasks, dict):
            tasks = [tasks]
        if not isinstance(tasks, list):
            raise ctx.error(None, "is not a Label Studio JSON export (a list of tasks)")
        text_key = str(ctx.options.get("text_key", "text"))
        predictions_as = ctx.options.get("predictions_as")
        for number, task in enumerate(tasks, 1):
            where = f"task {task.get('id', number) if isinstance(task, dict) else number}"
            if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
                raise ctx.error(None, f"{where} has no 'data' object")
            text = task["data"].get(text_key)
            if not isinstance(text, str):
                raise ctx.error(None, f"{where} has no data.{text_key} string")
            meta = {k: v for k, v in task["data"].items() if k != text_key}
            report = make_report(text, meta)
            annotations = json_shape(ctx, task.get("annotations") or [], list, f"{where} 'annotations'")
            names = (task.get("meta") or {}).get("annotators") if isinstance(task.get("meta"), dict) else None
            if not isinstance(names, list) or len(names) != len(annotations):
                names = [None] * len(annotations)
            for ann, named in zip(annotations, names, strict=False):
                ann = json_shape(ctx, ann, dict, f"{where}: an annotation")
                if ann.get("was_cancelled"):
                    continue
                results = json_shape(ctx, ann.get("result") or [], list, f"{where}: a 'result'")
                yield self._document(ctx, where, report, results,
                                     ctx.annotator(_annotator(ann, named if isinstance(named, str) else None)))
            if predictions_as:  # model output: named by the option, never by --annotator (a person's name)
                for pred in json_shape(ctx, task.get("predictions") or [], list, f"{where} 'predictions'"):
                    pred = json_shape(ctx, pred, dict, f"{where}: a prediction")
                    results = json_shape(ctx, pred.get("result") or [], list, f"{where}: a 'result'")
                    yield self._document(ctx, where, report, results, str(predictions_as))

    def _document(self, ctx: ReadContext, where: str, report: Any, results: list[Any],
                  annotator: str | None) -> Document:
        spans: list[Span] = []
        region_spans: dict[str, list[int]] = {}
        extras: list[dict[str, Any]] = []
        for res in results:
            if not isinstance(res, dict):
                raise ctx.error(None, f"{where}: result {res!r} is not an object")
            value = json_shape(ctx, res.get("value") or {}, dict, f"{where}: the 'value' of a result")
            if res.get("type") in LABEL_TYPES:
                rid = str(res.get("id") or f"r{len(spans) + 1}")
                start = need_int(ctx, None, value.get("start"), f"{where} region {rid} start")
                end = need_int(ctx, None, value.get("end"), f"{where} region {rid} end")
                note = json_shape(ctx, res.get("meta") or {}, dict, f"{where} region {rid} 'meta'").get("text")
                attrs: dict[str, Any] = {"note": "\n".join(note) if isinstance(note, list) else str(note)} \
                    if note else {}
                labels = json_shape(ctx, value.get(res["type"]) or [], list, f"{where} region {rid} labels")
                for k, label in enumerate(labels, 1):
                    sid = rid if k == 1 else f"{rid}#{k}"
                    region_spans.setdefault(rid, []).append(len(spans))
                    spans.append(Span(sid, start, end, ctx.label(label, None, f"{where} region {sid}"), dict(attrs)))
            elif res.get("type") != "relation" and "id" in res:
                extras.append(res)
        for res in extras:  # per-region controls: same id as the region
            idx = region_spans.get(str(res["id"]))
            if idx is None:
                continue
            value = json_shape(ctx, res.get("value") or {}, dict, f"{where}: the 'value' of a result")
            kind = res.get("type")
            got = value.get(kind) if kind else None
            if got is None:
                continue
            if isinstance(got, list) and len(got) == 1:
                got = got[0]
            for i in idx:
                spans[i].attrs[str(res.get("from_name", kind))] = got
        relations: list[Relation] = []
        for res in results:
            if res.get("type") != "relation":
                continue
            src, dst = str(res.get("from_id")), str(res.get("to_id"))
            if src not in region_spans or dst not in region_spans:
                raise ctx.error(None, f"{where}: relation {src}->{dst} names a region that is not there")
            head, tail = (dst, src) if res.get("direction") == "left" else (src, dst)
            attrs = {"direction": "bi"} if res.get("direction") == "bi" else {}
            for label in res.get("labels") or ["relation"]:
                relations.append(Relation(f"R{len(relations) + 1}", spans[region_spans[head][0]].id,
                                          spans[region_spans[tail][0]].id,
                                          ctx.text(label, None, f"{where}: relation {src}->{dst}: its label"),
                                          dict(attrs)))
        doc = Document(report, annotator, tuple(spans), tuple(relations))
        try:
            return ctx.finish(doc, None)
        except Exception as exc:
            raise ctx.error(None, f"{where}: {getattr(exc, 'detail', exc)}") from None

    # -- writing ---------------------------------------------------------------------------------
    def write(self, documents: Iterable[Document], path: Path, *, options: Options | None = None,
              progress: ProgressFn = no_progress, cancel: CancelToken | None = None) -> WriteSummary:
        """One task per report, one annotation per annotator, and the labeling config beside it.

        ``completed_by`` is left out: Label Studio then credits every imported annotation to the user
        who imports (a fresh Label Studio knows no other user, and refuses ids or e-mails it does not
        know, tasks/serializers.py ``_insert_valid_completed_by``). Who annotated what stays in the task's
        ``meta.annotators`` (one name per annotation, in order) and each annotation's ``annotator``. The
        option ``email_domain`` writes ``completed_by: {"email": "<annotator>@<domain>"}`` instead, for a
        Label Studio whose users have those addresses."""
        summary = WriteSummary(self.NAME, str(path), files=[str(path)])
        domain = (options or {}).get("email_domain")
        labels: set[str] = set()
        rel_labels: set[str] = set()
        choices: dict[str, dict[str, None]] = {}
        multiple: set[str] = set()
        with atomic_file(Path(path)) as fh:
            fh.write("[")
            task: dict[str, Any] | None = None
            n_tasks = 0
            for n, doc in enumerate(documents, 1):
                check_cancel(cancel)
                if task is None or task["data"].get("report_id") != doc.report.id:
                    if task is not None:
                        _dump(fh, task, n_tasks)
                    n_tasks += 1
                    task = {"id": n_tasks, "data": {"text": doc.report.text, **report_meta(doc.report)},
                            "annotations": [], "predictions": [], "meta": {"annotators": []}}
                result = self._result(doc, summary)
                labels.update(s.label for s in doc.spans)
                rel_labels.update(r.label for r in doc.relations)
                for res in result:
                    if res.get("type") == "choices":
                        values = res["value"]["choices"]
                        choices.setdefault(res["from_name"], {}).update(dict.fromkeys(values))
                        if len(values) > 1:
                            multiple.add(res["from_name"])
                annotation: dict[str, Any] = {"id": n, "annotator": doc.annotator, "result": result,
                                              "was_cancelled": False, "ground_truth": doc.annotator == GOLD}
                if domain and doc.annotator:
                    annotation["completed_by"] = {"email": f"{doc.annotator}@{domain}"}
                task["annotations"].append(annotation)
                task["meta"]["annotators"].append(doc.annotator)
                summary.documents += 1
                progress(n, None, doc.report.title)
            if task is not None:
                _dump(fh, task, n_tasks)
            fh.write("]")
        config = labeling_config(labels, rel_labels, choices, multiple)
        config_path = Path(path).with_name(Path(path).stem + CONFIG_SUFFIX)
        with atomic_file(config_path) as fh:
            fh.write(config + "\n")
        summary.files.append(str(config_path))
        summary.warnings.append(f"labeling config for this export (create the project with it): {config_path}")
        if not domain:
            summary.warnings.append("completed_by is left out: Label Studio credits the annotations to the user who "
                                    "imports them; each task's meta.annotators names who made each annotation")
        return summary

    def _result(self, doc: Document, summary: WriteSummary) -> list[dict[str, Any]]:
        text = doc.report.text
        result: list[dict[str, Any]] = []
        for s in doc.spans:
            value = {"start": s.start, "end": s.end, "text": text[s.start:s.end]}
            region: dict[str, Any] = {"value": {**value, "labels": [s.label]}, "id": s.id, "from_name": "label",
                                      "to_name": "text", "type": "labels", "origin": "manual"}
            if "note" in s.attrs:
                region["meta"] = {"text": [str(s.attrs["note"])]}
            result.append(region)
            for key, val in s.attrs.items():
                if key == "note":
                    continue
                if not isinstance(val, (str, int, float, bool, list)):
                    summary.drop("attribute", doc, f"{s.id}.{key}", "not a string or list of strings")
                    continue
                values = [_choice(v) for v in (val if isinstance(val, list) else [val])]
                result.append({"value": {**value, "choices": values}, "id": s.id, "from_name": key,
                               "to_name": "text", "type": "choices", "origin": "manual"})
            for kind in ("value", "entity", "resolution"):
                if getattr(s, kind) is not None:
                    summary.drop(kind, doc, s.id, f"Label Studio has no slot for a span's {kind}")
        for r in doc.relations:
            rel: dict[str, Any] = {"from_id": r.head, "to_id": r.tail, "type": "relation",
                                   "direction": "bi" if r.attrs.get("direction") == "bi" else "right",
                                   "labels": [r.label]}
            if set(r.attrs) - {"direction"}:
                summary.drop("attribute", doc, r.id, "Label Studio relations have no attributes")
            result.append(rel)
        summary.spans += len(doc.spans)
        summary.relations += len(doc.relations)
        return result


def labeling_config(labels: Iterable[str], relations: Iterable[str], choices: dict[str, dict[str, None]],
                    multiple: Iterable[str] = ()) -> str:
    """The labeling config the export needs: ``Labels`` with a ``Label`` per span label, ``Relations``
    with a ``Relation`` per relation label, a ``Text``, and per attribute a per-region ``Choices`` with a
    ``Choice`` per value used (Label Studio refuses ``Choices`` without ``Choice`` children)."""
    def tag(element: str, **attrs: str) -> str:
        return f"<{element} " + " ".join(f"{k}={quoteattr(v)}" for k, v in attrs.items()) + "/>"

    parts = ["<View>"]
    rels = sorted(set(relations))
    if rels:
        parts.append("<Relations>" + "".join(tag("Relation", value=r) for r in rels) + "</Relations>")
    names = sorted(set(labels))
    if names:
        parts.append('<Labels name="label" toName="text">' + "".join(tag("Label", value=x) for x in names)
                     + "</Labels>")
    parts.append(tag("Text", name="text", value="$text"))
    for name in sorted(choices):
        kind = ' choice="multiple"' if name in set(multiple) else ""
        parts.append(f'<Choices name={quoteattr(name)} toName="text" perRegion="true"{kind}>'
                     + "".join(tag("Choice", value=v) for v in choices[name]) + "</Choices>")
    parts.append("</View>")
    return "".join(parts)


def _dump(fh: IO[str], task: dict[str, Any], n: int) -> None:
    if n > 1:
        fh.write(",")
    fh.write(compact_json(task))


def _choice(value: Any) -> str:
    """A choice as Label Studio stores it: a string (``true`` for a flag, as our schema spells it)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _annotator(ann: dict[str, Any], named: str | None = None) -> str | None:
    """The annotator of one annotation: our ``annotator`` key, the name our export put in the task's
    ``meta.annotators`` (``named``: Label Studio keeps task meta, not extra annotation keys), an e-mail,
    or the numeric user id (current exports carry no name: the ``annotator`` option supplies one)."""
    ours = ann.get("annotator")
    if isinstance(ours, str):
        return ours
    if named:
        return named
    who = ann.get("completed_by")
    if isinstance(who, dict):
        return str(who.get("email") or who.get("id"))
    return None if who is None else str(who)


FORMAT = LabelStudioFormat()
