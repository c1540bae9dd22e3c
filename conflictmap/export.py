"""Files for other tools: GeoJSON (one Feature per place), CSV (one row per claim), unresolved names,
KML for Google Earth, a GeoPackage for QGIS; and the atomic writes of every output."""
from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import struct
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from .assess import ChangeOfHands
from .files import replacing
from .model import STATUS_EVENT_TYPE, Article, Assessment, ResolvedClaim, ResolvedFigure
from .profiles import Profile
from .render import escape

CLAIM_COLUMNS = (
    "article", "article_id", "title", "outlet", "published", "url", "place_as_written", "place", "lat", "lon", "kind", "country",
    "precision", "place_source", "side", "actor", "status", "event_type", "source", "source_kind", "date", "past",
    "quote", "start", "end", "rule",
)
UNRESOLVED_COLUMNS = ("place_as_written", "looked_up_as", "kind_hint", "article", "side", "status", "quote")


def claim_record(item: ResolvedClaim, articles: dict[str, Article]) -> dict:
    """A flat, JSON-ready record of one claim and its resolution."""
    claim, place = item.claim, item.place
    article = articles.get(claim.article_id)
    return {
        "article": claim.article_name,
        "article_id": claim.article_id,
        "title": article.title if article else "",
        "outlet": article.outlet if article else "",
        "published": article.published if article else "",
        "url": article.url if article else "",
        "place_as_written": claim.place_as_written,
        "place": place.name if place else "",
        "lat": place.lat if place else None,
        "lon": place.lon if place else None,
        "kind": place.kind if place else claim.kind_hint,
        "country": place.country if place else "",
        "precision": place.precision.value if place else "",
        "place_source": place.source if place else "",
        "side": claim.side,
        "actor": claim.actor,
        "status": claim.status.value,
        "event_type": STATUS_EVENT_TYPE[claim.status],
        "source": claim.source.name,
        "source_kind": claim.source.kind,
        "date": claim.date,
        "past": claim.past,
        "quote": claim.quote,
        "start": claim.start,
        "end": claim.end,
        "rule": claim.rule,
    }


FIGURE_COLUMNS = ("article", "article_id", "title", "outlet", "published", "date", "count", "as_written", "qualifier", "who",
                  "outcome", "place_as_written", "place", "lat", "lon", "source", "source_kind", "quote")


def figure_record(item: ResolvedFigure, articles: dict[str, Article]) -> dict:
    figure, place = item.figure, item.place
    article = articles.get(figure.article_id)
    return {
        "article": figure.article_name, "article_id": figure.article_id,
        "title": article.title if article else "",
        "outlet": article.outlet if article else "", "published": article.published if article else "",
        "date": figure.date, "count": figure.count, "as_written": figure.as_written, "qualifier": figure.qualifier,
        "who": figure.who, "outcome": figure.outcome, "place_as_written": figure.place_as_written,
        "place": place.name if place else "", "lat": place.lat if place else None, "lon": place.lon if place else None,
        "source": figure.source.name, "source_kind": figure.source.kind, "quote": figure.quote,
    }


def _csv(columns: tuple[str, ...], records: Iterable[dict], header: bool) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    if header:
        writer.writeheader()
    for record in records:
        if "lat" in record:
            record["lat"] = "" if record["lat"] is None else record["lat"]
            record["lon"] = "" if record["lon"] is None else record["lon"]
        writer.writerow(record)
    return buffer.getvalue()


def csv_header(columns: tuple[str, ...]) -> str:
    return _csv(columns, (), header=True)


def figures_csv(items: list[ResolvedFigure], articles: dict[str, Article], header: bool = True) -> str:
    """One row per figure as reported; figures that disagree stay side by side."""
    return _csv(FIGURE_COLUMNS, (figure_record(item, articles) for item in items), header)


def claims_csv(items: list[ResolvedClaim], articles: dict[str, Article], header: bool = True) -> str:
    return _csv(CLAIM_COLUMNS, (claim_record(item, articles) for item in items), header)


