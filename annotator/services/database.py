"""Opening, upgrading, backing up and checking the database."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select, text

from annotator.core.errors import DatabaseError, ValidationError
from annotator.core.schema import Schema
from annotator.services.context import ServiceContext
from annotator.store import migrate
from annotator.store.engine import database_url, is_sqlite, make_engine, sqlite_path
from annotator.store.models import AnnotationSetRow, ReportRow, SpanRow
from annotator.store.uow import UnitOfWork, session_factory

ENV_DB = "ANNOTATOR_DB"


def default_database_path() -> Path:
    """The embedded database in the user data directory (platformdirs)."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("annotator", appauthor=False)) / "annotator.sqlite3"


def resolve_target(target: str | Path | None) -> str:
    """``--db`` value, else ``$ANNOTATOR_DB``, else the default file; always a SQLAlchemy URL."""
    chosen = target or os.environ.get(ENV_DB) or default_database_path()
    return database_url(chosen)


def open_database(target: str | Path | None = None, *, upgrade: bool = True) -> ServiceContext:
    """Open (creating or upgrading) the database and return a ready context."""
    url = resolve_target(target)
    engine = make_engine(url)
    try:
        created = migrate.current_revision(engine) is None
        backup = migrate.upgrade(engine) if upgrade else None
    except DatabaseError:
        engine.dispose()
        raise
    except Exception as exc:  # noqa: BLE001 - connection problems become one sentence
        engine.dispose()
        raise DatabaseError(f"cannot open the database {_display(url)} ({_first_line(exc)})") from None
    ctx = ServiceContext(engine=engine, factory=session_factory(engine), url=url, created=created,
                         backup=backup)
    ctx.schema = load_schema(ctx)
    return ctx


def default_schema() -> Schema:
    """The shipped schema, ``resources/schema/default.json`` (validated; a broken file is one sentence)."""
    import json

    from annotator.services.samples import resources_dir

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
        stored = uow.settings.get("schema")
    return Schema.from_dict(stored) if stored is not None else default_schema()


def labels_in_use(ctx: ServiceContext) -> dict[str, int]:
    """Span labels stored in this database, with their counts."""
    with ctx.uow() as uow:
        rows = uow.session.execute(select(SpanRow.label, func.count(SpanRow.id)).group_by(SpanRow.label))
        return {label: n for label, n in rows}


def read_stored_schema(uow: UnitOfWork, *, lock: bool = False) -> Schema | None:
    """The schema stored in the database (``None`` while the project uses the shipped default);
    ``lock`` holds it until the transaction ends, so a concurrent writer waits."""
    if lock:
        uow.repo.lock_setting("schema")
    stored = uow.settings.get("schema")
    return Schema.from_dict(stored) if stored is not None else None


def import_schema(ctx: ServiceContext, path: Path | str) -> Schema:
    """Make a schema file this project's schema: validated, and refused while stored spans use a
    label it drops (relabel or delete those first), so no annotation is orphaned."""
    import json

    path = Path(path)
    try:
        schema = Schema.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError) as exc:
        raise ValidationError(f"{path}: {exc}") from None
    except ValidationError as exc:
        raise ValidationError(f"{path}: {exc}") from None
    missing = {label: n for label, n in labels_in_use(ctx).items() if label not in schema.label_names}
    if missing:
        listed = ", ".join(f"{label} ({n} spans)" for label, n in sorted(missing.items()))
        raise ValidationError(f"{path}: the schema drops labels still in use: {listed}")
    save_schema(ctx, schema)
    return schema


def export_schema(ctx: ServiceContext, path: Path | str) -> Path:
    import json

    path = Path(path)
    path.write_text(json.dumps(ctx.schema.to_dict(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def save_schema(ctx: ServiceContext, schema: Schema) -> None:
    with ctx.uow() as uow:
        uow.settings.put("schema", schema.to_dict())
        uow.commit()
    ctx.schema = schema


def backup(ctx: ServiceContext, out: Path) -> Path:
    """An online, consistent copy of a SQLite database (the backup API works during writes)."""
    path = sqlite_path(ctx.url)
    if path is None:
        raise DatabaseError("backup copies SQLite databases; use pg_dump for a PostgreSQL server")
    out = Path(out)
    tmp = out.with_name(out.name + ".part")
    migrate.copy_sqlite(path, tmp)
    os.replace(tmp, out)
    return out


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    problems: list[str]
    reports: int
    spans: int
    revision: str | None


def check(ctx: ServiceContext) -> CheckResult:
    """Integrity check: SQLite's own check, report ids against their texts, span bounds."""
    import hashlib

    problems: list[str] = []
    with ctx.uow() as uow:
        s = uow.session
        if is_sqlite(ctx.url):
            for (line,) in s.execute(text("PRAGMA integrity_check")):
                if line != "ok":
                    problems.append(f"SQLite integrity: {line}")
            for row in s.execute(text("PRAGMA foreign_key_check")):
                problems.append(f"dangling reference in table {row[0]}")
        n_reports = 0
        for rid, body, chars in s.execute(select(ReportRow.id, ReportRow.text, ReportRow.chars)):
            n_reports += 1
            if hashlib.sha256(body.encode("utf-8")).hexdigest() != rid:
                problems.append(f"report {rid[:12]}…: text does not match its id")
            if len(body) != chars:
                problems.append(f"report {rid[:12]}…: stored length is wrong")
        n_spans = s.scalar(select(func.count()).select_from(SpanRow)) or 0
        bad = s.execute(select(SpanRow.key, ReportRow.id).join(AnnotationSetRow, AnnotationSetRow.id == SpanRow.set_id)
                        .join(ReportRow, ReportRow.id == AnnotationSetRow.report_id)
                        .where(SpanRow.end > ReportRow.chars))
        for key, rid in bad:
            problems.append(f"report {rid[:12]}…: span {key} ends after the text")
    return CheckResult(not problems, problems, n_reports, n_spans, migrate.current_revision(ctx.engine))


def postgres_url(*, host: str, port: int, database: str, user: str, password: str = "") -> str:
    """A psycopg 3 URL with every part quoted (a password may hold '@' or '/')."""
    from sqlalchemy.engine import URL

    return URL.create("postgresql+psycopg", username=user or None, password=password or None, host=host or None,
                      port=port, database=database).render_as_string(hide_password=False)


def has_password(target: str) -> bool:
    """Whether a database target carries a password (then it is never written to settings)."""
    if "://" not in target:
        return False
    from sqlalchemy.engine import make_url

    return bool(make_url(target).password)


def display_url(url: str) -> str:
    """The database as people read it: a file path, or the server URL without its password."""
    return _display(url)


def _display(url: str) -> str:
    path = sqlite_path(url)
    if path is not None:
        return str(path)
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _first_line(exc: BaseException) -> str:
    return str(getattr(exc, "orig", None) or exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
