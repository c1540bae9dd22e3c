"""The whole pipeline: articles → claims → resolved places → assessments → map and files."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import folium

from .articles import Problem, load_articles
from .assess import assess
from .export import claims_csv, dumps_geojson, embed_html, figures_csv, geojson, unresolved_csv, write_atomic
from .extract import extract
from .geo.gazetteer import Gazetteer
from .model import Article, Assessment, Claim, Figure, ResolvedClaim, ResolvedFigure
from .profiles import Profile, bundled_profiles, load_profile, profile_for
from .render.map import render_map
from .resolve import resolve_claims, resolve_figures

OUTPUT_FILES = ("conflict_map.html", "embed.html", "claims.geojson", "claims.csv", "figures.csv", "unresolved.csv")


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

    def _repr_html_(self) -> str:
        return self.map._repr_html_()


def read_claims(articles: list[Article], profiles: list[Profile] | None = None,
                available: dict[str, Profile] | None = None) -> tuple[list[Claim], list[Figure], Profile]:
    """Claims and figures of every article, each read with the profile(s) its text calls for; and the
    profiles used, merged (for the map's sides and colours)."""
    available = bundled_profiles() if available is None else available
    claims: list[Claim] = []
    figures: list[Figure] = []
    used: dict[int, Profile] = {}
    for article in articles:
        profile = profile_for(article.text, available, profiles)
        found = extract(article, profile)
        claims.extend(found.claims)
        figures.extend(found.figures)
        used.setdefault(id(profile), profile)
    merged = profile_for("", available, profiles)
    for profile in used.values():
        merged = profile.merged(merged)
    return claims, figures, merged


def build(paths: Iterable[str | Path] = ("seeds",), output_dir: str | Path | None = None, *,
          profiles: list[str] | None = None, gazetteer: Gazetteer | None = None,
          gazetteer_paths: Iterable[str | Path] = (), title: str = "conflictmap", online=None,
          offline: bool = False, progress: Callable[[str], None] | None = None) -> BuildResult:
    """Read the articles under `paths` and map their claims; write the files when `output_dir` is given.
    `offline`: the map inlines every script and style and draws no tiles, so it opens with no network."""
    say = progress or (lambda message: None)
    available = bundled_profiles()
    forced = [load_profile(p, available) for p in profiles] if profiles else None
    articles, problems = load_articles(paths)
    say(f"read {len(articles)} article(s)" + (f", {len(problems)} notice(s)" if problems else ""))
    claims, figures, profile = read_claims(articles, forced, available)
    say(f"found {len(claims)} claim(s) and {len(figures)} casualty or displacement figure(s)")
    if gazetteer is None:
        gazetteer = Gazetteer(gazetteer_paths, online=online, progress=say)
    for message in gazetteer.problems:
        problems.append(Problem("gazetteer", message, fatal=False))
    resolution = resolve_claims(claims, gazetteer)
    say(f"resolved {len(resolution.resolved)} claim(s) to places; {len(resolution.unresolved)} name(s) unresolved")
    located_figures = resolve_figures(figures, gazetteer)
    assessments = assess(resolution.resolved, located_figures)
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
    if output_dir is not None:
        result.written = write_outputs(result, Path(output_dir))
        say(f"wrote {', '.join(str(p) for p in result.written)}")
    return result


def write_outputs(result: BuildResult, output_dir: Path) -> list[Path]:
    """The map and its files, each written whole (temporary file, then rename)."""
    by_id = {a.id: a for a in result.articles}
    contents = {
        "claims.geojson": dumps_geojson(geojson(result.assessments, by_id, result.profile)),
        "claims.csv": claims_csv(result.claims, by_id),
        "unresolved.csv": unresolved_csv(result.unresolved),
        "figures.csv": figures_csv(result.figures, by_id),
        "conflict_map.html": result.map.get_root().render(),
        "embed.html": embed_html(result.title),
    }
    written = []
    for name in OUTPUT_FILES:
        path = output_dir / name
        write_atomic(path, contents[name])
        written.append(path)
    return written

