"""Network use by a whole working session = none: every command of the CLI contract run in one process
under an audit hook that records each socket event (creation, bind, connect, send, name lookup).

    PYTHONPATH=. .venv/bin/python tests/stress/sockets.py     # prints the counts and the commands run

Connections, sends and name lookups must be 0. One socket is created and bound to ``::1`` port 0 and
closed at once, never connected: urllib3's import-time IPv6 probe (trafilatura → courlan → urllib3,
loaded by the HTML reader); it is reported, not hidden.
"""

from __future__ import annotations

import contextlib
import io
import sys
import tempfile
from pathlib import Path

from annotator.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "resources" / "samples"
EVENTS: list[str] = []
NETWORK = {"socket.connect", "socket.sendto", "socket.sendmsg", "socket.getaddrinfo", "socket.gethostbyname",
           "socket.gethostbyaddr", "socket.getnameinfo", "socket.gethostbyname_ex"}


def _hook(event: str, args: tuple[object, ...]) -> None:
    if event.startswith("socket."):
        EVENTS.append(f"{event} {args!r:.80}")


def run() -> dict[str, object]:
    sys.path.insert(0, str(ROOT))
    sys.addaudithook(_hook)
    commands: list[list[str]] = []
    with tempfile.TemporaryDirectory(prefix="sockets-") as tmp:
        t = Path(tmp)
        db = ["--db", str(t / "a.sqlite3")]
        commands += [["import", str(SAMPLES)], ["load", str(SAMPLES / "annotations.jsonl"), "--format", "jsonl"],
                     ["reports"], ["record", "--out", str(t / "r.json")], ["agreement"],
                     ["bundle", "export", "--annotator", "alice", "--out", str(t / "a.annbundle")],
                     ["backup", "--out", str(t / "b.sqlite3")], ["check"]]
        for fmt, out in (("jsonl", "c.jsonl"), ("doccano", "c.zip"), ("prodigy", "p.jsonl"),
                         ("labelstudio", "l.json"), ("brat", "brat"), ("w3c", "w.jsonld"), ("spacy", "c.spacy"),
                         ("xmi", "x.zip")):
            commands.append(["export", "--format", fmt, "--out", str(t / out)])
        commands.append(["bundle", "import", str(t / "a.annbundle")])
        codes = []
        for command in commands:
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                codes.append(main([*command, *db]))
    network = [e for e in EVENTS if e.split()[0] in NETWORK]
    return {"commands": len(commands), "exit_codes": codes, "network_events": len(network),
            "sockets_created": sum(e.startswith("socket.__new__") for e in EVENTS), "events": EVENTS[:5]}


if __name__ == "__main__":
    result = run()
    print(f"{result['commands']} commands (exit codes {result['exit_codes']}): {result['network_events']} connections, "
          f"sends or name lookups; {result['sockets_created']} socket(s) created (urllib3's IPv6 probe)")
    sys.exit(0 if result["network_events"] == 0 and not any(result["exit_codes"]) else 1)  # type: ignore[arg-type]
