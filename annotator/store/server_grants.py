"""What a team server's login may do: table privileges per role, granted with the server's own GRANT
(row-level security, set up by the migrations, narrows an annotator's login to its own rows)."""

from __future__ import annotations

from sqlalchemy import Engine, text

from annotator.core.errors import DatabaseError

# what an annotator's login may do on the server (row-level security narrows the rows); supervisors get all
ANNOTATOR_WRITES = ("annotation_sets", "spans", "relations", "edits", "events", "event_arguments", "assignments",
                    "status_changes", "comments", "settings", "entities", "entity_aliases", "incidents",
                    "suggestion_rejections")
ANNOTATOR_INSERTS = ("reports", "report_search")


def grant_login(engine: Engine, login: str, *, supervisor: bool) -> None:
    """Grant ``login`` its role's privileges in one transaction; the server's refusal is one sentence."""
    quoted = '"' + login.replace('"', '""') + '"'
    statements = ["GRANT USAGE ON SCHEMA public TO {who}", "GRANT SELECT ON ALL TABLES IN SCHEMA public TO {who}",
                  "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {who}"]
    if supervisor:
        statements.append("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {who}")
    else:
        statements.append("GRANT INSERT, UPDATE, DELETE ON " + ", ".join(ANNOTATOR_WRITES) + " TO {who}")
        statements.append("GRANT INSERT ON " + ", ".join(ANNOTATOR_INSERTS) + " TO {who}")
        statements.append("REVOKE INSERT, UPDATE, DELETE ON annotators, curation_decisions FROM {who}")
    try:
        with engine.begin() as conn:
            for statement in statements:
                conn.execute(text(statement.format(who=quoted)))
    except Exception as exc:  # noqa: BLE001 - the server's refusal, as one sentence
        first = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise DatabaseError(f"the server refused to grant {login} its privileges ({first}); connect as the "
                            "database owner to add logins") from None
