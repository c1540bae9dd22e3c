"""Importing a GeoNames dump gives village-level coverage, offline, to every later lookup."""
from __future__ import annotations

from conflictmap import Gazetteer
from conflictmap.cli import main

# Two rows in the GeoNames tab format (19 fields); written for this test, coordinates illustrative.
DUMP = "\n".join([
    "\t".join(["9000001", "Tall Zaytun", "Tall Zaytun", "Tell Zeitoun,Tal Zaytoun", "36.30000", "37.40000", "P",
               "PPL", "SY", "", "09", "", "", "", "0", "", "400", "Asia/Damascus", "2024-01-01"]),
    "\t".join(["9000002", "Jisr Qadim", "Jisr Qadim", "", "36.10000", "37.20000", "S", "BDG", "SY", "", "09", "",
               "", "", "0", "", "380", "Asia/Damascus", "2024-01-01"]),
    "\t".join(["9000003", "Nahr Qadim", "Nahr Qadim", "", "36.00000", "37.10000", "H", "STM", "SY", "", "09", "",
               "", "", "0", "", "380", "Asia/Damascus", "2024-01-01"]),
]) + "\n"
ALTERNATES = "1\t9000001\ten\tTell Zaitoun\t\t\t\t\t\t\n2\t9000001\tlink\thttps://example.org/x\t\t\t\t\t\t\n"


def test_import_then_lookup(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CONFLICTMAP_DATA", str(tmp_path / "data"))
    (tmp_path / "SY.txt").write_text(DUMP, encoding="utf-8")
    (tmp_path / "alternateNames.txt").write_text(ALTERNATES, encoding="utf-8")
    assert main(["gazetteer", "import", str(tmp_path / "SY.txt"), "--alternate-names",
                 str(tmp_path / "alternateNames.txt")]) == 0
    assert "imported 2 places" in capsys.readouterr().err  # the river is not a place anyone holds
    gazetteer = Gazetteer(bundled=False)
    for spelling in ("Tall Zaytun", "Tell Zeitoun", "Tell Zaitoun", "Tal Zaitoun"):
        best = gazetteer.lookup(spelling, ["SY"])
        assert best is not None and best.place.name == "Tall Zaytun" and best.place.source == "imported", spelling
    assert gazetteer.lookup("Jisr Qadim", ["SY"]).place.kind == "landmark"
    river = gazetteer.lookup("Nahr Qadim", ["SY"])
    assert river is None or river.place.source != "imported"


def test_a_file_that_is_not_geonames_is_refused_with_its_name(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CONFLICTMAP_DATA", str(tmp_path / "data"))
    (tmp_path / "notes.txt").write_text("just some notes\nnothing tabular\n", encoding="utf-8")
    assert main(["gazetteer", "import", str(tmp_path / "notes.txt")]) == 2
    assert "notes.txt" in capsys.readouterr().err
    assert not list(tmp_path.rglob("*.sqlite"))
