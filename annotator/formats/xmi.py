"""UIMA CAS XMI for INCEpTION (formats.md §8), via dkpro-cassis (optional extra ``xmi``).

The file counts UTF-16 units; cassis converts to code points on load and back on save. We write a
``webanno.custom.Mention`` span layer and a ``MentionRelation`` relation layer (Governor/Dependent)
as INCEpTION exports them, plus ``DocumentMetaData`` (``documentId`` = annotator). Reading is lenient:
``NamedEntity`` and any ``webanno.custom`` span layer, relation layers found by Governor/Dependent.
Every XML file is first parsed with defusedxml (no DTDs, no entities) before cassis sees it.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import warnings
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import partial
from pathlib import Path, PurePosixPath
from typing import Any

from annotator.core.annotation_set import Document
from annotator.core.errors import failure_detail
from annotator.core.progress import CancelToken, ProgressFn, no_progress
from annotator.core.relations import Relation
from annotator.core.spans import Span
from annotator.files.containers import SafeZip, ZipLimits, is_zip
from annotator.files.xml_input import XmlInputError, check_xml
from annotator.formats.base import (
    Options,
    ReadContext,
    WriteSummary,
    atomic_dir,
    atomic_file,
    check_cancel,
    lazy_import,
    make_report,
    safe_name,
)

DMD = "de.tudarmstadt.ukp.dkpro.core.api.metadata.type.DocumentMetaData"
NAMED_ENTITY = "de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity"
MENTION, RELATION = "webanno.custom.Mention", "webanno.custom.MentionRelation"
REPORT_META = "annotator.type.ReportMetadata"
ANNOTATION = "uima.tcas.Annotation"
_SPAN_FIXED = {"sofa", "begin", "end", "label", "value", "identifier", "normalized", "resolution"}
_REL_FIXED = {"sofa", "begin", "end", "Governor", "Dependent", "label", "value"}
_PRIMITIVE = {"uima.cas.String", "uima.cas.Integer", "uima.cas.Boolean", "uima.cas.Float", "uima.cas.Double",
              "uima.cas.Long", "uima.cas.Short", "uima.cas.Byte"}
MAX_XMI_BYTES = 128 << 20  # one document's XMI (cassis holds the parsed tree in memory)
_FEATURE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
ZIP_LIMITS = ZipLimits(max_members=10_000, max_member_size=MAX_XMI_BYTES, max_total_size=2 << 30)


def _safe_xml(ctx: ReadContext, name: str, data: bytes) -> None:
    """Refuse DTDs, entity declarations and malformed XML before cassis (lxml) parses the bytes."""
    try:
        check_xml(io.BytesIO(data))
    except XmlInputError as exc:
        raise ctx.error(None, f"{name} is not safe, well-formed XML: it {exc.detail}") from None


class XmiFormat:
    NAME = "xmi"
    EXTENSIONS = (".zip", ".xmi", "")
    CAN_READ = True
    CAN_WRITE = True
    EXTRA = "xmi"
    CARRIES_TEXT = True
    NESTING = ("any overlap (set the Mention layer's overlap mode to 'any' in INCEpTION); relations on "
               "MentionRelation; attributes as string features; UTF-16 offsets in the file")

    def sniff(self, head: bytes) -> int:
        return 80 if b"<xmi:XMI" in head else 0

    # -- reading ---------------------------------------------------------------------------------
    def read(self, path: Path, *, options: Options | None = None) -> Iterator[Document]:
        path = Path(path)
        ctx = ReadContext(path, options)
        cassis = lazy_import("cassis", "xmi", path, "UIMA CAS XMI files")
        with contextlib.ExitStack() as stack:
            files = self._sources(ctx, path, stack)
            yield from self._load_all(ctx, cassis, files)

    def _sources(self, ctx: ReadContext, path: Path, stack: contextlib.ExitStack
                 ) -> dict[str, Callable[[], bytes]]:
        """Name → a function reading that file's bytes when it is needed (one file in memory at a time)."""
        files: dict[str, Callable[[], bytes]] = {}
        if path.is_dir():
            for p in sorted(path.rglob("*")):
                if p.suffix == ".xmi" or p.name == "TypeSystem.xml":
                    files[p.relative_to(path).as_posix()] = partial(_read_capped, ctx, p)
        elif is_zip(path):
            zf = stack.enter_context(SafeZip(path, ZIP_LIMITS, lambda detail: ctx.error(None, detail),
                                             what="XMI export"))
            for info in zf.members():
                if info.filename.endswith((".xmi", "TypeSystem.xml")):
                    files[info.filename] = partial(zf.read, info)
        else:
            files[path.name] = partial(_read_capped, ctx, path)
            for parent in (path.parent, path.parent.parent):
                if (parent / "TypeSystem.xml").exists():
                    files["TypeSystem.xml"] = partial(_read_capped, ctx, parent / "TypeSystem.xml")
                    break
        return files

    def _load_all(self, ctx: ReadContext, cassis: Any, files: dict[str, Callable[[], bytes]]
                  ) -> Iterator[Document]:
        systems: dict[str, Any] = {}
        for name in sorted(n for n in files if n.endswith(".xmi")):
            ts_name = _nearest_typesystem(name, files)
            if ts_name is None:
                raise ctx.error(None, f"{name}: no TypeSystem.xml beside it or in a parent folder")
            if ts_name not in systems:
                data = files[ts_name]()
                _safe_xml(ctx, ts_name, data)
                try:
                    systems[ts_name] = cassis.load_typesystem(io.BytesIO(data))
                except Exception as exc:  # noqa: BLE001 - cassis raises many types on a bad type system
                    raise ctx.error(None, f"{ts_name}: not a usable UIMA type system ({failure_detail(exc)})") \
                        from None
            data = files[name]()
            _safe_xml(ctx, name, data)
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("error", UserWarning)
                    warnings.simplefilter("ignore", DeprecationWarning)
                    cas = cassis.load_cas_from_xmi(io.BytesIO(data), typesystem=systems[ts_name], lenient=True)
            except Exception as exc:
                raise ctx.error(None, f"{name}: cannot be loaded as XMI ({type(exc).__name__}: {exc})") from None
            yield self._document(ctx, name, cas, systems[ts_name])

    def _document(self, ctx: ReadContext, name: str, cas: Any, ts: Any) -> Document:
        text = cas.sofa_string or ""
        ann_type = ts.get_type(ANNOTATION)
        meta: dict[str, Any] = {}
        annotator: str | None = PurePosixPath(name).stem
        spans: list[Span] = []
        by_fs: dict[int, str] = {}
        rel_fs: list[Any] = []
        for fs in cas.select_all_fs():
            tname = fs.type.name
            feats = {f.name: f for f in fs.type.all_features}
            if tname == DMD:
                annotator = fs.get("documentId") or annotator
                meta["title"] = fs.get("documentTitle") or ""
                meta["language"] = fs.get("language") if fs.get("language") not in (None, "x-unspecified") else None
            elif tname == REPORT_META:
                for key in ("published", "url", "source", "direction"):
                    meta[key] = fs.get(key)
                meta.update(json.loads(fs.get("meta") or "{}"))
            elif "Governor" in feats and "Dependent" in feats:
                rel_fs.append(fs)
            elif (tname == NAMED_ENTITY or tname.startswith("webanno.custom.")) and ts.subsumes(ann_type, fs.type):
                label = fs.get("value") if "value" in feats and fs.get("value") is not None else \
                    fs.get("label") if "label" in feats and fs.get("label") is not None else tname.rsplit(".", 1)[-1]
                attrs = {k: fs.get(k) for k, f in feats.items() if k not in _SPAN_FIXED
                         and f.rangeType.name in _PRIMITIVE and fs.get(k) is not None}
                sid = f"T{len(spans) + 1}"
                by_fs[id(fs)] = sid
                spans.append(Span(sid, fs.begin, fs.end, ctx.label(label), attrs,
                                  fs.get("normalized") if "normalized" in feats else None,
                                  fs.get("identifier") if "identifier" in feats else None,
                                  fs.get("resolution") if "resolution" in feats else None))
        relations: list[Relation] = []
        for fs in rel_fs:
            feats = {f.name: f for f in fs.type.all_features}
            head, tail = by_fs.get(id(fs.get("Governor"))), by_fs.get(id(fs.get("Dependent")))
            if head is None or tail is None:
                raise ctx.error(None, f"{name}: relation {fs.xmiID} links an annotation that is not a span")
            label = fs.get("label") if "label" in feats and fs.get("label") is not None else \
                fs.get("value") if "value" in feats and fs.get("value") is not None else fs.type.name.rsplit(".", 1)[-1]
            attrs = {k: fs.get(k) for k, f in feats.items() if k not in _REL_FIXED
                     and f.rangeType.name in _PRIMITIVE and fs.get(k) is not None}
            relations.append(Relation(f"R{len(relations) + 1}", head, tail, str(label), attrs))
        doc = Document(make_report(text, meta), ctx.annotator(annotator), tuple(spans), tuple(relations))
        try:
            return ctx.finish(doc, None)
        except Exception as exc:
            raise ctx.error(None, f"{name}: {getattr(exc, 'detail', exc)}") from None

    # -- writing ---------------------------------------------------------------------------------
    def write(self, documents: Iterable[Document], path: Path, *, options: Options | None = None,
              progress: ProgressFn = no_progress, cancel: CancelToken | None = None) -> WriteSummary:
        path = Path(path)
        cassis = lazy_import("cassis", "xmi", path, "UIMA CAS XMI files")
        ts = type_system(cassis)
        summary = WriteSummary(self.NAME, str(path))
        if path.suffix.lower() == ".zip":
            with atomic_file(path, "wb") as raw, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as zf:
                self._write_all(cassis, ts, documents, lambda n, b: zf.writestr(n, b), summary, progress, cancel)
        else:
            with atomic_dir(path) as tmp:
                def put(name: str, data: bytes) -> None:
                    (tmp / name).parent.mkdir(parents=True, exist_ok=True)
                    (tmp / name).write_bytes(data)
                self._write_all(cassis, ts, documents, put, summary, progress, cancel)
        return summary

    def _write_all(self, cassis: Any, ts: Any, documents: Iterable[Document], put: Any,
                   summary: WriteSummary, progress: ProgressFn, cancel: CancelToken | None) -> None:
        used: set[str] = set()
        for n, doc in enumerate(documents, 1):
            check_cancel(cancel)
            folder = f"{safe_name(doc.report.title, 'report')[:48]}-{doc.report.id[:8]}" if doc.report.title \
                else doc.report.id[:16]
            name = f"{folder}/{safe_name(doc.annotator or 'unnamed', 'unnamed')}.xmi"
            k = 1
            while name in used:
                k += 1
                name = f"{folder}-{k}/{safe_name(doc.annotator or 'unnamed', 'unnamed')}.xmi"
            try:
                data = self.to_xmi(cassis, ts, doc, summary)
            except ValueError as exc:  # XML 1.0 cannot hold most C0 control characters
                summary.drop("document", doc, "", f"not writable as XML 1.0 ({exc})")
                continue
            used.add(name)
            put(name, data)
            summary.files.append(name)
            summary.documents += 1
            progress(n, None, doc.report.title)
        put("TypeSystem.xml", ts.to_xml().encode("utf-8"))
        summary.files.append("TypeSystem.xml")

    def to_xmi(self, cassis: Any, ts: Any, doc: Document, summary: WriteSummary) -> bytes:
        """The XMI bytes of one document; adds a string feature per new attribute name to ``ts``."""
        mention = ts.get_type(MENTION)
        known = {f.name for f in mention.all_features}
        for s in doc.spans:
            for key in s.attrs:
                if key not in known and _FEATURE_NAME.match(key) and key not in _SPAN_FIXED:
                    ts.create_feature(mention, key, "uima.cas.String")
                    known.add(key)
                    # cassis caches the generated FS class on first use and does not rebuild it when
                    # a feature is added later: drop the cache so the new feature is accepted.
                    mention._constructor = None
        cas = cassis.Cas(typesystem=ts)
        cas.sofa_string = doc.report.text
        cas.sofa_mime = "text"
        rep = doc.report
        cas.add(ts.get_type(DMD)(begin=0, end=len(rep.text), language=rep.language or "x-unspecified",
                                 documentTitle=rep.title, documentId=doc.annotator,
                                 documentUri=f"reports/{rep.id}", collectionId="reports",
                                 documentBaseUri="reports", isLastSegment=False))
        cas.add(ts.get_type(REPORT_META)(reportId=rep.id, published=rep.published, url=rep.url,
                                         source=rep.source, direction=rep.direction,
                                         meta=json.dumps(rep.meta, ensure_ascii=False) if rep.meta else None))
        if doc.annotator is None:
            summary.drop("annotator", doc, "", "no annotator named; file written as unnamed.xmi")
        Mention, Rel = ts.get_type(MENTION), ts.get_type(RELATION)
        fs_of: dict[str, Any] = {}
        for s in doc.spans:
            feats: dict[str, Any] = {}
            for key, value in s.attrs.items():
                if key in known and key not in _SPAN_FIXED and isinstance(value, str):
                    feats[key] = value
                else:
                    summary.drop("attribute", doc, f"{s.id}.{key}", "not a string or not a valid feature name")
            fs_of[s.id] = Mention(begin=s.start, end=s.end, label=s.label, identifier=s.entity,
                                  normalized=s.value, resolution=s.resolution, **feats)
            cas.add(fs_of[s.id])
        for r in doc.relations:
            if r.head not in fs_of or r.tail not in fs_of:
                summary.drop("relation", doc, r.id, "an endpoint span is not in the document")
                continue
            dep = fs_of[r.tail]
            cas.add(Rel(begin=dep.begin, end=dep.end, Governor=fs_of[r.head], Dependent=dep, label=r.label))
            if r.attrs:
                summary.drop("attribute", doc, r.id, "relation attributes are not written to XMI")
        summary.spans += len(doc.spans)
        summary.relations += sum(1 for r in doc.relations if r.head in fs_of and r.tail in fs_of)
        xmi: str = cas.to_xmi()  # cassis is untyped (imported lazily): its result named as what it is
        return xmi.encode("utf-8")


