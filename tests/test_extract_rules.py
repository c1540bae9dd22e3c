"""How sentences become claims: one rule per test, each a sentence a wire or monitor might write."""
from __future__ import annotations

import pytest

from conflictmap.articles import content_id
from conflictmap.extract import extract_claims
from conflictmap.model import Article
from conflictmap.profiles import bundled_profiles, load_profile

SYRIA = load_profile("syria").merged(bundled_profiles()["common"])


def claims(text: str, published: str = "2024-11-30"):
    article = Article(id=content_id(text), path="t.txt", text=text, published=published)
    return [(c.place_hint, c.side, c.status.value, c.source.name, c.past) for c in extract_claims(article, SYRIA)]


def current(text: str):
    return [(place, side, status) for place, side, status, _, past in claims(text) if not past]


def test_active_voice():
    assert current("Rebels captured Saraqib on Friday.") == [("Saraqib", "opposition", "captured")]


@pytest.mark.parametrize("text", [
    "Saraqib fell to rebels on Friday.",
    "The town of Saraqib was captured by HTS fighters on Friday.",
    "Saraqib, a strategic town on the M5, was seized by insurgents.",
])
def test_passive_voice(text):
    assert current(text) == [("Saraqib", "opposition", "captured")]


def test_a_pronoun_takes_the_actor_of_the_sentence_before():
    assert current("Rebels advanced on Friday. They also captured Saraqib.") == [("Saraqib", "opposition", "captured")]


def test_the_speaker_is_who_they_are_in_reported_speech():
    assert current("The Syrian army said they had retaken Saraqib.") == [("Saraqib", "government", "captured")]


@pytest.mark.parametrize("text, source", [
    ("Rebels captured Saraqib, the Syrian Observatory for Human Rights said.", "Syrian Observatory for Human Rights"),
    ("According to SANA, the army recaptured Saraqib.", "SANA"),
    ("SOHR reported that rebels had captured Saraqib.", "Syrian Observatory for Human Rights"),
    ("On their Telegram channel, rebels said they had taken Saraqib.", "rebels' Telegram channel"),
    ("Rebels captured Saraqib.", "article"),
    ("Rebels reportedly captured Saraqib.", "article"),
])
def test_the_source_is_who_the_text_says_says_so(text, source):
    assert [c[3] for c in claims(text)] == [source]


def test_the_monitor_refers_back_to_the_monitor_named_before():
    text = ("Rebels captured Saraqib, according to the Syrian Observatory for Human Rights. "
            "They also took Sarmin, the monitor said.")
    assert [c[3] for c in claims(text)] == ["Syrian Observatory for Human Rights"] * 2


def test_a_denial_is_a_claim_that_the_denying_side_still_holds_the_place():
    assert current("Syrian state media denied that rebels had entered Aleppo.") == [("Aleppo", "government", "denied")]


@pytest.mark.parametrize("text", [
    "Damascus insisted that Ankara must withdraw its soldiers from northern Syria.",
    "Rebels vowed to capture Hama within days.",
    "Rebels could take Hama, analysts said.",
    "Turkey has called for a halt to the bombardment of Idlib.",
    "Moscow warned against any attack on Latakia.",
    "The rebels did not enter Hama.",
    "They were also captured celebrating the toppling of a statue of Bassil al-Assad.",
])
def test_mentions_wishes_and_metonyms_make_no_claim(text):
    assert current(text) == []


def test_a_distance_reference_is_not_taken():
    assert current("Rebels retook Khan al-Assal, located 5 kilometers from Aleppo.") == [
        ("Khan al-Assal", "opposition", "captured")]


def test_a_locative_is_not_taken():
    assert current("Rebels took Maarat al-Numan in Idlib province.") == [("Maarat al-Numan", "opposition", "captured")]


def test_a_list_of_places_is_taken_whole():
    assert [p for p, *_ in current("Rebels seized Saraqib, Sarmin and the town of Binnish.")] == [
        "Saraqib", "Sarmin", "Binnish"]


def test_background_state_is_flagged_as_past():
    found = claims("Saraqib, which had been held by the army since 2020, fell to rebels on Friday.")
    assert ("Saraqib", "government", "controlled", "article", True) in found
    assert ("Saraqib", "opposition", "captured", "article", False) in found


def test_part_of_a_city_is_contested_not_held():
    assert current("Rebels entered several neighbourhoods of Aleppo.") == [("Aleppo", "opposition", "contested")]
    assert current("Rebels overran large sections of Aleppo.") == [("Aleppo", "opposition", "contested")]


def test_an_attack_names_the_attacker_and_holds_nothing():
    assert current("Russian warplanes struck Idlib overnight.") == [("Idlib", "government", "attacked")]
    assert current("Four civilians were killed following shelling by insurgents on Aleppo.") == [
        ("Aleppo", "opposition", "attacked")]


def test_actor_held_adjectives():
    assert current("Airstrikes hit rebel-held Idlib province.")[-1] == ("Idlib", "opposition", "controlled")


def test_a_flag_raised_over_a_place():
    assert current("Opposition flags were raised over Aleppo's historic citadel.") == [
        ("Aleppo citadel", "opposition", "controlled")]


def test_a_claim_is_dated_by_the_day_its_sentence_names():
    from conflictmap.extract.dates import claim_date
    published = "2024-11-30"  # a Saturday
    assert claim_date("Rebels captured Saraqib on Friday.", 20, published) == "2024-11-29"
    assert claim_date("Rebels captured Saraqib last Saturday.", 20, published) == "2024-11-23"
    assert claim_date("Rebels captured Saraqib on 27 November.", 20, published) == "2024-11-27"
    assert claim_date("Rebels captured Saraqib on Dec 30.", 20, published) == "2023-12-30"
    assert claim_date("Rebels captured Saraqib.", 10, published) == published
    assert claim_date("Rebels captured Saraqib on Friday.", 20, "") == ""
    article = Article(id="x", path="t.txt", text="Rebels captured Saraqib on Friday.", published=published)
    assert [c.date for c in extract_claims(article, SYRIA)] == ["2024-11-29"]


def test_an_armed_group_no_profile_knows_is_reported_as_written_under_side_unknown():
    assert current("The Hamza Division fighters seized Tadif on Friday.") == [("Tadif", "unknown", "captured")]
    assert current("Residents said Saraqib was quiet.") == []


def test_casualty_figures_keep_their_number_source_and_place():
    from conflictmap.extract import extract
    text = ("At least 27 civilians have been killed in the past three days, the United Nations said. "
            "According to SANA, four civilians, including two students, were killed on Friday in Aleppo. "
            "The Syrian Observatory for Human Rights reported 311 casualties.")
    article = Article(id=content_id(text), path="t.txt", text=text, published="2024-11-30")
    figures = [(f.count, f.qualifier, f.who, f.outcome, f.place_hint, f.source.name)
               for f in extract(article, SYRIA).figures]
    assert figures == [(27, "at least", "civilians", "killed", "", "United Nations"),
                       (4, "", "civilians", "killed", "Aleppo", "SANA"),
                       (311, "", "people", "casualties", "", "Syrian Observatory for Human Rights")]
