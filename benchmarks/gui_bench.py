"""GUI figures on a 1 MB report with 10,000 spans (nested: every tenth span is a claim holding the
next ones): time to open it in the real main window and paint the first screen, time to paint
every page while scrolling through it (worst page = the longest stall), the same with *Show
labels* on (every fourth page), time per span creation through the GUI path (undo command →
service commit → model → repaint), and peak RSS."""

from __future__ import annotations

import json
import os
import random
import resource
import statistics
import tempfile
import time
from pathlib import Path

from annotator.core.ids import report_id
from annotator.gui.main_window import MainWindow
from annotator.gui.session import EditSession
from annotator.services.database import open_database
from annotator.services.load import load_annotations
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

WORDS = ("the", "officers", "met", "in", "Deir", "ez-Zor", "IRGC", "reported", "claimed", "Raqqa",
         "دير", "الزور", "الحرس", "الثوري", "on", "April", "7", "source", "Telegram", "channel", "🇸🇾")


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def big_report(chars: int = 1_000_000) -> str:
    rng = random.Random(5)
    parts: list[str] = []
    size = 0
    line: list[str] = []
    while size < chars:
        w = rng.choice(WORDS)
        line.append(w)
        size += len(w) + 1
        if len(line) >= 14:
            parts.append(" ".join(line))
            line = []
    parts.append(" ".join(line))
    return "\n".join(parts)[:chars]


def spans_for(text: str, n: int = 10_000) -> list[dict[str, object]]:
    step = len(text) // n
    spans: list[dict[str, object]] = []
    for i in range(n):
        start = i * step
        if i % 10 == 0:  # a claim over the next nine spans' stretch
            end = min(len(text), start + step * 9 - 1)
            label = "claim"
        else:
            end = start + max(3, step // 2)
            label = ("actor", "place", "date")[i % 3]
        spans.append({"id": f"T{i + 1}", "start": start, "end": end, "label": label})
    return spans


def _settle(app, window) -> None:  # type: ignore[no-untyped-def]
    """Until the window's database lane has delivered everything (what "Saved" waits for)."""
    while window.session.lane.busy:
        app.processEvents()
        time.sleep(0.0005)
    app.processEvents()


def _page_paints(view, every: int) -> list[float]:  # type: ignore[no-untyped-def]
    """Milliseconds to paint every ``every``-th page, scrolling from the top to the end."""
    bar = view.verticalScrollBar()
    times = []
    value = 0
    while value <= bar.maximum():
        bar.setValue(value)
        t = time.perf_counter()
        view.viewport().repaint()
        times.append((time.perf_counter() - t) * 1000)
        value += every * max(1, bar.pageStep())
    return times


def run() -> dict[str, object]:
    app = QApplication.instance() or QApplication([])
    results: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        text = big_report()
        rid = report_id(text)
        line = {"id": rid, "text": text, "meta": {"title": "1 MB bench"}, "annotator": "bench",
                "spans": spans_for(text)}
        (folder / "big.jsonl").write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
        ctx = open_database(folder / "gui.sqlite3")
        load_annotations(ctx, folder / "big.jsonl", "jsonl")
        settings = QSettings(str(folder / "s.ini"), QSettings.Format.IniFormat)
        window = MainWindow(EditSession(ctx, "bench", ctx.schema), settings)
        window.resize(1400, 860)
        window.show()
        app.processEvents()

        _settle(app, window)
        t = time.perf_counter()
        window.open_report(rid)
        _settle(app, window)
        window.view.viewport().repaint()
        results["open_1mb_10k_spans_s"] = round(time.perf_counter() - t, 3)
        results["report_chars"] = len(text)
        results["spans"] = len(window.document.mine)

        bar = window.view.verticalScrollBar()
        t_all = time.perf_counter()
        pages = _page_paints(window.view, every=1)
        results["scroll_all_pages_s"] = round(time.perf_counter() - t_all, 2)
        results["pages_painted"] = len(pages)
        results["page_paint_p50_ms"] = round(statistics.median(pages), 2)
        results["page_paint_max_ms"] = round(max(pages), 2)

        # with Show labels on: every fourth page again, tags packed above each line
        window.view.set_show_labels(True)
        labelled = _page_paints(window.view, every=4)
        window.view.set_show_labels(False)
        results["page_paint_show_labels_p50_ms"] = round(statistics.median(labelled), 2)
        results["page_paint_show_labels_max_ms"] = round(max(labelled), 2)

        bar.setValue(bar.maximum() // 2)
        app.processEvents()
        create: list[float] = []
        paint: list[float] = []
        base = window.view.cursorForPosition(window.view.viewport().rect().center()).position()
        start = window.document.offsets.to_offset(base)
        for i in range(200):
            s = start + (i * 37) % 2000
            t = time.perf_counter()
            window.labelling.create(s, s + 4, "actor")
            _settle(app, window)
            t_paint = time.perf_counter()
            window.view.viewport().repaint()
            create.append((time.perf_counter() - t) * 1000)
            paint.append((time.perf_counter() - t_paint) * 1000)
        results["gui_create_span_p50_ms"] = round(statistics.median(create), 2)
        results["gui_create_span_p99_ms"] = round(_percentile(create, 0.99), 2)
        results["of_which_repaint_p50_ms"] = round(statistics.median(paint), 2)
        undos: list[float] = []
        for _ in range(20):  # the last twenty creations undone, one step at a time
            t = time.perf_counter()
            window.session.undo()
            _settle(app, window)
            window.view.viewport().repaint()
            undos.append((time.perf_counter() - t) * 1000)
        results["gui_undo_p50_ms"] = round(statistics.median(undos), 2)
        results["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
        window.close()
        ctx.close()
    return results


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
