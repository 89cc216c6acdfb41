"""Opening, upgrading, backing up and checking the database."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from platformdirs import user_data_dir

from annotator.core.errors import DatabaseError, FormatError, StorageError, ValidationError, failure_detail
from annotator.core.schema import Schema
from annotator.core.wording import with_article
from annotator.files.atomic import write_atomic
from annotator.files.json_input import JsonInputError, load_json_file
from annotator.services.backups import latest_backup
from annotator.services.context import ServiceContext
from annotator.services.samples import resources_dir
from annotator.store import migrate
from annotator.store.engine import (
    database_url,
    display_target,
    is_sqlite,
    make_engine,
    postgres_url,
    sqlcipher_url,
    sqlite_key,
    sqlite_path,
    url_has_password,
)
from annotator.store.faults import database_fault
from annotator.store.sqlite_file import integrity_problems, verify_at_open
from annotator.store.uow import UnitOfWork, session_factory
from annotator.store.waits import WaitWatch

__all__ = ["postgres_url"]  # the connection dialog builds a server URL through the services

ENV_DB = "ANNOTATOR_DB"
ENV_DB_KEY = "ANNOTATOR_DB_KEY"


def default_database_path() -> Path:
    """The embedded database in the user data directory (platformdirs)."""
    return Path(user_data_dir("annotator", appauthor=False)) / "annotator.sqlite3"


def resolve_target(target: str | Path | None) -> str:
    """``--db`` value, else ``$ANNOTATOR_DB``, else the default file; always a SQLAlchemy URL.

    With ``$ANNOTATOR_DB_KEY`` set, a file path names a SQLCipher-encrypted database opened with that
    key (extra ``encryption``); the key is never written anywhere by annotator."""
    chosen = target or os.environ.get(ENV_DB) or default_database_path()
    url = database_url(chosen)
    key = os.environ.get(ENV_DB_KEY)
    path = sqlite_path(url)
    if key and path is not None and "://" not in str(chosen):
        url = sqlcipher_url(path, key)
    return url


def watch_waits(ctx: ServiceContext, notify: Callable[[str], None]) -> None:
    """From now on ``notify`` hears (from a watchdog thread) when a statement waits for the database
    — another program's write lock, a slow server; a later call redirects the one watch to a new
    listener (the window that replaced another on the same database)."""
    if ctx.wait_watch is None:
        ctx.wait_watch = WaitWatch(ctx.engine, notify)
    else:
        ctx.wait_watch.notify = notify


def open_database(target: str | Path | None = None, *, upgrade: bool = True,
                  on_wait: Callable[[str], None] | None = None) -> ServiceContext:
    """Open (creating or upgrading) the database and return a ready context.

    A SQLite file is first checked for damage (``store.sqlite_file.verify_at_open``: free when the
    file is as annotator left it) and refused with a sentence naming ``annotator check`` and the
    latest backup (``open_for_repair`` opens it anyway, for ``check`` and restoring a backup).
    ``on_wait`` hears, once per statement, that the database makes us wait (a lock held by another
    program); the shell shows it while SQLite waits up to 10 s before refusing."""
    url = resolve_target(target)
    path = sqlite_path(url)
    if path is not None:
        verify_at_open(path, latest_backup=latest_backup(path), key=sqlite_key(url))
    engine = make_engine(url)
    try:
        created = migrate.current_revision(engine) is None
        backup = migrate.upgrade(engine) if upgrade else None
    except (DatabaseError, StorageError):
        engine.dispose()
        raise
    except Exception as exc:  # noqa: BLE001 - connection problems become one sentence
        engine.dispose()
        fault = database_fault(exc, display_target(url))
        if fault is not None:
            raise fault from None
        raise DatabaseError(f"cannot open the database {display_target(url)} ({_first_line(exc)})") from None
    ctx = ServiceContext(engine=engine, factory=session_factory(engine), url=url, created=created,
                         backup=backup, verified=True)
    if on_wait is not None:
        watch_waits(ctx, on_wait)
    ctx.schema = load_schema(ctx)
    return ctx


def open_for_repair(target: str | Path | None = None, *, existing: bool = False) -> ServiceContext:
    """A context on a database that may be damaged: no check, no upgrade, the shipped schema. Only
    for ``check`` and ``backups.restore_backup``, which must work exactly when opening would not.
    ``existing`` (``check``) refuses a SQLite path where there is no file, instead of creating one:
    a mistyped path checked "ok" on an empty new database, or failed on its missing tables."""
    url = resolve_target(target)
    path = sqlite_path(url)
    if existing and path is not None and not path.exists():
        raise DatabaseError(f"there is no database at {path} (nothing was created there; check the path)")
    engine = make_engine(url)
    return ServiceContext(engine=engine, factory=session_factory(engine), url=url, schema=default_schema())


def default_schema() -> Schema:
    """The shipped schema, ``resources/schema/default.json`` (validated; a broken file is one sentence)."""
    path = resources_dir() / "schema" / "default.json"
    if not path.exists():
        return Schema.default()
    try:
        return Schema.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, ValidationError) as exc:
        raise ValidationError(f"{path}: {exc}") from None


def load_schema(ctx: ServiceContext) -> Schema:
    """The project's schema stored in the database, else the shipped default."""
    with ctx.uow() as uow:
        stored = read_stored_schema(uow)
    return stored if stored is not None else default_schema()


