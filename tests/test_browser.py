"""The map in a real browser: Debian's Chromium, headless, driven by Playwright's Python package.

No test reaches the network. The ordinary map links Leaflet and jQuery from CDNs: the browser is handed the
same files from the folium-offline package, and a blank tile for every background tile. The offline map is
opened with every http(s) request refused.

These tests fail when Playwright or Chromium is missing (`.ci/run` installs both). On your own machine,
CONFLICTMAP_SKIP_BROWSER=1 skips them instead; in CI it does not.
"""
from __future__ import annotations

import os
import re
import struct
import zlib
from pathlib import Path

import pytest

from conflictmap import build
from conflictmap.render.offline import packaged_assets
from conftest import PHRASING

CHROMIUM = Path(os.environ.get("CONFLICTMAP_CHROMIUM", "/usr/bin/chromium"))
ARTICLES = [PHRASING / name for name in ("01_saraqeb_insurgents.txt", "04_raqa_sdf.txt", "09_hama_falls.txt")]
# The markers are circle markers on one canvas: found through Leaflet, and "drawn" when the canvas is painted
# where the marker is.
PAGE_HELPERS = """
window.cmTest = {
    map: function () { return window[document.querySelector('.folium-map').id]; },
    layers: function (kind) {
        var out = [];
        this.map().eachLayer(function (l) { if (l.feature && l.feature.properties.cm === kind) out.push(l); });
        return out;
    },
    pagePoint: function (layer) {
        var map = this.map(), box = map.getContainer().getBoundingClientRect();
        var p = map.latLngToContainerPoint(layer.getLatLng());
        return [box.left + p.x, box.top + p.y];
    },
    painted: function (layer) {
        var canvas = layer._renderer && layer._renderer._container;
        if (!canvas || !canvas.getContext) return false;
        var box = canvas.getBoundingClientRect(), at = this.pagePoint(layer);
        var x = Math.round((at[0] - box.left) * canvas.width / box.width);
        var y = Math.round((at[1] - box.top) * canvas.height / box.height);
        return canvas.getContext('2d').getImageData(x, y, 1, 1).data[3] > 0;
    },
    drawn: function (kind) {
        var self = this;
        return this.layers(kind).filter(function (l) { return self.painted(l); }).length;
    },
    find: function (lat, lon, kind) {
        return this.layers(kind || 'place').filter(function (l) {
            var p = l.getLatLng();
            return Math.abs(p.lat - lat) < 1e-6 && Math.abs(p.lng - lon) < 1e-6;
        })[0];
    }
};
"""
AFTER_PAINT = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => done(true))))"
HOSTILE = ("---\ntitle: <script>alert(1)</script> Rebels `seize` ${alert(1)} <img src=x onerror=alert(1)>\n"
           "outlet: Evil <img src=x onerror=alert(1)> News `${alert(1)}`\npublished: 2024-11-30\n---\n"
           "Rebels <script>alert(1)</script> captured Saraqib ${alert(1)} `x` <img src=x onerror=alert(1)>, "
           "the Syrian Observatory for Human Rights said. `${alert(1)}` </script><script>alert(1)</script>\n")


