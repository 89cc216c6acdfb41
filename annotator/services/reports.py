"""Importing reports from files and listing them.

One transaction per file: a bad file is reported and leaves nothing behind, the good ones are kept.
The same text from any file or encoding is the same report (``existing``)."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from annotator.core.errors import AnnotatorError, NotFound, PermissionDenied, ReaderError, StorageError, bug_detail
from annotator.core.iso_dates import iso_day
from annotator.core.progress import CancelToken, ProgressFn, no_progress
from annotator.core.report import Report
from annotator.core.storable import report_problem
from annotator.core.titles import retitled
from annotator.core.workflow import returned_because
from annotator.exchange.reader import looks_like_bundle
from annotator.readers import read_report_file, supported_suffixes
from annotator.services.context import ServiceContext
from annotator.services.search_index import index_report

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ImportedReport:
    id: str
    title: str
    status: str  # "new" | "existing"
    path: str


@dataclass(frozen=True)
class ImportFailure:
    path: str
    error: str
    unexpected: bool = False  # a bug, not the file's fault


@dataclass
class ImportResult:
    reports: list[ImportedReport] = field(default_factory=list)
    errors: list[ImportFailure] = field(default_factory=list)
    cancelled: bool = False

    def to_json(self) -> dict[str, object]:
        return {"reports": [r.__dict__ for r in self.reports],
                "errors": [{"path": e.path, "error": e.error} for e in self.errors]}


@dataclass(frozen=True)
class ReportSummary:
    id: str
    title: str
    published: str | None
    chars: int
    source: str | None
    direction: str
    language: str | None
    annotators: dict[str, int]
    statuses: dict[str, str] = field(default_factory=dict)  # annotator -> workflow status (gold: curation)
    questions: int = 0  # open questions for the supervisor
    returned: dict[str, str] = field(default_factory=dict)  # annotator -> "by NAME: reason" of returned work

    def to_json(self) -> dict[str, object]:
        return {"id": self.id, "title": self.title, "published": self.published, "chars": self.chars,
                "annotators": dict(self.annotators)}


def expand_paths(paths: Iterable[Path]) -> Iterator[Path]:
    """Files as given, and folders recursively (supported suffixes only, hidden files skipped)."""
    suffixes = set(supported_suffixes())
    for path in paths:
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    p = Path(root) / name
                    if not name.startswith(".") and p.suffix.lower() in suffixes:
                        yield p
        else:
            yield path


def import_reports(ctx: ServiceContext, paths: Iterable[Path | str], *, title: str | None = None,
                   published: str | None = None, source: str | None = None,
                   progress: ProgressFn = no_progress, cancel: CancelToken | None = None) -> ImportResult:
    """Import files and folders; metadata options override what the file says."""
    files = list(expand_paths(Path(p) for p in paths))
    result = ImportResult()
    for i, path in enumerate(files):
        if cancel is not None and cancel.cancelled:
            result.cancelled = True
            break
        progress(i, len(files), path.name)
        try:
            report = report_from_file(path, title=title, published=published, source=source)
            status = store_report(ctx, report, origin=str(path))
        except (StorageError, PermissionDenied):
            raise  # the disk, the database or the server's rules take no file: stop (the files stored so far stay)
        except AnnotatorError as exc:
            result.errors.append(ImportFailure(str(path), _naming(path, exc)))
            continue
        except Exception as exc:  # noqa: BLE001 - a bug on one file must not cost the user the others
            log.error("unexpected error importing %s", path, exc_info=True)
            result.errors.append(ImportFailure(str(path), f"{path}: unexpected {bug_detail(exc)} (a bug in "
                                                          "annotator: please report it)", unexpected=True))
            continue
        result.reports.append(ImportedReport(report.id, report.title, status, str(path)))
    progress(len(files), len(files), "")
    return result


def _naming(path: Path, exc: AnnotatorError) -> str:
    """The error's sentence, naming the file once (readers name it already; other checks may not)."""
    text = str(exc)
    return text if str(path) in text else f"{path}: {text}"


