#!/usr/bin/env python3
"""The supervisor's workflow in pictures: a throw-away database with the sample reports, five annotators
(alice and bob from the samples, and carol, dan and erin who disagree with them in chosen ways), a
round-robin assignment with work done, returned, accepted and curated, comment threads, and the
majority accepted on the first report — then the real window rendered offscreen to docs/screenshots/:

    assignments.png      Supervisor → Assignments and review, as sam
    curation.png         the curation view on the first sample, five annotators, names shown
    curation-blind.png   the same, blind
    comments.png         the Comments tab with its markers in the text, as alice

    .venv/bin/python scripts/workflow_screenshots.py [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def build(db: Path) -> str:
    from annotator.services import annotate, comments, curation, roles, workflow
    from annotator.services.database import open_database
    from annotator.services.reports import list_reports
    from annotator.services.samples import load_samples

    ctx = open_database(db)
    load_samples(ctx)
    roles.add_person(ctx, "sam", "supervisor")
    for name in ("alice", "bob", "carol", "dan", "erin"):
        roles.add_person(ctx, name, "annotator")
    listed = list_reports(ctx)
    rids = [r.id for r in listed]
    first = next(r.id for r in listed if "Euphrates" in r.title)
    alice, bob = annotate.get_set(ctx, first, "alice"), annotate.get_set(ctx, first, "bob")

    def copy(source, who: str, change) -> None:  # type: ignore[no-untyped-def]
        ctx.actor = who
        kept = {}
        for i, s in enumerate(source.spans):
            s2 = change(i, s)
            if s2 is None:
                continue
            made, _ = annotate.create_span(ctx, first, s2.start, s2.end, s2.label, annotator=who, attrs=s2.attrs,
                                           value=s2.value, entity=s2.entity, resolution=s2.resolution, key=s.id)
            kept[s.id] = made.id
        for r in source.relations:
            if r.head in kept and r.tail in kept:
                try:
                    annotate.create_relation(ctx, first, kept[r.head], kept[r.tail], r.label, annotator=who)
                except Exception:  # noqa: BLE001 - a relabelled end no longer fits: left out, as people do
                    pass
        ctx.actor = None

    copy(alice, "carol", lambda i, s: None if i % 5 == 4 else s.with_(label="place") if i == 2 else s)
    copy(bob, "dan", lambda i, s: s.with_(end=s.end - 1) if i == 3 and s.length > 3 else s)
    copy(alice, "erin", lambda i, s: s.with_(value=None) if s.value else None if i % 4 == 3 else s)
    ctx.actor = "sam"
    plan = workflow.plan_round_robin(ctx, rids, ["alice", "bob", "carol", "dan", "erin"], per_report=3,
                                     overlap=0.5)
    plan[first] = ["alice", "bob", "carol", "dan", "erin"]
    workflow.apply_plan(ctx, plan)
    for who in ("alice", "bob", "carol", "dan", "erin"):
        ctx.actor = who
        workflow.mark_done(ctx, first, annotator=who)
    ctx.actor = "sam"
    for who in ("alice", "bob", "carol", "erin"):
        workflow.set_status(ctx, first, "accepted", annotator=who)
    workflow.set_status(ctx, first, "returned", annotator="dan", reason="the adviser's name ends with al-Tamimi")
    second = next(rid for rid in rids if rid != first and "alice" in plan.get(rid, []))
    ctx.actor = "alice"
    workflow.mark_done(ctx, second, annotator="alice")
    ctx.actor = "bob"
    thread = comments.add_comment(ctx, first, "Is the “tribal council” the source, or the site that cites it?",
                                  span=next(s.id for s in bob.spans if s.label == "claim"), question=True)
    ctx.actor = "sam"
    comments.reply(ctx, thread.id, "The site makes the claim; the council is who it cites. Keep source = the site.")
    ctx.actor = "alice"
    note = comments.add_comment(ctx, first, "Hajj Mahdi al-Tamimi also appears in the 2 April report.",
                                span=next(s.id for s in alice.spans if s.label == "actor"))
    comments.resolve(ctx, note.id)
    comments.add_comment(ctx, first, "Date of the meeting: 5 April (not the date it was reported).",
                         span=next(s.id for s in alice.spans if s.label == "date"))
    ctx.actor = "sam"
    comments.add_comment(ctx, first, "Single unnamed source: keep the claim unconfirmed.")
    curation.accept_by_rule(ctx, "majority", [first])
    ctx.close()
    return first


def shoot(db: Path, out: Path, rid: str) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    runs = [("assignments.png", ["--view", "assignments", "--annotator", "sam"]),
            ("curation.png", ["--view", "curation", "--annotator", "sam"]),
            ("curation-blind.png", ["--view", "curation", "--blind", "--annotator", "sam"]),
            ("comments.png", ["--view", "comments", "--annotator", "alice"])]
    for name, extra in runs:
        subprocess.run([sys.executable, "-m", "annotator", "gui", "--db", str(db), "--no-samples", "--report", rid,
                        "--size", "1400x860", "--screenshot", str(out / name), *extra], check=True, env=env)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "workflow.sqlite3"
        rid = build(db)
        shoot(db, args.out, rid)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
