"""Files for other tools: GeoJSON (one Feature per place), CSV (one row per claim), unresolved names."""
from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from pathlib import Path

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
    """RFC 7946 FeatureCollection: one Point Feature per place, with its assessment and its claims."""
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
            },
        })
    return {"type": "FeatureCollection", "features": features}


def write_atomic(path: Path, text: str) -> None:
    """Write a file whole or not at all: a temporary file beside it, renamed over it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, prefix=f".{path.name}.",
                                         suffix=".tmp", delete=False, newline="")
    try:
        with handle:
            handle.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(handle.name, 0o666 & ~umask)  # as readable as a file opened normally: maps are shared
        os.replace(handle.name, path)
    except BaseException:
        try:
            os.unlink(handle.name)
        except OSError:
            pass
        raise


def dumps_geojson(collection: dict) -> str:
    return json.dumps(collection, ensure_ascii=False, indent=1, sort_keys=False) + "\n"


def embed_html(title: str) -> str:
    """embed.html: an <iframe> of the map to paste into a report page kept in the same folder."""
    return ("<!-- conflictmap: paste into a page kept in the same folder as conflict_map.html -->\n"
            f'<iframe src="conflict_map.html" title="{escape.text(title)}" width="100%" height="600" '
            'style="border:1px solid #ccc" loading="lazy" allowfullscreen></iframe>\n')
