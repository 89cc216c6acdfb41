"""Events, grades and incidents survive the native JSONL round trip and exchange bundles between two
workstations (the second on each backend); a line naming a missing span is refused whole."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from annotator.core.errors import FormatError
from annotator.exchange.reader import read_bundle
from annotator.services import load as load_service
from annotator.services.bundles import export_bundle, import_bundle
from annotator.services.database import open_database
from annotator.services.export import export_corpus, export_scope
from annotator.services.load import load_annotations
from annotator.services.samples import load_samples, samples_dir


def snapshot(ctx: Any) -> dict[str, Any]:
    """Every set's events and span attributes, and every incident, by report and annotator."""
    out: dict[str, Any] = {}
    with ctx.uow() as uow:
        for rid, who in uow.repo.set_keys():
            aset = uow.repo.annotation_set(rid, who)
            out[f"{rid}/{who}"] = (sorted(map(repr, aset.events)), sorted((s.id, sorted(s.attrs.items()))
                                                                          for s in aset.spans))
        out["incidents"] = sorted(map(repr, uow.events.incidents().values()))
    return out


@pytest.fixture(scope="module")
def samples_db(tmp_path_factory: pytest.TempPathFactory) -> Any:
    ctx = open_database(tmp_path_factory.mktemp("a") / "workstation-a.sqlite3")
    load_samples(ctx)
    yield ctx
    ctx.close()


def test_native_jsonl_round_trip_is_exact(samples_db: Any, ctx: Any, tmp_path: Path) -> None:
    out = tmp_path / "all.jsonl"
    export_corpus(samples_db, "jsonl", out, export_scope())
    # the export is the shipped samples file, line for line (same spans, events, incidents, grades)
    shipped = {(o["id"], o["annotator"]): o for o in map(json.loads, (samples_dir() / "annotations.jsonl")
                                                         .read_text(encoding="utf-8").splitlines())}
    exported = {(o["id"], o["annotator"]): o for o in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert {k: (v["events"], v.get("incidents")) for k, v in exported.items()} == \
        {k: (v["events"], v.get("incidents")) for k, v in shipped.items()}
    result = load_annotations(ctx, out, "jsonl")
    assert result.events == sum(len(v["events"]) for v in shipped.values())
    assert snapshot(ctx) == snapshot(samples_db)
    again = tmp_path / "again.jsonl"
    export_corpus(ctx, "jsonl", again, export_scope())
    assert sorted(again.read_text(encoding="utf-8").splitlines()) == \
        sorted(out.read_text(encoding="utf-8").splitlines())
    assert load_annotations(ctx, again, "jsonl").sets_changed == 0  # loading it again changes nothing


def test_bundles_carry_events_grades_and_incidents(samples_db: Any, ctx: Any, tmp_path: Path) -> None:
    path = tmp_path / "alice.annbundle"
    summary = export_bundle(samples_db, "alice", path)
    assert summary.events == 18 and read_bundle(path).manifest.version == 2
    result = import_bundle(ctx, path)
    assert result.incidents_added == 5 and result.sets_added == 7
    alice = {k: v for k, v in snapshot(samples_db).items() if k.endswith("/alice")}
    assert {k: v for k, v in snapshot(ctx).items() if k.endswith("/alice")} == alice
    assert snapshot(ctx)["incidents"] == snapshot(samples_db)["incidents"]
    assert import_bundle(ctx, path).sets_unchanged == 7  # the same bundle again changes nothing


def test_an_event_naming_a_missing_span_is_refused_whole(ctx: Any, tmp_path: Path) -> None:
    line = json.loads((samples_dir() / "annotations.jsonl").read_text(encoding="utf-8").splitlines()[0])
    good = dict(line)
    bad = dict(line, events=[dict(line["events"][0], claims=["T999"])])
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(good, ensure_ascii=False) + "\n" + json.dumps(bad, ensure_ascii=False) + "\n",
                    encoding="utf-8")
    with pytest.raises(FormatError, match=r"bad.jsonl line 2: event E1 names span T999"):
        load_annotations(ctx, path, "jsonl")
    wrong_role = dict(line, annotator="carol",
                      events=[dict(line["events"][0], roles={"place": [line["events"][0]["roles"]["actor1"][0]]})])
    path.write_text(json.dumps(wrong_role, ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(FormatError, match="role place is played by a place, not an actor"):
        load_annotations(ctx, path, "jsonl")
    with ctx.uow() as uow:
        assert uow.repo.set_keys() == [] and uow.events.count() == 0


def test_a_load_replaces_events_and_a_file_without_events_keeps_them(ctx: Any, tmp_path: Path) -> None:
    """A file that carries events decides the set's events; one that carries none (a format without
    events, or an export without them) keeps the stored events on unchanged spans and says so."""
    lines = (samples_dir() / "annotations.jsonl").read_text(encoding="utf-8").splitlines()
    line = next(o for o in map(json.loads, lines) if o.get("incidents"))
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
    first = load_annotations(ctx, path, "jsonl")
    assert first.events == len(line["events"]) and first.sets_changed == 1
    with ctx.uow() as uow:  # the incident is stored with its title, not made untitled by its events
        titles = {i.id: i.title for i in uow.events.incidents().values()}
    assert titles == {i["id"]: i["title"] for i in line["incidents"]}
    fewer = dict(line, events=line["events"][:1])  # same spans, one event less: the set changed
    path.write_text(json.dumps(fewer, ensure_ascii=False) + "\n", encoding="utf-8")
    assert load_annotations(ctx, path, "jsonl").sets_changed == 1
    without = {k: v for k, v in line.items() if k not in ("events", "incidents")}
    path.write_text(json.dumps(without, ensure_ascii=False) + "\n", encoding="utf-8")
    result = load_annotations(ctx, path, "jsonl")
    assert result.sets_changed == 0 and result.sets_unchanged == 1 and result.warnings == []
    with ctx.uow() as uow:
        assert uow.events.count() == 1
    changed = dict(without, spans=[dict(s, attrs={**s.get("attrs", {}), "note": "x"}) for s in without["spans"]])
    path.write_text(json.dumps(changed, ensure_ascii=False) + "\n", encoding="utf-8")
    result = load_annotations(ctx, path, "jsonl")
    assert result.sets_changed == 1 and result.events == 1
    assert any(f"{line['annotator']}'s set keeps 1 event that the jsonl file does not carry" in w
               for w in result.warnings)
    with ctx.uow() as uow:
        assert uow.events.count() == 1


def test_two_sets_for_one_are_refused_across_batches(ctx: Any, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The refusal holds when the first set was already written in an earlier batch of the same load."""
    monkeypatch.setattr(load_service, "BATCH", 2)
    lines = (samples_dir() / "annotations.jsonl").read_text(encoding="utf-8").splitlines()
    objects = [json.loads(line) for line in lines]
    alice = [o for o in objects if o["annotator"] == "alice"]
    path = tmp_path / "twice.jsonl"
    path.write_text("".join(json.dumps(o, ensure_ascii=False) + "\n" for o in [*alice[:4], alice[0]]),
                    encoding="utf-8")
    with pytest.raises(FormatError, match="documents 1 and 5 are both alice's set for report"):
        load_annotations(ctx, path, "jsonl")
    with ctx.uow() as uow:
        assert uow.repo.set_keys() == [] and uow.repo.report_ids() == [] and uow.events.count() == 0
