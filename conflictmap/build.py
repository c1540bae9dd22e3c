"""The whole pipeline: articles → claims → resolved places → assessments → map and files."""
from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Callable, Iterable

import folium

from .articles import Problem, load_articles
from .assess import assess, forget_histories
from .export import (claims_csv, dumps_geojson, embed_html, figures_csv, geojson, geopackage, kml, unresolved_csv,
                     write_atomic)
from .extract import extract
from .geo.gazetteer import Gazetteer
from .model import Article, Assessment, Claim, Figure, ResolvedClaim, ResolvedFigure
from .profiles import Profile, bundled_profiles, choose_profiles, load_profile, profile_for
from .render.map import forget_popups, render_map
from .render.svg import svg_map
from .resolve import Resolution, resolve_claims, resolve_figures
from .store import DEFAULT_WAIT, RunCache, Store, extraction_fingerprint, now, resolution_fingerprint

OUTPUT_FILES = ("conflict_map.html", "embed.html", "conflict_map.svg", "claims.geojson", "claims.kml", "claims.gpkg",
                "claims.csv", "figures.csv", "unresolved.csv")


@dataclass
class BuildResult:
    """What a build produced. In a notebook it shows as the map."""

    map: folium.Map
    articles: list[Article]
    claims: list[ResolvedClaim]          # every claim, resolved or not, in article order
    assessments: list[Assessment]
    unresolved: list[ResolvedClaim]
    country_level: list[ResolvedClaim]
    problems: list[Problem]
    profile: Profile
    figures: list[ResolvedFigure] = field(default_factory=list)  # casualty and displacement figures
    written: list[Path] = field(default_factory=list)
    title: str = "conflictmap"
    build_id: int | None = None          # the build's number in the store, when a store was used
    store_counts: dict = field(default_factory=dict)  # extracted / reused / removed / resolved articles

    def _repr_html_(self) -> str:
        return self.map._repr_html_()

    @cached_property
    def articles_by_id(self) -> dict[str, Article]:
        return {a.id: a for a in self.articles}


def read_claims(articles: list[Article], profiles: list[Profile] | None = None,
                available: dict[str, Profile] | None = None, *, cache: RunCache | None = None,
                progress: Callable[[str], None] | None = None) -> tuple[list[Claim], list[Figure], Profile]:
    """Claims and figures of every article, each read with the profile(s) its text calls for; and the
    profiles used, merged (for the map's sides and colours). With a `cache` (the store), an article read
    before with the same extractor and profiles is not read again, and what is read is kept."""
    available = bundled_profiles() if available is None else available
    claims: list[Claim] = []
    figures: list[Figure] = []
    used: dict[int, Profile] = {}
    for article in articles:
        stored = cache.extraction(article) if cache is not None else None
        chosen = profiles or ([available.get(name) for name in stored.profiles] if stored is not None else None)
        if stored is not None and None not in chosen:
            profile = profile_for("", available, chosen)  # the profiles it was read with, merged as then
            found_claims, found_figures = stored.claims, stored.figures
        else:
            chosen = profiles or choose_profiles(article.text, available)
            profile = profile_for("", available, chosen)
            found = extract(article, profile)
            found_claims, found_figures = found.claims, found.figures
            if cache is not None:
                cache.keep_extraction(article, [p.name for p in chosen], found_claims, found_figures)
                if progress and cache.extracted % 20 == 0:
                    progress(f"extracted {cache.extracted} new or changed article(s) so far")
        claims.extend(found_claims)
        figures.extend(found_figures)
        used.setdefault(id(profile), profile)
    merged = profile_for("", available, profiles)
    for profile in used.values():
        merged = profile.merged(merged)
    return claims, figures, merged


