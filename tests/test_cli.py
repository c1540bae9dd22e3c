"""The command line, as a user types it."""
from __future__ import annotations

import json
import shutil

from conflictmap.cli import main
from conftest import SEEDS


def test_build_writes_the_map_and_its_files(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["build", str(SEEDS), "-o", str(out)]) == 0
    assert (out / "conflictmap.sqlite").is_file()  # the store, and its lock file beside it
    names = sorted(p.name for p in out.iterdir() if not p.name.startswith("conflictmap.sqlite"))
    assert names == ["claims.csv", "claims.geojson", "claims.gpkg", "claims.kml", "conflict_map.html",
                     "conflict_map.svg", "embed.html", "figures.csv", "unresolved.csv"]
    assert "place(s) on the map" in capsys.readouterr().err


def test_build_goes_on_past_bad_files_and_says_so(tmp_path, capsys):
    articles = tmp_path / "articles"
    shutil.copytree(SEEDS, articles)
    (articles / "empty.txt").write_text("")
    (articles / "photo.txt").write_bytes(b"\x89PNG\r\n\x00\x00")
    assert main(["build", str(articles), "-o", str(tmp_path / "out"), "-q"]) == 1
    err = capsys.readouterr().err
    assert "empty.txt" in err and "photo.txt" in err
    assert (tmp_path / "out" / "conflict_map.html").exists()


def test_build_with_nothing_readable_exits_2(tmp_path):
    (tmp_path / "empty.txt").write_text("")
    assert main(["build", str(tmp_path), "-o", str(tmp_path / "out"), "-q"]) == 2


def test_claims_prints_one_json_object_per_claim(capsys):
    assert main(["claims", str(SEEDS / "004_27387488f575030d.txt"), "--format", "jsonl"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert lines
    for record in lines:
        assert {"article", "place_as_written", "place", "lat", "lon", "side", "actor", "status", "source",
                "quote"} <= set(record)
    assert any(r["place"] == "Saraqib" and r["side"] == "opposition" for r in lines)


def test_lookup_explains_and_speaks_json(capsys):
    assert main(["lookup", "Jan Shayjun", "--country", "SY", "--format", "json"]) == 0
    best = json.loads(capsys.readouterr().out)[0]
    assert best["name"] == "Khan Shaykhun" and {"lat", "lon", "kind", "country", "source", "score"} <= set(best)
    assert main(["lookup", "Saraqeb", "--country", "SY", "--explain"]) == 0
    assert "in the article's country SY" in capsys.readouterr().out


def test_an_unknown_profile_is_a_clear_error(tmp_path, capsys):
    assert main(["build", str(SEEDS), "-o", str(tmp_path), "--profile", "narnia"]) == 2
    assert "no profile 'narnia'" in capsys.readouterr().err


def test_a_mistyped_folder_leaves_the_map_and_the_store_as_they_were(tmp_path):
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "a.txt").write_text("Rebels captured Saraqib on Friday, the Syrian Observatory said.\n")
    out = tmp_path / "out"
    assert main(["build", str(articles), "-o", str(out), "-q"]) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and not p.name.endswith(".lock")}
    assert main(["build", str(tmp_path / "articlez"), "-o", str(out), "-q"]) == 2
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and not p.name.endswith(".lock")}
    assert after == before
