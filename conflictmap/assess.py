"""Assessment: what all the claims about one place add up to.

A control claim counts as **assessed** when a source with no stake makes it (the outlet itself, a
monitor, a wire, the UN), or when a source of another side concedes it ("Assad's troops acknowledged
that insurgents control..."); a claim made only by the side it favours stays **claimed**. A place is
**contested** when fighting inside it is reported or when current claims of two sides meet. Background
claims ("held by the army since 2020") count only where nothing current is said, and so do claims that a
report dated later replaces (`superseded`: a capture replaces what was said before it; a side reported to
have left holds the place no more), so that claims of two sides on different days are a change of hands.

Over time (`history`, `changes_of_hands`): the assessment as of a day is the same reading of the claims
reported on or before that day. A claim counts from its own date, else from its article's date, else from
the start of the timeline; a change of hands is a change of the assessed controller from one side to another.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from typing import Iterable, Mapping

from .model import CONTROL_STATUSES, Assessment, Claim, Figure, Place, ResolvedClaim, ResolvedFigure, Status

# Sources whose word carries beyond a side's say-so; unnamed sources and officials of no stated side do not.
INDEPENDENT_KINDS = frozenset({"article", "monitor", "wire", "media", "un_ngo"})
# How much each status says the side holds the place.
HOLDS = {Status.CAPTURED: 1.0, Status.CONTROLLED: 1.0, Status.DENIED: 0.5, Status.CONTESTED: 0.0}
# Assessment statuses that name a side holding the place.
HELD_STATUSES = frozenset({"assessed", "claimed", "contested"})


def is_independent(claim_side: str, source_kind: str, source_side: str) -> bool:
    """Whether a source's word on a side's claim carries beyond that side's own say-so."""
    if source_kind in INDEPENDENT_KINDS and not source_side:
        return True
    return bool(source_side) and source_side != claim_side  # a concession by the other side


def superseded(claims: list[ResolvedClaim], published: Mapping[str, str] | None = None) -> set[int]:
    """Indexes of the control claims that a later dated report replaces: whatever was said of the place before
    a side captured it ("held by the army" on the 27th, "rebels captured it" on the 30th), and a side's own
    claims to hold it from before it is reported to have left. Undated claims replace and are replaced by none.
    A claim's day is `claim_day`'s: its own date, else its article's (`published`: article id → date)."""
    days = [claim_day(item.claim, published) for item in claims]
    captures = [d for item, d in zip(claims, days) if d and item.claim.status == Status.CAPTURED]
    last_capture = max(captures, default="")
    # fighting reported before a later report that a side holds the place is over ("contested" on the 20th,
    # "Russian troops control Selydove" on the 19th of the next month)
    holds = [d for item, d in zip(claims, days) if d and item.claim.status in (Status.CAPTURED, Status.CONTROLLED)]
    last_hold = max(holds, default="")
    left: dict[str, str] = {}
    for item, day in zip(claims, days):
        if day and item.claim.status == Status.WITHDRAWN:
            left[item.claim.side] = max(day, left.get(item.claim.side, ""))
    result = set()
    for n, (item, day) in enumerate(zip(claims, days)):
        claim = item.claim
        if not day or claim.status not in CONTROL_STATUSES:
            continue
        if day < last_capture or (claim.status != Status.WITHDRAWN and day < left.get(claim.side, "")) \
                or (claim.status == Status.CONTESTED and day < last_hold):
            result.add(n)
    return result


def assess_place(place: Place, claims: list[ResolvedClaim], published: Mapping[str, str] | None = None
                 ) -> Assessment:
    """What the claims about one place add up to. Background claims, and claims a later report replaces
    (`superseded`), count only where nothing current is said."""
    live = [c for c in claims if not c.claim.past]
    gone = superseded(live, published)
    current = [c for n, c in enumerate(live) if n not in gone]
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


def assess(resolved: list[ResolvedClaim], figures: list[ResolvedFigure] = (),
           published: Mapping[str, str] | None = None) -> list[Assessment]:
    """One assessment per resolved place, sorted by place name and id; each place keeps the casualty and
    displacement figures reported there, side by side. `published` (article id → date) dates the claims
    that carry no date of their own."""
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
    result = [replace(assess_place(places[pid], items, published), figures=tuple(figures_at.get(pid, ())))
              for pid, items in by_place.items()]
    result.sort(key=lambda a: (a.place.name, a.place.id))
    return result


def _claim_order(item: ResolvedClaim):
    claim = item.claim
    return (claim.past, claim.side, claim.date, claim.article_name, claim.start)


# --- Time: the assessment as of each day, and the changes of hands ------------------------------------------

_DAY = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@lru_cache(maxsize=4096)
def as_day(value: str) -> str:
    """An ISO day from a date as claims carry it: '2024-11-30' as is, a month or a year from its first day;
    '' when there is no date or it is not one."""
    match = _DAY.match((value or "").strip())
    if not match:
        return ""
    year, month, day = match.group(1), match.group(2) or "01", match.group(3) or "01"
    try:
        return date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return ""


