"""Conflict-event datasets: the event schemas shipped in ``resources/events`` (ACLED, UCDP GED, PLOVER,
STIX 2.1), events resolved for export (actors, place, date and their precision codes), incidents across
reports, and one writer per dataset.

It sits above ``records`` (an event is resolved from the structured record) and below ``services``;
it never holds a session. Reading a dataset schema is explicit (``datasets.load_dataset``), never done
at import time."""
