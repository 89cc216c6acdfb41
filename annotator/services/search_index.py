"""Keeping the folded copy of each report's text (what corpus search looks in) in step with the reports.

A report is indexed in the transaction that stores it (``reports.store_report``); reports stored before
search existed, or by an older version of annotator on a shared server, are indexed the first time a
search runs (``ensure_indexed``), in batches of committed transactions."""

from __future__ import annotations

from annotator.records.names import folded_text
from annotator.services.context import ServiceContext
from annotator.store.uow import UnitOfWork


def index_report(uow: UnitOfWork, report_id: str, text: str) -> None:
    """Write a report's folded text inside the caller's transaction."""
    uow.search.index(report_id, folded_text(text))


def ensure_indexed(ctx: ServiceContext, *, batch: int = 200) -> int:
    """Index every report that has no folded copy yet; returns how many were indexed."""
    done = 0
    while True:
        with ctx.uow() as uow:
            missing = uow.search.unindexed(batch)
            for report_id, text in missing:
                index_report(uow, report_id, text)
            if missing:
                uow.commit()
        done += len(missing)
        if len(missing) < batch:
            return done
