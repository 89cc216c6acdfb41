"""Typed rows. No behaviour here: conversion to core objects is ``mapping.py``."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from annotator.store.base import Base


def utcnow() -> datetime:
    return datetime.now(UTC)


class ReportRow(Base):
    """A report. ``id`` is the SHA-256 of ``text``; the text never changes (a trigger refuses it)."""

    __tablename__ = "reports"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    chars: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(500), default="")
    source: Mapped[str | None] = mapped_column(String(500))
    published: Mapped[str | None] = mapped_column(String(32))
    url: Mapped[str | None] = mapped_column(String(2000))
    language: Mapped[str | None] = mapped_column(String(16))
    direction: Mapped[str] = mapped_column(String(3), default="ltr")
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    origin: Mapped[str | None] = mapped_column(String(2000))  # the file it was first imported from
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    sets: Mapped[list[AnnotationSetRow]] = relationship(back_populates="report")


class AnnotatorRow(Base):
    """A person (or ``gold``). ``role`` is ``annotator`` or ``supervisor`` in this database; ``login`` is
    the PostgreSQL role this annotator connects as on a team server (the server's policies use it)."""

    __tablename__ = "annotators"
    __table_args__ = (Index("uq_annotators_login", "login", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    role: Mapped[str] = mapped_column(String(16), default="annotator", server_default="annotator")
    login: Mapped[str | None] = mapped_column(String(63))


class AnnotationSetRow(Base):
    """One annotator's work on one report. ``version`` counts its committed edits."""

    __tablename__ = "annotation_sets"
    __table_args__ = (UniqueConstraint("report_id", "annotator_id", name="uq_annotation_sets_report_annotator"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[str] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    annotator_id: Mapped[int] = mapped_column(ForeignKey("annotators.id"), index=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
    next_key: Mapped[int] = mapped_column(Integer, default=1)  # next "T<n>"/"R<n>" number
    status: Mapped[str] = mapped_column(String(16), default="in progress")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    report: Mapped[ReportRow] = relationship(back_populates="sets")
    annotator: Mapped[AnnotatorRow] = relationship()
    spans: Mapped[list[SpanRow]] = relationship(back_populates="set", cascade="all, delete-orphan",
                                                passive_deletes=True)
    relations: Mapped[list[RelationRow]] = relationship(back_populates="set", cascade="all, delete-orphan",
                                                        passive_deletes=True)


class SpanRow(Base):
    """A span in code points of its report's text. ``key`` is its id within the set (``T3``)."""

    __tablename__ = "spans"
    __table_args__ = (
        UniqueConstraint("set_id", "key", name="uq_spans_set_key"),
        CheckConstraint("start >= 0 AND \"end\" > start", name="offsets"),
        Index("ix_spans_set_start", "set_id", "start"),
        # only the spans that name an entity (every query asks for one): a loaded corpus's spans, most
        # without, add no entry (migration 20261206_0008)
        Index("ix_spans_entity_id", "entity_id", sqlite_where=text("entity_id IS NOT NULL"),
              postgresql_where=text("entity_id IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("annotation_sets.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(64))
    attrs: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    value: Mapped[str | None] = mapped_column(String(64))
    entity_id: Mapped[str | None] = mapped_column(String(128))
    resolution: Mapped[str | None] = mapped_column(String(16))

    set: Mapped[AnnotationSetRow] = relationship(back_populates="spans")


class RelationRow(Base):
    __tablename__ = "relations"
    __table_args__ = (UniqueConstraint("set_id", "key", name="uq_relations_set_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("annotation_sets.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(64))
    head_id: Mapped[int] = mapped_column(ForeignKey("spans.id", ondelete="CASCADE"), index=True)
    tail_id: Mapped[int] = mapped_column(ForeignKey("spans.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(64))
    attrs: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    set: Mapped[AnnotationSetRow] = relationship(back_populates="relations")
    head: Mapped[SpanRow] = relationship(foreign_keys=[head_id])
    tail: Mapped[SpanRow] = relationship(foreign_keys=[tail_id])


class EditRow(Base):
    """The edit log: every committed change to a set, with its before/after, in order.

    Serves undo across sessions, exchange bundles and the audit view."""

    __tablename__ = "edits"
    __table_args__ = (Index("ix_edits_set_version", "set_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("annotation_sets.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)  # the set's version after this edit
    annotator: Mapped[str] = mapped_column(String(64))  # who made it (adjudicators write gold)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    op: Mapped[str] = mapped_column(String(32))
    target: Mapped[str | None] = mapped_column(String(64))  # span/relation key
    before: Mapped[Any | None] = mapped_column(JSON)
    after: Mapped[Any | None] = mapped_column(JSON)


class EntityRow(Base):
    """A canonical actor or place of the registry."""

    __tablename__ = "entities"

    id: Mapped[str] = mapped_column(String(128), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)  # actor | place
    name: Mapped[str] = mapped_column(String(300))
    type: Mapped[str | None] = mapped_column(String(64))
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    country: Mapped[str | None] = mapped_column(String(8))
    admin1: Mapped[str | None] = mapped_column(String(200))
    parent_id: Mapped[str | None] = mapped_column(String(128))
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    aliases: Mapped[list[AliasRow]] = relationship(back_populates="entity", cascade="all, delete-orphan",
                                                   passive_deletes=True)


class AliasRow(Base):
    __tablename__ = "entity_aliases"
    __table_args__ = (UniqueConstraint("entity_id", "name", name="uq_entity_aliases_entity_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entity_id: Mapped[str] = mapped_column(ForeignKey("entities.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    lang: Mapped[str | None] = mapped_column(String(16))

    entity: Mapped[EntityRow] = relationship(back_populates="aliases")


class SettingRow(Base):
    """Small key/value settings stored with the data (e.g. the project schema)."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[Any] = mapped_column(JSON)


class IncidentRow(Base):
    """One happening reported in several reports or by several sources; its events point to it."""

    __tablename__ = "incidents"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # "I-<16 hex>", the same on every workstation
    title: Mapped[str] = mapped_column(String(300), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class EventRow(Base):
    """An event of one set (core.events.Event). ``key`` is its id within the set (``E3``); counts are
    typed columns, one best/low/high triple per kind; qualifiers are flags."""

    __tablename__ = "events"
    __table_args__ = (UniqueConstraint("set_id", "key", name="uq_events_set_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("annotation_sets.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(64))
    type: Mapped[str] = mapped_column(String(64))
    negated: Mapped[bool] = mapped_column(Boolean, default=False)
    hypothetical: Mapped[bool] = mapped_column(Boolean, default=False)
    future: Mapped[bool] = mapped_column(Boolean, default=False)
    historical: Mapped[bool] = mapped_column(Boolean, default=False)
    fatalities_best: Mapped[int | None] = mapped_column(Integer)
    fatalities_low: Mapped[int | None] = mapped_column(Integer)
    fatalities_high: Mapped[int | None] = mapped_column(Integer)
    injured_best: Mapped[int | None] = mapped_column(Integer)
    injured_low: Mapped[int | None] = mapped_column(Integer)
    injured_high: Mapped[int | None] = mapped_column(Integer)
    arrested_best: Mapped[int | None] = mapped_column(Integer)
    arrested_low: Mapped[int | None] = mapped_column(Integer)
    arrested_high: Mapped[int | None] = mapped_column(Integer)
    attrs: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    incident_id: Mapped[str | None] = mapped_column(ForeignKey("incidents.id", ondelete="SET NULL"), index=True)

    arguments: Mapped[list[EventArgumentRow]] = relationship(back_populates="event", cascade="all, delete-orphan",
                                                             passive_deletes=True,
                                                             order_by="EventArgumentRow.position")


class EventArgumentRow(Base):
    """A span an event names: in a role, as a reporting claim, or as its trigger. Spans are named by
    their key, not a foreign key, so undoing a span's deletion (same key) makes the event whole again."""

    __tablename__ = "event_arguments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # role | claim | trigger
    role: Mapped[str | None] = mapped_column(String(64))
    span_key: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(Integer, default=0)

    event: Mapped[EventRow] = relationship(back_populates="arguments")


class AssignmentRow(Base):
    """Where one annotator stands on one report: ``assigned``, ``in_progress``, ``done``, ``done_empty``,
    ``accepted`` or ``returned`` (with ``reason``). The row of ``gold`` is the report's curation
    (``in_progress`` or ``curated``). ``rev`` counts the row's changes on any workstation and
    ``decision_rev`` is the ``rev`` of the supervisor decision the state follows: bundles merge by them."""

    __tablename__ = "assignments"
    __table_args__ = (UniqueConstraint("report_id", "annotator_id", name="uq_assignments_report_annotator"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[str] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    annotator_id: Mapped[int] = mapped_column(ForeignKey("annotators.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    rev: Mapped[int] = mapped_column(Integer, default=1)
    decision_rev: Mapped[int] = mapped_column(Integer, default=0)
    changed_by: Mapped[str] = mapped_column(String(64))
    by_supervisor: Mapped[bool] = mapped_column(Boolean, default=False)
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class StatusChangeRow(Base):
    """The log of status transitions, in order: who moved which (report, annotator) from what to what."""

    __tablename__ = "status_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[str] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    annotator: Mapped[str] = mapped_column(String(64))
    before: Mapped[str | None] = mapped_column(String(16))
    after: Mapped[str | None] = mapped_column(String(16))  # None: unassigned
    reason: Mapped[str | None] = mapped_column(Text)
    by: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    origin: Mapped[str | None] = mapped_column(String(200))  # the bundle it arrived in, if any


class CommentRow(Base):
    """One comment of a thread anchored to a report, a span or a relation of one annotator's set.
    ``id`` is the same on every workstation (bundles merge by it); ``thread_id`` is the first comment's."""

    __tablename__ = "comments"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    report_id: Mapped[str] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    thread_id: Mapped[str] = mapped_column(String(40), index=True)
    anchor: Mapped[str] = mapped_column(String(16))  # report | span | relation
    anchor_set: Mapped[str | None] = mapped_column(String(64))  # whose span or relation
    anchor_key: Mapped[str | None] = mapped_column(String(64))
    anchor_start: Mapped[int | None] = mapped_column(Integer)  # the extent when written (the marker stays)
    anchor_end: Mapped[int | None] = mapped_column(Integer)
    author: Mapped[str] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)
    question: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    resolved_by: Mapped[str | None] = mapped_column(String(64))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CurationDecisionRow(Base):
    """A supervisor's decision on one candidate group of a report (its ``item`` key): whose version
    went into gold (an annotator's name), ``none`` or ``edited``; by hand or by a bulk ``rule``."""

    __tablename__ = "curation_decisions"
    __table_args__ = (UniqueConstraint("report_id", "item", name="uq_curation_decisions_report_item"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[str] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    item: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))  # span | relation | event
    choice: Mapped[str] = mapped_column(String(64))
    rule: Mapped[str | None] = mapped_column(String(32))
    gold_keys: Mapped[Any] = mapped_column(JSON, default=list)
    decided_by: Mapped[str] = mapped_column(String(64))
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ReportSearchRow(Base):
    """A report's text folded for search (``records.names.fold_text``: Arabic letter variants, marks and
    tatweel, Latin case and accents), written with the report. On SQLite the FTS5 table
    ``report_search_fts`` (trigram tokenizer, external content) indexes ``folded``; triggers keep it in
    step. The integer id is that index's rowid."""

    __tablename__ = "report_search"
    __table_args__ = (UniqueConstraint("report_id", name="uq_report_search_report_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[str] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"))
    folded: Mapped[str] = mapped_column(Text)


class SuggestionRejectionRow(Base):
    """A suggestion an annotator rejected on a report (its extent and label), so it is not offered again."""

    __tablename__ = "suggestion_rejections"
    __table_args__ = (UniqueConstraint("report_id", "annotator", "start", "end", "label",
                                       name="uq_suggestion_rejections"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[str] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    annotator: Mapped[str] = mapped_column(String(64))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(64))
    rejected_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
