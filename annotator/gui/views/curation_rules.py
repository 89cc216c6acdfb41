"""The curation view's bulk rules and its lane clicks (a part of ``SideBySideView``, kept apart to keep
each module to one concern): preview and accept by rule on the report (one undoable step) or on the
corpus (after a preview, one transaction, not undone with Ctrl+Z), marking the report curated or
reopening it, and the Text lanes' clicks that copy a span into gold or take one out."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QMessageBox

from annotator.core.curation import parse_rule
from annotator.core.ids import GOLD
from annotator.gui.bidi import isolate
from annotator.services import curation
from annotator.services.adjudicate import accept_set_step
from annotator.services.workflow import set_status

if TYPE_CHECKING:
    from collections.abc import Callable

    from PySide6.QtWidgets import QComboBox, QDialog, QLabel, QSpinBox

    from annotator.core.gold_steps import GoldStep
    from annotator.core.report import Report
    from annotator.core.spans import Span
    from annotator.gui.models.curation_model import CandidateModel
    from annotator.gui.session import EditSession, OpenSet
    from annotator.services.curation import CurationView

    _Dialog = QDialog  # for the type checker the mixin is the dialog it is part of (its ``self`` parents boxes)
else:
    _Dialog = object  # at run time a plain mixin: SideBySideView(CurationRules, QDialog) is the one QDialog


class CurationRules(_Dialog):
    if TYPE_CHECKING:  # what these methods use of the view they are part of (SideBySideView makes them)
        report: Report
        session: EditSession | None
        gold: OpenSet | None
        view: CurationView | None
        sets: dict[str, list[Span]]
        names: dict[str, str]
        rule: QComboBox
        k: QSpinBox
        candidates: CandidateModel
        status: QLabel

        def reload(self, *, corpus: bool = False) -> None: ...
        def _push(self, text: str, call: tuple[Any, tuple[Any, ...], dict[str, Any]],
                  said: Callable[[GoldStep], str] | None = None) -> None: ...

    # -- rules ------------------------------------------------------------------------------------------
    def rule_text(self) -> str:
        key = self.rule.currentData()
        return f"atleast:{self.k.value()}" if key == "atleast" else str(key)

    def preview(self) -> None:
        """What the rule would accept here, shown in the list (nothing is written)."""
        if self.view is None:
            return
        rule = parse_rule(self.rule_text())
        chosen = {g.key: who for g in self.view.state.groups if not g.decided
                  for who in [g.chosen_by(rule)] if who is not None}
        self.candidates.set_preview(chosen)
        left = sum(1 for g in self.view.state.groups if not g.decided) - len(chosen)
        self.status.setText(f"{self.rule.currentText().capitalize()} would accept {len(chosen)} candidate(s) here; "
                            f"{left} left to decide. Nothing is written until you press Accept by rule.")

    def apply_rule(self) -> None:
        self._push(f"Accept by rule ({self.rule_text()})", (curation.accept_report_by_rule, (self.rule_text(),), {}))

    def apply_rule_to_corpus(self) -> QMessageBox | None:
        """A preview of the rule over every report, then (Apply) one transaction for all of them. Not
        undoable here (it changes reports out of sight): the preview says so."""
        if self.session is None:
            return None
        ctx, rule = self.session.ctx, self.rule_text()
        box = QMessageBox(QMessageBox.Icon.Question, "Accept by rule: the whole corpus", "Computing the preview…",
                          QMessageBox.StandardButton.Apply | QMessageBox.StandardButton.Cancel, self)
        box.button(QMessageBox.StandardButton.Apply).setEnabled(False)

        def previewed(result: curation.RuleResult) -> None:
            t = result.totals
            box.setText(f"{rule}: accept {t['accepted']} candidate(s) ({t['spans']} span(s), {t['relations']} "
                        f"relation(s)) on {len(result.reports)} report(s); {t['left']} left to decide; "
                        f"{len(result.skipped)} report(s) skipped (curated or without annotators). This changes "
                        "many reports at once and is not undone with Ctrl+Z.")
            box.button(QMessageBox.StandardButton.Apply).setEnabled(True)

        def chosen(button: Any) -> None:
            if box.standardButton(button) != QMessageBox.StandardButton.Apply:
                return
            def accepted(r: curation.RuleResult) -> None:
                self.status.setText(f"{rule}: accepted {r.totals['accepted']} candidate(s) on the corpus; "
                                    f"{r.totals['left']} left.")
                self.reload(corpus=True)

            self.session.read(lambda: curation.accept_by_rule(ctx, rule),  # type: ignore[union-attr]
                              accepted, lambda exc: self.session.failed.emit(str(exc)))  # type: ignore[union-attr]

        box.buttonClicked.connect(chosen)
        box.open()
        self.session.read(lambda: curation.accept_by_rule(ctx, rule, dry_run=True), previewed)
        return box

    def toggle_curated(self) -> None:
        """Mark the report curated (gold read-only) or reopen its curation."""
        if self.session is None or self.view is None:
            return
        ctx, rid, reopen = self.session.ctx, self.report.id, self.view.curated
        def marked(_status: object) -> None:
            self.status.setText("Curation reopened." if reopen else
                                "Marked curated: gold of this report is read-only now.")
            self.reload(corpus=True)
            self.session.bus.reports_changed.emit()  # type: ignore[union-attr]  # the list's status column

        self.session.read(lambda: set_status(ctx, rid, "in_progress" if reopen else "curated", annotator=GOLD),
                          marked, lambda exc: self.session.failed.emit(str(exc)))  # type: ignore[union-attr]

    # -- the text lanes: a click is a decision too ----------------------------------------------------------
    def accept_span(self, who: str, span_id: str) -> None:
        """A click: an annotator's span is copied into gold; a gold span is taken out of gold."""
        if self.session is None or self.gold is None:
            return
        if who == GOLD:
            self.reject_gold(span_id)
            return
        span = next((s for s in self.sets.get(who, ()) if s.id == span_id), None)
        if span is None:
            return
        text = isolate(span.text_in(self.report.text)[:50])
        whose = self.names.get(who, who)
        self._push(f"Accept {whose}'s {span.label} “{text}” into gold", (curation.copy_into_gold, ([span],), {}),
                   lambda step: f"Accepted {whose}'s {span.label} “{text}” into gold." if step.add_spans
                   else f"Gold already holds {span.label} “{text}”.")

    def reject_gold(self, span_id: str) -> None:
        span = next((s for s in self.sets.get(GOLD, ()) if s.id == span_id), None)
        if span is None:
            return
        text = isolate(span.text_in(self.report.text)[:50])
        self._push(f"Remove {span.label} “{text}” from gold", (curation.take_out_of_gold, (span_id,), {}),
                   lambda _step: f"Removed {span.label} “{text}” from gold.")

    def accept_set(self, who: str) -> None:
        """Gold starts from one annotator's whole set: one transaction, all or nothing, one undoable step."""
        whose = self.names.get(who, who)
        self._push(f"Accept all of {whose} into gold", (accept_set_step, (who,), {}),
                   lambda step: f"Gold now holds {whose}'s set: {len(step.add_spans)} span(s) added.")

