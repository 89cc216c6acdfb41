"""What a load or a bundle import removes from the sets it replaces, said per set, and the backup taken
before it is committed: the one way both do it.

A file (or a bundle's newer set) replaces a stored (report, annotator) set. What the new set no longer
holds (``core.set_replacement.removed_by``) is named per set in one sentence with its counts
(``SetRemoval``), so cutting an export down to 2 spans and loading it never deletes 12 spans behind a
bare "1 set changed". When anything stored would be removed or changed, a rolling backup tagged with the
operation is taken just before the commit (``backup_before_replacing``): the import can be taken back
with ``annotator backup --restore`` or File → Backups…. A load that only adds (new reports, new sets,
spans added to a set, an unchanged re-load) takes none, so ordinary loads do not fill the backup folder.

Comment threads anchored to a removed span or relation are **kept as they are** (anchor, key and the
extent they were written on) and counted in the sentence. That loses nothing: the extent kept with a
comment holds its marker and quoted text where it was written (``core.comments``), as when someone
deletes the span by hand; re-anchoring it to the report instead would drop that extent and the key from
every export, so restoring the backup or re-loading the full file (which brings the span back under its
id) would no longer put the thread back on its span; and the author's words are not rewritten."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from annotator.core.comments import Comment
from annotator.core.errors import StorageError
from annotator.core.set_replacement import Removed, count_phrase
from annotator.services.backups import BackupInfo, rolling_backup
from annotator.services.context import ServiceContext
from annotator.store.uow import UnitOfWork


@dataclass(frozen=True)
class SetRemoval:
    """What one replaced set loses: counts of spans, relations and events removed, and of the comment
    threads anchored to them (kept)."""

    report: str
    title: str
    annotator: str
    spans: int
    relations: int
    events: int
    comments: int

    def sentence(self, source: str) -> str:
        """``"alice's set on <title>: 12 spans and 3 relations removed (the jsonl file omits them)"``, with
        the comment threads on them when there are some; ``source`` names what replaced the set."""
        what = count_phrase(self.spans, self.relations, self.events)
        text = f"{self.annotator}'s set on {self.title or self.report[:12]}: {what} removed ({source} omits them)"
        if self.comments == 1:
            text += "; the comment thread on one of them is kept where it was written"
        elif self.comments:
            text += f"; the {self.comments} comment threads on them are kept where they were written"
        return text

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def set_removals(uow: UnitOfWork, who: str, removed: Iterable[tuple[str, str, Removed]]) -> list[SetRemoval]:
    """One ``SetRemoval`` per (report id, title, ``Removed``) of ``who``'s sets that removes anything,
    counting the comment threads anchored to what goes (one read of those reports' comments)."""
    todo = [(rid, title, r) for rid, title, r in removed if r]
    if not todo:
        return []
    by_report: dict[str, list[Comment]] = {}
    for c in uow.workflow.comments([rid for rid, _t, _r in todo]):
        if c.anchor_set == who and c.anchor in ("span", "relation"):
            by_report.setdefault(c.report_id, []).append(c)
    out = []
    for rid, title, r in todo:
        spans, relations = set(r.spans), set(r.relations)
        threads = {c.thread for c in by_report.get(rid, ())
                   if (c.anchor == "span" and c.anchor_key in spans)
                   or (c.anchor == "relation" and c.anchor_key in relations)}
        out.append(SetRemoval(rid, title, who, len(r.spans), len(r.relations), len(r.events), len(threads)))
    return out


def backup_before_replacing(ctx: ServiceContext, tag: str) -> BackupInfo | None:
    """A rolling backup tagged ``tag`` of the database as it is, taken by an import that removes or
    changes stored annotations just before it commits. It is read through its own connection, so it holds
    the last committed state, not the import's pending writes (WAL). None on a PostgreSQL server, whose
    backups are its administrator's business (``rolling_backup``). A backup that cannot be written
    (a full disk) stops the import with that sentence: nothing is committed without its way back."""
    try:
        return rolling_backup(ctx, tag=tag)
    except StorageError as exc:
        raise StorageError(f"nothing was imported: the backup taken before removing or changing stored annotations "
                           f"failed ({exc})", kind=exc.kind, retry=exc.retry) from None


def backup_sentence(made: Path) -> str:
    """How to take an import back, in one sentence (``made``: the backup it took)."""
    return (f"The database as it was before is saved as the backup {made.name}: `annotator backup --list` lists "
            f"it, and `annotator backup --restore {made}` or File → Backups… restores it.")
