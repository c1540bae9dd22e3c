"""A build's files, made place by place and article by article.

Every file is joined from pieces: what each place adds to the map, the GeoJSON, the KML and the GeoPackage's
places layer (`PlaceOutputs`), and what each article adds to the CSV files (`ArticleOutputs`). A piece depends
only on its own place's (or article's) claims, their articles and the sides' labels and colours, so a rebuild
with a store remakes the pieces of what changed and joins them with the others as they were kept.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Iterable, Mapping

from .assess import as_day, changes_in, claim_day, figure_day, history
from .export import (CLAIM_COLUMNS, FIGURE_COLUMNS, UNRESOLVED_COLUMNS, KmlPiece, claim_record, claims_csv,
                     csv_header, embed_html, figure_record, figures_csv, geojson_feature, geojson_text, kml_piece,
                     kml_text, place_row, unresolved_csv)
from .model import Article, Assessment, Place, Precision, ResolvedClaim, ResolvedFigure
from .profiles import Profile
from .render.map import MapPiece, assemble_map, map_piece, place_days, popup_body, popup_html, spellings
from .render.svg import svg_map


@dataclass(frozen=True)
class PlaceOutputs:
    """What one place adds to each file."""

    state: Assessment              # its assessment, without its claims and figures
    spellings: tuple[str, ...]     # the other spellings the articles used for it
    days: tuple[str, str]          # the first and last day its history changes on ('' when undated)
    as_of: str                     # the latest day a claim about it carries
    map: MapPiece
    geojson: str
    kml: KmlPiece
    row: dict                      # its row in the GeoPackage's places layer

    @property
    def key(self) -> tuple[str, str]:
        return self.state.place.name, self.state.place.id  # the order of places in every file

    def columns(self) -> tuple[str, str, str, str]:
        """As text for the store: (facts as JSON, map piece, GeoJSON line, KML placemark)."""
        place = self.state.place
        facts = {"place": {**place.__dict__, "precision": place.precision.value},
                 "state": [self.state.controller, self.state.status, self.state.since, list(self.state.sides)],
                 "spellings": list(self.spellings), "days": list(self.days), "as_of": self.as_of,
                 "features": [[key, label] for key, label, _ in self.map.features],
                 "styles": [list(item) for item in self.map.styles], "sides": list(self.map.sides),
                 "rings": len(self.map.rings),
                 "kml": [self.kml.layer, self.kml.label, self.kml.style_id, list(self.kml.style)], "row": self.row}
        texts = "\n".join([self.map.popup, *(text for _, _, text in self.map.features), *self.map.rings])
        return json.dumps(facts, ensure_ascii=False), texts, self.geojson, self.kml.placemark

    @classmethod
    def from_columns(cls, facts: str, texts: str, geojson: str, placemark: str) -> "PlaceOutputs":
        data = json.loads(facts)
        place = Place(**{**data["place"], "precision": Precision(data["place"]["precision"])})
        controller, status, since, sides = data["state"]
        lines = texts.split("\n")  # JSON never holds a raw line break
        count = len(data["features"])
        features = tuple((key, label, text) for (key, label), text in zip(data["features"], lines[1:1 + count]))
        piece = MapPiece(place.id, lines[0], features, tuple(lines[1 + count:1 + count + data["rings"]]),
                         tuple((key, style) for key, style in data["styles"]), tuple(data["sides"]))
        layer, label, style_id, (colour, icon, scale) = data["kml"]
        return cls(Assessment(place=place, controller=controller, status=status, since=since, sides=tuple(sides)),
                   tuple(data["spellings"]), tuple(data["days"]), data["as_of"], piece, geojson,
                   KmlPiece(layer, label, style_id, (colour, icon, scale), placemark), data["row"])


def place_outputs(assessment: Assessment, articles: Mapping[str, Article], profile: Profile,
                  timed: bool) -> PlaceOutputs:
    """A place's pieces of every file; `timed`: whether the map has a time slider (see `timed_span`)."""
    published = {c.claim.article_id: articles[c.claim.article_id].published
                 for c in assessment.claims if c.claim.article_id in articles}
    published.update({f.figure.article_id: articles[f.figure.article_id].published
                      for f in assessment.figures if f.figure.article_id in articles})
    changes = changes_in(history(assessment.claims, published))
    body = popup_body(assessment, profile, articles, changes)
    state = Assessment(place=assessment.place, controller=assessment.controller, status=assessment.status,
                       since=assessment.since, sides=assessment.sides)
    return PlaceOutputs(
        state=state, spellings=spellings(assessment), days=place_days(assessment, published),
        as_of=max((as_day(c.claim.date) for c in assessment.claims), default=""),
        map=map_piece(assessment, profile, published, timed, body),
        geojson=geojson_feature(assessment, articles, profile, changes),
        kml=kml_piece(assessment, profile, popup_html(assessment, profile, body), changes),
        row=place_row(assessment, profile, changes))