def resolve_articles(articles: list[Article], claims: list[Claim], figures: list[Figure],
                     gazetteer: Callable[[], Gazetteer], cache: RunCache | None = None
                     ) -> tuple[Resolution, list[ResolvedFigure]]:
    """Places for claims and figures, article by article: an article's claims are resolved together (see
    resolve_claims), so each article's resolution is the same whatever else is read, and the store keeps it
    until the gazetteer changes. `gazetteer` is called only when something is to be resolved."""
    claims_of: dict[str, list[Claim]] = {}
    figures_of: dict[str, list[Figure]] = {}
    for claim in claims:
        claims_of.setdefault(claim.article_id, []).append(claim)
    for figure in figures:
        figures_of.setdefault(figure.article_id, []).append(figure)
    lists: dict[str, list[ResolvedClaim]] = {"resolved": [], "unresolved": [], "country": []}
    located: list[ResolvedFigure] = []
    for article in articles:
        mine, theirs = claims_of.get(article.id, []), figures_of.get(article.id, [])
        if not mine and not theirs:
            continue
        stored = cache.resolution(article.id) if cache is not None else None
        if stored is not None:
            buckets, found = stored.buckets, stored.located
        else:
            places = gazetteer()
            resolution = resolve_claims(mine, places)
            found = resolve_figures(theirs, places)
            buckets = [("resolved", item) for item in resolution.resolved] + \
                      [("unresolved", item) for item in resolution.unresolved] + \
                      [("country", item) for item in resolution.country_level]
            if cache is not None:
                cache.keep_resolution(article.id, buckets, found)
        for bucket, item in buckets:
            lists[bucket].append(item)
        located.extend(found)
    return Resolution(lists["resolved"], lists["unresolved"], lists["country"]), located


class _Gazetteer:
    """The gazetteer, opened when first needed (a rebuild with everything resolved in the store needs none)."""

    def __init__(self, given: Gazetteer | None, paths: list, online, say, cache: RunCache | None):
        self.gazetteer, self.paths, self.online, self.say, self.cache = given, paths, online, say, cache

    def __call__(self) -> Gazetteer:
        if self.gazetteer is None:
            self.gazetteer = Gazetteer(self.paths, online=self.online, progress=self.say)
            if self.cache is not None:
                self.cache.keep_gazetteer_problems(list(self.gazetteer.problems))
        return self.gazetteer

    def problems(self) -> list[str]:
        if self.gazetteer is not None or self.cache is None:
            return list(self().problems)
        return self.cache.gazetteer_problems() or []


def _opened(store: str | Path | Store | None, wait: float):
    if store is None or isinstance(store, Store):
        return nullcontext(store)
    return Store(store, wait=wait)


class NothingToRead(Exception):
    """No article could be read from the given paths: nothing is written and the store is left as it was."""

    def __init__(self, problems):
        super().__init__("no article could be read; the map, its files and the store are left as they were")
        self.problems = problems


