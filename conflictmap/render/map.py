"""The Leaflet map (folium): places as circle markers drawn on one canvas, coloured by their assessed controller.

Each layer of the layer control (one per side holding places, *Contested*, *Attacks*, *Left*, and the casualty
reports) is ONE GeoJSON layer whose features are points; Leaflet draws them as circle markers on a canvas
(`preferCanvas`), so ten thousand places cost ten thousand small objects, not ten thousand SVG elements and
script blocks. Popups, tooltips and the search box's labels are built in the page from feature properties and
one shared table of popup texts, all made here, where every string from an article or a data file goes
through `escape`.

When the claims cover two days or more, each layer is a `L.timeline` (folium's Timeline plugin): a place has
one feature per period of its history (`assess.history`), shown from its first day to the day before the next
period, and a slider (folium's TimelineSlider) shows the map as of any day; it opens on the last day. Without
dates the layers are plain GeoJSON and there is no slider.
"""
from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Iterable, Mapping

import folium
from branca.element import Element, MacroElement
from folium.map import Layer
from folium.plugins import Search, TimelineSlider
from folium.template import Template as FoliumTemplate  # has the `tojavascript` filter
from jinja2 import Template

from ..assess import ChangeOfHands, Period, as_day, changes_in, figure_history, history
from ..model import Article, Assessment, Place, Precision, ResolvedClaim, ResolvedFigure
from ..profiles import Profile
from . import escape
from .offline import make_offline

AREA_PRECISIONS = frozenset({Precision.ADMIN1, Precision.DISTRICT})
SOURCE_KIND_LABELS = {
    "article": "the outlet's own reporting", "monitor": "independent monitor", "wire": "wire service",
    "media": "news outlet", "state_media": "state media", "belligerent": "party to the conflict",
    "un_ngo": "UN / NGO", "anonymous": "anonymous", "official": "official",
}
STATUS_LABELS = {"assessed": "assessed", "claimed": "claimed; no independent source confirms it",
                 "contested": "contested", "attacked": "attacked; no control claim",
                 "withdrawn": "reported left; no report of who holds it now"}
FIGURES_LAYER = "Casualty and displacement reports"
FIGURE_COLOUR = "#7b3294"  # purple: not a side's colour in any bundled profile
PLACE, FIGURES = "place", "figures"
DAY_MS = 86_400_000
EPOCH = date(1970, 1, 1)

POPUP_CSS = """
.cm-popup h4 { margin: 0 0 4px; }
.cm-popup ul { margin: 2px 0; padding-left: 16px; }
.cm-meta { color: #555; font-size: 11px; }
.cm-state { margin: 6px 0; }
.cm-when { display: block; color: #555; font-size: 11px; }
.cm-block { margin: 6px 0; }
.cm-side { border-left: 4px solid #7f7f7f; padding-left: 6px; margin: 6px 0; }
.cm-article { font-size: 11px; }
.cm-popup blockquote { margin: 2px 0 4px 0; font-style: italic; color: #333; }
/* the search box's "looking up" spinner is an image file beside the plugin's stylesheet: not fetched */
.leaflet-control.leaflet-control-search.search-load .search-input { background: #fff; }
"""


# --- marker styles --------------------------------------------------------------------------------------

def marker_style(assessment: Assessment, profile: Profile) -> dict:
    """Leaflet path options for a place: colour by controller, dashed and hollow when only claimed."""
    colour = escape.colour(profile.colour(assessment.controller))
    area = assessment.place.precision in AREA_PRECISIONS
    style = {"radius": 16 if area else 7, "color": colour, "weight": 2, "fill": True, "fillColor": colour,
             "fillOpacity": 0.8, "opacity": 0.95}
    if area:
        style.update(fillOpacity=0.18, weight=2, dashArray="2 6")
    if assessment.status in ("claimed", "withdrawn"):
        style.update(fillOpacity=0.1, dashArray="4 4", weight=3)
    elif assessment.status == "contested":
        style.update(color="#000000", weight=3, dashArray="6 3", fillOpacity=0.55)
    elif assessment.status == "attacked":
        style.update(color="#444444", fillColor="#ffffff", fillOpacity=0.9, weight=2, radius=5)
    return style


