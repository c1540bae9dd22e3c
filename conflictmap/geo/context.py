"""Resolving the place names of one document together: each name helps place the others.

A reader who meets "Alexandria" in an article that also names "Rapides Parish" and "Pineville" knows
which Alexandria is meant. The steps:
1. each name alone; the countries of the confident answers (and of countries named outright) vote
   for the document's countries;
2. each name again, with those countries as context;
3. the candidates of all names weighed together: a candidate gains support from each other name that
   has a plausible candidate near it, inside it, or containing it ("Huntsville" and "Walker County" are
   the two in Texas), and "Paris, Tenn." puts Paris inside Tennessee. Two rounds, so that the
   support of a name follows the reading its own support makes likely.
Priors on the way: a country's or continent's name is never a homonymous town; a national capital
outranks a same-named admin area of its country ("Washington"); "Ind." is Indiana, not India's code.
"""
from __future__ import annotations

import math
import re
from collections import defaultdict
from typing import Iterable, Sequence

import numpy as np

from .gazetteer import SETTLEMENT_KINDS, Candidate, Gazetteer
from .names import fold

# The product's rule for the places of one article's claims (resolve.py): a bonus for the share of the
# article's other places within NEAR_KM.
NEAR_KM = 250.0
NEAR_BONUS = 0.25

# Reading a whole document (resolve_in_document)
CANDIDATES = 20          # candidates weighed per name
SUPPORT = 0.6            # the score a candidate gains when every other name supports it fully
CLOSE_KM = 40.0          # full support from a place this close...
FAR_KM = 300.0           # ...none from one this far
SPREAD = 0.15            # how fast a candidate's weight falls with its score below its name's best
ROUNDS = 2
QUALIFIED_BONUS = 1.0    # "Paris, Tenn.": the place inside the area named after the comma
ADMIN1_LINK = 1.0        # how much a first-level area and a place inside it back each other
COUNTRY_LINK = 0.5       # how much a country and a place inside it back each other
AMBIGUOUS_COUNTRY_VOTE = 0.5  # a country name that a first-level area shares votes for its country this much
NAMED_COUNTRIES = 3      # countries named outright that join the document's countries beyond its main ones
CAPITAL_BONUS = 0.3      # a national capital over a same-named admin area of its country ("Washington")
AREA_KINDS = frozenset({"country", "continent", "admin1"})


def km_between(a, b) -> float:
    """Great-circle distance in km between two things with .lat and .lon."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def document_countries(first: dict[str, list[Candidate]], given: Sequence[str] = ()) -> tuple[str, ...]:
    """The countries a document is about, from the names it uses (and any the caller already knows)."""
    votes: dict[str, float] = defaultdict(float)
    named: set[str] = set()
    for candidates in first.values():
        if not candidates:
            continue
        top = candidates[0]
        margin = top.score - (candidates[1].score if len(candidates) > 1 else 0.0)
        if top.place.kind == "country":  # "Georgia", also a US state, is weak evidence for the country
            weight = AMBIGUOUS_COUNTRY_VOTE if _area_rival(top, candidates) else 2.0
            if weight == 2.0 and top.match == "exact":
                named.add(top.place.country)
        else:
            weight = min(1.0, 0.2 + margin)
        votes[top.place.country] += weight
    for code in given:
        votes[code] += 100.0
    if not votes:
        return tuple(given)
    best = max(votes.values())
    chosen = sorted((c for c, v in votes.items() if c and v >= 0.4 * best), key=lambda c: (-votes[c], c))[:3]
    if NAMED_COUNTRIES:  # a country the text names outright is one it is about, however much it says of others
        chosen += sorted(c for c in named if c not in chosen)[:NAMED_COUNTRIES]
    return tuple(chosen)


def resolve_in_document(names: Sequence[str], gazetteer: Gazetteer, countries: Iterable[str] = (),
                        hints: Sequence[str] | None = None, text: str = "") -> list[Candidate | None]:
    """The best candidate for each name (None where nothing matches), read in the light of the others."""
    hints = list(hints) if hints is not None else [""] * len(names)
    given = tuple(countries)
    keys = list(dict.fromkeys(zip(names, hints)))
    first = {key: gazetteer.candidates(key[0], given, key[1], limit=CANDIDATES) for key in keys}
    doc_countries = document_countries({k[0]: v for k, v in first.items()}, given)
    options = {key: gazetteer.candidates(key[0], doc_countries, key[1], limit=CANDIDATES) for key in keys}
    options = {key: _country_first(found) if not key[1] else found for key, found in options.items()}
    options = {key: _abbreviation(key[0], found) for key, found in options.items()}
    qualifiers = qualifying_areas(text, [k[0] for k in keys], gazetteer) if text else {}
    priors = {key: [c.score + _qualified(c, qualifiers.get(key[0], ())) + _capital(c, found, gazetteer)
                    for c in found] for key, found in options.items()}
    totals = weigh_together(options, priors)
    best = {key: found[int(np.argmax(totals[key]))] if found else None for key, found in options.items()}
    return [best[key] for key in zip(names, hints)]


def _area_rival(country: Candidate, found: Sequence[Candidate]) -> bool:
    """Whether a first-level area has exactly the country's name (Georgia)."""
    return any(c.match == "exact" and c.place.kind == "admin1" and fold(c.place.name) == fold(country.place.name)
               for c in found)


