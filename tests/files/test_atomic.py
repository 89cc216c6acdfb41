"""THE atomic writer: all or nothing under the final name, temporaries of killed runs removed next time
(and only those), OS faults as one sentence."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from annotator.files.atomic import atomic_file, is_temporary_of, remove_stale_temporaries, write_atomic
from annotator.files.faults import storage_error


def _temporaries(folder: Path, out: Path) -> list[str]:
    return sorted(n for n in os.listdir(folder) if is_temporary_of(out, n))


def test_complete_write_replaces_and_failure_leaves_the_old_file(tmp_path: Path) -> None:
    out = tmp_path / "corpus.jsonl"
    write_atomic(out, "old\n")
    with pytest.raises(RuntimeError), atomic_file(out) as fh:
        fh.write("half")
        raise RuntimeError("cancelled")
    assert out.read_text() == "old\n" and _temporaries(tmp_path, out) == []
    write_atomic(out, b"new\n")
    assert out.read_bytes() == b"new\n"


_KILLED_WRITER = """
import sys, time
from annotator.files.atomic import atomic_file
with atomic_file(sys.argv[1]) as fh:
    fh.write("partial"); fh.flush()
    print("writing", flush=True)
    time.sleep(60)
"""


def _writer(out: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, "-c", _KILLED_WRITER, str(out)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "writing"
    return proc


def test_a_killed_export_leaves_no_file_and_its_temporary_goes_next_time(tmp_path: Path) -> None:
    out = tmp_path / "export.json"
    live = _writer(out)
    killed = _writer(out)
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    assert not out.exists() and len(_temporaries(tmp_path, out)) == 2
    removed = remove_stale_temporaries(out)
    assert len(removed) == 1  # the killed run's; the live writer's temporary is kept
    assert len(_temporaries(tmp_path, out)) == 1
    live.kill()
    live.wait()
    write_atomic(out, "done")  # the next run of the same export cleans up before it writes
    assert _temporaries(tmp_path, out) == [] and out.read_text() == "done"


def test_temporaries_of_other_outputs_are_not_touched(tmp_path: Path) -> None:
    other = tmp_path / ".a.b.abcdefgh.part"
    other.write_text("someone else's")
    remove_stale_temporaries(tmp_path / "a")
    assert other.exists()


@pytest.mark.parametrize("code, words", [(errno.ENOSPC, "is full; nothing was written"),
                                          (errno.EROFS, "is read-only; nothing was written"),
                                          (errno.EACCES, "permission denied"),
                                          (errno.EIO, "input/output error")])
def test_os_faults_become_one_sentence(tmp_path: Path, code: int, words: str) -> None:
    exc = storage_error(OSError(code, os.strerror(code)), tmp_path / "out.json")
    assert words in str(exc) and str(tmp_path) in str(exc)


_SMALL_LIMIT_WRITER = """
import resource, signal, sys
from annotator.core.errors import StorageError
from annotator.files.atomic import write_atomic
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
try:
    write_atomic(sys.argv[1], "x" * 100_000)
except StorageError as exc:
    print(exc)
"""


def test_a_write_the_disk_refuses_leaves_nothing(tmp_path: Path) -> None:
    """A real refusal by the OS half-way through (a file-size limit: EFBIG; the stress script fills a
    real filesystem for ENOSPC): one sentence, no file, no temporary."""
    out = tmp_path / "big.json"
    proc = subprocess.run([sys.executable, "-c", _SMALL_LIMIT_WRITER, str(out)], capture_output=True, text=True,
                          timeout=60)
    assert "nothing was written" in proc.stdout, proc.stdout + proc.stderr
    assert not out.exists() and _temporaries(tmp_path, out) == []


def test_a_slow_live_writer_is_never_disturbed(tmp_path: Path) -> None:
    out = tmp_path / "slow.json"
    live = _writer(out)
    try:
        time.sleep(0.1)
        write_atomic(out, "other run")
        assert len(_temporaries(tmp_path, out)) == 1
    finally:
        live.kill()
        live.wait()
