"""The offline map: one HTML file that asks no server for anything.

folium links Leaflet, jQuery and each plugin's scripts and styles from CDNs. For `--offline` every one of
those links is replaced by the file's text, inlined into the page's head. The text comes from the PyPI
package `folium-offline` (import name `offlinefolium`, MIT licence, like folium and Leaflet), which ships
the very files folium links, with the images that Leaflet's stylesheet uses already turned into data URIs,
in a table keyed by the CDN address. Nothing is copied into this repository and nothing is fetched.

Without background tiles the places are drawn on a plain light background with a graticule (labelled
lines of latitude and longitude, spaced for the zoom level), a scale bar and a readout of the pointer's
coordinates, so a reader can still tell where and how far apart the places are.
"""
from __future__ import annotations

import importlib
import re

import folium
from branca.element import Element, MacroElement
from folium.elements import JSCSSMixin
from jinja2 import Template

ASSET_MODULE = "offlinefolium.elements"  # from the PyPI package folium-offline
# What folium's Map links that an offline map of circle markers, popups and a layer control uses:
# Leaflet itself, and jQuery (folium's popups are built with `$(...)`). Bootstrap, Font Awesome,
# Glyphicons and Awesome Markers are only for folium's pin icons, and are kept when the map has one.
MAP_ASSETS = frozenset({"leaflet", "leaflet_css", "jquery"})
BACKGROUND = "#f3f1ec"

_SOURCE_MAP = re.compile(r"^[ \t]*(?://[#@] sourceMappingURL=\S*|/\*[#@] sourceMappingURL=[^*]*\*/)[ \t]*$",
                         re.MULTILINE)
_NPM_VERSION = re.compile(r"@[0-9][^/]*")


class OfflineAssetError(RuntimeError):
    """A script or style the map links is not among the packaged assets."""


def packaged_assets() -> dict[str, str]:
    """CDN address → file text, as shipped by folium-offline."""
    try:
        module = importlib.import_module(ASSET_MODULE)
    except ImportError as err:  # pragma: no cover - it is a dependency
        raise OfflineAssetError("--offline needs the package folium-offline: pip install folium-offline") from err
    table = getattr(module, "_res", None)
    if not isinstance(table, dict) or not table:
        raise OfflineAssetError(f"folium-offline's asset table ({ASSET_MODULE}._res) is missing; "
                                f"this version of folium-offline is not supported")
    return table


def asset_text(url: str, assets: dict[str, str]) -> str:
    """The text behind `url`; when folium links another version of the same npm file, that file."""
    if url in assets:
        return assets[url]
    unversioned = _NPM_VERSION.sub("@", url)
    matches = sorted(key for key in assets if _NPM_VERSION.sub("@", key) == unversioned)
    if matches:
        return assets[matches[-1]]
    raise OfflineAssetError(f"no packaged copy of {url}; it cannot be inlined into an offline map")


def inline_script(text: str) -> str:
    """Script text that cannot close its <script> element early and names no source map to fetch."""
    text = _SOURCE_MAP.sub("", text)
    return "<script>" + re.sub(r"</(script)", r"<\\/\1", text, flags=re.IGNORECASE) + "</script>"


def inline_style(text: str) -> str:
    text = _SOURCE_MAP.sub("", text)
    return "<style>" + re.sub(r"</(style)", r"<\\/\1", text, flags=re.IGNORECASE) + "</style>"


def _walk(element: Element):
    yield element
    for child in element._children.values():
        yield from _walk(child)


def inline_assets(fmap: folium.Map, assets: dict[str, str] | None = None) -> None:
    """Replace every script and style link that the map's elements would add with the file's text."""
    assets = packaged_assets() if assets is None else assets
    elements = list(_walk(fmap))
    has_pin_icons = any(isinstance(e, folium.Icon) for e in elements)
    header = fmap.get_root().header
    seen: set[str] = set()
    for element in elements:
        if not isinstance(element, JSCSSMixin):
            continue
        for kind, links in (("js", element.default_js), ("css", element.default_css)):
            for name, url in links:
                if element is fmap and not has_pin_icons and name not in MAP_ASSETS:
                    continue
                if name in seen:
                    continue
                seen.add(name)
                text = asset_text(url, assets)
                header.add_child(Element(inline_script(text) if kind == "js" else inline_style(text)),
                                 name=f"offline_{kind}_{name}")
        # instance attributes: folium's class-level lists (shared by every map) stay as they are
        element.default_js = []
        element.default_css = []


