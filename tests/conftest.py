"""Shared fixtures: one gazetteer and one build of each test corpus per session."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

# The user's own imported GeoNames dumps must not change what the tests see.
os.environ["CONFLICTMAP_DATA"] = tempfile.mkdtemp(prefix="conflictmap-test-data-")

from conflictmap import Gazetteer, build
from conflictmap.export import claim_record

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
SEEDS = ROOT / "seeds"
GOLD = DATA / "gold"
PHRASING = DATA / "phrasing"


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    return Gazetteer()


def records_of(result) -> list[dict]:
    by_id = {a.id: a for a in result.articles}
    return [claim_record(item, by_id) for item in result.claims]


@pytest.fixture(scope="session")
def seeds_build(gazetteer):
    return build([SEEDS], gazetteer=gazetteer)


@pytest.fixture(scope="session")
def phrasing_build(gazetteer):
    return build([PHRASING], gazetteer=gazetteer)
