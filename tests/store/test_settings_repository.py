"""The settings repository on both backends: insert-once tells whether it wrote, and a held setting
makes a second writer wait."""

from __future__ import annotations


def test_add_once_says_whether_it_wrote(ctx) -> None:  # type: ignore[no-untyped-def]
    """Was: True on PostgreSQL when the key existed (psycopg's rowcount for an insert that did nothing)."""
    with ctx.uow() as uow:
        assert uow.settings.add_once("probe", {"n": 1}) is True
        assert uow.settings.add_once("probe", {"n": 2}) is False
        uow.commit()
    with ctx.uow() as uow:
        assert uow.settings.add_once("probe", {"n": 3}) is False
        assert uow.settings.get("probe") == {"n": 1}


def test_lock_holds_an_existing_or_missing_setting(ctx) -> None:  # type: ignore[no-untyped-def]
    with ctx.uow() as uow:
        uow.settings.lock("absent")  # nothing to hold yet: no error
        uow.settings.put("present", [1])
        uow.settings.lock("present")
        uow.settings.put("present", [2])
        uow.commit()
    with ctx.uow() as uow:
        assert uow.settings.get("present") == [2] and not uow.settings.has("absent")
