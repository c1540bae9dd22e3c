"""Reading the place names of one document together (conflictmap/geo/context.py), and the names the backbone
gives areas, continents and countries (conflictmap/geo/backbone.py): the rules, each as a case."""
from __future__ import annotations

import pytest

from conflictmap.geo.backbone import bare_admin_name, country_names
from conflictmap.geo.context import (
    document_countries,
    qualifying_areas,
    resolve_in_document,
    used_as_town,
    weigh_together,
)
from conflictmap.geo.gazetteer import Candidate
from conflictmap.model import Place, Precision


def place(name, lat, lon, kind="city", country="US", admin1=""):
    return Place(name=name, lat=lat, lon=lon, kind=kind, country=country, admin1=admin1,
                 precision=Precision.TOWN, source="test", id=f"test:{name}:{lat}")


def candidate(p, score=1.0, match="exact"):
    return Candidate(place=p, score=score, match=match, reasons=())


def read(gazetteer, names, text=""):
    """(name, kind, admin1, country) of each answer."""
    return [(c.place.name, c.place.kind, c.place.admin1, c.place.country) if c else None
            for c in resolve_in_document(names, gazetteer, text=text)]


# -- weighing candidates together, on made-up places ---------------------------------------------------------

def test_a_candidate_near_the_other_names_candidates_outweighs_a_slightly_better_one_far_away():
    far = candidate(place("Alexandria", 31.2, 29.9, country="EG"), score=1.5)
    near = candidate(place("Alexandria", 31.3, -92.4, admin1="Louisiana"), score=1.4)
    pineville = candidate(place("Pineville", 31.3, -92.4, admin1="Louisiana"))
    options = {("Alexandria", ""): [far, near], ("Pineville", ""): [pineville]}
    priors = {key: [c.score for c in found] for key, found in options.items()}
    totals = weigh_together(options, priors)
    assert totals[("Alexandria", "")][1] > totals[("Alexandria", "")][0]


def test_a_first_level_area_backs_the_places_inside_it_and_they_back_it():
    texas = candidate(place("Texas", 31.0, -97.0, kind="admin1", admin1="Texas"))
    in_texas = candidate(place("Paris", 33.66, -95.55, admin1="Texas"), score=1.3)
    in_france = candidate(place("Paris", 48.85, 2.35, country="FR", admin1="Ile-de-France"), score=1.4)
    options = {("Paris", ""): [in_france, in_texas], ("Texas", ""): [texas]}
    totals = weigh_together(options, {k: [c.score for c in v] for k, v in options.items()})
    assert totals[("Paris", "")][1] > totals[("Paris", "")][0]
    assert totals[("Texas", "")][0] > texas.score


def test_a_name_alone_keeps_its_priors_and_a_name_does_not_back_itself():
    a = candidate(place("Springfield", 39.8, -89.6, admin1="Illinois"), score=1.2)
    b = candidate(place("Springfield", 39.9, -89.7, admin1="Illinois"), score=1.1)  # its namesakes are close
    options = {("Springfield", ""): [a, b], ("Nowhere", ""): []}
    assert weigh_together(options, {("Springfield", ""): [1.2, 1.1], ("Nowhere", ""): []}) == \
        {("Springfield", ""): [1.2, 1.1], ("Nowhere", ""): []}


def test_a_name_written_twice_is_one_name_and_does_not_back_itself():
    mo = candidate(place("Springfield", 37.2, -93.3, admin1="Missouri"), score=1.30)
    ma = candidate(place("Springfield", 42.1, -72.6, admin1="Massachusetts"), score=1.31)
    options = {("Springfield", ""): [mo, ma], ("SPRINGFIELD", ""): [mo, ma]}
    priors = {key: [c.score for c in found] for key, found in options.items()}
    assert weigh_together(options, priors) == priors


def test_places_in_the_same_first_level_area_back_each_other_however_far_apart():
    illinois = candidate(place("Springfield", 39.8, -89.6, admin1="Illinois"), score=1.31)
    missouri = candidate(place("Springfield", 37.2, -93.3, admin1="Missouri"), score=1.30)
    kansas_city = candidate(place("Kansas City", 39.1, -94.6, admin1="Missouri"))  # 215 km from Springfield, Mo.
    options = {("Springfield", ""): [illinois, missouri], ("Kansas City", ""): [kansas_city]}
    totals = weigh_together(options, {k: [c.score for c in v] for k, v in options.items()})
    assert totals[("Springfield", "")][1] > totals[("Springfield", "")][0]


