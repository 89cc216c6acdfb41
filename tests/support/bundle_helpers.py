"""Building good bundles and hostile variants of them, for the reader and service tests."""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from annotator.core.annotation_set import AnnotationSet
from annotator.core.relations import Relation
from annotator.core.report import Report
from annotator.core.spans import Span
from annotator.exchange.bundle_format import MANIFEST, SETS
from annotator.exchange.writer import BundleWriter

TEXTS = ["🔴 Colonel أبو علي met IRGC officers in Deir al-Zour on 7 April.",
         "The army said ISIS cells seized حقل العمر near Deir ez-Zor."]
PLACE = {"id": "place:deir-ez-zor", "kind": "place", "name": "Deir ez-Zor", "type": "city", "lat": 35.33,
         "lon": 40.14, "country": "SY", "admin1": "Deir ez-Zor", "parent": None, "meta": {},
         "aliases": [{"name": "Deir al-Zour", "lang": "en"}, {"name": "دير الزور", "lang": "ar"}]}


def sample_sets(annotator: str = "alice", version: int = 3) -> list[tuple[Report, AnnotationSet]]:
    out = []
    for k, text in enumerate(TEXTS):
        report = Report.of(text, title=f"Report {k}", published="2024-04-09", meta={"desk": "north"})
        place_at = text.index("Deir")
        place_end = place_at + len("Deir al-Zour" if k == 0 else "Deir ez-Zor")
        spans = (Span("T1", 0, len(text) - 1, "claim", {"status": "reported"}),
                 Span("T2", place_at, place_end, "place", entity=PLACE["id"], resolution="confirmed"))
        rels = (Relation("R1", "T1", "T2", "place"),)
        out.append((report, AnnotationSet(report.id, annotator, spans, rels, version + k)))
    return out


def write_sample(path: Path, annotator: str = "alice") -> Path:
    with BundleWriter(path, annotator, app_version="test") as w:
        for report, aset in sample_sets(annotator):
            w.add_set(report, aset)
        w.add_entity(PLACE)
    return path


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {i.filename: z.read(i) for i in z.infolist()}


def rezip(src: Path, dst: Path, change: Callable[[dict[str, bytes]], Any] | None = None, *,
          reseal: bool = False, method: int = zipfile.ZIP_DEFLATED) -> Path:
    """Copy a bundle member by member after ``change`` edits the {name: bytes} dict in place; with
    ``reseal`` the manifest's checksums and sizes are recomputed (a forger who knows the format)."""
    data = members(src)
    if change is not None:
        change(data)
    if reseal:
        manifest = json.loads(data[MANIFEST])
        for name in manifest["members"]:
            if name in data:
                manifest["members"][name] = {"sha256": hashlib.sha256(data[name]).hexdigest(),
                                             "size": len(data[name])}
        data[MANIFEST] = json.dumps(manifest).encode()
    with zipfile.ZipFile(dst, "w", compression=method) as z:
        for name, body in data.items():
            z.writestr(zipfile.ZipInfo(name), body, compress_type=method)
    return dst


def edit_manifest(path: Path, dst: Path, **changes: Any) -> Path:
    def change(data: dict[str, bytes]) -> None:
        manifest = json.loads(data[MANIFEST])
        manifest.update(changes)
        data[MANIFEST] = json.dumps(manifest).encode()
    return rezip(path, dst, change)


def replace_in_sets(old: str, new: str) -> Callable[[dict[str, bytes]], None]:
    def change(data: dict[str, bytes]) -> None:
        body = data[SETS].decode()
        assert old in body
        data[SETS] = body.replace(old, new, 1).encode()
    return change
