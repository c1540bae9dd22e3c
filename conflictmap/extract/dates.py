"""The day a claim is about: the article's date, moved by the day the sentence names ("on Friday")."""
from __future__ import annotations

import re
from datetime import date, timedelta

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december")
_MONTH = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|" \
         r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
DAY_WORDS = re.compile(
    rf"\b(?:(?P<rel>last|this|on|early|late|since|by)\s+)?(?P<weekday>{'|'.join(WEEKDAYS)})\b"
    rf"|\b(?P<day1>\d{{1,2}})\s+(?P<month1>{_MONTH})\b"
    rf"|\b(?P<month2>{_MONTH})\s+(?P<day2>\d{{1,2}})\b(?!\s*(?:km|kilometres|kilometers|miles|%))"
    r"|\b(?P<yesterday>yesterday)\b|\b(?P<today>today|tonight)\b", re.I)


def _month_number(word: str) -> int:
    word = word.lower().rstrip(".")
    return next(n for n, name in enumerate(MONTHS, start=1) if name.startswith(word[:3]))


def claim_date(sentence: str, position: int, published: str) -> str:
    """ISO date of what the sentence reports near `position` (an offset in `sentence`), or the article's date;
    '' when the article is undated and the sentence names no full date."""
    if not published:
        return ""
    try:
        today = date.fromisoformat(published)
    except ValueError:
        return ""
    matches = list(DAY_WORDS.finditer(sentence))
    if not matches:
        return published
    match = min(matches, key=lambda m: abs(m.start() - position))
    if match.group("weekday"):
        back = (today.weekday() - WEEKDAYS.index(match.group("weekday").lower())) % 7
        if back == 0 and (match.group("rel") or "").lower() == "last":
            back = 7
        return (today - timedelta(days=back)).isoformat()
    if match.group("yesterday"):
        return (today - timedelta(days=1)).isoformat()
    if match.group("today"):
        return published
    day = int(match.group("day1") or match.group("day2"))
    month = _month_number(match.group("month1") or match.group("month2"))
    year = today.year if (month, day) <= (today.month, today.day) else today.year - 1
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return published