def test_a_name_whose_namesakes_all_lie_in_one_country_votes_for_it_and_a_town_does_not_vouch_for_itself():
    springfield = [candidate(place("Springfield", 37.2, -93.3), score=1.30),
                   candidate(place("Springfield", 42.1, -72.6), score=1.29)]
    berlin = [candidate(place("Berlin", 52.5, 13.4, country="DE"), score=1.9),
              candidate(place("Berlin", 42.4, -71.6), score=1.25)]
    first = {"Springfield": springfield, "Hartford": [candidate(place("Hartford", 41.8, -72.7), score=1.3)],
             "Berlin": berlin}
    assert document_countries(first)[0] == "US"
    assert "DE" in document_countries(first)
    assert document_countries(first, leave_out="Berlin") == ("US",)  # Berlin's own vote left out
    assert document_countries(first, leave_out="BERLIN") == ("US",)  # however it is written


def test_a_country_named_outright_vouches_for_itself():
    britain = [candidate(place("United Kingdom", 54.0, -2.0, kind="country", country="GB"), score=2.1)]
    first = {"Britain": britain, "Calais": [candidate(place("Calais", 50.9, 1.9, country="FR"), score=1.3)]}
    assert "GB" in document_countries(first, leave_out="Britain")


def test_document_countries_count_a_country_named_outright_even_when_others_dominate():
    us = [[candidate(place(f"Town{i}", 40.0, -90.0 - i), score=2.0)] for i in range(8)]
    russia = [candidate(place("Russia", 60.0, 100.0, kind="country", country="RU"), score=2.2)]
    first = {f"Town{i}": found for i, found in enumerate(us)} | {"Russia": russia}
    assert set(document_countries(first)) == {"US", "RU"}


def test_a_country_name_that_a_first_level_area_shares_votes_only_weakly_for_the_country():
    georgia = [candidate(place("Georgia", 42.0, 43.5, kind="country", country="GE"), score=2.2),
               candidate(place("Georgia", 32.7, -83.5, kind="admin1", admin1="Georgia"), score=1.6)]
    towns = {f"Town{i}": [candidate(place(f"Town{i}", 33.0, -84.0), score=1.5)] for i in range(2)}
    assert document_countries(towns | {"Georgia": georgia})[0] == "US"


# -- the names the backbone adds ----------------------------------------------------------------------------

@pytest.mark.parametrize("name, bare", [
    ("Anhui Sheng", "Anhui"), ("Guangxi Zhuangzu Zizhiqu", "Guangxi"), ("Xinjiang Uygur Zizhiqu", "Xinjiang"),
    ("Lublin Voivodeship", "Lublin"), ("Khabarovsk Krai", "Khabarovsk"), ("Basra Governorate", "Basra"),
    ("Tibet Autonomous Region", "Tibet"), ("Yamalo-Nenetskiy Avtonomnyy Okrug", "Yamalo-Nenetskiy"),
    ("Northern Region", "Northern Region"),  # what is left would say only where it lies
    ("Shanghai Shi", "Shanghai Shi"),  # a municipality is its city: the city keeps the bare name
    ("Sichuan", "Sichuan"),
])
def test_a_first_level_area_is_also_named_without_the_word_for_its_type(name, bare):
    assert bare_admin_name(name) == bare


def test_a_country_whose_name_starts_with_the_is_also_named_without_it():
    assert "Netherlands" in country_names("The Netherlands", "NLD", {})


# -- whole documents, on the real backbone --------------------------------------------------------------------

def test_a_town_and_its_county_are_read_together(gazetteer):
    assert [r[2] for r in read(gazetteer, ["Huntsville", "Walker County"])] == ["Texas", "Texas"]
    assert [r[2] for r in read(gazetteer, ["Paris", "Henry County"])] == ["Tennessee", "Tennessee"]
    assert read(gazetteer, ["Alexandria", "Pineville", "Rapides Parish"])[0][2] == "Louisiana"


def test_a_country_or_continent_name_is_never_a_homonymous_town(gazetteer):
    assert read(gazetteer, ["Jordan", "Minneapolis", "Minnesota"])[0][1:] == ("country", "", "JO")
    assert read(gazetteer, ["Africa", "Denver"])[0][1] == "continent"


