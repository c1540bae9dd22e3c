"""Finding actors, named sources and place names in text, by the profile's names and by shape."""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache

from ..profiles import Actor, KnownSource, Profile

try:  # the parser behind re: which letters a pattern's matches start with
    from re import _parser as _sre
except ImportError:  # Python 3.10
    try:
        import sre_parse as _sre
    except ImportError:
        _sre = None  # then openings() knows nothing and every pattern is searched in full

PREPOSITIONS = frozenset(
    "in into to of from on at near around outside over across against with toward towards between for by "
    "within beyond via through under inside".split()
)
FACILITY_AFTER = re.compile(r"\s+(?:airport|air\s*base|airbase|base|academy|barracks|college|school|hospital|"
                            r"airfield|police\s+station|headquarters|compound|camp)\b", re.I)
# After a capital standing for its government comes what governments do: say, want, deny, warn...
METONYM_SUBJECT = re.compile(r"^(?:['’]s\b|\s*,|\s+(?:\w+ly\s+)?(?:has|have|had|is|was|will|would|must|should|"
                             r"could|can|may|said|says|say|insisted|insists|warned|warns|urged|urges|denied|denies|"
                             r"accused|accuses|claimed|claims|announced|announces|called|calls|demanded|demands|"
                             r"condemned|condemns|wants|wanted|rejected|rejects|blamed|blames|responded|threatened|"
                             r"threatens|pledged|pledges|vowed|vows|backed|backs|supports|supported|sent|sends|"
                             r"agreed|agrees|refused|refuses|ordered|orders|launched|launches|struck|strikes|"
                             r"declared|declares|confirmed|confirms|stated|states|added|adds|believes|sees|"
                             r"considers|recognised|recognized|and\s+\w+\s+(?:have|said|say))\b)", re.I)
HELD_SUFFIX = re.compile(r"^-(held|controlled|run|occupied|dominated|besieged)\b", re.I)


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    text: str
    kind: str        # actor, source, place
    name: str        # canonical actor/source name, or the place name to look up
    side: str = ""
    hint: str = ""   # place kind hint, or source kind
    held: str = ""   # for actors: '-held'-style adjective ("rebel-held")
    metonym: bool = False


def _alternation(names) -> str:
    ordered = sorted({n for n in names if n}, key=lambda n: (-len(n), n))
    return "|".join(re.escape(n).replace(r"\ ", r"\s+").replace("'", "['’]") for n in ordered)


_FOLDED_SUFFIX = re.compile(r"(?:e?s)?(?:'s|'(?!\w))?")
_EXACT_SUFFIX = re.compile(r"(?:['’]s)?")


# "allied with Damascus", "loyal to Moscow", "talks with Kyiv": the capital names its government
POLITICAL_BEFORE = re.compile(
    r"\b(?:(?:held|controlled|run|ruled|occupied|retaken|recaptured|captured|seized|liberated|backed|supported|armed|"
    r"funded|recogni[sz]ed|governed)\s+by|(?:allied|allies|ally|loyal|loyalty|linked|tied|ties|aligned|"
    r"talks|relations|deal|agreement|agreed|sided|affiliated|answerable|friendly|hostile|opposed|opposition|pressure|"
    r"proxies|proxy|envoy|negotiations|dialogue|reconciliation|rapprochement)\s+(?:with|to|by|on|against|from))\s+$",
    re.I)
POLITICAL_AFTER = re.compile(r"^(?:-|\s+)(?:ally|allies|backed|aligned|government|regime|officials|authorities|"
                             r"leadership|envoy|delegation|ties)\b", re.I)
ACRONYM = re.compile(r"([Tt]he\s+)?(?:[A-Z][A-Z0-9.&/-]{1,7}|(?<=he )(?:\s*[A-Z][\w'’-]*)+)")


