"""An optional online geocoder (any geopy geocoder: Nominatim by default) for names nothing offline knows.

Off unless asked for. Every answer, a miss included, is kept in an SQLite cache, so a name asked once
resolves offline from then on, whether or not the geocoder is switched on.
"""
from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from .backbone import cache_dir


@dataclass(frozen=True)
class OnlineAnswer:
    name: str
    lat: float
    lon: float
    kind: str
    country: str


class AnswerCache:
    """Answers of online geocoders, by (service, name, countries)."""

    @staticmethod
    def default_path() -> Path:
        return cache_dir() / "online-answers.sqlite"

    def __init__(self, path: Path | None = None):
        self.path = path or self.default_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, check_same_thread=False, timeout=30)
        self._db.execute("CREATE TABLE IF NOT EXISTS answers (service TEXT, query TEXT, countries TEXT, "
                         "answer TEXT, asked REAL, PRIMARY KEY (service, query, countries))")

    def get(self, service: str, query: str, countries: tuple[str, ...]) -> tuple[bool, OnlineAnswer | None]:
        row = self._db.execute("SELECT answer FROM answers WHERE service=? AND query=? AND countries=?",
                               (service, query, ",".join(countries))).fetchone()
        if row is None:
            return False, None
        data = json.loads(row[0])
        return True, (OnlineAnswer(**data) if data else None)

    def any(self, query: str, countries: tuple[str, ...]) -> OnlineAnswer | None:
        """A cached answer from any service: what lets a later run resolve offline."""
        for (answer,) in self._db.execute("SELECT answer FROM answers WHERE query=? AND countries=? ORDER BY service",
                                          (query, ",".join(countries))):
            data = json.loads(answer)
            if data:
                return OnlineAnswer(**data)
        return None

    def put(self, service: str, query: str, countries: tuple[str, ...], answer: OnlineAnswer | None) -> None:
        with self._db:
            self._db.execute("INSERT OR REPLACE INTO answers VALUES (?,?,?,?,?)",
                             (service, query, ",".join(countries),
                              json.dumps(answer.__dict__ if answer else None), time.time()))


class OnlineGeocoder:
    """A geopy geocoder behind a rate limit and the answer cache."""

    def __init__(self, geocoder, service: str = "nominatim", min_delay_seconds: float = 1.0,
                 cache: AnswerCache | None = None):
        self.geocoder = geocoder
        self.service = service
        self.min_delay_seconds = min_delay_seconds
        self.cache = cache or AnswerCache()
        self._last = 0.0
        self.errors: list[str] = []

    @classmethod
    def from_settings(cls, service: str = "nominatim", user_agent: str = "", domain: str = "",
                      min_delay_seconds: float = 1.0) -> "OnlineGeocoder":
        """A geopy geocoder by name (nominatim, photon, pelias, ...) with the user's endpoint and user agent."""
        from geopy.geocoders import get_geocoder_for_service

        if not user_agent:
            raise ValueError("an online geocoder needs --user-agent (your project's name and contact), "
                             "as public services require")
        options = {"user_agent": user_agent}
        if domain:
            options["domain"] = domain
        return cls(get_geocoder_for_service(service)(**options), service, min_delay_seconds)

    def lookup(self, name: str, countries: tuple[str, ...] = ()) -> OnlineAnswer | None:
        known, answer = self.cache.get(self.service, name, countries)
        if known:
            return answer
        wait = self.min_delay_seconds - (time.monotonic() - self._last)
        if wait > 0:
            time.sleep(wait)
        self._last = time.monotonic()
        try:
            options = {"exactly_one": True}
            if countries and self.service == "nominatim":
                options["country_codes"] = [c.lower() for c in countries]
            location = self.geocoder.geocode(name, **options)
        except Exception as err:  # geopy raises many kinds; a failed look-up must not stop a build
            self.errors.append(f"{self.service}: {name!r}: {err}")
            return None
        answer = None
        if location is not None:
            raw = getattr(location, "raw", {}) or {}
            answer = OnlineAnswer(name=str(getattr(location, "address", name)).split(",")[0],
                                  lat=float(location.latitude), lon=float(location.longitude),
                                  kind=_kind(raw), country=str((raw.get("address") or {}).get("country_code", "")
                                                                ).upper() or (countries[0] if countries else ""))
        self.cache.put(self.service, name, countries, answer)
        return answer


def _kind(raw: dict) -> str:
    kind = str(raw.get("addresstype") or raw.get("type") or "").lower()
    if kind in ("city", "town", "village", "hamlet", "suburb"):
        return "town" if kind in ("hamlet",) else ("district" if kind == "suburb" else kind)
    if kind in ("state", "province", "region"):
        return "admin1"
    if kind in ("aerodrome", "airport"):
        return "airport"
    if kind == "country":
        return "country"
    return "landmark" if kind else "town"
