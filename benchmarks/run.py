#!/usr/bin/env python3
"""Speed and memory figures of annotator, measured in one run (prints them; ``--json`` for one JSON
object). Targets are read by people from these figures, not asserted in timed tests.

    .venv/bin/python benchmarks/run.py [--json] [--only SUITE,...]

Suites: foundation, gui, formats, streaming, records, agreement, exchange, events, curation, hostile, corpus,
search.

A figure with a goal prints as ``value (goal < 15) ok`` (``MISSED`` when it is not met), with the CPU
seconds of the same run where they were measured.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

SUITES = ("foundation", "gui", "formats", "streaming", "records", "agreement", "exchange", "events", "curation",
          "hostile", "corpus", "search")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--only", help="comma-separated suites: " + ",".join(SUITES))
    args = parser.parse_args()
    chosen = [s.strip() for s in args.only.split(",")] if args.only else list(SUITES)
    results: dict[str, object] = {"machine": {"python": platform.python_version(), "cpus": _cpus(),
                                              "platform": platform.platform()}}
    for name in chosen:
        try:
            module = importlib.import_module(f"{name}_bench")
        except ModuleNotFoundError as exc:
            if exc.name == f"{name}_bench":
                continue
            raise
        t = time.perf_counter()
        if not args.json:
            print(f"[{name}] running ...", file=sys.stderr, flush=True)
        figures = module.run()
        figures["suite_wall_s"] = round(time.perf_counter() - t, 1)
        results[name] = figures
        if not args.json:
            print(f"\n{name}")
            for key, value in figures.items():
                print(f"  {key:48} {_show(value)}")
    if args.json:
        print(json.dumps(results, indent=2))
    return 0


def _show(value: object) -> object:
    """A figure for people: ``12.3 (goal < 15) ok, cpu 9.8 s`` for one with a goal."""
    if isinstance(value, dict) and "value" in value:
        text = f"{value['value']}"
        if "goal" in value:
            text += f"  (goal {value['goal']}) {'ok' if value.get('ok') else 'MISSED'}"
        if "cpu_s" in value:
            text += f", cpu {value['cpu_s']} s"
        return text
    return value


def _cpus() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


if __name__ == "__main__":
    raise SystemExit(main())
