"""Reading a bundle: every check passes before anything is returned, so a caller never stores part
of a bad file, and memory stays bounded whatever the file holds.

Order matters: what costs nothing to check (the zip directory, member names, the manifest, declared
sizes and compression ratios: ``files.containers``) is checked before any member is decompressed.
Then three streamed passes: (1) each member's SHA-256 and size against the manifest, (2) every line
parsed and checked (and handed to the caller's ``check``), keeping only ids to find repeats, (3) the
sets and entities built for the caller, kept from pass 2 when the members are small. A refused
bundle therefore never holds more than one line in memory, a 1 GiB member of blank lines costs
nothing, and foreign, truncated, tampered, zip-slip and decompression-bomb files are each refused
with one sentence naming the file."""

from __future__ import annotations

import hashlib
import re
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from annotator.core.errors import ValidationError
from annotator.core.ids import annotator_name
from annotator.exchange.bundle_format import (
    DATA_MEMBERS,
    DEFAULT_LIMITS,
    ENTITIES,
    FORMAT,
    MANIFEST,
    OPTIONAL_MEMBERS,
    SETS,
    SUFFIX,
    VERSION,
    WORKFLOW,
    Bundle,
    BundleError,
    BundleSet,
    Limits,
    Manifest,
    MemberInfo,
    WorkflowPart,
)
from annotator.exchange.lines import LineError, parse_entity, parse_set
from annotator.exchange.workflow_lines import parse_workflow
from annotator.files.containers import SafeZip, ZipLimits, unsafe_name  # noqa: F401 - unsafe_name for callers
from annotator.files.json_input import JsonInputError, parse_json

_CHUNK = 1 << 20
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
KEEP_PARSED_BELOW = 16 << 20  # members up to this size are parsed once; larger ones again in pass 3

SetCheck = Callable[[BundleSet], None]


def looks_like_bundle(path: Path) -> bool:
    """Whether ``path`` is named or built as a bundle (a zip holding a manifest), before any check: so a
    bundle given to another command is named for what it is, not refused as "not a Word document"."""
    if path.suffix.lower() == SUFFIX:
        return True
    try:
        with SafeZip(path, ZipLimits(), lambda detail: BundleError(path, detail), what="bundle",
                     not_zip="is not a zip archive") as archive:
            return MANIFEST in archive.names()
    except (BundleError, OSError):
        return False


def read_bundle(path: Path | str, *, limits: Limits = DEFAULT_LIMITS, check: SetCheck | None = None) -> Bundle:
    """The verified content of the bundle at ``path``; raises ``BundleError`` on the first problem.

    ``check`` sees every set during verification (before anything is kept) and raises
    ``BundleError`` to refuse the bundle: the schema check of an import runs there."""
    path = Path(path)
    if not path.is_file():
        raise BundleError(path, "does not exist" if not path.exists() else "is not a file")
    fail: Callable[[str], Exception] = lambda detail: BundleError(path, detail)  # noqa: E731
    zip_limits = ZipLimits(max_file_size=limits.max_file_size, max_members=limits.max_members,
                           max_member_size=limits.max_member_size, max_total_size=limits.max_total_size,
                           max_ratio=limits.max_ratio, ratio_floor=limits.ratio_floor)
    with SafeZip(path, zip_limits, fail, what="bundle",
                 not_zip="is not an annotator bundle (it is not a zip archive)") as archive:
        if MANIFEST not in archive.names():
            raise BundleError(path, f"is not an annotator bundle (it has no {MANIFEST})")
        manifest = _read_manifest(path, archive, limits)
        infos = _check_members(path, archive.members(), manifest)
        present = [name for name in (*DATA_MEMBERS, *OPTIONAL_MEMBERS) if name in manifest.members]
        for name in present:
            _verify_checksum(path, archive, infos[name], manifest.members[name])
        small = all(infos[name].file_size <= KEEP_PARSED_BELOW for name in DATA_MEMBERS)
        sets, entities = _scan(path, archive, infos, manifest, limits, check, keep=small)
        if not small:
            sets, entities = _scan(path, archive, infos, manifest, limits, None, keep=True)
        workflow = _parse_workflow(path, archive, infos[WORKFLOW], manifest, limits) if WORKFLOW in present \
            else WorkflowPart()
    return Bundle(str(path), manifest, tuple(sets), tuple(entities), workflow)


