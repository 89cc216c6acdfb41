"""Crash-safety harness: a child process works through the real services and acknowledges each call
after it returns; the parent SIGKILLs it at a random moment and checks what survived.

    PYTHONPATH=. .venv/bin/python tests/stress/crash.py [--trials 200] [--seed 17] [--json]

Scenarios (each ``--trials`` times): ``edits`` (every acknowledged span edit present), ``import``
(a folder import: every acknowledged file stored, nothing partial), ``export`` (no half-written file
under the final name; stale temporaries removed by the next run), ``bundle`` (a bundle import is all
or nothing) and ``create`` (a database killed while being created opens afterwards). After every
trial ``PRAGMA integrity_check`` must say ok. ``tests/stress/test_stress.py`` runs a few trials of
each in the suite."""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from annotator.core.ids import report_id
from annotator.core.report import Report
from annotator.services import annotate
from annotator.services.bundles import export_bundle
from annotator.services.database import open_database
from annotator.services.export import export_corpus
from annotator.services.reports import store_report

ROOT = Path(__file__).resolve().parents[2]
WORDS = ("Deir ez-Zor Mayadin Busayrah Raqqa Homs Aleppo fighters shelled the village at dawn spokesman "
         "said IRGC officers met militia commander on Friday reported").split()
SCENARIOS = ("edits", "import", "export", "bundle", "create")


def _text(rng: random.Random, n: int = 120) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)) + "."


# -- the child: real services, one acknowledgement per returned call ------------------------------
CHILD = r'''
import random, sys
from pathlib import Path
scenario, db, work, seed = sys.argv[1], sys.argv[2], Path(sys.argv[3]), int(sys.argv[4])
def ack(*parts):
    print("ack", *parts, flush=True)
if scenario == "create":
    from annotator.services.database import open_database
    print("ready", flush=True)
    open_database(db).close()
    ack("created")
    sys.exit(0)
from annotator.services.database import open_database
ctx = open_database(db)
print("ready", flush=True)
if scenario == "edits":
    from annotator.services import annotate
    from annotator.services.reports import list_reports
    rid = list_reports(ctx)[0].id
    text_len = list_reports(ctx)[0].chars
    rng = random.Random(seed)
    while True:
        start = rng.randrange(0, text_len - 10)
        span, _ = annotate.create_span(ctx, rid, start, start + rng.randint(1, 9), "actor", annotator="crash")
        ack(span.id, start)
elif scenario == "import":
    from annotator.services.reports import import_reports
    files = sorted((work / "in").iterdir())
    def progress(done, total, name):
        if done:
            ack(files[done - 1].name)
    import_reports(ctx, [work / "in"], progress=progress)
    ack(files[-1].name)
elif scenario == "export":
    from annotator.services.export import export_corpus
    while True:
        export_corpus(ctx, "jsonl", work / "out.jsonl")
        ack("exported")
elif scenario == "bundle":
    from annotator.services.bundles import import_bundle
    import_bundle(ctx, work / "b.annbundle")
    ack("imported")
'''


@dataclass
class Outcome:
    scenario: str
    trials: int = 0
    survived: int = 0
    acknowledged: int = 0
    failures: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {"trials": self.trials, "survived": self.survived, "acknowledged": self.acknowledged,
                "failures": self.failures[:10]}


