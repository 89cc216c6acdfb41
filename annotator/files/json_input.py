"""JSON from outside, parsed with limits: THE loader every JSON-based reader and importer calls.

Whatever the parser raises becomes ``JsonInputError`` with one sentence (and the line where known):
invalid JSON, text that is not UTF-8, nesting deep enough to exhaust the parser's stack
(``[[[[…]]]]`` 100,000 levels deep raised ``RecursionError`` in every importer), a file or line
beyond its size limit, the non-standard constants ``NaN``/``Infinity``, and ``\\ud800``-style escapes
that decode to a lone surrogate (which no database or UTF-8 file can store). Shapes are the
reader's business: callers still check that an object is an object (``expect``)."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from annotator.core.storable import json_kind
from annotator.files.lines import DEFAULT_MAX_LINE, ByteStream, LineTooLong, iter_lines

MAX_JSON_FILE = 512 << 20  # a whole-document JSON export (Label Studio, W3C, registry, schema)
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
# a run of 19 digits may be an integer beyond 64 bits, which orjson reads as a float; in bytes it is found
# by mapping every digit to 9 and everything else to a space (20 times faster than a regular expression)
_DIGITS_AS_NINES = bytes(0x39 if 0x30 <= b <= 0x39 else 0x20 for b in range(256))
_LONG_DIGITS, _LONG_DIGITS_TEXT = b"9" * 19, re.compile(r"[0-9]{19}")


class JsonInputError(ValueError):
    """One sentence about JSON input; ``line`` is the line in the file, when known."""

    def __init__(self, detail: str, line: int | None = None) -> None:
        self.detail = detail
        self.line = line
        super().__init__(detail)


def _refuse_constant(name: str) -> Any:
    raise JsonInputError(f"holds {name}, which is not a JSON number")


def parse_json(raw: bytes | str, *, line: int | None = None) -> Any:
    """The value of one JSON document (a file's content or one line), or ``JsonInputError``.

    orjson parses it first (a corpus load spent 3.5 s of CPU in the standard parser): what it accepts,
    it reads as the standard module does, but for integers beyond 64 bits (floats there), so a text with
    a run of 19 digits skips it. Anything it refuses (invalid JSON, a lone surrogate, NaN, 1e400, a
    byte-order mark, deep nesting) goes to the standard module, whose value or sentence is the answer."""
    if not (_LONG_DIGITS in raw.translate(_DIGITS_AS_NINES) if isinstance(raw, bytes)
            else _LONG_DIGITS_TEXT.search(raw)):
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError:
            pass
    return standard_parse(raw, line)


def decode_failure(exc: ValueError) -> str:
    """Where a JSON value stops being JSON, in words (``json.loads``'s error, for a value stored in a
    database: no line or column to name, a character position)."""
    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.msg.lower()} at character {exc.pos + 1}"
    return "it cannot be decoded as text"


def standard_parse(raw: bytes | str, line: int | None = None) -> Any:
    """``parse_json`` through the standard module alone: the reference its fast path is tested against."""
    if isinstance(raw, bytes):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise JsonInputError(f"is not UTF-8 text (byte {exc.start} cannot be decoded)", line) from None
    else:
        text = raw
    text = text.removeprefix("\ufeff")
    try:
        value = json.loads(text, parse_constant=_refuse_constant)
    except JsonInputError as exc:
        raise JsonInputError(exc.detail, line) from None
    except json.JSONDecodeError as exc:
        where = line if line is not None else exc.lineno
        column = exc.colno if line is None or exc.lineno == 1 else None
        what = exc.msg.removesuffix(" at")  # "Unterminated string starting at": the column says where
        raise JsonInputError(f"is not valid JSON ({what}{f' at column {column}' if column else ''})",
                             where) from None
    except RecursionError:
        raise JsonInputError("nests JSON arrays or objects too deeply to be read", line) from None
    if "\\u" in text and _SURROGATE_ESCAPE.search(text):
        _refuse_lone_surrogates(value, line)
    return value


def _refuse_lone_surrogates(value: Any, line: int | None) -> None:
    """A paired ``\\ud83d\\ude00`` decodes to one character; an unpaired one cannot be stored."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            _check_text(item, line)
        elif isinstance(item, dict):
            for key, v in item.items():
                _check_text(key, line)
                stack.append(v)
        elif isinstance(item, list):
            stack.extend(item)


def _check_text(text: str, line: int | None) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise JsonInputError(f"holds an unpaired surrogate escape (\\u{ord(text[exc.start]):04x}), which is not a "
                             "character", line) from None


def load_json_file(path: Path | str, *, max_bytes: int = MAX_JSON_FILE) -> Any:
    """The value of a whole-file JSON document, refusing one larger than ``max_bytes``."""
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            if size > max_bytes:
                raise JsonInputError(f"is larger than the {max_bytes // (1 << 20):,} MB a JSON file may have")
            data = fh.read(size + 1)  # a file growing meanwhile shows as too large below
    except IsADirectoryError:
        raise JsonInputError("is a folder, not a JSON file") from None
    except OSError as exc:
        raise JsonInputError(f"cannot be read ({exc.strerror or exc})") from None
    if len(data) > size:
        raise JsonInputError("grew while it was being read; try again when it is complete")
    return parse_json(data)


def iter_json_lines(stream: ByteStream, *, max_line: int = DEFAULT_MAX_LINE) -> Iterator[tuple[int, Any]]:
    """(line number, value) of each non-blank line of a JSON Lines stream (binary), streamed."""
    lines = iter_lines(stream, max_line=max_line)
    while True:
        try:
            number, raw = next(lines)
        except StopIteration:
            return
        except LineTooLong as exc:
            raise JsonInputError(f"is longer than {exc.limit // (1 << 20):,} MB, more than a JSON line may have",
                                 exc.line) from None
        yield number, parse_json(raw, line=number)


def expect(value: Any, kind: type | tuple[type, ...], what: str, line: int | None = None) -> Any:
    """``value`` when it has the JSON type a reader expects, else one sentence naming ``what``."""
    if isinstance(value, kind) and not (isinstance(value, bool) and kind in (int, (int,))):
        return value
    names = {dict: "an object", list: "a list", str: "a string", int: "an integer", float: "a number",
             bool: "true or false", type(None): "null"}
    wanted = " or ".join(names.get(k, k.__name__) for k in (kind if isinstance(kind, tuple) else (kind,)))
    raise JsonInputError(f"{what} is {json_kind(value)}, not {wanted}", line)
