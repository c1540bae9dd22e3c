"""Casualty and displacement figures: "at least 27 civilians killed, according to the UN".

Each figure keeps its number as written (with "at least", "more than"), who it counts, what happened to
them, the source and the sentence; figures that disagree are all kept, side by side.
"""
from __future__ import annotations

import re

from ..model import Figure
from .attribution import Attribution
from .mentions import Mention
from .sentences import Sentence

NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30,
                "forty": 40, "fifty": 50, "hundred": 100, "dozens": 24, "scores": 40, "hundreds": 200,
                "thousands": 2000, "a dozen": 12, "a hundred": 100}
_NUMBER = r"(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?(?:\s*(?:million|m))?|" + "|".join(
    sorted(map(re.escape, NUMBER_WORDS), key=len, reverse=True)) + r")"
_QUALIFIER = r"(?:at\s+least|more\s+than|over|nearly|almost|about|around|some|up\s+to|roughly|an\s+estimated|" \
             r"approximately|fewer\s+than|less\s+than)"
_WHO = r"(?:[a-z][a-z-]*\s+){0,3}?(?:people|civilians|children|women|men|soldiers|troops|fighters|rebels|militants|" \
       r"combatants|insurgents|residents|families|households|persons|individuals|members|personnel|" \
       r"servicemen|policemen|officers|students|workers|staff|patients|refugees|others|jihadists|gunmen|" \
       r"attackers|children|infants|journalists|aid\s+workers|pro-government\s+fighters|" \
       r"(?:pro-|anti-)?[a-z]+\s+(?:forces|fighters|troops))"
_OUTCOME = {"killed": "killed", "dead": "killed", "died": "killed", "deaths": "killed", "lost their lives": "killed",
            "perished": "killed", "wounded": "wounded", "injured": "wounded", "hurt": "wounded",
            "displaced": "displaced", "fled": "displaced", "uprooted": "displaced", "casualties": "casualties",
            "missing": "missing", "captured": "captured", "taken prisoner": "captured", "detained": "detained"}
_OUTCOMES = "|".join(sorted(map(re.escape, _OUTCOME), key=len, reverse=True))
FIGURE = re.compile(
    rf"(?P<qualifier>{_QUALIFIER}\s+)?(?P<number>{_NUMBER})\s+(?P<who>{_WHO})?\s*(?:,\s*including\s[^,.;]{{1,50}},\s*)?"
    rf"(?:(?:have|had|has)\s+(?:been\s+)?|(?:were|was|are|is)\s+(?:reportedly\s+)?|(?:had\s+)?)?"
    rf"(?P<outcome>{_OUTCOMES})\b", re.I)
TOLL = re.compile(rf"\b(?P<outcome>death|casualty)\s+toll\s+(?:has\s+)?(?:rose|risen|rises|climbed|reached|stood|"
                  rf"stands|of|at|to)\s+(?:to\s+|at\s+)?(?P<qualifier>{_QUALIFIER}\s+)?(?P<number>{_NUMBER})", re.I)
KILLING = re.compile(rf"\b(?P<outcome>killing|wounding|injuring|displacing)\s+(?P<qualifier>{_QUALIFIER}\s+)?"
                     rf"(?P<number>{_NUMBER})\s*(?P<who>{_WHO})?", re.I)
_GERUND = {"killing": "killed", "wounding": "wounded", "injuring": "wounded", "displacing": "displaced",
           "death": "killed", "casualty": "casualties"}


def number_value(written: str) -> int | None:
    """The count a written number stands for (words approximate: 'hundreds' is 200), or None."""
    text = written.lower().replace(",", "").strip()
    if text in NUMBER_WORDS:
        return NUMBER_WORDS[text]
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(million|m)?", text)
    if not match:
        return None
    value = float(match.group(1)) * (1_000_000 if match.group(2) else 1)
    return int(value)


def sentence_figures(text: str, sentence: Sentence, places: list[Mention], attributions: list[Attribution],
                     source_for, article_id: str, article_name: str, date: str) -> list[Figure]:
    """The figures one sentence gives, each with the place it happened in (when the sentence names one)."""
    found: list[Figure] = []
    taken: list[tuple[int, int]] = []
    for pattern in (TOLL, KILLING, FIGURE):
        for match in pattern.finditer(text, sentence.start, sentence.end):
            if any(s < match.end() and match.start() < e for s, e in taken):
                continue
            value = number_value(match.group("number"))
            if value is None or (value > 1900 and value < 2100 and not match.group("who")):
                continue  # a year, not a count
            outcome = match.group("outcome").lower()
            outcome = _GERUND.get(outcome, _OUTCOME.get(outcome, outcome))
            who = (match.groupdict().get("who") or "").strip() or "people"
            place = _nearest_place(match.start(), match.end(), places, text)
            source, _ = source_for(match.start())
            taken.append((match.start(), match.end()))
            found.append(Figure(
                article_id=article_id, article_name=article_name, count=value,
                as_written=match.group(0).strip(), qualifier=(match.group("qualifier") or "").strip().lower(),
                who=who.lower(), outcome=outcome, place_as_written=place.text if place else "",
                place_hint=place.name if place else "", kind_hint=place.hint if place else "", source=source,
                quote=text[sentence.start:sentence.end], start=sentence.start, end=sentence.end, date=date))
    return found


def _nearest_place(start: int, end: int, places: list[Mention], text: str = "") -> Mention | None:
    """The place the sentence says it happened in: the nearest one named after 'in', 'near', 'around'..."""
    def where(p: Mention) -> bool:
        if p.metonym or not LOCATIVE.search(text[max(0, p.start - 12):p.start]):
            return False
        after = 0 <= p.start - end <= 80                            # "... were killed in Aleppo"
        opening = p.start < start and not text[p.end:start].count(",") > 1 and bool(
            re.search(r"(?:^|[.!?]\s+)(?:in|on|at)\s+(?:the\s+)?$", text[max(0, p.start - 16):p.start], re.I))
        return after or opening                                    # "In Gaza City, a strike killed five"

    usable = [p for p in places if where(p)]
    if not usable:
        return None
    return min(usable, key=lambda p: abs(p.start - end))


LOCATIVE = re.compile(r"\b(?:in|near|around|outside|across|at|on)\s+(?:the\s+)?(?:\w+\s+)?$", re.I)
