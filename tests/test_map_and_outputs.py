"""The map and the files: what a user opens, embeds, diffs and loads elsewhere."""
from __future__ import annotations

import csv
import io
import json

import sqlite3
import xml.etree.ElementTree as ET
from datetime import date

import geopandas

from conflictmap import build
from conflictmap.assess import changes_of_hands
from conflictmap.build import OUTPUT_FILES, write_outputs
from conflictmap.render import escape
from conflictmap.render.map import search_labels, spellings

HOSTILE = ('---\ntitle: <script>alert("t")</script> ${alert(1)} `tick`\noutlet: Evil <img src=x onerror=alert(2)>\n'
           'url: javascript:alert(3)\npublished: 2024-11-30\n---\n'
           'Rebels <script>alert(4)</script> captured Saraqib ${alert(5)} `x` </script><img src=x onerror=alert(6)>, '
           'the Syrian Observatory for Human Rights said.\n')


# Two days of reports: the army holds Saraqib on the 27th; on the 30th rebels take it, and Sarmin.
TWO_DAYS = {
    "a.txt": "---\ntitle: Army holds Saraqib\npublished: 2024-11-27\n---\n"
             "Government forces remain in control of Saraqib, the Syrian Observatory for Human Rights said.\n",
    "b.txt": "---\ntitle: Rebels take Saraqib and Sarmin\npublished: 2024-11-30\n---\n"
             "Rebels captured Saraqib and Sarmin, according to the Syrian Observatory for Human Rights. "
             "At least 12 civilians were killed in Sarmin, the Observatory said.\n",
}


