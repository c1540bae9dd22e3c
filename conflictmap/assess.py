"""Assessment: what all the claims about one place add up to.

A control claim counts as **assessed** when a source with no stake makes it (the outlet itself, a
monitor, a wire, the UN), or when a source of another side concedes it ("Assad's troops acknowledged
that insurgents control..."); a claim made only by the side it favours stays **claimed**. A place is
**contested** when fighting inside it is reported or when current claims of two sides meet. Background
claims ("held by the army since 2020") count only where nothing current is said.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from .model import Assessment, Place, ResolvedClaim, ResolvedFigure, Status

# Sources whose word carries beyond a side's say-so; unnamed sources and officials of no stated side do not.
INDEPENDENT_KINDS = frozenset({"article", "monitor", "wire", "media", "un_ngo"})
# How much each status says the side holds the place.
HOLDS = {Status.CAPTURED: 1.0, Status.CONTROLLED: 1.0, Status.DENIED: 0.5, Status.CONTESTED: 0.0}


def is_independent(claim_side: str, source_kind: str, source_side: str) -> bool:
    """Whether a source's word on a side's claim carries beyond that side's own say-so."""
    if source_kind in INDEPENDENT_KINDS and not source_side:
        return True
    return bool(source_side) and source_side != claim_side  # a concession by the other side


def assess_place(place: Place, claims: list[ResolvedClaim]) -> Assessment:
    current = [c for c in claims if not c.claim.past]
    pool = current or claims
    control = [c for c in pool if c.claim.status in HOLDS or c.claim.status == Status.WITHDRAWN]
    ordered = tuple(sorted(claims, key=_claim_order))
    if not control:
        sides = tuple(sorted({c.claim.side for c in pool}))
        return Assessment(place=place, controller="unknown", status="attacked", since="", claims=ordered, sides=sides)
    weight: dict[str, float] = defaultdict(float)
    assessed: dict[str, bool] = defaultdict(bool)
    fighting = False
    withdrawn: set[str] = set()
    for item in control:
        claim = item.claim
        if claim.status == Status.WITHDRAWN:
            withdrawn.add(claim.side)
            continue
        if claim.status == Status.CONTESTED:
            fighting = True
        independent = is_independent(claim.side, claim.source.kind, claim.source.side)
        weight[claim.side] += HOLDS[claim.status] * (1.0 if independent else 0.5) + 0.01
        assessed[claim.side] |= independent
    if not weight:  # only withdrawals: who left is known, who holds it now is not
        return Assessment(place=place, controller="unknown", status="withdrawn", since="", claims=ordered,
                          sides=tuple(sorted(withdrawn)))
    holders = {side for side, w in weight.items() if w >= 0.5 and side not in withdrawn}
    ranked = sorted(weight.items(), key=lambda kv: (-kv[1], kv[0]))
    controller = next((side for side, _ in ranked if side not in withdrawn), ranked[0][0] if ranked else "unknown")
    if fighting or len(holders) > 1:
        status = "contested"
    elif assessed.get(controller):
        status = "assessed"
    else:
        status = "claimed"
    dates = sorted(c.claim.date for c in control if c.claim.side == controller and c.claim.date)
    sides = tuple(sorted({c.claim.side for c in pool}))
    return Assessment(place=place, controller=controller, status=status, since=dates[0] if dates else "",
                      claims=ordered, sides=sides)


def assess(resolved: list[ResolvedClaim], figures: list[ResolvedFigure] = ()) -> list[Assessment]:
    """One assessment per resolved place, sorted by place name and id; each place keeps the casualty and
    displacement figures reported there, side by side."""
    by_place: dict[str, list[ResolvedClaim]] = defaultdict(list)
    places: dict[str, Place] = {}
    for item in resolved:
        if item.place is None:
            continue
        by_place[item.place.id].append(item)
        places[item.place.id] = item.place
    figures_at: dict[str, list[ResolvedFigure]] = defaultdict(list)
    for figure in figures:
        if figure.place is not None and figure.place.id in places:
            figures_at[figure.place.id].append(figure)
    result = [replace(assess_place(places[pid], items), figures=tuple(figures_at.get(pid, ())))
              for pid, items in by_place.items()]
    result.sort(key=lambda a: (a.place.name, a.place.id))
    return result


def _claim_order(item: ResolvedClaim):
    claim = item.claim
    return (claim.past, claim.side, claim.date, claim.article_name, claim.start)