@pytest.mark.parametrize("names, text", [
    (["LEBANON", "Warren County"], "LEBANON (AP) — A jury in Warren County heard a pathologist on Tuesday."),
    (["Lebanon", "Boone County"], "The drop-off site is at 1200 Main St., Lebanon, the Boone County office said."),
    (["Lebanon", "Boone County"], "John Smith, 60, Lebanon, was held in the Boone County jail."),
    (["Jordan", "Shakopee"], "The Jordan City Council and Shakopee officials met on Monday."),
    (["Jordan", "Shakopee"], "Pupils of Jordan Elementary School beat Shakopee on Friday."),
    (["Palestine", "Anderson County"], "A 36-year-old Palestine man was stopped, the Anderson County sheriff said."),
    (["Palestine"], "The festival put Palestine, Texas on the map."),
])
def test_a_country_name_written_as_local_news_writes_a_town_is_that_town(gazetteer, names, text):
    found = read(gazetteer, names, text)[0]
    assert found[1] == "city" and found[3] == "US"


def test_a_country_name_in_running_text_stays_the_country(gazetteer):
    text = "A Minneapolis man who travelled to Jordan was charged, Minnesota prosecutors said."
    assert read(gazetteer, ["Jordan", "Minneapolis", "Minnesota"], text)[0][1:] == ("country", "", "JO")
    assert not used_as_town("BEIRUT, Lebanon (AP) — Israeli strikes hit southern Lebanon.", "Lebanon")
    assert not used_as_town("Hezbollah said Lebanon — not Israel — would decide.", "Lebanon")


def test_georgia_is_the_state_among_american_places_and_the_country_among_caucasian_ones(gazetteer):
    assert read(gazetteer, ["Georgia", "Atlanta", "Savannah"])[0][1:] == ("admin1", "Georgia", "US")
    assert read(gazetteer, ["Georgia", "Tbilisi", "Russia"])[0][1:] == ("country", "", "GE")


def test_a_national_capital_outranks_a_same_named_state_but_not_its_namesakes_near_the_other_places(gazetteer):
    assert read(gazetteer, ["Washington"])[0][2] == "Washington, D.C."
    assert read(gazetteer, ["Washington", "New York", "Chicago"])[0][2] == "Washington, D.C."
    assert read(gazetteer, ["Washington", "Seattle", "Spokane"])[0][1:3] == ("admin1", "Washington")


def test_a_name_followed_by_a_comma_and_an_area_lies_in_that_area(gazetteer):
    assert read(gazetteer, ["Paris"], "The fair opens in Paris, Tenn., on Friday.")[0][2] == "Tennessee"
    assert read(gazetteer, ["Springfield"], "Springfield, Ill., police said.")[0][2] == "Illinois"
    assert read(gazetteer, ["London"], "He lives in London, Ont., with his family.")[0][2] == "Ontario"


def test_a_list_of_states_is_not_a_place_and_its_state(gazetteer):
    assert qualifying_areas("Cases in Washington, Pennsylvania and California.", ["Washington"], gazetteer) == {}


def test_a_short_name_with_a_period_is_a_state_abbreviation_not_a_country_code(gazetteer):
    assert read(gazetteer, ["Ind.", "Chicago"])[0][:2] == ("Indiana", "admin1")


def test_a_city_in_a_country_the_text_names_is_read_there_among_many_places_elsewhere(gazetteer):
    names = ["Moscow", "Russia", "Chicago", "New York", "Atlanta", "Denver"]
    assert read(gazetteer, names)[0][3] == "RU"


@pytest.mark.parametrize("name, kind, country", [
    ("European", "continent", ""), ("EU", "continent", ""), ("African", "continent", ""),
    ("Palestinian", "country", "PS"), ("Saudi", "country", "SA"), ("Netherlands", "country", "NL"),
    ("Anhui", "admin1", "CN"), ("B.C.", "admin1", "CA"), ("NSW", "admin1", "AU"), ("Que.", "admin1", "CA"),
])
def test_news_names_for_continents_countries_and_areas(gazetteer, name, kind, country):
    found = gazetteer.lookup(name)
    assert found is not None and (found.place.kind, found.place.country) == (kind, country)


@pytest.mark.parametrize("name, country", [("Lublin", "PL"), ("Khabarovsk", "RU"), ("Shanghai", "CN")])
def test_a_city_keeps_its_name_when_its_area_is_also_called_so_without_its_type_word(gazetteer, name, country):
    found = gazetteer.lookup(name)
    assert (found.place.name, found.place.kind, found.place.country) == (name, "city", country)