def figure_style(assessment: Assessment, figures: tuple[ResolvedFigure, ...], profile: Profile) -> dict:
    """A ring around the place's marker; wider for a larger figure (the largest one reported there)."""
    largest = max((f.figure.count for f in figures), default=0)
    steps = len(str(largest)) if largest > 0 else 1  # 1-9 → 1, 10-99 → 2, ...
    radius = marker_style(assessment, profile)["radius"] + 4 + 2 * min(steps, 5)
    return {"radius": radius, "color": FIGURE_COLOUR, "weight": 3, "opacity": 0.9, "fill": True,
            "fillColor": FIGURE_COLOUR, "fillOpacity": 0.06}


# --- popups ---------------------------------------------------------------------------------------------

def popup_head(assessment: Assessment) -> str:
    place = assessment.place
    return (f"<h4>{escape.text(place.name)}</h4><div class='cm-meta'>{escape.text(place.kind)} · located to "
            f"{escape.text(place.precision.value)} precision · {escape.text(place.country)} · "
            f"{place.lat:.4f}, {place.lon:.4f}</div>")


def state_summary(assessment: Assessment, profile: Profile, when: str = "") -> str:
    """The assessment in one line: who holds the place and how sure; `when` (escaped here) says over which days."""
    if assessment.status == "attacked":
        summary = "No claim of control; attacked by " + ", ".join(escape.text(profile.label(s)) for s in assessment.sides)
    elif assessment.status == "withdrawn":
        summary = "Reported left by " + ", ".join(escape.text(profile.label(s)) for s in assessment.sides) + \
            "; no report of who holds it now"
    else:
        summary = (f"<b>{escape.text(profile.label(assessment.controller))}</b> — "
                   f"{escape.text(STATUS_LABELS.get(assessment.status, assessment.status))}")
        if assessment.since:
            summary += f" (since {escape.text(assessment.since)})"
    when_html = f"<span class='cm-when'>{escape.text(when)}</span>" if when else ""
    return f"<p class='cm-state'>{when_html}{summary}</p>"


def change_line(change: ChangeOfHands, profile: Profile) -> str:
    """'Saraqib: Syrian government and allies → Opposition (rebels, HTS, SNA), 2024-11-30', as plain text."""
    after = profile.label(change.after) + (f" ({change.after_status})" if change.after_status != "assessed" else "")
    return (f"{change.place.name}: {profile.label(change.before)} → {after}"
            f"{', ' + change.date if change.date else ', date not reported'}")


def changes_html(changes: list[ChangeOfHands], profile: Profile) -> str:
    if not changes:
        return ""
    items = "".join(f"<li>{escape.text(change_line(c, profile))}</li>" for c in changes)
    return f"<div class='cm-block'><b>Changes of hands</b><ul>{items}</ul></div>"


def figures_html(figures: tuple[ResolvedFigure, ...] | list[ResolvedFigure]) -> str:
    if not figures:
        return ""
    parts = ["<div class='cm-block'><b>Casualty and displacement reports</b><ul>"]
    for item in figures:
        figure = item.figure
        who = "the article itself" if figure.source.is_article else figure.source.name
        when = f" · {figure.date}" if figure.date else ""
        parts.append(f"<li>{escape.text(figure.as_written)} · source: {escape.text(who)}"
                     f"{escape.text(when)} · {escape.text(figure.article_name)}</li>")
    parts.append("</ul></div>")
    return "".join(parts)


def popup_body(assessment: Assessment, profile: Profile, articles: dict[str, Article],
               changes: list[ChangeOfHands] = ()) -> str:
    """Changes of hands, figures, then every claim grouped by side with its source, article and sentence."""
    parts = [changes_html(list(changes), profile), figures_html(assessment.figures)]
    grouped: dict[str, list[ResolvedClaim]] = defaultdict(list)
    for item in assessment.claims:
        grouped[item.claim.side].append(item)
    for side in sorted(grouped):
        colour = escape.colour(profile.colour(side))
        parts.append(f"<div class='cm-side' style='border-left-color:{colour}'>"
                     f"<b>{escape.text(profile.label(side))}</b><ul>")
        for item in grouped[side]:
            parts.append(_claim_item(item, articles))
        parts.append("</ul></div>")
    return "".join(parts)


def popup_html(assessment: Assessment, profile: Profile, body: str) -> str:
    """The whole popup of a place as of its last report: the assessment first, then `body` (`popup_body`)."""
    return f"<div class='cm-popup'>{popup_head(assessment)}{state_summary(assessment, profile)}{body}</div>"