def labels_in_use(ctx: ServiceContext) -> dict[str, int]:
    """Span labels stored in this database, with their counts."""
    with ctx.uow() as uow:
        return uow.repo.label_counts()


def read_stored_schema(uow: UnitOfWork, *, lock: bool = False) -> Schema | None:
    """The schema stored in the database (``None`` while the project uses the shipped default);
    ``lock`` holds it until the transaction ends, so a concurrent writer waits."""
    if lock:
        uow.settings.lock("schema")
    stored = uow.settings.get("schema")
    return Schema.from_dict(stored) if stored is not None else None


def event_types_in_use(ctx: ServiceContext) -> dict[str, int]:
    """Event types stored in this database, with their counts."""
    with ctx.uow() as uow:
        return uow.events.type_counts()


def relations_breaking(ctx: ServiceContext, schema: Schema) -> str | None:
    """Why stored relations break ``schema``'s relation rules (a type it lacks, or ends whose labels it
    does not allow), in one clause naming how many and the first (report title, annotator, relation id)
    so the user can find it; None when every stored relation fits."""
    with ctx.uow() as uow:
        uses = uow.repo.relation_uses()
    broken = [u for u in uses if not schema.allows(u.label, u.head_label, u.tail_label)]
    if not broken:
        return None
    first = broken[0]
    total = sum(u.count for u in broken)
    rtype = next((r for r in schema.relations if r.name == first.label), None)
    if rtype is None:
        rule = f"it has no relation type '{first.label}'"
    else:
        rule = (f"its '{rtype.name}' relations go from {' or '.join(rtype.heads) or 'any label'} "
                f"to {' or '.join(rtype.tails) or 'any label'}")
    where = f"'{first.report_title}'" if first.report_title else f"report {first.report_id[:12]}"
    return (f"{total} stored relation{'s' if total != 1 else ''} break{'s' if total == 1 else ''} the schema's "
            f"relation rules: {rule}, but relation {first.key} of {first.annotator} in {where} "
            f"is a '{first.label}' from {with_article(first.head_label)} to {with_article(first.tail_label)}")


def import_schema(ctx: ServiceContext, path: Path | str) -> Schema:
    """Make a schema file this project's schema: validated, and refused while stored spans use a
    label it drops (relabel or delete those first), or stored relations break its relation rules
    (a type it drops, ends it no longer allows), so no annotation is orphaned or left invalid."""
    path = Path(path)
    try:
        data = load_json_file(path, max_bytes=16 << 20)
    except JsonInputError as exc:
        raise FormatError(path, exc.line, exc.detail) from None
    if not isinstance(data, dict):
        raise FormatError(path, None, "is not a label schema (a JSON object)")
    # labels in use are checked first: dropping one is the mistake to name, before what else it breaks
    names = {str(d.get("name")) for d in data.get("labels", []) if isinstance(d, dict)} \
        if isinstance(data.get("labels"), list) else None
    missing = {label: n for label, n in labels_in_use(ctx).items() if names is not None and label not in names}
    if missing:
        listed = ", ".join(f"{label} ({n} spans)" for label, n in sorted(missing.items()))
        raise ValidationError(f"{path}: the schema drops labels still in use: {listed}")
    try:
        schema = Schema.from_dict(data)
    except ValidationError as exc:
        raise ValidationError(f"{path}: {exc}") from None
    except (TypeError, AttributeError, KeyError, ValueError) as exc:  # a wrong JSON type somewhere inside
        raise FormatError(path, None, f"is not a label schema ({failure_detail(exc)})") from None
    kept = {t.name for t in schema.events.types} if schema.events is not None else set()
    dropped = {t: n for t, n in event_types_in_use(ctx).items() if t not in kept}
    if dropped:
        listed = ", ".join(f"{t} ({n} events)" for t, n in sorted(dropped.items()))
        raise ValidationError(f"{path}: the schema drops event types still in use: {listed}")
    broken = relations_breaking(ctx, schema)
    if broken:
        raise ValidationError(f"{path}: {broken}; change or delete those relations first, or keep the rule")
    save_schema(ctx, schema)
    return schema


def export_schema(ctx: ServiceContext, path: Path | str) -> Path:
    return write_atomic(Path(path), json.dumps(ctx.schema.to_dict(), indent=2, ensure_ascii=False) + "\n")


def save_schema(ctx: ServiceContext, schema: Schema) -> None:
    with ctx.uow() as uow:
        uow.settings.put("schema", schema.to_dict())
        uow.commit()
    ctx.schema = schema


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    problems: list[str]
    reports: int | None  # None: the rows could not be read, so nothing was counted
    spans: int | None
    revision: str | None
    search_index: str = ""  # one sentence: the text search index there is, or why there is none
    damaged: bool = False  # the problems are damage, which restoring a backup repairs (not an unfinished
    # creation or an older revision: any other command finishes or upgrades those)
    schema_problems: list[str] = field(default_factory=list)  # annotations the project's schema refuses (not damage)


