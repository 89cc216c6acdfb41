"""Several annotators editing at once (the team server): nothing lost, nothing overwritten."""

from __future__ import annotations

import multiprocessing as mp

import pytest
import sqlalchemy as sa
from annotator.core.report import Report
from annotator.services import annotate
from annotator.services.database import open_database
from annotator.services.reports import store_report

TEXT = " ".join(f"word{i}" for i in range(3000))
PROCESSES = 4
EDITS = 500


def _worker(url: str, report_id: str, annotator: str, n: int) -> None:
    ctx = open_database(url)
    try:
        for i in range(n):
            start = (i * 7) % (len(TEXT) - 10)
            annotate.create_span(ctx, report_id, start, start + 5, "actor", annotator=annotator)
            if i % 50 == 49:  # a few edits of other kinds, as real sessions have
                annotate.relabel_span(ctx, report_id, f"T{i + 1}", "place", annotator=annotator)
    finally:
        ctx.close()


@pytest.mark.slow
def test_four_processes_times_500_edits_lose_nothing(ctx) -> None:
    report = Report.of(TEXT, title="shared")
    store_report(ctx, report)
    names = [f"annotator{k}" for k in range(PROCESSES)]
    spawn = mp.get_context("spawn")
    procs = [spawn.Process(target=_worker, args=(ctx.url, report.id, name, EDITS)) for name in names]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=240)
    assert [p.exitcode for p in procs] == [0] * PROCESSES
    relabels = EDITS // 50
    for name in names:
        s = annotate.get_set(ctx, report.id, name)
        assert len(s.spans) == EDITS
        assert len({sp.id for sp in s.spans}) == EDITS
        assert sum(1 for sp in s.spans if sp.label == "place") == relabels
        assert s.version == EDITS + relabels
    with ctx.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT COUNT(*) FROM edits")).scalar() == PROCESSES * (EDITS + relabels)
        assert conn.execute(sa.text("SELECT COUNT(*) FROM spans")).scalar() == PROCESSES * EDITS
