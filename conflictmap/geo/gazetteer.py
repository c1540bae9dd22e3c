"""The gazetteer: backbone plus curated files behind one lookup that ranks candidates with reasons."""
from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from rapidfuzz import fuzz

from ..model import Place, Precision
from . import backbone as backbone_module
from .backbone import ADMIN_KINDS, ADMIN_WORDS, SETTLEMENT_KINDS, entry_of
from .curated import KIND_PRECISION, bundled_files, parse_curated, user_files
from .imported import imported_files
from .online import AnswerCache, OnlineGeocoder
from .names import fold, letters, skeleton

# Kinds a text hint may ask for, and the entry kinds that satisfy it.
HINT_KINDS = {
    "admin1": {"admin1"},
    "airport": {"airport", "air_base"},
    "air_base": {"air_base", "airport"},
    "military_base": {"military_base", "air_base"},
    "border_crossing": {"border_crossing"},
    "landmark": {"landmark", "district"},
    "district": {"district", "landmark"},
    "settlement": {"city", "town", "village", "camp"},
    "city": {"city", "town"},
    "town": {"town", "city", "village"},
    "village": {"village", "town", "city"},
    "region": {"region", "admin2", "admin1"},
    "country": {"country"},
}
STRIDE = 100_000_000  # row ids of each database live in their own range


@dataclass(frozen=True, slots=True)
class Candidate:
    place: Place
    score: float
    match: str              # exact, skeleton, fuzzy
    reasons: tuple[str, ...]


