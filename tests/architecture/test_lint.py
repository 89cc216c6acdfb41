"""The lint gate: ruff with the project's rule set (pyproject.toml [tool.ruff]) finds nothing, so a new
finding fails the suite (and CI) instead of piling up. A lazy import (PLC0415) is allowed only where it
says why, in words: ``# noqa: PLC0415 (slow import, only for .docx)``; a bare noqa would let the rule be
silenced without a reason, so it fails here."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FOLDERS = ("annotator", "tests", "benchmarks", "scripts")
_NOQA = re.compile(r"#\s*noqa\b(?P<rest>[^\n]*)", re.IGNORECASE)
_REASONED = re.compile(r"^:\s*PLC0415\s+\((?P<reason>[^()]*(?:\([^()]*\)[^()]*)*)\)")


def test_ruff_finds_nothing() -> None:
    ruff = Path(sys.executable).with_name("ruff")
    proc = subprocess.run([str(ruff), "check", "--no-cache", *FOLDERS],
                          cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def unreasoned_lazy_imports(source: str) -> list[str]:
    """The noqa comments in ``source`` (comments only, not strings) that silence PLC0415 without a reason
    in words after the code (a blanket ``# noqa`` silences it too, so it counts), as ``line: comment``."""
    found = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type != tokenize.COMMENT:
            continue
        for match in _NOQA.finditer(token.string):
            rest = match.group("rest")
            where = f"{token.start[0]}: {match.group(0).strip()}"
            if not rest.lstrip().startswith(":"):
                found.append(f"{where} (a blanket noqa)")
            elif "PLC0415" in rest.upper():
                reasoned = _REASONED.match(rest.strip())
                if reasoned is None or len(re.findall(r"[^\W\d_]{2,}", reasoned.group("reason"))) < 2:
                    found.append(where)
    return found


def test_every_lazy_import_says_why() -> None:
    problems = [f"{path.relative_to(ROOT)}:{where}"
                for folder in FOLDERS for path in sorted((ROOT / folder).rglob("*.py"))
                for where in unreasoned_lazy_imports(path.read_text(encoding="utf-8"))]
    assert not problems, "a lazy import must say why: '# noqa: PLC0415 (reason in words)'\n" + "\n".join(problems)


def test_the_reason_check_tells_a_reason_from_none() -> None:
    assert unreasoned_lazy_imports("    import spacy  # noqa: PLC0415 (slow optional import, extra 'spacy')") == []
    assert unreasoned_lazy_imports("import os  # noqa: E402 - after the sys.path lines") == []
    assert unreasoned_lazy_imports("    import spacy  # noqa: PLC0415") != []
    assert unreasoned_lazy_imports("    import spacy  # noqa: PLC0415 ()") != []
    assert unreasoned_lazy_imports("    import spacy  # noqa: PLC0415 (x)") != []
    assert unreasoned_lazy_imports("    import spacy  # noqa: PLC0415, E402") != []
    assert unreasoned_lazy_imports("    import spacy  # noqa") != []
