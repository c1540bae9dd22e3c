"""Curated gazetteer files: plain CSV or TSV that users read and extend.

Columns: name, alternate_names (separated by '|'), lat, lon, kind, country, admin1, note.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from ..model import Precision

COLUMNS = ("name", "alternate_names", "lat", "lon", "kind", "country", "admin1", "note")

# Kinds a curated row may have, with the precision a point of that kind carries.
KIND_PRECISION = {
    "city": Precision.TOWN,
    "town": Precision.TOWN,
    "village": Precision.TOWN,
    "camp": Precision.TOWN,
    "district": Precision.POINT,       # a city neighbourhood
    "neighbourhood": Precision.POINT,
    "neighborhood": Precision.POINT,
    "airport": Precision.POINT,
    "air_base": Precision.POINT,
    "military_base": Precision.POINT,
    "border_crossing": Precision.POINT,
    "landmark": Precision.POINT,
    "road": Precision.DISTRICT,
    "region": Precision.DISTRICT,
    "admin2": Precision.DISTRICT,
    "city_district": Precision.POINT,
    "admin1": Precision.ADMIN1,
    "country": Precision.COUNTRY,
    "continent": Precision.COUNTRY,
}
KIND_ALIASES = {
    "governorate": "admin1", "province": "admin1", "oblast": "admin1", "state": "admin1",
    "region_admin": "admin1", "airbase": "air_base", "air base": "air_base", "base": "military_base",
    "military base": "military_base", "crossing": "border_crossing", "border crossing": "border_crossing",
    "neighbourhood": "district", "neighborhood": "district", "quarter": "district",
}


def normalise_kind(kind: str) -> str:
    kind = kind.strip().lower()
    kind = KIND_ALIASES.get(kind, kind)
    return kind.replace(" ", "_")


@dataclass(frozen=True)
class CuratedRow:
    name: str
    alternate_names: tuple[str, ...]
    lat: float
    lon: float
    kind: str
    country: str
    admin1: str
    note: str
    origin: str  # file:line


def parse_curated(text: str, origin: str) -> tuple[list[CuratedRow], list[str]]:
    """Rows of one curated file and messages for the rows that were skipped."""
    dialect = "excel-tab" if "\t" in text.split("\n", 1)[0] else "excel"
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    missing = {"name", "lat", "lon"} - set(reader.fieldnames or ())
    if missing:
        return [], [f"{origin}: missing column(s) {', '.join(sorted(missing))}; file skipped"]
    rows: list[CuratedRow] = []
    problems: list[str] = []
    for number, raw in enumerate(reader, start=2):
        where = f"{origin}:{number}"
        name = (raw.get("name") or "").strip()
        if not name or name.startswith("#"):
            continue
        try:
            lat, lon = float(raw["lat"]), float(raw["lon"])
        except (TypeError, ValueError):
            problems.append(f"{where}: lat/lon {raw.get('lat')!r},{raw.get('lon')!r} are not numbers; row skipped")
            continue
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            problems.append(f"{where}: lat/lon {lat},{lon} out of range; row skipped")
            continue
        kind = normalise_kind(raw.get("kind") or "town")
        if kind not in KIND_PRECISION:
            problems.append(f"{where}: unknown kind {kind!r}; read as 'town'")
            kind = "town"
        alternates = tuple(a.strip() for a in (raw.get("alternate_names") or "").split("|") if a.strip())
        rows.append(CuratedRow(
            name=name, alternate_names=alternates, lat=lat, lon=lon, kind=kind,
            country=(raw.get("country") or "").strip().upper(), admin1=(raw.get("admin1") or "").strip(),
            note=(raw.get("note") or "").strip(), origin=where,
        ))
    return rows, problems


def bundled_files() -> list[tuple[str, str]]:
    """(name, text) of the curated files shipped with conflictmap, sorted by name."""
    folder = resources.files("conflictmap.gazetteer_data")
    found = []
    for entry in folder.iterdir():
        if entry.name.endswith((".csv", ".tsv")):
            found.append((f"gazetteer/{entry.name}", entry.read_text(encoding="utf-8")))
    return sorted(found)


def user_files(paths: list[str | Path]) -> tuple[list[tuple[str, str]], list[str]]:
    """(name, text) of the user's curated files or folders of them."""
    found: list[tuple[str, str]] = []
    problems: list[str] = []
    for raw in paths:
        path = Path(raw)
        files = sorted(p for p in path.rglob("*") if p.suffix in (".csv", ".tsv")) if path.is_dir() else [path]
        for file in files:
            try:
                found.append((str(file), file.read_text(encoding="utf-8-sig")))
            except (OSError, UnicodeDecodeError) as err:
                problems.append(f"{file}: cannot be read as a UTF-8 gazetteer file ({err}); skipped")
    return found, problems
