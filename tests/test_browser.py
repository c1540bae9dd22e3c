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
MARKERS = "path.leaflet-interactive"
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
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        self.page.goto(path.as_uri())
        try:
            self.page.wait_for_selector(MARKERS)
        except PlaywrightTimeout:
            raise AssertionError(f"no marker was drawn; errors {self.errors}, dialogs {self.dialogs}") from None
        self.page.wait_for_function("() => !document.querySelector('.leaflet-zoom-anim')")
        return self

    def markers(self) -> int:
        return self.page.locator(MARKERS).count()

    def marker_at(self, place):
        """The drawn marker of a place (found through Leaflet, then clicked like a user would)."""
        self.page.evaluate("""([lat, lon]) => {
            const map = window[document.querySelector('.folium-map').id];
            map.eachLayer(layer => {
                if (layer instanceof L.CircleMarker && layer._path) {
                    const p = layer.getLatLng();
                    if (Math.abs(p.lat - lat) < 1e-9 && Math.abs(p.lng - lon) < 1e-9) layer._path.dataset.test = 'target';
                }
            });
        }""", [place.lat, place.lon])
        return self.page.locator("path[data-test=target]")

    def popup_of(self, place) -> str:
        self.marker_at(place).click()
        return self.page.locator(".leaflet-popup-content").inner_text()


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
    page.marker_at(saraqib).hover()
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
    assert all(url.startswith(("file:", "data:")) for url in page.requests)
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
    frame = page.page.frame_locator("iframe")
    frame.locator(MARKERS).first.wait_for()
    assert frame.locator(MARKERS).count() == len(result.assessments)
    assert page.page.locator("iframe").get_attribute("allowfullscreen") is not None
    assert page.remote == []
