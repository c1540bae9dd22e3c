"""The scorer: claims match on article, side and place within the gold tolerance; sources on top of that."""
from __future__ import annotations

from conflictmap.evaluate import errors, score


def gold(place: str, lat: float, side: str = "opposition", source: str = "article", required: bool = True) -> dict:
    return {"article": "a.txt", "place": place, "lat": lat, "lon": 36.0, "tolerance_km": 5, "side": side,
            "status": "captured", "source": source, "quote": "...", "required": required}


def found(lat: float, side: str = "opposition", source: str = "article", past: bool = False) -> dict:
    return {"article": "a.txt", "lat": lat, "lon": 36.0, "side": side, "source": source, "past": past}


def test_a_claim_matches_on_side_and_place_within_tolerance():
    result = score([gold("Saraqib", 35.0), gold("Sarmin", 36.0)], [found(35.01), found(36.0, side="government")])
    assert (result.matched_gold, result.precision, result.recall) == (1, 0.5, 0.5)


def test_a_source_counts_only_on_a_matched_claim():
    result = score([gold("Saraqib", 35.0, source="Reuters")], [found(35.0, source="Reuters")])
    assert result.source_accuracy == 1.0
    assert score([gold("Saraqib", 35.0, source="Reuters")], [found(35.0)]).source_accuracy == 0.0


def test_finding_a_stretch_claim_is_right_and_missing_it_is_not_counted():
    required, stretch = [gold("Saraqib", 35.0)], [gold("Sarmin", 36.0, required=False)]
    result = score(required, [found(35.0), found(36.0)], optional=stretch)
    assert (result.precision, result.recall) == (1.0, 1.0)
    assert errors(required, [found(35.0), found(36.0)], optional=stretch).extra == []
    assert score(required, [found(35.0), found(36.0)]).precision == 0.5


def test_background_is_left_out_of_what_is_scored():
    assert score([gold("Saraqib", 35.0)], [found(35.0), found(37.0, past=True)]).found == 1
