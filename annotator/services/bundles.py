"""Exchange bundles between air-gapped workstations: export one annotator's work, import and merge.

Export streams the annotator's sets (with their reports' texts) and the registry entries their spans
link to into one verified file. Import refuses a bad file before touching the database, then merges
in ONE transaction, so a refused, failed or cancelled import leaves the database as it was:

- a report is recognised by the SHA-256 of its text, whichever workstation it came from;
- a set is replaced only by a newer one of the same annotator (higher edit counter); equal is
  unchanged, lower is skipped and reported; sets of other annotators are never read or written;
- a set its local status makes read-only (done or accepted work, a curated report's gold: the rule a
  load obeys, ``core.workflow.is_read_only``) is kept local and reported, unless the bundle carries that
  row's newer status which follows every decision held here (the supervisor's re-curated gold);
- the imported set keeps the bundle's version, so importing the same bundle twice changes nothing;
- what a newer set no longer holds of the one it replaces is named per set (``removed``), and an import
  that removes or changes stored annotations takes a rolling backup just before it commits, as a load
  does (``services.set_removals``);
- registry entries merge by id (``exchange.merge``), conflicts are reported, local values kept;
- the workflow (``workflow.jsonl``): status rows by ``exchange.merge.status_decision`` — a workstation's
  bundle never overrides a supervisor's decision —, comments by id (the copy changed last wins),
  and, from the supervisor's (gold) bundle, the curation decisions of every gold set it replaced.

An annotator's bundle carries their status rows and the comments on their reports; the supervisor's
bundle (``--annotator gold``) carries gold, every status row, every comment and every decision, with
the texts of the reports it assigns, so an assignment reaches a workstation that lacks the report."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator import __version__
from annotator.core.annotation_set import AnnotationSet
from annotator.core.errors import NotFound, ValidationError
from annotator.core.events import event_to_dict
from annotator.core.ids import GOLD, annotator_name
from annotator.core.progress import CancelToken, ProgressFn, no_progress
from annotator.core.set_replacement import Removed, removed_by
from annotator.core.workflow import Status, word
from annotator.exchange.bundle_format import Bundle, BundleError, BundleSet, WorkflowPart
from annotator.exchange.merge import (
    ADDED,
    IGNORED,
    KEPT,
    OLDER,
    REPLACED,
    UNCHANGED,
    merge_entity,
    set_decision,
    status_decision,
)
from annotator.exchange.reader import read_bundle
from annotator.exchange.writer import BundleWriter
from annotator.services.comments import merge_comments
from annotator.services.context import ServiceContext
from annotator.services.set_removals import SetRemoval, backup_before_replacing, backup_sentence, set_removals
from annotator.services.workflow import read_only_statuses
from annotator.store.mapping import relation_to_dict, span_to_dict
from annotator.store.set_transfer import SetWrite
from annotator.store.uow import UnitOfWork

_BATCH = 500
_MAX_WARNINGS = 20


@dataclass
class ExportSummary:
    file: str
    annotator: str
    created: str
    sets: int = 0
    spans: int = 0
    relations: int = 0
    entities: int = 0
    events: int = 0
    missing_entities: list[str] = field(default_factory=list)  # linked (spans, parents), absent from the registry
    bytes: int = 0

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class ImportSummary:
    file: str
    annotator: str
    created: str
    app_version: str
    reports_new: int = 0
    reports_existing: int = 0
    sets_added: int = 0
    sets_replaced: int = 0
    sets_unchanged: int = 0
    sets_skipped_older: int = 0
    skipped_older: list[dict[str, Any]] = field(default_factory=list)  # report, local/bundle version
    diverged: list[dict[str, Any]] = field(default_factory=list)  # same version, other content: kept local
    sets_kept_by_decision: int = 0
    kept_by_decision: list[dict[str, Any]] = field(default_factory=list)  # read-only here (done, accepted, curated)
    entities_added: int = 0
    entities_merged: int = 0
    entities_unchanged: int = 0
    entity_conflicts: list[dict[str, Any]] = field(default_factory=list)
    incidents_added: int = 0
    incident_conflicts: list[dict[str, Any]] = field(default_factory=list)  # same id, other title: local kept
    statuses: dict[str, int] = field(default_factory=lambda: {ADDED: 0, REPLACED: 0, UNCHANGED: 0, OLDER: 0,
                                                               KEPT: 0, IGNORED: 0})
    status_conflicts: list[dict[str, Any]] = field(default_factory=list)  # a supervisor's decision stood
    comments_added: int = 0
    comments_updated: int = 0
    decisions_replaced: int = 0
    warnings: list[str] = field(default_factory=list)
    removed: list[SetRemoval] = field(default_factory=list)  # per replaced set that loses something
    backup: str | None = None  # the backup taken before an import that removes or changes stored annotations
    replaces: bool = field(default=False, repr=False)  # a replaced set loses or changes something stored
    dry_run: bool = False  # rolled back: it would remove stored annotations (``dry_run_if_removing``)

    def removal_sentences(self) -> list[str]:
        """One sentence per set whose newer version in the bundle removes something."""
        return [r.sentence(f"{r.annotator}'s newer set in the bundle") for r in self.removed]

    def backup_sentence(self) -> str | None:
        return backup_sentence(Path(self.backup)) if self.backup else None

    @property
    def changed(self) -> bool:
        return bool(self.reports_new or self.sets_added or self.sets_replaced or self.entities_added
                    or self.entities_merged or self.statuses[ADDED] or self.statuses[REPLACED]
                    or self.comments_added or self.comments_updated or self.decisions_replaced)

    @property
    def kept_out(self) -> int:
        """How many items of the bundle were not taken although they differ from what is here."""
        return (len(self.skipped_older) + len(self.diverged) + len(self.kept_by_decision)
                + len(self.entity_conflicts) + len(self.incident_conflicts) + len(self.status_conflicts))

    def kept_sentences(self) -> list[str]:
        """One sentence per set or status row a supervisor's decision held here kept out."""
        out = []
        for k in self.kept_by_decision:
            if k["annotator"] == GOLD:
                why = "read-only until its curation is reopened (status set in_progress --for gold)"
                whose = "gold"
            else:
                why = f"read-only for {k['annotator']} until a supervisor returns it"
                whose = f"{k['annotator']}'s set"
            out.append(f"kept local: report {k['report'][:12]}… {whose} is {word(k['state'])} here (by "
                       f"{k['decided_by'] or 'unknown'}, {k['decided_at'][:19] or 'no time'}): {why}; the bundle's "
                       f"version {k['bundle_version']} was not imported")
        for c in self.status_conflicts:
            out.append(f"kept local: report {c['report'][:12]}… {c['annotator']} is {word(c['local'])} here (by "
                       f"{c.get('decided_by') or 'unknown'}); the bundle's {word(c['bundle'])} does not follow "
                       "that decision")
        return out

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "annotator": self.annotator, "created": self.created,
                "app_version": self.app_version,
                "reports": {"new": self.reports_new, "existing": self.reports_existing},
                "sets": {"added": self.sets_added, "replaced": self.sets_replaced,
                         "unchanged": self.sets_unchanged, "skipped_older": self.sets_skipped_older,
                         "diverged": len(self.diverged), "kept_by_decision": self.sets_kept_by_decision},
                "skipped_older": list(self.skipped_older), "diverged": list(self.diverged),
                "kept_by_decision": list(self.kept_by_decision),
                "entities": {"added": self.entities_added, "merged": self.entities_merged,
                             "unchanged": self.entities_unchanged, "conflicts": list(self.entity_conflicts)},
                "incidents": {"added": self.incidents_added, "conflicts": list(self.incident_conflicts)},
                "workflow": {"statuses": dict(self.statuses), "status_conflicts": list(self.status_conflicts),
                             "comments": {"added": self.comments_added, "updated": self.comments_updated},
                             "decisions_replaced": self.decisions_replaced},
                "removed": [r.to_json() for r in self.removed], "backup": self.backup,
                "warnings": list(self.warnings)}


