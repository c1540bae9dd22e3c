"""Conflict profiles: each war's actors, sides, colours, sources and region, as TOML data files."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

UNKNOWN_SIDE = "unknown"
UNKNOWN_COLOUR = "#7f7f7f"


@dataclass(frozen=True)
class Actor:
    name: str
    side: str
    aliases: tuple[str, ...]
    exact: tuple[str, ...] = ()
    metonym: bool = False
    shared: bool = False  # names also used in other wars' news: they do not point to this war


@dataclass(frozen=True)
class KnownSource:
    name: str
    kind: str
    side: str
    aliases: tuple[str, ...]
    exact: tuple[str, ...] = ()


@dataclass(frozen=True)
class Side:
    key: str
    label: str
    colour: str


@dataclass
class Profile:
    """One war's profile, or several merged (the common one is always merged in)."""

    name: str
    title: str
    countries: tuple[str, ...] = ()
    zone: tuple[tuple[float, float, float, float], ...] = ()  # boxes (south, west, north, east) of the war's ground
    keywords: tuple[str, ...] = ()
    sides: dict[str, Side] = field(default_factory=dict)
    actors: list[Actor] = field(default_factory=list)
    sources: list[KnownSource] = field(default_factory=list)
    anonymous_heads: frozenset[str] = frozenset()
    anaphora: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def colour(self, side: str) -> str:
        return self.sides[side].colour if side in self.sides else UNKNOWN_COLOUR

    def label(self, side: str) -> str:
        return self.sides[side].label if side in self.sides else side.capitalize()

    def merged(self, other: "Profile") -> "Profile":
        return Profile(
            name="+".join(dict.fromkeys(n for n in (*self.name.split("+"), *other.name.split("+"))
                                        if n != "common")) or "common",
            title=" / ".join(dict.fromkeys(t for t in (*self.title.split(" / "), *other.title.split(" / "))
                                           if t and not t.startswith("Shared"))),
            countries=tuple(dict.fromkeys(self.countries + other.countries)),
            zone=tuple(dict.fromkeys(self.zone + other.zone)),
            keywords=tuple(dict.fromkeys(self.keywords + other.keywords)),
            sides={**other.sides, **self.sides},
            actors=self.actors + other.actors,
            sources=self.sources + other.sources,
            anonymous_heads=self.anonymous_heads | other.anonymous_heads,
            anaphora={**other.anaphora, **self.anaphora},
        )


def parse_profile(text: str, origin: str) -> Profile:
    """A profile from TOML text. Raises ValueError naming `origin` when the data is wrong."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise ValueError(f"{origin}: not valid TOML ({err})") from err
    try:
        sides = {key: Side(key, str(v.get("label", key)), str(v.get("colour", UNKNOWN_COLOUR)))
                 for key, v in data.get("sides", {}).items()}
        actors = [Actor(name=a["name"], side=a.get("side", UNKNOWN_SIDE), aliases=tuple(a.get("aliases", ())),
                        exact=tuple(a.get("exact", ())), metonym=bool(a.get("metonym", False)),
                        shared=bool(a.get("shared", False)))
                  for a in data.get("actors", [])]
        sources = [KnownSource(name=s["name"], kind=s.get("kind", "media"), side=s.get("side", ""),
                               aliases=tuple(s.get("aliases", ())), exact=tuple(s.get("exact", ())))
                   for s in data.get("sources", [])]
    except (KeyError, TypeError, AttributeError) as err:
        raise ValueError(f"{origin}: malformed profile ({err!r})") from err
    zone = []
    for box in data.get("zone", ()):
        if not (isinstance(box, list) and len(box) == 4 and all(isinstance(v, (int, float)) for v in box)
                and -90 <= box[0] < box[2] <= 90 and -180 <= box[1] < box[3] <= 180):
            raise ValueError(f"{origin}: zone {box!r} is not a box [south, west, north, east] in degrees")
        zone.append(tuple(float(v) for v in box))
    for actor in actors:
        if sides and actor.side not in sides and actor.side != UNKNOWN_SIDE:
            raise ValueError(f"{origin}: actor {actor.name!r} has side {actor.side!r}, not one of {sorted(sides)}")
    return Profile(
        name=str(data.get("name", Path(origin).stem)),
        title=str(data.get("title", "")),
        countries=tuple(data.get("countries", ())),
        zone=tuple(zone),
        keywords=tuple(data.get("keywords", ())),
        sides=sides,
        actors=actors,
        sources=sources,
        anonymous_heads=frozenset(data.get("anonymous", {}).get("heads", ())),
        anaphora={k.lower(): tuple(v) for k, v in data.get("anaphora", {}).items()},
    )


@lru_cache(maxsize=1)
def bundled_profiles() -> dict[str, Profile]:
    """The profiles shipped with conflictmap, by name (read once)."""
    found = {}
    for entry in sorted(resources.files(__package__).iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            profile = parse_profile(entry.read_text(encoding="utf-8"), f"profiles/{entry.name}")
            found[profile.name] = profile
    return found


def load_profile(spec: str, available: dict[str, Profile] | None = None) -> Profile:
    """A profile by bundled name ('syria') or by path to a TOML file."""
    available = bundled_profiles() if available is None else available
    if spec in available:
        return available[spec]
    path = Path(spec)
    if path.is_file():
        return parse_profile(path.read_text(encoding="utf-8"), str(path))
    raise ValueError(f"no profile {spec!r}: give one of {', '.join(sorted(n for n in available if n != 'common'))} "
                     f"or the path of a TOML file")


def distinctive_names(profile: Profile) -> tuple[str, ...]:
    """Words that point to this war: its keywords, its actors' names and acronyms, its own sources."""
    names = list(profile.keywords)
    for actor in profile.actors:
        if actor.shared:
            continue
        names.extend(actor.exact)
        names.extend(a for a in (actor.name, *actor.aliases) if any(ch.isupper() for ch in a[1:]) or " " in a
                     and a[:1].isupper())
    for source in profile.sources:
        names.extend(source.exact)
    return tuple(dict.fromkeys(n for n in names if len(n) >= 2))


