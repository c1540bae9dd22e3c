"""Extraction speed: articles per second on one core, peak memory, and what bounds it (where the time goes),
over generated articles of 3-6 KB.

Articles are assembled from the sentences of the test corpora (shuffled, so each article is new text).

    python benchmarks/extract.py [--count 10000]
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from conflictmap.articles import content_id, load_articles  # noqa: E402
from conflictmap.extract import extract_claims  # noqa: E402
from conflictmap.extract.sentences import split_sentences  # noqa: E402
from conflictmap.model import Article  # noqa: E402
from conflictmap.profiles import bundled_profiles, profile_for  # noqa: E402


def corpus_sentences() -> dict[str, list[str]]:
    """The test corpora's sentences, grouped by the war their article is about (an article is about one war)."""
    articles, _ = load_articles([ROOT / "seeds", ROOT / "tests" / "data"])
    profiles = bundled_profiles()
    by_war: dict[str, list[str]] = {}
    for article in articles:
        war = profile_for(article.text, profiles).name
        by_war.setdefault(war, []).extend(s.text for s in split_sentences(article.text, article.body_start))
    return by_war


def generate(count: int, by_war: dict[str, list[str]], seed: int = 7):
    rng = random.Random(seed)
    wars = sorted(by_war)
    for number in range(count):
        sentences = by_war[rng.choice(wars)]
        size = rng.randint(3000, 6000)
        parts, length = [], 0
        while length < size:
            paragraph = " ".join(rng.choice(sentences) for _ in range(rng.randint(2, 5)))
            parts.append(paragraph)
            length += len(paragraph) + 2
        text = "\n\n".join(parts)
        yield Article(id=content_id(text + str(number)), path=f"generated/{number:05d}.txt", text=text)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=10000)
    args = parser.parse_args()
    sentences = corpus_sentences()
    profiles = bundled_profiles()
    articles = list(generate(args.count, sentences))
    size = sum(len(a.text) for a in articles)
    start = time.perf_counter()
    claims = 0
    for article in articles:
        claims += len(extract_claims(article, profile_for(article.text, profiles)))
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{len(articles):,} generated articles ({size / len(articles) / 1000:.1f} KB on average), {claims:,} claims")
    print(f"extraction: {len(articles) / seconds:,.0f} articles per second on one core  (target >= 100)")
    print(f"peak memory: {peak:,.0f} MB")
    print("what bounds it (share of extraction time by function, profiled over 300 of the articles):")
    for name, share in bounds(articles[:300], profiles):
        print(f"  {share:5.1%}  {name}")


def bounds(articles, profiles, top: int = 6) -> list[tuple[str, float]]:
    """The functions of conflictmap, and the regex engine, that take most of the time (their own time)."""
    profiler = cProfile.Profile()
    profiler.enable()
    for article in articles:
        extract_claims(article, profile_for(article.text, profiles))
    profiler.disable()
    stats = pstats.Stats(profiler).stats
    total = sum(row[2] for row in stats.values())
    own: dict[str, float] = {}
    for (path, line, function), row in stats.items():
        if "conflictmap" in path:
            name = f"{path.split('conflictmap/')[-1]}:{function}"
        elif function.startswith(("<method 'search'", "<method 'finditer'", "<method 'match'", "<method 'sub'",
                                  "<method 'findall'", "<method 'fullmatch'")):
            name = "the regex engine (re: search, match, finditer, sub, ...)"
        else:
            name = "Python's own and other libraries'"
        own[name] = own.get(name, 0.0) + row[2]
    return sorted(((name, seconds / total) for name, seconds in own.items()), key=lambda x: -x[1])[:top]


if __name__ == "__main__":
    main()