class Gazetteer:
    """Resolves place names offline: `candidates(name, countries, kind_hint)` best first."""

    def __init__(self, extra_paths: Iterable[str | Path] = (), *, use_backbone: bool = True, bundled: bool = True,
                 online: OnlineGeocoder | None = None, progress=None):
        self.problems: list[str] = []
        self.online = online
        cached = AnswerCache.default_path()
        self._answers = online.cache if online is not None else (AnswerCache(cached) if cached.exists() else None)
        self.capitals: dict[str, str] = {}
        self.neighbours: dict[str, tuple[str, ...]] = {}
        self._dbs: list[sqlite3.Connection] = []  # the backbone, then the user's imported GeoNames dumps
        self._arrays: backbone_module.Arrays | None = None  # the backbone's places and name keys, in memory
        self._rows: dict[int, tuple] = {}  # entries read so far from imported dumps, by ref (number * STRIDE + id)
        self._memo: dict[tuple, tuple[Candidate, ...]] = {}  # answers given, by question
        if use_backbone:
            backbone = backbone_module.open_backbone(progress)
            meta = dict(backbone.execute("SELECT key, value FROM meta"))
            self.capitals = json.loads(meta["capitals"])
            self.neighbours = {k: tuple(v) for k, v in json.loads(meta["neighbours"]).items()}
            self._dbs.append(backbone)
            self._arrays = backbone_module.Arrays.of(backbone)
        for path in imported_files():
            try:
                self._dbs.append(sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False))
            except sqlite3.Error as err:
                self.problems.append(f"{path}: cannot be opened ({err}); import it again")
        self._curated_fold: dict[str, list[int]] = defaultdict(list)
        self._curated_skeleton: dict[str, list[int]] | None = None  # built when first needed
        self._curated_folds: list[set[str]] = []  # each entry's fold keys, for its skeleton keys
        self._curated: list[tuple] = []
        self._curated_main: list[str] = []  # the fold of each entry's own name
        files = bundled_files() if bundled else []
        extra, problems = user_files(list(extra_paths))
        self.problems.extend(problems)
        for origin, text in files:
            self._add_curated(origin, text, "curated")
        for origin, text in extra:
            self._add_curated(origin, text, "user")

    # -- building -------------------------------------------------------------------------------
    def _add_curated(self, origin: str, text: str, source: str) -> None:
        rows, problems = parse_curated(text, origin)
        self.problems.extend(problems)
        for row in rows:
            idx = len(self._curated)
            pid = f"{source}:{fold(row.name).replace(' ', '-')}:{row.country.lower()}"
            self._curated.append(entry_of((row.name, row.lat, row.lon, row.kind, row.country, row.admin1, 0, source,
                                           pid)))
            self._curated_main.append(fold(row.name))
            names = [row.name, *row.alternate_names]
            if row.kind == "admin1":  # "Idlib Governorate" is also what a text calls "Idlib" (province)
                names += [ADMIN_WORDS.sub("", n).strip() for n in names]
            folds = {key for key in map(fold, names) if key}  # skeleton keys come later, when first needed
            self._curated_folds.append(folds)
            for key in folds:
                self._curated_fold[key].append(idx)
        self._curated_skeleton = None

    def _curated_skeletons(self) -> dict[str, list[int]]:
        if self._curated_skeleton is None:
            self._curated_skeleton = defaultdict(list)
            for idx, folds in enumerate(self._curated_folds):
                for key in backbone_module.skeleton_keys(folds):
                    self._curated_skeleton[key].append(idx)
        return self._curated_skeleton

    # -- looking up -----------------------------------------------------------------------------
    def is_country(self, name: str) -> bool:
        key = fold(name)
        return bool(key) and any(entry[3] == "country" for _, entry, _ in self._exact_hits(key))

    def capital_of(self, name: str) -> str:
        """The country code whose capital this name is, or ''."""
        return self.capitals.get(fold(name), "")

    def _entry(self, ref: int) -> tuple:
        """An entry (see backbone.Entry). Curated entries have negative refs, database rows database number *
        STRIDE + their id."""
        if ref < 0:
            return self._curated[-ref - 1]
        if ref < STRIDE and self._arrays is not None:
            return self._arrays.entry(ref)
        entry = self._rows.get(ref)
        if entry is None:
            row = self._dbs[ref // STRIDE].execute(
                "SELECT name, lat, lon, kind, country, admin1, population, source, pid FROM places WHERE id=?",
                (ref % STRIDE,)).fetchone()
            entry = self._imported_entry(ref, row)
        return entry

    def _imported_entry(self, ref: int, row: tuple) -> tuple:
        """The entry of an imported dump's row, kept for later."""
        entry = self._rows.get(ref)
        if entry is None:
            entry = self._rows[ref] = entry_of(row)
        return entry

    def _database_hits(self, table: str, key: str, number: int) -> list[tuple[int, tuple]]:
        try:
            found = self._dbs[number].execute(
                f"SELECT p.id, p.name, p.lat, p.lon, p.kind, p.country, p.admin1, p.population, p.source, p.pid "
                f"FROM {table} k JOIN places p ON p.id = k.place WHERE k.key = ?", (key,)).fetchall()
        except sqlite3.Error:
            return []
        refs = [number * STRIDE + row[0] for row in found]
        return [(ref, self._imported_entry(ref, row[1:])) for ref, row in zip(refs, found)]

    def _exact_hits(self, key: str) -> list[tuple[int, tuple, bool]]:
        """(ref, entry, whether the key is the entry's own name) for entries with this fold key: curated first,
        then each database's by id."""
        curated = self._curated_fold.get(key)
        hits = [(-i - 1, self._curated[i], self._curated_main[i] == key) for i in curated] if curated else []
        for number in range(len(self._dbs)):
            if number == 0 and self._arrays is not None:
                hits += self._arrays.named(key)
            else:
                hits += [(ref, row, fold(row[0]) == key) for ref, row in self._database_hits("names", key, number)]
        return hits

    def _skeleton_hits(self, key: str, countries: tuple[str, ...]) -> list[int]:
        """Refs of entries with this skeleton key; with countries, none of the backbone's outside them."""
        refs = [-i - 1 for i in self._curated_skeletons().get(key, ())]
        for number in range(len(self._dbs)):
            arrays = self._arrays if number == 0 else None
            if arrays is not None:
                places = arrays.skeletons.find(key)[1]
                if countries:  # as the check in _candidates, but before reading whole rows
                    places = [p for p, (country, source) in zip(places, map(arrays.country_and_source, places))
                              if source != "backbone" or country in countries]
                refs += places
            else:
                refs += [ref for ref, _ in self._database_hits("skeletons", key, number)]
        return refs

    def candidates(self, name: str, countries: Iterable[str] = (), kind_hint: str = "",
                   limit: int = 10) -> list[Candidate]:
        """Places this name may stand for, best first, each with its score and reasons."""
        key = (name, tuple(countries), kind_hint, limit)
        found = self._memo.get(key)
        if found is None:
            if len(self._memo) > 50_000:
                self._memo.clear()
            found = self._memo[key] = tuple(self._candidates(name, key[1], kind_hint, limit))
        return list(found)

    def _candidates(self, name: str, countries: tuple[str, ...], kind_hint: str, limit: int) -> list[Candidate]:
        key = fold(name)
        if not key:
            return []
        exact = self._exact_hits(key)
        if countries:
            exact_in_region = any(entry[4] in countries for _, entry, _ in exact)
        else:
            exact_in_region = bool(exact)
        # an exact match where the article is: spelling variants are not needed
        loose = [] if exact_in_region else self._loose_hits(key, countries, {ref for ref, _, _ in exact})
        if not exact and not loose and (self.online is not None or self._answers is not None):
            return self._online_candidates(name, countries)
        neighbours = {n for c in countries for n in self.neighbours.get(c, ())} if countries else set()
        # (score, reasons, entry, match) for every hit; Candidates only for those returned. The main-name bonus
        # goes to the name as written, not to a folded likeness.
        ranked = [_score(entry, "exact", 1.0, own and (entry[0] == name or letters(entry[0]) == letters(name)),
                         countries, neighbours, kind_hint) for _, entry, own in exact]
        if loose:
            ranked += [_score(entry, "skeleton", base, False, countries, neighbours, kind_hint)
                       for entry, base in loose]
        if not kind_hint:
            ranked = _admin_or_town(ranked)
        if len(ranked) > 1:
            ranked.sort(key=lambda item: (-item[0], item[2][8]))
            ranked = _distinct(ranked, limit)
        return [_candidate(*item) for item in ranked[:limit]]

    def _loose_hits(self, key: str, countries: tuple[str, ...], exact: set[int]) -> list[tuple[tuple, float]]:
        """(entry, base score) of entries whose name is a spelling variant of this fold key, none of the `exact`
        refs."""
        skel = skeleton(key)
        if not (len(skel) >= 3 or (len(skel) == 2 and countries)):  # short keys only within the article's region
            return []
        loose = []
        for ref in self._skeleton_hits(skel, countries):
            if ref in exact:
                continue
            entry = self._entry(ref)
            # Loose matches only within the article's region, or from curated war data.
            if entry[7] == "backbone" and countries and entry[4] not in countries:
                continue
            main = fold(entry[0])
            similarity = max(fuzz.ratio(key, main), fuzz.ratio(_vowels(key), _vowels(main))) / 100
            floor = 0.85 if len(key) <= 6 else 0.7 if countries else 0.8
            if len(key) <= 6 and _consonants(key) != _consonants(main):
                continue  # a short name: same consonants in the same order, or no match ("Kani" is not "Kanbe")
            if similarity < floor:
                continue  # consonants alike, words not: "Marea" is not "Maarat al-Numan", "Shifa" not "Haifa"
            loose.append((entry, round(0.3 + 0.3 * similarity, 4)))  # never above an exact match
        return loose

    def _online_candidates(self, name: str, countries: tuple[str, ...]) -> list[Candidate]:
        """What the online geocoder says (or said before: its answers are cached) of a name nothing offline knows."""
        if self.online is not None:
            answer, source = self.online.lookup(name, countries), f"online:{self.online.service}"
        else:
            answer, source = self._answers.any(name, countries), "online cache"
        if answer is None:
            return []
        place = Place(name=answer.name, lat=answer.lat, lon=answer.lon, kind=answer.kind, country=answer.country,
                      admin1="", precision=KIND_PRECISION.get(answer.kind, Precision.TOWN), source=source,
                      id=f"online:{fold(name).replace(' ', '-')}:{answer.lat:.4f},{answer.lon:.4f}")
        return [Candidate(place=place, score=0.9, match="online",
                          reasons=(f"no offline entry; answer of {source} (0.90)",))]

    def lookup(self, name: str, countries: Iterable[str] = (), kind_hint: str = "") -> Candidate | None:
        found = self.candidates(name, countries, kind_hint, limit=1)
        return found[0] if found else None