def _read_manifest(path: Path, archive: SafeZip, limits: Limits) -> Manifest:
    info = archive.info(MANIFEST)
    if info.file_size > limits.max_manifest_size:
        raise BundleError(path, f"refused: its {MANIFEST} would unpack to {info.file_size} bytes")
    try:
        obj = parse_json(archive.read(info, limits.max_manifest_size))
    except JsonInputError:
        raise BundleError(path, f"is not an annotator bundle ({MANIFEST} is not valid JSON)") from None
    if not isinstance(obj, dict) or obj.get("format") != FORMAT:
        raise BundleError(path, f"is not an annotator bundle (its {MANIFEST} is not of format '{FORMAT}')")
    version = obj.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise BundleError(path, f"has a malformed {MANIFEST} (version {version!r:.30})")
    if version > VERSION:
        raise BundleError(path, f"was written by a newer annotator (bundle format version {version}; this "
                                f"program reads version {VERSION}): update annotator on this workstation")
    who_raw = obj.get("annotator")
    try:
        who = annotator_name(who_raw if isinstance(who_raw, str) else "")
    except ValidationError as exc:
        raise BundleError(path, f"has a malformed {MANIFEST}: {exc}") from None
    members = obj.get("members")
    if not isinstance(members, dict):
        raise BundleError(path, f"has a malformed {MANIFEST} (no member list)")
    infos: dict[str, MemberInfo] = {}
    for name, entry in members.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("sha256"), str) \
                or not _HEX64.match(entry["sha256"]) or not isinstance(entry.get("size"), int) \
                or isinstance(entry.get("size"), bool) or entry["size"] < 0:
            raise BundleError(path, f"has a malformed {MANIFEST} (entry for {name!r:.60})")
        infos[str(name)] = MemberInfo(entry["sha256"], entry["size"])
    counts = obj.get("counts") or {}
    if not isinstance(counts, dict) or not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0
                                               for v in counts.values()):
        raise BundleError(path, f"has a malformed {MANIFEST} (counts)")
    for what, most in (("sets", limits.max_sets), ("entities", limits.max_entities)):
        if counts.get(what, 0) > most:
            raise BundleError(path, f"refused: it announces {counts[what]:,} {what}, more than the {most:,} a "
                                    "bundle may hold")
    return Manifest(who, str(obj.get("created") or ""), str(obj.get("app_version") or ""), infos,
                    {str(k): v for k, v in counts.items()}, version=version)


def _check_members(path: Path, infos: list[zipfile.ZipInfo], manifest: Manifest) -> dict[str, zipfile.ZipInfo]:
    """Exactly the listed members, each of the size the manifest declares (directory only)."""
    present = {i.filename: i for i in infos if i.filename != MANIFEST}
    known = DATA_MEMBERS + (OPTIONAL_MEMBERS if manifest.version >= 3 else ())
    for name in manifest.members:
        if name not in known:
            raise BundleError(path, f"is not a version-{VERSION} bundle: its manifest lists an unknown "
                                    f"member {name!r:.60}")
        if name not in present:
            raise BundleError(path, f"is incomplete: member {name} listed in its manifest is missing")
    for name in present:
        if name not in manifest.members:
            raise BundleError(path, f"refused: it holds member {name!r:.60}, which its manifest does not list")
    for name in DATA_MEMBERS:
        if name not in manifest.members:
            raise BundleError(path, f"is incomplete: its manifest does not list {name}")
    for name, info in present.items():
        if info.file_size != manifest.members[name].size:
            raise BundleError(path, f"was altered or damaged: member {name} is {info.file_size:,} bytes but its "
                                    f"manifest says {manifest.members[name].size:,}")
    return present