class NameMatcher:
    """Finds the profile's actor and source names in text: every alias at once (Aho-Corasick), any case,
    with plural and possessive endings; acronyms (`exact`) only as written."""

    def __init__(self, profile: Profile):
        import ahocorasick

        self.by_alias: dict[str, Actor | KnownSource] = {}
        self._folded = ahocorasick.Automaton()
        self._exact = ahocorasick.Automaton()
        for entry in [*profile.sources, *profile.actors]:  # sources first: "Syrian Observatory" beats "Syrian"
            for alias in (entry.name, *entry.aliases):
                acronym = ACRONYM.fullmatch(alias)
                if acronym:  # "WHO", "the UN", "AP": only as written, never "who", "the un"
                    forms = [alias] if not acronym.group(1) else [alias, "T" + alias[1:], "t" + alias[1:]]
                    for form in forms:
                        if "=" + form not in self.by_alias:
                            self.by_alias["=" + form] = entry
                            self._exact.add_word(form, "=" + form)
                    continue
                key = _key(alias)
                if key and key not in self.by_alias:
                    self.by_alias[key] = entry
                    self._folded.add_word(key, key)
            for alias in entry.exact:
                if "=" + alias not in self.by_alias:
                    self.by_alias["=" + alias] = entry
                    self._exact.add_word(alias, "=" + alias)
        for automaton in (self._folded, self._exact):
            if len(automaton):
                automaton.make_automaton()
        self._cache: tuple[str, list[Mention], list[int], list[int]] | None = None

    def find(self, text: str, start: int, end: int) -> list[Mention]:
        """Mentions within text[start:end] (the whole text is scanned once and remembered)."""
        if self._cache is None or self._cache[0] is not text:
            found = self._scan(text)  # in order, not overlapping: their starts and their ends both ascend
            self._cache = (text, found, [m.start for m in found], [m.end for m in found])
        _, found, starts, ends = self._cache
        return found[bisect.bisect_left(starts, start):bisect.bisect_right(ends, end)]

    def _scan(self, text: str) -> list[Mention]:
        lowered = text.lower()
        if len(lowered) != len(text):  # a few characters lengthen when lower-cased: keep offsets aligned
            lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
        lowered = lowered.replace("’", "'")
        found: list[Mention] = []
        for haystack, automaton, suffix in ((text, self._exact, _EXACT_SUFFIX),
                                            (lowered, self._folded, _FOLDED_SUFFIX)):
            if not len(automaton):
                continue
            for last, key in automaton.iter(haystack):
                length = len(key) - 1 if key.startswith("=") else len(key)
                begin, stop = last - length + 1, last + 1
                if begin and (haystack[begin - 1].isalnum() or haystack[begin - 1] in "_-"):
                    continue
                stop = suffix.match(haystack, stop).end()
                if stop < len(haystack) and (haystack[stop].isalnum() or haystack[stop] == "_"):
                    continue
                if key.startswith(("=The ", "=the ")) and re.match(r"\s+[A-Z]", text[stop:stop + 3]):
                    continue  # "The National Army", not the outlet "The National"
                written = text[begin:stop]
                if " " not in written and written.islower() and FACILITY_AFTER.match(text[stop:stop + 20]):
                    continue  # "military airport", "army base": part of a facility's name
                found.append(self._mention(text, begin, stop, written, self.by_alias[key]))
        return _drop_overlaps(found)

    @staticmethod
    def _mention(text: str, start: int, end: int, written: str, entry) -> Mention:
        if isinstance(entry, KnownSource):
            return Mention(start, end, written, "source", entry.name, side=entry.side, hint=entry.kind)
        held = HELD_SUFFIX.match(text[end:end + 14])
        metonym = entry.metonym or False
        political = metonym and (POLITICAL_BEFORE.search(text[max(0, start - 40):start])
                                 or re.search(r"['’]s?$", written) or POLITICAL_AFTER.match(text[end:end + 30]))
        if metonym and not political and (_preceded_by_preposition(text, start)
                                          or not METONYM_SUBJECT.match(text[end:end + 40])):
            # "allied with Damascus", "Russia pounded Kyiv": the city, not its government
            # the side marks a capital that also names a government: not what "the city" refers back to
            return Mention(start, end, written, "place", written, hint="city", side=entry.side)
        return Mention(start, end, written, "actor", entry.name, side=entry.side,
                       held=held.group(1).lower() if held else "", metonym=metonym)


def _key(alias: str) -> str:
    return re.sub(r"\s+", " ", alias.replace("’", "'")).strip().lower()


def _preceded_by_preposition(text: str, start: int) -> bool:
    before = re.search(r"(\w+)\W*$", text[max(0, start - 20):start])
    return bool(before and before.group(1).lower() in PREPOSITIONS)


