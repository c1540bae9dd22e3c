"""The gazetteer: backbone plus curated files behind one lookup that ranks candidates with reasons."""
from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from rapidfuzz import fuzz

from ..model import Place, Precision
from . import backbone as backbone_module
from .curated import KIND_PRECISION, bundled_files, parse_curated, user_files
from .names import fold, skeleton

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
SETTLEMENT_KINDS = frozenset({"city", "town", "village", "camp"})
ADMIN_WORDS = re.compile(r"\b(?:governorate|province|oblast|region|state|muhafazat|gouvernorat\s+d['’]|"
                         r"gouvernorat\s+de|wilayat|mohafazat)\b", re.I)


@dataclass(frozen=True)
class Candidate:
    place: Place
    score: float
    match: str              # exact, skeleton, fuzzy
    reasons: tuple[str, ...]


class Gazetteer:
    """Resolves place names offline: `candidates(name, countries, kind_hint)` best first."""

    def __init__(self, extra_paths: Iterable[str | Path] = (), *, use_backbone: bool = True, bundled: bool = True,
                 progress=None):
        self.problems: list[str] = []
        self._entries: list[tuple] = []
        self._by_fold: dict[str, list[int]] = {}
        self._by_skeleton: dict[str, list[int]] = {}
        self.capitals: dict[str, str] = {}
        self.neighbours: dict[str, tuple[str, ...]] = {}
        if use_backbone:
            data = backbone_module.load_backbone(progress)
            self._entries = data["entries"]
            self._by_fold = data["by_fold"]
            self._by_skeleton = data["by_skeleton"]
            self.capitals = data["capitals"]
            self.neighbours = data["neighbours"]
        self._curated_fold: dict[str, list[int]] = defaultdict(list)
        self._curated_skeleton: dict[str, list[int]] = defaultdict(list)
        self._curated: list[tuple] = []
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
            self._curated.append((row.name, row.lat, row.lon, row.kind, row.country, row.admin1, 0, source,
                                  f"{source}:{fold(row.name).replace(' ', '-')}:{row.country.lower()}"))
            names = [row.name, *row.alternate_names]
            if row.kind == "admin1":  # "Idlib Governorate" is also what a text calls "Idlib" (province)
                names += [ADMIN_WORDS.sub("", n).strip() for n in names]
            keys = {fold(n) for n in names} - {""}
            for key in keys:
                self._curated_fold[key].append(idx)
            for key in {skeleton(k) for k in keys if len(k) >= 4}:
                if len(key) >= 2:
                    self._curated_skeleton[key].append(idx)

    # -- looking up -----------------------------------------------------------------------------
    def is_country(self, name: str) -> bool:
        return any(self._entry(i)[3] == "country" for i in self._fold_hits(fold(name)))

    def capital_of(self, name: str) -> str:
        """The country code whose capital this name is, or ''."""
        return self.capitals.get(fold(name), "")

    def _entry(self, ref: int) -> tuple:
        return self._curated[-ref - 1] if ref < 0 else self._entries[ref]

    def _fold_hits(self, key: str) -> list[int]:
        return [-i - 1 for i in self._curated_fold.get(key, ())] + list(self._by_fold.get(key, ()))

    def _skeleton_hits(self, key: str) -> list[int]:
        return [-i - 1 for i in self._curated_skeleton.get(key, ())] + list(self._by_skeleton.get(key, ()))

    def candidates(self, name: str, countries: Iterable[str] = (), kind_hint: str = "",
                   limit: int = 10) -> list[Candidate]:
        """Places this name may stand for, best first, each with its score and reasons."""
        countries = tuple(countries)
        key = fold(name)
        if not key:
            return []
        hits: dict[int, tuple[str, float]] = {}
        for ref in self._fold_hits(key):
            hits[ref] = ("exact", 1.0)
        skel = skeleton(key)
        if len(skel) >= 3 or (len(skel) == 2 and countries):  # short keys only within the article's region
            for ref in self._skeleton_hits(skel):
                if ref in hits:
                    continue
                entry = self._entry(ref)
                # Loose matches only within the article's region, or from curated war data.
                if entry[7] == "backbone" and countries and entry[4] not in countries:
                    continue
                similarity = max(fuzz.ratio(key, fold(entry[0])), 0) / 100
                if similarity < (0.7 if countries else 0.8):
                    continue  # consonants alike, words not: "Marea" is not "Maarat al-Numan"
                hits[ref] = ("skeleton", round(0.3 + 0.3 * similarity, 4))  # never above an exact match
        neighbours = {n for c in countries for n in self.neighbours.get(c, ())}
        ranked = [self._score(ref, match, base, countries, neighbours, kind_hint) for ref, (match, base) in hits.items()]
        ranked.sort(key=lambda c: (-c.score, c.place.id))
        return ranked[:limit]

    def _score(self, ref: int, match: str, base: float, countries: tuple[str, ...], neighbours: set[str],
               kind_hint: str) -> Candidate:
        name, lat, lon, kind, country, admin1, population, source, pid = self._entry(ref)
        score = base
        reasons = [f"{match} name match ({base:.2f})"]
        if countries:
            if country in countries:
                score += 0.5
                reasons.append(f"in the article's country {country} (+0.5)")
            elif country in neighbours:
                score += 0.15
                reasons.append(f"in neighbouring {country} (+0.15)")
        if source != "backbone":
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
        elif kind == "country" and match == "exact":
            score += 0.8
            reasons.append("a country's name (+0.8)")
        elif kind == "admin1":
            score -= 0.3
            reasons.append("an admin area named without 'province' (-0.3): the bare name is more often the city")
        elif kind in SETTLEMENT_KINDS:
            score += 0.05
        if population:
            bonus = 0.3 * min(1.0, math.log10(population + 1) / 7)
            score += bonus
            reasons.append(f"population {population:,} (+{bonus:.2f})")
        precision = KIND_PRECISION.get(kind, Precision.TOWN)
        place = Place(name=name, lat=lat, lon=lon, kind=kind, country=country, admin1=admin1,
                      precision=precision, source=source, id=pid)
        return Candidate(place=place, score=round(score, 4), match=match, reasons=tuple(reasons))

    def lookup(self, name: str, countries: Iterable[str] = (), kind_hint: str = "") -> Candidate | None:
        found = self.candidates(name, countries, kind_hint, limit=1)
        return found[0] if found else None
