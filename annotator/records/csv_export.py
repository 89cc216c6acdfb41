"""Records as CSV: one row per claim (a report without claims still gets one row, claim fields empty).

Multi-valued cells (a claim's actors, places, dates) are joined with ``"; "``; each participant is named by
its entity's name when resolved, else by its text. UTF-8; ``bom=True`` adds a byte-order mark so that
spreadsheet programs read Arabic correctly.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from typing import IO, Any

COLUMNS = (
    "report_id", "report_title", "published", "annotator",
    "claim_id", "claim_text", "start", "end", "status", "negated",
    "source_text", "source_entity_id", "source_entity_name", "source_resolution",
    "actors", "actor_entity_ids", "places", "place_entity_ids", "place_coordinates",
    "dates", "date_texts",
)
SEP = "; "


def _name(mention: Mapping[str, Any]) -> str:
    entity = mention.get("entity")
    return str(entity["name"]) if entity else str(mention.get("text", ""))


def claim_rows(record: Mapping[str, Any]) -> list[dict[str, str]]:
    """The CSV rows of one record, as dicts keyed by ``COLUMNS``."""
    report = record.get("report", {})
    base = {"report_id": report.get("id") or "", "report_title": report.get("title") or "",
            "published": report.get("published") or "", "annotator": record.get("annotator") or ""}
    claims = record.get("claims") or []
    if not claims:
        return [{c: base.get(c, "") for c in COLUMNS}]
    rows = []
    for claim in claims:
        source = claim.get("source") or {}
        source_entity = source.get("entity") or {}
        places = claim.get("places", [])
        coords = []
        for p in places:
            e = p.get("entity") or {}
            if e.get("lat") is not None and e.get("lon") is not None:
                coords.append(f"{e['lat']},{e['lon']}")
        row = dict(base)
        row.update({
            "claim_id": claim.get("id", ""), "claim_text": claim.get("text", ""),
            "start": str(claim.get("start", "")), "end": str(claim.get("end", "")),
            "status": claim.get("status", ""), "negated": "true" if claim.get("negated") else "false",
            "source_text": source.get("text", ""), "source_entity_id": source_entity.get("id", ""),
            "source_entity_name": source_entity.get("name", ""),
            "source_resolution": source.get("resolution", "") if source else "",
            "actors": SEP.join(_name(a) for a in claim.get("actors", [])),
            "actor_entity_ids": SEP.join((a.get("entity") or {}).get("id", "") for a in claim.get("actors", [])),
            "places": SEP.join(_name(p) for p in places),
            "place_entity_ids": SEP.join((p.get("entity") or {}).get("id", "") for p in places),
            "place_coordinates": SEP.join(coords),
            "dates": SEP.join(d.get("value") or "" for d in claim.get("dates", [])),
            "date_texts": SEP.join(d.get("text", "") for d in claim.get("dates", [])),
        })
        rows.append({c: str(row.get(c, "")) for c in COLUMNS})
    return rows


def write_csv(records: Iterable[Mapping[str, Any]], out: IO[str], *, bom: bool = False) -> int:
    """Write the rows of ``records`` to an open text file (opened with ``newline=""``); returns rows."""
    if bom:
        out.write("\ufeff")
    writer = _writer(out)
    writer.writeheader()
    n = 0
    for record in records:
        for row in claim_rows(record):
            writer.writerow(row)
            n += 1
    return n


def write_csv_rows(rows: Iterable[bytes], fh: IO[bytes]) -> int:
    """The bytes ``write_csv`` writes, around each record's rows already encoded (``csv_rows_bytes``;
    built in two processes by ``services.halves``). Returns the number of records."""
    header = io.StringIO()
    _writer(header).writeheader()
    fh.write(header.getvalue().encode("utf-8"))
    n = 0
    for chunk in rows:
        fh.write(chunk)
        n += 1  # noqa: SIM113 (an enumerate's index is not set when no record comes)
    return n


def csv_rows_bytes(record: Mapping[str, Any]) -> bytes:
    """The rows ``write_csv`` writes for one record, as UTF-8: records encoded in two processes
    (``services.halves``) are joined as bytes."""
    buffer = io.StringIO()
    _writer(buffer).writerows(claim_rows(record))
    return buffer.getvalue().encode("utf-8")


def _writer(out: IO[str]) -> csv.DictWriter[str]:
    """The one CSV dialect of records: ``COLUMNS``, CRLF line ends (RFC 4180, as spreadsheets expect)."""
    return csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")


def to_csv(records: Iterable[Mapping[str, Any]], *, bom: bool = False) -> str:
    buffer = io.StringIO()
    write_csv(records, buffer, bom=bom)
    return buffer.getvalue()