def _drop_overlaps(mentions: list[Mention]) -> list[Mention]:
    """Keep the longest of overlapping mentions, earliest first."""
    kept: list[Mention] = []
    for mention in sorted(mentions, key=lambda m: (m.start, -(m.end - m.start))):
        if kept and mention.start < kept[-1].end:
            continue
        kept.append(mention)
    return kept


_MATCHERS: dict[int, tuple[Profile, NameMatcher]] = {}


def matcher_for(profile: Profile) -> NameMatcher:
    """The compiled matcher of a profile, built once per profile object."""
    cached = _MATCHERS.get(id(profile))
    if cached is None or cached[0] is not profile:
        if len(_MATCHERS) > 64:
            _MATCHERS.clear()
        cached = _MATCHERS[id(profile)] = (profile, NameMatcher(profile))
    return cached[1]


# ---- places, found by shape -------------------------------------------------------------------
_WORD = r"(?:[A-Z][\w'’ʿ]*(?:-[A-Za-z][\w'’ʿ]*)*)"
_PARTICLE_WORD = r"(?:(?:al|el|as|ash|ar|ad|an|at|az|ez|es|ed|en|er|et|ul|adh|ath)[-‑](?:[A-Z][\w'’ʿ]*)(?:-[A-Za-z][\w'’ʿ]*)*)"
_LINK = r"(?:al|el|as|ash|ad|ar|an|at|az|ez|es|ed|en|er|et|ul|de|du|la|le|bin|ibn|bani)"
_NAME = rf"(?:{_WORD}|{_PARTICLE_WORD})(?:[^\S\n]+(?:{_LINK}[^\S\n]+)?(?:{_WORD}|{_PARTICLE_WORD}))*"  # not across lines
_ORDINAL = r"(?:\d+(?:st|nd|rd|th)\s+)"

# Nouns that name a facility or an area, with the kind of place they mean.
FACILITY_NOUNS = {
    "international airport": "airport", "airport": "airport", "military airport": "air_base", "airfield": "air_base",
    "air base": "air_base", "airbase": "air_base", "military base": "military_base", "base": "military_base",
    "barracks": "military_base", "military academy": "military_base", "academy": "military_base",
    "regiment base": "military_base", "citadel": "landmark", "castle": "landmark", "square": "landmark",
    "prison": "landmark", "central prison": "landmark", "university": "landmark", "hospital": "landmark",
    "stadium": "landmark", "dam": "landmark", "bridge": "landmark", "border crossing": "border_crossing",
    "crossing": "border_crossing", "refinery": "landmark", "power station": "landmark", "camp": "camp",
    "gas field": "landmark", "oil field": "landmark", "military camp": "camp", "army camp": "camp",
    "army base": "military_base", "naval base": "military_base", "oil refinery": "landmark",
    "police station": "landmark", "idp camp": "camp", "displacement camp": "camp",
}
AREA_NOUNS = {
    "province": "admin1", "governorate": "admin1", "oblast": "admin1", "region": "region", "state": "admin1",
    "countryside": "admin1", "district": "district", "neighbourhood": "district", "neighborhood": "district",
    "city": "city", "town": "town", "village": "village", "suburb": "district", "city centre": "city",
    "city center": "city", "refugee camp": "camp",
}
_FACILITY = _alternation(FACILITY_NOUNS)
_AREA = _alternation(AREA_NOUNS)
_ADJECTIVES = r"(?:(?:historic|iconic|ancient|old|main|key|strategic|strategically\s+important|important|military|civilian|international|nearby|neighbou?ring|northern|southern|eastern|western|central|besieged|rebel-held|government-held|major|large|small|whole|entire|rural)\s+)*"

