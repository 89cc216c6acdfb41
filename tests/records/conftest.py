from __future__ import annotations

from pathlib import Path

import pytest
from annotator.records.dates import warm_up
from annotator.records.entities import load_starter_entities
from annotator.records.resolver import Resolver

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session", autouse=True)
def warm_dateparser():
    """dateparser's first call takes ~1.4 s: pay it once per session."""
    warm_up()


@pytest.fixture(scope="session")
def starter_entities():
    return load_starter_entities(ROOT / "resources")


@pytest.fixture(scope="session")
def resolver(starter_entities):
    return Resolver(starter_entities)
