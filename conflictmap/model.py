"""The data that flows through conflictmap: Article → Claim → ResolvedClaim → Assessment."""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Status(str, Enum):
    """What a claim says happened to a place, mapped to ACLED's event types in STATUS_EVENT_TYPE."""

    CAPTURED = "captured"
    CONTROLLED = "controlled"
    CONTESTED = "contested"
    WITHDRAWN = "withdrawn"
    ATTACKED = "attacked"
    DENIED = "denied"


# ACLED event type / sub-event type for each status (ACLED codebook categories).
STATUS_EVENT_TYPE = {
    Status.CAPTURED: "Battles / Non-state actor overtakes territory or Government regains territory",
    Status.CONTROLLED: "Strategic developments / Headquarters or base established",
    Status.CONTESTED: "Battles / Armed clash",
    Status.WITHDRAWN: "Strategic developments / Non-violent transfer of territory",
    Status.ATTACKED: "Explosions/Remote violence / Air or drone strike, Shelling/artillery/missile attack",
    Status.DENIED: "Strategic developments / Other",
}

# Statuses that say who holds a place; "attacked" does not.
CONTROL_STATUSES = frozenset({Status.CAPTURED, Status.CONTROLLED, Status.CONTESTED, Status.WITHDRAWN, Status.DENIED})


class Precision(str, Enum):
    """How exactly a resolved point stands for the place named (after ACLED/UCDP geo-precision)."""

    POINT = "point"          # a facility, landmark, neighbourhood: the spot itself
    TOWN = "town"            # a city, town or village: its centre
    DISTRICT = "district"    # a region or second-level area
    ADMIN1 = "admin1"        # a governorate, province, oblast or state
    COUNTRY = "country"


@dataclass(frozen=True)
class Article:
    """One article file: its text and header metadata. `id` is a hash of the text."""

    id: str
    path: str
    text: str
    title: str = ""
    outlet: str = ""
    url: str = ""
    published: str = ""  # ISO date when known
    body_start: int = 0  # offset in `text` where the body begins (after the header block)
    meta: tuple[tuple[str, str], ...] = ()

    @property
    def name(self) -> str:
        return self.path.replace("\\", "/").rsplit("/", 1)[-1]


@dataclass(frozen=True)
class Source:
    """Who makes a claim: a named source in the text, or the article itself (kind 'article')."""

    name: str
    kind: str = "article"  # article, monitor, wire, state_media, belligerent, un_ngo, official, anonymous, media
    side: str = ""         # the side this source belongs to or favours, when known

    @property
    def is_article(self) -> bool:
        return self.kind == "article"


@dataclass(frozen=True)
class Claim:
    """A statement in an article that a side holds, took, contests, left or attacked a place."""

    article_id: str
    article_name: str
    place_as_written: str
    place_hint: str          # name to look up (may differ from the text: 'Aleppo International Airport')
    kind_hint: str           # kind suggested by the text: 'admin1', 'airport', 'city', ... or ''
    actor: str
    side: str
    status: Status
    source: Source
    quote: str
    start: int               # offsets of `quote` in the article text
    end: int
    rule: str                # which extraction rule produced it
    date: str = ""           # ISO date of the claim when known (article date for present tense)
    past: bool = False       # background state ("had been held since 2020"), not the current report
    region: tuple[str, ...] = ()  # country codes of the war(s) the article is read as, for resolution
    zone: tuple[tuple[float, float, float, float], ...] = ()  # (south, west, north, east) boxes of the war's ground
    nearby: tuple[str, ...] = ()  # the other places its sentence names ("near Pokrovsk"): where to look for it
    near: str = ""           # the place the text locates it by ("near Pokrovsk", "south-west of Marinka", "Dabiq
                             # and the neighbouring town of X")
    near_km: float = 0.0     # how far from it, when the text says ("12 km north of Kherson")
    near_bearing: float = -1.0  # in which direction from it, in degrees from north ("south-west": 225), or -1


@dataclass(frozen=True)
class Figure:
    """A casualty or displacement figure as the article gives it, with its source; figures are never merged."""

    article_id: str
    article_name: str
    count: int               # the number (words approximate: "hundreds" → 200)
    as_written: str          # "at least 27 civilians have been killed"
    qualifier: str           # at least, more than, about, ...
    who: str                 # civilians, soldiers, people, families, ...
    outcome: str             # killed, wounded, displaced, casualties, missing, captured, detained
    place_as_written: str    # '' when the sentence names no place: then it belongs to the article
    place_hint: str
    kind_hint: str
    source: Source
    quote: str
    start: int
    end: int
    date: str = ""
    region: tuple[str, ...] = ()
    zone: tuple[tuple[float, float, float, float], ...] = ()


@dataclass(frozen=True)
class Place:
    """A resolved location."""

    name: str
    lat: float
    lon: float
    kind: str
    country: str
    admin1: str
    precision: Precision
    source: str              # backbone, curated, user
    id: str


@dataclass(frozen=True)
class ResolvedClaim:
    claim: Claim
    place: Place | None      # None when no gazetteer entry matched
    score: float = 0.0
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class ResolvedFigure:
    figure: Figure
    place: Place | None


@dataclass(frozen=True)
class Assessment:
    """What all the claims about one place add up to."""

    place: Place
    controller: str          # side, or 'contested' / 'unknown'
    status: str              # assessed, claimed, contested, attacked, withdrawn
    since: str
    claims: tuple[ResolvedClaim, ...] = field(default_factory=tuple)
    sides: tuple[str, ...] = ()
    figures: tuple[ResolvedFigure, ...] = ()
