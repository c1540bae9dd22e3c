"""The optional online geocoder: asked only when switched on, and every answer kept for offline runs."""
from __future__ import annotations

from types import SimpleNamespace

from conflictmap import Gazetteer
from conflictmap.geo.online import AnswerCache, OnlineGeocoder


class FakeGeocoder:
    """Stands in for a geopy geocoder; no network."""

    def __init__(self):
        self.asked = []

    def geocode(self, query, exactly_one=True, **options):
        self.asked.append((query, options))
        if query == "Qaryat al-Test":
            return SimpleNamespace(address="Qaryat al-Test, Syria", latitude=35.5, longitude=37.5,
                                   raw={"addresstype": "village", "address": {"country_code": "sy"}})
        return None


def test_online_answers_are_used_then_kept_for_offline_runs(tmp_path, monkeypatch):
    monkeypatch.setenv("CONFLICTMAP_CACHE", str(tmp_path))  # answers cache only: the backbone is not used here
    fake = FakeGeocoder()
    online = OnlineGeocoder(fake, service="fake", min_delay_seconds=0, cache=AnswerCache(tmp_path / "answers.sqlite"))
    gazetteer = Gazetteer(use_backbone=False, bundled=False, online=online)
    best = gazetteer.lookup("Qaryat al-Test", ["SY"])
    assert (best.place.lat, best.place.lon, best.place.kind, best.place.source) == (35.5, 37.5, "village",
                                                                                     "online:fake")
    assert gazetteer.lookup("Nowhere at all", ["SY"]) is None
    Gazetteer(use_backbone=False, bundled=False, online=online).lookup("Qaryat al-Test", ["SY"])
    assert [q for q, _ in fake.asked] == ["Qaryat al-Test", "Nowhere at all"]  # asked once each: cached
    assert fake.asked[0][1] == {} or "country_codes" not in fake.asked[0][1]  # only Nominatim takes codes
    (tmp_path / "answers.sqlite").rename(tmp_path / "online-answers.sqlite")
    offline = Gazetteer(use_backbone=False, bundled=False)
    assert offline.lookup("Qaryat al-Test", ["SY"]).place.source == "online cache"


def test_a_geocoder_error_does_not_stop_a_lookup(tmp_path):
    class Broken:
        def geocode(self, *args, **kwargs):
            raise TimeoutError("service unavailable")

    online = OnlineGeocoder(Broken(), service="broken", min_delay_seconds=0,
                            cache=AnswerCache(tmp_path / "answers.sqlite"))
    assert Gazetteer(use_backbone=False, bundled=False, online=online).lookup("Somewhere", ["SY"]) is None
    assert online.errors and "service unavailable" in online.errors[0]


def test_online_needs_a_user_agent():
    import pytest
    with pytest.raises(ValueError, match="user-agent"):
        OnlineGeocoder.from_settings("nominatim", user_agent="")