def _claim_item(item: ResolvedClaim, articles: dict[str, Article]) -> str:
    claim = item.claim
    article = articles.get(claim.article_id)
    source_kind = SOURCE_KIND_LABELS.get(claim.source.kind, claim.source.kind)
    who = "the article itself" if claim.source.is_article else claim.source.name
    when = f"{claim.date} · " if claim.date else ""
    past = " <i>(earlier state)</i>" if claim.past else ""
    line = [f"<li><b>{escape.text(claim.status.value)}</b>{past} · {escape.text(when)}"
            f"{escape.text(claim.actor)} · source: {escape.text(who)} ({escape.text(source_kind)})"]
    if article is not None:
        title = article.title or article.name
        details = [x for x in (article.outlet, article.published) if x]
        if article.title:
            details.append(article.name)
        link = escape.url(article.url)
        title_html = f"<a href='{link}' target='_blank' rel='noopener noreferrer'>{escape.text(title)}</a>" \
            if link else escape.text(title)
        meta = "".join(f" · {escape.text(x)}" for x in details)
        line.append(f"<br><span class='cm-article'>{title_html}{meta}</span>")
    line.append(f"<blockquote>“{escape.text(claim.quote)}”</blockquote></li>")
    return "".join(line)


# --- layers ---------------------------------------------------------------------------------------------

def layer_of(assessment: Assessment, profile: Profile) -> tuple[str, str]:
    """(sort key, label in the layer control) of the layer a place's marker belongs to."""
    if assessment.status == "attacked":
        return "~attacks", "Attacks (no control claim)"
    if assessment.status == "withdrawn":
        return "~withdrawn", "Left (holder not reported)"
    if assessment.status == "contested":
        return "~contested", "Contested"
    return assessment.controller, f"Held: {profile.label(assessment.controller)}"


def tooltip_text(assessment: Assessment, profile: Profile) -> str:
    return f"{assessment.place.name} — " + (
        "attacked" if assessment.status == "attacked" else
        f"{profile.label(assessment.controller)} ({assessment.status})")


def spellings(assessment: Assessment) -> tuple[str, ...]:
    """The other spellings the articles used for a place, as looked up ("Saraqeb" for Saraqib)."""
    folded = assessment.place.name.casefold()
    return tuple(sorted({c.claim.place_hint.strip() for c in assessment.claims
                         if c.claim.place_hint.strip() and c.claim.place_hint.strip().casefold() != folded}))


def search_labels(places: list[tuple[Place, tuple[str, ...]]]) -> list[str]:
    """What the search box lists for each (place, other spellings): its name, and the other spellings
    ("Saraqib (Saraqeb)"); a name two places share gets what tells them apart: the kind of place
    ("Aleppo · governorate", "Aleppo · city"), then its admin area, then its coordinates."""
    labels = [place.name + (f" ({', '.join(others)})" if others else "") for place, others in places]
    kind_name = {"admin1": "governorate/province", "admin2": "district", "country": "country"}
    for extra in (lambda p: kind_name.get(p.kind, p.kind), lambda p: p.admin1 or p.country,
                  lambda p: f"{p.lat:.2f}, {p.lon:.2f}"):
        seen: dict[str, int] = defaultdict(int)
        for label in labels:
            seen[label] += 1
        if all(count == 1 for count in seen.values()):
            break
        labels = [label + f" · {extra(place)}" if seen[label] > 1 else label
                  for label, (place, _) in zip(labels, places)]
    return labels