def _run_child(scenario: str, db: Path, work: Path, seed: int, delay: float) -> list[list[str]]:
    """Start the child, SIGKILL it ``delay`` seconds after it is ready (or let it finish); its acks."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", CHILD, scenario, str(db), str(work), str(seed)],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    assert proc.stdout is not None
    first = proc.stdout.readline()
    if first.strip() != "ready":
        proc.wait()
        raise RuntimeError(f"child of {scenario} did not start: {first!r}")
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    out, _ = proc.communicate()
    return [line.split()[1:] for line in out.splitlines() if line.startswith("ack ")]


def _integrity(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def _prepare(scenario: str, work: Path, rng: random.Random) -> Path:
    """A database (and input files) for one scenario, built through the services."""
    sys.path.insert(0, str(ROOT))
    db = work / "crash.sqlite3"
    if scenario == "create":
        return db
    ctx = open_database(db)
    try:
        report = Report.of(_text(rng, 400), title="shared")
        store_report(ctx, report)
        if scenario == "import":
            (work / "in").mkdir()
            for k in range(40):
                (work / "in" / f"{k:03d}.txt").write_text(f"Report {k}. " + _text(rng), encoding="utf-8")
        if scenario in ("export", "bundle"):
            for k in range(30):
                r = Report.of(f"Report {k}. " + _text(rng), title=f"r{k}")
                store_report(ctx, r)
                for j in range(10):
                    annotate.create_span(ctx, r.id, j * 5, j * 5 + 4, "actor", annotator="bob")
        if scenario == "bundle":
            export_bundle(ctx, "bob", work / "b.annbundle")
            other = work / "other.sqlite3"
            octx = open_database(other)
            octx.close()
            db.unlink()
            for side in ("-wal", "-shm"):
                Path(str(db) + side).unlink(missing_ok=True)
            other.rename(db)
            for side in ("-wal", "-shm"):
                Path(str(other) + side).unlink(missing_ok=True)
    finally:
        ctx.close()
    return db


def _check(scenario: str, db: Path, work: Path, acks: list[list[str]], outcome: Outcome) -> str | None:
    """What went wrong in this trial, or None."""
    sys.path.insert(0, str(ROOT))
    if scenario == "create" and not db.exists():
        return None
    integrity = _integrity(db)
    if integrity != "ok":
        return f"integrity_check: {integrity}"
    try:
        ctx = open_database(db)
    except Exception as exc:  # noqa: BLE001 - any refusal here is the failure being looked for
        return f"cannot open after the kill: {exc}"
    try:
        with ctx.uow() as uow:
            if scenario == "edits":
                rid = uow.repo.report_ids()[0]
                have = {s.id for s in uow.repo.annotation_set(rid, "crash").spans}
                missing = [a[0] for a in acks if a[0] not in have]
                outcome.acknowledged += len(acks)
                return f"acknowledged edits lost: {missing[:5]}" if missing else None
            if scenario == "import":
                stored = set(uow.repo.report_ids())
                files = {p.name: p for p in (work / "in").iterdir()}
                outcome.acknowledged += len(acks)
                lost = [a[0] for a in acks if report_id(files[a[0]].read_text(encoding="utf-8")) not in stored]
                return f"acknowledged files lost: {lost[:5]}" if lost else None
            if scenario == "bundle":
                sets = len(uow.repo.set_keys("bob"))
                outcome.acknowledged += len(acks)
                if sets not in (0, 30):
                    return f"a partial bundle import: {sets} of 30 sets"
                if acks and sets != 30:
                    return "an acknowledged bundle import is missing"
                return None
        if scenario == "export":
            out = work / "out.jsonl"
            outcome.acknowledged += len(acks)
            if out.exists():
                lines = out.read_text(encoding="utf-8").splitlines()
                if len(lines) != 30 or not all(json.loads(line) for line in lines):
                    return f"a half-written export under the final name ({len(lines)} lines)"
            export_corpus(ctx, "jsonl", out)  # the next run of the same export
            stale = [n for n in os.listdir(work) if n.startswith(".out.jsonl.")]
            return f"stale temporaries left after the next run: {stale}" if stale else None
    finally:
        ctx.close()
    return None


def run(scenarios: tuple[str, ...] = SCENARIOS, trials: int = 200, seed: int = 17,
        max_seconds: float = 3600) -> dict[str, Outcome]:
    """``trials`` kills per scenario (fewer if ``max_seconds`` runs out); the outcome of each."""
    rng = random.Random(seed)
    started = time.monotonic()
    results: dict[str, Outcome] = {}
    delays = {"edits": (0.05, 1.5), "import": (0.0, 1.2), "export": (0.0, 1.0), "bundle": (0.0, 1.5),
              "create": (0.0, 0.6)}
    for scenario in scenarios:
        outcome = results.setdefault(scenario, Outcome(scenario))
        with tempfile.TemporaryDirectory(prefix=f"crash-{scenario}-") as tmp:
            base = Path(tmp)
            work = base / "w"
            for k in range(trials):
                if time.monotonic() - started > max_seconds:
                    break
                if scenario != "edits" or k == 0:  # edits accumulate in one database across kills
                    if work.exists():
                        shutil.rmtree(work)
                    work.mkdir()
                    db = _prepare(scenario, work, rng)
                acks = _run_child(scenario, db, work, rng.randrange(1 << 30), rng.uniform(*delays[scenario]))
                problem = _check(scenario, db, work, acks, outcome)
                outcome.trials += 1
                if problem is None:
                    outcome.survived += 1
                else:
                    outcome.failures.append(f"trial {k}: {problem}")
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trials", type=int, default=200)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--only", help="comma-separated: " + ",".join(SCENARIOS))
    parser.add_argument("--max-seconds", type=float, default=3600)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    chosen = tuple(args.only.split(",")) if args.only else SCENARIOS
    results = run(chosen, args.trials, args.seed, args.max_seconds)
    data = {name: o.to_json() for name, o in results.items()}
    if args.json:
        print(json.dumps(data, indent=2))
    else:
        for name, o in results.items():
            print(f"{name:8} {o.survived}/{o.trials} trials survived, {o.acknowledged} acknowledged calls checked"
                  + (f"; FAILURES: {o.failures[:3]}" if o.failures else ""))
    return 0 if all(o.survived == o.trials for o in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
