"""``annotator agreement``"""

from __future__ import annotations

import argparse
from typing import Any

from annotator.cli.output import emit, open_context
from annotator.services.agreement import compute_agreement
from annotator.services.export import split_list


def _fmt(value: Any) -> str:
    return "  n/a" if value is None else f"{value:5.3f}"


def run(args: argparse.Namespace) -> int:
    if getattr(args, "events", False):
        return run_events(args)
    ctx = open_context(args)
    try:
        report = compute_agreement(ctx, report_ids=args.report or (), annotators=split_list(args.annotators),
                                   labels=split_list(args.labels))
    finally:
        ctx.close()
    o = report.overall
    lines = [f"overall      F1 exact {_fmt(o.f1_exact)}  F1 overlap {_fmt(o.f1_overlap)}  "
             f"alpha_U {_fmt(o.alpha_u)}  spans {o.n_spans}"]
    for label, v in sorted(report.by_label.items()):
        lines.append(f"{label:12} F1 exact {_fmt(v.f1_exact)}  F1 overlap {_fmt(v.f1_overlap)}  "
                     f"alpha_U {_fmt(v.alpha_u)}  spans {v.n_spans}")
    for p in report.by_pair:
        lines.append(f"{p.a} × {p.b}: F1 exact {_fmt(p.f1_exact)}  F1 overlap "
                     f"{_fmt(p.f1_overlap)}  alpha_U {_fmt(p.alpha_u)}")
    tk = report.token_kappa
    lines.append(f"token kappa: {_fmt(tk.kappa).strip()}  ({tk.reason or tk.explanation})")  # n/a: why
    emit(args, report.to_dict(), lines)
    return 0


def run_events(args: argparse.Namespace) -> int:
    """``agreement --events``: event F1 and Krippendorff's alpha per event field over matched events."""
    from annotator.services.event_agreement import compute_event_agreement  # noqa: PLC0415 (0.5 s to import, only for --events)
    ctx = open_context(args)
    try:
        report = compute_event_agreement(ctx, report_ids=args.report or (), annotators=split_list(args.annotators))
    finally:
        ctx.close()
    o = report.overall
    lines = [f"events       F1 {_fmt(o.f1)}  matched {o.matched} of {o.events_a} + {o.events_b}"]
    for name, v in report.by_field.items():
        lines.append(f"{name:24} alpha {_fmt(v.alpha)} ({v.level})  agreement {_fmt(v.agreement)}  pairs {v.n}")
    emit(args, report.to_dict(), lines)
    return 0