def build(paths: Iterable[str | Path] = ("seeds",), output_dir: str | Path | None = None, *,
          profiles: list[str] | None = None, gazetteer: Gazetteer | None = None,
          gazetteer_paths: Iterable[str | Path] = (), title: str = "conflictmap", online=None,
          offline: bool = False, progress: Callable[[str], None] | None = None,
          store: str | Path | Store | None = None, wait: float = DEFAULT_WAIT) -> BuildResult:
    """Read the articles under `paths` and map their claims; write the files when `output_dir` is given.
    `offline`: the map inlines every script and style and draws no tiles, so it opens with no network.
    `store` (a path or an open Store): keep each article's claims and resolutions there and reuse them, so
    that only new or changed articles are read; the result is the same as without. Another run holding the
    store is waited for `wait` seconds, then StoreBusy is raised; a file that is not a store raises
    StoreInvalid and is left untouched."""
    say = progress or (lambda message: None)
    started = now()
    forget_histories()  # what the last build remembered to share between the map and the files
    forget_popups()
    paths = list(paths)
    gazetteer_paths = list(gazetteer_paths)
    available = bundled_profiles()
    forced = [load_profile(p, available) for p in profiles] if profiles else None
    articles, problems = load_articles(paths)
    say(f"read {len(articles)} article(s)" + (f", {len(problems)} notice(s)" if problems else ""))
    if not articles:  # a mistyped folder must not empty the map, nor the store
        raise NothingToRead(problems)
    missing = [str(p) for p in paths if not Path(p).exists()]
    with _opened(store, wait) as opened:
        cache = None
        if opened is not None:
            cache = RunCache(opened, extraction_fingerprint(profiles or ()),
                             resolution_fingerprint(gazetteer_paths, online))
            if missing:
                say(f"kept every stored article: {', '.join(missing)} could not be read")
            elif cache.keep_only(a.id for a in articles):
                say(f"dropped {cache.removed} stored article(s) no longer under the given paths, with their claims")
        claims, figures, profile = read_claims(articles, forced, available, cache=cache, progress=say)
        if cache is not None:
            opened.commit()
            say(f"extracted {cache.extracted} new or changed article(s); {len(articles) - cache.extracted} "
                f"unchanged, from the store {opened.path}")
        say(f"found {len(claims)} claim(s) and {len(figures)} casualty or displacement figure(s)")
        places = _Gazetteer(gazetteer, gazetteer_paths, online, say, cache)
        if cache is None:
            for message in places.problems():
                problems.append(Problem("gazetteer", message, fatal=False))
        resolution, located_figures = resolve_articles(articles, claims, figures, places, cache)
        if cache is not None:
            opened.commit()
            for message in places.problems():
                problems.append(Problem("gazetteer", message, fatal=False))
        say(f"resolved {len(resolution.resolved)} claim(s) to places; {len(resolution.unresolved)} name(s) unresolved")
        assessments = assess(resolution.resolved, located_figures)
        result = _finish(articles, claims, resolution, located_figures, assessments, problems, profile, title,
                         offline, output_dir, say)
        if cache is not None:
            result.store_counts = {"articles": len(articles), "extracted": cache.extracted,
                                   "reused": len(articles) - cache.extracted, "removed": cache.removed,
                                   "resolved": cache.resolved}
            if output_dir is not None:
                result.build_id = record_build(opened, result, started, output_dir, paths,
                                               {"profiles": list(profiles or ()),
                                                "gazetteer": [str(p) for p in gazetteer_paths]})
                say(f"recorded build {result.build_id} in {opened.path}")
    return result


def _finish(articles, claims, resolution, located_figures, assessments, problems, profile, title, offline,
            output_dir, say) -> BuildResult:
    """The map and the result; the files too when `output_dir` is given."""
    by_id = {a.id: a for a in articles}
    fmap = render_map(assessments, profile, by_id, title=title, offline=offline)
    order = {id(c): n for n, c in enumerate(claims)}
    # Claims on whole countries ("fled into India", "backed by the UAE") are reading errors: reported, not kept.
    every = sorted(resolution.resolved + resolution.unresolved, key=lambda item: order[id(item.claim)])
    if resolution.country_level:
        say(f"set aside {len(resolution.country_level)} claim(s) on whole countries")
    result = BuildResult(map=fmap, articles=articles, claims=every, assessments=assessments,
                         unresolved=resolution.unresolved, country_level=resolution.country_level,
                         problems=problems, profile=profile, figures=located_figures, title=title)
    result.articles_by_id = by_id  # the same mapping as the map's: what it made of it is reused by the files
    if output_dir is not None:
        result.written = write_outputs(result, Path(output_dir))
        say(f"wrote {', '.join(str(p) for p in result.written)}")
    return result


def record_build(store: Store, result: BuildResult, started: str, output_dir: str | Path, paths: list,
                 settings: dict) -> int:
    """Record a finished build in the store: its counts and the state of every place on its map."""
    counts = {**result.store_counts, "claims": len(result.claims), "places": len(result.assessments),
              "contested": sum(a.status == "contested" for a in result.assessments),
              "unresolved": len(result.unresolved), "country_level": len(result.country_level),
              "figures": len(result.figures)}
    places = [(a.place.id, a.place.name, a.controller, a.status, a.since) for a in result.assessments]
    return store.record_build(started, str(output_dir), [str(p) for p in paths], counts, places,
                              {**settings, "paths": [str(p) for p in paths], "output": str(output_dir)})


@dataclass
class AddResult:
    """What `add` stored."""

    articles: list[Article]       # the articles read from the files given
    added: list[Article]          # those new or changed, now extracted and stored
    claims: int                   # claims found in them
    problems: list[Problem]


