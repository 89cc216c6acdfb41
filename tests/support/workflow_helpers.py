"""One report annotated by three annotators with every kind of candidate group, for the workflow,
curation and bundle tests (and the people in it: a supervisor and three annotators)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from annotator.core.report import Report
from annotator.services import annotate, curation, roles, workflow
from annotator.services.bundles import export_bundle
from annotator.services.reports import store_report

TEXT = ("On 7 April 2024 officers of the IRGC met militia commanders in Deir ez-Zor, the Syrian Observatory "
        "said; a spokesman in Damascus denied it.\n")


def at(fragment: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(fragment, start + 1)
    return start, start + len(fragment)


def staff(ctx: Any, supervisor: str = "sam") -> None:
    """A supervisor (roles take effect) and three annotators."""
    actor, ctx.actor = ctx.actor, None
    try:
        roles.add_person(ctx, supervisor, "supervisor")
        for name in ("alice", "bob", "carol"):
            roles.add_person(ctx, name, "annotator")
    finally:
        ctx.actor = actor


def store(ctx: Any) -> str:
    report = Report.of(TEXT, title="Deir ez-Zor meeting", published="2024-04-08")
    store_report(ctx, report)
    return report.id


def annotate_three(ctx: Any, rid: str) -> dict[str, dict[str, str]]:
    """alice, bob and carol annotate ``rid``, each as themself. Groups, by design:

    IRGC actor: all three (unanimous); Deir ez-Zor: place, place, actor (same extent, other label);
    the date: alice and bob "7 April 2024" with other values (2024-04-07, 2024-04), carol "7 April"
    (overlapping, no majority); the claim and its source actor: alice and bob (majority), with a source
    relation each; Damascus place: carol only. Majority accepts 5 groups and leaves 2."""
    ids: dict[str, dict[str, str]] = {}
    plan = {
        "alice": [("IRGC", "actor", {}), ("Deir ez-Zor", "place", {}),
                  ("7 April 2024", "date", {"value": "2024-04-07"}),
                  ("the Syrian Observatory said", "claim", {}), ("Syrian Observatory", "actor", {})],
        "bob": [("IRGC", "actor", {}), ("Deir ez-Zor", "place", {}), ("7 April 2024", "date", {"value": "2024-04"}),
                ("the Syrian Observatory said", "claim", {}), ("Syrian Observatory", "actor", {})],
        "carol": [("IRGC", "actor", {}), ("Deir ez-Zor", "actor", {}), ("7 April", "date", {}),
                  ("Damascus", "place", {})],
    }
    saved = ctx.actor
    try:
        for who, items in plan.items():
            ctx.actor = who
            ids[who] = {}
            for fragment, label, fields in items:
                s, e = at(fragment)
                span, _ = annotate.create_span(ctx, rid, s, e, label, annotator=who, **fields)
                ids[who][fragment] = span.id
            if who != "carol":
                annotate.create_relation(ctx, rid, ids[who]["the Syrian Observatory said"],
                                         ids[who]["Syrian Observatory"], "source", annotator=who)
    finally:
        ctx.actor = saved
    return ids


def curated_gold_bundle(ctx: Any, path: Path) -> str:
    """On the supervisor's database: a report annotated by three, its gold curated by the majority rule and
    marked curated, exported as gold's bundle to ``path``; returns the report's id."""
    rid = store(ctx)
    annotate_three(ctx, rid)
    curation.accept_by_rule(ctx, "majority")
    workflow.set_status(ctx, rid, "curated")
    export_bundle(ctx, "gold", path)
    return rid


def team_database(folder: Path) -> tuple[Path, str]:
    """A team's SQLite file (a supervisor, three annotators' sets on one report) and the report's id."""
    from annotator.services.database import open_database  # noqa: PLC0415 (kept out of the helpers' import)

    db = folder / "team.sqlite3"
    ctx = open_database(db)
    try:
        staff(ctx)
        rid = store(ctx)
        annotate_three(ctx, rid)
    finally:
        ctx.close()
    return db, rid
