"""Arbitrary input never crashes reading or extraction, and claims always quote the text exactly."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conflictmap.articles import content_id, load_articles
from conflictmap.extract import extract_claims
from conflictmap.model import Article
from conflictmap.profiles import bundled_profiles, profile_for
from conftest import SEEDS

PROFILES = bundled_profiles()
SEED_TEXT = (SEEDS / "004_27387488f575030d.txt").read_text(encoding="utf-8")
WORDS = SEED_TEXT.split() + ["—", "'s", "“", "”", ",", ";", "(", ")", "\n", "---", "${", "`", "<script>", "حلب"]


def check(text: str) -> None:
    article = Article(id=content_id(text), path="x.txt", text=text)
    for claim in extract_claims(article, profile_for(text, PROFILES)):
        assert text[claim.start:claim.end] == claim.quote


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_any_unicode_text(text):
    check(text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(WORDS), max_size=120).map(" ".join))
def test_shuffled_news_words(text):
    check(text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=2000))
def test_any_bytes_as_a_file(tmp_path, data):
    path = tmp_path / "a.txt"
    path.write_bytes(data)
    articles, problems = load_articles([path])
    assert len(articles) + sum(p.fatal for p in problems) == 1
