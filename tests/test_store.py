"""The incremental store: a rebuild reads only what changed, writes what a fresh build writes, and loses
nothing when a run fails, is killed, or meets another run."""
from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import queue
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conflictmap import build
from conflictmap.build import OUTPUT_FILES, add, store_state
from conflictmap.export import geopackage_content
from conflictmap.changes import compare, markdown, md
from conflictmap.cli import EXIT_OK, EXIT_STORE, main
from conflictmap.extract import extract
from conflictmap.model import Article
from conflictmap.profiles import bundled_profiles, profile_for
from conflictmap.articles import content_id
from conflictmap import store as store_module
from conflictmap.store import (SQLITE_MAGIC, Store, StoreBusy, StoreInvalid, claim_from, claim_json, figure_from,
                               figure_json)
from conftest import DATA, PHRASING, ROOT, SEEDS

PROFILES = bundled_profiles()
SAMPLE = sorted(SEEDS.glob("*.txt")) + sorted(PHRASING.glob("*.txt"))[:6]


def article(title: str, date: str, body: str) -> str:
    return f"---\ntitle: {title}\npublished: {date}\n---\n{body}\n"


REBELS_TAKE_SARAQIB = article("Rebels take Saraqib", "2024-11-29", "Rebels captured the town of Saraqib on Friday, "
                              "according to the Syrian Observatory for Human Rights.")
ARMY_HOLDS_HAMA = article("Army holds Hama", "2024-11-29", "Hama remained under the control of government forces "
                          "on Friday, according to the Syrian Observatory for Human Rights.")
ARMY_RETAKES_SARAQIB = article(
    "Army retakes Saraqib", "2024-12-05",
    "Syrian government forces recaptured the town of Saraqib on Thursday, according to the Syrian Observatory "
    "for Human Rights.\n\nRebels pushed into the western outskirts of Hama on Thursday, the Syrian Observatory "
    "for Human Rights said.")


@pytest.fixture
def folder(tmp_path) -> Path:
    """A folder of articles: the five seeds and six phrasing articles."""
    articles = tmp_path / "articles"
    articles.mkdir()
    for path in SAMPLE:
        shutil.copy(path, articles / path.name)
    return articles


def outputs(folder: Path) -> dict[str, object]:
    """Every file's bytes; the GeoPackage's content (a rebuild changes it in place: its rows may be in another
    order and its pages laid out otherwise than in a file written anew)."""
    return {name: geopackage_content(folder / name) if name.endswith(".gpkg") else (folder / name).read_bytes()
            for name in OUTPUT_FILES}


def fresh(paths, output: Path, gazetteer) -> dict[str, bytes]:
    build(paths, output, gazetteer=gazetteer)
    return outputs(output)


def stored(path: Path, gazetteer, articles: Path, **options):
    return build([articles], path.parent, gazetteer=gazetteer, store=path, **options)


def run_cli(*args: str, cwd: Path, **popen) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "conflictmap", *args], cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, **popen)


# -- a rebuild is a fresh build, made faster ----------------------------------------------------------------

def test_a_rebuild_from_the_store_writes_byte_for_byte_what_a_fresh_build_writes(folder, tmp_path, gazetteer):
    store = tmp_path / "out" / "conflictmap.sqlite"
    first = stored(store, gazetteer, folder)
    again = stored(store, gazetteer, folder)
    assert first.store_counts["extracted"] == len(SAMPLE)
    assert again.store_counts["extracted"] == 0 and again.store_counts["reused"] == len(SAMPLE)
    assert again.store_counts["resolved"] == 0
    assert outputs(tmp_path / "out") == fresh([folder], tmp_path / "fresh", gazetteer)
    assert [c.claim for c in again.claims] == [c.claim for c in first.claims]


def test_an_added_article_is_the_only_one_read(folder, tmp_path, gazetteer):
    store = tmp_path / "out" / "conflictmap.sqlite"
    stored(store, gazetteer, folder)
    (folder / "new.txt").write_text(REBELS_TAKE_SARAQIB, encoding="utf-8")
    result = stored(store, gazetteer, folder)
    assert result.store_counts["extracted"] == 1 and result.store_counts["resolved"] == 1
    assert any(c.claim.article_name == "new.txt" for c in result.claims)
    assert outputs(tmp_path / "out") == fresh([folder], tmp_path / "fresh", gazetteer)


def test_a_changed_article_is_read_again(folder, tmp_path, gazetteer):
    store = tmp_path / "out" / "conflictmap.sqlite"
    stored(store, gazetteer, folder)
    changed = sorted(folder.glob("*.txt"))[0]
    changed.write_text(changed.read_text(encoding="utf-8") + "\n\n" + REBELS_TAKE_SARAQIB.split("---\n")[-1],
                       encoding="utf-8")
    result = stored(store, gazetteer, folder)
    assert result.store_counts["extracted"] == 1
    assert any(c.claim.article_name == changed.name and "Rebels captured the town of Saraqib" in c.claim.quote
               for c in result.claims)
    assert outputs(tmp_path / "out") == fresh([folder], tmp_path / "fresh", gazetteer)