# -- export ----------------------------------------------------------------------------------------
def export_bundle(ctx: ServiceContext, annotator: str, out: Path | str, *, progress: ProgressFn = no_progress,
                  cancel: CancelToken | None = None) -> ExportSummary:
    """Write ``annotator``'s sets, their reports and linked registry entries to ``out``.

    One read transaction gives a consistent snapshot; the file appears only when complete."""
    who = annotator_name(annotator)
    out = Path(out)
    with ctx.uow() as uow:
        total = uow.transfer.count_sets(who)
        statuses = uow.workflow.statuses() if who == GOLD else uow.workflow.statuses(None, who)
        if total == 0 and not statuses:
            raise NotFound(f"annotator '{who}' has no annotation sets in this database; there is nothing to export")
        with BundleWriter(out, who, app_version=__version__) as writer:
            carried: set[str] = set()
            for i, (report, aset) in enumerate(uow.transfer.iter_sets(who)):
                if cancel is not None:
                    cancel.check()
                if i % 200 == 0:
                    progress(i, total, report.title)
                named = {e.incident for e in aset.events if e.incident}
                incidents = tuple(uow.events.incidents(named).values()) if named else ()
                writer.add_set(report, aset, incidents)
                carried.add(report.id)
            entities, missing = _registry_closure(uow, writer.entity_ids)
            for entity in entities:
                writer.add_entity(entity)
            writer.add_workflow(_workflow_part(uow, who, carried, statuses))
    assert writer.manifest is not None
    counts = writer.manifest.counts
    progress(total, total, "")
    return ExportSummary(str(out), who, writer.manifest.created, counts["sets"], counts["spans"],
                         counts["relations"], counts["entities"], counts.get("events", 0), missing,
                         out.stat().st_size)