def write_articles(folder, articles: dict[str, str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in articles.items():
        (folder / name).write_text(text, encoding="utf-8")


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


def test_a_hostile_article_is_only_text_in_the_kml_and_the_svg(tmp_path, gazetteer):
    (tmp_path / "evil.txt").write_text(HOSTILE.replace("Rebels", "Rebels \x0b\x01"), encoding="utf-8")
    build([tmp_path], tmp_path / "out", gazetteer=gazetteer, title="<b>${x}</b>")
    document = ET.parse(tmp_path / "out" / "claims.kml")           # well-formed, control characters gone
    balloon = [d.text for d in document.iter("{http://www.opengis.net/kml/2.2}description")][-1]
    assert "&lt;script&gt;alert(4)&lt;/script&gt;" in balloon          # HTML in the balloon, the article as text
    assert "<script" not in balloon and "<img" not in balloon and "javascript:" not in balloon
    svg = (tmp_path / "out" / "conflict_map.svg").read_text(encoding="utf-8")
    ET.fromstring(svg.encode("utf-8"))
    assert "<script" not in svg and "<b>" not in svg and "${" not in svg and "&lt;b&gt;" in svg


def test_outputs_are_written_and_shaped_as_promised(tmp_path, seeds_build):
    write_outputs(seeds_build, tmp_path)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["claims.csv", "claims.geojson", "claims.gpkg", "claims.kml", "conflict_map.html",
                     "conflict_map.svg", "embed.html", "figures.csv", "unresolved.csv"]
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
    for name in OUTPUT_FILES:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    assert first.map is not None


def test_a_map_with_a_timeline_is_byte_identical_too(tmp_path, gazetteer):
    write_articles(tmp_path / "articles", TWO_DAYS)
    build([tmp_path / "articles"], tmp_path / "a", gazetteer=gazetteer)
    build([tmp_path / "articles"], tmp_path / "b", gazetteer=gazetteer)
    assert "L.timelineSliderControl" in (tmp_path / "a" / "conflict_map.html").read_text(encoding="utf-8")
    for name in OUTPUT_FILES:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_the_map_has_a_legend_layers_and_popups_with_sources(seeds_build):
    page = seeds_build.map.get_root().render()
    assert "Syrian government and allies" in page and "Opposition (rebels, HTS, SNA)" in page
    assert "L.control.layers" in page
    assert "Syrian Observatory for Human Rights" in page
    assert page.count('"cm":"place"') == len(seeds_build.assessments)  # one feature per place


def test_each_layer_is_one_geojson_layer_of_canvas_circle_markers_whatever_the_number_of_places(seeds_build):
    page = seeds_build.map.get_root().render()
    layers = [k for k in page.split("L.control.layers(")[0].split("overlays :")[1].split("},")[0].split("\n") if ":" in k]
    assert '"preferCanvas": true' in page
    assert page.count("L.geoJSON(") == len(layers)                 # not one script block per place
    assert page.count("L.circleMarker(") == len(layers)            # drawn by each layer's pointToLayer
    assert "L.marker(" not in page and "L.popup(" not in page       # popups are made when first opened


def test_the_search_box_indexes_every_place_by_name_and_by_the_spellings_articles_used(phrasing_build):
    page = phrasing_build.map.get_root().render()
    assert "new L.Control.Search" in page and "propertyName: 'search'" in page
    assert 'p.search = ' in page and '":"Saraqib (Saraqeb)"' in page  # each feature's label, from the shared table
    labels = search_labels([(a.place, spellings(a)) for a in phrasing_build.assessments])
    assert len(labels) == len(set(labels)) == len(phrasing_build.assessments)


def test_casualty_reports_are_a_layer_of_their_own_with_a_legend_entry(seeds_build):
    page = seeds_build.map.get_root().render()
    with_figures = [a for a in seeds_build.assessments if a.figures]
    assert with_figures and page.count('"cm":"figures"') == len(with_figures)
    assert '"Casualty and displacement reports"' in page           # in the layer control
    assert "casualty or displacement figures reported there" in page  # in the legend


def test_a_map_without_dates_has_no_slider(seeds_build):
    page = seeds_build.map.get_root().render()
    assert "L.timeline(" not in page and "L.timelineSliderControl" not in page


def test_a_map_of_several_days_has_a_slider_and_a_feature_per_period_of_each_place(tmp_path, gazetteer):
    write_articles(tmp_path, TWO_DAYS)
    result = build([tmp_path], gazetteer=gazetteer)
    page = result.map.get_root().render()
    assert "L.timelineSliderControl" in page and page.count("L.timeline(") >= 2
    # Saraqib: held by the government from the 27th, by the opposition from the 30th (day numbers since 1970)
    first, last = (date(2024, 11, 27) - date(1970, 1, 1)).days, (date(2024, 11, 30) - date(1970, 1, 1)).days
    assert f'"t0":{first},"t1":{last}' in page and f'"t0":{last},"t1":null' in page  # null: to the map's last day
    assert "Saraqib: Syrian government and allies → Opposition (rebels, HTS, SNA), 2024-11-30" in page
    saraqib = next(a for a in result.assessments if a.place.name == "Saraqib")
    assert (saraqib.controller, saraqib.status) == ("opposition", "assessed")
    changes = changes_of_hands(result.claims, {a.id: a.published for a in result.articles})
    assert [(c.place.name, c.before, c.after, c.date) for c in changes] == \
        [("Saraqib", "government", "opposition", "2024-11-30")]


def test_saraqib_is_drawn_as_held_by_the_opposition(seeds_build):
    saraqib = next(a for a in seeds_build.assessments if a.place.name == "Saraqib")
    assert saraqib.controller == "opposition" and saraqib.status == "assessed"


def test_a_claim_only_by_the_side_it_favours_stays_claimed(tmp_path, gazetteer):
    (tmp_path / "a.txt").write_text("On their Telegram channel, Syrian rebels said they had taken Sarmin.\n", encoding="utf-8")
    (result_place,) = build([tmp_path], gazetteer=gazetteer).assessments
    assert (result_place.controller, result_place.status) == ("opposition", "claimed")


def test_a_notebook_shows_the_map(seeds_build):
    assert "leaflet" in seeds_build._repr_html_().lower()


def test_the_kml_has_a_placemark_per_place_in_a_folder_per_layer_for_google_earth(tmp_path, seeds_build):
    write_outputs(seeds_build, tmp_path)
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    document = ET.parse(tmp_path / "claims.kml").getroot()
    assert document.tag == "{http://www.opengis.net/kml/2.2}kml"
    marks = document.findall(".//k:Folder/k:Placemark", ns)
    assert len(marks) == len(seeds_build.assessments)
    folders = [f.find("k:name", ns).text for f in document.findall(".//k:Folder", ns)]
    assert "Held: Opposition (rebels, HTS, SNA)" in folders and "Contested" in folders
    styles = {s.get("id") for s in document.findall(".//k:Style", ns)}
    for mark in marks:
        assert mark.find("k:styleUrl", ns).text[1:] in styles
        lon, lat = map(float, mark.find("k:Point/k:coordinates", ns).text.split(","))
        place = next(a.place for a in seeds_build.assessments
                     if mark.get("id") == "p-" + "".join(c if c.isalnum() else "_" for c in a.place.id))
        assert (round(lon, 4), round(lat, 4)) == (round(place.lon, 4), round(place.lat, 4))
        data = {d.get("name"): d.find("k:value", ns).text for d in mark.findall(".//k:Data", ns)}
        assert data["controller"] and data["status"]
    saraqib = next(m for m in marks if m.find("k:name", ns).text == "Saraqib")
    assert "captured the strategically important town of Saraqib" in saraqib.find("k:description", ns).text


def test_the_geopackage_opens_in_geopandas_with_places_claims_and_figures(tmp_path, seeds_build):
    write_outputs(seeds_build, tmp_path)
    path = tmp_path / "claims.gpkg"
    places = geopandas.read_file(path, layer="places")
    assert len(places) == len(seeds_build.assessments) and places.crs.to_epsg() == 4326
    saraqib = places[places["name"] == "Saraqib"].iloc[0]
    assert (saraqib["controller"], saraqib["status"]) == ("opposition", "assessed")
    assert abs(saraqib.geometry.x - 36.8) < 0.1 and abs(saraqib.geometry.y - 35.86) < 0.1
    claims = geopandas.read_file(path, layer="claims")
    assert len(claims) == sum(1 for c in seeds_build.claims if c.place is not None)
    assert {"quote", "source", "side", "status", "article"} <= set(claims.columns)
    figures = geopandas.read_file(path, layer="figures")
    assert len(figures) == sum(1 for f in seeds_build.figures if f.place is not None)
    with sqlite3.connect(path) as db:                                   # a GeoPackage by its own tables
        assert db.execute("PRAGMA application_id").fetchone()[0] == 0x47504B47  # 'GPKG'
        assert {r[0] for r in db.execute("SELECT table_name FROM gpkg_contents")} == {"places", "claims", "figures"}


def test_the_svg_draws_every_place_in_its_colour_inside_a_labelled_frame(tmp_path, seeds_build):
    write_outputs(seeds_build, tmp_path)
    svg = ET.parse(tmp_path / "conflict_map.svg").getroot()
    ns = {"s": "http://www.w3.org/2000/svg"}
    circles = svg.findall("./s:g[@id='places']/s:circle", ns)
    assert len(circles) == len(seeds_build.assessments)
    titles = [c.find("s:title", ns).text for c in circles]
    assert "Saraqib: Opposition (rebels, HTS, SNA) (assessed)" in titles
    saraqib = circles[titles.index("Saraqib: Opposition (rebels, HTS, SNA) (assessed)")]
    assert saraqib.get("fill") == seeds_build.profile.colour("opposition")
    labels = [t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")]
    assert any(t.endswith("°N") for t in labels) and any(t.endswith("°E") for t in labels)   # the frame
    assert "Saraqib" in labels and "Syrian government and allies" in labels                   # names, legend
    text = (tmp_path / "conflict_map.svg").read_text(encoding="utf-8")
    assert "http" not in text.replace("http://www.w3.org/2000/svg", "")                        # fetches nothing


def test_every_output_is_replaced_whole(tmp_path, seeds_build):
    write_outputs(seeds_build, tmp_path)
    before = {p.name: p.stat().st_ino for p in tmp_path.iterdir()}
    write_outputs(seeds_build, tmp_path)
    after = {p.name: p.stat().st_ino for p in tmp_path.iterdir()}
    assert sorted(after) == sorted(OUTPUT_FILES)                  # no temporary file left behind
    assert all(before[name] != after[name] for name in OUTPUT_FILES)  # each renamed over, not rewritten in place


def test_a_build_with_no_place_still_writes_every_file(tmp_path, gazetteer):
    (tmp_path / "a.txt").write_text("Nothing happened today but rain over the coast.\n", encoding="utf-8")
    result = build([tmp_path / "a.txt"], tmp_path / "out", gazetteer=gazetteer)
    assert result.assessments == [] and sorted(p.name for p in result.written) == sorted(OUTPUT_FILES)
    assert len(geopandas.read_file(tmp_path / "out" / "claims.gpkg", layer="places")) == 0
    assert ET.parse(tmp_path / "out" / "claims.kml").getroot().find(".//{http://www.opengis.net/kml/2.2}Placemark") is None
    ET.parse(tmp_path / "out" / "conflict_map.svg")


def test_a_new_build_lets_go_of_what_the_last_one_remembered(tmp_path, gazetteer):
    from conftest import SEEDS

    from conflictmap import assess
    build([SEEDS], tmp_path / "first", gazetteer=gazetteer, progress=None)
    result = build([SEEDS], tmp_path / "second", gazetteer=gazetteer, progress=None)
    assert len(assess._HISTORIES) <= len(result.assessments)  # one per place, whoever asks for it
