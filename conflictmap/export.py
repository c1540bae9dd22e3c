"""Files for other tools: GeoJSON (one Feature per place), CSV (one row per claim), unresolved names,
KML for Google Earth, a GeoPackage for QGIS; and the atomic writes of every output."""
from __future__ import annotations

import csv
import io
import json
import os
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

from .assess import changes_in, history, timeline_days
from .files import replacing
from .model import STATUS_EVENT_TYPE, Article, Assessment, ResolvedClaim, ResolvedFigure
from .profiles import Profile
from .render import escape

CLAIM_COLUMNS = (
    "article", "title", "outlet", "published", "url", "place_as_written", "place", "lat", "lon", "kind", "country",
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


FIGURE_COLUMNS = ("article", "title", "outlet", "published", "date", "count", "as_written", "qualifier", "who",
                  "outcome", "place_as_written", "place", "lat", "lon", "source", "source_kind", "quote")


def figure_record(item: ResolvedFigure, articles: dict[str, Article]) -> dict:
    figure, place = item.figure, item.place
    article = articles.get(figure.article_id)
    return {
        "article": figure.article_name, "title": article.title if article else "",
        "outlet": article.outlet if article else "", "published": article.published if article else "",
        "date": figure.date, "count": figure.count, "as_written": figure.as_written, "qualifier": figure.qualifier,
        "who": figure.who, "outcome": figure.outcome, "place_as_written": figure.place_as_written,
        "place": place.name if place else "", "lat": place.lat if place else None, "lon": place.lon if place else None,
        "source": figure.source.name, "source_kind": figure.source.kind, "quote": figure.quote,
    }


def figures_csv(items: list[ResolvedFigure], articles: dict[str, Article]) -> str:
    """One row per figure as reported; figures that disagree stay side by side."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=FIGURE_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for item in items:
        record = figure_record(item, articles)
        record["lat"] = "" if record["lat"] is None else record["lat"]
        record["lon"] = "" if record["lon"] is None else record["lon"]
        writer.writerow(record)
    return buffer.getvalue()


def claims_csv(items: list[ResolvedClaim], articles: dict[str, Article]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CLAIM_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for item in items:
        record = claim_record(item, articles)
        record["lat"] = "" if record["lat"] is None else record["lat"]
        record["lon"] = "" if record["lon"] is None else record["lon"]
        writer.writerow(record)
    return buffer.getvalue()


def unresolved_csv(items: list[ResolvedClaim]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=UNRESOLVED_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for item in items:
        claim = item.claim
        writer.writerow({"place_as_written": claim.place_as_written, "looked_up_as": claim.place_hint,
                         "kind_hint": claim.kind_hint, "article": claim.article_name, "side": claim.side,
                         "status": claim.status.value, "quote": claim.quote})
    return buffer.getvalue()


def geojson(assessments: list[Assessment], articles: dict[str, Article], profile: Profile) -> dict:
    """RFC 7946 FeatureCollection: one Point Feature per place, with its assessment, its claims and figures,
    and its changes of hands."""
    published = {key: article.published for key, article in articles.items()}
    features = []
    for assessment in assessments:
        place = assessment.place
        features.append({
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
                "changes_of_hands": [change_record(c) for c in changes_in(history(assessment.claims, published))],
            },
        })
    return {"type": "FeatureCollection", "features": features}


def change_record(change) -> dict:
    return {"date": change.date, "from": change.before, "to": change.after,
            "from_status": change.before_status, "to_status": change.after_status}


def write_atomic(path: Path, text: str | bytes) -> None:
    """Write a file whole or not at all: a temporary file beside it, renamed over it. Text is written as UTF-8."""
    with replacing(path) as temp:
        if isinstance(text, bytes):
            temp.write_bytes(text)
        else:
            with open(temp, "w", encoding="utf-8", newline="") as out:
                out.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp, 0o666 & ~umask)  # as readable as a file opened normally: maps are shared


def dumps_geojson(collection: dict) -> str:
    """The collection with one feature per line: quick to write (the C encoder) and to diff between builds."""
    head = {key: value for key, value in collection.items() if key != "features"}
    opening = json.dumps(head, ensure_ascii=False)[:-1] + (', ' if head else '') + '"features": [\n'
    features = ",\n".join(json.dumps(feature, ensure_ascii=False) for feature in collection.get("features", []))
    return opening + features + ("\n" if features else "") + "]}\n"


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
    element = ET.SubElement(parent, f"{{{KML_NS}}}{tag}", attributes)
    if text is not None:
        element.text = escape.xml_chars(text)
    return element


def kml(assessments: list[Assessment], articles: dict[str, Article], profile: Profile,
        title: str = "conflictmap") -> str:
    """KML 2.2 for Google Earth: a folder per layer of the map (a side's places, contested, attacks, left),
    a placemark per place, styled as on the map, whose balloon is the map's popup (every claim, its source
    and sentence); the assessment and changes of hands also as ExtendedData."""
    from .render.map import layer_of, popup_html

    ET.register_namespace("", KML_NS)
    published = {key: article.published for key, article in articles.items()}
    root = ET.Element(f"{{{KML_NS}}}kml")
    document = _sub(root, "Document")
    _sub(document, "name", title)
    _sub(document, "description", "Who holds which place, by the claims in the articles read; every claim "
                                  "with its source and the sentence that makes it. Made by conflictmap.")
    styles: dict[str, tuple[str, str, float]] = {}
    folders: dict[str, tuple[str, list[tuple[Assessment, str, list]]]] = {}
    for assessment in assessments:
        style_id, colour, icon, scale = _kml_style(assessment, profile)
        styles[style_id] = (colour, icon, scale)
        key, label = layer_of(assessment, profile)
        changes = changes_in(history(assessment.claims, published))
        folders.setdefault(key, (label, []))[1].append((assessment, style_id, changes))
    for style_id in sorted(styles):
        colour, icon, scale = styles[style_id]
        style = _sub(document, "Style", id=style_id)
        icon_style = _sub(style, "IconStyle")
        _sub(icon_style, "color", colour)
        _sub(icon_style, "scale", f"{scale:g}")
        _sub(_sub(icon_style, "Icon"), "href", KML_ICONS[icon])
        _sub(_sub(style, "LabelStyle"), "scale", "0.8")
    for key in sorted(folders):
        label, members = folders[key]
        folder = _sub(document, "Folder")
        _sub(folder, "name", label)
        for assessment, style_id, changes in members:
            place = assessment.place
            mark = _sub(folder, "Placemark", id="p-" + "".join(c if c.isalnum() else "_" for c in place.id))
            _sub(mark, "name", place.name)
            # The balloon is HTML: the popup's text is escaped for HTML, then the XML writer escapes it again.
            _sub(mark, "description", popup_html(assessment, profile, articles, changes))
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
    ET.indent(root, space=" ")
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


# --- GeoPackage (QGIS), through geopandas ------------------------------------------------------------------

PLACE_COLUMNS = ("place_id", "name", "kind", "country", "admin1", "precision", "controller", "controller_label",
                 "status", "since", "sides", "claim_count", "figure_count", "changes_of_hands")


def _place_rows(assessments: list[Assessment], articles: dict[str, Article], profile: Profile) -> list[dict]:
    published = {key: article.published for key, article in articles.items()}
    rows = []
    for assessment in assessments:
        place = assessment.place
        changes = changes_in(history(assessment.claims, published))
        rows.append({"place_id": place.id, "name": place.name, "kind": place.kind, "country": place.country,
                     "admin1": place.admin1, "precision": place.precision.value,
                     "controller": assessment.controller, "controller_label": profile.label(assessment.controller),
                     "status": assessment.status, "since": assessment.since, "sides": "|".join(assessment.sides),
                     "claim_count": len(assessment.claims), "figure_count": len(assessment.figures),
                     "changes_of_hands": "; ".join(f"{c.date or 'undated'}: {c.before} → {c.after}"
                                                   for c in changes),
                     "lon": place.lon, "lat": place.lat})
    return rows


def geopackage(assessments: list[Assessment], claims: list[ResolvedClaim], figures: list[ResolvedFigure],
               articles: dict[str, Article], profile: Profile) -> bytes:
    """A GeoPackage (the file QGIS opens) with three point layers in WGS 84: `places` (one per place, with its
    assessment and changes of hands), `claims` (one per claim located at a place, every column of claims.csv)
    and `figures` (one per casualty or displacement figure at a place). Written through geopandas; the file's
    timestamp is the last day the articles cover, so the same articles give the same bytes."""
    import geopandas
    import pyogrio

    def frame(rows: list[dict], columns: tuple[str, ...]):
        table = {name: [row[name] for row in rows] for name in columns}
        points = geopandas.points_from_xy([row["lon"] for row in rows], [row["lat"] for row in rows], crs="EPSG:4326")
        return geopandas.GeoDataFrame(table, geometry=points, crs="EPSG:4326")

    located = [item for item in claims if item.place is not None]
    claim_rows = [claim_record(item, articles) for item in located]
    figure_rows = [figure_record(item, articles) for item in figures if item.place is not None]
    layers = [("places", frame(_place_rows(assessments, articles, profile), PLACE_COLUMNS)),
              ("claims", frame(claim_rows, CLAIM_COLUMNS)),
              ("figures", frame(figure_rows, FIGURE_COLUMNS))]
    published = {key: article.published for key, article in articles.items()}
    days = timeline_days(located, published, figures)
    stamp = f"{days[-1] if days else '1970-01-01'}T00:00:00.000Z"
    previous = pyogrio.get_gdal_config_option("OGR_CURRENT_DATE")
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": stamp})
    try:
        with tempfile.TemporaryDirectory(prefix="conflictmap-gpkg-") as folder:
            path = Path(folder) / "claims.gpkg"
            for name, data in layers:
                data.to_file(path, layer=name, driver="GPKG", engine="pyogrio", mode="a" if path.exists() else "w")
            return path.read_bytes()
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": previous})
