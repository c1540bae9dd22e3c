"""Place names in any spelling: folding, ranking, curated files, and the gold gazetteer cases."""
from __future__ import annotations

import csv

import pytest

from conflictmap import Gazetteer
from conflictmap.evaluate import distance_km
from conflictmap.geo.names import fold, skeleton
from conftest import GOLD

CASES = list(csv.DictReader((GOLD / "gazetteer_cases.csv").open(encoding="utf-8")))


@pytest.mark.parametrize("a, b", [
    ("Ma'arrat al-Nu'man", "Maarat al-Numan"), ("Maraat an-Numan", "Maarat al-Numan"),
    ("Jisr ash-Shughur", "Jisr al-Shughur"), ("Ma‘arrat an Nu‘mān", "Maarat al-Numan"), ("A'zaz", "Azaz"),
])
def test_fold_removes_marks_articles_and_doubled_letters(a, b):
    assert fold(a) == fold(b)


@pytest.mark.parametrize("a, b", [
    ("Jan Shayjun", "Khan Shaykhun"), ("Khan Sheikhoun", "Khan Shaykhun"), ("Maarat al-Nouman", "Maarat al-Numan"),
    ("Dayr az Zawr", "Deir ez-Zor"), ("Kafranbel", "Kafr Nabl"), ("Raqqah", "Raqa"),
])
def test_skeleton_meets_english_french_and_spanish_spellings(a, b):
    assert skeleton(a) == skeleton(b)


def test_arabic_script_folds_its_article_and_marks():
    assert fold("مَعَرَّة النُّعمان") == fold("معرة النعمان")


@pytest.mark.parametrize("row", CASES, ids=lambda r: r["query"])
def test_gold_gazetteer_case_resolves_within_tolerance(row, gazetteer):
    best = gazetteer.lookup(row["query"], [row["country"]])
    assert best is not None
    km = distance_km(float(row["lat"]), float(row["lon"]), best.place.lat, best.place.lon)
    assert km <= float(row["tolerance_km"]), (best.place, best.reasons)


def test_spelling_variants_resolve_without_curated_help(tmp_path):
    own = tmp_path / "mine.csv"
    own.write_text("name,alternate_names,lat,lon,kind,country,admin1,note\n"
                   "Khan Shaykhun,,35.44208,36.65095,town,SY,Idlib,test row\n", encoding="utf-8")
    gazetteer = Gazetteer([own], use_backbone=False, bundled=False)
    for spelling in ("Jan Shayjun", "Khan Sheikhoun", "Khan Cheikhoun"):
        best = gazetteer.lookup(spelling, ["SY"])
        assert best is not None and best.place.name == "Khan Shaykhun", spelling


def test_a_country_name_never_resolves_to_a_homonymous_town(gazetteer):
    for name, code in (("Lebanon", "LB"), ("Syria", "SY"), ("Russia", "RU"), ("Turkey", "TR")):
        best = gazetteer.lookup(name)
        assert best.place.kind == "country" and best.place.country == code


def test_the_text_kind_hint_picks_the_governorate_or_the_airport(gazetteer):
    assert gazetteer.lookup("Idlib", ["SY"], "admin1").place.kind == "admin1"
    assert gazetteer.lookup("Idlib", ["SY"]).place.kind == "city"
    assert gazetteer.lookup("Aleppo airport", ["SY"], "airport").place.kind == "airport"


def test_a_namesake_far_away_loses_to_the_place_in_the_article_region(gazetteer):
    assert gazetteer.lookup("Hama", ["SY"]).place.country == "SY"
    assert gazetteer.lookup("Tripoli", ["LY"]).place.country == "LY"
    assert gazetteer.lookup("Tripoli", ["LB"]).place.country == "LB"


def test_every_candidate_says_why(gazetteer):
    best = gazetteer.lookup("Saraqeb", ["SY"])
    assert any("country SY" in reason for reason in best.reasons)


def test_bad_rows_in_a_user_file_are_reported_and_skipped(tmp_path):
    own = tmp_path / "bad.csv"
    own.write_text("name,alternate_names,lat,lon,kind,country,admin1,note\n"
                   "Nowhere,,north,east,town,SY,,\nFar,,95,10,town,SY,,\nGood,,35,36,castle,SY,,\n", encoding="utf-8")
    gazetteer = Gazetteer([own], use_backbone=False, bundled=False)
    text = "\n".join(gazetteer.problems)
    assert "bad.csv:2" in text and "bad.csv:3" in text and "unknown kind 'castle'" in text
    assert gazetteer.lookup("Good").place.lat == 35


def test_bundled_curated_rows_all_cite_a_source():
    from conflictmap.geo.curated import bundled_files, parse_curated
    for origin, text in bundled_files():
        rows, problems = parse_curated(text, origin)
        assert not problems
        assert all(row.note for row in rows), [row.origin for row in rows if not row.note]


VARIANTS = list(csv.DictReader((GOLD.parent / "gazetteer_variants.csv").open(encoding="utf-8")))


def test_variant_spellings_from_many_wars_resolve_within_tolerance(gazetteer):
    """Issue 3's bar: at least 95% of 150+ spellings from five or more conflicts land within tolerance."""
    misses = []
    for row in VARIANTS:
        best = gazetteer.lookup(row["query"], [row["country"]])
        km = distance_km(float(row["lat"]), float(row["lon"]), best.place.lat, best.place.lon) if best else 1e9
        if km > float(row["tolerance_km"]):
            misses.append(f"{row['query']} ({row['conflict']}): {best.place.name if best else None}, {km:.0f} km")
    assert len({row["conflict"] for row in VARIANTS}) >= 5 and len(VARIANTS) >= 150
    assert len(misses) <= 0.05 * len(VARIANTS), misses