def _verify_checksum(path: Path, archive: SafeZip, info: zipfile.ZipInfo, expected: MemberInfo) -> None:
    """Pass 1: the member's SHA-256 and size, streamed (nothing is kept)."""
    digest = hashlib.sha256()
    size = 0
    with archive.open(info) as stream:
        while chunk := stream.read(_CHUNK):
            size += len(chunk)
            if size > expected.size:
                break
            digest.update(chunk)
    if size != expected.size or digest.hexdigest() != expected.sha256:
        raise BundleError(path, f"was altered or damaged: the SHA-256 checksum of {info.filename} does not "
                                "match its manifest")


def _lines(archive: SafeZip, info: zipfile.ZipInfo, limits: Limits) -> Iterator[tuple[int, bytes]]:
    return archive.lines(info, max_line=limits.max_line)


def _scan(path: Path, archive: SafeZip, infos: dict[str, zipfile.ZipInfo], manifest: Manifest, limits: Limits,
          check: SetCheck | None, *, keep: bool) -> tuple[list[BundleSet], list[dict[str, Any]]]:
    """Passes 2 and 3: every line parsed and checked; the results kept only when ``keep``."""
    sets: list[BundleSet] = []
    seen: set[bytes] = set()
    counts = {"sets": 0, "spans": 0, "relations": 0, "events": 0, "entities": 0}
    for n, raw in _lines(archive, infos[SETS], limits):
        try:
            item = parse_set(raw, manifest.annotator)
        except LineError as exc:
            raise BundleError(path, f"{SETS} line {n}: {exc}") from None
        key = bytes.fromhex(item.report.id)
        if key in seen:
            raise BundleError(path, f"{SETS} line {n} repeats report {item.report.id[:12]}…")
        seen.add(key)
        counts["sets"] += 1
        counts["spans"] += len(item.set.spans)
        counts["relations"] += len(item.set.relations)
        counts["events"] += len(item.set.events)
        if counts["sets"] > limits.max_sets:
            raise BundleError(path, f"refused: it holds more than the {limits.max_sets:,} sets a bundle may hold")
        if check is not None:
            check(item)
        if keep:
            sets.append(item)
    entities: list[dict[str, Any]] = []
    seen_entities: set[str] = set()
    for n, raw in _lines(archive, infos[ENTITIES], limits):
        try:
            entity = parse_entity(raw)
        except LineError as exc:
            raise BundleError(path, f"{ENTITIES} line {n}: {exc}") from None
        if entity["id"] in seen_entities:
            raise BundleError(path, f"{ENTITIES} line {n} repeats entity {entity['id']}")
        seen_entities.add(entity["id"])
        counts["entities"] += 1
        if counts["entities"] > limits.max_entities:
            raise BundleError(path, f"refused: it holds more than the {limits.max_entities:,} registry entries a "
                                    "bundle may hold")
        if keep:
            entities.append(entity)
    for what, found in counts.items():
        declared = manifest.counts.get(what)
        if declared is not None and declared != found:
            raise BundleError(path, f"its manifest announces {declared} {what} but it holds {found} "
                                    "(the file was altered)")
    return sets, entities


def _parse_workflow(path: Path, archive: SafeZip, info: zipfile.ZipInfo, manifest: Manifest,
                    limits: Limits) -> WorkflowPart:
    """The workflow member (statuses, comments, decisions), its counts checked against the manifest."""
    try:
        workflow = parse_workflow(list(_lines(archive, info, limits)))
    except LineError as exc:
        raise BundleError(path, f"{WORKFLOW} {exc}") from None
    for what, found in workflow.counts.items():
        declared = manifest.counts.get(what)
        if declared is not None and declared != found:
            raise BundleError(path, f"its manifest announces {declared} {what} but it holds {found} "
                                    "(the file was altered)")
    return workflow