def _country_first(found: list[Candidate]) -> list[Candidate]:
    """A name that is exactly a country's or a continent's is never a homonymous town ("Jordan", "Africa");
    an admin area of that name may still be meant ("Georgia")."""
    if any(c.match == "exact" and c.place.kind in ("country", "continent") for c in found):
        return [c for c in found if c.place.kind not in SETTLEMENT_KINDS]
    return found


def _abbreviation(name: str, found: list[Candidate]) -> list[Candidate]:
    """"Ind.", "Ala.": a short name with a period is a first-level area's abbreviation (as news writes them),
    not a country's three-letter code that folds to the same letters."""
    if not (name.endswith(".") and len(name) <= 6 and "." not in name[:-1]):
        return found
    if any(c.match == "exact" and c.place.kind == "admin1" for c in found):
        return [c for c in found if c.place.kind != "country"]
    return found


def _capital(candidate: Candidate, found: list[Candidate], gazetteer: Gazetteer) -> float:
    """A national capital outranks a first-level area of its country with its name ("Washington"). The capital
    is the best-ranked of the country's towns of that name (the gazetteer ranks the populous first), not
    every namesake (Washington, Illinois)."""
    place = candidate.place
    if place.kind not in SETTLEMENT_KINDS or gazetteer.capital_of(place.name) != place.country:
        return 0.0
    first = next(c for c in found if c.place.kind in SETTLEMENT_KINDS and c.place.country == place.country)
    rival = any(c.place.kind in ("admin1", "admin2") and c.place.country == place.country for c in found)
    return CAPITAL_BONUS if rival and first is candidate else 0.0


# "Paris, Tenn.", "Paris, Texas", "London, Ontario", "Aleppo, Syria": a name, a comma, then its area
_AFTER_COMMA = r",\s+((?:[A-Z][\w'’.-]*\.?)(?:\s+[A-Z][\w'’.-]*\.?){0,2})"


def qualifying_areas(text: str, names: Iterable[str], gazetteer: Gazetteer) -> dict[str, list[Candidate]]:
    """For each name that the text writes as "Name, Area", the first-level areas and countries that Area
    may be."""
    found: dict[str, list[Candidate]] = {}
    for name in set(names):
        if not name.strip():
            continue
        areas = []
        for match in re.finditer(re.escape(name) + _AFTER_COMMA, text):
            words = match.group(1).split()
            for size in range(len(words), 0, -1):  # the longest run of words that names an area
                area = " ".join(words[:size])
                hits = [c for c in gazetteer.candidates(area, (), "", limit=5)
                        if c.match == "exact" and c.place.kind in ("admin1", "country")]
                if hits and fold(area) != fold(name):
                    areas += [h for h in hits if not _in_a_list(name, h, gazetteer)]
                    break
        if areas:
            found[name] = areas
    return found


def _in_a_list(name: str, area: Candidate, gazetteer: Gazetteer) -> bool:
    """"Washington, Pennsylvania and California": a first-level area followed by another of its country
    is a list of areas, not a place and its area."""
    return area.place.kind == "admin1" and any(
        c.match == "exact" and c.place.kind == "admin1" and c.place.country == area.place.country
        for c in gazetteer.candidates(name, (), "", limit=5))


