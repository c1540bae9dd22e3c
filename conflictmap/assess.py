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


def superseded(claims: list[ResolvedClaim], days: list[str]) -> set[int]:
    """Indexes of the control claims that a later dated report replaces: whatever was said of the place before
    a side captured it ("held by the army" on the 27th, "rebels captured it" on the 30th), and a side's own
    claims to hold it from before it is reported to have left. Undated claims replace and are replaced by none.
    `days`: each claim's `claim_day` (its own date, else its article's)."""
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
    return {n for n, (item, day) in enumerate(zip(claims, days))
            if day and item.claim.status in CONTROL_STATUSES
            and _replaced(item.claim.side, item.claim.status, day, last_capture, last_hold, left)}


def _replaced(side: str, status: Status, day: str, last_capture: str, last_hold: str, left: Mapping[str, str]) -> bool:
    """Whether a dated control claim is replaced by the latest capture, hold or departure reported."""
    return day < last_capture or (status != Status.WITHDRAWN and day < left.get(side, "")) \
        or (status == Status.CONTESTED and day < last_hold)


def weight_of(claim: Claim) -> int:
    """How much a control claim says its side holds the place, in hundredths (whole numbers, so that sums are
    exact): the status's HOLDS, halved on a side's own word, plus one so that fighting counts for its side."""
    independent = is_independent(claim.side, claim.source.kind, claim.source.side)
    return round(HOLDS[claim.status] * (100 if independent else 50)) + 1


def assess_place(place: Place, claims: list[ResolvedClaim], published: Mapping[str, str] | None = None
                 ) -> Assessment:
    """What the claims about one place add up to. Background claims, and claims a later report replaces
    (`superseded`), count only where nothing current is said."""
    days = [claim_day(item.claim, published) for item in claims]
    return _assess(place, claims, days, tuple(sorted(claims, key=_claim_order)))


def _assess(place: Place, claims: list[ResolvedClaim], days: list[str], ordered: tuple[ResolvedClaim, ...]
            ) -> Assessment:
    """`assess_place` with each claim's day given, and the claims in the order the assessment lists them."""
    live = [n for n, c in enumerate(claims) if not c.claim.past]
    gone = superseded([claims[n] for n in live], [days[n] for n in live])
    current = [claims[n] for k, n in enumerate(live) if k not in gone]
    pool = current or claims
    control = [c for c in pool if c.claim.status in HOLDS or c.claim.status == Status.WITHDRAWN]
    if not control:
        sides = tuple(sorted({c.claim.side for c in pool}))
        return Assessment(place=place, controller="unknown", status="attacked", since="", claims=ordered, sides=sides)
    weight: dict[str, int] = defaultdict(int)
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
        weight[claim.side] += weight_of(claim)
        assessed[claim.side] |= is_independent(claim.side, claim.source.kind, claim.source.side)
    if not weight:  # only withdrawals: who left is known, who holds it now is not
        return Assessment(place=place, controller="unknown", status="withdrawn", since="", claims=ordered,
                          sides=tuple(sorted(withdrawn)))
    controller, status = _verdict(weight, assessed, fighting, withdrawn)
    dates = sorted(c.claim.date for c in control if c.claim.side == controller and c.claim.date)
    sides = tuple(sorted({c.claim.side for c in pool}))
    return Assessment(place=place, controller=controller, status=status, since=dates[0] if dates else "",
                      claims=ordered, sides=sides)


def _verdict(weight: Mapping[str, int], assessed: Mapping[str, bool], fighting: bool, withdrawn: set[str]
             ) -> tuple[str, str]:
    """(controller, status) from each side's weight, whether an independent source backs it, whether fighting is
    reported, and which sides are reported to have left."""
    holders = {side for side, w in weight.items() if w >= 50 and side not in withdrawn}
    ranked = sorted(weight.items(), key=lambda kv: (-kv[1], kv[0]))
    controller = next((side for side, _ in ranked if side not in withdrawn), ranked[0][0])
    if fighting or len(holders) > 1:
        return controller, "contested"
    return controller, "assessed" if assessed.get(controller) else "claimed"


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