FACILITY_POSSESSIVE = re.compile(rf"({_NAME})['’]s\s+(?i:{_ADJECTIVES})((?i:{_FACILITY}))\b")
FACILITY_AFTER_NAME = re.compile(rf"{_ORDINAL}?({_NAME})(?:\s+\([A-Z0-9][\w-]{{0,8}}\))?\s+((?i:{_FACILITY}))\b")
FACILITY_OF = re.compile(rf"\b((?i:{_FACILITY}))\s+of\s+({_NAME})")
AREA_OF = re.compile(rf"\b(?i:(?:the\s+)?{_ADJECTIVES})(?:[A-Z][a-z]+\s+)?((?i:{_AREA}))\s+of\s+({_NAME})")
AREAS_AFTER_NAMES = re.compile(rf"\b({_NAME})\s+and\s+({_NAME})\s+((?i:provinces|governorates|oblasts|regions|states))\b")
AREA_AFTER_NAME = re.compile(rf"\b(?i:(?:northern|southern|eastern|western|north|south|east|west|rural|central)\s+)?({_NAME})\s+((?i:{_AREA}))\b")
BARE_NAME = re.compile(_NAME)
ANAPHORIC_FACILITY = re.compile(rf"\bthe\s+(?i:{_ADJECTIVES})({_FACILITY})\b", re.I)

WORDS = re.compile(r"[a-z]+")  # the lower-case words of a text, for cheap tests before a pattern is tried
AREA_OF_NOUNS = tuple(AREA_NOUNS) + ("cities", "towns", "villages", "provinces", "districts", "regions", "states")
FACILITY_OF_CUES = tuple(f"{noun} of" for noun in FACILITY_NOUNS)
AREA_OF_CUES = tuple(f"{noun} of" for noun in AREA_OF_NOUNS)
FACILITY_WORDS = frozenset(w for noun in FACILITY_NOUNS for w in noun.split())
AREA_WORDS = frozenset(w for noun in AREA_NOUNS for w in noun.split()) | {"provinces", "governorates", "oblasts",
                                                                           "regions", "states"}
# The last words of the nouns: a whole word in every match of a pattern that ends with one
FACILITY_HEADS = frozenset(noun.split()[-1] for noun in FACILITY_NOUNS)
AREA_HEADS = frozenset(noun.split()[-1] for noun in AREA_NOUNS)
PLURAL_AREAS = frozenset({"provinces", "governorates", "oblasts", "regions", "states"})
# Characters that a case-insensitive pattern matches to an ASCII letter, or that lower-case to one
CASE_ODD = "İıſ\u212a"


def case_faithful(text: str) -> bool:
    """Whether the lower-cased text holds every ASCII word that a case-insensitive pattern finds in it."""
    return text.isascii() or not any(c in text for c in CASE_ODD)


@lru_cache(maxsize=8)
def lowered_words(text: str) -> frozenset[str]:
    """The lower-case words of a text (remembered a while: a sentence is asked for them more than once)."""
    return frozenset(WORDS.findall(text.lower()))


@lru_cache(maxsize=8)
def word_offsets(text: str) -> tuple[tuple[int, str], ...]:
    """(offset, word) of each run of a-z in the lower-cased text (remembered a while, as lowered_words)."""
    return tuple((m.start(), m.group()) for m in WORDS.finditer(text.lower()))


@dataclass(frozen=True)
class Openings:
    """How every match of a pattern starts, right after a word boundary: with one of `words` as a whole word, or
    with one of `prefixes` (no word starts with one; see openings); when neither is given, it is not known."""

    words: frozenset[str] = frozenset()
    prefixes: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.words or self.prefixes)

    def admit(self, word: str) -> bool:
        return word in self.words or word.startswith(self.prefixes)


def openings(pattern: re.Pattern) -> Openings:
    """The lower-case words or word beginnings that every match of the pattern starts with, after a word
    boundary, read from its parsed form."""
    try:  # the parser is Python's own, not a public API: a Python that changes it gets plain searches
        found = _openings(list(_sre.parse(pattern.pattern, pattern.flags)))
    except Exception:  # noqa: BLE001
        return Openings()
    if not found or any(not start.strip() for start in found):
        return Openings()
    prefixes = tuple(sorted(s for s in found if s[-1] != " "))
    return Openings(frozenset(s[:-1] for s in found if s[-1] == " " and not s.startswith(prefixes)), prefixes)


def _openings(items: list) -> set[str]:
    """A word boundary, then _letters; {''} when a match may start otherwise."""
    op, value = items[0] if items else (None, None)
    if op is _sre.SUBPATTERN:
        return _openings(list(value[-1]) + items[1:])
    if op is _sre.BRANCH:
        return set().union(*(_openings(list(branch) + items[1:]) for branch in value[1]))
    return _letters(items[1:]) if op is _sre.AT and value is _sre.AT_BOUNDARY else {""}