def report_from_file(path: Path, *, title: str | None = None, published: str | None = None,
                     source: str | None = None) -> Report:
    if not path.exists():
        raise ReaderError(path, "does not exist")
    other = _another_command_reads(path)
    if other:
        raise ReaderError(path, other)
    got = read_report_file(path)
    if published is not None:
        _check_iso_date(path, published)
    meta = dict(got.meta)
    if got.encoding:
        meta.setdefault("encoding", got.encoding)
    date = published or got.published
    if date is None:  # no metadata says when: an obvious dateline in the first lines, marked as a guess
        from annotator.records.dates import dateline  # noqa: PLC0415 (80 ms to import, only for a dateline)

        found = dateline(got.text)
        if found is not None:
            date = found.value
            meta["published_guessed"] = f"from line {found.line}: {found.text}"
    report = retitled(Report.of(got.text, title=title or got.title or path.stem, source=source or got.source,
                                published=date, url=got.url, language=got.language, meta=meta))
    problem = report_problem(report)
    if problem:
        raise ReaderError(path, problem)
    return report


def _another_command_reads(path: Path) -> str | None:
    """Why a file named by hand is not a report but what another command reads: a bundle, a file of
    annotations, a table. Its first bytes would otherwise be sniffed as text, and a corpus or a CSV
    file was stored as one long "report" titled with its first line."""
    suffix = path.suffix.lower()
    if suffix in supported_suffixes():
        return None
    if path.is_file() and looks_like_bundle(path):
        return ("is an exchange bundle, not a report: import it with annotator bundle import "
                "(File → Import exchange bundle… in the window)")
    from annotator.formats import detect, for_suffix  # noqa: PLC0415 (the format registry: 0.2 s, only for an odd suffix)

    formats = for_suffix(suffix) if suffix else ()
    found = detect(path) if formats else None
    if found is not None:
        return (f"holds annotations ({found.NAME}, by the look of it), not a report: load it with annotator load "
                f"FILE --format {found.NAME} (File → Import annotations… in the window)")
    if formats:
        return (f"is not a report: {suffix} files are annotations, which annotator load reads (--format "
                f"{' or '.join(f.NAME for f in formats)}; File → Import annotations… in the window)")
    if suffix in _TABLES:
        return f"is a table, not a report (report files: {', '.join(supported_suffixes())})"
    return None


_TABLES = (".csv", ".xls", ".xlsx", ".ods")


def _check_iso_date(path: Path, value: str) -> None:
    if iso_day(value) is None:
        raise ReaderError(path, f"--published '{value}' is not a date in the form YYYY-MM-DD")


def store_report(ctx: ServiceContext, report: Report, *, origin: str | None = None) -> str:
    """Store a report unless its text is already stored; one transaction. Returns new/existing."""
    with ctx.uow() as uow:
        if uow.repo.has_report(report.id):
            return "existing"
        uow.repo.add_report(report, origin=origin)
        index_report(uow, report.id, report.text)
        uow.commit()
    return "new"


def count_reports(ctx: ServiceContext) -> int:
    """How many reports the database holds: one index count, where the list takes a third of a second
    for 10,000 reports (the window asks each time it comes back to the front)."""
    with ctx.uow() as uow:
        return uow.repo.report_count()


def list_reports(ctx: ServiceContext, report_ids: Sequence[str] | None = None) -> list[ReportSummary]:
    """Every report (or only ``report_ids``, which a view uses to refresh the rows an edit touched)."""
    with ctx.uow() as uow:
        rows = uow.repo.report_summaries(report_ids)
        statuses: dict[str, dict[str, str]] = {}
        returned: dict[str, dict[str, str]] = {}
        for s in uow.workflow.statuses(report_ids):
            statuses.setdefault(s.report_id, {})[s.annotator] = s.status
            why = returned_because(s)
            if why:
                returned.setdefault(s.report_id, {})[s.annotator] = why
        questions = uow.workflow.open_questions()
    return [ReportSummary(r.id, r.title, r.published, r.chars, r.source, r.direction, r.language, r.annotators,
                          statuses.get(r.id, {}), questions.get(r.id, 0), returned.get(r.id, {})) for r in rows]


def get_report(ctx: ServiceContext, report_id: str) -> Report:
    with ctx.uow() as uow:
        return uow.repo.report(resolve_report_id(ctx, report_id))


def resolve_report_id(ctx: ServiceContext, prefix: str) -> str:
    """A full id from an unambiguous prefix (people type the first 8-12 hex digits)."""
    with ctx.uow() as uow:
        if len(prefix) == 64 and uow.repo.has_report(prefix):
            return prefix
        matches = [rid for rid in uow.repo.report_ids() if rid.startswith(prefix.lower())]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise NotFound(f"no report has an id starting with '{prefix}'")
    raise NotFound(f"'{prefix}' matches {len(matches)} reports; give more of the id")