def unresolved_csv(items: list[ResolvedClaim], header: bool = True) -> str:
    return _csv(UNRESOLVED_COLUMNS, ({"place_as_written": item.claim.place_as_written,
                                      "looked_up_as": item.claim.place_hint, "kind_hint": item.claim.kind_hint,
                                      "article": item.claim.article_name, "side": item.claim.side,
                                      "status": item.claim.status.value, "quote": item.claim.quote}
                                     for item in items), header)


def geojson_feature(assessment: Assessment, articles: dict[str, Article], profile: Profile,
                    changes: list[ChangeOfHands]) -> str:
    """A place as one line of GeoJSON: a Point Feature with its assessment, its claims and figures, and its
    changes of hands."""
    place = assessment.place
    return json.dumps({
        "type": "Feature",
        "id": place.id,
        "geometry": {"type": "Point", "coordinates": [round(place.lon, 6), round(place.lat, 6)]},
        "properties": {
            "name": place.name,
            "kind": place.kind,
            "country": place.country,
            "precision": place.precision.value,
            "place_source": place.source,
            "controller": assessment.controller,
            "controller_label": profile.label(assessment.controller),
            "status": assessment.status,
            "colour": profile.colour(assessment.controller),
            "since": assessment.since,
            "sides": list(assessment.sides),
            "claim_count": len(assessment.claims),
            "claims": [claim_record(c, articles) for c in assessment.claims],
            "figures": [figure_record(f, articles) for f in assessment.figures],
            "changes_of_hands": [change_record(c) for c in changes],
        },
    }, ensure_ascii=False)


def geojson_text(features: list[str]) -> list[str]:
    """RFC 7946 FeatureCollection of these features (`geojson_feature`), one per line (quick to diff), as the
    texts to write one after the other."""
    parts = ['{"type": "FeatureCollection", "features": [\n']
    for n, feature in enumerate(features):
        parts.extend((",\n" if n else "", feature))
    parts.append("\n]}\n" if features else "]}\n")
    return parts


def change_record(change) -> dict:
    return {"date": change.date, "from": change.before, "to": change.after,
            "from_status": change.before_status, "to_status": change.after_status}


def write_atomic(path: Path, text: str | bytes | list[str]) -> None:
    """Write a file whole or not at all: a temporary file beside it, renamed over it. Text (or a list of
    texts, written one after the other) is written as UTF-8."""
    with replacing(path) as temp:
        if isinstance(text, bytes):
            temp.write_bytes(text)
        else:
            with open(temp, "w", encoding="utf-8", newline="") as out:
                out.writelines([text] if isinstance(text, str) else text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp, 0o666 & ~umask)  # as readable as a file opened normally: maps are shared


def embed_html(title: str) -> str:
    """embed.html: an <iframe> of the map to paste into a report page kept in the same folder."""
    return ("<!-- conflictmap: paste into a page kept in the same folder as conflict_map.html -->\n"
            f'<iframe src="conflict_map.html" title="{escape.text(title)}" width="100%" height="600" '
            'style="border:1px solid #ccc" loading="lazy" allowfullscreen></iframe>\n')


# --- KML (Google Earth) ---------------------------------------------------------------------------------

KML_NS = "http://www.opengis.net/kml/2.2"
# Google Earth's own white icons, which take the style's colour; Google Earth loads them, this tool does not.
KML_ICONS = {"circle": "http://maps.google.com/mapfiles/kml/shapes/placemark_circle.png",
             "square": "http://maps.google.com/mapfiles/kml/shapes/placemark_square.png",
             "ring": "http://maps.google.com/mapfiles/kml/shapes/donut.png"}


def kml_colour(css: str, opacity: float) -> str:
    """KML's aabbggrr from a CSS '#rrggbb' (or '#rgb') and an opacity."""
    css = escape.colour(css).lstrip("#")
    if len(css) == 3:
        css = "".join(c * 2 for c in css)
    return f"{round(max(0.0, min(1.0, opacity)) * 255):02x}{css[4:6]}{css[2:4]}{css[0:2]}"