_AUTOMATA: dict[int, tuple[Profile, object]] = {}


def _automaton(profile: Profile):
    """An Aho-Corasick automaton of the profile's distinctive names (lower-cased), built once per profile."""
    import ahocorasick

    cached = _AUTOMATA.get(id(profile))
    if cached is None or cached[0] is not profile:
        automaton = ahocorasick.Automaton()
        for name in distinctive_names(profile):
            automaton.add_word(name.lower(), (len(name), name if name.isupper() else ""))
        if len(automaton):
            automaton.make_automaton()
        cached = _AUTOMATA[id(profile)] = (profile, automaton if len(automaton) else None)
    return cached[1]


def keyword_hits(profile: Profile, text: str) -> int:
    """How often the article uses names that point to this profile's war (acronyms only as written)."""
    automaton = _automaton(profile)
    if automaton is None:
        return 0
    hits = 0
    lowered = text.lower()
    for end, (length, exact) in automaton.iter(lowered):
        start = end - length + 1
        if (start and lowered[start - 1].isalnum()) or (end + 1 < len(lowered) and lowered[end + 1].isalnum()):
            continue  # part of a longer word
        if exact and text[start:end + 1] != exact:
            continue  # "IS" the group, not "is"
        hits += 1
    return hits


def choose_profiles(text: str, available: dict[str, Profile]) -> list[Profile]:
    """The war profiles an article is about, best first: the one its names point to most, and any other
    named at least a third as often (an article can span two wars)."""
    scored = [(keyword_hits(p, text), name) for name, p in available.items() if name != "common"]
    scored = sorted(((hits, name) for hits, name in scored if hits), key=lambda item: (-item[0], item[1]))
    if not scored:
        return []
    best = scored[0][0]
    return [available[name] for hits, name in scored if hits == best or hits >= max(2, best / 3)]


_MERGED: dict[tuple, Profile] = {}


def profile_for(text: str, available: dict[str, Profile], forced: list[Profile] | None = None) -> Profile:
    """The merged profile to read one article with: the forced ones, or those chosen from its text.
    The same choice gives the same Profile object, so what is compiled from it is compiled once."""
    chosen = forced if forced else choose_profiles(text, available)
    key = (id(available), tuple(id(p) for p in chosen))
    if key not in _MERGED:
        merged = available.get("common") or Profile(name="common", title="")
        for profile in reversed(chosen):  # the best-matching profile is merged last and wins on conflicts
            merged = profile.merged(merged)
        if len(_MERGED) > 256:
            _MERGED.clear()
        _MERGED[key] = merged
    return _MERGED[key]
