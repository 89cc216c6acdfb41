#!/usr/bin/env python3
"""Render the README's screenshots from the real window, offscreen, on throw-away databases: the
sample reports plus two small reports written here to show dense nesting (depth 5) in English and
Arabic; and a supervisor's database (five annotators, assignments, returns, comments, a majority
accepted) for the assignment view, the curation view (named and blind) and the Comments tab. Nothing in
the user's settings or data folders is touched.

    .venv/bin/python scripts/make_screenshots.py [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from annotator.services import annotate, comments, curation, roles, workflow
from annotator.services.database import open_database
from annotator.services.reports import list_reports
from annotator.services.samples import load_samples

ROOT = Path(__file__).resolve().parents[1]

NESTED = ("Amman, 14 March 2024. The Syrian Observatory for Human Rights reported that officers of the "
          "Iranian Islamic Revolutionary Guard Corps (IRGC) met commanders of Liwa al-Baqir in Deir ez-Zor "
          "on Monday, and that IRGC advisers later toured positions near al-Bukamal. A spokesman for the "
          "Syrian Democratic Forces denied that any meeting had taken place.\n")
NESTED_AR = ("قال المرصد السوري لحقوق الإنسان إن ضباطاً من الحرس الثوري الإيراني اجتمعوا بقادة لواء الباقر "
             "في دير الزور يوم الاثنين، بينما نفى متحدث باسم قوات سوريا الديمقراطية انعقاد أي اجتماع.\n")
# (surface, label, occurrence) in the order they are marked; claims hold the rest
NESTED_SPANS = [
    ("Amman", "place", 0), ("14 March 2024", "date", 0), ("Syrian Observatory for Human Rights", "actor", 0),
    ("officers of the Iranian Islamic Revolutionary Guard Corps (IRGC) met commanders of Liwa al-Baqir in "
     "Deir ez-Zor on Monday", "claim", 0),
    ("officers of the Iranian Islamic Revolutionary Guard Corps (IRGC)", "actor", 0),
    ("Iranian Islamic Revolutionary Guard Corps (IRGC)", "actor", 0),
    ("Islamic Revolutionary Guard Corps", "actor", 0), ("Revolutionary Guard", "actor", 0), ("IRGC", "actor", 0),
    ("Liwa al-Baqir", "actor", 0), ("Deir ez-Zor", "place", 0), ("Monday", "date", 0),
    ("IRGC advisers later toured positions near al-Bukamal", "claim", 0), ("IRGC advisers", "actor", 0),
    ("al-Bukamal", "place", 0), ("Syrian Democratic Forces", "actor", 0),
    ("any meeting had taken place", "claim", 0),
]
NESTED_AR_SPANS = [
    ("المرصد السوري لحقوق الإنسان", "actor", 0),
    ("ضباطاً من الحرس الثوري الإيراني اجتمعوا بقادة لواء الباقر في دير الزور يوم الاثنين", "claim", 0),
    ("ضباطاً من الحرس الثوري الإيراني", "actor", 0), ("الحرس الثوري الإيراني", "actor", 0),
    ("الحرس الثوري", "actor", 0), ("لواء الباقر", "actor", 0), ("دير الزور", "place", 0),
    ("يوم الاثنين", "date", 0), ("قوات سوريا الديمقراطية", "actor", 0),
]


def line(text: str, title: str, spans: list[tuple[str, str, int]], source: str) -> dict[str, object]:
    out, ids = [], {}
    for n, (surface, label, occurrence) in enumerate(spans, start=1):
        start = -1
        for _ in range(occurrence + 1):
            start = text.index(surface, start + 1)
        out.append({"id": f"T{n}", "start": start, "end": start + len(surface), "label": label})
        ids[surface] = f"T{n}"
    claim = next(s for s in out if s["label"] == "claim")
    inside = [s for s in out if s is not claim and claim["start"] <= s["start"] and s["end"] <= claim["end"]]
    relations = [{"id": "R1", "head": claim["id"], "tail": ids[source], "label": "source"}]
    firsts = {}
    for s in inside:
        firsts.setdefault(s["label"], s)
    for n, s in enumerate(firsts.values(), start=2):
        relations.append({"id": f"R{n}", "head": claim["id"], "tail": s["id"], "label": s["label"]})
    return {"text": text, "meta": {"title": title, "published": "2024-03-14"}, "annotator": "alice",
            "spans": out, "relations": relations}


def build_workflow(db: Path) -> str:
    """Five annotators on the first sample (alice and bob from the samples; carol, dan and erin
    disagree with them in chosen ways), a round-robin assignment with work done, returned, accepted,
    comment threads, and the majority accepted: what the supervisor's pictures show."""
    sys.path.insert(0, str(ROOT))
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
                with contextlib.suppress(Exception):  # a relabelled end no longer fits: left out, as people do
                    annotate.create_relation(ctx, first, kept[r.head], kept[r.tail], r.label, annotator=who)
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(folder / "config"),
               "XDG_DATA_HOME": str(folder / "data")}
        screen = folder / "screen.json"
        screen.write_text(json.dumps({"screens": [{"name": "desk", "x": 0, "y": 0, "width": 1600, "height": 1000,
                                                   "logicalDpiX": 96, "logicalDpiY": 96, "dpr": 1}]}))
        db = folder / "docs.sqlite3"
        demo = folder / "nesting.jsonl"
        demo.write_text(json.dumps(line(NESTED, "IRGC officers in Deir ez-Zor (demo)", NESTED_SPANS,
                                        "Syrian Observatory for Human Rights"), ensure_ascii=False) + "\n"
                        + json.dumps(line(NESTED_AR, "الحرس الثوري في دير الزور (مثال)", NESTED_AR_SPANS,
                                          "المرصد السوري لحقوق الإنسان"), ensure_ascii=False) + "\n", encoding="utf-8")

        def cli(*argv: str, platform: str = "offscreen") -> str:
            proc = subprocess.run([sys.executable, "-m", "annotator", "--db", str(db), *argv], env={
                **env, "QT_QPA_PLATFORM": platform}, capture_output=True, text=True, timeout=300)
            if proc.returncode != 0:
                raise SystemExit(f"annotator {' '.join(argv)} failed: {proc.stderr.strip()}")
            return proc.stdout

        cli("--annotator", "alice", "gui", "--screenshot", str(folder / "warm.png"))  # a new database: samples
        cli("load", str(demo), "--format", "jsonl")
        reports = {r["title"]: r["id"] for r in json.loads(cli("reports", "--json"))["reports"]}
        nested = reports["IRGC officers in Deir ez-Zor (demo)"]
        nested_ar = reports["الحرس الثوري في دير الزور (مثال)"]
        english = next(i for t, i in reports.items() if t.startswith("Euphrates Post"))
        arabic = next(i for t, i in reports.items() if t.startswith("حمص"))
        raqqa = next(i for t, i in reports.items() if "Raqqa" in t)
        shots = {
            "first-launch": ["--report", english],
            "english": ["--report", english, "--size", "1400x860"],
            "arabic": ["--report", arabic, "--size", "1400x860"],
            "arabic-inspector-record": ["--report", arabic, "--span", "T13", "--view", "record", "--size", "1400x860"],
            "nesting": ["--report", nested, "--span", "T4", "--size", "1400x860"],
            "nesting-labels": ["--report", nested, "--span", "T4", "--show-labels", "--size", "1400x860"],
            "nesting-arabic": ["--report", nested_ar, "--span", "T2", "--show-labels", "--size", "1400x860"],
            "relations": ["--report", nested, "--span", "T4", "--view", "record", "--size", "1400x860"],
            "events": ["--report", raqqa, "--view", "events", "--size", "1400x860"],
            "new-event": ["--report", raqqa, "--span", "T11", "--view", "new-event"],
            "agreement": ["--view", "agreement", "--size", "1400x860"],
            "search": ["--report", english, "--view", "search", "--size", "1400x860"],
            "suggestions": ["--report", arabic, "--view", "suggestions", "--size", "1400x860"],
        }
        team = folder / "workflow.sqlite3"
        first = build_workflow(team)
        for name, who, extra in (("assignments", "sam", ["--view", "assignments"]),
                                 ("curation", "sam", ["--view", "curation"]),
                                 ("curation-blind", "sam", ["--view", "curation", "--blind"]),
                                 ("comments", "alice", ["--view", "comments"])):
            shots[name] = ["--db", str(team), "--no-samples", "--report", first, "--size", "1400x860", "--annotator",
                           who, *extra]
        for name, extra in shots.items():
            platform = f"offscreen:configfile={screen}" if name == "first-launch" else "offscreen"
            cli("--annotator", "alice", "gui", "--screenshot", str(out / f"{name}.png"), *extra, platform=platform)
            print(out / f"{name}.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
