"""The compiled backbone's arrays answer as its SQLite tables do, and the fast folding paths as the plain ones."""
from __future__ import annotations

import random
import re
import sqlite3

import pytest
from anyascii import anyascii

from conflictmap.geo import backbone
from conflictmap.geo.names import _APOSTROPHES, _ASCII_WORDS, _without_articles, fold, letters, skeleton

ROW_SQL = "SELECT name, lat, lon, kind, country, admin1, population, source, pid FROM places WHERE id=?"


def test_every_place_entry_is_its_sqlite_row_with_what_ranking_reads(gazetteer):
    db, arrays = gazetteer._dbs[0], gazetteer._arrays
    count = db.execute("SELECT max(id) FROM places").fetchone()[0]
    for place in [1, count, *random.Random(3).sample(range(1, count + 1), 3000)]:
        row = db.execute(ROW_SQL, (place,)).fetchone()
        assert arrays.entry(place) == backbone.entry_of(row)
        assert arrays.country_and_source(place) == (row[4], row[7])


@pytest.mark.parametrize("table", ["names", "skeletons"])
def test_every_key_finds_its_places_and_no_other_key_is_found(gazetteer, table):
    db, index = gazetteer._dbs[0], getattr(gazetteer._arrays, table)
    keys = [k for (k,) in db.execute(f"SELECT DISTINCT key FROM {table}")]
    for key in random.Random(5).sample(keys, 3000):
        expected = [p for (p,) in db.execute(f"SELECT place FROM {table} WHERE key=? ORDER BY place", (key,))]
        assert index.find(key)[1] == expected, key
    known = set(keys)
    for key in ("", "zzqxv", "alepo x", "ﻻ", *(k + "q" for k in keys[:200])):
        if key not in known:
            assert index.find(key) == (-1, [])


def test_own_name_is_told_by_the_key_position(gazetteer):
    db, arrays = gazetteer._dbs[0], gazetteer._arrays
    for (place,) in db.execute("SELECT id FROM places WHERE id % 101 = 0"):
        name = arrays.entry(place)[0]
        key = fold(name)
        if key:
            own = [found for found, _, own in arrays.named(key) if own]
            assert place in own and all(fold(arrays.entry(p)[0]) == key for p in own)


def test_a_small_index_compiles_and_reads_back(tmp_path):
    rows = [(("Tall Zaytun", 36.3, 37.4, "village", "SY", "Aleppo", 0, "backbone", "t:1"),
             ["Tall Zaytun", "Tell Zeitoun"]),
            (("Idlib", 35.93, 36.63, "city", "SY", "Idlib", 165000, "backbone", "t:2"), ["Idlib", "Idleb", "إدلب"]),
            (("Idlib Governorate", 35.8, 36.6, "admin1", "SY", "Idlib", 0, "backbone", "t:3"),
             ["Idlib Governorate", "Idlib"])]
    path = tmp_path / "small.sqlite"
    backbone.write_index(path, rows, {"format": backbone.FORMAT})
    arrays = backbone.Arrays.of(sqlite3.connect(path))
    assert [arrays.entry(i) for i in (1, 2, 3)] == [backbone.entry_of(row) for row, _ in rows]
    assert [(p, own) for p, _, own in arrays.named("idlib")] == [(2, True), (3, False)]
    assert arrays.named(fold("إدلب"))[0][0] == 2 and arrays.named(fold("Tell Zeitoun"))[0][0] == 1
    assert arrays.named("hama") == []
    # an admin area and the town of its name meet under one twin key
    assert arrays.entry(2)[9] == arrays.entry(3)[9] == skeleton("Idlib")


def _fold_as_before(name: str) -> str:
    """fold's non-Arabic path as it was written before its one-pass table: drop apostrophes, anyascii, words."""
    text = anyascii(name.translate(str.maketrans(dict.fromkeys(_APOSTROPHES))))
    return _without_articles(text.encode().translate(_ASCII_WORDS).decode().split())


@pytest.mark.parametrize("name", ["São Paulo", "Kraków", "Ma‘arrat an-Nu‘mān", "Київ", "北京", "Dağlıq Qarabağ",
                                  "Ōsaka", "ﬁn", "Ḥamāh", "Ṣanʿāʾ", "Île-de-France", "Łódź", "Ağrı", "Zürich"])
def test_the_transliteration_table_folds_as_anyascii_does(name):
    import unicodedata
    assert fold.__wrapped__(name) == _fold_as_before(unicodedata.normalize("NFKC", name).strip())


@pytest.mark.parametrize("text", ["aleppo", "raqqa", "marrat numan", "aaa bbb", "kyiv", "abba zz", "a11b", ""])
def test_letters_written_twice_become_one(text):
    words = text.split()
    assert _without_articles(words) == re.sub(r"([a-z])\1+", r"\1", " ".join(words))


@pytest.mark.parametrize("name, expected", [("Al-Bab", "bab"), ("El Hamma", "hamma"), ("The Hague", "hague"),
                                            ("Ḥamāh", "hamah"), ("Sana'a 2", "sanaa")])
def test_letters_as_written(name, expected):
    assert letters(name) == expected
