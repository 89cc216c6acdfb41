"""Curation decisions as undo commands on the gold set's stack of a report (the curation view's undo
history). The first ``redo`` runs the decision (or a bulk rule on the report) in the service, which
returns the exact ``GoldStep`` it applied; undo applies the step's inverse and redo the step again, each
a committed gold edit that names the version it was made against."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from annotator.core.gold_steps import GoldStep
from annotator.gui.commands.span_commands import EditCommand, ServiceCall
from annotator.gui.session import EditSession, OpenSet
from annotator.services import curation


class GoldStepCommand(EditCommand):
    """One decision (or one rule on one report): ``first`` is the service call that makes it."""

    def __init__(self, session: EditSession, target: OpenSet, text: str,
                 first: tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]) -> None:
        super().__init__(session, None, target, text)  # type: ignore[arg-type]  # no document shows gold
        self.first = first
        self.step: GoldStep | None = None

    @property
    def shown(self) -> bool:
        return False  # the curation view reloads from the change bus

    def _redo_call(self, first: bool) -> ServiceCall:
        if first:
            return self.first
        assert self.step is not None
        return curation.apply_step, (self.step,), {}

    def _redone(self, result: Any) -> None:
        self.step = result[0]

    def _undo_call(self) -> ServiceCall:
        assert self.step is not None
        return curation.apply_step, (self.step.inverse(),), {}

    def _undone(self, result: Any) -> None:
        pass