def _workflow_part(uow: UnitOfWork, who: str, carried: set[str], statuses: list[Any]) -> WorkflowPart:
    """What travels besides the sets: the annotator's status rows and the comments on their reports;
    from the supervisor (gold) every status, comment and decision; and the texts of the reports
    these name that no set line carries."""
    covered = sorted(carried | {s.report_id for s in statuses})
    comments = uow.workflow.comments() if who == GOLD else uow.workflow.comments(covered)
    decisions = tuple(uow.curation.all_decisions()) if who == GOLD else ()
    named = {s.report_id for s in statuses} | {c.report_id for c in comments} | {rid for rid, _ in decisions}
    reports = tuple(uow.repo.report(rid) for rid in sorted(named - carried))
    return WorkflowPart(reports, tuple(statuses), tuple(comments), decisions)


def _registry_closure(uow: UnitOfWork, ids: Iterable[str]) -> tuple[list[dict[str, Any]], list[str]]:
    """The entries with these ids and, for places, their parents (so "Deir ez-Zor governorate" travels
    with the town), ordered by id; and the ids referred to but absent from the registry."""
    found: dict[str, dict[str, Any]] = {}
    tried: set[str] = set()
    wanted = set(ids)
    while wanted:
        batch = sorted(wanted)
        tried.update(batch)
        for i in range(0, len(batch), _BATCH):
            found.update(uow.entities.get_many(batch[i:i + _BATCH]))
        wanted = {e["parent"] for e in found.values() if e.get("parent")} - tried
    return [found[k] for k in sorted(found)], sorted(tried - set(found))


