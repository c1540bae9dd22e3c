"""Resolving the place names of one document together: each name helps place the others.

A reader who meets "Alexandria" in an article that also names "Rapides Parish" and "Pineville" knows
which Alexandria is meant. The steps:
1. each name alone; the countries of the confident answers (and of countries named outright) vote
   for the document's countries. A name votes for a country as surely as its best reading there beats
   its best reading elsewhere ("Springfield", whose namesakes are all American, votes for the US);
   a town matched only by its spelling's likeness votes little;
2. each name again, with the countries the *other* names vote for as context: a town does not vouch
   for its own country ("Berlin" among Hartford and Middletown is not in Germany), a country's or
   an area's name does ("Britain");
3. the candidates of all names weighed together: a candidate gains support from each other name that
   has a plausible candidate near it, inside it, or containing it ("Huntsville" and "Walker County" are
   the two in Texas), a little from one in the same first-level area however far (a local paper's
   towns are its state's), and "Paris, Tenn." puts Paris inside Tennessee. A name written twice
   ("Springfield", "SPRINGFIELD") is one name. Two rounds, so that the support of a name follows the
   reading its own support makes likely.
Priors on the way: a country's or continent's name is never a homonymous town, unless the text writes it
as local news writes a town's (a dateline, a street address, "the city of", its council or schools, "a
Lebanon woman") or after a state that has a town of that name ("Palestine, Texas"); a national capital
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
FAR_KM = 150.0           # ...none from one this far
SPREAD = 0.15            # how fast a candidate's weight falls with its score below its name's best
ROUNDS = 2
QUALIFIED_BONUS = 1.0    # "Paris, Tenn.": the place inside the area named after the comma
ADMIN1_LINK = 1.0        # how much a first-level area and a place inside it back each other
SAME_ADMIN1_LINK = 0.2   # how much two places in the same first-level area back each other, however far apart
COUNTRY_LINK = 0.5       # how much a country and a place inside it back each other
AMBIGUOUS_COUNTRY_VOTE = 0.5  # a country name that a first-level area shares votes for its country this much
LOOSE_VOTE = 0.3         # how much a name matched only by its spelling's likeness votes for its country
NAMED_COUNTRIES = 3      # countries named outright that join the document's countries beyond its main ones
CAPITAL_BONUS = 0.3      # a national capital over a same-named admin area of its country ("Washington")
AREA_KINDS = frozenset({"country", "continent", "admin1"})


def km_between(a, b) -> float:
    """Great-circle distance in km between two things with .lat and .lon."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def document_countries(first: dict[str, list[Candidate]], given: Sequence[str] = (),
                       leave_out: str = "") -> tuple[str, ...]:
    """The countries a document is about, from the names it uses (and any the caller already knows); with
    `leave_out`, from the names other than that one (however written), so that a name does not vouch for its
    own reading ("Berlin" among Hartford and Middletown)."""
    votes: dict[str, float] = defaultdict(float)
    named: set[str] = set()
    left_out = fold(leave_out) if leave_out else None
    voted: set[str] = set()
    for name, candidates in first.items():
        key = fold(name)
        if not candidates or key in voted:  # "MANSFIELD" and "Mansfield" vote once
            continue
        voted.add(key)
        top = candidates[0]
        if key == left_out and not (top.place.kind in AREA_KINDS and not _area_rival(top, candidates)):
            continue  # an area's name is its own evidence ("Britain"); a town's is not
        # the vote is for a country: "Springfield" has many namesakes, all American, and votes for the US
        rival = next((c.score for c in candidates if c.place.country != top.place.country), 0.0)
        margin = top.score - rival
        if top.place.kind == "country":  # "Georgia", also a US state, is weak evidence for the country
            weight = AMBIGUOUS_COUNTRY_VOTE if _area_rival(top, candidates) else 2.0
            if weight == 2.0 and top.match == "exact":
                named.add(top.place.country)
        else:
            weight = min(1.0, 0.2 + margin)
        if top.match != "exact" and top.place.kind not in AREA_KINDS:
            weight *= LOOSE_VOTE  # a town's spelling variant is a guess among thousands; a country's is not
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
    qualifiers = qualifying_areas(text, [k[0] for k in keys], gazetteer) if text else {}
    first = {key: gazetteer.candidates(key[0], given, key[1], limit=CANDIDATES) for key in keys}
    # a country's name that the text writes as a town's; "MALTA – About 5,000 books..." makes every "Malta" a town
    towns = {fold(k[0]) for k, found in first.items() if text and not k[1] and
             any(c.place.kind in ("country", "continent") for c in found) and used_as_town(text, k[0])}
    first = {key: _as_town(found) if not key[1] and fold(key[0]) in towns else found for key, found in first.items()}
    by_name = {k[0]: v for k, v in first.items()}
    options = {key: gazetteer.candidates(key[0], document_countries(by_name, given, leave_out=key[0]), key[1],
                                         limit=CANDIDATES) for key in keys}

    def town_or_country(key: tuple[str, str], found: list[Candidate]) -> list[Candidate]:
        if key[1]:  # the text said what kind of place it is
            return found
        if fold(key[0]) in towns or _town_in(found, qualifiers.get(key[0])):
            return _as_town(found)
        return _country_first(found)

    options = {key: town_or_country(key, found) for key, found in options.items()}
    options = {key: _abbreviation(key[0], found) for key, found in options.items()}
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