def check(ctx: ServiceContext) -> CheckResult:
    """Integrity check: SQLite's own check, report ids against their texts, span bounds, stored JSON; on an
    undamaged database also the stored annotations against the project's schema (``schema_problems``).

    Works on a damaged file too (open it with ``open_for_repair``): what SQLite finds is listed, and the
    checks that need readable tables are skipped when it cannot read them (then nothing is counted). A
    database of a newer schema revision is refused as every command refuses it; one whose creation never
    finished, or of an older revision, is said to be so (any other command finishes or upgrades it)."""
    path = sqlite_path(ctx.url)
    problems = [f"SQLite integrity: {line}" for line in integrity_problems(path, key=sqlite_key(ctx.url))] \
        if path is not None else []
    damaged = bool(problems)
    try:
        revision = migrate.current_revision(ctx.engine)
        unfinished = revision is None and migrate.never_finished(ctx.engine)
    except DatabaseError:
        raise  # several version rows: not annotator's database, as every command says
    except Exception as exc:  # noqa: BLE001 - a damaged file may not even say its revision
        fault = database_fault(exc, display_target(ctx.url))
        problems.append(_without_hint(str(fault)) if fault is not None
                        else f"the database's schema revision cannot be read ({_first_line(exc)})")
        return CheckResult(False, problems, None, None, None, damaged=True)
    migrate.refuse_unknown(revision)
    head = migrate.head_revision()
    if unfinished:
        problems.append(f"the database {display_target(ctx.url)} is not initialised: its creation did not finish "
                        "and it holds no data; opening it with any other command (or the app) finishes creating it")
    elif revision is None:
        problems.append("the database holds tables that are not annotator's and no annotator schema revision")
    elif revision != head:
        problems.append(f"the database is at the older schema revision '{revision}' (this version of annotator "
                        f"uses '{head}'), so its rows were not checked; any other command upgrades it after a "
                        "backup copy")
    if revision != head:
        return CheckResult(False, problems, None, None, revision, damaged=damaged)
    n_reports: int | None = None
    n_spans: int | None = None
    try:
        n_reports, n_spans = _check_contents(ctx, problems)
    except StorageError as exc:
        problems.append(_without_hint(str(exc)))
    except DatabaseError as exc:  # a table of the schema is missing: the file was altered or damaged
        problems.append(f"the database's rows cannot be read ({_first_line(exc.__cause__ or exc)})")
    schema = _schema_problems(ctx) if not problems else []
    return CheckResult(not problems and not schema, problems, n_reports, n_spans, revision, _search_index(ctx),
                       damaged=bool(problems), schema_problems=schema)


def _without_hint(sentence: str) -> str:
    """A storage fault's sentence without its advice to run ``check`` (we are in it)."""
    return sentence.split("; run `annotator check`")[0]


def _schema_problems(ctx: ServiceContext) -> list[str]:
    """Stored annotations the project's schema refuses (a database whose schema was imported before
    ``import_schema`` checked relations): spans with a label it lacks, relations breaking its rules."""
    try:
        with ctx.uow() as uow:
            schema = read_stored_schema(uow) or default_schema()
            in_use = uow.repo.label_counts()
    except ValidationError as exc:
        return [f"the project's stored schema is not valid ({exc})"]
    except StorageError:
        return []  # what the database cannot answer is damage, listed by the checks before
    problems = []
    missing = {label: n for label, n in in_use.items() if label not in schema.label_names}
    if missing:
        problems.append("stored spans use labels the project's schema lacks: "
                        + ", ".join(f"{label} ({n} spans)" for label, n in sorted(missing.items())))
    broken = relations_breaking(ctx, schema)
    if broken:
        problems.append(f"{broken}; change or delete those relations, or import a schema that allows them")
    return problems


def _search_index(ctx: ServiceContext) -> str:
    """Which text search index the database has (a missing one is said, not a problem: search still works)."""
    try:
        with ctx.uow() as uow:
            return uow.search.index_state()[1]
    except Exception:  # noqa: BLE001 - a damaged file may not answer; check lists what it found
        return ""


def _check_contents(ctx: ServiceContext, problems: list[str]) -> tuple[int, int]:
    with ctx.uow() as uow:
        found, n_reports, n_spans = uow.repo.content_problems(sqlite=is_sqlite(ctx.url))
    problems.extend(found)
    return n_reports, n_spans


def has_password(target: str) -> bool:
    """Whether a database target carries a password (then it is never written to settings)."""
    if "://" not in target:
        return False
    return url_has_password(target)


def display_url(url: str) -> str:
    """The database as people read it: a file path, or the server URL without its password."""
    return display_target(url)


def _first_line(exc: BaseException) -> str:
    return str(getattr(exc, "orig", None) or exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