def test_a_renamed_article_keeps_nothing_stale(folder, tmp_path, gazetteer):
    store = tmp_path / "out" / "conflictmap.sqlite"
    stored(store, gazetteer, folder)
    first = sorted(folder.glob("*.txt"))[0]
    first.rename(folder / "renamed.txt")
    result = stored(store, gazetteer, folder)
    assert result.store_counts["extracted"] == 1
    assert {c.claim.article_name for c in result.claims} >= {"renamed.txt"}
    assert first.name not in {c.claim.article_name for c in result.claims}
    assert outputs(tmp_path / "out") == fresh([folder], tmp_path / "fresh", gazetteer)


def test_a_removed_article_takes_its_claims_with_it(folder, tmp_path, gazetteer):
    store = tmp_path / "out" / "conflictmap.sqlite"
    stored(store, gazetteer, folder)
    gone = sorted(folder.glob("*.txt"))[0]
    gone_id = content_id(gone.read_text(encoding="utf-8"))
    gone.unlink()
    result = stored(store, gazetteer, folder)
    assert result.store_counts["removed"] == 1 and result.store_counts["extracted"] == 0
    assert gone.name not in (tmp_path / "out" / "claims.csv").read_text(encoding="utf-8")
    with Store(store) as db:
        assert gone_id not in db.article_ids()
        assert db.db.execute("SELECT COUNT(*) FROM claims WHERE article_id=?", (gone_id,)).fetchone()[0] == 0
    assert outputs(tmp_path / "out") == fresh([folder], tmp_path / "fresh", gazetteer)


def test_a_changed_profile_reads_every_article_again(folder, tmp_path, gazetteer):
    profile = tmp_path / "war.toml"
    profile.write_text((ROOT / "conflictmap" / "profiles" / "syria.toml").read_text(encoding="utf-8"),
                       encoding="utf-8")
    store = tmp_path / "out" / "conflictmap.sqlite"
    stored(store, gazetteer, folder, profiles=[str(profile)])
    assert stored(store, gazetteer, folder, profiles=[str(profile)]).store_counts["extracted"] == 0
    profile.write_text(profile.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    result = stored(store, gazetteer, folder, profiles=[str(profile)])
    assert result.store_counts["extracted"] == len(SAMPLE)


def test_a_changed_bundled_profile_or_extractor_reads_every_article_again(folder, tmp_path, gazetteer, monkeypatch):
    store = tmp_path / "out" / "conflictmap.sqlite"
    stored(store, gazetteer, folder)
    real = store_module._package_files

    def edited(package, suffixes):
        files = real(package, suffixes)
        if package == "conflictmap.profiles":
            files = [(name, data + b"\n# edited\n" if name.endswith("syria.toml") else data) for name, data in files]
        return files

    monkeypatch.setattr(store_module, "_package_files", edited)
    result = stored(store, gazetteer, folder)
    assert result.store_counts["extracted"] == len(SAMPLE)
    assert outputs(tmp_path / "out") == fresh([folder], tmp_path / "fresh", gazetteer)


def test_a_changed_gazetteer_resolves_again_without_reading_again(folder, tmp_path, gazetteer):
    places = tmp_path / "places.csv"
    places.write_text("name,alternate_names,lat,lon,kind,country,admin1,note\n", encoding="utf-8")
    store = tmp_path / "out" / "conflictmap.sqlite"
    stored(store, gazetteer, folder, gazetteer_paths=[places])
    places.write_text(places.read_text(encoding="utf-8") + "Nowhere Hill,,35.0,36.0,landmark,SY,Idlib,test\n",
                      encoding="utf-8")
    result = stored(store, None, folder, gazetteer_paths=[places])
    assert result.store_counts["extracted"] == 0
    assert result.store_counts["resolved"] == len({c.claim.article_id for c in result.claims} |
                                                  {f.figure.article_id for f in result.figures})


# -- a rebuild draws again only what changed -----------------------------------------------------------------

def messages_of(store: Path, gazetteer, articles: Path, **options) -> list[str]:
    said: list[str] = []
    stored(store, gazetteer, articles, progress=said.append, **options)
    return said


def test_a_rebuild_draws_again_only_the_places_a_new_article_names(folder, tmp_path, gazetteer):
    store = tmp_path / "out" / "conflictmap.sqlite"
    first = stored(store, gazetteer, folder)
    (folder / "new.txt").write_text(REBELS_TAKE_SARAQIB, encoding="utf-8")
    said = messages_of(store, gazetteer, folder)
    assert f"drew again 1 place(s) of {len(first.summary.places)}, whose claims changed" in said
    assert outputs(tmp_path / "out") == fresh([folder], tmp_path / "fresh", gazetteer)


def test_a_rebuild_into_a_store_held_open_reads_its_claims_from_it_when_asked(folder, tmp_path, gazetteer):
    path = tmp_path / "out" / "conflictmap.sqlite"
    first = stored(path, gazetteer, folder)
    with Store(path) as opened:
        again = build([folder], tmp_path / "out", gazetteer=gazetteer, store=opened)
        assert [c.claim for c in again.claims] == [c.claim for c in first.claims]
        assert [a.place.id for a in again.assessments] == [a.place.id for a in first.assessments]


def test_a_build_after_add_draws_again_the_places_the_added_articles_name(folder, tmp_path, gazetteer):
    store = tmp_path / "out" / "conflictmap.sqlite"
    first = stored(store, gazetteer, folder)
    (folder / "new.txt").write_text(ARMY_HOLDS_HAMA, encoding="utf-8")
    changed = sorted(folder.glob("*.txt"))[0]
    changed.write_text(changed.read_text(encoding="utf-8") + "\n\n" + REBELS_TAKE_SARAQIB.split("---\n")[-1],
                       encoding="utf-8")
    add([folder / "new.txt", changed], store)
    said = messages_of(store, gazetteer, folder)
    drawn = next(m for m in said if m.startswith("drew again"))
    assert int(drawn.split()[2]) < len(first.summary.places)
    assert outputs(tmp_path / "out") == fresh([folder], tmp_path / "fresh", gazetteer)


def test_a_geopackage_begun_with_empty_layers_takes_rows_of_the_right_types(tmp_path, gazetteer):
    import pyogrio

    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "nowhere.txt").write_text(article("Rebels advance", "2024-11-29", "Syrian rebels captured the village "
                                                  "of Qarqoozville on Friday, the Syrian Observatory said."))
    store = tmp_path / "out" / "conflictmap.sqlite"
    assert stored(store, gazetteer, articles).summary.places == []  # every layer empty
    (articles / "hama.txt").write_text(ARMY_HOLDS_HAMA + "At least 12 civilians were killed in Hama on Friday, the "
                                       "Syrian Observatory said.\n", encoding="utf-8")
    stored(store, gazetteer, articles)
    assert outputs(tmp_path / "out") == fresh([articles], tmp_path / "fresh", gazetteer)
    figures = pyogrio.read_dataframe(tmp_path / "out" / "claims.gpkg", layer="figures")
    assert list(figures["article"]) == ["hama.txt"] and list(figures["count"]) == [12]


