"""Resolving the place names of one document together: each name helps place the others.

A reader who meets "Alexandria" in an article that also names "Rapides Parish" and "Pineville" knows
which Alexandria is meant. Two passes:
1. each name alone; the countries of the confident answers (and of countries named outright) vote
   for the document's countries;
2. each name again, with those countries as context and a bonus for candidates near the other
   places the document names.
"""
from __future__ import annotations

import math
from collections import defaultdict
from typing import Iterable, Sequence

from .gazetteer import Candidate, Gazetteer

NEAR_KM = 250.0
NEAR_BONUS = 0.25


def km_between(a, b) -> float:
    """Great-circle distance in km between two things with .lat and .lon."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def document_countries(first: dict[str, list[Candidate]], given: Sequence[str] = ()) -> tuple[str, ...]:
    """The countries a document is about, from the names it uses (and any the caller already knows)."""
    votes: dict[str, float] = defaultdict(float)
    for candidates in first.values():
        if not candidates:
            continue
        top = candidates[0]
        margin = top.score - (candidates[1].score if len(candidates) > 1 else 0.0)
        weight = 2.0 if top.place.kind == "country" else min(1.0, 0.2 + margin)
        votes[top.place.country] += weight
    for code in given:
        votes[code] += 100.0
    if not votes:
        return tuple(given)
    best = max(votes.values())
    chosen = sorted((c for c, v in votes.items() if c and v >= 0.4 * best), key=lambda c: (-votes[c], c))
    return tuple(chosen[:3])


def resolve_in_document(names: Sequence[str], gazetteer: Gazetteer, countries: Iterable[str] = (),
                        hints: Sequence[str] | None = None, text: str = "") -> list[Candidate | None]:
    """The best candidate for each name (None where nothing matches), read in the light of the others."""
    hints = list(hints) if hints is not None else [""] * len(names)
    given = tuple(countries)
    keys = list(dict.fromkeys(zip(names, hints)))
    first = {key: gazetteer.candidates(key[0], given, key[1], limit=12) for key in keys}
    doc_countries = document_countries({k[0]: v for k, v in first.items()}, given)
    second = {key: gazetteer.candidates(key[0], doc_countries, key[1], limit=12) for key in keys}
    anchors = [c[0].place for c in second.values() if c and c[0].place.kind not in ("country", "continent", "admin1")]
    # "Huntsville ... Walker County ... Texas": the admin areas the document names vouch for places inside them
    areas = {(c[0].place.country, c[0].place.name) for c in second.values()
             if c and c[0].place.kind == "admin1"} | \
            {(c[0].place.country, c[0].place.admin1) for c in second.values() if c and c[0].place.kind == "admin2"}
    best: dict[tuple[str, str], Candidate | None] = {}
    for key, candidates in second.items():
        if not candidates:
            best[key] = None
            continue
        others = [a for a in anchors if a is not candidates[0].place]
        best[key] = max(candidates, key=lambda c: c.score + nearness(c, others) + _inside(c, areas))
    return [best[key] for key in zip(names, hints)]


def _inside(candidate: Candidate, areas: set[tuple[str, str]]) -> float:
    place = candidate.place
    if place.kind in ("admin1", "country", "continent") or not place.admin1:
        return 0.0
    return 0.3 if (place.country, place.admin1) in areas else 0.0


def nearness(candidate: Candidate, anchors: list) -> float:
    """A bonus for a candidate near the document's other places (a town among its neighbours)."""
    if not anchors or candidate.place.kind == "country":
        return 0.0
    near = sum(1 for a in anchors if km_between(candidate.place, a) <= NEAR_KM)
    return NEAR_BONUS * near / len(anchors)
