#!/usr/bin/env python3
"""Set up a local .venv and run the app or the whole test suite: the README's two commands.

    python3 scripts/dev.py app    # set up, then launch the app on the embedded database (with samples)
    python3 scripts/dev.py test   # set up, start a throw-away PostgreSQL if possible, run every test

Only the standard library is used here, so it works on a fresh machine with Python 3.11+.
Installation is skipped when pyproject.toml has not changed since the last successful one.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")


def ensure_venv(extra: str) -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - run by the user's python3, which may be older: say so
        sys.exit("annotator needs Python 3.11 or newer")
    if not PY.exists():
        print(f"creating {VENV} ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extra.encode()).hexdigest()
    stamp = VENV / f".installed-{extra}"
    if stamp.exists() and stamp.read_text() == digest:
        return
    print(f"installing annotator[{extra}] into {VENV} (first time takes a few minutes) ...", flush=True)
    subprocess.check_call([str(PY), "-m", "pip", "install", "-q", "--upgrade", "pip"])
    # the test run compiles what it imports, once (``run_tests`` keeps compiled files); compiling every
    # installed module up front was 40 of the install's 90 s, most of it modules no test imports
    compile_ = ["--no-compile"] if extra == "test" else []
    subprocess.check_call([str(PY), "-m", "pip", "install", "-q", *compile_, "-e", f"{ROOT}[{extra}]"])
    stamp.write_text(digest)


def run_app(args: list[str]) -> int:
    ensure_venv("all")
    return subprocess.call([str(BIN / "annotator"), "gui", *args])


def run_tests(args: list[str]) -> int:
    ensure_venv("test")
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    # compiled modules are kept (in __pycache__, ignored by git): with PYTHONDONTWRITEBYTECODE set, as on
    # some CI images, every test worker and every process a test starts compiled annotator and rewrote
    # the test modules' asserts again (collection alone took 18 s instead of 10)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    pg_dir = None
    if "ANNOTATOR_TEST_PG_URL" not in env:
        pg_dir = _start_postgres(env)
    try:
        workers = [] if any(a == "-n" or a.startswith(("-n", "--numprocesses")) for a in args) \
            else ["-n", str(min(4, os.cpu_count() or 1))]  # every core: tests own their folders and databases
        code = subprocess.call([str(PY), "-m", "pytest", *workers, *args], cwd=ROOT, env=env)
    finally:
        if pg_dir:
            subprocess.call(["bash", str(ROOT / "scripts" / "pg-test-server"), "stop", pg_dir])
    if code == 5:
        print("error: no tests were collected", file=sys.stderr)
        return 1
    return code


def _start_postgres(env: dict[str, str]) -> str | None:
    """Start the throw-away PostgreSQL server; without one the PostgreSQL cases skip (fail under CI)."""
    if shutil.which("bash") is None:
        return None
    proc = subprocess.run(["bash", str(ROOT / "scripts" / "pg-test-server"), "start"], capture_output=True,
                          text=True)
    if proc.returncode != 0:
        print("warning: could not start the PostgreSQL test server; PostgreSQL tests will skip "
              f"(CI fails them).\n{proc.stdout}{proc.stderr}", file=sys.stderr)
        return None
    pg_dir = None
    for line in proc.stdout.splitlines():
        key, _, value = line.removeprefix("export ").partition("=")
        env[key] = value
        if key == "PG_TEST_DIR":
            pg_dir = value
    print(f"PostgreSQL test server: {env.get('ANNOTATOR_TEST_PG_URL')}", flush=True)
    return pg_dir


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in ("app", "test"):
        print(__doc__)
        return 2
    return run_app(sys.argv[2:]) if sys.argv[1] == "app" else run_tests(sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
