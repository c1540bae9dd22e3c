"""Scoring extracted claims against gold annotations (the format of tests/data/gold/seed_claims.jsonl)."""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

from .profiles import Profile


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


def _normal(name: str) -> str:
    name = name.replace("’", "'").lower()
    name = re.sub(r"\([^)]*\)", " ", name)
    name = re.sub(r"^(?:the|a|an)\s+", "", name.strip())
    name = re.sub(r"'s?\b", "", name)
    return re.sub(r"[^\w]+", " ", name).strip()


def canonical_source(name: str, profile: Profile | None) -> str:
    """A source's canonical name: a known source's, or the actor's it names ('Kurdish-led fighters' →
    'Syrian Democratic Forces'), else its normal form."""
    normal = _normal(name)
    if profile is None:
        return normal
    for source in profile.sources:
        if normal in {_normal(n) for n in (source.name, *source.aliases, *source.exact)}:
            return _normal(source.name)
    from .extract.mentions import matcher_for  # the same names the extractor knows
    found = [m for m in matcher_for(profile).find(name, 0, len(name))]
    known = [m for m in found if m.kind == "source"]
    if known:
        return _normal(known[0].name)
    actors = [m for m in found if m.kind == "actor"]
    if actors:
        return "actor:" + actors[-1].name
    return normal


def source_matches(gold: str, found: str, profile: Profile | None = None) -> bool:
    """Whether an extracted source names the same source as the gold annotation."""
    if gold == "article" or found == "article":
        return gold == found
    plain_a, plain_b = _normal(gold), _normal(found)
    if plain_a and plain_b and (plain_a in plain_b or plain_b in plain_a):
        return True
    a, b = canonical_source(gold, profile), canonical_source(found, profile)
    if not a or not b:
        return False
    if a == b or a in b or b in a:
        return True
    # "Syrian state media" and "SANA", "rebels' Telegram channel" and "rebels (Telegram)": shared words
    words_a, words_b = set(a.split()), set(b.split())
    return len(words_a & words_b) >= max(1, min(len(words_a), len(words_b)) - 0)


@dataclass(frozen=True)
class Match:
    gold: dict
    found: dict | None


def read_gold(path: str | Path) -> list[dict]:
    rows = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as err:
                raise ValueError(f"{path}:{number}: not JSON ({err})") from err
    return rows


def claim_matches(gold: dict, found: dict, profile: Profile | None = None, check_source: bool = True) -> bool:
    """Same article and side, the place within the gold tolerance, and (optionally) the same source."""
    if found.get("article") != gold["article"] or found.get("side") != gold["side"]:
        return False
    if found.get("lat") is None or found.get("lon") is None:
        return False
    if distance_km(gold["lat"], gold["lon"], found["lat"], found["lon"]) > float(gold.get("tolerance_km", 10)):
        return False
    return not check_source or source_matches(gold["source"], found.get("source", ""), profile)


def match_all(gold_rows: list[dict], found: list[dict], profile: Profile | None = None) -> list[Match]:
    """For each gold claim, an extracted claim that matches it (or None)."""
    return [Match(g, next((f for f in found if claim_matches(g, f, profile)), None)) for g in gold_rows]


@dataclass(frozen=True)
class Score:
    gold: int
    found: int
    matched_gold: int      # gold claims with a found claim of the same article, side and place
    matched_found: int     # found claims that match some gold claim
    sources_right: int     # matched gold claims whose best match also names the right source

    @property
    def precision(self) -> float:
        return self.matched_found / self.found if self.found else 0.0

    @property
    def recall(self) -> float:
        return self.matched_gold / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def source_accuracy(self) -> float:
        return self.sources_right / self.matched_gold if self.matched_gold else 0.0


def score(gold_rows: list[dict], found: list[dict], profile: Profile | None = None,
          optional: list[dict] = ()) -> Score:
    """Precision and recall of claims (same article, side, place within tolerance) and source accuracy.
    `optional`: gold claims not required (stretch): finding one is right, missing one is not counted.

    Background claims (past) are left out of `found`: gold annotations list current claims only."""
    current = [f for f in found if not f.get("past")]
    articles = {g["article"] for g in gold_rows}
    current = [f for f in current if f.get("article") in articles]
    matched_gold = sources_right = 0
    for g in gold_rows:
        same = [f for f in current if claim_matches(g, f, profile, check_source=False)]
        if same:
            matched_gold += 1
            sources_right += any(source_matches(g["source"], f.get("source", ""), profile) for f in same)
    right = [*gold_rows, *optional]
    matched_found = sum(any(claim_matches(g, f, profile, check_source=False) for g in right) for f in current)
    return Score(len(gold_rows), len(current), matched_gold, matched_found, sources_right)


@dataclass(frozen=True)
class Errors:
    missed: list[dict]                       # gold claims nothing found matches
    extra: list[dict]                        # current found claims that match no gold claim
    wrong_source: list[tuple[dict, list]]    # gold claims found, but never with their source; with what was found


def errors(gold_rows: list[dict], found: list[dict], profile: Profile | None = None,
           optional: list[dict] = ()) -> Errors:
    """What a score counts against the extractor, claim by claim."""
    articles = {g["article"] for g in gold_rows}
    current = [f for f in found if not f.get("past") and f.get("article") in articles]
    missed, wrong_source = [], []
    for g in gold_rows:
        same = [f for f in current if claim_matches(g, f, profile, check_source=False)]
        if not same:
            missed.append(g)
        elif not any(source_matches(g["source"], f.get("source", ""), profile) for f in same):
            wrong_source.append((g, same))
    extra = [f for f in current
             if not any(claim_matches(g, f, profile, check_source=False) for g in [*gold_rows, *optional])]
    return Errors(missed, extra, wrong_source)
