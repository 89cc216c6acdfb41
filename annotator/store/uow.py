"""Unit of work: one session, explicit commit, rollback on exit (cosmicpython's pattern).

Repositories never commit; a service decides when its one transaction is complete."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from annotator.core.errors import Conflict, DatabaseError
from annotator.store.curation_repository import CurationRepository
from annotator.store.engine import display_target, sqlite_path, url_username
from annotator.store.entity_repository import EntityRepository
from annotator.store.event_repository import EventRepository
from annotator.store.faults import database_fault, server_refusal
from annotator.store.label_spans import LabelSpanReader
from annotator.store.repositories import Repositories
from annotator.store.search_repository import SearchRepository
from annotator.store.set_transfer import SetTransfer
from annotator.store.settings_repository import SettingsRepository
from annotator.store.sqlite_file import forget_clean
from annotator.store.workflow_repository import WorkflowRepository


class UnitOfWork:
    def __init__(self, factory: sessionmaker[Session], *, actor: str | None = None) -> None:
        self._factory = factory
        self.actor = actor  # who acts (the edit log records them); None: a script of the file's owner
        self.session: Session | None = None
        self.repo: Repositories
        self.entities: EntityRepository
        self.transfer: SetTransfer
        self.label_spans: LabelSpanReader
        self.settings: SettingsRepository
        self.events: EventRepository
        self.workflow: WorkflowRepository
        self.curation: CurationRepository
        self.search: SearchRepository

    def __enter__(self) -> UnitOfWork:
        self.session = self._factory()
        self.repo = Repositories(self.session, actor=self.actor)
        self.entities = EntityRepository(self.session)
        self.transfer = SetTransfer(self.session)
        self.label_spans = LabelSpanReader(self.session)
        self.settings = SettingsRepository(self.session)
        self.events = EventRepository(self.session)
        self.workflow = WorkflowRepository(self.session)
        self.curation = CurationRepository(self.session)
        self.search = SearchRepository(self.session)
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        assert self.session is not None
        try:
            self.session.rollback()
        finally:
            self.session.close()
            self.session = None
        if isinstance(exc, IntegrityError):
            raise Conflict(f"the change conflicts with data already stored ({_short(exc)})") from exc
        if isinstance(exc, DBAPIError):
            url = str(self._factory.kw["bind"].url)
            refused = server_refusal(exc, url_username(url))
            if refused is not None:
                raise refused from exc
            fault = database_fault(exc, display_target(url))
            if fault is not None:
                path = sqlite_path(url)
                if fault.kind == "damaged" and path is not None:
                    forget_clean(path)  # checked again at the next open
                raise fault from exc
        if isinstance(exc, OperationalError):
            raise DatabaseError(f"the database could not complete the change ({_short(exc)})") from exc
        if isinstance(exc, DBAPIError):
            raise DatabaseError(f"the database refused the change ({_short(exc)})") from exc

    def commit(self) -> None:
        assert self.session is not None
        self.session.commit()


def _short(exc: DBAPIError) -> str:
    return str(exc.orig).splitlines()[0] if exc.orig is not None else str(exc).splitlines()[0]


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=True)
