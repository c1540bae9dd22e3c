"""Thirty articles from six other wars (tests/data/wars), written without looking at the extractor."""
from __future__ import annotations

import json

import pytest

from conflictmap import build
from conflictmap.evaluate import read_gold, score
from conftest import DATA, records_of
from gold_checks import control_claims_on

WARS = DATA / "wars"
NON_CLAIMS = [json.loads(line) for line in (WARS / "non_claims.jsonl").read_text().splitlines() if line.strip()]


@pytest.fixture(scope="module")
def wars_build(gazetteer):
    return build([WARS], gazetteer=gazetteer)


def test_each_article_is_read_with_its_own_war(wars_build):
    expected = {"ukraine": "ukraine", "sudan": "sudan", "myanmar": "myanmar", "gaza": "israel_gaza_lebanon",
                "lebanon": "israel_gaza_lebanon", "drc": "drc", "yemen": "yemen"}
    from conflictmap.profiles import bundled_profiles, choose_profiles
    for article in wars_build.articles:
        war = next(v for k, v in expected.items() if f"_{k}_" in article.name)
        assert choose_profiles(article.text, bundled_profiles())[0].name == war, article.name


@pytest.mark.parametrize("case", NON_CLAIMS, ids=lambda c: f"{c['article'][:2]}-{c['place_as_written']}")
def test_place_only_mentioned_gets_no_control_claim(case, wars_build):
    claims = control_claims_on(case["place_as_written"], records_of(wars_build), case["article"])
    assert not claims, (case["why"], [(c["side"], c["status"], c["quote"]) for c in claims])


def test_claims_and_sources_score_no_worse_than_measured(wars_build):
    # Measured 2026-11-22: precision 0.92, recall 0.75, F1 0.83, sources 0.77. Issue 4 aims at 0.85 for both;
    # these floors keep what is reached from slipping back.
    result = score(read_gold(WARS / "gold.jsonl"), records_of(wars_build), wars_build.profile)
    assert result.precision >= 0.88 and result.f1 >= 0.80 and result.source_accuracy >= 0.74, result