def _kml_style(assessment: Assessment, profile: Profile) -> tuple[str, str, str, float]:
    """(style id, colour, icon, scale) for a place: the map's colours; contested a square, claimed paler,
    areas larger, attacked grey rings."""
    from .render.map import AREA_PRECISIONS

    colour, opacity, icon, scale = profile.colour(assessment.controller), 1.0, "circle", 1.0
    if assessment.status in ("claimed", "withdrawn"):
        opacity = 0.5
    elif assessment.status == "contested":
        icon = "square"
    elif assessment.status == "attacked":
        colour, icon = "#444444", "ring"
    area = assessment.place.precision in AREA_PRECISIONS
    if area:
        scale, opacity = 1.6, min(opacity, 0.6)
    value = kml_colour(colour, opacity)
    key = f"{assessment.controller}-{assessment.status}{'-area' if area else ''}"
    return "s-" + "".join(c if c.isalnum() or c in "-_" else "_" for c in key), value, icon, scale


def _sub(parent: ET.Element, tag: str, text: object = None, **attributes) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    if text is not None:
        element.text = escape.xml_chars(text)
    return element


def _xml(element: ET.Element, level: int) -> str:
    """An element as indented XML text, to stand at this depth of the document."""
    ET.indent(element, space=" ", level=level)
    return " " * level + ET.tostring(element, encoding="unicode") + "\n"


@dataclass(frozen=True)
class KmlPiece:
    """A place in the KML: the layer (folder) it is in, its style, and its placemark as XML text."""

    layer: str
    label: str
    style_id: str
    style: tuple[str, str, float]  # colour (aabbggrr), icon, scale
    placemark: str


def kml_piece(assessment: Assessment, profile: Profile, popup: str, changes: list[ChangeOfHands]) -> KmlPiece:
    """A place's placemark, styled as on the map, whose balloon is the map's popup (`popup`: its HTML);
    the assessment and changes of hands also as ExtendedData."""
    from .render.map import layer_of

    place = assessment.place
    style_id, colour, icon, scale = _kml_style(assessment, profile)
    key, label = layer_of(assessment, profile)
    mark = ET.Element("Placemark", id="p-" + "".join(c if c.isalnum() else "_" for c in place.id))
    _sub(mark, "name", place.name)
    _sub(mark, "description", popup)  # HTML, escaped for HTML already; the XML writer escapes it again
    _sub(mark, "styleUrl", f"#{style_id}")
    data = _sub(mark, "ExtendedData")
    fields = {"controller": assessment.controller, "controller_label": profile.label(assessment.controller),
              "status": assessment.status, "since": assessment.since, "kind": place.kind,
              "country": place.country, "precision": place.precision.value,
              "claim_count": len(assessment.claims), "figure_count": len(assessment.figures),
              "changes_of_hands": "; ".join(f"{c.date or 'undated'}: {c.before} → {c.after}" for c in changes)}
    for name, value in fields.items():
        _sub(_sub(data, "Data", name=name), "value", value)
    _sub(_sub(mark, "Point"), "coordinates", f"{place.lon:.6f},{place.lat:.6f}")
    return KmlPiece(key, label, style_id, (colour, icon, scale), _xml(mark, 3))


def kml_text(pieces: list[KmlPiece], title: str = "conflictmap") -> list[str]:
    """KML 2.2 for Google Earth: a folder per layer of the map (a side's places, contested, attacks, left)
    holding these placemarks, in this order, and the styles they use; as texts to write one after the other."""
    head = ET.Element("Document")
    _sub(head, "name", title)
    _sub(head, "description", "Who holds which place, by the claims in the articles read; every claim with its "
                              "source and the sentence that makes it. Made by conflictmap.")
    parts = [f"<?xml version='1.0' encoding='utf-8'?>\n<kml xmlns=\"{KML_NS}\">\n <Document>\n"]
    parts.extend(_xml(child, 2) for child in head)
    styles = {piece.style_id: piece.style for piece in pieces}
    for style_id in sorted(styles):
        colour, icon, scale = styles[style_id]
        style = ET.Element("Style", id=style_id)
        icon_style = _sub(style, "IconStyle")
        _sub(icon_style, "color", colour)
        _sub(icon_style, "scale", f"{scale:g}")
        _sub(_sub(icon_style, "Icon"), "href", KML_ICONS[icon])
        _sub(_sub(style, "LabelStyle"), "scale", "0.8")
        parts.append(_xml(style, 2))
    folders: dict[str, tuple[str, list[str]]] = {}
    for piece in pieces:
        folders.setdefault(piece.layer, (piece.label, []))[1].append(piece.placemark)
    for key in sorted(folders):
        label, marks = folders[key]
        name = ET.Element("name")
        name.text = escape.xml_chars(label)
        parts.append("  <Folder>\n" + _xml(name, 3))
        parts.extend(marks)
        parts.append("  </Folder>\n")
    parts.append(" </Document>\n</kml>\n")
    return parts


