"""Checks of a build against gold annotations, shared by the corpus tests."""
from __future__ import annotations

from conflictmap.evaluate import claim_matches, distance_km
from conflictmap.geo.names import fold
from conflictmap.model import CONTROL_STATUSES


def explain_miss(gold: dict, records: list[dict]) -> str:
    """What the build did say about the gold claim's article and place, for a readable failure."""
    near = [r for r in records if r["article"] == gold["article"] and r["lat"] is not None
            and distance_km(gold["lat"], gold["lon"], r["lat"], r["lon"]) <= gold["tolerance_km"]]
    lines = [f"expected: {gold['side']} {gold['status']} {gold['place']} per {gold['source']!r}: {gold['quote']!r}"]
    lines += [f"  found: {r['side']} {r['status']} {r['place']} per {r['source']!r}: {r['quote']!r}" for r in near]
    return "\n".join(lines) if near else lines[0] + "\n  found nothing about that place in that article"


def control_claims_on(name: str, records: list[dict], article: str | None = None) -> list[dict]:
    """Current control claims whose place (as written or resolved) is `name`."""
    statuses = {s.value for s in CONTROL_STATUSES}
    key = fold(name)
    return [r for r in records
            if (article is None or r["article"] == article) and r["status"] in statuses and not r["past"]
            and (fold(r["place_as_written"]) == key or fold(r["place"]) == key
                 or fold(r["place_as_written"]).endswith(" " + key))]


def found(gold: dict, records: list[dict], profile) -> bool:
    return any(claim_matches(gold, r, profile) for r in records)