def test_a_copy_of_an_article_read_before_it_is_read_as_itself(folder, tmp_path, gazetteer):
    aged(folder)
    store = tmp_path / "out" / "conflictmap.sqlite"
    stored(store, gazetteer, folder)
    shutil.copy(sorted(folder.glob("*.txt"))[2], folder / "000_copy.txt")  # the copy is read first, the first dropped
    stored(store, gazetteer, folder)
    assert outputs(tmp_path / "out") == fresh([folder], tmp_path / "fresh", gazetteer)


def test_a_folder_missing_for_one_build_leaves_and_rejoins_the_map(tmp_path, gazetteer):
    first, second = tmp_path / "a", tmp_path / "b"
    for folder, sources in ((first, sorted(SEEDS.glob("*.txt"))), (second, SAMPLE[-3:])):
        folder.mkdir()
        for path in sources:
            shutil.copy(path, folder / path.name)
    store = tmp_path / "out" / "conflictmap.sqlite"
    stored_both = lambda: build([first, second], tmp_path / "out", gazetteer=gazetteer, store=store)  # noqa: E731
    stored_both()
    second.rename(tmp_path / "away")
    (first / "new.txt").write_text(REBELS_TAKE_SARAQIB, encoding="utf-8")
    stored_both()
    assert outputs(tmp_path / "out") == fresh([first], tmp_path / "fresh", gazetteer)
    (tmp_path / "away").rename(second)
    stored_both()
    assert outputs(tmp_path / "out") == fresh([first, second], tmp_path / "fresh", gazetteer)


def test_what_changes_resolved_again_is_drawn_again_by_the_next_build(folder, tmp_path, gazetteer):
    places = tmp_path / "places.csv"
    places.write_text("name,alternate_names,lat,lon,kind,country,admin1,note\n", encoding="utf-8")
    (folder / "q.txt").write_text(article("Rebels advance", "2024-11-29", "Syrian rebels captured the village of "
                                          "Qarqoozville on Friday, the Syrian Observatory said."))
    store = tmp_path / "out" / "conflictmap.sqlite"
    stored(store, None, folder, gazetteer_paths=[places])
    places.write_text(places.read_text(encoding="utf-8") + "Qarqoozville,,35.9,36.7,village,SY,Idlib,test\n",
                      encoding="utf-8")
    with Store(store) as opened:  # `conflictmap changes` resolves again with the new gazetteer file
        store_state(opened, gazetteer_paths=[places])
    stored(store, None, folder, gazetteer_paths=[places])
    build([folder], tmp_path / "fresh", gazetteer_paths=[places])
    assert outputs(tmp_path / "out") == outputs(tmp_path / "fresh")
    assert "Qarqoozville" not in (tmp_path / "out" / "unresolved.csv").read_text(encoding="utf-8")


def test_an_earlier_results_claims_asked_for_later_leave_the_store_as_it_is(folder, tmp_path, gazetteer):
    aged(folder)
    store = tmp_path / "out" / "conflictmap.sqlite"
    stored(store, gazetteer, folder)
    earlier = stored(store, gazetteer, folder)  # a rebuild: its claims are read from the store when asked for
    changed = sorted(folder.glob("*.txt"))[0]
    changed.write_text(changed.read_text(encoding="utf-8") + "\n\n" + REBELS_TAKE_SARAQIB.split("---\n")[-1],
                       encoding="utf-8")
    later = stored(store, gazetteer, folder)
    assert not any("Rebels captured the town of Saraqib" in c.claim.quote and c.claim.article_name == changed.name
                   for c in earlier.claims)  # what the earlier build mapped, read again as it read it
    assert any("Rebels captured the town of Saraqib" in c.claim.quote for c in later.claims)
    stored(store, gazetteer, folder)
    assert outputs(tmp_path / "out") == fresh([folder], tmp_path / "fresh", gazetteer)


