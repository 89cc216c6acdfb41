"""The supervisor's workflow as rules: the states of one annotator's work on one report, who may move
it where, and how a bulk assignment spreads reports over annotators. Pure: services apply them.

Per (report, annotator): ``assigned`` → ``in_progress`` (the first edit) → ``done`` (or ``done_empty``,
"done, nothing to mark") → ``accepted``, or ``returned`` with a reason and then ``in_progress`` again.
The ``gold`` row of a report is its curation: ``in_progress`` (the first gold edit) → ``curated``.
Supervisors decide (assign, accept, return, curate); annotators report (in progress, done). Work that
is done, done-empty or accepted is read-only for its annotator until a supervisor returns it; a
curated report's gold is read-only until curation is reopened."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from annotator.core.errors import InvalidValue, PermissionDenied, UsageError, ValidationError
from annotator.core.ids import GOLD

ASSIGNED, IN_PROGRESS, DONE, DONE_EMPTY, ACCEPTED, RETURNED, CURATED = (
    "assigned", "in_progress", "done", "done_empty", "accepted", "returned", "curated")
STATES = (ASSIGNED, IN_PROGRESS, DONE, DONE_EMPTY, ACCEPTED, RETURNED)
WORDS = {ASSIGNED: "assigned", IN_PROGRESS: "in progress", DONE: "done", DONE_EMPTY: "done, nothing to mark",
         ACCEPTED: "accepted", RETURNED: "returned", CURATED: "curated", None: "not assigned"}
READ_ONLY = frozenset({DONE, DONE_EMPTY, ACCEPTED})
AWAITING_REVIEW = frozenset({DONE, DONE_EMPTY})
OPEN = frozenset({ASSIGNED, IN_PROGRESS, RETURNED})  # an annotator's queue
SUPERVISOR_DECISIONS = frozenset({ASSIGNED, ACCEPTED, RETURNED, CURATED, None})  # None: unassigned
_ANNOTATOR_MOVES: dict[str | None, set[str]] = {  # what an annotator may do with their own row: from -> to
    None: {IN_PROGRESS, DONE, DONE_EMPTY}, ASSIGNED: {IN_PROGRESS, DONE, DONE_EMPTY},
    IN_PROGRESS: {DONE, DONE_EMPTY}, RETURNED: {IN_PROGRESS, DONE, DONE_EMPTY},
}
_SUPERVISOR_MOVES: dict[str | None, set[str | None]] = {  # what a supervisor may decide about anyone's row: to -> from
    ASSIGNED: {None},
    ACCEPTED: {DONE, DONE_EMPTY},
    RETURNED: {IN_PROGRESS, DONE, DONE_EMPTY, ACCEPTED},
    None: {ASSIGNED, IN_PROGRESS, RETURNED},
}
_VERBS = {ASSIGNED: "assign", ACCEPTED: "accept", RETURNED: "return", None: "unassign"}
_GOLD_MOVES: dict[str | None, set[str | None]] = {IN_PROGRESS: {None, CURATED}, CURATED: {None, IN_PROGRESS}}


def word(state: str | None) -> str:
    return WORDS.get(state, state or "not assigned")


def how_it_stands(owner: str, state: str | None) -> str:
    """Who made ``owner``'s work read-only, as a sentence's start: the annotator marks it done, a
    supervisor accepts it ("bob marked this report accepted" credited bob with sam's decision)."""
    if state == ACCEPTED:
        return f"{owner}'s work on this report was accepted by a supervisor"
    return f"{owner} marked this report {word(state)}"


def is_read_only(owner: str, state: str | None) -> bool:
    """Whether ``owner``'s set on a report in ``state`` may not be changed: the one rule every set
    write obeys (an edit, a load, a bundle import). Work marked done, done-empty or accepted waits for
    a supervisor (to return it); a curated report's gold waits for its curation to be reopened."""
    return (owner == GOLD and state == CURATED) or state in READ_ONLY


def parse_state(text: str) -> str:
    """A state as a person types it (``in progress``, ``in_progress``, ``done-empty`` …)."""
    key = text.strip().lower().replace(",", "").replace("-", "_").replace(" ", "_")
    key = {"done_nothing_to_mark": DONE_EMPTY, "nothing_to_mark": DONE_EMPTY, "unassigned": "none",
           "not_assigned": "none"}.get(key, key)
    if key == "none":
        return ""
    if key not in (*STATES, CURATED):
        raise InvalidValue(f"'{text}' is not a status (one of {', '.join((*STATES, CURATED))}, or unassigned)")
    return key


@dataclass(frozen=True)
class Status:
    """Where ``annotator`` stands on ``report_id`` (see the module docstring)."""

    report_id: str
    annotator: str
    status: str
    reason: str | None = None
    rev: int = 1
    decision_rev: int = 0
    changed_by: str = ""
    by_supervisor: bool = False
    changed_at: str = ""  # ISO 8601, UTC

    def to_json(self) -> dict[str, object]:
        return {"report": self.report_id, "annotator": self.annotator, "status": self.status,
                "reason": self.reason, "rev": self.rev, "decision_rev": self.decision_rev,
                "changed_by": self.changed_by, "by_supervisor": self.by_supervisor, "changed_at": self.changed_at}


def is_supervisor_move(owner: str, before: str | None, after: str | None) -> bool:
    """Whether moving ``owner``'s row from ``before`` to ``after`` is a supervisor's decision."""
    if owner == GOLD:
        return True
    return after in SUPERVISOR_DECISIONS and not (after is None and before is None)


def check_move(owner: str, before: str | None, after: str | None, *, as_supervisor: bool, as_owner: bool,
               spans: int = 0, reason: str | None = None) -> None:
    """Refuse a move the rules do not allow, with one sentence; ``as_supervisor``/``as_owner`` say in
    which capacity the person acts (a supervisor's own work is also theirs to report)."""
    if before == after:
        return
    if owner == GOLD:
        if after not in _GOLD_MOVES or before not in _GOLD_MOVES[after]:
            raise ValidationError(f"the gold set is {word(before)}: it cannot become {word(after)} "
                                  "(curation is in progress or curated)")
        if not as_supervisor:
            raise PermissionDenied("only a supervisor marks a report curated or reopens its curation")
        return
    if after == DONE_EMPTY and spans:
        raise ValidationError(f"{owner} has {spans} span(s) on this report: 'done, nothing to mark' is for a "
                              "report without any; mark it done instead")
    if as_owner and after in _ANNOTATOR_MOVES.get(before, set()):
        return
    if after in _SUPERVISOR_MOVES and before in _SUPERVISOR_MOVES[after]:
        if not as_supervisor:
            raise PermissionDenied(f"only a supervisor may {_VERBS[after]} {owner}'s work on this report"
                                   + (f" ({how_it_stands(owner, before)})" if before in READ_ONLY else ""))
        if after == RETURNED and not (reason or "").strip():
            raise ValidationError("returning work needs a reason the annotator can act on")
        return
    if before in READ_ONLY and as_owner:
        raise PermissionDenied(f"{how_it_stands(owner, before)}: it is read-only until a supervisor returns it")
    raise ValidationError(f"{owner}'s work on this report is {word(before)}: it cannot become {word(after)}")


# -- bulk assignment ---------------------------------------------------------------------------------------
def plan_assignments(report_ids: Sequence[str], annotators: Sequence[str], *, per_report: int,
                     overlap: float = 1.0, existing: dict[str, set[str]] | None = None,
                     start: int = 0) -> dict[str, list[str]]:
    """Who gets which report, round robin: a share ``overlap`` (0–1) of the reports, spread evenly
    through the list, gets ``per_report`` annotators (the overlap agreement needs), the others one;
    annotators already assigned to a report count towards it and are not repeated. Load stays even
    because the next report starts where the last one stopped. Returns report id → new annotators."""
    names = list(dict.fromkeys(annotators))
    if GOLD in names:
        raise UsageError("gold is the adjudicated set: it is nobody to assign")
    if not names:
        raise UsageError("name at least one annotator to assign")
    if not 1 <= per_report <= len(names):
        raise UsageError(f"{per_report} annotators per report, but {len(names)} annotator(s) named")
    if not 0.0 <= overlap <= 1.0:
        raise UsageError(f"the overlap degree is a share between 0 and 1, not {overlap}")
    existing = existing or {}
    plan: dict[str, list[str]] = {}
    turn = start
    for i, rid in enumerate(report_ids):
        shared = int((i + 1) * overlap) > int(i * overlap)
        want = per_report if shared else 1
        have = set(existing.get(rid, set())) & set(names)
        chosen: list[str] = []
        tried = 0
        while len(have) + len(chosen) < want and tried < len(names):
            who = names[turn % len(names)]
            turn += 1
            tried += 1
            if who not in have and who not in chosen:
                chosen.append(who)
        plan[rid] = chosen
    return plan


def returned_because(status: Status | None) -> str | None:
    """Why work came back, for the annotator to read ("by sam: the dates are missing"); None unless
    returned with a reason."""
    if status is None or status.status != "returned" or not status.reason:
        return None
    return f"by {status.changed_by or 'a supervisor'}: {status.reason}"
