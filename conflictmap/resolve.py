"""Resolution: each claim's place name to a gazetteer place, with the score and the reasons."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace

from .geo.context import km_between, nearness
from .geo.gazetteer import SETTLEMENT_KINDS, Candidate, Gazetteer
from .model import Claim, Figure, Place, Precision, ResolvedClaim, ResolvedFigure

# What the text's hint asks of the gazetteer.
HINT_FOR_LOOKUP = {"city": "settlement", "town": "settlement", "village": "settlement", "camp": "settlement"}
FACILITY_HINTS = frozenset({"airport", "air_base", "military_base", "border_crossing", "landmark"})
SETTLEMENT_HINTS = frozenset({"city", "town", "village"})
# A camp named after its town, with no entry of its own, is placed at the town
CAMP_NOUN = re.compile(r"\s+(?:(?:military|army|idp|displacement|refugee)\s+)?camps?$", re.I)


@dataclass(frozen=True)
class Resolution:
    resolved: list[ResolvedClaim]     # claims with a place on the map
    unresolved: list[ResolvedClaim]   # claims whose place no gazetteer entry matched
    country_level: list[ResolvedClaim]  # a "claim" on a whole country: a reading error, not a place held


def resolve_claims(claims: list[Claim], gazetteer: Gazetteer) -> Resolution:
    """Places for claims, each article's claims read together: where two towns share a name, the one
    near the article's other places wins."""
    resolved, unresolved, country_level = [], [], []
    by_article: dict[str, list[Claim]] = {}
    for claim in claims:
        by_article.setdefault(claim.article_id, []).append(claim)
    answers: dict[int, ResolvedClaim] = {}
    for group in by_article.values():
        answers.update(_resolve_article(group, gazetteer))
    for claim in claims:
        found = answers[id(claim)]
        item = ResolvedClaim(claim=claim, place=found.place, score=found.score, reasons=found.reasons)
        if item.place is None:
            unresolved.append(item)
        elif item.place.precision == Precision.COUNTRY:
            country_level.append(item)
        else:
            resolved.append(item)
    return Resolution(resolved, unresolved, country_level)


def _resolve_article(claims: list[Claim], gazetteer: Gazetteer) -> dict[int, ResolvedClaim]:
    options = {}
    for claim in claims:
        key = (claim.place_hint, claim.kind_hint, claim.region, claim.zone)
        if key not in options:
            options[key] = acceptable(claim, gazetteer)
    anchors = [found[0].place for found in options.values()
               if found and found[0].place.precision in (Precision.TOWN, Precision.POINT)]
    exact = [found[0].place for found in options.values() if found and found[0].match == "exact"
             and found[0].place.precision in (Precision.TOWN, Precision.POINT)]
    nearby = {}  # the places named beside each claim's place ("the village of X near Pokrovsk")
    for claim in claims:
        key = (claim.place_hint, claim.kind_hint, claim.region, claim.zone)
        for name in claim.nearby:
            place = _exact_town(name, claim.region, gazetteer)
            if place is not None:
                nearby.setdefault(key, []).append(place)
    for key, found in options.items():  # a spelling variant far from every place the article names exactly
        anchors_here = exact + nearby.get(key, [])  # is a namesake ("Novotoretske" is not Novotroitske, 400 km off)
        if anchors_here:
            options[key] = [c for c in found if c.match == "exact"
                            or min(km_between(c.place, a) for a in anchors_here) <= LOOSE_MATCH_REACH_KM]
    for claim in claims:  # "Pobieda, south-west of Marinka": a Pobieda there, or none
        key = (claim.place_hint, claim.kind_hint, claim.region, claim.zone)
        found = options[key]
        if claim.near:
            anchor = _exact_town(claim.near, claim.region, gazetteer)
            if anchor is not None and not (found and anchor is found[0].place):
                options[key] = [c for c in found if _located_as_said(c.place, anchor, claim)]
    chosen = {}
    for key, found in options.items():
        if not found:
            chosen[key] = None
            continue
        others = [a for a in anchors if a is not found[0].place]
        best = max(found, key=lambda c: c.score + nearness(c, others))
        if best is not found[0]:
            best = Candidate(best.place, best.score, best.match,
                             best.reasons + ("near the article's other places",))
        chosen[key] = best
    answers = {}
    for claim in claims:
        best = chosen[(claim.place_hint, claim.kind_hint, claim.region, claim.zone)]
        answers[id(claim)] = ResolvedClaim(claim=claim, place=best.place, score=best.score, reasons=best.reasons) \
            if best else ResolvedClaim(claim=claim, place=None, score=0.0, reasons=("no gazetteer entry matched",))
    return answers


# How far from the article's exactly named places a spelling variant may lie
LOOSE_MATCH_REACH_KM = 150.0
# Where a place the text locates by another lies ("near Pokrovsk", "north of Kherson", "12 km from Aleppo"): this
# close when the text says only near or neighbouring; this far in the direction it says; or at the distance it
# says, give or take half; and in the direction it says, give or take this many degrees.
CLOSE_KM = 50.0
DIRECTION_KM = 150.0
BEARING_SLACK = 67.5