# -- import ----------------------------------------------------------------------------------------
def import_bundle(ctx: ServiceContext, path: Path | str, *, progress: ProgressFn = no_progress,
                  cancel: CancelToken | None = None, dry_run_if_removing: bool = False) -> ImportSummary:
    """Verify the bundle at ``path`` completely, then merge it in one transaction.

    ``dry_run_if_removing``: an import whose newer sets would remove stored spans, relations or events
    is rolled back instead of committed, and its summary (``dry_run``) says what it would remove, so
    the window can ask first, as it does before a file's load (``load_annotations``)."""
    path = Path(path)
    progress(0, None, f"verifying {path.name}")
    warnings: list[str] = []
    bundle = read_bundle(path, check=_schema_check(ctx, path, warnings))
    if len(warnings) > _MAX_WARNINGS:
        warnings[_MAX_WARNINGS:] = [f"… and {len(warnings) - _MAX_WARNINGS} more attribute values outside the schema"]
    if cancel is not None:
        cancel.check()
    m = bundle.manifest
    summary = ImportSummary(str(path), m.annotator, m.created, m.app_version, warnings=warnings)
    with ctx.uow() as uow:
        _merge_entities(uow, bundle, summary)
        _merge_incidents(uow, bundle, summary)
        _merge_reports(uow, bundle, summary)
        written = _merge_sets(uow, bundle, path, summary, progress, cancel)
        _merge_workflow(uow, bundle, path, summary, written)
        if cancel is not None:
            cancel.check()  # the last moment a cancel can still leave everything as it was
        if dry_run_if_removing and summary.removed:
            summary.dry_run = True
            return summary  # the unit of work rolls back
        if summary.replaces:
            made = backup_before_replacing(ctx, "before-bundle")
            summary.backup = str(made.path) if made is not None else None
        uow.commit()
    progress(len(bundle.sets), len(bundle.sets), "")
    return summary


def _schema_check(ctx: ServiceContext, path: Path, warnings: list[str]) -> Callable[[BundleSet], None]:
    """Refuse labels and relations this database's schema does not know (as loading a file does);
    attribute values outside the schema are kept, with one warning each. Runs on each set while
    the bundle is verified, before anything of it is kept."""
    known = set(ctx.schema.label_names)

    def check(item: BundleSet) -> None:
        unknown = sorted({s.label for s in item.set.spans} - known)
        if unknown:
            raise BundleError(path, f"uses labels {', '.join(unknown)} that this database's schema does "
                                    f"not have (labels: {', '.join(ctx.schema.label_names)})")
        spans = item.set.by_id()
        for rel in item.set.relations:
            try:
                ctx.schema.check_relation(rel, spans)
            except ValidationError as exc:
                raise BundleError(path, f"report {item.report.id[:12]}…: {exc}") from None
        if item.set.events and ctx.schema.events is None:
            raise BundleError(path, f"report {item.report.id[:12]}… has events but this database's schema "
                                           "defines no event types")
        for event in item.set.events:
            try:
                ctx.schema.events.check_event(event, spans)  # type: ignore[union-attr]
            except ValidationError as exc:
                raise BundleError(path, f"report {item.report.id[:12]}…: {exc}") from None
        for span in item.set.spans:
            problem = ctx.schema.attribute_problem(span)
            if problem:
                warnings.append(f"report {item.report.id[:12]}… span {span.id}: {problem}; kept as given")
    return check


def _merge_entities(uow: UnitOfWork, bundle: Bundle, summary: ImportSummary) -> None:
    ids = [e["id"] for e in bundle.entities]
    local: dict[str, dict[str, Any]] = {}
    for i in range(0, len(ids), _BATCH):
        local.update(uow.entities.get_many(ids[i:i + _BATCH]))
    for entity in bundle.entities:
        mine = local.get(entity["id"])
        merged = merge_entity(mine, entity)
        if merged.status != "unchanged":
            uow.entities.upsert(merged.result)
        setattr(summary, f"entities_{merged.status}", getattr(summary, f"entities_{merged.status}") + 1)
        if merged.conflicts:
            summary.entity_conflicts.append({"id": entity["id"], "name": (mine or entity)["name"],
                                             "fields": merged.conflicts})


