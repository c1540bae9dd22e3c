"""The whole pipeline: articles → claims → resolved places → assessments → map and files."""
from __future__ import annotations

import gc
import shutil
from contextlib import nullcontext
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Callable, Iterable

import folium

from .articles import Problem, load_articles
from .assess import assess, forget_histories
from .export import geopackage, patch_geopackage, write_atomic
from .extract import extract
from .files import replacing, stat_key
from .geo.gazetteer import Gazetteer
from .model import Article, Assessment, Claim, Figure, ResolvedClaim, ResolvedFigure
from .profiles import Profile, bundled_profiles, choose_profiles, load_profile, profile_for
from .outputs import (ArticleOutputs, PlaceOutputs, article_outputs, geopackage_rows, place_outputs,
                      text_files)
from .render.map import assemble_map, place_days, timed_span
from .resolve import Resolution, resolve_claims, resolve_figures
from .store import (DEFAULT_WAIT, RunCache, Store, StoredFiles, extraction_fingerprint, now, outputs_fingerprint,
                    resolution_fingerprint)

OUTPUT_FILES = ("conflict_map.html", "embed.html", "conflict_map.svg", "claims.geojson", "claims.kml", "claims.gpkg",
                "claims.csv", "figures.csv", "unresolved.csv")


@dataclass
class Details:
    """Everything a build mapped, claim by claim."""

    claims: list[ResolvedClaim]          # every claim, resolved or not, in article order
    assessments: list[Assessment]
    unresolved: list[ResolvedClaim]
    country_level: list[ResolvedClaim]
    figures: list[ResolvedFigure]        # casualty and displacement figures


@dataclass
class Summary:
    """A build in figures, known without reading every claim."""

    places: list[Assessment]             # each place's assessment, without its claims and figures
    claims: int
    unresolved_names: list[str]          # the name as written of each claim no gazetteer placed
    country_level: int
    figures: int


@dataclass
class BuildResult:
    """What a build produced. In a notebook it shows as the map. Its claims and assessments (`Details`) are
    read from the store when first asked for, after a rebuild that remade only what changed."""

    map: folium.Map
    articles: list[Article]
    problems: list[Problem]
    profile: Profile
    summary: Summary
    details_of: Callable[[], Details] = field(repr=False, default=None)
    written: list[Path] = field(default_factory=list)
    title: str = "conflictmap"
    build_id: int | None = None          # the build's number in the store, when a store was used
    store_counts: dict = field(default_factory=dict)  # extracted / reused / removed / resolved articles

    def _repr_html_(self) -> str:
        return self.map._repr_html_()

    @cached_property
    def details(self) -> Details:
        return self.details_of()

    claims = property(lambda self: self.details.claims)
    assessments = property(lambda self: self.details.assessments)
    unresolved = property(lambda self: self.details.unresolved)
    country_level = property(lambda self: self.details.country_level)
    figures = property(lambda self: self.details.figures)

    @cached_property
    def articles_by_id(self) -> dict[str, Article]:
        return {a.id: a for a in self.articles}


def _merged(chosen: Iterable[list[Profile]], available: dict[str, Profile], forced: list[Profile] | None) -> Profile:
    """The profiles the articles were read with (each article's choice, in order), merged for the map."""
    used: dict[int, Profile] = {}
    for profiles in chosen:
        profile = profile_for("", available, profiles)
        used.setdefault(id(profile), profile)
    merged = profile_for("", available, forced)
    for profile in used.values():
        merged = profile.merged(merged)
    return merged


