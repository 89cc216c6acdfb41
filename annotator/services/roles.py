"""Roles per database: ``annotator`` (edits their own sets) and ``supervisor`` (also assigns, accepts or
returns work, and writes gold). Enforced here, in the services every shell calls.

What protects what (docs/workflow.md):

- A SQLite file belongs to whoever can open it, so there roles guard the *workflow*, not the data: the
  file's user can name themself supervisor (``annotator annotators add NAME --role supervisor``) or
  edit the file with other tools. Roles take effect once the database has a supervisor; until then
  (a database one analyst keeps) everyone acts as one. A script that names nobody (``ctx.actor`` is
  None) is the file's owner.
- On a PostgreSQL team server the protection is the server's: each annotator connects as their own
  login, mapped here to their name (``--login``), and row-level security (migration 20261205_0005)
  lets that login write only that annotator's sets (and gold only a supervisor's login), whatever SQL
  it sends. ``grant_login`` gives a login the table privileges its role needs."""

from __future__ import annotations

from typing import Any

from annotator.core.errors import InvalidValue, PermissionDenied, UsageError
from annotator.core.ids import GOLD, OWNER
from annotator.services.context import ServiceContext
from annotator.services.identity import check_identity, default_annotator
from annotator.store import server_grants
from annotator.store.engine import url_username
from annotator.store.uow import UnitOfWork

ANNOTATOR, SUPERVISOR = "annotator", "supervisor"
ROLES = (ANNOTATOR, SUPERVISOR)


def check_role(role: str) -> str:
    if role not in ROLES:
        raise InvalidValue(f"'{role}' is not a role (annotator or supervisor)")
    return role


def roles_active(uow: UnitOfWork) -> bool:
    """Whether this database has a supervisor (before that, everyone acts as one)."""
    return uow.workflow.has_supervisor()


def is_supervisor(uow: UnitOfWork, actor: str | None) -> bool:
    """Whether ``actor`` may act as a supervisor here (the file's owner, a named supervisor, or anyone
    while the database has no supervisor)."""
    if actor is None or not roles_active(uow):
        return True
    return uow.workflow.role_of(actor) == SUPERVISOR


def acting(uow: UnitOfWork) -> str:
    """The name a status change, assignment, curation decision or resolved comment is recorded under:
    the actor, or ``OWNER`` when nobody was named. Never the assignee or gold, whom that would credit
    with what the file's owner did."""
    return uow.actor or OWNER


def require_supervisor(uow: UnitOfWork, actor: str | None, what: str) -> None:
    if not is_supervisor(uow, actor):
        raise PermissionDenied(f"{_who_is(uow, actor)}: only a supervisor may {what}")


def _who_is(uow: UnitOfWork, actor: str | None) -> str:
    """What ``actor`` is here, for a refusal: an annotator, or nobody this database knows (a typo in
    ``--annotator`` was called "an annotator in this database")."""
    if uow.workflow.role_of(actor or "") is None:
        return f"this database has no annotator '{actor}' (`annotator annotators` lists who is here)"
    return f"{actor} is an annotator in this database"


def check_login_name(ctx: ServiceContext, mapped: str, named: str) -> None:
    """Refuse a team-server login mapped to ``mapped`` that asks to change work as ``named``, unless it
    is a supervisor's login (the server lets a supervisor write every set). The sentence says what is
    refused, acting under another name, whatever the command: it said "may not change bob's
    annotations" to a comment, an assignment and a schema import alike."""
    with ctx.uow() as uow:
        supervisor = uow.workflow.role_of(mapped) == SUPERVISOR
    if not supervisor:
        raise PermissionDenied(f"{mapped}'s login may not act as {named}: on a team server each login works "
                               "only as the annotator it is mapped to")


def _not_theirs(actor: str, owner: str) -> str:
    return f"{actor} may not change {owner}'s annotations: each annotator edits only their own set"


def check_owner_write(uow: UnitOfWork, owner: str, *, others_too: bool = False) -> None:
    """Refuse a write of ``owner``'s set by someone whose role does not allow it. ``others_too``: a
    supervisor may write anyone's set (loading a corpus file)."""
    actor = uow.actor
    if actor is None or actor == owner or not roles_active(uow):
        return
    supervisor = uow.workflow.role_of(actor) == SUPERVISOR
    if owner == GOLD:
        if not supervisor:
            raise PermissionDenied(f"{_who_is(uow, actor)}: only a supervisor writes the gold set (curation)")
        return
    if supervisor and others_too:
        return
    raise PermissionDenied(_not_theirs(actor, owner)
                           + (" (a supervisor returns work to its annotator instead)" if supervisor else ""))


# -- people --------------------------------------------------------------------------------------------
def whoami(ctx: ServiceContext) -> dict[str, Any]:
    """Who acts (the context's actor, else the database's default) and their role."""
    name = ctx.actor or default_annotator(ctx)
    with ctx.uow() as uow:
        active = roles_active(uow)
        role = uow.workflow.role_of(name) if name else None
    return {"annotator": name, "role": (role or ANNOTATOR) if name else None, "roles_active": active}


def people(ctx: ServiceContext) -> list[dict[str, Any]]:
    """Everyone with a name in this database and their role (gold excluded)."""
    with ctx.uow() as uow:
        return [{"name": n, "role": r, "login": lbl} for n, r, lbl in uow.workflow.people() if n != GOLD]


def add_person(ctx: ServiceContext, name: str, role: str = ANNOTATOR, *, login: str | None = None) -> dict[str, Any]:
    """Add an annotator (or change the role of one already here) and, with ``login``, map the
    PostgreSQL login they connect as. Only a supervisor may, once the database has one."""
    who = check_identity(name)
    check_role(role)
    if login is not None and ctx.backend != "postgresql":
        raise UsageError("--login maps a PostgreSQL login; this database is a SQLite file")
    login_name = _login(login) if login is not None else None
    with ctx.uow() as uow:
        if roles_active(uow):
            require_supervisor(uow, ctx.actor, "add annotators or change roles")
        out = uow.repo.set_role(who, role, login_name)
        uow.commit()
    if login_name is not None:
        grant_login(ctx, login_name, role)
        from annotator.services.entities import ensure_registry  # noqa: PLC0415 (import cycle: entities, samples, reports)

        # an annotator's login may not write the registry and reads it as it finds it: seeded now, by
        # whoever maps the logins, or their linking and suggestions had no registry until a
        # supervisor happened to open the window or make a record
        ensure_registry(ctx)
    return out


def _login(login: str) -> str:
    name = login.strip()
    if not name or len(name) > 63 or not all(c.isalnum() or c in "_-." for c in name):
        raise InvalidValue(f"'{login}' is not a PostgreSQL login name (letters, digits, _ - .; at most 63)")
    return name


def grant_login(ctx: ServiceContext, login: str, role: str) -> None:
    """Give a server login the table privileges its role needs (row-level security narrows them to
    its own rows). Needs a connection allowed to grant: the database owner or a superuser."""
    server_grants.grant_login(ctx.engine, login, supervisor=role == SUPERVISOR)


def actor_from_login(ctx: ServiceContext) -> str | None:
    """On a team server, the annotator the connecting login is mapped to (None on SQLite or unmapped)."""
    if ctx.backend != "postgresql":
        return None
    login = url_username(ctx.url)
    if not login:
        return None
    with ctx.uow() as uow:
        return uow.workflow.name_of_login(login)
