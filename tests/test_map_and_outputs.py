"""The map and the files: what a user opens, embeds, diffs and loads elsewhere."""
from __future__ import annotations

import csv
import io
import json

from conflictmap import build
from conflictmap.build import write_outputs
from conflictmap.render import escape

HOSTILE = ('---\ntitle: <script>alert("t")</script> ${alert(1)} `tick`\noutlet: Evil <img src=x onerror=alert(2)>\n'
           'url: javascript:alert(3)\npublished: 2024-11-30\n---\n'
           'Rebels <script>alert(4)</script> captured Saraqib ${alert(5)} `x` </script><img src=x onerror=alert(6)>, '
           'the Syrian Observatory for Human Rights said.\n')


def test_escape_leaves_nothing_that_html_or_a_template_literal_would_run():
    out = escape.text('<script>`${x}`</script>"\'\\')
    for bad in ("<", ">", "`", "${", '"', "'", "\\"):
        assert bad not in out


def test_only_http_links_are_kept():
    assert escape.url("javascript:alert(1)") == ""
    assert escape.url("https://example.org/a?b=1&c=2") == "https://example.org/a?b=1&amp;c=2"


def test_a_hostile_article_reaches_the_page_only_escaped(tmp_path, gazetteer):
    (tmp_path / "evil.txt").write_text(HOSTILE, encoding="utf-8")
    result = build([tmp_path], tmp_path / "out", gazetteer=gazetteer)
    assert [a.place.name for a in result.assessments] == ["Saraqib"]
    page = (tmp_path / "out" / "conflict_map.html").read_text(encoding="utf-8")
    assert "<script>alert" not in page and "<img src=x" not in page and "${alert" not in page
    assert "`tick`" not in page and "javascript:alert" not in page
    assert "&lt;script&gt;alert(4)&lt;/script&gt;" in page  # shown as text, not run


def test_outputs_are_written_and_shaped_as_promised(tmp_path, seeds_build):
    write_outputs(seeds_build, tmp_path)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["claims.csv", "claims.geojson", "conflict_map.html", "embed.html", "figures.csv",
                     "unresolved.csv"]
    collection = json.loads((tmp_path / "claims.geojson").read_text(encoding="utf-8"))
    assert collection["type"] == "FeatureCollection"
    for feature in collection["features"]:
        lon, lat = feature["geometry"]["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        props = feature["properties"]
        assert props["controller"] and props["status"] in ("assessed", "claimed", "contested", "attacked")
        assert props["claims"] and all(c["quote"] and c["source"] for c in props["claims"])
    rows = list(csv.DictReader(io.StringIO((tmp_path / "claims.csv").read_text(encoding="utf-8"))))
    assert len(rows) == len(seeds_build.claims)
    assert {"article", "place", "side", "status", "source", "quote", "precision"} <= set(rows[0])


def test_the_map_is_byte_identical_from_one_build_to_the_next(tmp_path, gazetteer):
    from conftest import SEEDS
    first = build([SEEDS], tmp_path / "a", gazetteer=gazetteer)
    build([SEEDS], tmp_path / "b", gazetteer=gazetteer)
    for name in ("conflict_map.html", "embed.html", "claims.geojson", "claims.csv", "figures.csv", "unresolved.csv"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    assert first.map is not None


def test_the_map_has_a_legend_layers_and_popups_with_sources(seeds_build):
    page = seeds_build.map.get_root().render()
    assert "Syrian government and allies" in page and "Opposition (rebels, HTS, SNA)" in page
    assert "L.control.layers" in page
    assert "Syrian Observatory for Human Rights" in page
    assert page.count("L.circleMarker") == len(seeds_build.assessments)


def test_saraqib_is_drawn_as_held_by_the_opposition(seeds_build):
    saraqib = next(a for a in seeds_build.assessments if a.place.name == "Saraqib")
    assert saraqib.controller == "opposition" and saraqib.status == "assessed"


def test_a_claim_only_by_the_side_it_favours_stays_claimed(tmp_path, gazetteer):
    (tmp_path / "a.txt").write_text("On their Telegram channel, Syrian rebels said they had taken Sarmin.\n", encoding="utf-8")
    (result_place,) = build([tmp_path], gazetteer=gazetteer).assessments
    assert (result_place.controller, result_place.status) == ("opposition", "claimed")


def test_a_notebook_shows_the_map(seeds_build):
    assert "leaflet" in seeds_build._repr_html_().lower()
