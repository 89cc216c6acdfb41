"""Unit of work: one session, explicit commit, rollback on exit (cosmicpython's pattern).

Repositories never commit; a service decides when its one transaction is complete."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from annotator.core.errors import Conflict, DatabaseError
from annotator.store.entity_repository import EntityRepository
from annotator.store.repositories import Repositories
from annotator.store.set_transfer import SetTransfer
from annotator.store.settings_repository import SettingsRepository


class UnitOfWork:
    def __init__(self, factory: sessionmaker[Session]) -> None:
        self._factory = factory
        self.session: Session | None = None
        self.repo: Repositories
        self.entities: EntityRepository
        self.transfer: SetTransfer
        self.settings: SettingsRepository

    def __enter__(self) -> UnitOfWork:
        self.session = self._factory()
        self.repo = Repositories(self.session)
        self.entities = EntityRepository(self.session)
        self.transfer = SetTransfer(self.session)
        self.settings = SettingsRepository(self.session)
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