def js_data(value) -> str:
    """JSON for inside a <script>: nothing in it can end the script element or open an HTML comment."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return (text.replace("</", "<\\/").replace("<!--", "<\\u0021--")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


class Rendered(Element):
    """Text rendered already, put into the page as it is."""

    _template = Template("{{ this.text }}")

    def __init__(self, text: str):
        super().__init__()
        self._name = "Rendered"
        self.text = text


def render_macros(element: MacroElement, kwargs: dict) -> None:
    """What MacroElement.render does, except that the output is not compiled as a template once more (branca
    does, which for megabytes of data takes seconds)."""
    figure = element.get_root()
    for part in ("header", "html", "script"):
        macro = element._template.module.__dict__.get(part)
        if macro is not None:
            getattr(figure, part).add_child(Rendered(str(macro(element, kwargs))), name=element.get_name())
    for child in element._children.values():
        child.render(**kwargs)


class PlaceData(MacroElement):
    """What the layers share: the marker styles, each place's popup texts (head, body) and search label,
    given as JavaScript (`js_data`) by place id."""

    _template = Template("""
{% macro header(this, kwargs) %}
<style>{{ this.css }}</style>
{% endmacro %}
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = {{ this.data }};
{% endmacro %}
""")

    def __init__(self, data: str):
        super().__init__()
        self._name = "PlaceData"
        self.css = POPUP_CSS
        self.data = data

    def render(self, **kwargs):
        render_macros(self, kwargs)


class PlaceLayer(Layer):
    """One layer of the layer control: a GeoJSON FeatureCollection of points drawn as canvas circle markers,
    with a tooltip and a popup built from each feature's properties; a `L.timeline` when `timed`."""

    _template = Template("""
{% macro script(this, kwargs) %}
var {{ this.get_name() }}_data = {{ this.data }};
{{ this.get_name() }}_data.features.forEach(function (feature) {
    var p = feature.properties;
    if (p.cm === "place") p.search = {{ this.shared.get_name() }}.labels[p.pid];
});
var {{ this.get_name() }} = L.{{ 'timeline' if this.timed else 'geoJSON' }}({{ this.get_name() }}_data, {
    {%- if this.timed %}
    getInterval: function (feature) {
        // a period open at either end runs from the first day of the map, or to the end of its last day
        var p = feature.properties;
        return {start: (p.t0 === null ? {{ this.first }} : p.t0) * {{ this.day_ms }},
                end: (p.t1 === null ? {{ this.end }} : p.t1) * {{ this.day_ms }}, endExclusive: true};
    },
    drawOnSetTime: false,  // drawn once the slider is set to the last day (TimeSlider)
    {%- endif %}
    pointToLayer: function (feature, latlng) {
        return L.circleMarker(latlng, {{ this.shared.get_name() }}.styles[feature.properties.s]);
    },
    onEachFeature: function (feature, layer) {
        var p = feature.properties;
        layer.bindTooltip(p.tip);
        layer.bindPopup(function () {
            var texts = {{ this.shared.get_name() }}.popups[p.pid];
            return "<div class='cm-popup'>" + texts[0] + p.summary + (p.cm === "place" ? texts[1] : "") + "</div>";
        }, {maxWidth: 420});
        {%- if this.below %}
        layer.on("add", function () { layer.bringToBack(); });
        {%- endif %}
    }
});
{%- if this.timed %}
// the features of the day shown, in one pass (the plugin compares every pair: slow for thousands of places)
{{ this.get_name() }}.updateDisplayedLayers = function () {
    var wanted = new Set(this.ranges.lookup(this.time)), layer = this;
    this.getLayers().forEach(function (shown) {
        if (wanted.has(shown.feature)) wanted.delete(shown.feature); else layer.removeLayer(shown);
    });
    wanted.forEach(function (feature) { layer.addData(feature); });
};
{%- endif %}
{{ this.get_name() }}.addTo({{ this._parent.get_name() }});
{% endmacro %}
""")

    def __init__(self, name: str, features: list[str], shared: PlaceData, timed: bool, first: int = 0, end: int = 0,
                 below: bool = False):
        super().__init__(name=name, overlay=True, control=True, show=True)
        self._name = "PlaceLayer"
        self.data = '{"type":"FeatureCollection","features":[' + ",".join(features) + "]}"  # each `js_data` already
        self.shared = shared
        self.timed = timed
        self.first, self.end = first, end  # day numbers: the map's first day, and the day after its last
        self.below = below  # drawn under the place markers (the casualty rings), so a click finds the place
        self.day_ms = DAY_MS
        self.count = len(features)

    def render(self, **kwargs):
        render_macros(self, kwargs)  # shown from the start: the script adds the layer to the map itself