def _score(entry: tuple, match: str, base: float, own: bool, countries: tuple[str, ...], neighbours: set[str],
           kind_hint: str) -> tuple[float, list[str], tuple, str]:
    """(score, reasons, entry, match); `own`: the name asked is the entry's own name, not an alternate."""
    kind, country, source = entry[3], entry[4], entry[7]
    score = base
    reasons = [_match_reason(match, base)]
    if match == "exact" and own:
        score += 0.1
        reasons.append("its main name, not an alternate (+0.1)")
    if countries:
        if country in countries:
            score += 0.5
            reasons.append(_country_reason(country))
        elif country in neighbours:
            score += 0.15
            reasons.append(f"in neighbouring {country} (+0.15)")
    if source in ("curated", "user"):
        bonus = 0.3 if match == "exact" else 0.1
        score += bonus
        reasons.append(f"{source} entry (+{bonus})")
    if kind_hint:
        wanted = HINT_KINDS.get(kind_hint, {kind_hint})
        if kind in wanted:
            score += 0.6
            reasons.append(f"kind {kind} fits the text's '{kind_hint}' (+0.6)")
        elif kind_hint != "settlement" or kind not in SETTLEMENT_KINDS:
            score -= 0.4
            reasons.append(f"kind {kind} does not fit the text's '{kind_hint}' (-0.4)")
    elif kind in ("country", "continent") and match == "exact":
        bonus = 0.8 if not countries or country in countries else 0.3
        score += bonus
        reasons.append(f"a {kind}'s name (+{bonus})")
    elif kind in ("admin1", "admin2"):
        pass  # weighed against same-named towns in candidates()
    elif kind in SETTLEMENT_KINDS:
        score += 0.05
    if entry[6]:  # its population
        score += entry[10]
        reasons.append(entry[11])
    return round(score, 4), reasons, entry, match


