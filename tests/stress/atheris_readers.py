#!/usr/bin/env python3
"""Coverage-guided fuzzing of the corpus readers with atheris (libFuzzer), beside the hypothesis set in
``fuzz.py``: it looks for what a mutation script does not reach — hangs (``-timeout``), memory blowups
(``-rss_limit_mb``) and crashes in the C parsers under the readers (json, lxml, zipfile). A reader's own
exception is not a finding here: ``services.load.read_documents`` turns any of them into one sentence naming
the file, and ``fuzz.py`` checks that path end to end.

    .venv/bin/pip install atheris
    PY tests/stress/atheris_readers.py --format jsonl -- -runs=20000 -max_total_time=120 -timeout=20 -rss_limit_mb=1024
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SUFFIX = {"jsonl": ".jsonl", "doccano": ".jsonl", "prodigy": ".jsonl", "labelstudio": ".json", "w3c": ".jsonld",
          "conll": ".conll", "spacy": ".spacy", "xmi": ".zip"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--format", required=True, choices=sorted(SUFFIX))
    args, fuzzer_args = parser.parse_known_args()
    try:
        import atheris  # noqa: PLC0415 (optional fuzzer, not a dependency: said when missing)
    except ImportError:
        print("atheris is not installed (pip install atheris); fuzz.py covers every reader without it",
              file=sys.stderr)
        return 2
    with atheris.instrument_imports():
        from annotator.formats import get as format_named  # noqa: PLC0415 (atheris instruments what this block imports)

    fmt = format_named(args.format)
    folder = Path(tempfile.mkdtemp(prefix="atheris-"))
    path = folder / f"case{SUFFIX[args.format]}"
    options = {"report": "0" * 64} if args.format == "conll" else {}

    def one_input(data: bytes) -> None:
        path.write_bytes(data)
        try:
            for _doc in fmt.read(path, options=options):
                pass
        except Exception:  # noqa: BLE001 - a refusal, which read_documents words; not a finding here
            pass

    atheris.Setup([sys.argv[0], *[a for a in fuzzer_args if a != "--"]], one_input)
    atheris.Fuzz()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
