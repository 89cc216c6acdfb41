"""A file that omits stored spans removes them: the load names per set what goes (spans, relations, events,
the comment threads on them, which are kept), takes a backup just before it commits on SQLite (none on a
server, none for a load that only adds), and a dry run says the same without storing anything. A bundle
whose newer set drops spans does the same through the same functions. Real databases, real files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from annotator.core.errors import StorageError
from annotator.core.report import Report
from annotator.services import annotate, comments
from annotator.services.backups import list_backups
from annotator.services.bundles import export_bundle, import_bundle
from annotator.services.context import ServiceContext
from annotator.services.database import open_database
from annotator.services.export import ExportScope, export_corpus
from annotator.services.load import load_annotations
from annotator.services.reports import store_report

TEXT = ("Local sources said fighters of Liwa al-Baqir shelled al-Busayrah on 7 April, the Syrian Observatory "
        "reported; Lina Haddad of the Shahba Monitor denied it.")
WORDS = ("Liwa al-Baqir", "al-Busayrah", "7 April", "Syrian Observatory", "Lina Haddad")
LABELS = ("actor", "place", "date", "actor", "actor")


def alices_set(ctx: ServiceContext) -> tuple[str, dict[str, str]]:
    """alice's set: six spans (a claim among them), two relations, and bob's comment thread on 'Lina Haddad'."""
    report = Report.of(TEXT, title="Shelling of al-Busayrah")
    store_report(ctx, report)
    ids: dict[str, str] = {}
    for word, label in zip(WORDS, LABELS, strict=True):
        at = TEXT.index(word)
        span, _ = annotate.create_span(ctx, report.id, at, at + len(word), label, annotator="alice")
        ids[word] = span.id
    claim_at = TEXT.index("fighters")
    claim, _ = annotate.create_span(ctx, report.id, claim_at, TEXT.index(" on 7"), "claim", annotator="alice")
    ids["claim"] = claim.id
    annotate.create_relation(ctx, report.id, claim.id, ids["al-Busayrah"], "place", annotator="alice")
    annotate.create_relation(ctx, report.id, claim.id, ids["Syrian Observatory"], "source", annotator="alice")
    ctx.actor = "bob"
    comments.add_comment(ctx, report.id, "Is she with the Monitor?", span=ids["Lina Haddad"], of="alice")
    ctx.actor = None
    return report.id, ids


def export_keeping(ctx: ServiceContext, out: Path, *words: str) -> Path:
    """alice's native export cut down to the spans over ``words`` (what the tester did by hand)."""
    export_corpus(ctx, "jsonl", out, ExportScope(annotators=("alice",)))
    (doc,) = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    doc["spans"] = [s for s in doc["spans"] if TEXT[s["start"]:s["end"]] in words]
    kept = {s["id"] for s in doc["spans"]}
    doc["relations"] = [r for r in doc.get("relations", []) if r["head"] in kept and r["tail"] in kept]
    doc.pop("comments", None)
    out.write_text(json.dumps(doc, ensure_ascii=False) + "\n", encoding="utf-8")
    return out


def test_a_cut_down_export_names_what_it_removes_and_keeps_a_backup(ctx: ServiceContext, tmp_path: Path) -> None:
    rid, ids = alices_set(ctx)
    before = annotate.get_set(ctx, rid, "alice")
    path = export_keeping(ctx, tmp_path / "partial.jsonl", "Liwa al-Baqir", "7 April")
    result = load_annotations(ctx, path, "jsonl")
    assert (result.sets_changed, result.dry_run) == (1, False)
    assert result.removal_sentences() == [
        "alice's set on Shelling of al-Busayrah: 4 spans and 2 relations removed (the jsonl file omits them); "
        "the comment thread on one of them is kept where it was written"]
    out = result.to_json()
    assert out["removed"] == [{"report": rid, "title": "Shelling of al-Busayrah", "annotator": "alice", "spans": 4,
                               "relations": 2, "events": 0, "comments": 1}]
    assert out["sets_changed"] == 1 and "warnings" in out  # the keys scripts read are kept
    after = annotate.get_set(ctx, rid, "alice")
    assert sorted(s.id for s in after.spans) == sorted([ids["Liwa al-Baqir"], ids["7 April"]])
    (thread,) = comments.comments(ctx, [rid])
    assert (thread.anchor, thread.anchor_set, thread.anchor_key) == ("span", "alice", ids["Lina Haddad"])
    assert TEXT[thread.anchor_start:thread.anchor_end] == "Lina Haddad"  # kept where it was written
    if ctx.backend != "sqlite":  # a server is backed up by its administrator: no copy here, no sentence
        assert result.backup is None and result.backup_sentence() is None
        return
    (made,) = list_backups(ctx)
    assert result.backup == str(made.path) and made.path.name.endswith("-before-load.sqlite3")
    assert "annotator backup --list" in (result.backup_sentence() or "")
    saved = open_database(made.path)  # the backup holds the set as it was before the load
    try:
        assert annotate.get_set(saved, rid, "alice") == before
    finally:
        saved.close()


