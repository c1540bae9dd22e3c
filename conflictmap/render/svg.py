"""A still picture of the map for documents: an SVG written directly from the assessed places.

The places are drawn as on the map (colour of the assessed controller; contested with a dashed black edge,
claimed hollow and dashed, areas large and faint, attacked white), on a plain background in an equirectangular
projection (longitudes shrunk by the cosine of the middle latitude, so shapes keep their proportions) inside a
frame labelled with latitudes and longitudes, with a legend below. No tiles, no fonts or scripts to fetch: the
file asks for nothing. Every string from an article or a data file goes through `escape`.
"""
from __future__ import annotations

import math

from ..assess import as_day
from ..model import Assessment
from ..profiles import Profile
from . import escape
from .map import AREA_PRECISIONS, marker_style

WIDTH = 1000
MAX_PLOT_HEIGHT = 760
MARGIN = 56            # room for the frame's labels
LABEL_LIMIT = 80       # name the places when there are at most this many
STEPS = (30, 20, 10, 5, 2, 1, 0.5, 0.25, 0.2, 0.1, 0.05, 0.02, 0.01)
BACKGROUND = "#f3f1ec"


def _degrees(value: float, positive: str, negative: str) -> str:
    text = f"{abs(value):.3f}".rstrip("0").rstrip(".")
    return f"{text}°{positive if value > 0 else negative if value < 0 else ''}"


def _text(value: object) -> str:
    return escape.text(escape.xml_chars(value))


def _n(value: float) -> str:
    return f"{value:.1f}"


