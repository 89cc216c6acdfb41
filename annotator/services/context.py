"""The service context each shell builds once and passes explicitly (no global app object)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.core.schema import Schema
from annotator.store.engine import on_commit, sqlite_path
from annotator.store.sqlite_file import stamp_clean
from annotator.store.uow import UnitOfWork
from annotator.store.waits import WaitWatch

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker


@dataclass
class ServiceContext:
    engine: Engine
    factory: sessionmaker[Session]
    url: str
    schema: Schema = field(default_factory=Schema.default)
    created: bool = False  # the database was created by this open
    backup: Path | None = None  # copy made before an upgrade
    verified: bool = False  # opened by ``open_database``: a SQLite file was found sound at open
    wrote: bool = False  # a transaction was committed through this context
    wait_watch: WaitWatch | None = None  # tells the shell while the database makes us wait
    registry_seeded: bool = False  # the entity registry was found seeded (a seed is never undone): not asked again
    # who acts: the shell sets it (the window's annotator, the command line's --annotator or the
    # database's default); None is the file's owner running a script, whom roles do not restrict
    actor: str | None = None

    def __post_init__(self) -> None:
        on_commit(self.engine, self._committed)

    def _committed(self, _conn: object) -> None:
        self.wrote = True

    def uow(self) -> UnitOfWork:
        return UnitOfWork(self.factory, actor=self.actor)

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        """Release the database; a SQLite file found sound at open and only read since is stamped
        as left sound, so the next open need not check it again (``store.sqlite_file``)."""
        if self.wait_watch is not None:
            self.wait_watch.stop()
        self.engine.dispose()
        path = sqlite_path(self.url)
        if path is not None and self.verified and not self.wrote:
            stamp_clean(path)