class TimeSlider(TimelineSlider):
    """folium's TimelineSlider, showing days (in UTC, whatever the reader's time zone), stepping a day at a time
    when played, and opening on the last day: the map first shows what all the claims add up to."""

    _template = FoliumTemplate("""
{% macro header(this, kwargs) %}
<style>
 .leaflet-bottom.leaflet-left { width: 100%; }
 .leaflet-control-container .leaflet-timeline-control { box-sizing: border-box; width: calc(100% - 230px);
   min-width: 320px; margin: 0 10px 12px 10px; padding: 4px 8px; }
 .leaflet-timeline-control .time-text { font: 13px/1.6 monospace; }
</style>
{% endmacro %}
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.timelineSliderControl({{ this.options|tojavascript }});
{{ this.get_name() }}.addTo({{ this._parent.get_name() }});
{{ this.get_name() }}.addTimelines({% for timeline in this.timelines %}{{ timeline.get_name() }}{{ ", " if not loop.last }}{% endfor %});
{{ this.get_name() }}.setTime({{ this.get_name() }}.end);
{%- for timeline in this.timelines %}
{{ timeline.get_name() }}.options.drawOnSetTime = true;
{{ timeline.get_name() }}.updateDisplayedLayers();
{%- endfor %}
{% endmacro %}
""")
    # leaflet.timeline only: the days are written without moment.js
    default_js = [item for item in TimelineSlider.default_js if item[0] == "timeline"]

    def __init__(self, first_day: str, last_day: str):
        days = (date.fromisoformat(last_day) - date.fromisoformat(first_day)).days
        super().__init__(auto_play=False, start=day_number(first_day) * DAY_MS, end=day_number(last_day) * DAY_MS,
                         enable_playback=True, enable_keyboard_controls=False, show_ticks=True,
                         steps=max(days, 1), playback_duration=max(days, 1) * 600)
        self._name = "TimeSlider"
        self.options["format_output"] = folium.JsCode(
            "function (time) { return new Date(time).toISOString().slice(0, 10); }")


class SearchIndex(folium.FeatureGroup):
    """The place layers gathered for the search box (not itself on the map, nor in the layer control)."""

    _template = Template("""
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.featureGroup([{% for layer in this.layers %}{{ layer.get_name() }}{{ ", " if not loop.last }}{% endfor %}]);
{% endmacro %}
""")

    def __init__(self, layers: list[PlaceLayer]):
        super().__init__(name="search", overlay=True, control=False, show=False)
        self._name = "SearchIndex"
        self.layers = layers


class Legend(MacroElement):
    """A legend box: side colours, and what solid, hollow, dashed, large and ringed markers mean."""

    _template = Template("""
{% macro html(this, kwargs) %}
<div id="{{ this.get_name() }}" style="position:fixed;bottom:{{ this.bottom }}px;left:12px;z-index:9999;background:#fff;
 padding:8px 10px;border:1px solid #999;border-radius:4px;font:12px/1.4 sans-serif;max-width:260px">
{{ this.body }}
</div>
{% endmacro %}
""")

    def __init__(self, body: str, bottom: int = 24):
        super().__init__()
        self._name = "Legend"
        self.body = body
        self.bottom = bottom


def legend_html(profile: Profile, sides: list[str], title: str, figures: bool = False, timed: bool = False) -> str:
    rows = [f"<b>{escape.text(title)}</b><br>"]
    for side in sides:
        colour = escape.colour(profile.colour(side))
        rows.append(f"<span style='display:inline-block;width:11px;height:11px;border-radius:6px;"
                    f"background:{colour};margin-right:5px'></span>{escape.text(profile.label(side))}<br>")
    rows.append("<hr style='margin:4px 0'>"
                "<span style='display:inline-block;width:11px;height:11px;border-radius:6px;border:2px dashed #000;"
                "margin-right:5px'></span>contested (fighting reported, or two sides' claims meet)<br>"
                "<span style='display:inline-block;width:11px;height:11px;border-radius:6px;border:2px dashed #555;"
                "background:#eee;margin-right:5px'></span>claimed only by the side it favours<br>"
                "<span style='display:inline-block;width:16px;height:16px;border-radius:9px;border:1px dashed #555;"
                "background:rgba(0,0,0,.12);margin-right:5px'></span>area-level: a province or region<br>"
                "<span style='display:inline-block;width:9px;height:9px;border-radius:5px;border:2px solid #444;"
                "background:#fff;margin-right:5px'></span>attacked, no control claim<br>")
    if figures:
        rows.append(f"<span style='display:inline-block;width:13px;height:13px;border-radius:8px;"
                    f"border:3px solid {FIGURE_COLOUR};margin-right:5px'></span>casualty or displacement figures "
                    f"reported there (a wider ring for a larger figure)<br>")
    if timed:
        rows.append("<span style='color:#666'>The slider shows the map as of any day: each place as the claims "
                    "reported by then add up.</span><br>")
    rows.append("<span style='color:#666'>Click a marker for every claim, its source and the quoted sentence; "
                "the search box finds a place by name.</span>")
    return "".join(rows)


