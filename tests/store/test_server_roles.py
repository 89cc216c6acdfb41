"""On the PostgreSQL team server the protection is the server's: each annotator connects as their own
login, and row-level security stops one login from writing another annotator's sets or gold — through
the services (one sentence) and through hand-written SQL alike. Runs against the real test server:
logins are created for the test and dropped after it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from annotator.core.errors import PermissionDenied
from annotator.services import annotate, curation, roles, workflow
from annotator.services.database import open_database
from annotator.services.identity import who_acts

from pg_databases import team_logins
from workflow_helpers import at, staff, store


@pytest.fixture
def server() -> Iterator[tuple[str, dict[str, str]]]:
    """A fresh database and three logins (sam, alice, bob) on the test server."""
    with team_logins() as made:
        yield made


def connect(url: str, login: str):  # type: ignore[no-untyped-def]
    ctx = open_database(sa.engine.make_url(url).set(username=login).render_as_string(hide_password=False))
    ctx.actor = who_acts(ctx)
    return ctx


def refused(conn, sql: str, **params) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(sa.exc.DBAPIError) as caught, conn.begin():
        conn.execute(sa.text(sql), params)
    return str(caught.value.orig)


def test_each_login_writes_only_its_own_sets(server) -> None:  # type: ignore[no-untyped-def]
    url, logins = server
    owner = open_database(url)  # the database owner sets the team up
    staff(owner)
    rid = store(owner)
    for name, login in logins.items():
        roles.add_person(owner, name, "supervisor" if name == "sam" else "annotator", login=login)
    owner.close()

    bob = connect(url, logins["bob"])
    assert bob.actor == "bob"
    annotate.create_span(bob, rid, *at("IRGC"), "actor", annotator="bob")
    bob.close()
    alice = connect(url, logins["alice"])
    sam = connect(url, logins["sam"])
    try:
        assert alice.actor == "alice" and roles.whoami(alice)["role"] == "annotator"
        mine, _ = annotate.create_span(alice, rid, *at("Deir ez-Zor"), "place", annotator="alice")
        with pytest.raises(PermissionDenied, match="alice may not change bob's annotations"):
            annotate.create_span(alice, rid, *at("Damascus"), "place", annotator="bob")
        with pytest.raises(PermissionDenied, match="only a supervisor writes the gold set"):
            curation.accept_by_rule(alice, "unanimous")
        with sam.uow() as uow:
            bob_set = uow.repo.set_row(rid, "bob").id
            alice_set = uow.repo.set_row(rid, "alice").id
        curation.accept_by_rule(sam, "atleast:1")  # the supervisor's login writes gold
        with sam.uow() as uow:
            gold_set = uow.repo.set_row(rid, "gold").id
        before = sorted(s.id for s in annotate.get_set(sam, rid, "bob").spans)

        # hand-written SQL on alice's own connection
        with alice.engine.connect() as conn:
            span = ("INSERT INTO spans (set_id, key, start, \"end\", label, attrs) "
                    "VALUES (:sid, 'T99', 0, 2, 'actor', '{}')")
            assert "row-level security" in refused(conn, span, sid=bob_set)
            assert "row-level security" in refused(conn, span, sid=gold_set)
            with conn.begin():
                changed = conn.execute(sa.text("UPDATE spans SET label = 'place' WHERE set_id IN (:b, :g)"),
                                       {"b": bob_set, "g": gold_set}).rowcount
                deleted = conn.execute(sa.text("DELETE FROM spans WHERE set_id = :b"), {"b": bob_set}).rowcount
                moved = conn.execute(sa.text("UPDATE spans SET set_id = :b WHERE set_id = :a"),
                                     {"a": alice_set, "b": alice_set}).rowcount
            assert (changed, deleted, moved) == (0, 0, 1)  # other sets' rows are invisible to her writes
            assert "row-level security" in refused(conn, "UPDATE spans SET set_id = :b WHERE set_id = :a",
                                                   a=alice_set, b=bob_set)
            assert "permission denied" in refused(conn, "UPDATE annotators SET role = 'supervisor'")
            assert "permission denied" in refused(conn, "DELETE FROM reports")
            assert "permission denied" in refused(conn, "INSERT INTO curation_decisions (report_id, item, kind, "
                                                        "choice, gold_keys, decided_by, decided_at) VALUES "
                                                        "(:r, 'x', 'span', 'none', '[]', 'alice', now())", r=rid)
            assert "row-level security" in refused(conn, "UPDATE assignments SET status = 'accepted' "
                                                         "WHERE report_id = :r", r=rid)
        assert sorted(s.id for s in annotate.get_set(sam, rid, "bob").spans) == before

        # once she marks it done, her own set is closed to her login too, until it is returned
        workflow.mark_done(alice, rid, annotator="alice")
        with alice.engine.connect() as conn:
            assert "row-level security" in refused(conn, span.replace("T99", "T98"), sid=alice_set)
        with pytest.raises(PermissionDenied, match="read-only"):
            annotate.delete_span(alice, rid, mine.id, annotator="alice")
        workflow.set_status(sam, rid, "returned", annotator="alice", reason="also Damascus")
        annotate.create_span(alice, rid, *at("Damascus"), "place", annotator="alice")
    finally:
        alice.close()
        sam.close()