def add(paths: Iterable[str | Path], store: str | Path | Store, *, profiles: list[str] | None = None,
        progress: Callable[[str], None] | None = None, wait: float = DEFAULT_WAIT) -> AddResult:
    """Read the articles under `paths` and keep them and their claims in the store, without mapping: the next
    build (of folders that hold them) and `changes` find them there. Profiles default to the last build's."""
    say = progress or (lambda message: None)
    articles, problems = load_articles(list(paths))
    with _opened(store, wait) as opened:
        settings = opened.settings()
        profiles = profiles if profiles else (settings.get("profiles") or None)
        available = bundled_profiles()
        forced = [load_profile(p, available) for p in profiles] if profiles else None
        stored_paths = opened.paths()
        fresh = []
        for article in articles:
            other = stored_paths.get(article.id)
            if other is not None and other != article.path:
                problems.append(Problem(article.path, f"same text as {other}, already in the store; not added",
                                        fatal=False))
            else:
                fresh.append(article)
        cache = RunCache(opened, extraction_fingerprint(profiles or ()),
                         resolution_fingerprint(settings.get("gazetteer", ())), ids=[a.id for a in fresh])
        claims, _, _ = read_claims(fresh, forced, available, cache=cache, progress=say)
        opened.commit()
    added = [a for a in fresh if a.id in cache.extracted_ids]
    return AddResult(articles=articles, added=added,
                     claims=sum(c.article_id in cache.extracted_ids for c in claims), problems=problems)


@dataclass
class StoreState:
    """Every article in a store, mapped as a build would map them (without drawing the map)."""

    articles: list[Article]
    claims: list[Claim]                  # every claim, in article order (as extracted)
    resolved: list[ResolvedClaim]        # every claim resolved or not, as a build lists them
    assessments: list[Assessment]
    profile: Profile


def store_state(store: Store, *, profiles: list[str] | None = None, gazetteer: Gazetteer | None = None,
                gazetteer_paths: Iterable[str | Path] | None = None, online=None,
                progress: Callable[[str], None] | None = None) -> StoreState:
    """Assess everything the store holds (articles added since the last build included), reading and
    resolving only what the store lacks. Profiles and gazetteer files default to the last build's."""
    say = progress or (lambda message: None)
    settings = store.settings()
    profiles = profiles if profiles else (settings.get("profiles") or None)
    gazetteer_paths = list(gazetteer_paths) if gazetteer_paths is not None else settings.get("gazetteer", [])
    available = bundled_profiles()
    forced = [load_profile(p, available) for p in profiles] if profiles else None
    articles = store.articles()
    cache = RunCache(store, extraction_fingerprint(profiles or ()), resolution_fingerprint(gazetteer_paths, online))
    claims, figures, profile = read_claims(articles, forced, available, cache=cache, progress=say)
    resolution, located = resolve_articles(articles, claims, figures,
                                           _Gazetteer(gazetteer, gazetteer_paths, online, say, cache), cache)
    store.commit()
    order = {id(c): n for n, c in enumerate(claims)}
    every = sorted(resolution.resolved + resolution.unresolved, key=lambda item: order[id(item.claim)])
    return StoreState(articles, claims, every, assess(resolution.resolved, located), profile)


def write_outputs(result: BuildResult, output_dir: Path) -> list[Path]:
    """The map and its files, each written whole (temporary file, then rename)."""
    by_id = result.articles_by_id
    contents = {
        "claims.geojson": dumps_geojson(geojson(result.assessments, by_id, result.profile)),
        "claims.csv": claims_csv(result.claims, by_id),
        "unresolved.csv": unresolved_csv(result.unresolved),
        "figures.csv": figures_csv(result.figures, by_id),
        "conflict_map.html": result.map.get_root().render(),
        "embed.html": embed_html(result.title),
        "conflict_map.svg": svg_map(result.assessments, result.profile, result.title),
        "claims.kml": kml(result.assessments, by_id, result.profile, result.title),
        "claims.gpkg": geopackage(result.assessments, result.claims, result.figures, by_id, result.profile),
    }
    written = []
    for name in OUTPUT_FILES:
        path = output_dir / name
        write_atomic(path, contents[name])
        written.append(path)
    return written

