#!/usr/bin/env python3
"""Installing annotator across the air gap: gather on a connected machine, install with no network.

    # on a connected machine (same OS and CPU family as the target, or name the target's):
    python3 scripts/airgap.py gather /media/usb/annotator-offline [--extras all]
                 [--platform win_amd64 --python-version 3.11]
    # carry the folder across; on the air-gapped workstation (Python 3.11+ installed):
    python3 /media/usb/annotator-offline/airgap.py install [--venv ~/annotator] [--extras all]
    # prove it here: gather, then install into a clean venv inside a network namespace with no network
    sudo python3 scripts/airgap.py check [--extras ""]

``gather`` writes one folder: ``wheels/`` (annotator's own wheel, which carries ``resources/`` -- fonts,
schema, entity registry, samples -- and a wheel of every dependency for the target), this script, and
``README.txt``. ``install`` creates a virtual environment and runs ``pip install --no-index
--find-links wheels`` (pip never looks at an index; nothing is fetched), then checks the app starts.
Standard library only, so it runs on a fresh machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = """annotator, gathered for an offline install.

On the air-gapped workstation (Python 3.11 or newer):
    python3 airgap.py install --venv ~/annotator{extras_arg}
then run  ~/annotator/bin/annotator  (Windows: ~\\annotator\\Scripts\\annotator.exe).
Nothing is downloaded: pip reads only the wheels/ folder beside this file.
"""


def _pip_env() -> dict[str, str]:
    """pip without the machine's own configuration (indexes, find-links): only what we pass."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env["PIP_CONFIG_FILE"] = os.devnull
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


def _requirement(wheel: Path, extras: str) -> str:
    return f"annotator[{extras}] @ {wheel.resolve().as_uri()}" if extras else str(wheel)


def gather(out: Path, extras: str, platform: str | None, python_version: str | None,
           index_env: dict[str, str] | None = None) -> Path:
    """Our wheel and every dependency's wheel in ``out/wheels``, plus this script and a README."""
    wheels = out / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    env = index_env if index_env is not None else dict(os.environ)  # the connected machine's own pip setup
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(ROOT)],
                   check=True, env=env)
    ours = max(wheels.glob("annotator-*.whl"), key=lambda p: p.stat().st_mtime)
    cmd = [sys.executable, "-m", "pip", "download", "-q", "--dest", str(wheels), "--only-binary=:all:",
           _requirement(ours, extras), "pip", "setuptools"]
    if platform:
        cmd += ["--platform", platform, "--implementation", "cp"]
    if python_version:
        cmd += ["--python-version", python_version]
    subprocess.run(cmd, check=True, env=env)
    shutil.copy2(Path(__file__), out / "airgap.py")
    (out / "README.txt").write_text(README.format(extras_arg=f" --extras {extras}" if extras else ""),
                                    encoding="utf-8")
    return out


def install(folder: Path, target: Path, extras: str) -> Path:
    """A virtual environment at ``target`` with annotator installed from ``folder/wheels`` only."""
    wheels = folder / "wheels"
    ours = sorted(wheels.glob("annotator-*.whl"))
    if not ours:
        sys.exit(f"{wheels} holds no annotator wheel: gather it first on a connected machine")
    venv.EnvBuilder(with_pip=True, clear=True).create(target)
    python = target / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-index", "--find-links", str(wheels),
                    _requirement(ours[-1], extras)], check=True, env=_pip_env())
    exe = target / ("Scripts/annotator.exe" if os.name == "nt" else "bin/annotator")
    subprocess.run([str(exe), "--version"], check=True)
    return target


def check(extras: str) -> int:
    """Gather into a temporary folder, then install into a clean venv and use the app inside a
    network namespace with no network (``unshare -n``: needs root on Linux)."""
    if shutil.which("unshare") is None:
        print("check needs unshare (util-linux) to cut the network", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="airgap-") as tmp:
        folder = gather(Path(tmp) / "carry", extras, None, None)
        probe = subprocess.run(["unshare", "-n", sys.executable, "-c",
                                "import socket; socket.create_connection(('pypi.org', 443), timeout=5)"],
                               capture_output=True, text=True)
        if probe.returncode == 0:
            print("the network namespace still reaches the network; refusing to call this offline", file=sys.stderr)
            return 1
        script = (f"set -e; {sys.executable} {folder / 'airgap.py'} install --venv {tmp}/venv --extras '{extras}'; "
                  f"export ANNOTATOR_DB={tmp}/offline.sqlite3; "
                  f"{tmp}/venv/bin/annotator import {tmp}/venv/share/annotator/resources/samples; "
                  f"{tmp}/venv/bin/annotator load {tmp}/venv/share/annotator/resources/samples/annotations.jsonl "
                  f"--format jsonl; {tmp}/venv/bin/annotator export --format jsonl --out {tmp}/out.jsonl; "
                  f"{tmp}/venv/bin/annotator check; "
                  # a headless install: no Qt pulled, and the window says which extra it needs
                  + ("" if "gui" in extras or "all" in extras else
                     f"if {tmp}/venv/bin/python -c 'import PySide6' 2>/dev/null; then "
                     "echo 'PySide6 was installed without the gui extra' >&2; exit 1; fi; "
                     f"{tmp}/venv/bin/annotator gui 2>&1 | grep -q \"optional extra 'gui'\""))
        proc = subprocess.run(["unshare", "-n", "bash", "-c", script], env=_pip_env())
        if proc.returncode == 0:
            size = sum(p.stat().st_size for p in (folder / "wheels").iterdir()) >> 20
            print(f"offline install passed: {len(list((folder / 'wheels').iterdir()))} wheels ({size} MB) installed "
                  "into a clean venv with no network; import, load, export and check ran"
                  + ("" if "gui" in extras or "all" in extras else "; no PySide6 (headless), gui says which extra"))
        return proc.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    g = sub.add_parser("gather", help="on a connected machine: wheels of annotator and every dependency")
    g.add_argument("out", type=Path)
    g.add_argument("--extras", default="all", help="optional extras to carry (default: all; '' for none)")
    g.add_argument("--platform", help="target platform tag, e.g. win_amd64, manylinux2014_x86_64, macosx_11_0_arm64")
    g.add_argument("--python-version", help="target Python, e.g. 3.11")
    i = sub.add_parser("install", help="on the air-gapped machine: install from the gathered folder")
    i.add_argument("--venv", type=Path, default=Path.home() / "annotator")
    i.add_argument("--extras", default="all")
    i.add_argument("--from", dest="folder", type=Path, default=Path(__file__).resolve().parent)
    c = sub.add_parser("check", help="prove an offline install works (root: uses a network namespace)")
    c.add_argument("--extras", default="")
    args = parser.parse_args()
    if args.command == "gather":
        out = gather(args.out, args.extras, args.platform, args.python_version)
        print(f"gathered into {out}: carry the whole folder across")
        return 0
    if args.command == "install":
        target = install(args.folder, args.venv, args.extras)
        print(f"installed into {target}")
        return 0
    return check(args.extras)


if __name__ == "__main__":
    sys.exit(main())
