"""Stored JSON values that no longer parse, for ``annotator check``.

A JSON column on SQLite is plain text: a value damaged by hand (the sqlite3 shell) or by a bad disk is
stored as it is, and only fails when a command reads the row (``export`` stopped on it as an unexpected
error). PostgreSQL checks JSON on the way in, so only SQLite files need this pass. SQLite's own
``json_valid`` (in C, over every row) finds the candidates; Python's ``json.loads`` (what the ORM reads
them with) has the last word, so a value the ORM reads anyway (``NaN``) is never reported. A column
that holds an object (attributes, metadata) is also checked for one: a number or a list there fails
the commands that read it in the same way (``faults.stored_object``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import JSON, Column, Select, Table, Text, case, func, select, type_coerce
from sqlalchemy.orm import Session

from annotator.core.storable import json_kind
from annotator.files.json_input import decode_failure
from annotator.store.base import Base
from annotator.store.models import AnnotationSetRow, AnnotatorRow

# the columns that hold an object (attributes, metadata): a number or a list there is as unreadable
_OBJECTS = {("reports", "meta"), ("spans", "attrs"), ("relations", "attrs"), ("entities", "meta"), ("events", "attrs")}
# what one row of a set's table is called in a sentence (the other tables are named by their own columns)
_SET_ITEMS = {"spans": "span", "relations": "relation", "events": "event", "edits": "edit of version"}


def unreadable_json(session: Session) -> list[str]:
    """One sentence per stored JSON value that does not parse, naming its row as people know it
    (report, annotator, span key; the entity; the setting) and the column."""
    problems: list[str] = []
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if not isinstance(column.type, JSON):
                continue
            whole = (table.name, column.name) in _OBJECTS
            for row in session.execute(_candidates(table, column, whole)):
                detail = _parse_error(row.raw, whole)
                if detail is not None:
                    where = _where(table, dict(row._mapping))
                    problems.append(f"{where}: its stored {column.name} value {detail}, so commands that read it fail")
    return problems


def _candidates(table: Table, column: Column[object], whole: bool) -> Select[tuple[object, ...]]:
    raw = type_coerce(column, Text).label("raw")  # the stored text, not parsed by the ORM
    bad = func.json_valid(column) == 0  # NULL stays NULL (not a candidate)
    if whole:  # json_type of text that is not JSON is an error: only asked of valid JSON
        not_object = func.json_type(column).not_in(("object", "null"))
        bad = column.is_not(None) & case((func.json_valid(column) == 1, not_object), else_=True)
    if table.name in _SET_ITEMS:
        item = table.c.key if "key" in table.c else table.c.version
        return (select(raw, item.label("item"), AnnotationSetRow.report_id, AnnotatorRow.name.label("annotator"))
                .select_from(table).join(AnnotationSetRow, AnnotationSetRow.id == table.c.set_id)
                .join(AnnotatorRow, AnnotatorRow.id == AnnotationSetRow.annotator_id).where(bad))
    named = [table.c[c] for c in ("report_id", "item") if c in table.c] or list(table.primary_key.columns)
    return select(raw, *named).where(bad)


def _where(table: Table, row: Mapping[str, Any]) -> str:
    if table.name in _SET_ITEMS:
        return f"report {str(row['report_id'])[:12]}…, {row['annotator']}'s {_SET_ITEMS[table.name]} {row['item']}"
    if table.name == "reports":
        return f"report {str(row['id'])[:12]}…"
    if table.name == "settings":
        return f"the setting '{row['key']}'"
    if table.name == "entities":
        return f"the entity {row['id']}"
    if "report_id" in row:
        return f"report {str(row['report_id'])[:12]}…, {table.name.replace('_', ' ')} {row.get('item', '')}".rstrip()
    return f"{table.name} row " + ", ".join(str(v) for k, v in row.items() if k != "raw")


def _parse_error(raw: object, whole: bool) -> str | None:
    """Why ``raw`` cannot be read, in words (None when Python reads it after all, as it reads ``NaN``)."""
    try:
        value = json.loads(raw if isinstance(raw, (str, bytes)) else str(raw))
    except ValueError as exc:
        return f"is not valid JSON ({decode_failure(exc)})"
    if whole and value is not None and not isinstance(value, dict):  # null reads as no attributes
        return f"is {json_kind(value)}, not a JSON object"
    return None