class PlainBackground(MacroElement):
    """A light background, a graticule that follows the view, and a coordinate readout."""

    _template = Template("""
{% macro header(this, kwargs) %}
<style>
 .leaflet-container { background: {{ this.background }}; font-size: 11px; }
 .cm-grid-label { color: #5b6472; font: 10px/1 sans-serif; white-space: nowrap; text-shadow: 0 0 2px #fff; }
 .cm-coords { background: rgba(255,255,255,.85); padding: 2px 6px; font: 11px/1.4 monospace; color: #333;
   border-radius: 3px; }
</style>
{% endmacro %}
{% macro script(this, kwargs) %}
(function (map) {
    var pane = map.createPane("cmGraticule");
    pane.style.zIndex = 350;
    pane.style.pointerEvents = "none";
    var grid = L.layerGroup().addTo(map);
    var steps = [30, 20, 10, 5, 2, 1, 0.5, 0.25, 0.1, 0.05, 0.02, 0.01, 0.005];
    function degrees(value, positive, negative) {
        var rounded = Math.round(Math.abs(value) * 1000) / 1000;
        return rounded + "\\u00b0" + (value > 0 ? positive : value < 0 ? negative : "");
    }
    function label(latlng, text, anchor) {
        return L.marker(latlng, {pane: "cmGraticule", interactive: false, keyboard: false,
            icon: L.divIcon({className: "cm-grid-label", html: text, iconSize: null, iconAnchor: anchor})});
    }
    function draw() {
        grid.clearLayers();
        var b = map.getBounds();
        var south = Math.max(b.getSouth(), -85), north = Math.min(b.getNorth(), 85);
        var west = b.getWest(), east = b.getEast();
        var span = Math.max(north - south, east - west), step = steps[steps.length - 1];
        for (var i = 0; i < steps.length; i++) {
            if (span / steps[i] >= 5) { step = steps[i]; break; }
        }
        var line = {pane: "cmGraticule", color: "#9aa3b1", weight: 1, opacity: 0.7, interactive: false};
        for (var k = Math.ceil(south / step); k * step <= north; k++) {
            var lat = k * step;
            grid.addLayer(L.polyline([[lat, west], [lat, east]], line));
            grid.addLayer(label([lat, west], degrees(lat, "N", "S"), [-3, 12]));
        }
        for (var m = Math.ceil(west / step); m * step <= east; m++) {
            var lon = m * step, wrapped = ((lon + 540) % 360) - 180;
            grid.addLayer(L.polyline([[south, lon], [north, lon]], line));
            grid.addLayer(label([north, lon], degrees(wrapped, "E", "W"), [-3, -4]));
        }
    }
    var Readout = L.Control.extend({
        options: {position: "bottomright"},
        onAdd: function () {
            var box = L.DomUtil.create("div", "cm-coords");
            function show(latlng, prefix) {
                var p = latlng.wrap();
                box.textContent = prefix + p.lat.toFixed(4) + ", " + p.lng.toFixed(4);
            }
            map.on("mousemove", function (e) { show(e.latlng, ""); });
            map.on("moveend mouseout", function () { show(map.getCenter(), "centre "); });
            show(map.getCenter(), "centre ");
            return box;
        }
    });
    L.control.scale({position: "bottomright"}).addTo(map);
    new Readout().addTo(map);
    map.on("moveend", draw);
    draw();
})({{ this._parent.get_name() }});
{% endmacro %}
""")

    def __init__(self, background: str = BACKGROUND):
        super().__init__()
        self._name = "PlainBackground"
        self.background = background


def make_offline(fmap: folium.Map) -> None:
    """Turn a map without tiles into one self-contained page."""
    for key, child in list(fmap._children.items()):
        if isinstance(child, folium.TileLayer):  # tiles come from a server: an offline map has none
            del fmap._children[key]
    fmap.control_scale = False  # drawn bottom right instead, where no legend covers it
    PlainBackground().add_to(fmap)
    inline_assets(fmap)
