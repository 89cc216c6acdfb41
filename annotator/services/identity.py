"""Who acts: the annotator this database's user works as by default.

The name belongs to the database, not to the workstation's settings: a SQLite file keeps one default
(the file belongs to whoever can open it); a PostgreSQL team server keeps one per server login, so
colleagues sharing a database each keep their own. A name given for one run (``--annotator``, a
screenshot) is never written here; ``gold`` is never anyone's identity (it is written only by
adjudication)."""

from __future__ import annotations

from annotator.core.errors import InvalidValue
from annotator.core.ids import GOLD, OWNER, annotator_name
from annotator.services.context import ServiceContext
from annotator.store.engine import url_username

_KEY = "default_annotator"


def _key(ctx: ServiceContext) -> str:
    if ctx.backend != "postgresql":
        return _KEY
    return f"{_KEY}:{url_username(ctx.url) or 'postgres'}"


def default_annotator(ctx: ServiceContext) -> str | None:
    """The annotator this database's user works as, or None before the first launch chose one."""
    with ctx.uow() as uow:
        name = uow.settings.get(_key(ctx))
    return str(name) if name else None


def check_identity(name: str) -> str:
    """A name a person may work as: a valid annotator name that is not ``gold``."""
    who = annotator_name(name)
    if who == GOLD:
        raise InvalidValue("'gold' is the adjudicated set, written only in adjudication; choose your own name")
    if who == OWNER:
        raise InvalidValue(f"'{OWNER}' names the file's owner when nobody says who acts; choose your own name")
    return who


def set_default_annotator(ctx: ServiceContext, name: str) -> str:
    """Make ``name`` the one this database's user works as (listed among the annotators from now on)."""
    who = check_identity(name)
    with ctx.uow() as uow:
        uow.repo.annotator_row(who)
        uow.settings.put(_key(ctx), who)
        uow.commit()
    return who


def annotators(ctx: ServiceContext) -> list[str]:
    """Everyone with a name in this database (gold excluded: it is nobody's identity)."""
    with ctx.uow() as uow:
        return [n for n in uow.repo.annotator_names() if n != GOLD]


def who_acts(ctx: ServiceContext, explicit: str | None = None, *, writes: bool = False) -> str | None:
    """Who acts for one command: ``--annotator NAME`` (unless it names gold, which is nobody: then the
    person this database knows, who must be a supervisor to write gold), else on a team server the
    annotator the login is mapped to, else this database's default. None: nobody chosen yet.

    ``writes``: the command changes someone's work. On a team server an annotator's login then may not
    act under another name: the server would refuse the rows anyway, with a raw message, after the
    services had judged the change by the other name's role (``check_login_name``)."""
    from annotator.services.roles import actor_from_login, check_login_name  # noqa: PLC0415 (import cycle)

    mapped = actor_from_login(ctx)
    if explicit and annotator_name(explicit) != GOLD:
        named = annotator_name(explicit)
        if writes and mapped is not None and named != mapped:
            check_login_name(ctx, mapped, named)
        return named
    return mapped or default_annotator(ctx)