def forget_histories() -> None:
    """Let go of the histories remembered so far (a new build starts: the last one's claims may be freed)."""
    _HISTORIES.clear()


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
    """Each day's reading comes from a `_Sweep`; an Assessment is made once per period, on its last day."""
    place = claims[0].place
    days = [claim_day(c.claim, published) for c in claims]
    listed = sorted(range(len(claims)), key=lambda n: _claim_order(claims[n]))  # as assess_place lists them

    def assessed_on(last: str, reading: tuple | None) -> Assessment:
        ordered = tuple(claims[n] for n in listed if days[n] <= last)
        if reading is None:  # no current claim is left: `_assess` reads the background, which the sweep does not keep
            upto = [n for n, d in enumerate(days) if d <= last]
            return _assess(place, [claims[n] for n in upto], [days[n] for n in upto], ordered)
        controller, status, sides, since = reading
        return Assessment(place=place, controller=controller, status=status, since=since, claims=ordered, sides=sides)

    on_day: dict[str, list[int]] = defaultdict(list)
    for n, day in enumerate(days):
        on_day[day].append(n)
    sweep = _Sweep()
    stretches: list[list] = []  # [first day, state, last day, reading on the last day]
    for day in sorted(on_day):
        for n in on_day[day]:
            sweep.add(claims[n].claim, day)
        reading = sweep.reading()
        state = _state(assessed_on(day, None)) if reading is None else \
            (reading[0], reading[1], () if reading[1] in HELD_STATUSES else reading[2])
        if stretches and stretches[-1][1] == state:
            stretches[-1][2:] = [day, reading]
        else:
            stretches.append([day, state, day, reading])
    return [Period(first, stretches[k + 1][0] if k + 1 < len(stretches) else "", assessed_on(last, reading))
            for k, (first, _, last, reading) in enumerate(stretches)]


class _Group:
    """The current claims of one side and status at a place: counts, weights and dates, with the dated claims
    that a later report may replace kept in day order, so that replaced ones leave from the front."""

    def __init__(self, replaceable: bool):
        self.replaceable = replaceable
        self.dated: list[tuple[str, int, bool, str]] = []  # (day, weight, independent, date), in the order added
        self.first = 0                                     # dated[:first] have been replaced
        self.count = self.weight = self.independent = 0
        self.kept_dates: list[str] = []                    # the dates of the claims never replaced

    def add(self, day: str, weight: int, independent: bool, date: str) -> None:
        if self.replaceable and day:
            self.dated.append((day, weight, independent, date))
        elif date:
            self.kept_dates.append(date)
        self.count += 1
        self.weight += weight
        self.independent += independent

    def replace_before(self, day: str) -> None:
        while self.first < len(self.dated) and self.dated[self.first][0] < day:
            _, weight, independent, _ = self.dated[self.first]
            self.count -= 1
            self.weight -= weight
            self.independent -= independent
            self.first += 1

    def earliest_date(self) -> str:
        return min([*self.kept_dates, *(d for *_, d in self.dated[self.first:] if d)], default="")


class _Sweep:
    """`_assess`'s reading of a place as its claims are added day by day (days in order), without reading every
    claim again each day: the same rules, kept as running sums per side and status."""

    def __init__(self) -> None:
        self.last_capture = self.last_hold = ""
        self.left: dict[str, str] = {}
        self.groups: dict[tuple[str, Status], _Group] = {}

    def add(self, claim: Claim, day: str) -> None:
        if claim.past:  # background counts only where nothing current is said: see reading()
            return
        status, side = claim.status, claim.side
        if day and status == Status.CAPTURED:
            self.last_capture = max(self.last_capture, day)
        if day and status in (Status.CAPTURED, Status.CONTROLLED):
            self.last_hold = max(self.last_hold, day)
        if day and status == Status.WITHDRAWN:
            self.left[side] = max(self.left.get(side, ""), day)
        group = self.groups.get((side, status))
        if group is None:
            group = self.groups[(side, status)] = _Group(status in CONTROL_STATUSES)
        group.add(day, weight_of(claim) if status in HOLDS else 0,
                  is_independent(side, claim.source.kind, claim.source.side), claim.date)

    def reading(self) -> tuple[str, str, tuple[str, ...], str] | None:
        """(controller, status, sides, since) on the claims added so far; None when no current claim is left."""
        for (side, status), group in self.groups.items():
            if group.replaceable:
                group.replace_before(max(self.last_capture,
                                         self.left.get(side, "") if status != Status.WITHDRAWN else "",
                                         self.last_hold if status == Status.CONTESTED else ""))
        present = {key: group for key, group in self.groups.items() if group.count}
        if not present:
            return None
        sides = tuple(sorted({side for side, _ in present}))
        control = {key: group for key, group in present.items() if key[1] in HOLDS or key[1] == Status.WITHDRAWN}
        if not control:
            return "unknown", "attacked", sides, ""
        weight: dict[str, int] = defaultdict(int)
        assessed: dict[str, bool] = defaultdict(bool)
        for (side, status), group in control.items():
            if status in HOLDS:
                weight[side] += group.weight
                assessed[side] |= group.independent > 0
        withdrawn = {side for side, status in control if status == Status.WITHDRAWN}
        if not weight:
            return "unknown", "withdrawn", tuple(sorted(withdrawn)), ""
        fighting = (any(status == Status.CONTESTED for _, status in control))
        controller, status = _verdict(weight, assessed, fighting, withdrawn)
        since = min((d for (side, _), group in control.items() if side == controller
                     for d in [group.earliest_date()] if d), default="")
        return controller, status, sides, since


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