def _letters(items: list) -> set[str]:
    """The lower-case letters that a parsed pattern's matches start with, one string per way to start, with a
    space at the end when no letter of the same word can follow them."""
    op, value = items[0] if items else (None, None)
    if op is _sre.LITERAL:
        if chr(value).isascii() and chr(value).isalpha():
            return {chr(value).lower() + rest for rest in _letters(items[1:])}
        return {""} if chr(value) in CASE_ODD else {" "}
    if op is _sre.SUBPATTERN:
        return _letters(list(value[-1]) + items[1:])
    if op is _sre.BRANCH:
        return set().union(*(_letters(list(branch) + items[1:]) for branch in value[1]))
    if op in (_sre.ASSERT, _sre.ASSERT_NOT):  # a lookaround reads nothing: the letters are what follows
        return _letters(items[1:])
    if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT):
        low, high, body = value
        found = _letters(list(body) + (items[1:] if high == 1 else [])) if high else set()
        return found | _letters(items[1:]) if low == 0 else found
    if op is _sre.AT and value is _sre.AT_BOUNDARY or op is _sre.IN and value == [(_sre.CATEGORY, _sre.CATEGORY_SPACE)]:
        return {" "}
    return {""}


def match_at(pattern: re.Pattern, text: str, offsets, end: int):
    """pattern.finditer(text, offsets[0], end) when every match starts at one of the ascending offsets: in a
    case-faithful text, at the words (word_offsets) that the pattern's openings admit."""
    stop = 0
    for offset in offsets:
        if offset >= stop:
            match = pattern.match(text, offset, end)
            if match:
                stop = match.end()
                yield match


# Capitalised words that do not start or make a place name.
NOT_PLACE_WORDS = frozenset("""
the a an in on at by of for from to with and or but as after amid amidst according despite this that these those
there their they its it he she we his her our while when where which who meanwhile however moreover also yet
reports report rebel rebels government army president prime minister mr mrs ms dr gen general colonel commander
spokesperson spokesman minister ministry foreign affairs state media sources source officials official
syrian russian turkish iranian israeli kurdish lebanese iraqi american british french arab arabic islamic islamist
ukrainian sudanese yemeni congolese burmese palestinian jihadist western eastern northern southern central
monday tuesday wednesday thursday friday saturday sunday january february march april may june july august
september october november december related telegram twitter facebook x one two three four five six seven
eight nine ten dozens hundreds thousands on until since during over under about some many most several
shiite shia sunni alawite alawi druze christian christians muslim arab arabs turkmen assyrian armenian yazidi
kurd kurds israeli palestinian iranian lebanese jordanian saudi emirati qatari egyptian
today yesterday tonight tomorrow now currently earlier later overnight recently still already then since
statement statements communique translation palestinians israelis syrians ukrainians russians lebanese yemenis
sudanese congolese rwandans malians afghans iraqis iranians kurds arabs
catholic orthodox protestant evangelical thai chinese indian burmese bangladeshi malian burkinabe nigerien
rwandan ugandan burundian sudanese chadian libyan emirati houthi
false true misleading unproven fake rating verdict claim
""".split())
# Last words that make a capitalised name a unit, a body or an outlet, not a place ("110th Separate Mechanised Brigade")
NOT_PLACE_HEADS = frozenset("""brigade brigades battalion battalions division divisions regiment regiments corps army
forces group command unit units squadron company front movement party council committee ministry agency
organization organisation union alliance coalition office radio television corporation news times post church
mosque forum network observatory""".split())


THE_BEFORE = re.compile(r"\bthe\s+$", re.I)
SIDE_OF = re.compile(r"\s+side\s+of\b")
_AFFILIATION = re.compile(r"-(?:backed|led|held|controlled|based|run|allied|aligned|occupied|made|born)$", re.I)


def _not_place_word(word: str) -> bool:
    return word.lower().strip("'’") in NOT_PLACE_WORDS or "-" in word and bool(_AFFILIATION.search(word)) \
        or word.endswith(("'s", "’s")) and word[:-2].lower() in NOT_PLACE_WORDS


# A compass word starts a place's name ("South Kivu") unless a word that names no place follows ("South Sudanese")
COMPASS = frozenset({"north", "south", "east", "west"})