def _exact_town(name: str, region: tuple[str, ...], gazetteer: Gazetteer) -> Place | None:
    """The town or point a name exactly names in the war's countries, if any."""
    found = [c for c in gazetteer.candidates(name, tuple(region), "", limit=3)
             if c.match == "exact" and (not region or c.place.country in region)
             and c.place.precision in (Precision.TOWN, Precision.POINT)]
    return found[0].place if found else None


def bearing(origin: Place, to: Place) -> float:
    """The initial bearing from one place to another, in degrees from north."""
    lat1, lat2 = math.radians(origin.lat), math.radians(to.lat)
    dlon = math.radians(to.lon - origin.lon)
    x = math.sin(dlon) * math.cos(lat2)
    y = math.cos(lat1) * math.sin(lat2) - math.sin(lat1) * math.cos(lat2) * math.cos(dlon)
    return math.degrees(math.atan2(x, y)) % 360


def _located_as_said(place: Place, anchor: Place, claim: Claim) -> bool:
    """Whether a town lies where the text puts it from `anchor` (areas are not held to it: "Idlib province,
    north of Hama")."""
    if place.precision not in (Precision.TOWN, Precision.POINT):
        return True
    km = km_between(place, anchor)
    reach = claim.near_km * 1.5 + 10 if claim.near_km else DIRECTION_KM if claim.near_bearing >= 0 else CLOSE_KM
    if km > reach:
        return False
    if claim.near_bearing < 0 or km < 3:
        return True
    off = abs(bearing(anchor, place) - claim.near_bearing) % 360
    return min(off, 360 - off) <= BEARING_SLACK


def resolve_figures(figures: list[Figure], gazetteer: Gazetteer) -> list[ResolvedFigure]:
    """Places for the figures that name one; the others stay with their article (place None)."""
    resolved = []
    for figure in figures:
        found = acceptable(figure, gazetteer) if figure.place_hint else []
        place = found[0].place if found and found[0].place.precision != Precision.COUNTRY else None
        resolved.append(ResolvedFigure(figure=figure, place=place))
    return resolved


def in_zone(place: Place, zone: tuple[tuple[float, float, float, float], ...]) -> bool:
    """Whether a place lies in one of the boxes (south, west, north, east) of a war's ground."""
    return any(south <= place.lat <= north and west <= place.lon <= east for south, west, north, east in zone)


def acceptable(claim: Claim | Figure, gazetteer: Gazetteer) -> list[Candidate]:
    """The candidates that fit what the text says of the place, best first."""
    hint = HINT_FOR_LOOKUP.get(claim.kind_hint, claim.kind_hint)
    region = tuple(claim.region)
    allowed = set(region) | {n for c in region for n in gazetteer.neighbours.get(c, ())}
    found = []
    for candidate in gazetteer.candidates(claim.place_hint, region, hint, limit=10):
        place = candidate.place
        if hint in FACILITY_HINTS | {"district"} and place.kind not in (
                "airport", "air_base", "military_base", "border_crossing", "landmark", "district"):
            continue  # "Aleppo airport" must not fall back on the city, nor a neighbourhood on a namesake town
        if region and place.country not in allowed and place.kind != "country":
            continue  # a namesake far from the war is no answer
        if claim.zone and not in_zone(place, claim.zone) and (candidate.match != "exact"
                                                            or place.kind in SETTLEMENT_KINDS):
            continue  # a town off the war's ground is a namesake (Volchansk in the Urals for Vovchansk), and a
            # spelling variant is trusted only on it; named bases, airports and areas beyond it are still found
        if claim.kind_hint in SETTLEMENT_HINTS and place.kind not in SETTLEMENT_KINDS:
            continue  # "the city", "Aleppo city": a town, not the province or region of that name
        found.append(candidate)
    bare = CAMP_NOUN.sub("", claim.place_hint)
    if not found and claim.kind_hint == "camp" and bare and bare != claim.place_hint:
        return [_camp_at(c, claim.place_hint) for c in acceptable(replace(claim, place_hint=bare), gazetteer)
                if c.place.kind in SETTLEMENT_KINDS]
    return _areas_first(hint, found)


def _camp_at(town: Candidate, name: str) -> Candidate:
    """"The Djibo military camp", which no gazetteer holds: a place of its own at the town's point (its capture
    is not the town's), as precise as the town's."""
    place = replace(town.place, name=name, kind="camp", id=f"{town.place.id}/{name.casefold()}")
    return replace(town, place=place, reasons=town.reasons + (f"placed at {town.place.name}, the town it is named after",))


def _areas_first(hint: str, found: list[Candidate]) -> list[Candidate]:
    if hint in ("admin1", "admin2", "region"):  # "Aleppo province": the area, when the gazetteer has it
        areas = [c for c in found if c.place.precision in (Precision.ADMIN1, Precision.DISTRICT)]
        return areas or found
    return found