# Reasons that recur, each written once
@lru_cache(maxsize=4096)
def _match_reason(match: str, base: float) -> str:
    return f"{match} name match ({base:.2f})"


@lru_cache(maxsize=1024)
def _country_reason(country: str) -> str:
    return f"in the article's country {country} (+0.5)"


def _candidate(score: float, reasons: list[str], entry: tuple, match: str) -> Candidate:
    place = Place(*entry[:6], KIND_PRECISION.get(entry[3], Precision.TOWN), entry[7], entry[8])
    return Candidate(place, score, match, tuple(reasons))


def _distinct(ranked: list[tuple], limit: int) -> list[tuple]:
    """Drop an entry that is the same place as a better one (a curated row and its GeoNames twin); stop at
    `limit` kept when it is positive."""
    kept: list[tuple] = []
    seen: list[tuple] = []  # (precision, lat, lon) of those kept
    for item in ranked:
        entry = item[2]
        precision, lat, lon = KIND_PRECISION.get(entry[3], Precision.TOWN), entry[1], entry[2]
        for other, other_lat, other_lon in seen:
            if other == precision and abs(other_lat - lat) < 0.03 and abs(other_lon - lon) < 0.03:
                break
        else:
            kept.append(item)
            seen.append((precision, lat, lon))
            if len(kept) == limit:
                break
    return kept


def _admin_or_town(ranked: list[tuple]) -> list[tuple]:
    """A bare name shared by an admin area and a town in it ("Idlib", "Donetsk") is more often the town;
    an admin area with no such town ("Virginia", "Kherson Oblast") stands as itself."""
    if ADMIN_KINDS.isdisjoint([item[2][3] for item in ranked]):
        return ranked
    towns: dict[str, list[tuple]] = defaultdict(list)  # exact matches of towns by twin key (see backbone.twin_key)
    for _, _, town, match in ranked:
        if town[3] in SETTLEMENT_KINDS and match == "exact":
            towns[town[9]].append(town)
    weighed = []
    for item in ranked:
        score, reasons, area, match = item
        if area[3] in ADMIN_KINDS:
            name, lat, lon, kind, country, admin1 = area[:6]

            def inside(town: tuple) -> bool:
                if town[5]:
                    return town[5] in (name, admin1)
                return abs(town[1] - lat) + abs(town[2] - lon) < 1.5  # no admin recorded: near its centre

            twin = any(town[4] == country and inside(town) for town in towns.get(area[9], ()))  # the same name, in it
            change, why = (-0.3, "a town of the same name is there (-0.3)") if twin else \
                (0.2 if kind == "admin1" else 0.0, "an admin area with no town of that name (+0.2)")
            item = round(score + change, 4), reasons + [why], area, match
        weighed.append(item)
    return weighed


_VOWEL_SHIFTS = str.maketrans({"e": "i", "o": "u"})


def _vowels(name: str) -> str:
    """A name with the vowels transliterations swap made one ("Rajo", "Raju"; "Idleb", "Idlib") and letters
    written twice once ("Raqqa", "Raqa")."""
    shifted = name.translate(_VOWEL_SHIFTS)
    return "".join(ch for i, ch in enumerate(shifted) if i == 0 or ch != shifted[i - 1])


def _consonants(name: str) -> str:
    """The consonants of a name in order, letters written twice once: 'raju' and 'rajo' → 'rj'."""
    letters = [ch for ch in name if ch.isalpha() and ch not in "aeiouy"]
    return "".join(ch for i, ch in enumerate(letters) if i == 0 or ch != letters[i - 1])
