"""Small key/value settings stored with the data (the project schema, who this database's user is,
whether the registry was seeded). Flushes, never commits."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from annotator.store.base import conflict_insert
from annotator.store.models import SettingRow


class SettingsRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, key: str, default: Any = None) -> Any:
        value = self.session.scalar(select(SettingRow.value).where(SettingRow.key == key))
        return default if value is None else value

    def has(self, key: str) -> bool:
        return self.session.scalar(select(SettingRow.key).where(SettingRow.key == key)) is not None

    def put(self, key: str, value: Any) -> None:
        """Insert or replace; safe when another connection writes the same key at the same time."""
        stmt = conflict_insert(self.session.get_bind().dialect.name, SettingRow).values(key=key, value=value)
        self.session.execute(stmt.on_conflict_do_update(index_elements=[SettingRow.key],
                                                        set_={"value": stmt.excluded.value}))

    def add_once(self, key: str, value: Any) -> bool:
        """Insert unless the key exists (a concurrent writer wins quietly); True when this call wrote it.

        Told by ``RETURNING``, not ``rowcount``: psycopg reports -1 rows for an insert that did
        nothing, which reads as true."""
        insert = conflict_insert(self.session.get_bind().dialect.name, SettingRow)
        result = self.session.execute(insert.values(key=key, value=value)
                                      .on_conflict_do_nothing(index_elements=[SettingRow.key])
                                      .returning(SettingRow.key))
        return result.first() is not None

    def lock(self, key: str) -> None:
        """Hold a setting's row until the transaction ends, so a concurrent writer of the same key
        waits here and then reads what was written (PostgreSQL; SQLite serialises writers anyway)."""
        self.session.execute(select(SettingRow.key).where(SettingRow.key == key).with_for_update())

    def delete(self, key: str) -> None:
        row = self.session.get(SettingRow, key)
        if row is not None:
            self.session.delete(row)
            self.session.flush()