def _unavailable(reason: str):
    in_ci = os.environ.get("CI", "").lower() not in ("", "0", "false")
    if os.environ.get("CONFLICTMAP_SKIP_BROWSER") == "1" and not in_ci:
        pytest.skip(reason)
    pytest.fail(f"{reason}. .ci/run installs it; on your own machine CONFLICTMAP_SKIP_BROWSER=1 skips the "
                f"browser tests", pytrace=False)


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("Playwright's Python package is missing (pip install -e '.[test]')")
    if not CHROMIUM.exists():
        _unavailable(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        yield chromium
        chromium.close()


def _blank_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xf3\xf1\xec")) + chunk(b"IEND", b""))


class Visit:
    """A page, and everything it did that a test may want to see: dialogs, errors, requests."""

    def __init__(self, page, network: str):
        self.page = page
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.remote: list[str] = []
        page.on("dialog", self._dialog)
        page.on("console", lambda message: message.type == "error" and self.errors.append(message.text))
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("request", lambda request: self.requests.append(request.url))
        assets, tile = packaged_assets(), _blank_png()

        def answer(route):
            url = route.request.url
            self.remote.append(url)
            if network == "cdn-from-package" and url in assets:
                kind = "text/css" if url.endswith(".css") else "application/javascript"
                route.fulfill(status=200, body=assets[url], content_type=kind)
            elif network == "cdn-from-package" and re.search(r"/\d+/\d+/\d+\.png$", url):
                route.fulfill(status=200, body=tile, content_type="image/png")
            else:
                route.abort()

        page.route(re.compile(r"^https?://"), answer)

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def open(self, path: Path) -> "Visit":
        self.page.goto(path.as_uri())
        settle(self.page)
        return self

    def markers(self, kind: str = "place") -> int:
        """Markers on the map and painted on its canvas (kind 'figures': the casualty rings)."""
        settle(self.page)
        return self.page.evaluate("kind => cmTest.drawn(kind)", kind)

    def point_of(self, place, kind: str = "place", front: bool = True) -> tuple[float, float]:
        """Where on the page a place's marker is; brought to the front first (unless `front` is False), so
        that a click lands on it whatever overlaps it."""
        still = ("() => !(cmTest.map()._panAnim && cmTest.map()._panAnim._inProgress) && "
                 "!document.querySelector('.leaflet-zoom-anim')")
        self.page.wait_for_function(still)  # a popup may have panned the map
        covered = self.page.evaluate("""([lat, lon, kind]) => {
            const layer = cmTest.find(lat, lon, kind);
            if (!layer) return null;
            const [x, y] = cmTest.pagePoint(layer);
            const on = document.elementFromPoint(x, y);
            if (on && on.tagName === 'CANVAS') return false;
            cmTest.map().panTo(layer.getLatLng(), {animate: false});  // under a control: the reader pans to it
            return true;
        }""", [place.lat, place.lon, kind])
        assert covered is not None, f"no marker of {place.name} on the map"
        if covered:
            self.page.evaluate(AFTER_PAINT)
        point = self.page.evaluate("""([lat, lon, kind, front]) => {
            const layer = cmTest.find(lat, lon, kind);
            if (front) layer.bringToFront();
            return cmTest.pagePoint(layer);
        }""", [place.lat, place.lon, kind, front])
        return point[0], point[1]

    def popup_of(self, place, kind: str = "place", front: bool = True) -> str:
        self.page.mouse.click(*self.point_of(place, kind, front))
        return self.page.locator(".leaflet-popup-content").inner_text()

    def close_popup(self) -> None:
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        # a click that lands while the map still pans to show the popup (a loaded machine) can miss the button
        for _ in range(3):
            self.page.locator(".leaflet-popup-close-button").click()
            try:
                self.page.locator(".leaflet-popup").wait_for(state="detached", timeout=4000)
                return
            except PlaywrightTimeout:
                continue
        raise AssertionError("the popup's close button did not close it")

    def tooltip_of(self, place) -> str:
        self.page.mouse.move(*self.point_of(place))
        # the newest of its tooltips: one from before the map changed may still be fading out
        return self.page.locator(".leaflet-tooltip", has_text=place.name).last.inner_text()


def settle(target) -> None:
    """Wait (in a page or a frame) until the map has place markers and the canvas has been painted."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    target.evaluate(PAGE_HELPERS)
    try:
        target.wait_for_function("() => window.cmTest && document.querySelector('.folium-map') && "
                                 "cmTest.layers('place').length > 0")
    except PlaywrightTimeout:
        raise AssertionError("no marker was put on the map") from None
    target.wait_for_function("() => !document.querySelector('.leaflet-zoom-anim')")
    target.evaluate(AFTER_PAINT)


@pytest.fixture
def visit(browser):
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    context.set_default_timeout(10_000)
    pages = []

    def open_page(path: Path, network: str = "cdn-from-package") -> Visit:
        page = context.new_page()
        pages.append(page)
        return Visit(page, network).open(path)

    yield open_page
    context.close()


@pytest.fixture
def phrasing_map(tmp_path, gazetteer):
    result = build(ARTICLES, tmp_path / "map", gazetteer=gazetteer)
    return result, tmp_path / "map" / "conflict_map.html"


@pytest.fixture
def offline_map(tmp_path, gazetteer):
    result = build(ARTICLES, tmp_path / "offline", gazetteer=gazetteer, offline=True)
    return result, tmp_path / "offline" / "conflict_map.html"


def test_every_place_is_drawn_as_a_marker(visit, phrasing_map):
    result, path = phrasing_map
    page = visit(path)
    assert len(result.assessments) >= 8
    assert page.markers() == len(result.assessments)
    assert page.errors == [] and page.dialogs == []


def test_a_popup_lists_the_claims_with_their_sources_and_sentences(visit, phrasing_map):
    result, path = phrasing_map
    saraqib = next(a.place for a in result.assessments if a.place.name == "Saraqib")
    text = visit(path).popup_of(saraqib)
    assert text.startswith("Saraqib")
    assert "Opposition (rebels, HTS, SNA) — assessed" in text
    assert "source: Syrian Observatory for Human Rights (independent monitor)" in text
    assert "seized the strategic town of Saraqeb" in text
    assert "Insurgents seize Saraqeb as northwest offensive widens" in text  # the article it comes from


def test_a_layer_switched_off_in_the_layer_control_hides_its_markers(visit, phrasing_map):
    result, path = phrasing_map
    page = visit(path)
    contested = sum(a.status == "contested" for a in result.assessments)
    assert contested >= 1
    switch = page.page.locator(".leaflet-control-layers-overlays label", has_text="Contested").locator("input")
    switch.uncheck()
    assert page.markers() == len(result.assessments) - contested
    switch.check()
    assert page.markers() == len(result.assessments)


def test_a_screenshot_of_the_map_is_a_png(visit, phrasing_map, tmp_path):
    _, path = phrasing_map
    shot = tmp_path / "map.png"
    visit(path).page.screenshot(path=str(shot))
    assert shot.read_bytes().startswith(b"\x89PNG\r\n\x1a\n") and shot.stat().st_size > 10_000


@pytest.mark.parametrize("offline", [False, True], ids=["online", "offline"])
def test_a_hostile_article_runs_no_code_in_the_page_and_the_map_still_works(visit, tmp_path, gazetteer, offline):
    (tmp_path / "evil.txt").write_text(HOSTILE, encoding="utf-8")
    result = build([tmp_path / "evil.txt"], tmp_path / "out", gazetteer=gazetteer, offline=offline)
    (saraqib,) = [a.place for a in result.assessments]
    page = visit(tmp_path / "out" / "conflict_map.html", "none" if offline else "cdn-from-package")
    assert page.markers() == 1
    text = page.popup_of(saraqib)
    page.tooltip_of(saraqib)
    assert page.dialogs == []
    assert page.errors == []
    assert "<script>alert(1)</script>" in text and "<img src=x onerror=alert(1)>" in text  # shown as text
    assert "${alert(1)}" in text and "`seize`" in text
    assert page.page.locator(".leaflet-popup-content img, .leaflet-popup-content script").count() == 0
    assert not [url for url in page.requests if url.rstrip("/").endswith("/x")]  # no <img src=x> was made


def test_the_offline_map_renders_with_the_network_blocked(visit, offline_map, tmp_path):
    result, path = offline_map
    page = visit(path, "none")
    assert page.remote == []                      # nothing was even attempted
    assert [url for url in page.requests if not url.startswith("data:")] == [path.as_uri()]
    assert page.markers() == len(result.assessments)
    assert page.errors == []
    assert page.page.locator(".cm-grid-label").count() >= 4          # the graticule's labels
    assert page.page.locator(".leaflet-control-scale").is_visible()
    assert re.fullmatch(r"centre -?\d+\.\d{4}, -?\d+\.\d{4}", page.page.locator(".cm-coords").inner_text())
    shot = tmp_path / "offline.png"
    page.page.screenshot(path=str(shot))
    assert shot.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def test_the_embed_snippet_shows_the_map_in_a_frame(visit, offline_map):
    result, path = offline_map
    page = visit(path, "none")
    page.page.goto((path.parent / "embed.html").as_uri())
    page.page.frame_locator("iframe").locator(".folium-map").wait_for()
    frame = next(f for f in page.page.frames if f.url.endswith("conflict_map.html"))
    settle(frame)
    assert frame.evaluate("() => cmTest.drawn('place')") == len(result.assessments)
    assert page.page.locator("iframe").get_attribute("allowfullscreen") is not None
    assert page.remote == []


# Two days of reports: the army holds Saraqib on the 27th; on the 30th rebels take it, and Sarmin, where
# civilians were killed.
TIMELINE_ARTICLES = {
    "a.txt": "---\ntitle: Army holds Saraqib\npublished: 2024-11-27\n---\n"
             "Government forces remain in control of Saraqib, the Syrian Observatory for Human Rights said.\n",
    "b.txt": "---\ntitle: Rebels take Saraqib and Sarmin\npublished: 2024-11-30\n---\n"
             "Rebels captured Saraqib and Sarmin, according to the Syrian Observatory for Human Rights. "
             "At least 12 civilians were killed in Sarmin, the Observatory said.\n",
}


@pytest.fixture
def timeline_map(tmp_path, gazetteer):
    for name, text in TIMELINE_ARTICLES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    result = build([tmp_path / name for name in TIMELINE_ARTICLES], tmp_path / "map", gazetteer=gazetteer)
    places = {a.place.name: a.place for a in result.assessments}
    return places, tmp_path / "map" / "conflict_map.html"


def test_the_slider_opens_on_the_last_day_and_moves_the_map_back_in_time(visit, timeline_map):
    places, path = timeline_map
    saraqib, sarmin = places["Saraqib"], places["Sarmin"]
    page = visit(path)
    day = page.page.locator(".leaflet-timeline-control output")
    slider = page.page.locator(".leaflet-timeline-control input[type=range]")
    assert day.inner_text() == "2024-11-30"
    assert page.markers() == 2
    assert page.tooltip_of(saraqib) == "Saraqib — Opposition (rebels, HTS, SNA) (assessed)"

    slider.press("Home")                                   # the reader takes the slider to its first day
    assert day.inner_text() == "2024-11-27"
    assert page.markers() == 1                              # Sarmin was not reported yet
    assert page.tooltip_of(saraqib) == "Saraqib — Syrian government and allies (assessed)"
    text = page.popup_of(saraqib)
    assert "From 2024-11-27 to 2024-11-29" in text and "Syrian government and allies — assessed" in text
    assert "Changes of hands" in text
    assert "Saraqib: Syrian government and allies → Opposition (rebels, HTS, SNA), 2024-11-30" in text
    page.close_popup()

    page.page.locator(".leaflet-timeline-control button.next").click()   # the next day anything changed
    assert day.inner_text() == "2024-11-30"
    assert page.markers() == 2
    assert page.tooltip_of(sarmin) == "Sarmin — Opposition (rebels, HTS, SNA) (assessed)"
    assert page.errors == [] and page.dialogs == []


def test_the_casualty_layer_rings_the_places_where_figures_are_reported(visit, timeline_map):
    places, path = timeline_map
    sarmin = places["Sarmin"]
    page = visit(path)
    assert page.markers("figures") == 1
    # the ring lies under the place's own marker: a click on the place opens the place's popup ...
    text = page.popup_of(sarmin, front=False)
    assert "Rebels captured Saraqib and Sarmin" in text and "Opposition (rebels, HTS, SNA) — assessed" in text
    page.close_popup()
    # ... and a click on the ring, the figures reported there
    x, y = page.point_of(sarmin, "figures", front=False)
    radius = page.page.evaluate("([lat, lon]) => cmTest.find(lat, lon, 'figures').getRadius()", [sarmin.lat, sarmin.lon])
    page.page.mouse.click(x + radius - 2, y)
    text = page.page.locator(".leaflet-popup-content").inner_text()
    assert text.startswith("Sarmin") and "At least 12 civilians were killed" in text
    page.close_popup()
    switch = page.page.locator(".leaflet-control-layers-overlays label",
                               has_text="Casualty and displacement reports").locator("input")
    switch.uncheck()
    assert page.markers("figures") == 0 and page.markers() == 2
    page.page.locator(".leaflet-timeline-control input[type=range]").press("Home")
    switch.check()
    assert page.markers("figures") == 0                     # no figure was reported by the 27th
    assert page.errors == []


def test_a_map_without_dates_has_no_slider(visit, phrasing_map, tmp_path, gazetteer):
    (tmp_path / "undated.txt").write_text("Rebels captured Saraqib, the Syrian Observatory for Human Rights said.\n",
                                          encoding="utf-8")
    build([tmp_path / "undated.txt"], tmp_path / "undated", gazetteer=gazetteer)
    page = visit(tmp_path / "undated" / "conflict_map.html")
    assert page.markers() == 1
    assert page.page.locator(".leaflet-timeline-control").count() == 0
    assert page.errors == []


@pytest.mark.parametrize("offline", [False, True], ids=["online", "offline"])
def test_the_search_box_finds_a_place_by_a_spelling_an_article_used(visit, tmp_path, gazetteer, offline):
    result = build(ARTICLES, tmp_path / "map", gazetteer=gazetteer, offline=offline)
    path = tmp_path / "map" / "conflict_map.html"
    saraqib = next(a.place for a in result.assessments if a.place.name == "Saraqib")
    page = visit(path, "none" if offline else "cdn-from-package")
    page.page.locator(".leaflet-control-search input.search-input").press_sequentially("saraqeb")
    tip = page.page.locator(".search-tooltip .search-tip", has_text="Saraqib")
    assert "Saraqeb" in tip.inner_text()                    # the article's spelling, listed with the name
    tip.click()
    text = page.page.locator(".leaflet-popup-content").inner_text()
    assert text.startswith("Saraqib") and "seized the strategic town of Saraqeb" in text
    zoom, in_view = page.page.evaluate("""([lat, lon]) => {
        const map = cmTest.map();
        return [map.getZoom(), map.getBounds().contains([lat, lon])];
    }""", [saraqib.lat, saraqib.lon])
    assert zoom == 11 and in_view                            # the map went to the place
    page.page.locator(".leaflet-control-search input.search-input").fill("")
    page.page.locator(".leaflet-control-search input.search-input").press_sequentially("nowhere-at-all")
    page.page.wait_for_timeout(600)  # the box looks names up 0.4 s after the last key (leaflet-search's delayType)
    page.page.keyboard.press("Enter")
    assert page.page.locator(".search-alert").inner_text() == "Location not found"
    assert page.errors == [] and page.dialogs == []
    if offline:
        assert page.remote == [] and [url for url in page.requests if not url.startswith("data:")] == [path.as_uri()]
