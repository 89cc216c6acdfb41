"""Zip containers from outside (DOCX reports, exchange bundles, XMI and doccano zips): THE checks.

Everything that costs nothing is checked before anything is decompressed: the file's size, the entry
count announced by the end-of-central-directory record (read before ``zipfile`` parses a directory
that could list millions of entries), then each member's path (no zip-slip), duplicates,
encryption, compression method, declared size, the total, and the compression ratio. Members are
then read as streams that never yield more than their declared size (``zipfile`` stops there, and a
lying header fails its CRC), with a cap per read, so memory stays bounded whatever the file claims.
Damaged data (``BadZipFile``, ``zlib.error``, ``EOFError``, ...) becomes one sentence.

Callers pass ``fail``, which turns a detail into their own error type (``ReaderError``,
``FormatError``, ``BundleError``), so each reader keeps its one sentence naming the file.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, BinaryIO

from annotator.files.lines import DEFAULT_MAX_LINE, iter_lines

Fail = Callable[[str], Exception]
_DRIVE = re.compile(r"^[A-Za-z]:")
_CHUNK = 1 << 20
DAMAGE = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, ValueError,
          NotImplementedError, RuntimeError, KeyError)


@dataclass(frozen=True)
class ZipLimits:
    """What a hostile container can cost. Every reader of zips passes its own (tighter) values."""

    max_file_size: int = 2 << 30  # bytes on disk
    max_members: int = 10_000
    max_member_size: int = 1 << 30  # uncompressed, per member
    max_total_size: int = 2 << 30  # uncompressed, all members
    max_ratio: float = 200.0  # uncompressed / compressed, per member
    ratio_floor: int = 1 << 20  # members smaller than this are not ratio-checked (tiny files compress well)
    methods: tuple[int, ...] = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)


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


def declared_entries(fh: BinaryIO, size: int) -> int | None:
    """The entry count in the end-of-central-directory record, or None when absent or in ZIP64."""
    tail = min(size, 22 + 0xFFFF)
    fh.seek(size - tail)
    data = fh.read(tail)
    at = data.rfind(b"PK\x05\x06")
    if at < 0 or at + 22 > len(data):
        return None
    entries = int.from_bytes(data[at + 10:at + 12], "little")
    return None if entries == 0xFFFF else entries


def is_zip(path: Path) -> bool:
    """A cheap look at the magic number (``zipfile.is_zipfile`` parses the whole directory)."""
    try:
        with open(path, "rb") as fh:
            return fh.read(4) in (b"PK\x03\x04", b"PK\x05\x06")
    except OSError:
        return False


class SafeZip:
    """``with SafeZip(path, limits, fail) as z: for info in z.members(): z.read(info)``.

    Opening checks the whole directory against ``limits``; every problem is ``fail(detail)``."""

    def __init__(self, path: Path | str, limits: ZipLimits, fail: Fail, *, what: str = "zip file",
                 not_zip: str | None = None, data: bytes | None = None) -> None:
        self.path = Path(path)
        self.data = data  # the file's bytes when the caller holds them already (checked = parsed)
        self.limits = limits
        self.fail = fail
        self.what = what  # "a {what} may have"
        self.not_zip = not_zip or f"is not a {what} (it is not a zip archive)"
        self._fh: BinaryIO | None = None
        self._zip: zipfile.ZipFile | None = None
        self._infos: list[zipfile.ZipInfo] = []

    def __enter__(self) -> SafeZip:
        limits = self.limits
        try:
            if self.data is not None:
                size, self._fh = len(self.data), io.BytesIO(self.data)
            else:
                size = self.path.stat().st_size
                self._fh = open(self.path, "rb")
        except OSError as exc:
            raise self.fail(f"cannot be opened ({exc.strerror or exc})") from None
        try:
            if size > limits.max_file_size:
                raise self.fail(f"is {size:,} bytes, more than the {limits.max_file_size:,} a {self.what} may have")
            head = self._fh.read(4)
            declared = declared_entries(self._fh, size)
            if declared is not None and declared > limits.max_members:
                raise self.fail(f"holds {declared:,} members, more than the {limits.max_members:,} a {self.what} "
                                "may have")
            self._fh.seek(0)
            try:
                self._zip = zipfile.ZipFile(self._fh)
            except DAMAGE:
                if head.startswith(b"PK"):
                    raise self.fail("is truncated or damaged: its zip directory cannot be read") from None
                raise self.fail(self.not_zip) from None
            self._infos = self._zip.infolist()
            self._check_directory()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()
            self._zip = None
        if self._fh is not None:
            self._fh.close()
            self._fh = None

    def _check_directory(self) -> None:
        limits = self.limits
        if len(self._infos) > limits.max_members:
            raise self.fail(f"holds {len(self._infos):,} members, more than the {limits.max_members:,} a "
                            f"{self.what} may have")
        seen: set[str] = set()
        total = 0
        for info in self._infos:
            name = info.filename
            reason = unsafe_name(name)
            if reason:
                raise self.fail(f"refused: member {name!r:.80} has an unsafe path ({reason}); this is how "
                                "zip-slip attacks write outside a folder")
            if name in seen:  # names are safe from here on: printed as they are
                raise self.fail(f"refused: member {name} appears twice")
            seen.add(name)
            if info.flag_bits & 0x1:
                raise self.fail(f"refused: member {name} is encrypted")
            if info.compress_type not in limits.methods:
                raise self.fail(f"refused: member {name} uses an unsupported compression method")
            if info.file_size > limits.max_member_size:
                raise self.fail(f"refused: member {name} would unpack to {info.file_size:,} bytes, more than "
                                f"the limit of {limits.max_member_size:,}")
            total += info.file_size
            if total > limits.max_total_size:
                raise self.fail(f"refused: it would unpack to more than {limits.max_total_size:,} bytes")
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > limits.ratio_floor and ratio > limits.max_ratio:
                raise self.fail(f"refused: member {name} is compressed {ratio:,.0f} to 1, which marks a "
                                "decompression bomb")

    # -- members ---------------------------------------------------------------------------------
    def members(self) -> list[zipfile.ZipInfo]:
        """Every checked member (folders included; ``info.is_dir()`` tells them apart)."""
        return list(self._infos)

    def names(self) -> set[str]:
        return {i.filename for i in self._infos}

    def info(self, name: str) -> zipfile.ZipInfo:
        assert self._zip is not None
        try:
            return self._zip.getinfo(name)
        except KeyError:
            raise self.fail(f"has no member {name}") from None

    def open(self, info: zipfile.ZipInfo) -> MemberStream:
        """A stream of one member: never more than its declared size; damage becomes ``fail``."""
        assert self._zip is not None
        try:
            return MemberStream(self._zip.open(info), info.filename, self.fail)
        except DAMAGE as exc:
            raise self.fail(_damaged(info.filename, exc)) from None

    def read(self, info: zipfile.ZipInfo, cap: int | None = None) -> bytes:
        """All of one member, refusing one that unpacks to more than ``cap`` (default: its limit)."""
        cap = self.limits.max_member_size if cap is None else cap
        if info.file_size > cap:
            raise self.fail(f"refused: member {info.filename} would unpack to {info.file_size:,} bytes, more "
                            f"than the {cap:,} it may have")
        chunks: list[bytes] = []
        size = 0
        with self.open(info) as stream:
            while chunk := stream.read(_CHUNK):
                size += len(chunk)
                if size > cap:
                    raise self.fail(f"refused: member {info.filename} unpacks to more than {cap:,} bytes")
                chunks.append(chunk)
        return b"".join(chunks)

    def lines(self, info: zipfile.ZipInfo, *, max_line: int = DEFAULT_MAX_LINE) -> Iterator[tuple[int, bytes]]:
        """(line number, line) of every non-blank line of a member, streamed (``files.lines``)."""
        with self.open(info) as stream:
            yield from iter_lines(stream, max_line=max_line,
                                  too_long=lambda n: self.fail(f"{info.filename} line {n} is longer than "
                                                               f"{max_line:,} bytes"))


def _damaged(name: str, exc: BaseException) -> str:
    return f"is damaged: member {name} cannot be read ({str(exc) or type(exc).__name__})"


class MemberStream:
    """A member stream whose decompression errors become the caller's one sentence."""

    def __init__(self, raw: IO[bytes], name: str, fail: Fail) -> None:
        self._raw = raw
        self._name = name
        self._fail = fail

    def read(self, n: int = -1) -> bytes:
        try:
            return self._raw.read(n)
        except DAMAGE as exc:
            raise self._fail(_damaged(self._name, exc)) from None

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        self._raw.close()

    def __enter__(self) -> MemberStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