# --- the map --------------------------------------------------------------------------------------------

def day_number(day: str) -> int:
    return (date.fromisoformat(day) - EPOCH).days


def _when(start: str, end: str) -> str:
    """The days a period holds, in words ('' start: from the map's first day; '' end: to its last)."""
    if end:
        last_day = date.fromordinal(date.fromisoformat(end).toordinal() - 1).isoformat()
        if not start:
            return f"Up to {last_day}"
        return f"From {start} to {last_day}" if last_day != start else f"On {start}"
    return f"From {start} to the latest report" if start else "Throughout the reports"


def place_days(assessment: Assessment, published: Mapping[str, str]) -> tuple[str, str]:
    """The first and last day a place's history or its figures change on ('', '' when none is dated)."""
    days = {as_day(p.start) for p in history(assessment.claims, published) if p.start}
    days |= {start for start, _, _ in figure_history(assessment.figures, published) if start}
    return (min(days), max(days)) if days else ("", "")


def timed_span(spans: Iterable[tuple[str, str]]) -> tuple[str, str] | None:
    """The first and last day of a map whose places span these days; None when they cover fewer than two days
    (then the map has no time slider)."""
    spans = list(spans)
    firsts = [first for first, _ in spans if first]
    if not firsts:
        return None
    first, last = min(firsts), max(last for _, last in spans if last)
    return (first, last) if first != last else None


@dataclass(frozen=True)
class MapPiece:
    """One place on the map, rendered: what the map's layers and shared table hold for it."""

    place_id: str
    popup: str                                  # JavaScript: [head, body]
    features: tuple[tuple[str, str, str], ...]  # (layer key, layer label, GeoJSON feature) for each period shown
    rings: tuple[str, ...]                      # GeoJSON features of the casualty layer, one per stretch of days
    styles: tuple[tuple[str, dict], ...]        # (key, Leaflet path options) of the styles its features use
    sides: tuple[str, ...]                      # the sides its markers show, for the legend


def style_key(style: dict) -> str:
    return "s" + hashlib.sha1(json.dumps(style, sort_keys=True).encode()).hexdigest()[:10]


def map_piece(assessment: Assessment, profile: Profile, published: Mapping[str, str], timed: bool,
              body: str) -> MapPiece:
    """A place's features and popup texts; `timed`: one feature per period of its history (with its days as
    t0 and t1, null for open ends); `body`: its popup's body (`popup_body`)."""
    place = assessment.place
    pid = place.id
    geometry = {"type": "Point", "coordinates": [round(place.lon, 6), round(place.lat, 6)]}
    styles: dict[str, dict] = {}

    def style_of(style: dict) -> str:
        key = style_key(style)
        styles[key] = style
        return key

    periods = history(assessment.claims, published)
    features, sides = [], set()
    for period in (periods if timed else [Period("", "", assessment)]):
        state = period.assessment
        if state.status in ("attacked", "withdrawn"):
            sides.update(state.sides)
        else:
            sides.add(state.controller)
        properties = {"cm": PLACE, "pid": pid, "s": style_of(marker_style(state, profile)),
                      "tip": escape.text(tooltip_text(state, profile)),
                      "summary": state_summary(state, profile, _when(period.start, period.end) if timed else "")}
        if timed:
            properties["t0"] = day_number(period.start) if period.start else None
            properties["t1"] = day_number(period.end) if period.end else None
        key, label = layer_of(state, profile)
        features.append((key, label, js_data({"type": "Feature", "geometry": geometry, "properties": properties})))
    rings = []
    if assessment.figures:
        stretches = figure_history(assessment.figures, published) if timed else [("", "", assessment.figures)]
        for start, end, figures in stretches:
            count = len(figures)
            properties = {"cm": FIGURES, "pid": pid, "s": style_of(figure_style(assessment, figures, profile)),
                          "tip": escape.text(f"{place.name} — {count} casualty or displacement "
                                             f"report{'s' if count != 1 else ''}"),
                          "summary": (f"<span class='cm-when'>{escape.text(_when(start, end))}</span>"
                                      if timed else "") + figures_html(figures)}
            if timed:
                properties["t0"] = day_number(start) if start else None
                properties["t1"] = day_number(end) if end else None
            rings.append(js_data({"type": "Feature", "geometry": geometry, "properties": properties}))
    return MapPiece(pid, js_data([popup_head(assessment), body]), tuple(features), tuple(rings),
                    tuple(sorted(styles.items())), tuple(sorted(sides)))


