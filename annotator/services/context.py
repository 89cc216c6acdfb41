"""The service context each shell builds once and passes explicitly (no global app object)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from annotator.core.schema import Schema
from annotator.store.uow import UnitOfWork


@dataclass
class ServiceContext:
    engine: Engine
    factory: sessionmaker[Session]
    url: str
    schema: Schema = field(default_factory=Schema.default)
    created: bool = False  # the database was created by this open
    backup: Path | None = None  # copy made before an upgrade
    # who acts: the shell sets it (the window's annotator, the command line's --annotator or the
    # database's default); None is the file's owner running a script, whom roles do not restrict
    actor: str | None = None

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.factory, actor=self.actor)

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()