def test_a_rebuild_with_nothing_new_draws_nothing_again(folder, tmp_path, gazetteer):
    store = tmp_path / "out" / "conflictmap.sqlite"
    first = stored(store, gazetteer, folder)
    assert f"drew again 0 place(s) of {len(first.summary.places)}, whose claims changed" in \
        messages_of(store, gazetteer, folder)


def test_the_geopackage_changed_in_place_reads_as_one_written_anew(folder, tmp_path, gazetteer):
    import pyogrio

    store = tmp_path / "out" / "conflictmap.sqlite"
    stored(store, gazetteer, folder)
    (folder / "new.txt").write_text(ARMY_RETAKES_SARAQIB, encoding="utf-8")
    sorted(folder.glob("*.txt"))[0].unlink()
    stored(store, gazetteer, folder)
    fresh([folder], tmp_path / "fresh", gazetteer)
    for layer in ("places", "claims", "figures"):
        patched = pyogrio.read_dataframe(tmp_path / "out" / "claims.gpkg", layer=layer)
        anew = pyogrio.read_dataframe(tmp_path / "fresh" / "claims.gpkg", layer=layer)
        rows = sorted(map(repr, patched.to_wkt().itertuples(index=False)))
        assert rows == sorted(map(repr, anew.to_wkt().itertuples(index=False)))
        assert pyogrio.read_info(tmp_path / "out" / "claims.gpkg", layer=layer)["total_bounds"] == \
            pyogrio.read_info(tmp_path / "fresh" / "claims.gpkg", layer=layer)["total_bounds"]
    # its spatial index finds the new claims: Saraqib's box
    near = pyogrio.read_dataframe(tmp_path / "out" / "claims.gpkg", layer="claims", bbox=(36.7, 35.8, 36.9, 35.9))
    assert "new.txt" in set(near["article"])


def test_a_run_stopped_before_its_files_are_written_leaves_the_next_one_to_draw_everything(folder, tmp_path,
                                                                                          gazetteer, monkeypatch):
    build_module = sys.modules["conflictmap.build"]
    store = tmp_path / "out" / "conflictmap.sqlite"
    stored(store, gazetteer, folder)
    (folder / "new.txt").write_text(REBELS_TAKE_SARAQIB, encoding="utf-8")

    def failing(output_dir, texts):
        raise OSError("disk full")

    with monkeypatch.context() as patch:
        patch.setattr(build_module, "_write", failing)
        with pytest.raises(OSError):
            stored(store, gazetteer, folder)
    said = messages_of(store, gazetteer, folder)  # the claims are stored already: nothing is read again
    assert not any(m.startswith("drew again") for m in said)
    assert outputs(tmp_path / "out") == fresh([folder], tmp_path / "fresh", gazetteer)


def test_a_map_that_gains_its_time_slider_is_drawn_again_whole(tmp_path, gazetteer):
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "a.txt").write_text(REBELS_TAKE_SARAQIB, encoding="utf-8")
    (articles / "b.txt").write_text(ARMY_HOLDS_HAMA, encoding="utf-8")
    store = tmp_path / "out" / "conflictmap.sqlite"
    stored(store, gazetteer, articles)
    assert "L.timelineSliderControl" not in (tmp_path / "out" / "conflict_map.html").read_text(encoding="utf-8")
    (articles / "c.txt").write_text(ARMY_RETAKES_SARAQIB, encoding="utf-8")
    said = messages_of(store, gazetteer, articles)
    assert "the map gains or loses its time slider: drawing every place again" in said
    assert "L.timelineSliderControl" in (tmp_path / "out" / "conflict_map.html").read_text(encoding="utf-8")
    assert outputs(tmp_path / "out") == fresh([articles], tmp_path / "fresh", gazetteer)


def test_folders_given_in_another_order_are_drawn_in_that_order(tmp_path, gazetteer):
    first, second = tmp_path / "reuters", tmp_path / "ap"
    for folder, text in ((first, REBELS_TAKE_SARAQIB), (second, REBELS_TAKE_SARAQIB + "Residents fled.\n")):
        folder.mkdir()
        (folder / "2024-11-29.txt").write_text(text, encoding="utf-8")
    store = tmp_path / "out" / "conflictmap.sqlite"
    build([first, second], tmp_path / "out", gazetteer=gazetteer, store=store)
    build([second, first], tmp_path / "out", gazetteer=gazetteer, store=store)
    assert outputs(tmp_path / "out") == fresh([second, first], tmp_path / "fresh", gazetteer)


def test_a_deleted_or_edited_geopackage_is_written_anew(folder, tmp_path, gazetteer):
    store = tmp_path / "out" / "conflictmap.sqlite"
    stored(store, gazetteer, folder)
    (tmp_path / "out" / "claims.gpkg").unlink()
    (folder / "new.txt").write_text(REBELS_TAKE_SARAQIB, encoding="utf-8")
    assert not any(m.startswith("drew again") for m in messages_of(store, gazetteer, folder))
    assert outputs(tmp_path / "out") == fresh([folder], tmp_path / "fresh", gazetteer)


