"""The Leaflet map (folium): a marker per place coloured by its assessed controller, popups, legend."""
from __future__ import annotations

from collections import defaultdict

import folium
from branca.element import Element, MacroElement
from jinja2 import Template

from ..model import Article, Assessment, Precision, ResolvedClaim
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


def marker_style(assessment: Assessment, profile: Profile) -> dict:
    """Leaflet path options for a place: colour by controller, dashed and hollow when only claimed."""
    colour = escape.colour(profile.colour(assessment.controller))
    area = assessment.place.precision in AREA_PRECISIONS
    style = {"radius": 16 if area else 7, "color": colour, "weight": 2, "fill": True, "fill_color": colour,
             "fill_opacity": 0.8, "opacity": 0.95}
    if area:
        style.update(fill_opacity=0.18, weight=2, dash_array="2 6")
    if assessment.status in ("claimed", "withdrawn"):
        style.update(fill_opacity=0.1, dash_array="4 4", weight=3)
    elif assessment.status == "contested":
        style.update(color="#000000", weight=3, dash_array="6 3", fill_opacity=0.55)
    elif assessment.status == "attacked":
        style.update(color="#444444", fill_color="#ffffff", fill_opacity=0.9, weight=2, radius=5)
    return style


def popup_html(assessment: Assessment, profile: Profile, articles: dict[str, Article]) -> str:
    place = assessment.place
    parts = [
        f"<div class='cm-popup'><h4 style='margin:0 0 4px'>{escape.text(place.name)}</h4>",
        f"<div style='color:#555;font-size:11px'>{escape.text(place.kind)} · located to {escape.text(place.precision.value)}"
        f" precision · {escape.text(place.country)} · {place.lat:.4f}, {place.lon:.4f}</div>",
    ]
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
    parts.append(f"<p style='margin:6px 0'>{summary}</p>")
    if assessment.figures:
        parts.append("<div style='margin:6px 0'><b>Casualty and displacement reports</b>"
                     "<ul style='margin:2px 0;padding-left:16px'>")
        for item in assessment.figures:
            figure = item.figure
            who = "the article itself" if figure.source.is_article else figure.source.name
            when = f" · {figure.date}" if figure.date else ""
            parts.append(f"<li>{escape.text(figure.as_written)} · source: {escape.text(who)}"
                         f"{escape.text(when)} · {escape.text(figure.article_name)}</li>")
        parts.append("</ul></div>")
    grouped: dict[str, list[ResolvedClaim]] = defaultdict(list)
    for item in assessment.claims:
        grouped[item.claim.side].append(item)
    for side in sorted(grouped):
        colour = escape.colour(profile.colour(side))
        parts.append(f"<div style='border-left:4px solid {colour};padding-left:6px;margin:6px 0'>"
                     f"<b>{escape.text(profile.label(side))}</b><ul style='margin:2px 0;padding-left:16px'>")
        for item in grouped[side]:
            parts.append(_claim_item(item, articles))
        parts.append("</ul></div>")
    parts.append("</div>")
    return "".join(parts)


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
        line.append(f"<br><span style='font-size:11px'>{title_html}{meta}</span>")
    line.append(f"<blockquote style='margin:2px 0 4px 0;font-style:italic;color:#333'>“{escape.text(claim.quote)}”"
                f"</blockquote></li>")
    return "".join(line)


class Legend(MacroElement):
    """A legend box: side colours, and what solid, hollow, dashed and large markers mean."""

    _template = Template("""
{% macro html(this, kwargs) %}
<div id="{{ this.get_name() }}" style="position:fixed;bottom:24px;left:12px;z-index:9999;background:#fff;
 padding:8px 10px;border:1px solid #999;border-radius:4px;font:12px/1.4 sans-serif;max-width:260px">
{{ this.body }}
</div>
{% endmacro %}
""")

    def __init__(self, body: str):
        super().__init__()
        self._name = "Legend"
        self.body = body


def legend_html(profile: Profile, sides: list[str], title: str) -> str:
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
                "background:#fff;margin-right:5px'></span>attacked, no control claim<br>"
                "<span style='color:#666'>Click a marker for every claim, its source and the quoted sentence.</span>")
    return "".join(rows)


def render_map(assessments: list[Assessment], profile: Profile, articles: dict[str, Article],
               title: str = "conflictmap", offline: bool = False) -> folium.Map:
    """A folium Map of the assessments; deterministic, every article string escaped. `offline`: no tiles,
    every script and style inlined (render/offline.py)."""
    points = [(a.place.lat, a.place.lon) for a in assessments]
    centre = [sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points)] if points else [20, 0]
    fmap = folium.Map(location=centre, zoom_start=7 if points else 2,
                      tiles=None if offline else "OpenStreetMap", control_scale=True)
    groups: dict[str, folium.FeatureGroup] = {}

    def group(key: str, label: str) -> folium.FeatureGroup:
        if key not in groups:
            groups[key] = folium.FeatureGroup(name=escape.text(label), show=True)
        return groups[key]

    for assessment in assessments:
        if assessment.status == "attacked":
            layer = group("~attacks", "Attacks (no control claim)")
        elif assessment.status == "withdrawn":
            layer = group("~withdrawn", "Left (holder not reported)")
        elif assessment.status == "contested":
            layer = group("~contested", "Contested")
        else:
            layer = group(assessment.controller, f"Held: {profile.label(assessment.controller)}")
        style = marker_style(assessment, profile)
        tooltip = f"{assessment.place.name} — " + (
            "attacked" if assessment.status == "attacked" else
            f"{profile.label(assessment.controller)} ({assessment.status})")
        folium.CircleMarker(
            location=[assessment.place.lat, assessment.place.lon],
            popup=folium.Popup(popup_html(assessment, profile, articles), max_width=420),
            tooltip=escape.text(tooltip),
            **style,
        ).add_to(layer)
    for key in sorted(groups):
        groups[key].add_to(fmap)
    sides = sorted({a.controller for a in assessments if a.status not in ("attacked", "withdrawn")} |
                   {s for a in assessments for s in a.sides})
    Legend(legend_html(profile, sides, title)).add_to(fmap)
    folium.LayerControl(collapsed=False).add_to(fmap)
    if len(points) > 1:
        fmap.fit_bounds([[min(p[0] for p in points), min(p[1] for p in points)],
                         [max(p[0] for p in points), max(p[1] for p in points)]], padding=(30, 30))
    if offline:
        make_offline(fmap)
    stable_ids(fmap)
    return fmap


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