def _merge_incidents(uow: UnitOfWork, bundle: Bundle, summary: ImportSummary) -> None:
    """Incidents merge by id: a new one is added; a known one keeps its local title and notes (a
    different bundle title is reported)."""
    incoming = {i.id: i for item in bundle.sets for i in item.incidents}
    local = uow.events.incidents(incoming) if incoming else {}
    for iid, incident in sorted(incoming.items()):
        mine = local.get(iid)
        if mine is None:
            uow.events.save_incident(incident)
            summary.incidents_added += 1
        elif (mine.title, mine.notes) != (incident.title, incident.notes) and (incident.title or incident.notes):
            if not mine.title and not mine.notes:
                uow.events.save_incident(incident)
            else:
                summary.incident_conflicts.append({"id": iid, "local": mine.title, "bundle": incident.title})


def _merge_reports(uow: UnitOfWork, bundle: Bundle, summary: ImportSummary) -> None:
    existing = uow.transfer.existing_reports([item.report.id for item in bundle.sets])
    new = [item.report for item in bundle.sets if item.report.id not in existing]
    uow.transfer.add_reports(new, origin=bundle.path)
    summary.reports_new, summary.reports_existing = len(new), len(existing)


def _merge_sets(uow: UnitOfWork, bundle: Bundle, path: Path, summary: ImportSummary, progress: ProgressFn,
                cancel: CancelToken | None) -> set[str]:
    """Decide each set by version, then write the added and replaced ones in batches; returns the
    reports whose set was written."""
    written: set[str] = set()
    who = bundle.annotator
    annotator_id = uow.repo.annotator_row(who).id
    local = uow.transfer.set_versions(annotator_id, [item.report.id for item in bundle.sets])
    locked = read_only_statuses(uow, [item.report.id for item in bundle.sets], who)
    carried = {s.report_id: s for s in bundle.workflow.statuses if s.annotator == who}
    total = len(bundle.sets)
    for start in range(0, total, _BATCH):
        if cancel is not None:
            cancel.check()
        progress(start, total, f"merging {path.name}")
        chunk = bundle.sets[start:start + _BATCH]
        known = [item.report.id for item in chunk if item.report.id in local]
        local_sets = {aset.report_id: aset for _r, aset in uow.transfer.iter_sets(who, known)} if known else {}
        writes: list[SetWrite] = []
        removals: list[tuple[str, str, Removed]] = []
        for item in chunk:
            rid, incoming = item.report.id, item.set
            set_id, version = local.get(rid, (None, None))
            decision = set_decision(version, incoming.version)
            if decision in (ADDED, REPLACED) and _held(locked.get(rid), carried.get(rid), who == GOLD):
                state = locked[rid]
                summary.sets_kept_by_decision += 1
                summary.kept_by_decision.append({
                    "report": rid, "annotator": who, "state": state.status, "decided_by": state.changed_by,
                    "decided_at": state.changed_at, "local_version": version, "bundle_version": incoming.version})
            elif decision == UNCHANGED:
                summary.sets_unchanged += 1
                if not _same_content(local_sets[rid], incoming):
                    summary.diverged.append({"report": rid, "version": incoming.version})
            elif decision == OLDER:
                summary.sets_skipped_older += 1
                summary.skipped_older.append({"report": rid, "local_version": version,
                                              "bundle_version": incoming.version})
            else:
                before = _dump(local_sets[rid]) if decision == REPLACED else None
                after = {**_dump(incoming), "bundle": path.name, "created": bundle.manifest.created}
                writes.append(SetWrite(rid, incoming.spans, incoming.relations, incoming.version, before, after,
                                       set_id, incoming.events))
                written.add(rid)
                if decision == ADDED:
                    summary.sets_added += 1
                else:
                    summary.sets_replaced += 1
                    old = local_sets[rid]
                    removed = removed_by(old.spans, old.relations, old.events, incoming.spans, incoming.relations,
                                         incoming.events)
                    summary.replaces |= removed.touches_stored
                    removals.append((rid, item.report.title, removed))
        summary.removed += set_removals(uow, who, removals)
        uow.transfer.write_sets(who, annotator_id, writes, op="bundle_import", target=path.name[:64])
    return written