# --- GeoPackage (QGIS), through geopandas ------------------------------------------------------------------

PLACE_COLUMNS = ("place_id", "name", "kind", "country", "admin1", "precision", "controller", "controller_label",
                 "status", "since", "sides", "claim_count", "figure_count", "changes_of_hands")


def place_row(assessment: Assessment, profile: Profile, changes: list[ChangeOfHands]) -> dict:
    """A place's row in the GeoPackage's `places` layer (with its point as lon and lat)."""
    place = assessment.place
    return {"place_id": place.id, "name": place.name, "kind": place.kind, "country": place.country,
            "admin1": place.admin1, "precision": place.precision.value,
            "controller": assessment.controller, "controller_label": profile.label(assessment.controller),
            "status": assessment.status, "since": assessment.since, "sides": "|".join(assessment.sides),
            "claim_count": len(assessment.claims), "figure_count": len(assessment.figures),
            "changes_of_hands": "; ".join(f"{c.date or 'undated'}: {c.before} → {c.after}" for c in changes),
            "lon": place.lon, "lat": place.lat}


# The GeoPackage's columns that are not text
COLUMN_TYPES = {"lat": "float64", "lon": "float64", "start": "int64", "end": "int64", "count": "int64",
                "claim_count": "int64", "figure_count": "int64", "past": "bool"}
GEOPACKAGE_LAYERS = (("places", PLACE_COLUMNS, "place_id"), ("claims", CLAIM_COLUMNS, "article_id"),
                     ("figures", FIGURE_COLUMNS, "article_id"))


def geopackage_stamp(last_day: str) -> str:
    """The GeoPackage's timestamp: the last day the articles cover, so the same articles give the same file."""
    return f"{last_day or '1970-01-01'}T00:00:00.000Z"


def geopackage(places: list[dict], claims: list[dict], figures: list[dict], last_day: str) -> bytes:
    """A GeoPackage (the file QGIS opens) with three point layers in WGS 84: `places` (one per place, with its
    assessment and changes of hands: `place_row`), `claims` (one per claim located at a place, every column of
    claims.csv) and `figures` (one per casualty or displacement figure at a place). Written through geopandas."""
    import geopandas
    import pyogrio

    import pandas

    def frame(rows: list[dict], columns: tuple[str, ...]):
        # typed column by column, so that a layer with no rows yet has the types a later row needs
        table = {name: pandas.Series([row[name] for row in rows], dtype=COLUMN_TYPES.get(name, "object"))
                 for name in columns}
        points = geopandas.points_from_xy([row["lon"] for row in rows], [row["lat"] for row in rows], crs="EPSG:4326")
        return geopandas.GeoDataFrame(table, geometry=points, crs="EPSG:4326")

    previous = pyogrio.get_gdal_config_option("OGR_CURRENT_DATE")
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": geopackage_stamp(last_day)})
    try:
        with tempfile.TemporaryDirectory(prefix="conflictmap-gpkg-") as folder:
            path = Path(folder) / "claims.gpkg"
            for (name, columns, _), rows in zip(GEOPACKAGE_LAYERS, (places, claims, figures)):
                frame(rows, columns).to_file(path, layer=name, driver="GPKG", engine="pyogrio", geometry_type="Point",
                                             mode="a" if path.exists() else "w")
            return path.read_bytes()
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": previous})


def _point(lon: float, lat: float) -> bytes:
    """A GeoPackage geometry: the header (magic, version, little-endian with no envelope, SRS 4326) and a WKB point."""
    return b"GP\x00\x01" + struct.pack("<iBIdd", 4326, 1, 1, lon, lat)


def _coordinate(index: int):
    def read(blob: bytes | None) -> float | None:
        return None if blob is None else struct.unpack_from("<d", blob, 13 + 8 * index)[0]
    return read