def test_a_store_of_the_first_schema_is_brought_up_to_date_keeping_everything(folder, tmp_path, gazetteer):
    store = tmp_path / "out" / "conflictmap.sqlite"
    first = stored(store, gazetteer, folder)
    db = sqlite3.connect(store)  # as the first schema had it: no places as columns, no pieces of the files
    db.executescript("UPDATE articles SET article = json_set(article, '$.text', text); "
                     "ALTER TABLE articles DROP COLUMN text; ALTER TABLE articles DROP COLUMN file; "
                     "ALTER TABLE articles DROP COLUMN notices; "
                     "DROP TABLE place_outputs; DROP TABLE article_outputs; DROP INDEX claims_place; "
                     "DROP INDEX figures_place; ALTER TABLE claims DROP COLUMN place_id; "
                     "ALTER TABLE figures DROP COLUMN place_id; UPDATE meta SET value='1' WHERE key='schema_version'; "
                     "DELETE FROM meta WHERE key='outputs';")
    db.close()
    again = stored(store, gazetteer, folder)
    assert again.store_counts["extracted"] == 0 and again.store_counts["resolved"] == 0
    assert [c.claim for c in again.claims] == [c.claim for c in first.claims]
    with Store(store) as opened:
        assert opened.meta("schema_version") == "2"
    (folder / "new.txt").write_text(REBELS_TAKE_SARAQIB, encoding="utf-8")
    assert any(m.startswith("drew again 1 place(s)") for m in messages_of(store, gazetteer, folder))
    assert outputs(tmp_path / "out") == fresh([folder], tmp_path / "fresh", gazetteer)


# -- files unchanged since the last build are not read again ------------------------------------------------

def aged(folder: Path, seconds: float = 60.0) -> None:
    """Set every file's modification time back, as for files written well before a build reads them."""
    then = time.time() - seconds
    for path in folder.iterdir():
        os.utime(path, (then, then))


def counting_reads(monkeypatch) -> list[str]:
    from conflictmap import articles as articles_module

    read: list[str] = []
    real = articles_module.read_article

    def reading(path):
        read.append(Path(path).name)
        return real(path)

    monkeypatch.setattr(articles_module, "read_article", reading)
    return read


def test_a_file_unchanged_since_the_last_build_is_not_read_again(folder, tmp_path, gazetteer, monkeypatch):
    aged(folder)
    store = tmp_path / "out" / "conflictmap.sqlite"
    first = stored(store, gazetteer, folder)
    read = counting_reads(monkeypatch)
    said = messages_of(store, gazetteer, folder)
    assert read == [] and f"read {len(SAMPLE)} article(s), {len(SAMPLE)} of them unchanged since the last build" in said
    again = stored(store, gazetteer, folder)
    assert again.articles == first.articles  # the same articles, text and header, as read from the files
    assert outputs(tmp_path / "out") == fresh([folder], tmp_path / "fresh", gazetteer)


def test_articles_read_again_by_a_new_extractor_are_still_known_by_their_files(folder, tmp_path, gazetteer,
                                                                               monkeypatch):
    aged(folder)
    store = tmp_path / "out" / "conflictmap.sqlite"
    stored(store, gazetteer, folder)
    real = store_module._package_files
    monkeypatch.setattr(store_module, "_package_files", lambda package, suffixes: [
        (name, data + b"\n# edited\n" if name.endswith("syria.toml") else data) for name, data in real(package, suffixes)])
    assert stored(store, gazetteer, folder).store_counts["extracted"] == len(SAMPLE)
    read = counting_reads(monkeypatch)
    assert stored(store, gazetteer, folder).store_counts["extracted"] == 0 and read == []


def test_a_file_changed_since_the_last_build_is_read_again(folder, tmp_path, gazetteer, monkeypatch):
    aged(folder)
    store = tmp_path / "out" / "conflictmap.sqlite"
    stored(store, gazetteer, folder)
    changed = sorted(folder.glob("*.txt"))[0]
    changed.write_text(changed.read_text(encoding="utf-8") + "\n\n" + REBELS_TAKE_SARAQIB.split("---\n")[-1],
                       encoding="utf-8")
    read = counting_reads(monkeypatch)
    result = stored(store, gazetteer, folder)
    assert read == [changed.name] and result.store_counts["extracted"] == 1
    assert outputs(tmp_path / "out") == fresh([folder], tmp_path / "fresh", gazetteer)


def test_a_file_moved_over_another_of_the_same_size_and_time_is_read_again(tmp_path, gazetteer):
    articles = tmp_path / "articles"
    articles.mkdir()
    one, two = REBELS_TAKE_SARAQIB, ARMY_HOLDS_HAMA.replace("Hama", "Homs")
    one, two = one + " " * (len(two) - len(one)), two + " " * (len(one) - len(two))  # the same size
    (articles / "one.txt").write_text(one, encoding="utf-8")
    (articles / "two.txt").write_text(two, encoding="utf-8")
    aged(articles)  # the same whole second, as files unpacked from one archive
    store = tmp_path / "out" / "conflictmap.sqlite"
    stored(store, gazetteer, articles)
    (articles / "two.txt").rename(articles / "one.txt")
    result = stored(store, gazetteer, articles)
    assert [a.title for a in result.articles] == ["Army holds Homs"]
    assert outputs(tmp_path / "out") == fresh([articles], tmp_path / "fresh", gazetteer)