def svg_map(assessments: list[Assessment], profile: Profile, title: str = "conflictmap", as_of: str = "") -> str:
    """The SVG document. `as_of`: the last day the claims cover, shown under the title (by default the
    latest date a claim carries)."""
    if not as_of:
        as_of = max((as_day(c.claim.date) for a in assessments for c in a.claims), default="")
    lats = [a.place.lat for a in assessments] or [0.0]
    lons = [a.place.lon for a in assessments] or [0.0]
    south, north, west, east = min(lats), max(lats), min(lons), max(lons)
    pad_lat = max((north - south) * 0.08, 0.15)
    pad_lon = max((east - west) * 0.08, 0.15)
    south, north = max(south - pad_lat, -89.0), min(north + pad_lat, 89.0)
    west, east = west - pad_lon, east + pad_lon
    shrink = max(math.cos(math.radians((south + north) / 2)), 0.05)
    plot_width = WIDTH - 2 * MARGIN
    scale = min(plot_width / ((east - west) * shrink), MAX_PLOT_HEIGHT / (north - south))
    plot_width = (east - west) * shrink * scale
    plot_height = (north - south) * scale
    left = (WIDTH - plot_width) / 2
    top = MARGIN + 40

    def x(lon: float) -> float:
        return left + (lon - west) * shrink * scale

    def y(lat: float) -> float:
        return top + (north - lat) * scale

    sides = sorted({a.controller for a in assessments if a.status not in ("attacked", "withdrawn")} |
                   {s for a in assessments for s in a.sides})
    legend_rows = len(sides) + 4
    height = top + plot_height + 34 + 18 * legend_rows + 20
    out = [f'<?xml version="1.0" encoding="UTF-8"?>\n'
           f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{_n(height)}" '
           f'viewBox="0 0 {WIDTH} {_n(height)}" font-family="sans-serif">\n',
           f'<title>{_text(title)}</title>\n',
           '<rect width="100%" height="100%" fill="#ffffff"/>\n',
           f'<text x="{_n(left)}" y="{MARGIN - 22}" font-size="20" font-weight="bold">{_text(title)}</text>\n',
           f'<text x="{_n(left)}" y="{MARGIN - 2}" font-size="12" fill="#555">'
           f'{len(assessments)} place(s) by the claims in the articles read'
           f'{", as of " + _text(as_of) if as_of else ""}; every claim and its source are in the map and files '
           f'beside this picture</text>\n',
           f'<rect x="{_n(left)}" y="{_n(top)}" width="{_n(plot_width)}" height="{_n(plot_height)}" '
           f'fill="{BACKGROUND}" stroke="#5b6472"/>\n']

    # the graticule, with labels outside the frame
    span = max(north - south, east - west)
    step = next((s for s in STEPS if span / s >= 4), STEPS[-1])
    out.append('<g stroke="#9aa3b1" stroke-width="0.6" fill="none">\n')
    labels = []
    for k in range(math.ceil(south / step), math.floor(north / step) + 1):
        lat = k * step
        out.append(f'<line x1="{_n(left)}" y1="{_n(y(lat))}" x2="{_n(left + plot_width)}" y2="{_n(y(lat))}"/>\n')
        labels.append(f'<text x="{_n(left - 4)}" y="{_n(y(lat) + 4)}" text-anchor="end">{_degrees(lat, "N", "S")}</text>\n')
    for k in range(math.ceil(west / step), math.floor(east / step) + 1):
        lon = k * step
        out.append(f'<line x1="{_n(x(lon))}" y1="{_n(top)}" x2="{_n(x(lon))}" y2="{_n(top + plot_height)}"/>\n')
        labels.append(f'<text x="{_n(x(lon))}" y="{_n(top + plot_height + 14)}" text-anchor="middle">'
                      f'{_degrees(((lon + 540) % 360) - 180, "E", "W")}</text>\n')
    out.append('</g>\n<g font-size="10" fill="#5b6472">\n')
    out.extend(labels)
    out.append('</g>\n')

    # the places: areas first (large and faint, underneath), then towns and points
    ordered = sorted(assessments, key=lambda a: (a.place.precision not in AREA_PRECISIONS, a.place.name, a.place.id))
    out.append('<g id="places">\n')
    for assessment in ordered:
        out.append(_circle(x(assessment.place.lon), y(assessment.place.lat), marker_style(assessment, profile),
                           f"{assessment.place.name}: {profile.label(assessment.controller)} ({assessment.status})"
                           if assessment.status not in ("attacked", "withdrawn") else
                           f"{assessment.place.name}: {assessment.status}"))
    out.append('</g>\n')
    if len(assessments) <= LABEL_LIMIT:
        out.append('<g font-size="11" fill="#222" stroke="#ffffff" stroke-width="3" paint-order="stroke">\n')
        for assessment in ordered:
            radius = marker_style(assessment, profile)["radius"]
            out.append(f'<text x="{_n(x(assessment.place.lon) + radius + 3)}" y="{_n(y(assessment.place.lat) + 4)}">'
                       f'{_text(assessment.place.name)}</text>\n')
        out.append('</g>\n')

    # the legend
    row = top + plot_height + 40
    out.append('<g font-size="12" fill="#222">\n')
    for side in sides:
        colour = escape.colour(profile.colour(side))
        out.append(f'<circle cx="{_n(left + 7)}" cy="{_n(row - 4)}" r="6" fill="{colour}" fill-opacity="0.8" '
                   f'stroke="{colour}"/><text x="{_n(left + 20)}" y="{_n(row)}">{_text(profile.label(side))}</text>\n')
        row += 18
    for style, text in (
            ({"radius": 6, "color": "#000000", "weight": 2, "fill": True, "fillColor": "#bbbbbb", "fillOpacity": 0.55,
              "opacity": 1, "dashArray": "4 2"}, "contested (fighting reported, or two sides' claims meet)"),
            ({"radius": 6, "color": "#555555", "weight": 2, "fill": True, "fillColor": "#555555", "fillOpacity": 0.1,
              "opacity": 1, "dashArray": "3 3"}, "claimed only by the side it favours"),
            ({"radius": 7, "color": "#555555", "weight": 1, "fill": True, "fillColor": "#000000", "fillOpacity": 0.12,
              "opacity": 1, "dashArray": "2 4"}, "area-level: a province or region"),
            ({"radius": 5, "color": "#444444", "weight": 2, "fill": True, "fillColor": "#ffffff", "fillOpacity": 0.9,
              "opacity": 1}, "attacked, no control claim")):
        out.append(_circle(left + 7, row - 4, style, text) +
                   f'<text x="{_n(left + 20)}" y="{_n(row)}">{_text(text)}</text>\n')
        row += 18
    out.append('</g>\n</svg>\n')
    return "".join(out)


def _circle(cx: float, cy: float, style: dict, title: str) -> str:
    fill = escape.colour(style.get("fillColor", style["color"])) if style.get("fill", True) else "none"
    dash = f' stroke-dasharray="{escape.text(style["dashArray"])}"' if style.get("dashArray") else ""
    return (f'<circle cx="{_n(cx)}" cy="{_n(cy)}" r="{style["radius"]:g}" fill="{fill}" '
            f'fill-opacity="{style.get("fillOpacity", 0.2):g}" stroke="{escape.colour(style["color"])}" '
            f'stroke-width="{style.get("weight", 2):g}" stroke-opacity="{style.get("opacity", 1):g}"{dash}>'
            f'<title>{_text(title)}</title></circle>\n')
