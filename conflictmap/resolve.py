"""Resolution: each claim's place name to a gazetteer place, with the score and the reasons."""
from __future__ import annotations

from dataclasses import dataclass

from .geo.gazetteer import Gazetteer
from .model import Claim, Precision, ResolvedClaim

# What the text's hint asks of the gazetteer.
HINT_FOR_LOOKUP = {"city": "settlement", "town": "settlement", "village": "settlement", "camp": "settlement"}
FACILITY_HINTS = frozenset({"airport", "air_base", "military_base", "border_crossing", "landmark"})
SETTLEMENT_HINTS = frozenset({"city", "town", "village"})
SETTLEMENT_KINDS = frozenset({"city", "town", "village", "camp"})


@dataclass(frozen=True)
class Resolution:
    resolved: list[ResolvedClaim]     # claims with a place on the map
    unresolved: list[ResolvedClaim]   # claims whose place no gazetteer entry matched
    country_level: list[ResolvedClaim]  # a "claim" on a whole country: a reading error, not a place held


def resolve_claims(claims: list[Claim], gazetteer: Gazetteer) -> Resolution:
    resolved, unresolved, country_level = [], [], []
    memo: dict[tuple, ResolvedClaim] = {}
    for claim in claims:
        key = (claim.place_hint, claim.kind_hint, claim.region)
        if key not in memo:
            memo[key] = resolve_one(claim, gazetteer)
        found = memo[key]
        item = ResolvedClaim(claim=claim, place=found.place, score=found.score, reasons=found.reasons)
        if item.place is None:
            unresolved.append(item)
        elif item.place.precision == Precision.COUNTRY:
            country_level.append(item)
        else:
            resolved.append(item)
    return Resolution(resolved, unresolved, country_level)


def resolve_one(claim: Claim, gazetteer: Gazetteer) -> ResolvedClaim:
    hint = HINT_FOR_LOOKUP.get(claim.kind_hint, claim.kind_hint)
    region = tuple(claim.region)
    allowed = set(region) | {n for c in region for n in gazetteer.neighbours.get(c, ())}
    for candidate in gazetteer.candidates(claim.place_hint, region, hint, limit=10):
        place = candidate.place
        if hint in FACILITY_HINTS | {"district"} and place.kind not in (
                "airport", "air_base", "military_base", "border_crossing", "landmark", "district"):
            continue  # "Aleppo airport" must not fall back on the city, nor a neighbourhood on a namesake town
        if region and place.country not in allowed and place.kind != "country":
            continue  # a namesake far from the war is no answer
        if claim.kind_hint in SETTLEMENT_HINTS and place.kind not in SETTLEMENT_KINDS:
            continue  # "the city", "Aleppo city": a town, not the province or region of that name
        return ResolvedClaim(claim=claim, place=place, score=candidate.score, reasons=candidate.reasons)
    return ResolvedClaim(claim=claim, place=None, score=0.0, reasons=("no gazetteer entry matched",))