def test_a_file_modified_just_before_it_was_read_is_read_again(folder, tmp_path, gazetteer, monkeypatch):
    store = tmp_path / "out" / "conflictmap.sqlite"
    aged(folder)
    latest = sorted(folder.glob("*.txt"))[-1]
    latest.touch()  # modified within the clock's tick of being read: a later change might not show in its time
    stored(store, gazetteer, folder)
    read = counting_reads(monkeypatch)
    stored(store, gazetteer, folder)
    assert read == [latest.name]


def test_what_reading_a_file_reported_is_reported_again_when_it_is_not_read(tmp_path, gazetteer):
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "latin.txt").write_bytes("Rebels captured Saraqib on Friday, the Syrian Observatory said. "
                                         "Café.\n".encode("cp1252"))
    aged(articles)
    store = tmp_path / "out" / "conflictmap.sqlite"
    first = stored(store, gazetteer, articles)
    again = stored(store, gazetteer, articles)
    notice = [str(p) for p in first.problems if "Windows-1252" in p.message]
    assert notice and [str(p) for p in again.problems if "Windows-1252" in p.message] == notice


# -- the store file: safety ---------------------------------------------------------------------------------

@pytest.mark.parametrize("content", [
    b"not a database at all\n",
    SQLITE_MAGIC + b"\x00" * 200,
    "sqlite: someone else's database",
])
def test_a_corrupt_or_foreign_store_is_reported_and_never_touched(tmp_path, capsys, content):
    path = tmp_path / "out" / "conflictmap.sqlite"
    path.parent.mkdir()
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        db = sqlite3.connect(path)
        db.execute("CREATE TABLE accounts (name TEXT, balance REAL)")
        db.execute("INSERT INTO accounts VALUES ('a', 1.5)")
        db.commit()
        db.close()
    before = path.read_bytes(), path.stat().st_mtime_ns
    code = main(["build", str(SEEDS), "-o", str(tmp_path / "out"), "-q"])
    assert code == EXIT_STORE
    message = capsys.readouterr().err
    assert str(path) in message and "not a conflictmap store" in message or "damaged" in message
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    assert not (tmp_path / "out" / "conflict_map.html").exists()


def test_a_store_of_another_schema_version_is_refused(tmp_path, gazetteer):
    path = tmp_path / "out" / "conflictmap.sqlite"
    build([SEEDS], tmp_path / "out", gazetteer=gazetteer, store=path)
    db = sqlite3.connect(path)
    db.execute("UPDATE meta SET value='99' WHERE key='schema_version'")
    db.commit()
    db.close()
    before = path.read_bytes()
    with pytest.raises(StoreInvalid, match="schema version 99.*newer conflictmap"):
        Store(path)
    assert path.read_bytes() == before


def test_a_store_damaged_inside_is_reported_not_rebuilt_over(tmp_path, gazetteer, capsys):
    path = tmp_path / "out" / "conflictmap.sqlite"
    build([SEEDS], tmp_path / "out", gazetteer=gazetteer, store=path)
    Store(path).close()  # checkpoints the WAL into the file
    data = bytearray(path.read_bytes())
    for offset in range(4096, len(data), 97):  # scramble every page after the first
        data[offset] ^= 0x5A
    path.write_bytes(bytes(data))
    before = path.read_bytes()
    code = main(["build", str(SEEDS), "-o", str(tmp_path / "out"), "-q"])
    assert code == EXIT_STORE
    assert "left" in capsys.readouterr().err
    assert path.read_bytes() == before


def test_a_second_run_waits_briefly_then_stops_with_a_clear_message(tmp_path, capsys):
    path = tmp_path / "out" / "conflictmap.sqlite"
    with Store(path):
        code = main(["build", str(SEEDS), "-o", str(tmp_path / "out"), "-q", "--wait", "0.2"])
        assert code == EXIT_STORE
        assert "another conflictmap run is using this store" in capsys.readouterr().err
        with pytest.raises(StoreBusy):
            Store(path, wait=0)
    assert main(["build", str(SEEDS), "-o", str(tmp_path / "out"), "-q"]) == EXIT_OK


def many_articles(folder: Path, copies: int) -> int:
    """Copies of the test corpora's articles, each made a different article by a line of its own."""
    sources = sorted(p for p in DATA.rglob("*.txt")) + sorted(SEEDS.glob("*.txt"))
    count = 0
    for copy in range(copies):
        for number, source in enumerate(sources):
            text = source.read_text(encoding="utf-8", errors="replace")
            (folder / f"{copy:02d}_{number:03d}_{source.name}").write_text(
                text + f"\n\nUpdated copy {copy}.\n", encoding="utf-8")
            count += 1
    return count