def type_system(cassis: Any) -> Any:
    """Our type system: DKPro DocumentMetaData, the Mention/MentionRelation layers, report metadata."""
    ts = cassis.TypeSystem()
    dmd = ts.create_type(DMD, supertypeName="uima.tcas.DocumentAnnotation")
    for feat in ("documentTitle", "documentId", "documentUri", "collectionId", "documentBaseUri"):
        ts.create_feature(dmd, feat, "uima.cas.String")
    ts.create_feature(dmd, "isLastSegment", "uima.cas.Boolean")
    mention = ts.create_type(MENTION, supertypeName=ANNOTATION)
    for feat in ("label", "identifier", "normalized", "resolution"):
        ts.create_feature(mention, feat, "uima.cas.String")
    rel = ts.create_type(RELATION, supertypeName=ANNOTATION)
    ts.create_feature(rel, "Governor", mention)
    ts.create_feature(rel, "Dependent", mention)
    ts.create_feature(rel, "label", "uima.cas.String")
    meta = ts.create_type(REPORT_META, supertypeName="uima.cas.TOP")
    for feat in ("reportId", "published", "url", "source", "direction", "meta"):
        ts.create_feature(meta, feat, "uima.cas.String")
    return ts


def _read_capped(ctx: ReadContext, path: Path) -> bytes:
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_XMI_BYTES + 1)
    except OSError as exc:
        raise ctx.error(None, f"{path.name} cannot be read ({exc.strerror or exc})") from None
    if len(data) > MAX_XMI_BYTES:
        raise ctx.error(None, f"{path.name} is larger than the {MAX_XMI_BYTES >> 20} MB an XMI file may have")
    return data


def _nearest_typesystem(name: str, files: Mapping[str, object]) -> str | None:
    parent = PurePosixPath(name).parent
    while True:
        candidate = (parent / "TypeSystem.xml").as_posix().lstrip("./") if str(parent) != "." else "TypeSystem.xml"
        if candidate in files:
            return candidate
        if str(parent) in (".", "/", ""):
            return None
        parent = parent.parent


FORMAT = XmiFormat()