def test_a_spelling_variant_resolves_only_on_the_wars_ground(gazetteer):
    from conflictmap.model import Claim, Source, Status
    from conflictmap.profiles import load_profile
    from conflictmap.resolve import acceptable, in_zone

    ukraine = load_profile("ukraine")
    claim = Claim(article_id="a", article_name="a.txt", place_as_written="Novomykhailivka",
                  place_hint="Novomykhailivka", kind_hint="", actor="Russian troops", side="russia",
                  status=Status.CAPTURED, source=Source(name="article", kind="article"), quote="", start=0, end=0,
                  rule="test", region=ukraine.countries, zone=ukraine.zone)
    assert all(in_zone(c.place, ukraine.zone) for c in acceptable(claim, gazetteer) if c.match != "exact")


def test_a_short_name_needs_a_close_spelling_not_only_the_same_consonants(gazetteer):
    assert not [c for c in gazetteer.candidates("al-Shifa", ("IL", "PS", "LB")) if c.place.name == "Haifa"]
    best = [c for c in gazetteer.candidates("Rajo", ("SY",)) if c.place.country == "SY"][0]
    assert distance_km(best.place.lat, best.place.lon, 36.676, 36.664) < 5  # Rājū, vowels swapped


def test_an_area_named_by_the_text_resolves_to_the_area_not_its_city(gazetteer):
    from conflictmap.model import Claim, Precision, Source, Status
    from conflictmap.resolve import acceptable

    claim = Claim(article_id="a", article_name="a.txt", place_as_written="Aleppo countryside", place_hint="Aleppo",
                  kind_hint="admin1", actor="rebels", side="opposition", status=Status.CONTESTED,
                  source=Source(name="article", kind="article"), quote="", start=0, end=0, rule="test", region=("SY",))
    assert acceptable(claim, gazetteer)[0].place.precision == Precision.ADMIN1


def test_a_town_far_off_the_wars_ground_is_a_namesake_not_the_place(gazetteer):
    from conflictmap.model import Claim, Source, Status
    from conflictmap.profiles import load_profile
    from conflictmap.resolve import acceptable, in_zone

    ukraine = load_profile("ukraine")
    claim = Claim(article_id="a", article_name="a.txt", place_as_written="Volchansk", place_hint="Volchansk",
                  kind_hint="", actor="Russian troops", side="russia", status=Status.ATTACKED,
                  source=Source(name="article", kind="article"), quote="", start=0, end=0, rule="test",
                  region=ukraine.countries, zone=ukraine.zone)
    assert all(in_zone(c.place, ukraine.zone) for c in acceptable(claim, gazetteer))


def test_a_spelling_variant_far_from_the_place_named_beside_it_is_left_unresolved(tmp_path, gazetteer):
    from conflictmap import build

    (tmp_path / "a.txt").write_text("Ukrainian forces retook the village of Novotoretske near Pokrovsk on Friday, "
                                    "the army said.\n")
    result = build([tmp_path], gazetteer=gazetteer, store=None)
    assert [item.place for item in result.claims if "Novotoretske" in item.claim.place_as_written] == [None]


LOCATED = {
    # the gazetteer's only Soran in Syria (Şūrān, in Hama) is 146 km from Dabiq: not "the neighbouring town"
    "Soran": ("Turkish-backed fighters captured Dabiq and the neighbouring town of Soran on Sunday, the Syrian "
              "Observatory for Human Rights said.", None),
    "Sarmin": ("Rebels captured Saraqib and the nearby town of Sarmin on Sunday, the Syrian Observatory for Human "
               "Rights said.", "Sarmin"),
    # the backbone's only Pobieda-like village, Pobyeda, is 100 km east of Marinka, not south-west of it
    "Pobieda": ("Russia's defence ministry said on Thursday that its troops had \"liberated\" the village of Pobieda, "
                "south-west of Marinka, in Donetsk region.", None),
    "Avdiivka": ("Russian troops captured Avdiivka, north of Donetsk, the Russian defence ministry said on Saturday.",
                 "Avdiivka"),
}


def test_a_town_the_text_locates_by_another_lies_where_it_says_or_stays_unresolved(tmp_path, gazetteer):
    from conflictmap import build

    for n, (text, _) in enumerate(LOCATED.values()):
        (tmp_path / f"{n}.txt").write_text(text + "\n", encoding="utf-8")
    result = build([tmp_path], gazetteer=gazetteer, store=None)
    placed = {item.claim.place_hint: item.place and item.place.name for item in result.claims}
    assert {name: placed[name] for name in LOCATED} == {name: place for name, (_, place) in LOCATED.items()}


def test_a_camp_no_gazetteer_holds_is_placed_at_its_town_as_a_place_of_its_own(gazetteer):
    from conflictmap.model import Claim, Source, Status
    from conflictmap.resolve import resolve_claims
    claim = Claim(article_id="a", article_name="a.txt", place_as_written="the Djibo military camp",
                  place_hint="Djibo military camp", kind_hint="camp", actor="JNIM", side="jnim",
                  status=Status.CAPTURED, source=Source(name="article", kind="article"), quote="...", start=0, end=3,
                  rule="test", region=("BF",))
    place = resolve_claims([claim], gazetteer).resolved[0].place
    town = gazetteer.candidates("Djibo", ("BF",))[0].place
    assert (place.lat, place.lon) == (town.lat, town.lon) and place.id != town.id and place.kind == "camp"


def test_a_folded_likeness_earns_no_main_name_bonus(gazetteer):
    # "El Hamma" folds like "Hama" (articles and doubled letters go), but Hama is the name as written
    assert gazetteer.candidates("Hama")[0].place.country == "SY"