def _qualified(candidate: Candidate, areas: Sequence[Candidate]) -> float:
    return QUALIFIED_BONUS if any(_inside(candidate.place, a.place) for a in areas) else 0.0


def _inside(place, area) -> bool:
    """Whether a place (or a smaller area) lies in an area (a country or a first-level area) by what the
    gazetteer records."""
    if place.kind in ("country", "continent") or (place.kind == area.kind and place.name == area.name):
        return False
    if area.kind == "country":
        return place.country == area.country
    return area.kind == "admin1" and place.kind != "admin1" and place.country == area.country \
        and place.admin1 == area.name


def weigh_together(options: dict[tuple, list[Candidate]],
                   priors: dict[tuple, list[float]]) -> dict[tuple, list[float]]:
    """Each candidate's total: its prior and the support of the document's other names (see the module
    docstring). Names with no candidates neither get nor give support."""
    keys = [k for k, found in options.items() if found]
    totals = {k: list(priors[k]) for k in options}
    if len(keys) < 2:
        return totals
    places = [c.place for k in keys for c in options[k]]
    group = np.array([i for i, k in enumerate(keys) for _ in options[k]])
    starts = np.searchsorted(group, np.arange(len(keys)))
    link = _links(places)
    np.fill_diagonal(link, 0.0)
    prior = np.array([s for k in keys for s in priors[k]])
    score = prior.copy()
    for _ in range(ROUNDS):
        best = np.maximum.reduceat(score, starts)[group]
        weight = np.exp((score - best) / SPREAD)
        backing = np.maximum.reduceat(link * weight[None, :], starts, axis=1)  # candidate × name: its best backer
        backing[np.arange(len(places)), group] = 0.0  # a name does not back itself
        score = prior + SUPPORT * backing.sum(axis=1) / (len(keys) - 1)
    for i, k in enumerate(keys):
        totals[k] = score[starts[i]:starts[i] + len(options[k])].tolist()
    return totals


def _links(places: list) -> np.ndarray:
    """How much each place backs each other: nearness for points, containment for areas."""
    lat = np.radians([p.lat for p in places])
    lon = np.radians([p.lon for p in places])
    h = (np.sin((lat[:, None] - lat[None, :]) / 2) ** 2
         + np.cos(lat[:, None]) * np.cos(lat[None, :]) * np.sin((lon[:, None] - lon[None, :]) / 2) ** 2)
    km = 2 * 6371.0 * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
    near = np.clip((FAR_KM - km) / (FAR_KM - CLOSE_KM), 0.0, 1.0)
    kind = np.array([p.kind for p in places])
    country = np.array([p.country for p in places])
    admin1 = np.array([p.admin1 for p in places])
    name = np.array([p.name for p in places])
    area = np.isin(kind, list(AREA_KINDS))
    point = ~area
    link = np.where(point[:, None] & point[None, :], near, 0.0)
    # a first-level area and the places inside it back each other
    is_admin1 = kind == "admin1"
    inside = (country[:, None] == country[None, :]) & (admin1[:, None] == name[None, :]) & is_admin1[None, :]
    inside &= point[:, None]
    link = np.maximum(link, ADMIN1_LINK * inside)
    link = np.maximum(link, ADMIN1_LINK * inside.T)
    # a country and the places and areas inside it, less
    is_country = kind == "country"
    in_country = (country[:, None] == country[None, :]) & is_country[None, :] & ~is_country[:, None]
    link = np.maximum(link, COUNTRY_LINK * in_country)
    link = np.maximum(link, COUNTRY_LINK * in_country.T)
    # the same area named twice ("Texas", "Tex.") backs itself
    same_area = area[:, None] & area[None, :] & (kind[:, None] == kind[None, :]) & \
        (country[:, None] == country[None, :]) & (name[:, None] == name[None, :])
    return np.maximum(link, same_area.astype(float))


def nearness(candidate: Candidate, anchors: list) -> float:
    """A bonus for a candidate near the document's other places (a town among its neighbours)."""
    if not anchors or candidate.place.kind == "country":
        return 0.0
    near = sum(1 for a in anchors if km_between(candidate.place, a) <= NEAR_KM)
    return NEAR_BONUS * near / len(anchors)