def _as_town(found: list[Candidate]) -> list[Candidate]:
    """A name the text uses as a town's is not the country or continent of that name ("Lebanon, Pa.", "the
    Palestine city limits"), when a town has exactly that name."""
    if any(c.place.kind in SETTLEMENT_KINDS and c.match == "exact" for c in found):
        return [c for c in found if c.place.kind not in ("country", "continent")]
    return found


def _town_in(found: list[Candidate], areas: Sequence[Candidate] | None) -> bool:
    """Whether one of the name's towns lies in the area the text names after it ("Palestine, Texas")."""
    return bool(areas) and any(c.place.kind in SETTLEMENT_KINDS and _inside(c.place, a.place)
                               for c in found for a in areas if a.place.kind == "admin1")


# How local news writes a town's name where a country's would not stand: a dateline ("LEBANON (AP) —"), a street
# address ("400 S. Locust St., Lebanon"), a person's age and home ("Joyce Glover, 22, Palestine"), its council,
# mayor, schools and limits ("the Palestine city limits", "Jordan Elementary School"), its people ("a Lebanon
# woman"). {0} is the name as written.
_TOWN_CUES = (
    (r"(?:^|[.!?\n]\s*){0}(?:,\s+[A-Z][\w.]*(?:\s+[A-Z][\w.]*)?)?\s+"
     r"(?:\((?:AP|Reuters|AFP|UPI)\)\s*)?[—–-]{{1,2}}\s"),
    (r"\d+\s+(?:[NSEW]\.?\s+)?(?:[A-Z][\w'.]*\s+){{1,3}}(?:St|Street|Ave|Avenue|Rd|Road|Dr|Drive|Blvd|Boulevard|Ln|"
     r"Lane|Way|Pike|Hwy|Highway|Ct|Court|Pl|Place)\.?,\s+{0}\b"),
    r"\b[A-Z][a-z]+,\s+\d{{1,3}},\s+{0}\b",
    r"\b(?:[Cc]ity|[Tt]own|[Vv]illage|[Tt]ownship|[Bb]orough|[Mm]ayor) of {0}\b",
    (r"\b{0} (?:[Cc]ity [Cc]ouncil|[Cc]ity [Hh]all|[Cc]ity [Ll]imits|[Tt]own [Cc]ouncil|[Vv]illage [Bb]oard|[Mm]ayor|"
     r"[Pp]olice [Dd]epartment|[Ff]ire [Dd]epartment|[Pp]ublic [Ll]ibrary|[Cc]ivic [Cc]enter|(?:[Ii]ndependent )?"
     r"[Ss]chool [Dd]istrict|[Pp]ublic [Ss]chools|[Hh]igh [Ss]chool|[Mm]iddle [Ss]chool|[Ee]lementary)\b"),
    r"\b(?:[Aa]n?|[Tt]he|\d+-year-old)\s+{0}\s+(?:man|woman|resident|teen|teenager|boy|girl|native)\b",
)


def used_as_town(text: str, name: str) -> bool:
    """Whether the text writes this name as local news writes a town's (see _TOWN_CUES); a dateline only in
    capitals or with an agency's name."""
    if not name.strip():
        return False
    escaped = re.escape(name)
    for number, cue in enumerate(_TOWN_CUES):
        for match in re.finditer(cue.format(escaped), text):
            if number == 0 and not (name.isupper() or "(" in match.group(0)):
                continue
            return True
    return False


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
    # a name written twice ("Springfield", "SPRINGFIELD") is one name: it neither backs itself nor counts twice
    same = {k: fold(k[0]) if isinstance(k, tuple) else k for k in options}
    keys = sorted((k for k, found in options.items() if found), key=lambda k: same[k])
    totals = {k: list(priors[k]) for k in options}
    idents = list(dict.fromkeys(same[k] for k in keys))
    if len(idents) < 2:
        return totals
    places = [c.place for k in keys for c in options[k]]
    group = np.array([i for i, k in enumerate(keys) for _ in options[k]])
    starts = np.searchsorted(group, np.arange(len(keys)))
    ident = np.array([idents.index(same[k]) for k in keys])  # each key's name
    firsts = np.searchsorted(ident, np.arange(len(idents)))  # each name's first key
    link = _links(places)
    np.fill_diagonal(link, 0.0)
    prior = np.array([s for k in keys for s in priors[k]])
    score = prior.copy()
    for _ in range(ROUNDS):
        best = np.maximum.reduceat(score, starts)[group]
        weight = np.exp((score - best) / SPREAD)
        backing = np.maximum.reduceat(link * weight[None, :], starts, axis=1)  # candidate × key: its best backer
        backing = np.maximum.reduceat(backing, firsts, axis=1)  # candidate × name
        backing[np.arange(len(places)), ident[group]] = 0.0  # a name does not back itself
        score = prior + SUPPORT * backing.sum(axis=1) / (len(idents) - 1)
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
    # places in the same first-level area back each other however far apart: a local paper's towns are its state's
    if SAME_ADMIN1_LINK:
        same_admin1 = point[:, None] & point[None, :] & (country[:, None] == country[None, :]) & \
            (admin1[:, None] == admin1[None, :]) & (admin1 != "")[:, None]
        link = np.maximum(link, SAME_ADMIN1_LINK * same_admin1)
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