def patch_geopackage(path: Path, gone: dict[str, set[str]], added: dict[str, list[dict]], last_day: str) -> None:
    """Change a GeoPackage written by `geopackage` in place: in each layer, drop the rows whose key (place id, or
    article id) is in `gone[layer]`, add the rows of `added[layer]`, and set the extents and timestamp."""
    db = sqlite3.connect(path, isolation_level=None)
    try:
        # the spatial index's triggers call these (GDAL's SQL functions); points only, as this module writes
        db.create_function("ST_IsEmpty", 1, lambda blob: 0, deterministic=True)
        for name, index in (("ST_MinX", 0), ("ST_MaxX", 0), ("ST_MinY", 1), ("ST_MaxY", 1)):
            db.create_function(name, 1, _coordinate(index), deterministic=True)
        db.execute("BEGIN")
        stamp = geopackage_stamp(last_day)
        for layer, columns, key in GEOPACKAGE_LAYERS:
            deleted = db.execute(f'DELETE FROM "{layer}" WHERE "{key}" IN (SELECT value FROM json_each(?))',
                                 (json.dumps(sorted(gone.get(layer, ()))),)).rowcount
            names = ", ".join(f'"{c}"' for c in ("geom", *columns))
            db.executemany(f'INSERT INTO "{layer}" ({names}) VALUES ({", ".join("?" * (len(columns) + 1))})',
                           [(_point(row["lon"], row["lat"]), *(row[c] for c in columns)) for row in added.get(layer, ())])
            rows = added.get(layer, ())
            if deleted > 0:  # the extent may have shrunk: read it again from every point
                extent = db.execute(f'SELECT MIN(ST_MinX(geom)), MIN(ST_MinY(geom)), MAX(ST_MaxX(geom)), '
                                    f'MAX(ST_MaxY(geom)) FROM "{layer}"').fetchone()
            else:  # grown by the rows added, if at all
                old = db.execute("SELECT min_x, min_y, max_x, max_y FROM gpkg_contents WHERE table_name=?",
                                 (layer,)).fetchone()
                xs = [row["lon"] for row in rows] + [v for v in (old[0], old[2]) if v is not None]
                ys = [row["lat"] for row in rows] + [v for v in (old[1], old[3]) if v is not None]
                extent = (min(xs), min(ys), max(xs), max(ys)) if xs else (None, None, None, None)
            db.execute("UPDATE gpkg_contents SET min_x=?, min_y=?, max_x=?, max_y=?, last_change=? WHERE table_name=?",
                       (*extent, stamp, layer))
        db.execute("COMMIT")
    finally:
        db.close()


def geopackage_content(path: Path) -> dict[str, object]:
    """What a GeoPackage written by `geopackage` (and changed by `patch_geopackage`) holds, whatever the order of
    its rows and the layout of its pages: each layer's rows (without their row numbers) in a fixed order, what its
    spatial index holds, and each layer's extent, timestamp and feature count."""
    db = sqlite3.connect(path)
    try:
        content: dict[str, object] = {}
        for layer, _, _ in GEOPACKAGE_LAYERS:
            columns = [row[1] for row in db.execute(f'PRAGMA table_info("{layer}")') if row[1] != "fid"]
            names = ", ".join(f'"{c}"' for c in columns)
            content[layer] = sorted(db.execute(f'SELECT {names} FROM "{layer}"').fetchall(), key=repr)
            content[layer + " columns"] = db.execute(f'PRAGMA table_info("{layer}")').fetchall()
            content[layer + " index"] = db.execute(f'SELECT COUNT(*), MIN(minx), MIN(miny), MAX(maxx), MAX(maxy) '
                                                   f'FROM "rtree_{layer}_geom"').fetchall()
        content["contents"] = db.execute("SELECT * FROM gpkg_contents ORDER BY table_name").fetchall()
        content["geometry"] = db.execute("SELECT * FROM gpkg_geometry_columns ORDER BY table_name").fetchall()
        content["counts"] = db.execute("SELECT * FROM gpkg_ogr_contents ORDER BY table_name").fetchall()
        return content
    finally:
        db.close()
