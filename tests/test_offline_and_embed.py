"""The map for reports: one self-contained offline file, and a snippet to embed it."""
from __future__ import annotations

import re

import folium
import pytest

from conflictmap import build
from conflictmap.cli import main
from conflictmap.render.offline import OfflineAssetError, asset_text, inline_script, inline_style, make_offline
from conftest import PHRASING, SEEDS

ARTICLES = [PHRASING / "01_saraqeb_insurgents.txt", PHRASING / "09_hama_falls.txt"]


@pytest.fixture(scope="module")
def offline_page(gazetteer, tmp_path_factory):
    out = tmp_path_factory.mktemp("offline")
    build(ARTICLES, out, gazetteer=gazetteer, offline=True)
    return (out / "conflict_map.html").read_text(encoding="utf-8")


def test_an_offline_map_asks_no_server_for_a_script_a_style_or_an_image(offline_page):
    assert not re.search(r"<script[^>]*\ssrc=", offline_page, re.IGNORECASE)
    assert not re.search(r"""<link\s[^>]*\bhref=['"]?(https?:)?//""", offline_page, re.IGNORECASE)
    assert not re.search(r"""\burl\(\s*['"]?(https?:)?//""", offline_page, re.IGNORECASE)
    assert not re.search(r"""<img[^>]*\ssrc=['"]?https?:""", offline_page, re.IGNORECASE)
    assert "sourceMappingURL" not in offline_page


def test_an_offline_map_carries_leaflet_and_jquery_inside_it(offline_page):
    assert "Leaflet 1.9" in offline_page and "jQuery v3" in offline_page
    assert "L.circleMarker" in offline_page


def test_an_offline_map_draws_no_tiles_but_a_graticule_a_scale_and_coordinates(offline_page):
    assert "L.tileLayer" not in offline_page and "openstreetmap" not in offline_page.lower()
    assert "cmGraticule" in offline_page                   # lines of latitude and longitude, labelled
    assert "L.control.scale" in offline_page
    assert "cm-coords" in offline_page                      # the pointer's latitude and longitude


def test_an_offline_map_leaves_out_the_pin_icon_libraries_it_does_not_use(offline_page):
    assert "fontawesome" not in offline_page.lower() and "bootstrap" not in offline_page.lower()


def test_a_tile_layer_cannot_reach_an_offline_map():
    fmap = folium.Map(location=[35, 38], tiles="OpenStreetMap")
    make_offline(fmap)
    page = fmap.get_root().render()
    assert "L.tileLayer" not in page and "tile.openstreetmap" not in page


def test_the_offline_map_is_byte_identical_from_one_build_to_the_next(tmp_path, gazetteer):
    build(ARTICLES, tmp_path / "a", gazetteer=gazetteer, offline=True)
    build(ARTICLES, tmp_path / "b", gazetteer=gazetteer, offline=True)
    for name in ("conflict_map.html", "embed.html"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


def test_a_script_the_package_does_not_carry_is_an_error_not_a_link():
    with pytest.raises(OfflineAssetError, match="example.org"):
        asset_text("https://example.org/plugin.js", {"https://cdn.example/leaflet@1.9.3/leaflet.js": "x"})


def test_another_version_of_a_packaged_npm_file_is_taken_from_the_package():
    assets = {"https://cdn.example/npm/leaflet@1.9.3/dist/leaflet.js": "L 1.9.3"}
    assert asset_text("https://cdn.example/npm/leaflet@1.9.4/dist/leaflet.js", assets) == "L 1.9.3"


def test_inlined_text_cannot_close_its_element_early():
    assert inline_script("var s = '</script><b>';").count("</script>") == 1
    assert inline_style("a::after { content: '</style>' }").count("</style>") == 1


def test_embed_html_is_an_iframe_of_the_map_with_fullscreen_allowed(tmp_path, gazetteer):
    (tmp_path / "a.txt").write_text("Rebels captured Saraqib, the Syrian Observatory for Human Rights said.\n",
                                    encoding="utf-8")
    build([tmp_path / "a.txt"], tmp_path / "out", gazetteer=gazetteer, title='Idlib "<b>" ${x} `y`')
    snippet = (tmp_path / "out" / "embed.html").read_text(encoding="utf-8")
    assert '<iframe src="conflict_map.html"' in snippet and "allowfullscreen" in snippet
    assert "<b>" not in snippet and "${" not in snippet and "`" not in snippet
    assert len(snippet) < 500


def test_build_offline_on_the_command_line(tmp_path):
    out = tmp_path / "out"
    assert main(["build", str(SEEDS), "-o", str(out), "--offline", "-q"]) == 0
    page = (out / "conflict_map.html").read_text(encoding="utf-8")
    assert "cmGraticule" in page and not re.search(r"<script[^>]*\ssrc=", page)
    assert (out / "embed.html").exists()
