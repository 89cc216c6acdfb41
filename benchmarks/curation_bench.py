"""Benchmarks of curation: opening the curation view on one report annotated by 5 annotators × 2,000
spans (the service's candidate groups, and the real view until its candidates are shown), and a bulk
accept by majority over 1,000 reports × 3 annotators × 50 spans (dry run, then the one transaction that
writes gold), on a real SQLite file. The data are synthetic and deterministic (``random.Random(13)``):
~75 % of an annotator's spans equal the base annotation, the rest shifted by a word, relabelled, dropped
or added; sets are written with the bulk path bundles use, so building the corpus is quick.

``python benchmarks/curation_bench.py`` prints the figures as JSON; ``benchmarks/run.py --only curation``.
"""

from __future__ import annotations

import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from annotator.core.report import Report  # noqa: E402
from annotator.core.spans import Span  # noqa: E402
from annotator.gui.main_window import MainWindow  # noqa: E402
from annotator.gui.session import EditSession  # noqa: E402
from annotator.services import annotate, curation  # noqa: E402
from annotator.services.database import open_database  # noqa: E402
from annotator.store.set_transfer import SetWrite  # noqa: E402
from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from agreement_bench import _text  # noqa: E402

LABELS = ("actor", "place", "date")


def _base(rng: random.Random, words: list[tuple[int, int]], n: int) -> list[tuple[int, int, str]]:
    step = max(1, len(words) // n)
    out = []
    for k in range(n):
        i = min(len(words) - 3, k * step + rng.randrange(0, max(1, step - 3)))
        size = rng.randint(1, 3)
        out.append((words[i][0], words[i + size - 1][1], rng.choice(LABELS)))
    return sorted(set(out))


def _variant(rng: random.Random, base: list[tuple[int, int, str]], words: list[tuple[int, int]]) -> list[Span]:
    ends = {w[0]: w[1] for w in words}
    nxt = {w[1]: words[i + 1][1] for i, w in enumerate(words[:-1])}
    spans: list[Span] = []
    for s, e, label in base:
        r = rng.random()
        if r < 0.75:
            spans.append(Span("?", s, e, label))
        elif r < 0.85 and e in nxt:
            spans.append(Span("?", s, nxt[e], label))
        elif r < 0.93:
            spans.append(Span("?", s, e, rng.choice([x for x in LABELS if x != label])))
        # else dropped
        if rng.random() < 0.03:
            w = rng.choice(list(ends))
            spans.append(Span("?", w, ends[w], rng.choice(LABELS)))
    unique = {(x.start, x.end, x.label): x for x in spans}
    return [x.with_(id=f"T{i}") for i, x in enumerate(sorted(unique.values(), key=lambda x: (x.start, -x.end)), 1)]


def populate(ctx: Any, reports: int, annotators: int, spans: int, seed: int = 13) -> list[str]:
    rng = random.Random(seed)
    made: list[tuple[Report, dict[str, list[Span]]]] = []
    for k in range(reports):
        text, words = _text(rng, max(3000, spans * 60))
        report = Report.of(f"Report {k}. {text}", title=f"bench {k}")
        shift = len(f"Report {k}. ")
        words = [(a + shift, b + shift) for a, b in words]
        base = _base(rng, words, spans)
        made.append((report, {f"ann{i + 1}": _variant(rng, base, words) for i in range(annotators)}))
    with ctx.uow() as uow:
        uow.transfer.add_reports([r for r, _ in made], origin="benchmark")
        for i in range(annotators):
            who = f"ann{i + 1}"
            annotator_id = uow.repo.annotator_row(who).id
            writes = [SetWrite(r.id, sets[who], (), 1) for r, sets in made]
            for j in range(0, len(writes), 1000):
                uow.transfer.write_sets(who, annotator_id, writes[j:j + 1000], op="benchmark")
        uow.commit()
    return [r.id for r, _ in made]


def open_view(folder: Path) -> dict[str, Any]:
    ctx = open_database(folder / "five.sqlite3")
    (rid,) = populate(ctx, 1, 5, 2000)
    out: dict[str, Any] = {}
    t = time.perf_counter()
    view = curation.open_curation(ctx, rid)
    out["open_curation_service_5x2000_s"] = round(time.perf_counter() - t, 3)
    out["candidate_groups"] = len(view.state.groups)
    out["spans_per_annotator"] = round(sum(len(s.spans) for s in view.sets.values()) / len(view.sets))
    app = QApplication.instance() or QApplication([])
    window = MainWindow(EditSession(ctx, "sam", ctx.schema), QSettings(str(folder / "s.ini"),
                                                                        QSettings.Format.IniFormat))
    window.resize(1400, 860)
    window.show()
    _settle(app, window)
    t = time.perf_counter()
    window.show_side_by_side(rid)
    _settle(app, window)
    _settle(app, window)
    dialog = window.side_by_side[rid]
    dialog.repaint()
    out["open_curation_view_5x2000_s"] = round(time.perf_counter() - t, 3)
    out["candidates_shown"] = dialog.candidates.rowCount()
    t = time.perf_counter()
    dialog.candidate_view.setFocus()
    dialog.accept_version(1)
    _settle(app, window)
    _settle(app, window)
    out["decide_one_and_reload_5x2000_s"] = round(time.perf_counter() - t, 3)
    dialog.close()
    window.close()
    ctx.close()
    return out


def _settle(app: Any, window: Any) -> None:
    while window.session.lane.busy:
        app.processEvents()
        time.sleep(0.0005)
    app.processEvents()


def bulk_majority(folder: Path, reports: int = 1000) -> dict[str, Any]:
    ctx = open_database(folder / "corpus.sqlite3")
    t = time.perf_counter()
    ids = populate(ctx, reports, 3, 50)
    out: dict[str, Any] = {"build_corpus_s": round(time.perf_counter() - t, 2)}
    t = time.perf_counter()
    preview = curation.accept_by_rule(ctx, "majority", dry_run=True)
    out["majority_dry_run_1000x3x50_s"] = round(time.perf_counter() - t, 2)
    t = time.perf_counter()
    done = curation.accept_by_rule(ctx, "majority")
    out["majority_accept_1000x3x50_s"] = round(time.perf_counter() - t, 2)
    out["accepted_groups"] = done.totals["accepted"]
    out["left_to_decide"] = done.totals["left"]
    out["same_as_preview"] = done.totals == preview.totals
    out["gold_spans_first_report"] = len(annotate.get_set(ctx, ids[0], "gold").spans)
    ctx.close()
    return out


def run() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        figures = open_view(folder)
        figures.update(bulk_majority(folder))
    return figures


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
