#!/usr/bin/env python3
"""Render the README's screenshots from the real window, offscreen, on a throw-away database: the
sample reports plus two small reports written here to show dense nesting (depth 5) in English and
Arabic. Nothing in the user's settings or data folders is touched.

    .venv/bin/python scripts/make_screenshots.py [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

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
            "adjudication": ["--report", english, "--view", "adjudication", "--size", "1400x860"],
        }
        for name, extra in shots.items():
            platform = f"offscreen:configfile={screen}" if name == "first-launch" else "offscreen"
            cli("--annotator", "alice", "gui", "--screenshot", str(out / f"{name}.png"), *extra, platform=platform)
            print(out / f"{name}.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
