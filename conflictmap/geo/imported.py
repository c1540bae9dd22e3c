"""GeoNames dumps imported by the user (a country file such as SY.txt, or allCountries.txt), for village-level
coverage offline. Each import becomes an SQLite file beside the user's data, in the backbone's layout.

The GeoNames tab format: geonameid, name, asciiname, alternatenames, latitude, longitude, feature class,
feature code, country code, cc2, admin1 code, admin2 code, admin3, admin4, population, elevation, dem,
timezone, modification date. alternateNames.txt: alternateNameId, geonameid, isolanguage, alternate name, ...
"""
from __future__ import annotations

import os
import re
import sqlite3
from pathlib import Path
from typing import Callable, Iterator

from ..files import replacing
from .backbone import SCHEMA, name_keys

# GeoNames feature class and code → our kind; water (H) and undersea (U) features are never places held.
FEATURE_KINDS = {
    ("A", "PCLI"): "country", ("A", "PCLD"): "country", ("A", "PCLF"): "country", ("A", "PCLS"): "country",
    ("A", "ADM1"): "admin1", ("A", "ADM2"): "admin2", ("A", "ADM3"): "admin2",
    ("S", "AIRP"): "airport", ("S", "AIRF"): "air_base", ("S", "AIRB"): "air_base", ("S", "AIRH"): "air_base",
    ("S", "MILB"): "military_base", ("S", "INSM"): "military_base", ("S", "BDG"): "landmark",
    ("S", "PSTB"): "border_crossing", ("S", "CSTL"): "landmark", ("S", "PRN"): "landmark",
    ("S", "HSP"): "landmark", ("S", "DAM"): "landmark", ("S", "SQR"): "landmark", ("S", "CMP"): "camp",
    ("S", "CMPRF"): "camp", ("P", "PPLX"): "district",
}
CLASS_KINDS = {"P": "city", "A": "region", "L": "region", "T": "region", "R": "road", "S": "landmark"}
SKIPPED_LANGUAGES = frozenset({"link", "post", "iata", "icao", "faac", "wkdt", "unlc", "fr_1793"})


def data_dir() -> Path:
    """Where imported data lives: $CONFLICTMAP_DATA, else $XDG_DATA_HOME/conflictmap, else ~/.local/share/conflictmap."""
    if os.environ.get("CONFLICTMAP_DATA"):
        return Path(os.environ["CONFLICTMAP_DATA"])
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "conflictmap"


def imported_files() -> list[Path]:
    folder = data_dir()
    return sorted(folder.glob("imported-*.sqlite")) if folder.is_dir() else []


def kind_of(feature_class: str, feature_code: str) -> str:
    return FEATURE_KINDS.get((feature_class, feature_code)) or CLASS_KINDS.get(feature_class, "")


class GeoNamesFormatError(ValueError):
    """A dump that cannot be read as GeoNames data."""


def _rows(path: Path, problems: list[str]) -> Iterator[list[str]]:
    with open(path, encoding="utf-8", errors="replace", newline="") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip() or line.startswith("#"):
                continue
            fields = line.rstrip("\n").split("\t")
            if len(fields) < 15:
                problems.append(f"{path}:{number}: {len(fields)} tab-separated fields, GeoNames has 19; line skipped")
                continue
            yield fields


def read_alternate_names(path: Path, wanted: set[str]) -> dict[str, list[str]]:
    """Alternate names by geonameid, for the ids in `wanted`."""
    names: dict[str, list[str]] = {}
    with open(path, encoding="utf-8", errors="replace") as handle:
        for line in handle:
            fields = line.rstrip("\n").split("\t")
            if len(fields) >= 4 and fields[1] in wanted and fields[2] not in SKIPPED_LANGUAGES and fields[3]:
                names.setdefault(fields[1], []).append(fields[3])
    return names


def import_dump(path: str | Path, alternate_names: str | Path | None = None, min_population: int = 0,
                progress: Callable[[str], None] | None = None) -> tuple[Path, int, list[str]]:
    """Import a GeoNames dump; returns the file written, the number of places and the problems met."""
    source = Path(path)
    problems: list[str] = []
    places: list[tuple] = []
    aliases: dict[str, list[str]] = {}
    for fields in _rows(source, problems):
        kind = kind_of(fields[6], fields[7])
        if not kind:
            continue
        try:
            lat, lon = float(fields[4]), float(fields[5])
            population = int(fields[14] or 0)
        except ValueError:
            problems.append(f"{source}: place {fields[0]} has unreadable numbers; skipped")
            continue
        if kind == "city" and population < min_population:
            continue
        places.append((fields[0], (fields[1], lat, lon, kind, fields[8], fields[10], population, "imported",
                                   f"geonames:{fields[0]}")))
        aliases[fields[0]] = [fields[1], fields[2], *filter(None, fields[3].split(","))]
    if not places:
        raise GeoNamesFormatError(f"{source}: no places read" + (f" ({problems[0]})" if problems else ""))
    if alternate_names:
        for gid, extra in read_alternate_names(Path(alternate_names), set(aliases)).items():
            aliases[gid].extend(extra)
    if progress:
        progress(f"indexing {len(places):,} places from {source.name}…")
    target = data_dir() / f"imported-{re.sub(r'[^A-Za-z0-9_.-]', '_', source.stem)}.sqlite"
    _write(target, places, aliases)
    return target, len(places), problems


def _write(target: Path, places: list[tuple], aliases: dict[str, list[str]]) -> None:
    with replacing(target) as temp:
        db = sqlite3.connect(temp)
        db.executescript(SCHEMA)
        memo: dict[str, str] = {}
        with db:
            for number, (gid, row) in enumerate(places, start=1):
                db.execute("INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?)", (number, *row))
                folds, skeletons = name_keys(aliases.get(gid, [row[0]]), memo)
                db.executemany("INSERT OR IGNORE INTO names VALUES (?,?)", [(k, number) for k in folds])
                db.executemany("INSERT OR IGNORE INTO skeletons VALUES (?,?)", [(k, number) for k in skeletons])
            db.execute("INSERT INTO meta VALUES ('format', '\"imported\"')")
        db.close()
