"""What changed since a build: new claims, places that changed hands, new contested places.

The store records every build with the state of each place on its map; `compare` sets the store's current
state (articles added since included) against one of them and `markdown` / `text` write it for a report or
the terminal.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from .model import Assessment, ResolvedClaim
from .profiles import Profile
from .store import Store


@dataclass
class Changes:
    since: str                                  # what the comparison starts from, in words
    baseline: dict | None                       # the build compared with (None: nothing built before)
    new_claims: list[ResolvedClaim] = field(default_factory=list)
    changed_hands: list[tuple[dict, Assessment]] = field(default_factory=list)
    new_contested: list[tuple[dict | None, Assessment]] = field(default_factory=list)
    new_places: list[Assessment] = field(default_factory=list)
    gone_places: list[dict] = field(default_factory=list)
    unbuilt: bool = False                       # the store holds changes the last build has not mapped
    last_build: int = 0
    totals: dict = field(default_factory=dict)  # articles, claims, places now

    @property
    def empty(self) -> bool:
        return not (self.new_claims or self.changed_hands or self.new_contested or self.new_places or
                    self.gone_places)


def parse_since(value: str) -> int | str:
    """A build number, or an ISO date or date and time (UTC). Raises ValueError."""
    value = value.strip()
    if value.isdigit():
        return int(value)
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return date.fromisoformat(value).isoformat()
        return datetime.fromisoformat(value).isoformat()
    except ValueError:
        raise ValueError(f"--since {value!r}: give a build number (see the list of builds) or a date "
                         f"YYYY-MM-DD[THH:MM]") from None


def compare(store: Store, assessments: list[Assessment], claims: list[ResolvedClaim], extracted: list,
            since: int | str | None = None) -> Changes:
    """The current state (`assessments`, `claims` as a build lists them, `extracted`: every claim in
    extraction order) set against a recorded build: by default the last one, or, when the store holds
    nothing that build has not mapped, the one before it (so that right after a build it says what the
    build changed)."""
    builds = store.builds()
    now_places = {a.place.id: a for a in assessments}
    stamps = store.claim_stamps()
    numbers: dict[str, int] = Counter()
    stamp_of = {}
    for claim in extracted:
        n = numbers[claim.article_id]
        numbers[claim.article_id] += 1
        stamp_of[id(claim)] = stamps.get((claim.article_id, n), (0, ""))
    last = builds[-1] if builds else None
    unbuilt = last is None or _differs(store.build_places(last["id"]), now_places) or any(
        first >= last["id"] for first, _ in stamp_of.values())
    if since is None:
        if last is None or unbuilt:
            baseline = last
        else:
            baseline = builds[-2] if len(builds) > 1 else None
        new = (lambda stamp: stamp[0] >= baseline["id"]) if baseline else (lambda stamp: True)
    elif isinstance(since, int):
        baseline = next((b for b in builds if b["id"] == since), None)
        if baseline is None:
            raise ValueError(f"--since {since}: no such build in {store.path} (builds: "
                             f"{', '.join(str(b['id']) for b in builds) or 'none yet'})")
        new = lambda stamp: stamp[0] >= since  # noqa: E731
    else:
        earlier = [b for b in builds if b["finished_at"] < since]
        baseline = earlier[-1] if earlier else None
        new = lambda stamp: stamp[1] >= since  # noqa: E731
    if baseline is None:
        if since is not None:
            words = f"{since} (no build before then)"
        else:
            words = "the start (no build recorded yet)" if last is None else "the start (before build 1)"
    else:
        words = f"build {baseline['id']} ({_when(baseline['finished_at'])})"
        if isinstance(since, str):
            words = f"{since}: build {baseline['id']} ({_when(baseline['finished_at'])}), the last one before"
    before = store.build_places(baseline["id"]) if baseline else {}
    changes = Changes(since=words, baseline=baseline, unbuilt=bool(last) and unbuilt,
                      last_build=last["id"] if last else 0,
                      totals={"articles": len(numbers), "claims": len(claims), "places": len(assessments)})
    changes.new_claims = [item for item in claims if new(stamp_of.get(id(item.claim), (0, "")))]
    for pid, after in sorted(now_places.items(), key=lambda kv: (kv[1].place.name, kv[0])):
        was = before.get(pid)
        if was is None:
            changes.new_places.append(after)
        elif was["controller"] != after.controller and "unknown" not in (was["controller"], after.controller):
            changes.changed_hands.append((was, after))
        if after.status == "contested" and (was is None or was["status"] != "contested"):
            changes.new_contested.append((was, after))
    changes.gone_places = sorted((dict(state, id=pid) for pid, state in before.items() if pid not in now_places),
                                 key=lambda p: (p["name"], p["id"]))
    return changes


def _differs(recorded: dict[str, dict], now_places: dict[str, Assessment]) -> bool:
    if recorded.keys() != now_places.keys():
        return True
    return any((r["controller"], r["status"], r["since"]) != (now_places[pid].controller, now_places[pid].status,
                                                               now_places[pid].since) for pid, r in recorded.items())


def _when(iso: str) -> str:
    return iso.replace("T", " ").replace("+00:00", " UTC")


# -- writing ----------------------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>|#~&!])")


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _plain(text: str) -> str:
    """One line, without control characters (no terminal escape sequences from an article)."""
    return " ".join(_CONTROL.sub("", str(text)).split())


def md(text: str) -> str:
    """Text from an article made inert in Markdown: no emphasis, links, HTML or table cells; one line."""
    return _MD_SPECIAL.sub(r"\\\1", _plain(text))


def _lines(changes: Changes, profile: Profile, esc, bold, quote_prefix: str, limit: int | None) -> list[str]:
    label = lambda side: esc(profile.label(side))  # noqa: E731

    def state(controller: str, status: str, since: str = "") -> str:
        who = "nobody holds it" if controller == "unknown" else label(controller)
        return f"{who}, {esc(status)}" + (f", since {esc(since)}" if since else "")

    out = []
    totals = changes.totals
    out.append(f"Now: {totals['articles']:,} article(s), {totals['claims']:,} claim(s), {totals['places']:,} "
               f"place(s) on the map.")
    if not changes.last_build:
        out.append("No build recorded yet: `conflictmap build` draws the map.")
    elif changes.unbuilt:
        out.append(f"The store holds changes that the last build ({changes.last_build}) has not mapped yet: run "
                   f"`conflictmap build` to redraw the map.")
    out.append("")
    out.append(f"- {len(changes.new_claims):,} new claim(s)")
    out.append(f"- {len(changes.changed_hands):,} place(s) changed hands")
    out.append(f"- {len(changes.new_contested):,} newly contested place(s)")
    out.append(f"- {len(changes.new_places):,} new place(s) on the map")
    if changes.gone_places:
        out.append(f"- {len(changes.gone_places):,} place(s) no longer on the map")

    def section(title: str, items: list[str]) -> None:
        if items:
            out.extend(["", f"## {title} ({len(items):,})", ""])
            shown = items if limit is None else items[:limit]
            out.extend(shown)
            if len(shown) < len(items):
                out.append(f"- … and {len(items) - len(shown):,} more (all of them in changes.md)")

    section("Places that changed hands", [
        f"- {bold(esc(a.place.name))} ({esc(a.place.country)}): {label(was['controller'])} → "
        f"{state(a.controller, a.status, a.since)}" for was, a in changes.changed_hands])
    section("Newly contested places", [
        f"- {bold(esc(a.place.name))} ({esc(a.place.country)}): contested, sides reported: "
        f"{', '.join(label(s) for s in a.sides) or '?'}"
        + (f"; was {state(was['controller'], was['status'])}" if was else "; new on the map")
        for was, a in changes.new_contested])
    section("New on the map", [
        f"- {bold(esc(a.place.name))} ({esc(a.place.country)}): {state(a.controller, a.status, a.since)}"
        for a in changes.new_places])
    section("No longer on the map", [
        f"- {bold(esc(p['name']))}: was {state(p['controller'], p['status'])}" for p in changes.gone_places])
    claim_lines = []
    for item in changes.new_claims:
        claim = item.claim
        where = item.place.name if item.place else f"{claim.place_as_written} (not in the gazetteer)"
        source = claim.source.name + (f" ({claim.source.kind})" if claim.source.kind != "article" else "")
        date_part = f" · {esc(claim.date)}" if claim.date else ""
        claim_lines.append(f"- {bold(esc(where))}: {label(claim.side)} {esc(claim.status.value)}"
                           f"{' (background)' if claim.past else ''} · source: {esc(source)}{date_part} · "
                           f"{esc(claim.article_name)}\n{quote_prefix}“{esc(claim.quote)}”")
    section("New claims", claim_lines)
    return out


def markdown(changes: Changes, profile: Profile) -> str:
    """changes.md: the whole report, every article string escaped."""
    lines = [f"# Changes since {md(changes.since)}", ""]
    lines += _lines(changes, profile, md, lambda s: f"**{s}**", "  > ", None)
    return "\n".join(lines).rstrip() + "\n"


def text(changes: Changes, profile: Profile, limit: int | None = 20) -> str:
    """The report for the terminal: plain text, each list cut at `limit` items."""
    lines = [f"Changes since {changes.since}", ""]
    lines += _lines(changes, profile, _plain, lambda s: s, "    ", limit)
    return "\n".join(lines).rstrip() + "\n"