def test_two_builds_at_once_one_builds_the_other_waits_or_stops_cleanly(tmp_path, gazetteer):
    articles = tmp_path / "articles"
    articles.mkdir()
    many_articles(articles, 1)
    runs = [run_cli("build", str(articles), "-o", "out", "-q", "--wait", "0.5", cwd=tmp_path) for _ in range(2)]
    results = [(run.wait(timeout=600), run.communicate()[1]) for run in runs]
    assert EXIT_OK in [code for code, _ in results]
    for code, err in results:
        assert code in (EXIT_OK, EXIT_STORE), err
        if code == EXIT_STORE:
            assert "another conflictmap run is using this store" in err
    with Store(tmp_path / "out" / "conflictmap.sqlite") as db:
        assert db.integrity() == "ok"
    assert outputs(tmp_path / "out") == fresh([articles], tmp_path / "fresh", gazetteer)


def test_a_build_killed_midway_leaves_the_map_and_the_store_whole(tmp_path, gazetteer):
    articles = tmp_path / "articles"
    articles.mkdir()
    for path in sorted(SEEDS.glob("*.txt")):
        shutil.copy(path, articles / path.name)
    out = tmp_path / "out"
    build([articles], out, gazetteer=gazetteer, store=out / "conflictmap.sqlite")
    before = outputs(out)
    many_articles(articles, 2)

    run = run_cli("build", str(articles), "-o", "out", cwd=tmp_path)
    for line in run.stderr:  # killed once it has committed its first batch and is reading on
        if "extracted 20 new or changed article(s) so far" in line:
            break
    run.send_signal(signal.SIGKILL)
    run.wait(timeout=60)
    run.stdout.close()
    run.stderr.close()
    assert run.returncode == -signal.SIGKILL

    assert outputs(out) == before
    assert not [p for p in out.iterdir() if p.name not in (*OUTPUT_FILES, "conflictmap.sqlite",
                                                            "conflictmap.sqlite-wal", "conflictmap.sqlite-shm",
                                                            "conflictmap.sqlite.lock")]
    with Store(out / "conflictmap.sqlite") as db:
        assert db.integrity() == "ok"
        assert [b["id"] for b in db.builds()] == [1]
        kept = len(db.article_ids())
    assert kept >= 5 + 20  # the first build's articles, and the batch committed before the kill

    result = build([articles], out, gazetteer=gazetteer, store=out / "conflictmap.sqlite")
    assert result.store_counts["reused"] == kept
    assert result.build_id == 2
    assert outputs(out) == fresh([articles], tmp_path / "fresh", gazetteer)


# -- add and changes ----------------------------------------------------------------------------------------

def test_add_stores_articles_without_redrawing_the_map(folder, tmp_path, gazetteer, capsys):
    out = tmp_path / "out"
    build([folder], out, gazetteer=gazetteer, store=out / "conflictmap.sqlite")
    before = outputs(out)
    (folder / "new.txt").write_text(REBELS_TAKE_SARAQIB, encoding="utf-8")
    assert main(["add", str(folder / "new.txt"), "-o", str(out), "-q"]) == EXIT_OK
    assert "stored 1 new or changed article(s) with 1 claim(s)" in capsys.readouterr().err
    assert outputs(out) == before
    result = build([folder], out, gazetteer=gazetteer, store=out / "conflictmap.sqlite")
    assert result.store_counts["extracted"] == 0  # add has read it already
    assert any(c.claim.article_name == "new.txt" for c in result.claims)


def test_add_skips_what_the_store_has(tmp_path, gazetteer):
    store = tmp_path / "out" / "conflictmap.sqlite"
    first = add([SEEDS], store)
    assert len(first.added) == 5 and first.claims > 0
    again = add([SEEDS], store)
    assert again.added == [] and again.claims == 0
    copy = tmp_path / "copy.txt"
    shutil.copy(sorted(SEEDS.glob("*.txt"))[0], copy)
    third = add([copy], store)
    assert third.added == [] and any("already in the store" in p.message for p in third.problems)


def test_changes_lists_new_claims_places_that_changed_hands_and_new_contested_places(tmp_path, gazetteer, capsys):
    articles, out = tmp_path / "articles", tmp_path / "out"
    articles.mkdir()
    (articles / "a.txt").write_text(REBELS_TAKE_SARAQIB, encoding="utf-8")
    (articles / "h.txt").write_text(ARMY_HOLDS_HAMA, encoding="utf-8")
    build([articles], out, gazetteer=gazetteer, store=out / "conflictmap.sqlite")
    (articles / "a.txt").unlink()
    (articles / "b.txt").write_text(ARMY_RETAKES_SARAQIB, encoding="utf-8")
    assert main(["add", str(articles / "b.txt"), "-o", str(out), "-q"]) == EXIT_OK
    capsys.readouterr()

    assert main(["changes", "-o", str(out), "-q"]) == EXIT_OK  # added, not yet built: since build 1
    printed = capsys.readouterr().out
    assert "Changes since build 1" in printed and "not mapped yet" in printed
    assert "2 new claim(s)" in printed
    assert "Newly contested places (1)" in printed and "- Ḩamāh (SY): contested, sides reported: " in printed

    build([articles], out, gazetteer=gazetteer, store=out / "conflictmap.sqlite")  # a.txt is gone now
    assert main(["changes", "-o", str(out), "-q"]) == EXIT_OK  # right after build 2: what build 2 changed
    printed = capsys.readouterr().out
    assert "Changes since build 1" in printed and "not mapped yet" not in printed
    assert "Places that changed hands (1)" in printed
    assert "Saraqib (SY): Opposition (rebels, HTS, SNA) → Syrian government and allies" in printed
    assert "Newly contested places (1)" in printed
    report = (out / "changes.md").read_text(encoding="utf-8")
    assert report.startswith("# Changes since build 1")
    assert "**Saraqib**" in report and "recaptured the town of Saraqib" in report

    assert main(["changes", "-o", str(out), "-q", "--since", "2"]) == EXIT_OK
    assert "0 new claim(s)" in capsys.readouterr().out
    assert main(["changes", "-o", str(out), "-q", "--since", "2000-01-01"]) == EXIT_OK
    printed = capsys.readouterr().out
    assert "no build before then" in printed and "2 new place(s) on the map" in printed
    assert main(["changes", "-o", str(out), "-q", "--since", "yesterday"]) == 2
    assert main(["changes", "-o", str(out), "-q", "--since", "7"]) == 2


