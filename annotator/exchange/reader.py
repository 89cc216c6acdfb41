"""Reading a bundle: every check passes before anything is returned, so a caller never stores part
of a bad file.

Order matters: what costs nothing to check (the zip directory, member names, the manifest, declared
sizes and compression ratios) is checked before any member is decompressed, and each member is then
read with a hard cap while its SHA-256 is computed. Foreign, truncated, tampered, zip-slip and
decompression-bomb files are each refused with one sentence naming the file."""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
import zlib
from pathlib import Path
from typing import Any, BinaryIO

from annotator.core.errors import ValidationError
from annotator.core.ids import annotator_name
from annotator.exchange.bundle_format import (DATA_MEMBERS, DEFAULT_LIMITS, ENTITIES, FORMAT, MANIFEST,
                                              OPTIONAL_MEMBERS, SETS, VERSION, WORKFLOW, Bundle, BundleError,
                                              BundleSet, Limits, Manifest, MemberInfo, WorkflowPart)
from annotator.exchange.lines import LineError, parse_entity, parse_set
from annotator.exchange.workflow_lines import parse_workflow

_CHUNK = 1 << 20
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_DRIVE = re.compile(r"^[A-Za-z]:")
_METHODS = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)


def read_bundle(path: Path | str, *, limits: Limits = DEFAULT_LIMITS) -> Bundle:
    """The verified content of the bundle at ``path``; raises ``BundleError`` on the first problem."""
    path = Path(path)
    if not path.is_file():
        raise BundleError(path, "does not exist" if not path.exists() else "is not a file")
    size = path.stat().st_size
    if size > limits.max_file_size:
        raise BundleError(path, f"refused: it is {size:,} bytes, more than the {limits.max_file_size:,} a bundle "
                                "may have")
    with open(path, "rb") as fh:
        head = fh.read(4)
        declared = _declared_entries(fh, size)
        if declared is not None and declared > limits.max_members:
            raise BundleError(path, f"refused: it holds {declared} members, more than the {limits.max_members} "
                                    "a bundle may have")
        fh.seek(0)
        try:
            archive = zipfile.ZipFile(fh)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
            if head.startswith(b"PK"):
                raise BundleError(path, "is truncated or damaged: its zip directory cannot be read "
                                        "(copy the bundle again)") from None
            raise BundleError(path, "is not an annotator bundle (it is not a zip archive)") from None
        with archive:
            infos = archive.infolist()
            check_structure(path, infos, limits)
            manifest = _read_manifest(path, archive, limits)
            data_infos = _check_members(path, infos, manifest, limits)
            data = {name: _read_member(path, archive, data_infos[name], manifest.members[name], limits)
                    for name in (*DATA_MEMBERS, *OPTIONAL_MEMBERS) if name in manifest.members}
    sets = _parse_sets(path, data.pop(SETS), manifest.annotator)
    entities = _parse_entities(path, data.pop(ENTITIES))
    workflow = _parse_workflow(path, data.pop(WORKFLOW)) if WORKFLOW in data else WorkflowPart()
    found_counts = (("sets", len(sets)), ("spans", sum(len(b.set.spans) for b in sets)),
                    ("relations", sum(len(b.set.relations) for b in sets)),
                    ("events", sum(len(b.set.events) for b in sets)), ("entities", len(entities)),
                    *workflow.counts.items())
    for what, found in found_counts:
        declared = manifest.counts.get(what)
        if declared is not None and declared != found:
            raise BundleError(path, f"its manifest announces {declared} {what} but it holds {found} "
                                    "(the file was altered)")
    return Bundle(str(path), manifest, sets, entities, workflow)


def _declared_entries(fh: BinaryIO, size: int) -> int | None:
    """The entry count in the end-of-central-directory record, read before ``zipfile`` parses a
    directory that could list millions of entries; None when absent or deferred to ZIP64."""
    tail = min(size, 22 + 0xFFFF)
    fh.seek(size - tail)
    data = fh.read(tail)
    at = data.rfind(b"PK\x05\x06")
    if at < 0 or at + 22 > len(data):
        return None
    entries = int.from_bytes(data[at + 10:at + 12], "little")
    return None if entries == 0xFFFF else entries


def unsafe_name(name: str) -> str | None:
    """Why a member name could write outside a target folder (zip-slip), or None when it is safe."""
    if not name:
        return "it is empty"
    if "\\" in name:
        return "it contains a backslash"
    if name.startswith("/"):
        return "it is an absolute path"
    if _DRIVE.match(name):
        return "it names a drive"
    if any(ord(ch) < 32 for ch in name):
        return "it contains control characters"
    parts = name.rstrip("/").split("/")
    if ".." in parts:
        return "it climbs out of the folder with '..'"
    if any(p in ("", ".") for p in parts):
        return "it is not a plain relative path"
    return None


