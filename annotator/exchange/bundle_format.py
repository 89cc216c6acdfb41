"""The bundle layout and its records: what a bundle holds, in which members, and the limits a
reader enforces. Shared by ``writer`` and ``reader`` so both sides agree on one definition.

A bundle is a zip archive with exactly these members:

- ``manifest.json``: ``{"format": "annotator-bundle", "version": 1, "annotator", "created",
  "app_version", "members": {name: {"sha256", "size"}}, "counts": {...}}``;
- ``sets.jsonl``: one native JSONL line per annotation set (shared/docs/native-jsonl.md) plus the
  set's edit counter ``version``, which decides which copy of a set is newer on import; since version
  2 a line also carries the set's ``events`` and the ``incidents`` they name (docs/events.md);
- ``entities.jsonl``: one registry entry per line for the entities the spans link to;
- ``workflow.jsonl`` (version 3, present only when there is workflow to carry): status rows, comment
  threads, curation decisions, and the reports they name that no set line carries
  (``exchange.workflow_lines``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from annotator.core.annotation_set import AnnotationSet
from annotator.core.comments import Comment
from annotator.core.curation import Decision
from annotator.core.errors import FormatError
from annotator.core.events import Incident
from annotator.core.report import Report
from annotator.core.workflow import Status
from annotator.files.lines import DEFAULT_MAX_LINE

FORMAT = "annotator-bundle"
VERSION = 3  # 2: set lines carry events and incidents; 3: a workflow member (older readers would drop them)
MANIFEST = "manifest.json"
SETS = "sets.jsonl"
ENTITIES = "entities.jsonl"
WORKFLOW = "workflow.jsonl"
DATA_MEMBERS = (SETS, ENTITIES)
OPTIONAL_MEMBERS = (WORKFLOW,)  # since version 3
SUFFIX = ".annbundle"  # the suggested file suffix (save dialogs, docs)


class BundleError(FormatError):
    """A bundle is refused: foreign, damaged, tampered with or unsafe. One sentence naming the file."""

    def __init__(self, file: object, detail: str) -> None:
        super().__init__(file, None, detail)


@dataclass(frozen=True)
class Limits:
    """Caps a reader enforces before it decompresses anything it does not have to.

    They bound what a hostile file can cost (disk, memory, time): a bundle of 10,000 reports is
    about 50 MB of JSON, so the defaults leave room for large corpora and refuse bombs."""

    max_file_size: int = 2 << 30  # 2 GiB on disk
    max_members: int = 16
    max_manifest_size: int = 1 << 20  # 1 MiB
    max_member_size: int = 1 << 30  # 1 GiB uncompressed
    max_total_size: int = 2 << 30  # 2 GiB uncompressed
    max_ratio: float = 200.0  # uncompressed / compressed; JSONL of reports compresses ~3-10x
    ratio_floor: int = 1 << 20  # members smaller than this are not ratio-checked (tiny files compress well)
    max_line: int = DEFAULT_MAX_LINE  # one set (a report's text and its annotations) per line
    max_sets: int = 200_000  # 20x the largest corpus measured; bounds the ids kept while verifying
    max_entities: int = 500_000


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class MemberInfo:
    sha256: str
    size: int

    def to_json(self) -> dict[str, Any]:
        return {"sha256": self.sha256, "size": self.size}


@dataclass(frozen=True)
class Manifest:
    annotator: str
    created: str  # ISO 8601, UTC
    app_version: str
    members: dict[str, MemberInfo]
    counts: dict[str, int] = field(default_factory=dict)
    format: str = FORMAT
    version: int = VERSION

    def to_json(self) -> dict[str, Any]:
        return {"format": self.format, "version": self.version, "annotator": self.annotator,
                "created": self.created, "app_version": self.app_version,
                "members": {name: info.to_json() for name, info in sorted(self.members.items())},
                "counts": dict(self.counts)}


@dataclass(frozen=True)
class BundleSet:
    """One annotation set with its report: a line of ``sets.jsonl``."""

    report: Report
    set: AnnotationSet
    incidents: tuple[Incident, ...] = ()


@dataclass(frozen=True)
class WorkflowPart:
    """The content of ``workflow.jsonl``: what travels besides sets and registry entries."""

    reports: tuple[Report, ...] = ()
    statuses: tuple[Status, ...] = ()
    comments: tuple[Comment, ...] = ()
    decisions: tuple[tuple[str, Decision], ...] = ()  # (report id, decision)

    @property
    def empty(self) -> bool:
        return not (self.reports or self.statuses or self.comments or self.decisions)

    @property
    def counts(self) -> dict[str, int]:
        return {"statuses": len(self.statuses), "comments": len(self.comments), "decisions": len(self.decisions)}


@dataclass(frozen=True)
class Bundle:
    """A verified bundle: returned by the reader only after every check has passed."""

    path: str
    manifest: Manifest
    sets: tuple[BundleSet, ...]
    entities: tuple[dict[str, Any], ...]
    workflow: WorkflowPart = field(default_factory=WorkflowPart)

    @property
    def annotator(self) -> str:
        return self.manifest.annotator
