"""Bundle files without a database: the writer's output reads back exactly, and every kind of bad
file (foreign, truncated, tampered, zip-slip, oversized, bomb) is refused with one clear sentence."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from annotator.core.errors import FormatError
from annotator.exchange.bundle_format import ENTITIES, MANIFEST, SETS, VERSION, BundleError, Limits
from annotator.exchange.reader import read_bundle, unsafe_name
from annotator.exchange.writer import BundleWriter

from bundle_helpers import PLACE, edit_manifest, members, replace_in_sets, rezip, sample_sets, write_sample


def test_round_trip_is_exact(tmp_path: Path) -> None:
    path = write_sample(tmp_path / "alice.annbundle")
    bundle = read_bundle(path)
    assert [(b.report, b.set) for b in bundle.sets] == sample_sets()
    assert bundle.entities == (PLACE,)
    m = bundle.manifest
    assert (m.format, m.version, m.annotator, m.app_version) == ("annotator-bundle", 1, "alice", "test")
    assert m.counts == {"sets": 2, "spans": 4, "relations": 2, "entities": 1}
    assert set(m.members) == {SETS, ENTITIES}
    assert sorted(members(path)) == sorted([MANIFEST, SETS, ENTITIES])
    line = json.loads(members(path)[SETS].splitlines()[0])
    assert {"id", "text", "meta", "annotator", "version", "spans", "relations"} <= set(line)
    assert line["spans"][1]["text"] == "Deir al-Zour"  # native JSONL repeats the span's text
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left


def test_writer_leaves_nothing_when_interrupted(tmp_path: Path) -> None:
    out = tmp_path / "x.annbundle"
    with pytest.raises(RuntimeError), BundleWriter(out, "alice", app_version="test") as w:
        report, aset = sample_sets()[0]
        w.add_set(report, aset)
        raise RuntimeError("cancelled")
    assert list(tmp_path.iterdir()) == []


def test_writer_refuses_another_annotators_set(tmp_path: Path) -> None:
    with pytest.raises(ValueError), BundleWriter(tmp_path / "x.annbundle", "alice", app_version="test") as w:
        report, aset = sample_sets("bob")[0]
        w.add_set(report, aset)
    assert list(tmp_path.iterdir()) == []


def _refused(path: Path, pattern: str, limits: Limits | None = None) -> BundleError:
    with pytest.raises(BundleError, match=pattern) as info:
        read_bundle(path, **({"limits": limits} if limits else {}))
    message = str(info.value)
    assert message.startswith(str(path)) and "\n" not in message
    assert isinstance(info.value, FormatError)
    return info.value


def test_tampered_member_is_refused(tmp_path: Path) -> None:
    good = write_sample(tmp_path / "good.annbundle")
    bad = rezip(good, tmp_path / "bad.annbundle", replace_in_sets("IRGC", "IRGX"))
    _refused(bad, "altered or damaged: the SHA-256 checksum of sets.jsonl")


def test_flipped_byte_inside_the_archive_is_refused(tmp_path: Path) -> None:
    good = write_sample(tmp_path / "good.annbundle")
    raw = bytearray(good.read_bytes())
    with zipfile.ZipFile(good) as z:
        info = z.getinfo(SETS)
    at = info.header_offset
    data_start = at + 30 + int.from_bytes(raw[at + 26:at + 28], "little") + int.from_bytes(raw[at + 28:at + 30],
                                                                                            "little")
    raw[data_start + 10] ^= 0xFF  # inside the compressed data
    bad = tmp_path / "flipped.annbundle"
    bad.write_bytes(bytes(raw))
    _refused(bad, "damaged|altered")


def test_resealed_manifest_with_a_bad_line_is_still_refused(tmp_path: Path) -> None:
    good = write_sample(tmp_path / "good.annbundle")
    bad = rezip(good, tmp_path / "bad.annbundle", replace_in_sets('"start":', '"start":1000000,"x":'), reseal=True)
    _refused(bad, r"sets.jsonl line 1: span T1 ends at \d+, not after its start")
    text_changed = rezip(good, tmp_path / "t.annbundle", replace_in_sets("IRGC", "IRGX"), reseal=True)
    _refused(text_changed, "sets.jsonl line 1: id .* is not the SHA-256 of the line's text")


def test_size_in_manifest_must_match(tmp_path: Path) -> None:
    good = write_sample(tmp_path / "good.annbundle")
    manifest = json.loads(members(good)[MANIFEST])
    manifest["members"][SETS]["size"] += 1
    bad = edit_manifest(good, tmp_path / "bad.annbundle", members=manifest["members"])
    _refused(bad, "manifest says")


def test_extra_and_missing_members_are_refused(tmp_path: Path) -> None:
    good = write_sample(tmp_path / "good.annbundle")
    extra = rezip(good, tmp_path / "extra.annbundle", lambda d: d.update({"notes.txt": b"hi"}))
    _refused(extra, "holds member 'notes.txt', which its manifest does not list")
    missing = rezip(good, tmp_path / "missing.annbundle", lambda d: d.pop(ENTITIES))
    _refused(missing, "is incomplete: member entities.jsonl")


@pytest.mark.parametrize("name", ["../evil.txt", "/abs/evil.txt", "sets/../../evil.txt", "C:/evil.txt",
                                  "..\\evil.txt", "./sets.jsonl", "a//b"])
def test_zip_slip_names_are_refused(tmp_path: Path, name: str) -> None:
    good = write_sample(tmp_path / "good.annbundle")
    bad = rezip(good, tmp_path / "slip.annbundle", lambda d: d.update({name: b"pwned"}))
    _refused(bad, "unsafe path .*zip-slip")
    assert unsafe_name(name) is not None
    assert not (tmp_path.parent / "evil.txt").exists()


def test_safe_names() -> None:
    assert unsafe_name("sets.jsonl") is None and unsafe_name("a/b.txt") is None


def test_oversized_member_and_too_many_members_are_refused(tmp_path: Path) -> None:
    good = write_sample(tmp_path / "good.annbundle")
    _refused(good, "member sets.jsonl would unpack to .* more than the limit of 100",
             Limits(max_member_size=100))
    _refused(good, "would unpack to more than 1,000 bytes", Limits(max_total_size=1000))
    _refused(good, "holds 3 members, more than the 2", Limits(max_members=2))


def test_decompression_bomb_is_refused_before_it_is_unpacked(tmp_path: Path) -> None:
    good = write_sample(tmp_path / "good.annbundle")
    bomb = rezip(good, tmp_path / "bomb.annbundle",
                 lambda d: d.update({SETS: d[SETS] + b" " * (8 << 20) + b"\n"}), reseal=True)
    assert bomb.stat().st_size < 100_000  # 8 MiB of blanks squeezed ~1000:1
    _refused(bomb, r"compressed [\d,]+ to 1, which marks a decompression bomb")


def test_truncated_bundle_is_refused(tmp_path: Path) -> None:
    good = write_sample(tmp_path / "good.annbundle")
    raw = good.read_bytes()
    for cut in (len(raw) // 2, len(raw) - 10):
        bad = tmp_path / f"cut{cut}.annbundle"
        bad.write_bytes(raw[:cut])
        _refused(bad, "is truncated or damaged")


def test_foreign_files_are_refused(tmp_path: Path) -> None:
    other_zip = tmp_path / "photos.zip"
    with zipfile.ZipFile(other_zip, "w") as z:
        z.writestr("holiday.jpg", b"\xff\xd8\xff")
    _refused(other_zip, "is not an annotator bundle \\(it has no manifest.json\\)")
    text = tmp_path / "notes.annbundle"
    text.write_text("just some notes\n", encoding="utf-8")
    _refused(text, "is not an annotator bundle \\(it is not a zip archive\\)")
    empty = tmp_path / "empty.annbundle"
    empty.write_bytes(b"")
    _refused(empty, "not a zip archive")
    good = write_sample(tmp_path / "good.annbundle")
    _refused(edit_manifest(good, tmp_path / "f.annbundle", format="something-else"), "not of format")
    _refused(rezip(good, tmp_path / "j.annbundle", lambda d: d.update({MANIFEST: b"{not json"})),
             "manifest.json is not valid JSON")
    _refused(tmp_path / "absent.annbundle", "does not exist")


def test_newer_format_version_is_refused_with_advice(tmp_path: Path) -> None:
    good = write_sample(tmp_path / "good.annbundle")
    _refused(edit_manifest(good, tmp_path / "v9.annbundle", version=VERSION + 1), "newer annotator .* update annotator")


def test_lines_of_another_annotator_are_refused(tmp_path: Path) -> None:
    good = write_sample(tmp_path / "good.annbundle")
    bad = rezip(good, tmp_path / "bad.annbundle", replace_in_sets('"annotator":"alice"', '"annotator":"bob"'),
                reseal=True)
    _refused(bad, "belongs to annotator 'bob', not 'alice'")


def test_counts_in_manifest_must_match(tmp_path: Path) -> None:
    good = write_sample(tmp_path / "good.annbundle")
    def drop_line(d: dict[str, bytes]) -> None:
        d[SETS] = d[SETS].split(b"\n", 1)[1]
    _refused(rezip(good, tmp_path / "short.annbundle", drop_line, reseal=True), "announces 2 sets but it holds 1")


def test_encrypted_or_unusual_compression_is_refused(tmp_path: Path) -> None:
    good = write_sample(tmp_path / "good.annbundle")
    bz = rezip(good, tmp_path / "bz.annbundle", method=zipfile.ZIP_BZIP2)
    _refused(bz, "unsupported compression method")


def test_member_count_is_checked_before_the_directory_is_parsed(tmp_path: Path) -> None:
    crowded = tmp_path / "crowded.annbundle"
    with zipfile.ZipFile(crowded, "w") as z:
        for i in range(40):
            z.writestr(f"m{i}.txt", b"")
    _refused(crowded, "holds 40 members, more than the 16")
    _refused(write_sample(tmp_path / "good.annbundle"), "more than the 100 a bundle may have",
             Limits(max_file_size=100))
