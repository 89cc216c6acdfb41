"""The one ISO 8601 check (core.iso_dates) that readers, records, agreement and services share."""

from __future__ import annotations

from datetime import date

import pytest
from annotator.core.iso_dates import is_iso_value, iso_day


@pytest.mark.parametrize("value", ["2024", "2024-04", "2024-04-07", "2024-04-05/2024-04-07", "2023/2024",
                                   "2024-02-29"])
def test_values_a_date_span_may_carry(value: str) -> None:
    assert is_iso_value(value)


@pytest.mark.parametrize("value", ["", "April", "2024-13", "2024-00", "2024-02-30", "2023-02-29", "24-04-07",
                                   "2024-04-07/", "2024/2025/2026", "٢٠٢٤-٠٤-٠٧", "2024-04-07T10:00", None, 2024])
def test_what_is_not_a_date_value(value: object) -> None:
    assert not is_iso_value(value)


def test_a_day_whole_or_at_the_start_of_a_timestamp() -> None:
    assert iso_day("2024-04-07") == date(2024, 4, 7)
    assert iso_day("20240407") is None  # date.fromisoformat takes it; a stored published date must not
    assert iso_day("2024-04-07T10:00:00+00:00") is None
    assert iso_day("2024-04-07T10:00:00+00:00", prefix=True) == date(2024, 4, 7)
    assert iso_day("2024-02-30 10:00", prefix=True) is None and iso_day(None) is None
