"""THE atomic writer: all or nothing under the final name, temporaries of killed runs removed next time
(and only those), OS faults as one sentence, streams written into and never replaced."""

from __future__ import annotations

import errno
import os
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from annotator.core.errors import FormatError
from annotator.files.atomic import atomic_file, atomic_path, is_temporary_of, remove_stale_temporaries, write_atomic
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


def _drain(fifo: Path, into: list[bytes]) -> threading.Thread:
    """A reader that takes everything written into the named pipe ``fifo``."""
    def read() -> None:
        with open(fifo, "rb") as fh:
            into.append(fh.read())
    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    return reader


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_stream_is_written_into_and_stays_a_stream(tmp_path: Path) -> None:
    """``--out /dev/null`` or a named pipe: the writer writes into it. A temporary renamed over it made
    ``/dev/null`` a plain file on the machine that ran it (as root); a pipe is tried here, on the same
    path of the code, so the test cannot harm the machine if the fix is undone."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = _drain(fifo, got)
    with atomic_file(fifo) as fh:
        fh.write("ثلاثة lines\n" * 3)
    reader.join(10)
    assert got == ["ثلاثة lines\n".encode() * 3]
    assert stat.S_ISFIFO(os.stat(fifo).st_mode) and os.listdir(tmp_path) == ["pipe"]
    reader = _drain(fifo, got)
    write_atomic(fifo, b"\x00bytes")
    reader.join(10)
    assert got[-1] == b"\x00bytes" and stat.S_ISFIFO(os.stat(fifo).st_mode)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_writer_that_needs_a_file_name_refuses_a_stream_in_a_sentence(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(FormatError, match="is a device or pipe, not a file; give a file name"), atomic_path(fifo):
        pass
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
