"""Map rendering at scale: build time, HTML size and the browser's time to first render, for generated places.

Places are generated (not read from articles) so that their number is exact: spread over Syria, each with
a side, a status and two claims with sources and quotes like real ones (`--days N` spreads their dates over
N days, so that the map has a time slider and a feature per period of each place). For each count the script
renders the map (folium objects, then the HTML), writes it, and opens it in headless Chromium (Debian's,
driven by Playwright, as the browser tests do), timing from navigation to every marker being on the map and
the canvas painted.
The ordinary map gets its CDN files from the folium-offline package (no network here); the offline map
needs nothing. Background tiles are left out of both.

    python benchmarks/render.py [--counts 100 1000 10000] [--offline-only] [--days N]
"""
from __future__ import annotations

import argparse
import os
import random
import re
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from conflictmap.model import (  # noqa: E402
    Article, Assessment, Claim, Place, Precision, ResolvedClaim, Source, Status,
)
from conflictmap.profiles import bundled_profiles  # noqa: E402
from conflictmap.render.map import render_map  # noqa: E402
from conflictmap.render.offline import packaged_assets  # noqa: E402

CHROMIUM = os.environ.get("CONFLICTMAP_CHROMIUM", "/usr/bin/chromium")
SIDES = ("government", "opposition", "sdf", "isis")
STATUSES = ("assessed", "assessed", "assessed", "claimed", "contested", "attacked")
SOURCES = (Source("Syrian Observatory for Human Rights", "monitor"), Source("Reuters", "wire"),
           Source("SANA", "state_media", "government"), Source("", "article"))


def generate(count: int, seed: int = 7, days: int = 1) -> tuple[list[Assessment], dict[str, Article]]:
    """`count` places with two claims each, on one day (2024-11-29), or over `days` days: then a third of the
    places change hands (the second claim, by another side, comes later)."""
    rng = random.Random(seed)
    article = Article(id="a" * 16, path="generated/article.txt", text="", title="Generated article",
                      outlet="Bench News", url="https://example.org/bench", published="2024-11-30")
    first = date(2024, 11, 29)
    assessments = []
    for number in range(count):
        name = f"Place {number:05d}"
        place = Place(name=name, lat=round(rng.uniform(32.3, 37.3), 5), lon=round(rng.uniform(35.7, 42.2), 5),
                      kind="town", country="SY", admin1="Idlib", precision=Precision.TOWN, source="backbone",
                      id=f"gen:{number}")
        side, status = rng.choice(SIDES), rng.choice(STATUSES)
        claims = []
        day = rng.randrange(days)
        for n in range(2):
            source = rng.choice(SOURCES)
            by = side
            if days > 1 and n == 1 and rng.random() < 1 / 3:
                by, day = rng.choice([s for s in SIDES if s != side]), min(days - 1, day + 1 + rng.randrange(3))
            quote = f"Fighters captured {name} on Friday, according to {source.name or 'the outlet'}."
            claim = Claim(article_id=article.id, article_name=article.name, place_as_written=name, place_hint=name,
                          kind_hint="", actor="fighters", side=by, status=Status.CAPTURED, source=source,
                          quote=quote, start=0, end=len(quote), rule="generated",
                          date=(first + timedelta(days=day)).isoformat())
            claims.append(ResolvedClaim(claim=claim, place=place, score=1.0))
        assessments.append(Assessment(place=place, controller=side, status=status, since="2024-11-29",
                                      claims=tuple(claims), sides=(side,)))
    return assessments, {article.id: article}


def first_render(browser, path: Path, count: int, offline: bool) -> float:
    """Seconds from navigation until every marker is in the page."""
    page = browser.new_page(viewport={"width": 1200, "height": 800})
    assets = {} if offline else packaged_assets()

    def answer(route):
        url = route.request.url
        if url in assets:
            kind = "text/css" if url.endswith(".css") else "application/javascript"
            route.fulfill(status=200, body=assets[url], content_type=kind)
        else:
            route.abort()

    page.route(re.compile(r"^https?://"), answer)
    start = time.perf_counter()
    page.goto(path.as_uri(), wait_until="commit", timeout=120_000)
    # every place's circle marker on the map (they are drawn on one canvas, so they are counted through
    # Leaflet), then two animation frames: the canvas has been painted
    page.wait_for_function("""count => {
        const element = document.querySelector('.folium-map'), map = element && window[element.id];
        if (!map || !map.eachLayer) return false;
        let n = 0;
        map.eachLayer(layer => { if (layer.feature && layer.feature.properties.cm === 'place') n++; });
        return n >= count;
    }""", arg=count, polling=20, timeout=120_000)
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => done(true))))")
    seconds = time.perf_counter() - start
    page.close()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--counts", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--offline-only", action="store_true")
    parser.add_argument("--days", type=int, default=1, help="spread the claims over this many days (a timeline)")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    profile = bundled_profiles()["syria"]
    modes = [True] if args.offline_only else [False, True]
    rows = []
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        for count in args.counts:
            assessments, articles = generate(count, days=args.days)
            for offline in modes:
                start = time.perf_counter()
                fmap = render_map(assessments, profile, articles, title="benchmark", offline=offline)
                html = fmap.get_root().render()
                build_seconds = time.perf_counter() - start
                path = Path(folder) / f"map_{count}_{'offline' if offline else 'online'}.html"
                path.write_text(html, encoding="utf-8")
                render_seconds = first_render(browser, path, count, offline)
                rows.append((count, "offline" if offline else "ordinary", build_seconds,
                             len(html.encode("utf-8")), render_seconds))
                print(f"{count:>6} places  {rows[-1][1]:<8}  build {build_seconds:6.2f} s  "
                      f"HTML {rows[-1][3] / 1e6:7.2f} MB  first render {render_seconds:6.2f} s", flush=True)
        browser.close()
    worst = max((r for r in rows if r[0] >= 10000), key=lambda r: r[4], default=None)
    if worst:
        verdict = "met" if worst[4] < 3 else "not met"
        print(f"target: 10,000 places render in under 3 s: {verdict} (slowest {worst[4]:.2f} s, {worst[1]} map)")


if __name__ == "__main__":
    main()
