"""Writing a bundle: members streamed into a zip under a temporary name, renamed when complete.

Sets are written one at a time (memory does not grow with the corpus) and hashed as they go; the
manifest with every member's SHA-256 and size is written last. A failure or a cancel anywhere leaves
no file behind, and never a half-written bundle under the final name."""

from __future__ import annotations

import contextlib
import hashlib
import json
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from annotator.core.annotation_set import AnnotationSet
from annotator.core.events import Incident
from annotator.core.report import Report
from annotator.exchange.bundle_format import (
    DATA_MEMBERS,
    ENTITIES,
    MANIFEST,
    SETS,
    VERSION,
    WORKFLOW,
    Manifest,
    MemberInfo,
    WorkflowPart,
)
from annotator.exchange.lines import dumps, entity_record, set_to_record
from annotator.exchange.workflow_lines import comment_line, decision_line, report_line, status_line
from annotator.files.atomic import atomic_file


class _Member:
    """One member being written, with the running SHA-256 and size the manifest will record."""

    def __init__(self, archive: zipfile.ZipFile, name: str) -> None:
        self.name = name
        self._stream: IO[bytes] = archive.open(name, "w", force_zip64=True)
        self._hash = hashlib.sha256()
        self._size = 0

    def write(self, data: bytes) -> None:
        self._stream.write(data)
        self._hash.update(data)
        self._size += len(data)

    def close(self) -> MemberInfo:
        self._stream.close()
        return MemberInfo(self._hash.hexdigest(), self._size)


class BundleWriter:
    """``with BundleWriter(out, "alice", app_version=...) as w: w.add_set(...); w.add_entity(...)``.

    Sets come first, then entities, then the workflow (a zip member is written in one go);
    ``entity_ids`` tells the caller which registry entries the written spans link to."""

    def __init__(self, out: Path | str, annotator: str, *, app_version: str,
                 created: datetime | None = None, compresslevel: int = 6) -> None:
        self.out = Path(out)
        self.annotator = annotator
        self.app_version = app_version
        self.created = (created or datetime.now(UTC)).isoformat(timespec="seconds")
        self.compresslevel = compresslevel
        self.entity_ids: set[str] = set()
        self.manifest: Manifest | None = None
        self._counts = {"sets": 0, "spans": 0, "relations": 0, "events": 0, "entities": 0, "statuses": 0,
                        "comments": 0, "decisions": 0}
        self._infos: dict[str, MemberInfo] = {}
        self._current: _Member | None = None
        self._entities_written: set[str] = set()
        self._file: contextlib.ExitStack | None = None
        self._zip: zipfile.ZipFile | None = None

    # -- context ---------------------------------------------------------------------------------
    def __enter__(self) -> BundleWriter:
        """The zip goes into ``files.atomic.atomic_file``: renamed to ``out`` only when complete."""
        self._file = contextlib.ExitStack()
        fh = self._file.enter_context(atomic_file(self.out, "wb"))
        self._zip = zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=self.compresslevel)
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        assert self._file is not None
        if exc is None:
            try:
                self._finish()
            except BaseException as failure:
                self._discard()
                if not self._file.__exit__(type(failure), failure, failure.__traceback__):
                    raise
                return
            self._file.close()  # the atomic rename
            return
        self._discard()
        self._file.__exit__(exc_type, exc, tb)

    # -- content ---------------------------------------------------------------------------------
    def add_set(self, report: Report, aset: AnnotationSet, incidents: tuple[Incident, ...] = ()) -> None:
        if aset.annotator != self.annotator:
            raise ValueError(f"set of {aset.annotator!r} in a bundle of {self.annotator!r}")
        self._member(SETS).write(dumps(set_to_record(report, aset, incidents)))
        self._counts["events"] += len(aset.events)
        self._counts["sets"] += 1
        self._counts["spans"] += len(aset.spans)
        self._counts["relations"] += len(aset.relations)
        self.entity_ids.update(s.entity for s in aset.spans if s.entity)

    def add_entity(self, data: dict[str, Any]) -> None:
        """Add a registry entry once (repeats by id are ignored)."""
        if data["id"] in self._entities_written:
            return
        self._member(ENTITIES).write(dumps(entity_record(data)))
        self._entities_written.add(data["id"])
        self._counts["entities"] += 1

    def add_workflow(self, part: WorkflowPart) -> None:
        """Statuses, comments, decisions and the reports they name (after sets and entities)."""
        if part.empty:
            return
        member = self._member(WORKFLOW)
        for report in part.reports:
            member.write(dumps(report_line(report)))
        for status in part.statuses:
            member.write(dumps(status_line(status)))
        for comment in part.comments:
            member.write(dumps(comment_line(comment)))
        for rid, decision in part.decisions:
            member.write(dumps(decision_line(rid, decision)))
        for key, n in part.counts.items():
            self._counts[key] += n

    # -- internals -------------------------------------------------------------------------------
    def _member(self, name: str) -> _Member:
        if self._current is not None and self._current.name == name:
            return self._current
        if name in self._infos:
            raise ValueError(f"{name} is already complete: write sets before entities")
        self._close_current()
        assert self._zip is not None
        self._current = _Member(self._zip, name)
        return self._current

    def _close_current(self) -> None:
        if self._current is not None:
            self._infos[self._current.name] = self._current.close()
            self._current = None

    def _finish(self) -> None:
        assert self._zip is not None
        for name in DATA_MEMBERS:  # an empty member is still a member: the reader expects each
            if name not in self._infos:
                self._member(name)
        self._close_current()
        optional = ("events", "statuses", "comments", "decisions")
        counts = {k: v for k, v in self._counts.items() if k not in optional or v}
        # a bundle without events or workflow stays version 1 (2 with events), which older workstations read
        version = VERSION if WORKFLOW in self._infos else 2 if self._counts["events"] else 1
        self.manifest = Manifest(self.annotator, self.created, self.app_version, dict(self._infos), counts,
                                 version=version)
        self._zip.writestr(MANIFEST, json.dumps(self.manifest.to_json(), ensure_ascii=False, indent=2))
        self._zip.close()

    def _discard(self) -> None:
        """Close what is open; ``atomic_file`` then removes the temporary."""
        with contextlib.suppress(Exception):
            if self._current is not None:
                self._current.close()
        with contextlib.suppress(Exception):
            if self._zip is not None:
                self._zip.close()