def read_claims(articles: list[Article], profiles: list[Profile] | None = None,
                available: dict[str, Profile] | None = None, *, cache: RunCache | None = None,
                progress: Callable[[str], None] | None = None) -> tuple[list[Claim], list[Figure], Profile]:
    """Claims and figures of every article, each read with the profile(s) its text calls for; and the
    profiles used, merged (for the map's sides and colours). With a `cache` (the store), an article read
    before with the same extractor and profiles is not read again, and what is read is kept."""
    available = bundled_profiles() if available is None else available
    claims: list[Claim] = []
    figures: list[Figure] = []
    chosen_by_article: list[list[Profile]] = []
    for article in articles:
        stored = cache.extraction(article) if cache is not None else None
        chosen = profiles or ([available.get(name) for name in stored.profiles] if stored is not None else None)
        if stored is not None and None not in chosen:
            found_claims, found_figures = stored.claims, stored.figures  # read with these profiles, as then
        else:
            chosen = profiles or choose_profiles(article.text, available)
            found = extract(article, profile_for("", available, chosen))
            found_claims, found_figures = found.claims, found.figures
            if cache is not None:
                cache.keep_extraction(article, [p.name for p in chosen], found_claims, found_figures)
                if progress and cache.extracted % 20 == 0:
                    progress(f"extracted {cache.extracted} new or changed article(s) so far")
        claims.extend(found_claims)
        figures.extend(found_figures)
        chosen_by_article.append(chosen)
    return claims, figures, _merged(chosen_by_article, available, profiles)


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
    `store` (a path or an open Store): keep each article's claims and resolutions, and the pieces of the files,
    there and reuse them, so that only new or changed articles are read and only the places they touch are
    drawn again; the files are the same as without. Another run holding the store is waited for `wait`
    seconds, then StoreBusy is raised; a file that is not a store raises StoreInvalid and is left untouched."""
    gc.freeze()  # what the process held before (a notebook's earlier results) is not walked by the collector
    try:
        return _build(paths, output_dir, profiles, gazetteer, gazetteer_paths, title, online, offline, progress,
                      store, wait)
    finally:
        gc.unfreeze()


def _build(paths, output_dir, profiles, gazetteer, gazetteer_paths, title, online, offline, progress, store,
           wait) -> BuildResult:
    say = progress or (lambda message: None)
    started = now()
    forget_histories()  # what the last build remembered to share between the map and the files
    paths = list(paths)
    gazetteer_paths = list(gazetteer_paths)
    available = bundled_profiles()
    forced = [load_profile(p, available) for p in profiles] if profiles else None
    settings = _Settings(paths, profiles, forced, available, gazetteer, gazetteer_paths, online, title, offline,
                         output_dir, started, say)
    if store is None:
        articles, problems = _read(paths, None, say)
        run = _Run(articles, problems, forced, available, title, offline, say)
        places = _Gazetteer(gazetteer, gazetteer_paths, online, say, None)
        problems.extend(Problem("gazetteer", message, fatal=False) for message in places.problems())
        details, profile = run.read_everything(places)
        return run.finish_everything(details, profile, output_dir)
    if isinstance(store, Store) or Path(store).exists():  # its articles' files need not be read again
        with _opened(store, wait) as opened:
            memory = StoredFiles(opened)
            articles, problems = _read(paths, memory, say)
            result = _build_with(opened, memory, articles, problems, settings)
    else:
        memory = StoredFiles(None)
        articles, problems = _read(paths, memory, say)  # nothing to read: no store is made either
        with _opened(store, wait) as opened:
            result = _build_with(opened, memory, articles, problems, settings)
    # asked for later, the claims are read from the store again
    result.details_of = result.details_of or _from_store(store, articles, profiles, gazetteer, gazetteer_paths, online)
    return result


@dataclass
class _Settings:
    """What a build was asked to do."""

    paths: list
    profiles: list[str] | None
    forced: list[Profile] | None
    available: dict[str, Profile]
    gazetteer: Gazetteer | None
    gazetteer_paths: list
    online: object
    title: str
    offline: bool
    output_dir: str | Path | None
    started: str
    say: Callable[[str], None]


def _read(paths: list, memory: StoredFiles | None, say: Callable[[str], None]) -> tuple[list[Article], list[Problem]]:
    articles, problems = load_articles(paths, memory)
    again = f", {len(memory.recalled)} of them unchanged since the last build" if memory and memory.recalled else ""
    say(f"read {len(articles)} article(s){again}" + (f", {len(problems)} notice(s)" if problems else ""))
    if not articles:  # a mistyped folder must not empty the map, nor the store
        raise NothingToRead(problems)
    return articles, problems


def _build_with(opened: Store, memory: StoredFiles, articles: list[Article], problems: list[Problem],
                settings: _Settings) -> BuildResult:
    """A build with a store: read and resolve only what the store lacks, then draw again only what changed (or
    everything, when the store's pieces of the files are not those in the output folder)."""
    say, forced, available, output_dir = settings.say, settings.forced, settings.available, settings.output_dir
    run = _Run(articles, problems, forced, available, settings.title, settings.offline, say)
    missing = [str(p) for p in settings.paths if not Path(p).exists()]
    cache = RunCache(opened, extraction_fingerprint(settings.profiles or ()),
                     resolution_fingerprint(settings.gazetteer_paths, settings.online), lazy=True,
                     trusted=memory.recalled)
    kept = opened.outputs_state()
    fresh = [a for a in articles if not cache.is_current(a)]
    ids = {a.id for a in articles}
    if fresh or (not missing and any(aid not in ids for aid in cache.stored)):
        opened.set_meta("outputs", "{}")  # the kept pieces are stale until this run writes the new ones
    if missing:
        say(f"kept every stored article: {', '.join(missing)} could not be read")
    elif cache.keep_only(ids):
        say(f"dropped {cache.removed} stored article(s) no longer under the given paths, with their claims")
    cache.load([a.id for a in fresh if a.id in cache.stored])  # to resolve again what was read before
    claims, figures, _ = read_claims(fresh, forced, available, cache=cache, progress=say)
    opened.commit()
    opened.keep_file_states(memory.read)
    say(f"extracted {cache.extracted} new or changed article(s); {len(articles) - cache.extracted} "
        f"unchanged, from the store {opened.path}")
    places = _Gazetteer(settings.gazetteer, settings.gazetteer_paths, settings.online, say, cache)
    resolution, located = resolve_articles(fresh, claims, figures, places, cache)
    opened.commit()
    problems.extend(Problem("gazetteer", message, fatal=False) for message in places.problems())
    profile = _merged((forced or [available.get(n) for n in cache.stored[a.id].profiles] for a in articles),
                      available, forced)
    run.store = opened
    result = None  # with a folder missing, its articles leave the map (and the store keeps them): drawn whole
    if output_dir is not None and not missing and _can_rebuild(kept, opened, articles, fresh, profile,
                                                               Path(output_dir)):
        result = run.rebuild(cache, fresh, profile, Path(output_dir), kept)
    if result is None:
        cache.load(a.id for a in articles if a.id not in {f.id for f in fresh})
        details, profile = run.read_everything(places, cache)
        result = run.finish_everything(details, profile, output_dir)
    result.store_counts = {"articles": len(articles), "extracted": cache.extracted,
                           "reused": len(articles) - cache.extracted, "removed": cache.removed,
                           "resolved": cache.resolved}
    if output_dir is not None:
        result.build_id = record_build(opened, result, settings.started, output_dir, settings.paths,
                                       {"profiles": list(settings.profiles or ()),
                                        "gazetteer": [str(p) for p in settings.gazetteer_paths]})
        say(f"recorded build {result.build_id} in {opened.path}")
    return result


def _can_rebuild(kept: dict, store: Store, articles: list[Article], fresh: list[Article], profile: Profile,
                 output_dir: Path) -> bool:
    """Whether the store's pieces are those of the files in `output_dir`, made as this build would make them:
    then only the places and articles that changed are drawn again, and the GeoPackage is changed in place.
    The articles kept must come in the order they came then (a place lists its claims in the articles' order)."""
    was = {aid: n for n, aid in enumerate(kept.get("order", ()))}
    order = [was[a.id] for a in articles if a.id in was]
    return (bool(kept) and kept.get("fingerprint") == outputs_fingerprint(profile)
            and kept.get("output") == str(output_dir.resolve())
            and kept.get("geopackage") == stat_key(output_dir / "claims.gpkg") != "missing"
            and all(a < b for a, b in zip(order, order[1:]))
            and set(store.article_outputs_ids()) >= {a.id for a in articles} - {a.id for a in fresh})


class _Run:
    """One build's steps after the articles are read: mapping everything, or only what changed."""

    def __init__(self, articles, problems, forced, available, title, offline, say):
        self.articles, self.problems, self.forced, self.available = articles, problems, forced, available
        self.title, self.offline, self.say = title, offline, say
        self.by_id = {a.id: a for a in articles}
        self.store: Store | None = None

    def read_everything(self, places: "_Gazetteer", cache: RunCache | None = None) -> tuple[Details, Profile]:
        claims, figures, profile = read_claims(self.articles, self.forced, self.available, cache=cache,
                                               progress=self.say)
        self.say(f"found {len(claims)} claim(s) and {len(figures)} casualty or displacement figure(s)")
        resolution, located = resolve_articles(self.articles, claims, figures, places, cache)
        if cache is not None:
            cache.store.commit()
        self.say(f"resolved {len(resolution.resolved)} claim(s) to places; {len(resolution.unresolved)} name(s) "
                 f"unresolved")
        if resolution.country_level:
            self.say(f"set aside {len(resolution.country_level)} claim(s) on whole countries")
        order = {id(c): n for n, c in enumerate(claims)}
        # Claims on whole countries ("fled into India", "backed by the UAE") are reading errors: reported, not kept.
        every = sorted(resolution.resolved + resolution.unresolved, key=lambda item: order[id(item.claim)])
        details = Details(claims=every, assessments=assess(resolution.resolved, located),
                          unresolved=resolution.unresolved, country_level=resolution.country_level, figures=located)
        return details, profile

    def finish_everything(self, details: Details, profile: Profile, output_dir) -> BuildResult:
        """Every piece made anew; the files written whole, and the pieces kept in the store for the next build."""
        fmap, texts, places, pieces, span = _files(details, profile, self.articles, self.title, self.offline,
                                                   write=output_dir is not None)
        result = self._result(fmap, profile, places, pieces)
        result.details_of = lambda: details
        if output_dir is not None:
            output_dir = Path(output_dir)
            result.written = _write(output_dir, texts)
            self.say(f"wrote {', '.join(str(p) for p in result.written)}")
            if self.store is not None:
                self.store.keep_outputs({p.state.place.id: p.columns() for p in places},
                                        {a.article_id: a.columns() for a in pieces},
                                        _kept_state(profile, span, output_dir, self.articles), every=True)
        return result

    def rebuild(self, cache: RunCache, fresh: list[Article], profile: Profile, output_dir: Path,
                kept: dict) -> BuildResult | None:
        """Draw again only the places and articles whose claims changed (in this run, or in one that wrote no
        files: `add`, `changes`); join them with the kept pieces of the others. None when the map gains or loses
        its time slider (everything is drawn again)."""
        store, say = self.store, self.say
        position = {a.id: n for n, a in enumerate(self.articles)}
        dirty = cache.touched
        claims_at, figures_at = store.at_places(dirty)
        claims_at.sort(key=lambda row: (position[row[0]], row[1]))
        figures_at.sort(key=lambda row: (position[row[0]], row[1]))
        assessments = assess([c for _, _, c in claims_at], [f for _, _, f in figures_at])
        published = {k: v.published for k, v in self.by_id.items()}
        places = {pid: PlaceOutputs.from_columns(*columns) for pid, columns in store.place_outputs(dirty).items()}
        span = timed_span([p.days for p in places.values()] + [place_days(a, published) for a in assessments])
        if (span is not None) != bool(kept.get("timed")):
            say("the map gains or loses its time slider: drawing every place again")
            return None
        redrawn = {a.place.id: place_outputs(a, self.by_id, profile, span is not None) for a in assessments}
        places.update(redrawn)
        ordered = sorted(places.values(), key=lambda p: p.key)
        say(f"drew again {len(redrawn)} place(s) of {len(ordered)}, whose claims changed")
        remade = {a.id for a in fresh} | (cache.touched_articles & set(self.by_id))
        cache.load(aid for aid in remade if not cache.stored[aid].claims)  # remade, but not read in this run
        new_pieces, mapped, located = self._article_pieces(remade, cache)
        stored_pieces = store.article_outputs()
        pieces = [new_pieces[a.id] if a.id in new_pieces else ArticleOutputs.from_columns(a.id, *stored_pieces[a.id])
                  for a in self.articles]
        fmap, texts = text_files(ordered, pieces, profile, span, self.title, self.offline)
        gone_articles = remade | cache.removed_ids
        claim_rows, figure_rows = geopackage_rows(mapped, located, self.by_id)
        gpkg = output_dir / "claims.gpkg"
        with replacing(gpkg) as temp:
            shutil.copy(gpkg, temp)  # its bytes and permissions
            patch_geopackage(temp, {"places": set(dirty), "claims": gone_articles, "figures": gone_articles},
                             {"places": [redrawn[k].row for k in sorted(redrawn)], "claims": claim_rows,
                              "figures": figure_rows}, max((a.last_day for a in pieces), default=""))
        result = self._result(fmap, profile, ordered, pieces)
        result.written = _write(output_dir, texts) + [gpkg]
        say(f"wrote {', '.join(str(p) for p in result.written)}")
        store.keep_outputs({pid: (redrawn[pid].columns() if pid in redrawn else None) for pid in dirty},
                           {aid: piece.columns() for aid, piece in new_pieces.items()},
                           _kept_state(profile, span, output_dir, self.articles))
        return result

    def _article_pieces(self, ids: set[str], cache: RunCache
                        ) -> tuple[dict[str, ArticleOutputs], list[ResolvedClaim], list[ResolvedFigure]]:
        """The pieces of these articles, from their claims as the store holds them now; and their claims that
        are not on whole countries, and their figures (for the GeoPackage)."""
        pieces, mapped, located = {}, [], []
        for aid in ids:
            entry = cache.stored[aid]
            order = {id(claim): n for n, claim in enumerate(entry.claims)}
            buckets = sorted(entry.buckets, key=lambda bucket: order[id(bucket[1].claim)])
            claims = [item for bucket, item in buckets if bucket != "country"]
            pieces[aid] = article_outputs(aid, claims, [item for bucket, item in buckets if bucket == "unresolved"],
                                          [item for bucket, item in buckets if bucket == "country"], entry.located,
                                          self.by_id)
            mapped.extend(claims)
            located.extend(entry.located)
        return pieces, mapped, located

    def _result(self, fmap, profile, places: list[PlaceOutputs], pieces: list[ArticleOutputs]) -> BuildResult:
        summary = Summary(places=[p.state for p in places], claims=sum(a.claims for a in pieces),
                          unresolved_names=[name for a in pieces for name in a.unresolved_names],
                          country_level=sum(a.country_level for a in pieces), figures=sum(a.figures for a in pieces))
        return BuildResult(map=fmap, articles=self.articles, problems=self.problems, profile=profile,
                           summary=summary, title=self.title)


def _files(details: Details, profile: Profile, articles: list[Article], title: str, offline: bool, write: bool = True):
    """(the map, every file's content, the places' pieces, the articles' pieces, the map's span of days), all
    made anew from everything mapped; without `write`, the map only (and no file's content)."""
    by_id = {a.id: a for a in articles}
    published = {k: v.published for k, v in by_id.items()}
    span = timed_span(place_days(a, published) for a in details.assessments)
    places = [place_outputs(a, by_id, profile, span is not None) for a in details.assessments]
    of: dict[str, dict[str, list]] = {name: {} for name in ("claims", "unresolved", "country", "figures")}
    for name, items in (("claims", details.claims), ("unresolved", details.unresolved),
                        ("country", details.country_level)):
        for item in items:
            of[name].setdefault(item.claim.article_id, []).append(item)
    for item in details.figures:
        of["figures"].setdefault(item.figure.article_id, []).append(item)
    pieces = [article_outputs(a.id, *(of[name].get(a.id, []) for name in ("claims", "unresolved", "country", "figures")),
                              by_id) for a in articles]
    if not write:
        return assemble_map([(p.state.place, p.spellings, p.map) for p in places], profile, span, title, offline), \
            {}, places, pieces, span
    fmap, texts = text_files(places, pieces, profile, span, title, offline)
    claim_rows, figure_rows = geopackage_rows(details.claims, details.figures, by_id)
    texts["claims.gpkg"] = geopackage([p.row for p in places], claim_rows, figure_rows,
                                      max((a.last_day for a in pieces), default=""))
    return fmap, texts, places, pieces, span


def write_outputs(result: BuildResult, output_dir: Path) -> list[Path]:
    """The files of a build's result, each written whole (temporary file, then rename); the map as drawn."""
    _, texts, _, _, _ = _files(result.details, result.profile, result.articles, result.title, False)
    texts["conflict_map.html"] = result.map.get_root().render()
    return _write(Path(output_dir), texts)


def _kept_state(profile: Profile, span, output_dir: Path, articles: list[Article]) -> dict:
    return {"fingerprint": outputs_fingerprint(profile), "timed": span is not None,
            "output": str(output_dir.resolve()), "geopackage": stat_key(output_dir / "claims.gpkg"),
            "order": [a.id for a in articles]}


def _from_store(store: str | Path | Store, articles: list[Article], profiles, gazetteer, gazetteer_paths, online
                ) -> Callable[[], Details]:
    """The claims of a build with a store, read from it when first asked for (the store opened again, unless
    the caller holds it open)."""
    def details() -> Details:
        open_already = isinstance(store, Store) and store.db is not None
        with nullcontext(store) if open_already else Store(store.path if isinstance(store, Store) else store) as db:
            # read only: an article changed since (in its file, or by a later build) is read again as this build
            # read it, for this result alone; the store is left as it is
            cache = RunCache(db, extraction_fingerprint(profiles or ()), resolution_fingerprint(gazetteer_paths, online),
                             read_only=True)
            available = bundled_profiles()
            forced = [load_profile(p, available) for p in profiles] if profiles else None
            run = _Run(articles, [], forced, available, "", False, lambda message: None)
            return run.read_everything(_Gazetteer(gazetteer, list(gazetteer_paths), online, lambda m: None, cache),
                                       cache)[0]
    return details


def _write(output_dir: Path, texts: dict[str, str | bytes]) -> list[Path]:
    """The files, each written whole (temporary file, then rename)."""
    written = []
    for name in OUTPUT_FILES:
        if name in texts:
            path = output_dir / name
            write_atomic(path, texts[name])
            written.append(path)
    return written


def record_build(store: Store, result: BuildResult, started: str, output_dir: str | Path, paths: list,
                 settings: dict) -> int:
    """Record a finished build in the store: its counts and the state of every place on its map."""
    summary = result.summary
    counts = {**result.store_counts, "claims": summary.claims, "places": len(summary.places),
              "contested": sum(a.status == "contested" for a in summary.places),
              "unresolved": len(summary.unresolved_names), "country_level": summary.country_level,
              "figures": summary.figures}
    places = [(a.place.id, a.place.name, a.controller, a.status, a.since) for a in summary.places]
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