def test_changes_md_keeps_article_text_inert():
    hostile = "<script>alert(1)</script> **bold** [link](http://x) | cell `code` \x1b[31m"
    escaped = md(hostile)
    assert "<script>" not in escaped and "**bold**" not in escaped and "](" not in escaped.replace("\\](", "")
    assert "\x1b" not in escaped


def test_builds_are_recorded_with_their_counts(folder, tmp_path, gazetteer):
    store = tmp_path / "out" / "conflictmap.sqlite"
    stored(store, gazetteer, folder)
    stored(store, gazetteer, folder)
    with Store(store) as db:
        builds = db.builds()
        state = store_state(db, gazetteer=gazetteer)
        changes = compare(db, state.assessments, state.resolved, state.claims)
    assert [b["id"] for b in builds] == [1, 2]
    assert builds[0]["counts"]["extracted"] == len(SAMPLE) and builds[1]["counts"]["extracted"] == 0
    assert builds[1]["counts"]["places"] == len(state.assessments) > 0
    assert changes.empty and changes.since.startswith("build 1")
    assert "0 new claim(s)" in markdown(changes, state.profile)


# -- watch --------------------------------------------------------------------------------------------------

def test_watch_rebuilds_when_an_article_arrives_and_stops_on_ctrl_c(tmp_path):
    articles = tmp_path / "articles"
    articles.mkdir()
    shutil.copy(sorted(SEEDS.glob("*.txt"))[0], articles / "first.txt")
    # Ctrl-C as a terminal sends it, even when the tests run where SIGINT is ignored (a background job)
    run = run_cli("build", str(articles), "-o", "out", "--watch", "--interval", "0.2", cwd=tmp_path,
                  preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in run.stderr], daemon=True).start()

    def wait_for(text: str) -> None:
        while text not in lines.get(timeout=300):
            pass

    try:
        wait_for("watching")
        (articles / "new.txt").write_text(REBELS_TAKE_SARAQIB, encoding="utf-8")
        wait_for("article files changed (1 added); rebuilding")
        wait_for("watching for changes")
        assert "new.txt" in (tmp_path / "out" / "claims.csv").read_text(encoding="utf-8")
        run.send_signal(signal.SIGINT)
        wait_for("stopped watching")
        assert run.wait(timeout=60) == EXIT_OK
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()


def test_watch_looks_again_until_stopped(tmp_path):
    from conflictmap.watch import watch

    articles = tmp_path / "articles"
    articles.mkdir()
    builds, looks = [], []

    def sleep(_seconds):
        looks.append(1)
        if len(looks) == 2:
            (articles / "a.txt").write_text("text", encoding="utf-8")

    code = watch([articles], lambda: builds.append(1) or 0, interval=1, say=lambda m: None,
                 stop=lambda: len(looks) >= 6, sleep=sleep)
    assert code == 0 and len(builds) == 2


# -- arbitrary input ----------------------------------------------------------------------------------------
# (tests/test_robustness.py: arbitrary text and bytes never crash loading or extraction)

@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(sorted(SEEDS.glob("*.txt"))[0].read_text(encoding="utf-8").split()
                                + ["'s", "“", "”", ",", "\n\n", "حلب", "—", "\\", '"', "\x00"]),
                max_size=150).map(" ".join))
def test_whatever_extraction_finds_comes_back_from_the_store_unchanged(text):
    found = extract(Article(id=content_id(text), path="x.txt", text=text), profile_for(text, PROFILES))
    assert [claim_from(json.loads(claim_json(c))) for c in found.claims] == found.claims
    assert [figure_from(json.loads(figure_json(f))) for f in found.figures] == found.figures


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=3000), st.booleans())
def test_any_bytes_as_a_store_file_are_refused_and_left_alone(tmp_path, data, sqlite_header):
    path = tmp_path / "any.sqlite"
    content = (SQLITE_MAGIC + data) if sqlite_header else data
    path.write_bytes(content)
    try:
        with Store(path, wait=0):
            opened = True
    except StoreInvalid:
        opened = False
    if content:  # only an empty file becomes a new store
        assert not opened and path.read_bytes() == content
    for suffix in ("-wal", "-shm", ".lock"):
        Path(str(path) + suffix).unlink(missing_ok=True)