def test_a_load_that_only_adds_takes_no_backup(ctx: ServiceContext, tmp_path: Path) -> None:
    rid, _ids = alices_set(ctx)
    full = tmp_path / "full.jsonl"
    export_corpus(ctx, "jsonl", full, ExportScope(annotators=("alice",)))
    again = load_annotations(ctx, full, "jsonl")  # unchanged
    as_carol = load_annotations(ctx, full, "jsonl", annotator="carol")  # a new set
    doc = json.loads(full.read_text(encoding="utf-8"))
    at = TEXT.index("Shahba Monitor")
    doc["spans"].append({"id": "T99", "start": at, "end": at + 14, "label": "actor"})
    more = tmp_path / "more.jsonl"
    more.write_text(json.dumps(doc) + "\n", encoding="utf-8")
    added = load_annotations(ctx, more, "jsonl")  # one span more in alice's set
    assert (again.sets_unchanged, as_carol.sets_changed, added.sets_changed) == (1, 1, 1)
    assert [r.removed for r in (again, as_carol, added)] == [[], [], []]
    assert [r.backup for r in (again, as_carol, added)] == [None, None, None]
    assert list_backups(ctx) == []
    assert len(annotate.get_set(ctx, rid, "alice").spans) == 7


def test_a_dry_run_says_what_would_go_and_changes_nothing(ctx: ServiceContext, tmp_path: Path) -> None:
    rid, _ids = alices_set(ctx)
    before = annotate.get_set(ctx, rid, "alice")
    path = export_keeping(ctx, tmp_path / "partial.jsonl", "Liwa al-Baqir")
    dry = load_annotations(ctx, path, "jsonl", dry_run=True)
    asked = load_annotations(ctx, path, "jsonl", dry_run_if_removing=True)
    for result in (dry, asked):
        assert result.dry_run and [(r.spans, r.relations, r.comments) for r in result.removed] == [(5, 2, 1)]
        assert result.backup is None
    assert annotate.get_set(ctx, rid, "alice") == before and list_backups(ctx) == []


def test_a_load_refused_for_its_backup_stores_nothing(sqlite_ctx: ServiceContext, tmp_path: Path) -> None:
    """No way back, no removal: a backup that cannot be written stops the load in one sentence."""
    rid, _ids = alices_set(sqlite_ctx)
    before = annotate.get_set(sqlite_ctx, rid, "alice")
    path = export_keeping(sqlite_ctx, tmp_path / "partial.jsonl", "Liwa al-Baqir")
    (tmp_path / "annotator.sqlite3.backups").write_text("a file where the backup folder goes", encoding="utf-8")
    with pytest.raises(StorageError, match=r"^nothing was imported: the backup taken before removing") as raised:
        load_annotations(sqlite_ctx, path, "jsonl")
    assert "\n" not in str(raised.value)
    assert annotate.get_set(sqlite_ctx, rid, "alice") == before


def test_a_newer_bundle_that_drops_spans_names_them_and_keeps_a_backup(ctx: ServiceContext,
                                                                      tmp_path: Path) -> None:
    station = open_database(tmp_path / "workstation.sqlite3")
    try:
        rid, ids = alices_set(station)
        first = tmp_path / "alice-1.annotator-bundle"
        export_bundle(station, "alice", first)
        import_bundle(ctx, first)
        annotate.delete_span(station, rid, ids["Lina Haddad"], annotator="alice")
        annotate.delete_span(station, rid, ids["Syrian Observatory"], annotator="alice")  # and its relation
        second = tmp_path / "alice-2.annotator-bundle"
        export_bundle(station, "alice", second)
        expected = annotate.get_set(station, rid, "alice")
    finally:
        station.close()
    added_only = list_backups(ctx)
    result = import_bundle(ctx, second)
    assert result.sets_replaced == 1 and annotate.get_set(ctx, rid, "alice") == expected
    assert result.removal_sentences() == [
        "alice's set on Shelling of al-Busayrah: 2 spans and 1 relation removed (alice's newer set in the bundle "
        "omits them); the comment thread on one of them is kept where it was written"]
    out: dict[str, Any] = result.to_json()
    assert out["removed"][0]["spans"] == 2 and out["sets"]["replaced"] == 1
    assert added_only == []  # the first import only added: no backup
    if ctx.backend == "sqlite":
        (made,) = list_backups(ctx)
        assert out["backup"] == str(made.path) and made.path.name.endswith("-before-bundle.sqlite3")
    else:
        assert out["backup"] is None
