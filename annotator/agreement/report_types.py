"""The typed shape of the corpus agreement report (agreement.md §8), read by attribute.

The CLI, the services' CSV and the GUI dashboard read the report; with these types mypy checks every such
read (a misspelt figure is an error, not a silent ``None``).  The field names are the JSON keys, in the JSON's
order, so ``AgreementReport.to_dict()`` is the JSON of cli.md (``annotator agreement --json``) byte for byte:

* a field marked ``omit_if_none`` (the ``reason`` beside an undefined figure, ``alpha_positions`` when no
  annotator took part) is left out of the JSON when it is ``None`` — it is there exactly when relevant;
* ``LabelAgreement.alpha_positions_binarised`` is written only when the report computed positions α (it can
  be ``None`` as a value then), and token κ without any token compared has a short form; both rules live in
  the ``to_dict`` of the type that knows them.

Sequences are tuples and the classes frozen: a report is a result, and nothing that reads it should change it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar, Protocol

_OMIT: Mapping[str, bool] = {"omit_if_none": True}


def optional_field() -> Any:
    """A field that is ``None`` unless relevant, and absent from the JSON while ``None`` (``reason`` and the
    like)."""
    return field(default=None, metadata=_OMIT)


def _plain(value: Any) -> Any:
    """JSON-ready data: report types become dicts, tuples lists; everything else is already plain.  Scalars
    are tested first: they are most values, and the ``Mapping`` check (an ABC) is the slow one."""
    if value is None or isinstance(value, (str, int, float)):
        return value
    if isinstance(value, ReportPart):
        return value.to_dict()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    return value


_LAYOUTS: dict[type, tuple[tuple[str, bool], ...]] = {}


class ReportPart:
    """The JSON of a report dataclass: its fields in order, ``omit_if_none`` fields only when set."""

    __slots__ = ()
    __dataclass_fields__: ClassVar[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        layout = _LAYOUTS.get(type(self))
        if layout is None:  # once per class: ``fields()`` per object would cost more than the rest
            layout = _LAYOUTS[type(self)] = tuple((f.name, bool(f.metadata.get("omit_if_none")))
                                                  for f in fields(self))
        out: dict[str, Any] = {}
        for name, omit_if_none in layout:
            value = getattr(self, name)
            if value is None and omit_if_none:
                continue
            out[name] = _plain(value)
        return out


class SpanFigures(Protocol):
    """What every row of the CSV export has (overall, a label, a pair, a report)."""

    @property
    def f1_exact(self) -> float | None: ...
    @property
    def f1_overlap(self) -> float | None: ...
    @property
    def alpha_u(self) -> float | None: ...
    @property
    def n_spans(self) -> int: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class PositionsAlpha(ReportPart):
    """Nominal α on positions as units (agreement.md §3, recipe b) under both missing-value conventions."""

    unit: str
    alpha_missing_as_empty: float | None
    reason_missing_as_empty: str | None = optional_field()
    n_units: int
    alpha_missing_as_null: float | None
    reason_missing_as_null: str | None = optional_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class Overall(ReportPart):
    """Pooled (micro) span F1 over reports, labels and pairs, the macro means, corpus α_U and the counts."""

    f1_exact: float | None
    f1_overlap: float | None
    tp_exact: int
    tp_overlap: int
    reason: str | None = optional_field()
    macro_f1_exact: float | None
    macro_f1_overlap: float | None
    macro_n_labels: int
    n_spans_compared: int
    n_spans: int
    n_spans_gold: int
    alpha_u: float | None
    alpha_u_method: str
    alpha_u_reason: str | None = optional_field()
    n_reports: int
    n_reports_compared: int
    n_reports_single_annotator: int
    n_reports_no_annotator: int
    n_annotators: int
    n_pairs: int
    n_pair_comparisons: int
    spans_per_annotator: Mapping[str, int]
    report_mean_f1_overlap: float | None
    report_mean_n: int
    report_mean_skipped: int
    alpha_positions: PositionsAlpha | None = optional_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class LabelAgreement(ReportPart):
    """One label pooled over reports and pairs; ``pairs`` is overlap F1 per ``"a|b"`` pair."""

    f1_exact: float | None
    f1_overlap: float | None
    tp_exact: int
    tp_overlap: int
    reason: str | None = optional_field()
    n_spans_compared: int
    n_spans: int
    alpha_u: float | None
    alpha_positions_binarised: float | None = None  # in the JSON only when positions α was computed
    pairs: Mapping[str, float | None]

    def to_dict(self, *, with_positions: bool = True) -> dict[str, Any]:
        out = ReportPart.to_dict(self)
        if not with_positions:
            del out["alpha_positions_binarised"]
        return out


@dataclass(frozen=True, slots=True, kw_only=True)
class PairLabelAgreement(ReportPart):
    """One label for one annotator pair."""

    f1_exact: float | None
    f1_overlap: float | None
    alpha_u: float | None
    n_spans: int


@dataclass(frozen=True, slots=True, kw_only=True)
class PairAgreement(ReportPart):
    """One annotator pair (never ``gold``) over the reports both annotated."""

    a: str
    b: str
    f1_exact: float | None
    f1_overlap: float | None
    tp_exact: int
    tp_overlap: int
    n_spans: int
    n_a: int
    n_b: int
    reason: str | None = optional_field()
    macro_f1_exact: float | None
    macro_f1_overlap: float | None
    macro_n_labels: int
    n_reports: int
    alpha_u: float | None
    alpha_u_reason: str | None = optional_field()
    by_label: Mapping[str, PairLabelAgreement]


@dataclass(frozen=True, slots=True, kw_only=True)
class ReportAgreement(ReportPart):
    """One report: the mean of its annotators' pairwise figures (``n_pairs`` of them)."""

    report: str
    title: str
    annotators: tuple[str, ...]
    n_annotators: int
    length: int
    n_spans: int
    has_gold: bool
    f1_exact: float | None
    f1_overlap: float | None
    n_pairs: int
    n_pairs_undefined: int
    alpha_u: float | None
    alpha_u_reason: str | None = optional_field()
    reason: str | None = optional_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class GoldLabelAgreement(ReportPart):
    """One label of one annotator against gold (precision and recall: exact mode)."""

    f1_exact: float | None
    f1_overlap: float | None
    precision: float | None
    recall: float | None


