"""Fuzzing every reader and every corpus importer with mutated real files (hypothesis).

    PYTHONPATH=. .venv/bin/python tests/stress/fuzz.py [--cases 700] [--only jsonl,docx] [--json]

Seeds are valid files written by annotator itself from the sample corpus (every format, a bundle, the
registry and the schema) and the sample reports (txt, md, html, docx, pdf). Each case applies a few
mutations drawn by hypothesis (byte flips, structural tokens, deep nesting, wrong JSON types in real
fields, huge numbers, lone surrogates, DTDs, truncation; inside zip members, with the bundle manifest
re-sealed so the parser is reached) and passes the file to the service a user would call. Every case
must end in success or in one AnnotatorError sentence (no other exception, no newline), leave the
database exactly as it was when refused, and take less than ``--max-seconds-per-case``. Fixed seeds:
the same command finds the same cases. ``tests/stress/test_stress.py`` runs a few cases per target.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import tempfile
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import docx

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "resources" / "samples"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "support"))

from annotator.core.errors import AnnotatorError  # noqa: E402
from annotator.services.bundles import export_bundle, import_bundle  # noqa: E402
from annotator.services.database import export_schema, import_schema, open_database  # noqa: E402
from annotator.services.entities import export_registry, import_registry  # noqa: E402
from annotator.services.export import ExportScope, export_corpus  # noqa: E402
from annotator.services.load import load_annotations  # noqa: E402
from annotator.services.reports import import_reports  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from db_state import fingerprint  # noqa: E402

TOKENS = [b"[", b"]", b"{", b"}", b'"', b",", b":", b"\n", b"null", b"true", b"-1", b"0", b"1e400", b"NaN",
          b"99999999999999999999999999999", b'"\\ud800"', b"\\u0000", b"\x00", b"\xff\xfe", b"\r\n",
          b"[" * 3000, b"{\"a\":" * 2000, b'<!DOCTYPE x [<!ENTITY a "aaaa">]>', b"<", b"</", b"&a;", b"\t",
          "ع".encode(), "🇸🇾".encode(), b"T1\tactor 0 5\tx\n", b"R1\tsource Arg1:T9 Arg2:T1\n", b"PK\x03\x04"]
JSON_VALUES = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(10 ** 30), max_value=10 ** 30),
                        st.floats(allow_nan=False), st.text(max_size=8),
                        st.sampled_from(["\ud800", "", "x" * 300, "actor", "T1", "gold"]),
                        st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=3), st.integers(),
                                                                             max_size=2))


@dataclass
class Target:
    name: str
    seed: Path  # a file or a folder
    run: Callable[[Any, Path], object]
    kind: str = "bytes"  # bytes | zip | folder | bundle


@dataclass
class Tally:
    cases: int = 0
    accepted: int = 0
    refused: int = 0
    slowest_s: float = 0.0
    peak_mb: float = 0.0
    failures: list[str] = field(default_factory=list)


# -- mutations -------------------------------------------------------------------------------------
def _mutate_bytes(data: st.DataObject, raw: bytes) -> bytes:
    buf = bytearray(raw)
    for op in data.draw(st.lists(st.sampled_from(["flip", "insert", "delete", "truncate", "json", "dup"]),
                                 min_size=1, max_size=3), label="ops"):
        n = len(buf)
        if op == "json":
            buf = bytearray(_mutate_json(data, bytes(buf)))
        elif op == "flip" and n:
            buf[data.draw(st.integers(0, n - 1))] = data.draw(st.integers(0, 255))
        elif op == "insert":
            at = data.draw(st.integers(0, n))
            buf[at:at] = data.draw(st.sampled_from(TOKENS))
        elif op == "delete" and n:
            at = data.draw(st.integers(0, n - 1))
            del buf[at:at + data.draw(st.integers(1, 64))]
        elif op == "truncate" and n:
            del buf[data.draw(st.integers(0, n - 1)):]
        elif op == "dup" and n:
            at = data.draw(st.integers(0, n - 1))
            buf[at:at] = buf[at:at + data.draw(st.integers(1, 200))] * data.draw(st.integers(1, 3))
    return bytes(buf)


def _mutate_json(data: st.DataObject, raw: bytes) -> bytes:
    """Replace one value somewhere in one JSON line (or the whole document) by another JSON type."""
    lines = raw.split(b"\n")
    candidates = [i for i, line in enumerate(lines) if line.strip().startswith((b"{", b"["))]
    whole = not candidates
    index = None if whole else data.draw(st.sampled_from(candidates))
    try:
        value = json.loads(raw if whole else lines[index])
    except (ValueError, UnicodeDecodeError):
        return raw
    paths: list[list[Any]] = []
    stack: list[tuple[Any, list[Any]]] = [(value, [])]
    while stack and len(paths) < 400:
        item, path = stack.pop()
        paths.append(path)
        if isinstance(item, dict):
            stack.extend((v, path + [k]) for k, v in item.items())
        elif isinstance(item, list):
            stack.extend((v, path + [i]) for i, v in enumerate(item[:20]))
    path = data.draw(st.sampled_from(paths))
    new = data.draw(JSON_VALUES)
    if not path:
        value = new
    else:
        parent = value
        for key in path[:-1]:
            parent = parent[key]
        parent[path[-1]] = new
    out = json.dumps(value, ensure_ascii=data.draw(st.booleans())).encode("utf-8", "surrogatepass")
    if whole:
        return out
    lines[index] = out
    return b"\n".join(lines)


def _mutate_zip(data: st.DataObject, seed: Path, dest: Path, *, reseal: bool) -> None:
    with zipfile.ZipFile(seed) as z:
        members = {i.filename: z.read(i) for i in z.infolist()}
    names = sorted(n for n in members if not n.endswith("/"))
    victim = data.draw(st.sampled_from(names))
    members[victim] = _mutate_bytes(data, members[victim])
    if reseal and "manifest.json" in members and victim != "manifest.json":
        manifest = json.loads(members["manifest.json"])
        if victim in manifest.get("members", {}):
            manifest["members"][victim] = {"sha256": hashlib.sha256(members[victim]).hexdigest(),
                                           "size": len(members[victim])}
        members["manifest.json"] = json.dumps(manifest).encode()
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in members.items():
            z.writestr(name, body)
    if data.draw(st.integers(0, 9)) == 0:  # sometimes damage the archive itself
        dest.write_bytes(_mutate_bytes(data, dest.read_bytes()))


def _materialise(data: st.DataObject, target: Target, dest_dir: Path) -> Path:
    if target.kind == "folder":
        dest = dest_dir / target.seed.name
        shutil.copytree(target.seed, dest)
        files = sorted(p for p in dest.rglob("*") if p.is_file())
        victim = data.draw(st.sampled_from(files))
        victim.write_bytes(_mutate_bytes(data, victim.read_bytes()))
        return dest
    dest = dest_dir / target.seed.name
    if target.kind in ("zip", "bundle") and data.draw(st.integers(0, 4)) > 0:
        _mutate_zip(data, target.seed, dest, reseal=target.kind == "bundle")
    else:
        dest.write_bytes(_mutate_bytes(data, target.seed.read_bytes()))
    return dest


# -- seeds and targets -----------------------------------------------------------------------------
def build_targets(work: Path) -> tuple[list[Target], Path]:
    """Valid seed files written by annotator, and a template database holding the sample corpus."""
    template = work / "template.sqlite3"
    ctx = open_database(template)
    seeds = work / "seeds"
    seeds.mkdir()
    try:
        import_reports(ctx, sorted(p for p in SAMPLES.iterdir() if p.suffix in (".txt", ".md", ".html")))
        load_annotations(ctx, SAMPLES / "annotations.jsonl", "jsonl")
        one = ExportScope(annotators=("alice",))
        for fmt, name in (("jsonl", "c.jsonl"), ("doccano", "c-doccano.jsonl"), ("doccano", "c.zip"),
                          ("prodigy", "c-prodigy.jsonl"), ("labelstudio", "c.json"), ("w3c", "c.jsonld"),
                          ("conll", "c.conll"), ("brat", "brat"), ("spacy", "c.spacy"), ("xmi", "c-xmi.zip")):
            export_corpus(ctx, fmt, seeds / name, one if fmt == "conll" else ExportScope())
        export_bundle(ctx, "alice", seeds / "b.annbundle")
        import_registry(ctx, ROOT / "resources" / "entities" / "actors.json")
        export_registry(ctx, seeds / "registry.json")
        export_schema(ctx, seeds / "schema.json")
    finally:
        ctx.close()
    _make_docx(seeds / "report.docx")
    _make_pdf(seeds / "report.pdf")
    first = sorted(SAMPLES.glob("*.txt"))[0]
    report_id = hashlib.sha256(first.read_bytes().decode("utf-8").encode()).hexdigest()

    def load(fmt: str, **opts: Any) -> Callable[[Any, Path], object]:
        return lambda ctx, path: load_annotations(ctx, path, fmt, **opts)

    def imported(ctx: Any, path: Path) -> object:
        result = import_reports(ctx, [path])
        if result.errors:  # the folder-import contract: per-file sentences
            raise AnnotatorError(result.errors[0].error)
        return result

    targets = [Target("jsonl", seeds / "c.jsonl", load("jsonl")),
               Target("doccano", seeds / "c-doccano.jsonl", load("doccano")),
               Target("doccano-zip", seeds / "c.zip", load("doccano"), "zip"),
               Target("prodigy", seeds / "c-prodigy.jsonl", load("prodigy")),
               Target("labelstudio", seeds / "c.json", load("labelstudio")),
               Target("w3c", seeds / "c.jsonld", load("w3c")),
               Target("conll", seeds / "c.conll", load("conll", options={"report": report_id}, annotator="alice")),
               Target("brat", seeds / "brat", load("brat"), "folder"),  # annotators from the folder names
               Target("spacy", seeds / "c.spacy", load("spacy")),
               Target("xmi", seeds / "c-xmi.zip", load("xmi"), "zip"),
               Target("bundle", seeds / "b.annbundle", lambda ctx, path: import_bundle(ctx, path), "bundle"),
               Target("registry", seeds / "registry.json", lambda ctx, path: import_registry(ctx, path)),
               Target("schema", seeds / "schema.json", lambda ctx, path: import_schema(ctx, path)),
               Target("txt", first, imported),
               Target("md", sorted(SAMPLES.glob("*.md"))[0], imported),
               Target("html", sorted(SAMPLES.glob("*.html"))[0], imported),
               Target("docx", seeds / "report.docx", imported, "zip"),
               Target("pdf", seeds / "report.pdf", imported)]
    return targets, template


def _make_docx(path: Path) -> None:
    document = docx.Document()
    document.core_properties.title = "Homs"
    for line in ("Homs, 9 April 2024.", "Arrests were reported in al-Khalidiya after a bomb exploded.",
                 "قال المرصد إن قوات الأمن اعتقلت عشرة أشخاص."):
        document.add_paragraph(line)
    document.save(path)


def _make_pdf(path: Path) -> None:
    sys.path.insert(0, str(ROOT / "tests" / "readers"))
    # the reader tests' hand-written PDF builder: their folder joins sys.path only here, where 'conftest' is theirs
    from conftest import make_pdf  # noqa: PLC0415 (tests/readers joins sys.path just above)

    path.write_bytes(make_pdf(["Aleppo, 6 April 2024.", "A strike was reported near the airport."], title="Aleppo"))


# -- running -------------------------------------------------------------------------------------
def fuzz(target: Target, template: Path, work: Path, cases: int, max_seconds: float, tally: Tally) -> None:
    db = work / f"{target.name}.sqlite3"
    shutil.copy(template, db)
    ctx = open_database(db)
    state = {"fp": fingerprint(ctx.engine)}
    case_dir = work / f"case-{target.name}"

    @settings(max_examples=cases, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck), report_multiple_bugs=False)
    @given(st.data())
    def one_case(data: st.DataObject) -> None:
        if case_dir.exists():
            shutil.rmtree(case_dir)
        case_dir.mkdir()
        path = _materialise(data, target, case_dir)
        tally.cases += 1
        tracemalloc.start()
        started = time.perf_counter()
        try:
            target.run(ctx, path)
        except AnnotatorError as exc:
            message = str(exc)
            assert "\n" not in message.strip(), f"{target.name}: a refusal of several lines: {message!r}"
            assert fingerprint(ctx.engine) == state["fp"], \
                f"{target.name}: refused ({message}) but changed the database"
            tally.refused += 1
        else:
            tally.accepted += 1
            state["fp"] = fingerprint(ctx.engine)
        finally:
            took = time.perf_counter() - started
            peak = tracemalloc.get_traced_memory()[1] / 1e6
            tracemalloc.stop()
            tally.slowest_s = max(tally.slowest_s, took)
            tally.peak_mb = max(tally.peak_mb, peak)
        assert took < max_seconds, f"{target.name}: one case took {took:.1f} s"

    try:
        one_case()
    except Exception as exc:  # noqa: BLE001 - the failure is the finding: report it, go on with the next target
        tally.failures.append(f"{type(exc).__name__}: {str(exc)[:300]}")
    finally:
        ctx.close()


def run(cases: int = 700, only: tuple[str, ...] | None = None, max_seconds: float = 20.0) -> dict[str, Tally]:
    results: dict[str, Tally] = {}
    with tempfile.TemporaryDirectory(prefix="fuzz-") as tmp:
        work = Path(tmp)
        targets, template = build_targets(work)
        for target in targets:
            if only and target.name not in only:
                continue
            tally = results.setdefault(target.name, Tally())
            fuzz(target, template, work, cases, max_seconds, tally)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=700, help="cases per target (18 targets)")
    parser.add_argument("--only", help="comma-separated target names")
    parser.add_argument("--max-seconds-per-case", type=float, default=20.0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = run(args.cases, tuple(args.only.split(",")) if args.only else None, args.max_seconds_per_case)
    if args.json:
        print(json.dumps({k: v.__dict__ for k, v in results.items()}, indent=2))
    else:
        for name, t in results.items():
            print(f"{name:12} {t.cases:6} cases: {t.accepted} accepted, {t.refused} refused with a sentence; "
                  f"slowest {t.slowest_s:.2f} s, peak {t.peak_mb:.0f} MB traced"
                  + (f"; FAILURE: {t.failures[0]}" if t.failures else ""))
        print(f"total {sum(t.cases for t in results.values())} cases")
    return 0 if not any(t.failures for t in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