@dataclass(frozen=True)
class ArticleOutputs:
    """What one article adds to the CSV files; and its counts, and the last day its located claims and figures
    are reported on (the GeoPackage's timestamp)."""

    article_id: str
    claims_csv: str
    figures_csv: str
    unresolved_csv: str
    last_day: str
    claims: int                          # claims mapped or not (not those on whole countries)
    unresolved_names: tuple[str, ...]    # the name as written of each claim no gazetteer placed
    country_level: int
    figures: int

    def columns(self) -> tuple:
        """For the store: (last day, the counts, the unresolved names as JSON, the three CSV pieces)."""
        return (self.last_day, self.claims, self.country_level, self.figures,
                json.dumps(self.unresolved_names, ensure_ascii=False), self.claims_csv, self.figures_csv,
                self.unresolved_csv)

    @classmethod
    def from_columns(cls, article_id: str, last_day: str, claims: int, country_level: int, figures: int, names: str,
                     claims_csv: str, figures_csv: str, unresolved_csv: str) -> "ArticleOutputs":
        return cls(article_id, claims_csv, figures_csv, unresolved_csv, last_day, claims,
                   tuple(json.loads(names)) if names != "[]" else (), country_level, figures)


def article_outputs(article_id: str, claims: list[ResolvedClaim], unresolved: list[ResolvedClaim],
                    country_level: list[ResolvedClaim], figures: list[ResolvedFigure],
                    articles: Mapping[str, Article]) -> ArticleOutputs:
    """An article's rows: `claims` every claim of it that is not about a whole country (resolved or not), in
    its order; `figures` its figures, wherever they were resolved."""
    published = {article_id: articles[article_id].published} if article_id in articles else {}
    days = {claim_day(c.claim, published) for c in claims if c.place is not None}
    days |= {figure_day(f.figure, published) for f in figures if f.place is not None}
    days.discard("")
    return ArticleOutputs(article_id, claims_csv(claims, articles, header=False),
                          figures_csv(figures, articles, header=False), unresolved_csv(unresolved, header=False),
                          max(days, default=""), len(claims), tuple(c.claim.place_as_written for c in unresolved),
                          len(country_level), len(figures))


def geopackage_rows(claims: Iterable[ResolvedClaim], figures: Iterable[ResolvedFigure],
                    articles: Mapping[str, Article]) -> tuple[list[dict], list[dict]]:
    """The rows of the GeoPackage's claims and figures layers: those located at a place."""
    return ([claim_record(c, articles) for c in claims if c.place is not None],
            [figure_record(f, articles) for f in figures if f.place is not None])


def text_files(places: list[PlaceOutputs], articles: list[ArticleOutputs], profile: Profile,
               span: tuple[str, str] | None, title: str, offline: bool):
    """(the folium Map, {file name: text, or texts to write one after the other}) of every text file, joined
    from the pieces (places in `key` order, articles in the order read)."""
    fmap = assemble_map([(p.state.place, p.spellings, p.map) for p in places], profile, span, title, offline)
    texts = {
        "conflict_map.html": fmap.get_root().render(),
        "embed.html": embed_html(title),
        "conflict_map.svg": svg_map([p.state for p in places], profile, title,
                                    max((p.as_of for p in places), default="")),
        "claims.geojson": geojson_text([p.geojson for p in places]),
        "claims.kml": kml_text([p.kml for p in places], title),
        "claims.csv": [csv_header(CLAIM_COLUMNS), *(a.claims_csv for a in articles)],
        "figures.csv": [csv_header(FIGURE_COLUMNS), *(a.figures_csv for a in articles)],
        "unresolved.csv": [csv_header(UNRESOLVED_COLUMNS), *(a.unresolved_csv for a in articles)],
    }
    return fmap, texts