def assemble_map(places: list[tuple[Place, tuple[str, ...], MapPiece]], profile: Profile, span: tuple[str, str] | None,
                 title: str = "conflictmap", offline: bool = False) -> folium.Map:
    """The map of these (place, other spellings, rendered piece), in this order; `span`: the first and last day
    when the pieces were made timed (`timed_span`)."""
    timed = span is not None
    points = [(place.lat, place.lon) for place, _, _ in places]
    centre = [sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points)] if points else [20, 0]
    fmap = folium.Map(location=centre, zoom_start=7 if points else 2, prefer_canvas=True,
                      tiles=None if offline else "OpenStreetMap", control_scale=True)
    styles: dict[str, dict] = {}
    layers: dict[str, tuple[str, list[str]]] = {}
    rings: list[str] = []
    sides: set[str] = set()
    for _, _, piece in places:
        styles.update(piece.styles)
        sides.update(piece.sides)
        for key, label, feature in piece.features:
            layers.setdefault(key, (label, []))[1].append(feature)
        rings.extend(piece.rings)
    labels = search_labels([(place, others) for place, others, _ in places])
    data = ('{"styles":' + js_data(dict(sorted(styles.items()))) +
            ',"labels":' + js_data({piece.place_id: label for (_, _, piece), label in zip(places, labels)}) +
            ',"popups":{' + ",".join(js_data(piece.place_id) + ":" + piece.popup for _, _, piece in places) + "}}")
    shared = PlaceData(data)
    shared.add_to(fmap)
    first, end = (day_number(span[0]), day_number(span[1]) + 1) if timed else (0, 0)
    place_layers = []
    for key in sorted(layers):
        label, features = layers[key]
        layer = PlaceLayer(escape.text(label), features, shared, timed, first, end)
        layer.add_to(fmap)
        place_layers.append(layer)
    figure_layer = None
    if rings:
        figure_layer = PlaceLayer(escape.text(FIGURES_LAYER), rings, shared, timed, first, end, below=True)
        figure_layer.add_to(fmap)
    if place_layers:
        index = SearchIndex(place_layers)
        index.add_to(fmap)
        Search(layer=index, search_label="search", geom_type="Point", position="topleft",
               placeholder="Find a place", collapsed=False, search_zoom=11).add_to(fmap)
    if timed:
        TimeSlider(*span).add_timelines(*place_layers, *([figure_layer] if figure_layer else [])).add_to(fmap)
    Legend(legend_html(profile, sorted(sides), title, figures=bool(rings), timed=timed),
           bottom=96 if timed else 24).add_to(fmap)
    folium.LayerControl(collapsed=False).add_to(fmap)
    if len(points) > 1:
        fmap.fit_bounds([[min(p[0] for p in points), min(p[1] for p in points)],
                         [max(p[0] for p in points), max(p[1] for p in points)]], padding=(30, 30))
    if offline:
        make_offline(fmap)
    stable_ids(fmap)
    return fmap


def render_map(assessments: list[Assessment], profile: Profile, articles: dict[str, Article],
               title: str = "conflictmap", offline: bool = False) -> folium.Map:
    """A folium Map of the assessments; deterministic, every article string escaped. With claims over two days
    or more, a time slider. `offline`: no tiles, every script and style inlined (render/offline.py)."""
    published = {key: article.published for key, article in articles.items()}
    span = timed_span([place_days(a, published) for a in assessments])
    places = []
    for assessment in assessments:
        body = popup_body(assessment, profile, articles, changes_in(history(assessment.claims, published)))
        places.append((assessment.place, spellings(assessment),
                       map_piece(assessment, profile, published, span is not None, body)))
    return assemble_map(places, profile, span, title, offline)


def stable_ids(root: Element) -> None:
    """Replace folium's random element ids with ones that depend only on the map's structure."""
    counter = 0

    def walk(element: Element) -> None:
        nonlocal counter
        element._id = f"{counter:05d}"
        counter += 1
        for child in list(element._children.values()):
            walk(child)
        # templates use the keys of _children as JavaScript names too: re-key them by the new ids
        element._children = type(element._children)((child.get_name(), child) for child in element._children.values())
        for attr in ("html", "script", "header"):
            sub = getattr(element, attr, None)
            if isinstance(sub, Element) and sub is not element:
                walk(sub)

    walk(root)
