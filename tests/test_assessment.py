"""What the claims about one place add up to: who holds it, and whether anyone independent says so."""
from __future__ import annotations

import pytest

from conflictmap.assess import assess_place
from conflictmap.model import Claim, Place, Precision, ResolvedClaim, Source, Status

SARAQIB = Place(name="Saraqib", lat=35.86, lon=36.8, kind="town", country="SY", admin1="Idlib",
                precision=Precision.TOWN, source="curated", id="saraqib")


def claim(side: str, status: str, source: Source, past: bool = False) -> ResolvedClaim:
    return ResolvedClaim(Claim(article_id="a", article_name="a.txt", place_as_written="Saraqib", place_hint="Saraqib",
                               kind_hint="", actor=side, side=side, status=Status(status), source=source,
                               quote="...", start=0, end=3, rule="test", past=past), SARAQIB)


@pytest.mark.parametrize("source, expected", [
    (Source(name="article", kind="article"), "assessed"),
    (Source(name="Syrian Observatory for Human Rights", kind="monitor"), "assessed"),
    (Source(name="Reuters", kind="wire"), "assessed"),
    (Source(name="Hayat Tahrir al-Sham", kind="belligerent", side="opposition"), "claimed"),
    (Source(name="unattributed reports", kind="anonymous"), "claimed"),
    (Source(name="a local source", kind="anonymous"), "claimed"),
    (Source(name="the governor", kind="official"), "claimed"),
    (Source(name="Syrian army", kind="belligerent", side="government"), "assessed"),  # the other side concedes
])
def test_a_capture_is_assessed_only_on_an_independent_word(source, expected):
    assessment = assess_place(SARAQIB, [claim("opposition", "captured", source)])
    assert (assessment.controller, assessment.status) == ("opposition", expected)


def test_a_place_only_reported_left_has_no_holder():
    assessment = assess_place(SARAQIB, [claim("government", "withdrawn", Source(name="article", kind="article"))])
    assert (assessment.controller, assessment.status, assessment.sides) == ("unknown", "withdrawn", ("government",))


def test_two_sides_holding_one_place_is_contested():
    article = Source(name="article", kind="article")
    assessment = assess_place(SARAQIB, [claim("opposition", "captured", article), claim("government", "controlled", article)])
    assert assessment.status == "contested"


def test_background_counts_only_where_nothing_current_is_said():
    article = Source(name="article", kind="article")
    assessment = assess_place(SARAQIB, [claim("government", "controlled", article, past=True),
                                        claim("opposition", "captured", article)])
    assert assessment.controller == "opposition"