def check_structure(path: Path, infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    """Member count, names, duplicates, encryption and compression methods (from the directory only)."""
    if len(infos) > limits.max_members:
        raise BundleError(path, f"refused: it holds {len(infos)} members, more than the {limits.max_members} "
                                "a bundle may have")
    seen: set[str] = set()
    for info in infos:
        reason = unsafe_name(info.filename)
        if reason:
            raise BundleError(path, f"refused: member {info.filename!r} has an unsafe path ({reason}); "
                                    "this is how zip-slip attacks write outside a folder")
        if info.filename in seen:
            raise BundleError(path, f"refused: member {info.filename!r} appears twice")
        seen.add(info.filename)
        if info.flag_bits & 0x1:
            raise BundleError(path, f"refused: member {info.filename!r} is encrypted")
        if info.compress_type not in _METHODS:
            raise BundleError(path, f"refused: member {info.filename!r} uses an unsupported compression method")
    if MANIFEST not in seen:
        raise BundleError(path, f"is not an annotator bundle (it has no {MANIFEST})")


def _read_manifest(path: Path, archive: zipfile.ZipFile, limits: Limits) -> Manifest:
    info = archive.getinfo(MANIFEST)
    if info.file_size > limits.max_manifest_size:
        raise BundleError(path, f"refused: its {MANIFEST} would unpack to {info.file_size} bytes")
    raw = _read_capped(path, archive, info, limits.max_manifest_size)
    try:
        obj = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise BundleError(path, f"is not an annotator bundle ({MANIFEST} is not valid JSON)") from None
    if not isinstance(obj, dict) or obj.get("format") != FORMAT:
        raise BundleError(path, f"is not an annotator bundle (its {MANIFEST} is not of format '{FORMAT}')")
    version = obj.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise BundleError(path, f"has a malformed {MANIFEST} (version {version!r})")
    if version > VERSION:
        raise BundleError(path, f"was written by a newer annotator (bundle format version {version}; this "
                                f"program reads version {VERSION}): update annotator on this workstation")
    try:
        who = annotator_name(str(obj.get("annotator") or ""))
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
    if not isinstance(counts, dict) or not all(isinstance(v, int) for v in counts.values()):
        raise BundleError(path, f"has a malformed {MANIFEST} (counts)")
    return Manifest(who, str(obj.get("created") or ""), str(obj.get("app_version") or ""), infos,
                    {str(k): v for k, v in counts.items()}, version=version)


def _check_members(path: Path, infos: list[zipfile.ZipInfo], manifest: Manifest,
                   limits: Limits) -> dict[str, zipfile.ZipInfo]:
    """Exactly the listed members, each within the size and ratio caps (declared sizes only)."""
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
    total = 0
    for name, info in present.items():
        size = info.file_size
        if size > limits.max_member_size:
            raise BundleError(path, f"refused: member {name} would unpack to {size:,} bytes, more than the "
                                    f"limit of {limits.max_member_size:,}")
        total += size
        if total > limits.max_total_size:
            raise BundleError(path, f"refused: it would unpack to more than {limits.max_total_size:,} bytes")
        ratio = size / max(info.compress_size, 1)
        if size > limits.ratio_floor and ratio > limits.max_ratio:
            raise BundleError(path, f"refused: member {name} is compressed {ratio:,.0f} to 1, which marks a "
                                    "decompression bomb")
        if size != manifest.members[name].size:
            raise BundleError(path, f"was altered or damaged: member {name} is {size:,} bytes but its "
                                    f"manifest says {manifest.members[name].size:,}")
    return present


def _read_member(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo, expected: MemberInfo,
                 limits: Limits) -> bytes:
    data = _read_capped(path, archive, info, min(info.file_size, limits.max_member_size))
    if len(data) != expected.size or hashlib.sha256(data).hexdigest() != expected.sha256:
        raise BundleError(path, f"was altered or damaged: the SHA-256 checksum of {info.filename} does not "
                                "match its manifest")
    return data


def _read_capped(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> bytes:
    """Decompress one member, never more than ``cap`` bytes, whatever its header claims."""
    chunks: list[bytes] = []
    size = 0
    try:
        with archive.open(info) as stream:
            while True:
                chunk = stream.read(_CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > cap:
                    raise BundleError(path, f"refused: member {info.filename} unpacks to more than "
                                            f"{cap:,} bytes")
                chunks.append(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
        raise BundleError(path, f"is damaged or was altered: member {info.filename} cannot be read "
                                f"({str(exc) or type(exc).__name__})") from None
    return b"".join(chunks)


def _lines(data: bytes) -> list[tuple[int, bytes]]:
    return [(n, raw) for n, raw in enumerate(data.split(b"\n"), start=1) if raw.strip()]


def _parse_sets(path: Path, data: bytes, annotator: str) -> tuple[BundleSet, ...]:
    sets: list[BundleSet] = []
    seen: set[str] = set()
    for n, raw in _lines(data):
        try:
            item = parse_set(raw, annotator)
        except LineError as exc:
            raise BundleError(path, f"{SETS} line {n}: {exc}") from None
        if item.report.id in seen:
            raise BundleError(path, f"{SETS} line {n} repeats report {item.report.id[:12]}…")
        seen.add(item.report.id)
        sets.append(item)
    return tuple(sets)


def _parse_workflow(path: Path, data: bytes) -> WorkflowPart:
    try:
        return parse_workflow(_lines(data))
    except LineError as exc:
        raise BundleError(path, f"{WORKFLOW} {exc}") from None


def _parse_entities(path: Path, data: bytes) -> tuple[dict[str, Any], ...]:
    entities: list[dict[str, Any]] = []
    seen: set[str] = set()
    for n, raw in _lines(data):
        try:
            entity = parse_entity(raw)
        except LineError as exc:
            raise BundleError(path, f"{ENTITIES} line {n}: {exc}") from None
        if entity["id"] in seen:
            raise BundleError(path, f"{ENTITIES} line {n} repeats entity {entity['id']}")
        seen.add(entity["id"])
        entities.append(entity)
    return tuple(entities)
