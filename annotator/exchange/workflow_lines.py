"""The lines of a bundle's ``workflow.jsonl`` (bundle version 3), both ways: reports named by the
workflow that no set line carries (an assignment to a report the annotator has not started), status
rows, comments and curation decisions. One ``{"type": ...}`` object per line, each fully checked."""

from __future__ import annotations

from typing import Any

from annotator.core.comments import Comment, comment_from_dict
from annotator.core.curation import Decision
from annotator.core.errors import ValidationError
from annotator.core.ids import annotator_name, is_report_id, report_id
from annotator.core.native import REPORT_META
from annotator.core.report import Report
from annotator.core.workflow import CURATED, STATES, Status
from annotator.exchange.bundle_format import WorkflowPart
from annotator.exchange.lines import LineError, _object, _report

UNBOUNDED = 1 << 62  # comment extents are checked against the stored text when merged


def report_line(report: Report) -> dict[str, Any]:
    meta: dict[str, Any] = {key: getattr(report, key) for key in REPORT_META}
    meta.update(report.meta)
    return {"type": "report", "id": report.id, "text": report.text, "meta": meta}


def status_line(s: Status) -> dict[str, Any]:
    return {"type": "status", **s.to_json()}


def comment_line(c: Comment) -> dict[str, Any]:
    return {"type": "comment", "report": c.report_id, **c.to_dict()}


def decision_line(rid: str, d: Decision) -> dict[str, Any]:
    return {"type": "decision", "report": rid, **d.to_json()}


def parse_workflow(lines: list[tuple[int, bytes]]) -> WorkflowPart:
    """The member's content; raises ``LineError`` naming the line on the first bad one."""
    reports: list[Report] = []
    statuses: list[Status] = []
    comments: list[Comment] = []
    decisions: list[tuple[str, Decision]] = []
    for n, raw in lines:
        try:
            obj = _object(raw)
            kind = obj.get("type")
            if kind == "report":
                reports.append(_report_of(obj))
            elif kind == "status":
                statuses.append(_status(obj))
            elif kind == "comment":
                comments.append(comment_from_dict(obj, _rid(obj.get("report")), UNBOUNDED))
            elif kind == "decision":
                decisions.append((_rid(obj.get("report")), _decision(obj)))
            else:
                raise LineError(f"has an unknown type {kind!r:.30}")
        except (LineError, ValidationError) as exc:
            raise LineError(f"line {n}: {exc}") from None
    return WorkflowPart(tuple(reports), tuple(statuses), tuple(comments), tuple(decisions))


def _rid(value: Any) -> str:
    if not isinstance(value, str) or not is_report_id(value):
        raise LineError(f"names no report id ({value!r:.20})")
    return value


def _report_of(obj: dict[str, Any]) -> Report:
    text = obj.get("text")
    if not isinstance(text, str):
        raise LineError("has no 'text' string")
    rid = report_id(text)
    if obj.get("id") != rid:
        raise LineError(f"id {str(obj.get('id'))[:16]}… is not the SHA-256 of the line's text")
    meta = obj.get("meta") or {}
    if not isinstance(meta, dict):
        raise LineError("'meta' is not an object")
    return _report(text, rid, meta)


def _int(obj: dict[str, Any], key: str) -> int:
    value = obj.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise LineError(f"'{key}' {value!r:.20} is not a non-negative integer")
    return value


def _status(obj: dict[str, Any]) -> Status:
    state = obj.get("status")
    who = annotator_name(str(obj.get("annotator") or ""))
    if state not in (*STATES, CURATED):
        raise LineError(f"status {state!r:.30} is not one of {', '.join((*STATES, CURATED))}")
    for key in ("changed_by", "changed_at"):
        if not isinstance(obj.get(key), str):
            raise LineError(f"status has no '{key}'")
    if obj.get("reason") is not None and not isinstance(obj["reason"], str):
        raise LineError("status 'reason' is not a string")
    return Status(_rid(obj.get("report")), who, state, obj.get("reason"), _int(obj, "rev"), _int(obj, "decision_rev"),
                  obj["changed_by"], bool(obj.get("by_supervisor")), obj["changed_at"])


def _decision(obj: dict[str, Any]) -> Decision:
    for key in ("item", "kind", "choice", "decided_by", "decided_at"):
        if not isinstance(obj.get(key), str) or not obj[key]:
            raise LineError(f"decision has no '{key}'")
    if len(obj["item"]) > 200:
        raise LineError("decision item is longer than 200 characters")
    keys = obj.get("gold_keys") or []
    if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
        raise LineError("decision 'gold_keys' is not a list of ids")
    rule = obj.get("rule")
    if rule is not None and not isinstance(rule, str):
        raise LineError("decision 'rule' is not a string")
    return Decision(obj["item"], obj["kind"], obj["choice"], obj["decided_by"], obj["decided_at"], rule, tuple(keys))