@lru_cache(maxsize=4096)
def _clean_name(name: str) -> tuple[int, str]:
    """Strip leading non-place words; returns (chars stripped, rest)."""
    words = name.split()
    drop = 0
    stripped = 0
    while drop < len(words) and (_not_place_word(words[drop]) or words[drop].lower() in COMPASS
                                 and drop + 1 < len(words) and _not_place_word(words[drop + 1])):
        stripped += len(words[drop]) + 1
        drop += 1
    rest = " ".join(words[drop:])
    return stripped, rest


def find_places(text: str, start: int, end: int, taken: list[Mention]) -> list[Mention]:
    """Place mentions in text[start:end], not overlapping the `taken` actor/source mentions."""
    found: list[Mention] = []

    def add(s: int, e: int, name: str, hint: str) -> None:
        if not any(s < m.end and m.start < e for m in taken):
            found.append(Mention(s, e, text[s:e], "place", name, hint=hint))

    # The facility and area patterns are slow to try; a sentence without one of their nouns cannot match them.
    segment = text[start:end]
    lowered = " ".join(segment.lower().split())
    words = lowered_words(segment)
    facilities = not words.isdisjoint(FACILITY_WORDS)
    areas = not words.isdisjoint(AREA_WORDS)
    facility_of = facilities and " of " in lowered and any(cue in lowered for cue in FACILITY_OF_CUES)
    area_of = areas and " of " in lowered and any(cue in lowered for cue in AREA_OF_CUES)
    # ... nor without the noun's last word, nor the possessive or the 'and' the pattern spells out
    faithful = case_faithful(segment)
    facilities = facilities and (not faithful or not words.isdisjoint(FACILITY_HEADS))
    owned = facilities and ("'s" in segment or "’s" in segment)
    areas_after = areas and "and" in segment and (not faithful or not words.isdisjoint(PLURAL_AREAS))
    areas = areas and (not faithful or not words.isdisjoint(AREA_HEADS))
    for match in (FACILITY_POSSESSIVE.finditer(text, start, end) if owned else ()):
        skip, city = _clean_name(match.group(1))
        if city:
            noun = match.group(2).lower()
            add(match.start(1) + skip, match.end(), f"{city} {noun}", FACILITY_NOUNS[noun])
    for match in (FACILITY_AFTER_NAME.finditer(text, start, end) if facilities else ()):
        skip, name = _clean_name(match.group(0)[: match.end(1) - match.start(0)])
        name_start = match.start(0) + skip
        owner = [m for m in taken if m.start <= name_start < m.end]
        if owner:  # "the Syrian Army's 46th Regiment base": keep the part after the actor
            name_start = owner[-1].end
            while name_start < match.end() and not text[name_start].isalnum():
                name_start += 1
            name = text[name_start:match.end(1)]
        noun = match.group(2).lower()
        if name:
            add(name_start, match.end(), f"{name} {noun}", FACILITY_NOUNS[noun])
    for match in (FACILITY_OF.finditer(text, start, end) if facility_of else ()):
        _, name = _clean_name(match.group(2))
        if name:
            noun = match.group(1).lower()
            add(match.start(), match.end(), f"{name} {noun}", FACILITY_NOUNS[noun])
    for match in (AREA_OF.finditer(text, start, end) if area_of else ()):
        skip, name = _clean_name(match.group(2))
        if name:
            add(match.start(), match.end(), name, AREA_NOUNS[match.group(1).lower()])
    for match in (AREA_AFTER_NAME.finditer(text, start, end) if areas else ()):
        skip, name = _clean_name(match.group(1))
        name = re.sub(r"['’]s?$", "", name)  # "Aleppo's countryside"
        if name:
            add(match.start(1) + skip, match.end(), name, AREA_NOUNS[match.group(2).lower()])
    for match in (AREAS_AFTER_NAMES.finditer(text, start, end) if areas_after else ()):
        for group in (1, 2):
            skip, name = _clean_name(match.group(group))
            if name:
                add(match.start(group) + skip, match.end(group), name, "admin1")
    for match in BARE_NAME.finditer(text, start, end):
        bare = _bare_name(match.group(0))
        if bare is None:
            continue
        skip, name, possessive = bare
        s = match.start() + skip
        if any(s < m.end and m.start < s + len(name) for m in taken) or _looks_like_person(text, s, name):
            continue
        if s == start and " " not in name and name.endswith(("ly", "ed", "ing")):
            continue  # "Currently," "Launched last week": a capitalised first word, not a place
        # "Tehran's influence": a possessive names the government, unless a part of the place follows
        metonym = possessive and not PLACE_PART_AFTER.match(text[match.end():match.end() + 40])
        # "the Oskil", "the Euphrates" (a river), "the Gaza side of the crossing": not a place taken
        if " " not in name and not possessive and THE_BEFORE.search(text, max(0, s - 5), s) \
                and not AREA_AFTER.match(text[s + len(name):s + len(name) + 20]):
            metonym = True  # but "the Heglig area", "the Kupiansk direction" name the place
        if SIDE_OF.match(text, s + len(name)):
            metonym = True
        found.append(Mention(s, s + len(name), text[s:s + len(name)], "place", name, metonym=metonym))
    return _drop_overlaps(found)