def _held(local: Status | None, carried: Status | None, from_supervisor: bool) -> bool:
    """Whether a set's local status (``local``: a read-only row, or None) keeps the bundle's set out: it
    does unless the bundle carries a newer row for it that replaces the local one by the rules of
    ``status_decision`` (follows every decision held here), as the supervisor's re-curated gold does."""
    if local is None:
        return False
    return carried is None or status_decision(local, carried, from_supervisor=from_supervisor) != REPLACED


def _merge_workflow(uow: UnitOfWork, bundle: Bundle, path: Path, summary: ImportSummary, written: set[str]) -> None:
    """Reports the workflow names, then statuses, comments and (from gold's bundle) decisions."""
    part = bundle.workflow
    if part.empty:
        return
    existing = uow.transfer.existing_reports([r.id for r in part.reports])
    new = [r for r in part.reports if r.id not in existing]
    uow.transfer.add_reports(new, origin=bundle.path)
    summary.reports_new += len(new)
    from_supervisor = bundle.annotator == GOLD
    local = {(s.report_id, s.annotator): s for s in uow.workflow.statuses(sorted({s.report_id for s in part.statuses}))}
    for s in part.statuses:
        if not from_supervisor and s.annotator != bundle.annotator:
            summary.statuses[IGNORED] += 1
            continue
        mine = local.get((s.report_id, s.annotator))
        decision = status_decision(mine, s, from_supervisor=from_supervisor)
        summary.statuses[decision] += 1
        if decision == KEPT and mine is not None:
            summary.status_conflicts.append({"report": s.report_id, "annotator": s.annotator, "local": mine.status,
                                             "bundle": s.status, "kept": mine.status,
                                             "decided_by": mine.changed_by})
        if decision in (ADDED, REPLACED):
            owner = uow.repo.annotator_row(s.annotator)
            uow.workflow.put_status(s.report_id, owner.id, s)
            uow.workflow.log_change(s.report_id, s.annotator, mine.status if mine else None, s.status,
                                    by=s.changed_by, reason=s.reason, origin=path.name[:200], at=s.changed_at)
    try:
        added, updated = merge_comments(uow, part.comments)
    except ValidationError as exc:
        raise BundleError(path, str(exc)) from None
    summary.comments_added += added
    summary.comments_updated += updated
    if from_supervisor:
        by_report: dict[str, list[Any]] = {}
        for rid, d in part.decisions:
            by_report.setdefault(rid, []).append(d)
        for rid in sorted(written):
            current = uow.curation.decisions([rid]).get(rid, {})
            uow.curation.put_decisions(rid, current, by_report.get(rid, []))
            summary.decisions_replaced += len(by_report.get(rid, []))


def _dump(aset: AnnotationSet) -> dict[str, Any]:
    return {"version": aset.version, "spans": [span_to_dict(s) for s in aset.spans],
            "relations": [relation_to_dict(r) for r in aset.relations],
            "events": [event_to_dict(e) for e in aset.events]}


def _same_content(a: AnnotationSet, b: AnnotationSet) -> bool:
    def spans(s: AnnotationSet) -> list[dict[str, object]]:
        return sorted((span_to_dict(x) for x in s.spans), key=lambda d: str(d["id"]))

    def relations(s: AnnotationSet) -> list[dict[str, object]]:
        return sorted((relation_to_dict(x) for x in s.relations), key=lambda d: str(d["id"]))

    def events(s: AnnotationSet) -> list[dict[str, object]]:
        return sorted((event_to_dict(x) for x in s.events), key=lambda d: str(d["id"]))

    return spans(a) == spans(b) and relations(a) == relations(b) and events(a) == events(b)
