"""What the dead-code gate (test_dead_code.py) must not report, each with why it is used though nothing in
the tree reads it by name.  Overrides that a framework calls (Qt's ``headerData``, HTMLParser's
``handle_data``, alembic's ``downgrade``) and pytest/hypothesis hooks are matched by name or decorator in
``[tool.vulture]`` (pyproject.toml); what is left is listed here, as vulture reads a whitelist: by use."""

from __future__ import annotations

from annotator.store.models import EventRow, SuggestionRejectionRow

# event columns read and written by name: core.events QUALIFIERS and COUNT_KINDS × ESTIMATES (store/mapping.py)
EventRow.hypothetical, EventRow.future, EventRow.historical  # noqa: B018
EventRow.fatalities_best, EventRow.fatalities_low, EventRow.fatalities_high  # noqa: B018
EventRow.injured_best, EventRow.injured_low, EventRow.injured_high  # noqa: B018
EventRow.arrested_best, EventRow.arrested_low, EventRow.arrested_high  # noqa: B018
SuggestionRejectionRow.rejected_at  # noqa: B018  # set by the insert, kept for the audit of rejections
