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


# --- over time ------------------------------------------------------------------------------------------

from conflictmap.assess import ChangeOfHands, as_day, changes_of_hands, claim_day, history  # noqa: E402
from hypothesis import given, settings, strategies as st  # noqa: E402

OBSERVATORY = Source(name="Syrian Observatory for Human Rights", kind="monitor")
SARMIN = Place(name="Sarmin", lat=35.9, lon=36.72, kind="town", country="SY", admin1="Idlib",
               precision=Precision.TOWN, source="curated", id="sarmin")


def dated(side: str, status: str, day: str, article: str = "a", place: Place = SARAQIB, past: bool = False,
          source: Source = OBSERVATORY) -> ResolvedClaim:
    return ResolvedClaim(Claim(article_id=article, article_name=f"{article}.txt", place_as_written=place.name,
                               place_hint=place.name, kind_hint="", actor=side, side=side, status=Status(status),
                               source=source, quote="...", start=0, end=3, rule="test", date=day, past=past), place)


def test_a_capture_reported_later_replaces_what_was_said_before():
    assessment = assess_place(SARAQIB, [dated("government", "controlled", "2024-11-27"),
                                        dated("opposition", "captured", "2024-11-30")])
    assert (assessment.controller, assessment.status, assessment.since) == ("opposition", "assessed", "2024-11-30")


def test_two_sides_claiming_a_place_on_the_same_day_contest_it():
    assessment = assess_place(SARAQIB, [dated("government", "controlled", "2024-11-30"),
                                        dated("opposition", "captured", "2024-11-30")])
    assert assessment.status == "contested"


def test_a_side_reported_to_have_left_later_holds_it_no_more():
    assessment = assess_place(SARAQIB, [dated("government", "controlled", "2024-11-27"),
                                        dated("government", "withdrawn", "2024-11-29")])
    assert (assessment.controller, assessment.status) == ("unknown", "withdrawn")


def test_undated_claims_replace_nothing_and_are_replaced_by_nothing():
    assessment = assess_place(SARAQIB, [dated("government", "controlled", ""),
                                        dated("opposition", "captured", "2024-11-30")])
    assert assessment.status == "contested"


def test_a_claim_counts_from_its_own_date_else_its_articles_else_from_the_start():
    published = {"a": "2024-11-29", "b": ""}
    assert claim_day(dated("opposition", "captured", "2024-11-30").claim, published) == "2024-11-30"
    assert claim_day(dated("opposition", "captured", "").claim, published) == "2024-11-29"
    assert claim_day(dated("opposition", "captured", "", article="b").claim, published) == ""
    # background ("which had been held by the army") says what was so before its article: from the start
    assert claim_day(dated("government", "controlled", "", past=True).claim, published) == ""
    assert claim_day(dated("government", "controlled", "2015", past=True).claim, published) == "2015-01-01"
    assert [as_day(x) for x in ("2024-11", "2024-02-30", "Friday", "")] == ["2024-11-01", "", "", ""]


def test_the_history_of_a_place_is_its_assessment_as_of_each_day_it_changed():
    claims = [dated("government", "controlled", "2024-11-27"), dated("government", "controlled", "2024-11-28"),
              dated("opposition", "contested", "2024-11-29"), dated("opposition", "captured", "2024-11-30")]
    periods = [(p.start, p.end, p.assessment.controller, p.assessment.status) for p in history(claims)]
    assert periods == [("2024-11-27", "2024-11-29", "government", "assessed"),   # the 28th changed nothing
                       ("2024-11-29", "2024-11-30", "government", "contested"),
                       ("2024-11-30", "", "opposition", "assessed")]


def test_changes_of_hands_say_who_took_a_place_from_whom_and_when():
    claims = [dated("government", "controlled", "2024-11-27"), dated("opposition", "captured", "2024-11-30"),
              dated("opposition", "captured", "2024-11-30", place=SARMIN),
              dated("government", "captured", "2024-12-05", place=SARMIN)]
    assert changes_of_hands(claims) == [
        ChangeOfHands(SARAQIB, "2024-11-30", "government", "opposition", "assessed", "assessed"),
        ChangeOfHands(SARMIN, "2024-12-05", "opposition", "government", "assessed", "assessed")]


