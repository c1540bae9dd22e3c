"""Articles from other wars, written for the project without looking at the extractor.

tests/data/wars: thirty articles from six wars. tests/data/heldout2 to heldout6: twenty-four, twenty, twenty-two,
twenty and twenty more from eight to ten wars, each first measured before any rule was tuned on it (see their
README.md).
"""
from __future__ import annotations

import json

import pytest

from conflictmap import build
from conflictmap.evaluate import read_gold, score
from conftest import DATA, records_of
from gold_checks import control_claims_on

# Measured 2026-11-30. Issue 4 aims at 0.85 for F1 and sources; these floors keep what is reached from slipping.
#   wars:     precision 0.94, recall 0.81, F1 0.87, sources 0.85
#   heldout2: precision 0.83, recall 0.58, F1 0.68, sources 0.73 unseen; after this session's rules
#             precision 0.91, recall 0.73, F1 0.81, sources 0.75
#   heldout3: precision 0.71, recall 0.37, F1 0.48, sources 0.63 unseen (half its places are not in the
#             gazetteer); after this session's later rules precision 0.79, recall 0.40, F1 0.53, sources 0.73
#   heldout4: precision 0.48, recall 0.43, F1 0.45, sources 0.54 unseen (required claims, `conflictmap
#             evaluate`); after the rules it prompted and about 230 more curated places, on every claim:
#             precision 0.67, recall 0.48, F1 0.56, sources 0.56 (most misses are places no gazetteer holds)
#   heldout5: precision 0.48, recall 0.52, F1 0.50, sources 0.45 unseen (required claims, after all of the
#             rules above); then three rules from its wrong claims (civilians fleeing, a column's departure,
#             fact-check verdicts): on every claim precision 0.55, recall 0.47, F1 0.51, sources 0.51
#   heldout6: precision 0.43, recall 0.26, F1 0.33, sources 0.75 unseen (required claims); on every claim precision
#             0.43, recall 0.23, F1 0.30, sources 0.67. Two of its wars (Nagorno-Karabakh, Tigray) have no profile.
FLOORS = {"wars": (0.90, 0.84, 0.80), "heldout2": (0.90, 0.80, 0.88), "heldout3": (0.86, 0.68, 0.66),
          "heldout4": (0.64, 0.54, 0.54), "heldout5": (0.52, 0.48, 0.48), "heldout6": (0.42, 0.29, 0.65)}
WAR_OF = {"israel": "israel_gaza_lebanon", "ukraine": "ukraine", "sudan": "sudan", "myanmar": "myanmar", "gaza": "israel_gaza_lebanon",
          "lebanon": "israel_gaza_lebanon", "westbank": "israel_gaza_lebanon", "drc": "drc", "yemen": "yemen", "syria": "syria", "sahel": "sahel",
          "mali": "sahel", "burkina": "sahel", "karabakh": None, "ethiopia": None}  # None: no bundled profile


# Where the annotation and the extractor's documented rule part ways: a capture "earlier this month" is read
# as the latest word on who holds the place (background starts two months before the article, see _past).
DISAGREEMENTS = {("heldout2", "18_myanmar_ann.txt", "Maungdaw"):
                 "annotated as background; the extractor keeps a capture 'earlier this month' current",
                 ("heldout6", "11_myanmar_rakhine_statements.txt", "Rakhine State"):
                 "annotated as a region; the extractor draws fighting reported in a state as an area-level contest"}


def non_claims(corpus: str) -> list:
    path = DATA / corpus / "non_claims.jsonl"
    cases = [dict(json.loads(line), corpus=corpus) for line in path.read_text().splitlines() if line.strip()]
    return [pytest.param(c, marks=pytest.mark.xfail(strict=True, reason=DISAGREEMENTS[key]))
            if (key := (corpus, c["article"], c["place_as_written"])) in DISAGREEMENTS else c for c in cases]


@pytest.fixture(scope="module")
def corpus_builds(gazetteer):
    return {corpus: build([DATA / corpus], gazetteer=gazetteer, progress=None) for corpus in FLOORS}


@pytest.mark.parametrize("corpus", sorted(FLOORS))
def test_each_article_is_read_with_its_own_war(corpus, corpus_builds):
    from conflictmap.profiles import bundled_profiles, choose_profiles
    for article in corpus_builds[corpus].articles:
        war = next(v for k, v in WAR_OF.items() if f"_{k}_" in article.name)
        assert [p.name for p in choose_profiles(article.text, bundled_profiles())][:1] == ([war] if war else []), \
            article.name


@pytest.mark.parametrize("case", non_claims("wars") + non_claims("heldout2") + non_claims("heldout3")
                         + non_claims("heldout4") + non_claims("heldout5") + non_claims("heldout6"),
                         ids=lambda c: f"{c['corpus']}-{c['article'][:2]}-{c['place_as_written']}")
def test_place_only_mentioned_gets_no_control_claim(case, corpus_builds):
    claims = control_claims_on(case["place_as_written"], records_of(corpus_builds[case["corpus"]]), case["article"])
    assert not claims, (case["why"], [(c["side"], c["status"], c["quote"]) for c in claims])


@pytest.mark.parametrize("corpus", sorted(FLOORS))
def test_claims_and_sources_score_no_worse_than_measured(corpus, corpus_builds):
    result = score(read_gold(DATA / corpus / "gold.jsonl"), records_of(corpus_builds[corpus]),
                   corpus_builds[corpus].profile)
    precision, f1, sources = FLOORS[corpus]
    assert result.precision >= precision and result.f1 >= f1 and result.source_accuracy >= sources, result
