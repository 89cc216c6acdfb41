"""The format registry as the shells see it, and stored reports offered to format readers."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from annotator.core.errors import FormatError, MissingExtraError, UsageError
from annotator.core.report import Report
from annotator.events.datasets import DATASETS
from annotator.services.context import ServiceContext

if TYPE_CHECKING:
    from annotator.formats.base import Format

EVENT_FORMATS = DATASETS  # export only: the events in the datasets' own columns (services.event_export)
_EVENT_FILES = {"acled": (".csv", "ACLED's columns"), "ucdp-ged": (".csv", "UCDP GED's columns"),
                "plover": (".jsonl", "one PLOVER record per line"), "stix": (".json", "one STIX 2.1 bundle")}

_EXTRA_MODULES = {"spacy": "spacy", "xmi": "cassis"}


@dataclass(frozen=True)
class FormatInfo:
    name: str
    extensions: tuple[str, ...]
    can_read: bool
    can_write: bool
    extra: str | None
    extra_installed: bool
    carries_text: bool
    nesting: str

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _registry() -> tuple[Format, ...]:
    """The formats (imported on first use: listing commands stay light)."""
    from annotator.formats import FORMATS  # noqa: PLC0415 (the format modules cost 0.2 s to import; only when a format is used)

    return FORMATS


def extra_installed(extra: str | None) -> bool:
    return extra is None or importlib.util.find_spec(_EXTRA_MODULES.get(extra, extra)) is not None


def list_formats() -> list[FormatInfo]:
    return [FormatInfo(f.NAME, tuple(f.EXTENSIONS), bool(f.CAN_READ), bool(f.CAN_WRITE), f.EXTRA,
                       extra_installed(f.EXTRA), bool(f.CARRIES_TEXT), f.NESTING)
            for f in _registry()]


def list_event_formats() -> list[FormatInfo]:
    """The event formats described as the corpus formats are, for a shell that offers both in one list:
    export only, no text, one row or record per event (an event missing what the dataset needs is listed
    in the summary, not written)."""
    return [FormatInfo(name, (_EVENT_FILES[name][0],), False, True, None, True, False,
                       f"events only ({_EVENT_FILES[name][1]}): one row or record per event of the claims; an "
                       f"event lacking what the dataset requires is named in the summary, not written")
            for name in EVENT_FORMATS]


def _format(name: str) -> Format:
    fmt = next((f for f in _registry() if name == f.NAME), None)
    if fmt is None:  # bad usage, named as an option (it read as a file: "acledd: is not …")
        names = ", ".join(f.NAME for f in _registry())
        raise UsageError(f"--format {name} is not a known format (corpus formats: {names}; conflict-event "
                         f"formats, export only: {', '.join(EVENT_FORMATS)})")
    if fmt.EXTRA is not None and not extra_installed(fmt.EXTRA):
        raise MissingExtraError(name, f"the {name} format", fmt.EXTRA)
    return fmt


def readable_format(name: str) -> Format:
    fmt = _format(name)
    if not fmt.CAN_READ:
        raise FormatError(name, None, "can be written but not read")
    return fmt


def writable_format(name: str) -> Format:
    fmt = _format(name)
    if not fmt.CAN_WRITE:
        raise FormatError(name, None, "can be read but not written")
    return fmt


class KnownReports:
    """Read-only access to stored reports for readers that must match text they do not carry."""

    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def get(self, report_id: str) -> Report | None:
        with self._ctx.uow() as uow:
            return uow.repo.report(report_id) if uow.repo.has_report(report_id) else None

    def __contains__(self, report_id: object) -> bool:
        return isinstance(report_id, str) and self.get(report_id) is not None

    def __getitem__(self, report_id: str) -> Report:
        report = self.get(report_id)
        if report is None:
            raise KeyError(report_id)
        return report

    def __iter__(self) -> Iterator[Report]:
        with self._ctx.uow() as uow:
            ids = uow.repo.report_ids()
        for rid in ids:
            report = self.get(rid)
            if report is not None:
                yield report

    def values(self) -> Iterator[Report]:
        return iter(self)