def claim_day(claim: Claim, published: Mapping[str, str] | None = None) -> str:
    """The first day a claim counts on the timeline ('' = from the start of the timeline): its own date;
    without one, its article's date; background with no date of its own ("which had been held by the army")
    tells what was so before the article, so it counts from the start (like everywhere, it yields to any
    current report)."""
    own = as_day(claim.date)
    if own or claim.past:
        return own
    return as_day((published or {}).get(claim.article_id, ""))


def figure_day(figure: Figure, published: Mapping[str, str] | None = None) -> str:
    return as_day(figure.date) or as_day((published or {}).get(figure.article_id, ""))


@dataclass(frozen=True)
class Period:
    """A stretch of days over which a place's assessment stays the same."""

    start: str               # first day it holds; '' = from the start of the timeline
    end: str                 # first day it no longer holds; '' = it still holds on the last day
    assessment: Assessment   # on the claims reported by the last day of the stretch


@dataclass(frozen=True)
class ChangeOfHands:
    """A place's assessed controller changed from one side to another on a day."""

    place: Place
    date: str                # the first day the new controller is reported ('' when undated)
    before: str              # side
    after: str               # side
    before_status: str       # assessed, claimed or contested
    after_status: str


def _state(assessment: Assessment) -> tuple:
    """What a reader of the map sees of an assessment: who, how sure, and for places nobody holds, which sides."""
    held = assessment.status in HELD_STATUSES
    return assessment.controller, assessment.status, () if held else assessment.sides


_HISTORIES: dict[tuple, tuple[list, tuple, list]] = {}


def history(claims: Iterable[ResolvedClaim], published: Mapping[str, str] | None = None) -> list[Period]:
    """One place's assessment over time: for each day a claim about it is reported, `assess_place` over the
    claims reported on or before that day; days that change nothing are merged into the period before.
    The last period's assessment is the place's assessment on all its claims. (Remembered: the map and
    each export ask for the same places.)"""
    claims = list(claims)
    if not claims:
        return []
    dates = tuple((published or {}).get(c.claim.article_id, "") for c in claims)
    key = (tuple(map(id, claims)), dates)
    known = _HISTORIES.get(key)
    if known is not None:
        return list(known[2])
    if len(_HISTORIES) > 100_000:
        _HISTORIES.clear()
    periods = _history(claims, published)
    _HISTORIES[key] = (claims, dates, periods)  # the claims kept alive: their ids stay theirs
    return list(periods)


def _history(claims: list[ResolvedClaim], published: Mapping[str, str] | None) -> list[Period]:
    place = claims[0].place
    dated = [(claim_day(c.claim, published), c) for c in claims]
    periods: list[Period] = []
    for day in sorted({d for d, _ in dated}):
        assessment = assess_place(place, [c for d, c in dated if d <= day], published)
        if periods and _state(periods[-1].assessment) == _state(assessment):
            periods[-1] = Period(periods[-1].start, "", assessment)
            continue
        if periods:
            periods[-1] = replace(periods[-1], end=day)
        periods.append(Period(day, "", assessment))
    return periods


def figure_history(figures: Iterable[ResolvedFigure], published: Mapping[str, str] | None = None
                   ) -> list[tuple[str, str, tuple[ResolvedFigure, ...]]]:
    """The casualty and displacement figures reported at one place by each day: (start, end, figures) with
    start and end as in `Period`; a new stretch begins on each day a figure is reported."""
    dated = [(figure_day(f.figure, published), f) for f in figures]
    days = sorted({d for d, _ in dated})
    return [(day, days[n + 1] if n + 1 < len(days) else "", tuple(f for d, f in dated if d <= day))
            for n, day in enumerate(days)]


def changes_in(periods: list[Period]) -> list[ChangeOfHands]:
    """The changes of controller along a place's periods. Periods with nobody holding the place (only
    attacked, or only reported left) are stepped over: the change is dated when the next holder is reported."""
    changes = []
    last: Assessment | None = None
    for period in periods:
        current = period.assessment
        if current.status not in HELD_STATUSES:
            continue
        if last is not None and current.controller != last.controller:
            changes.append(ChangeOfHands(place=current.place, date=period.start, before=last.controller,
                                         after=current.controller, before_status=last.status,
                                         after_status=current.status))
        last = current
    return changes


def changes_of_hands(claims: Iterable[ResolvedClaim], published: Mapping[str, str] | None = None
                     ) -> list[ChangeOfHands]:
    """Every change of hands the claims report, place by place (sorted by place name and id, then by day):
    "Saraqib: government → opposition, 2024-11-30". `published` maps article ids to their dates, for the
    claims that carry no date of their own."""
    by_place: dict[str, list[ResolvedClaim]] = defaultdict(list)
    for item in claims:
        if item.place is not None:
            by_place[item.place.id].append(item)
    result: list[ChangeOfHands] = []
    for items in sorted(by_place.values(), key=lambda xs: (xs[0].place.name, xs[0].place.id)):
        result.extend(changes_in(history(items, published)))
    return result


def timeline_days(claims: Iterable[ResolvedClaim], published: Mapping[str, str] | None = None,
                  figures: Iterable[ResolvedFigure] = ()) -> list[str]:
    """The distinct days that the claims (and figures) at places are reported on, in order."""
    days = {claim_day(c.claim, published) for c in claims if c.place is not None}
    days |= {figure_day(f.figure, published) for f in figures if f.place is not None}
    days.discard("")
    return sorted(days)