@dataclass(frozen=True, slots=True, kw_only=True)
class GoldWeek(ReportPart):
    """One annotator against gold on the reports they last edited in one ISO week (``2026-W49``)."""

    week: str
    f1_exact: float | None
    f1_overlap: float | None
    precision: float | None
    recall: float | None
    n_reports: int
    n_spans: int
    n_spans_gold: int


@dataclass(frozen=True, slots=True, kw_only=True)
class GoldAgreement(ReportPart):
    """One annotator against gold, the reference side, on the reports both have."""

    annotator: str
    precision: float | None
    recall: float | None
    f1_exact: float | None
    precision_overlap: float | None
    recall_overlap: float | None
    f1_overlap: float | None
    alpha_u: float | None
    n_spans: int
    n_spans_gold: int
    tp_exact: int
    tp_overlap: int
    n_reports: int
    macro_f1_exact: float | None
    macro_f1_overlap: float | None
    macro_n_labels: int
    by_label: Mapping[str, GoldLabelAgreement]
    by_week: tuple[GoldWeek, ...]
    reason: str | None = optional_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class LabelKappa(ReportPart):
    """Token κ of one label's IOB2 layer."""

    kappa: float | None
    percent_agreement: float | None
    tokens: int
    tokens_tagged_by_someone: int
    reason: str | None = optional_field()


@dataclass(frozen=True, slots=True, kw_only=True)
class TokenKappa(ReportPart):
    """Token κ pooled over label layers and pairs, always with its token counts and ``explanation``.

    With no label layer compared (no text, or no report with text and two annotators) the JSON has the
    short form ``kappa, tokens, n_reports, explanation, reason``."""

    kappa: float | None
    percent_agreement: float | None = None
    tokens: int
    macro_kappa: float | None = None
    macro_n_labels: int = 0
    per_label: Mapping[str, LabelKappa]
    explanation: str
    reason: str | None = optional_field()
    n_reports: int
    tokenizer: str
    unit: str

    def to_dict(self) -> dict[str, Any]:
        if not self.per_label:
            return {"kappa": self.kappa, "tokens": self.tokens, "n_reports": self.n_reports,
                    "explanation": self.explanation, "reason": self.reason}
        return ReportPart.to_dict(self)


@dataclass(frozen=True, slots=True, kw_only=True)
class Parameters(ReportPart):
    """The scope of the report and, in words, how each part was computed (read by people, kept in the JSON
    so an exported report explains itself); the figures that vary are typed."""

    gold: str
    labels: tuple[str, ...]
    annotators: tuple[str, ...]
    label_filter: tuple[str, ...] | None
    annotator_filter: tuple[str, ...] | None
    f1_exact: str = "strict: same start, end and label (multiset intersection)"
    f1_overlap: str = "same label and at least one shared position, maximum one-to-one matching"
    pooling: str = "micro: tp and span counts added over reports, labels and annotator pairs; macro = mean over " \
                   "labels with spans"
    by_report: str = "mean of the pairwise F1 values of the report's annotators (n_pairs); sorted by overlap F1, " \
                     "lowest first, undefined last"
    vs_gold: str = "gold is the reference side: precision = tp / annotator spans, recall = tp / gold spans " \
                   "(precision/recall: exact mode; *_overlap: overlap mode); by_week: the reports grouped by the " \
                   "ISO week of the annotator's last edit there"
    alpha_u_method: str
    alpha_u_note: str
    alpha_u_overlap_rule: str = "within one label, overlapping spans of one annotator: earliest start wins, " \
                                "longest among equal starts (INCEpTION)"
    alpha_u_dropped_spans: int
    token_kappa: str = "tokens of annotator.core.tokenize (as CoNLL and Prodigy exports), whitespace left out; " \
                       "one IOB2 layer per label; pooled over annotator pairs"


@dataclass(frozen=True, slots=True, kw_only=True)
class AgreementReport(ReportPart):
    """The corpus report: ``overall``, ``by_label``, ``by_pair``, ``by_report`` (most disagreement first),
    ``vs_gold``, ``token_kappa`` and ``parameters``."""

    overall: Overall
    by_label: Mapping[str, LabelAgreement]
    by_pair: tuple[PairAgreement, ...]
    by_report: tuple[ReportAgreement, ...]
    vs_gold: tuple[GoldAgreement, ...]
    token_kappa: TokenKappa
    parameters: Parameters

    def to_dict(self) -> dict[str, Any]:
        """The JSON of ``annotator agreement --json`` and the dashboard's export (cli.md)."""
        with_positions = self.overall.alpha_positions is not None
        return {"overall": self.overall.to_dict(),
                "by_label": {k: v.to_dict(with_positions=with_positions) for k, v in self.by_label.items()},
                "by_pair": [p.to_dict() for p in self.by_pair],
                "by_report": [r.to_dict() for r in self.by_report],
                "vs_gold": [g.to_dict() for g in self.vs_gold],
                "token_kappa": self.token_kappa.to_dict(),
                "parameters": self.parameters.to_dict()}