@lru_cache(maxsize=4096)
def _bare_name(written: str) -> tuple[int, str, bool] | None:
    """(chars skipped, name, whether possessive) of a capitalised name that may be a place's, or None."""
    skip, name = _clean_name(written)
    possessive = name.endswith(("'s", "’s", "'", "’"))
    if possessive:
        name = name[:-2] if name.endswith(("s", )) and name[-2:-1] in "'’" else name[:-1]
    if not name or name.lower() in NOT_PLACE_WORDS or name.rsplit(None, 1)[-1].lower() in NOT_PLACE_HEADS \
            or any(word.lower() in PERSON_TITLES for word in name.split()[1:]):
        return None  # "Defence Minister Yoav Gallant" is a person
    return skip, name, possessive


PERSON_TITLES = frozenset("minister president general colonel commander spokesman spokesperson spokeswoman governor "
                          "mayor secretary ambassador envoy".split())


AREA_AFTER = re.compile(r"\s+(?:area|region|district|countryside|oil\s+field|gas\s+field|field|dam|outskirts|suburbs|"
                        r"pocket|enclave)\b", re.I)  # not "direction", "axis", "front", "border": those are not the town
PLACE_PART_AFTER = re.compile(r"\s+(?:\w+\s+)?(?:outskirts|centre|center|neighbou?rhoods?|districts?|suburbs?|"
                              r"countryside|old\s+city|streets|quarters?|edges?|gates?|entrances?|east|west|north|"
                              r"south|eastern|western|northern|southern)\b", re.I)
PERSON_BEFORE = re.compile(r"\b(?i:president|prime\s+minister|minister|mr|mrs|ms|dr|gen|general|colonel|col|"
                           r"commander|leader|spokesperson|spokesman|spokeswoman|director|envoy|chief|head|official|"
                           r"coordinator|secretary|king|emir|sheikh|brother|son|daughter|statue\s+of|portrait\s+of|"
                           r"late|named|called|by|of\s+the\s+late|ambassador|governor|mayor|analyst|"
                           r"correspondent|reporter)\.?\s+(?:[A-Z][\w.]*\s+){0,2}$")
PERSON_AFTER = re.compile(r"^\s*,\s*(?:a|an|the)\s+(?:\w+\s+){0,3}(?:spokes\w+|commander|official|leader|"
                          r"director|minister|envoy|analyst|resident|activist|coordinator)\b|^\s+(?:said|says|told|"
                          r"added|explained|noted|stated)\b", re.I)


_PERSON_STARTS = openings(PERSON_BEFORE)


def _looks_like_person(text: str, start: int, name: str) -> bool:
    """A name preceded by a title or role ('President Bashar al-Assad'), or introduced as someone."""
    before = text[max(0, start - 40):start]
    after = text[start + len(name):start + len(name) + 60]
    return _title_before(before) or bool(" " in name and PERSON_AFTER.match(after))


def _title_before(before: str) -> bool:
    """PERSON_BEFORE.search(before), tried only at the words a match can start with (see match_at)."""
    if not case_faithful(before) or not _PERSON_STARTS:
        return PERSON_BEFORE.search(before) is not None
    return any(PERSON_BEFORE.match(before, word.start()) for word in WORDS.finditer(before.lower())
               if _PERSON_STARTS.admit(word.group()))