def test_an_article_date_dates_the_claims_that_carry_none():
    claims = [dated("government", "controlled", "", article="old"), dated("opposition", "captured", "", article="new")]
    published = {"old": "2024-11-27", "new": "2024-11-30"}
    assert [(c.date, c.before, c.after) for c in changes_of_hands(claims, published)] == \
        [("2024-11-30", "government", "opposition")]


def test_nobody_holding_a_place_in_between_is_stepped_over():
    claims = [dated("government", "controlled", "2024-11-27"), dated("government", "withdrawn", "2024-11-29"),
              dated("opposition", "captured", "2024-12-01")]
    assert [(c.date, c.before, c.after) for c in changes_of_hands(claims)] == \
        [("2024-12-01", "government", "opposition")]


CLAIMS = st.lists(st.builds(
    dated, side=st.sampled_from(["government", "opposition", "sdf"]),
    status=st.sampled_from(["captured", "controlled", "contested", "withdrawn", "attacked", "denied"]),
    day=st.sampled_from(["", "2024-11-27", "2024-11-28", "2024-11-30", "2024"]),
    article=st.sampled_from(["a", "b"]), past=st.booleans(),
    source=st.sampled_from([OBSERVATORY, Source(name="HTS", kind="belligerent", side="opposition")])),
    min_size=1, max_size=8)


@settings(max_examples=200, deadline=None)
@given(CLAIMS)
def test_the_last_day_of_a_history_is_the_assessment_on_every_claim(claims):
    periods = history(claims, {"a": "2024-11-29", "b": ""})
    assert periods[-1].assessment == assess_place(SARAQIB, claims, {"a": "2024-11-29", "b": ""})
    assert periods[-1].end == ""
    assert all(p.start < p.end for p in periods[:-1]) and all(a.end == b.start for a, b in zip(periods, periods[1:]))
    for change in changes_of_hands(claims, {"a": "2024-11-29", "b": ""}):
        assert change.before != change.after and "unknown" not in (change.before, change.after)


def test_fighting_reported_before_a_later_report_of_a_hold_is_over():
    from conflictmap.model import Claim, Source, Status

    def dated(side, status, date):
        return ResolvedClaim(Claim(article_id="a", article_name="a.txt", place_as_written="Saraqib",
                                   place_hint="Saraqib", kind_hint="", actor=side, side=side, status=Status(status),
                                   source=Source(name="article", kind="article"), quote="...", start=0, end=3,
                                   rule="test", date=date), SARAQIB)
    assessment = assess_place(SARAQIB, [dated("opposition", "contested", "2024-10-20"),
                                        dated("opposition", "controlled", "2024-12-19")])
    assert (assessment.controller, assessment.status) == ("opposition", "assessed")


def history_by_definition(claims, published):
    """The history as its docstring defines it: assess_place on the claims reported by each day, days that
    change nothing merged into the period before."""
    days = [claim_day(c.claim, published) for c in claims]
    periods = []
    for day in sorted(set(days)):
        assessment = assess_place(claims[0].place, [c for c, d in zip(claims, days) if d <= day], published)
        state = (assessment.controller, assessment.status,
                 () if assessment.status in ("assessed", "claimed", "contested") else assessment.sides)
        if periods and periods[-1][1] == state:
            periods[-1][2] = assessment
        else:
            if periods:
                periods[-1][3] = day
            periods.append([day, state, assessment, ""])
    return [(start, end, assessment) for start, _, assessment, end in periods]


MANY_CLAIMS = st.lists(st.builds(
    dated, side=st.sampled_from(["government", "opposition", "sdf"]),
    status=st.sampled_from(["captured", "controlled", "contested", "withdrawn", "attacked", "denied"]),
    day=st.sampled_from(["", "2024-11-26", "2024-11-27", "2024-11-28", "2024-11-30", "2024-12-02", "2024"]),
    article=st.sampled_from(["a", "b", "c"]), past=st.booleans(),
    source=st.sampled_from([OBSERVATORY, Source(name="HTS", kind="belligerent", side="opposition"),
                            Source(name="SANA", kind="state_media", side="government"),
                            Source(name="a resident", kind="anonymous")])),
    min_size=1, max_size=30)


@settings(max_examples=400, deadline=None)
@given(MANY_CLAIMS)
def test_the_history_is_the_assessment_on_the_claims_reported_by_each_day(claims):
    published = {"a": "2024-11-29", "b": "", "c": "2024-12-01"}
    assert [(p.start, p.end, p.assessment) for p in history(claims, published)] == \
        history_by_definition(claims, published)
