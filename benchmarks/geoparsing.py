"""Toponym resolution on public news geoparsing corpora, gold toponyms given.

Reads the corpora from ../shared/bench/geoparsing/ (GPL-3.0 research data: read in place, never copied
into the project) and prints, per corpus, accuracy within 161, 25 and 10 km and the median error, for
conflictmap and for the systems whose outputs EUPEG published (CLAVIN, CamCoder, Edinburgh), each scored on
the toponyms it found, with conflictmap's figure on those same toponyms beside it.

    python benchmarks/geoparsing.py [--corpus LGL] [--limit 100] [--misses 20] [--classify]

--classify sorts the misses (> 161 km) by what would have had to change: the choice among the gazetteer's
own candidates, the representative point of a country or first-level area that was rightly chosen (the gold
uses GeoNames' point, the backbone another), or the backbone itself, which holds no candidate near the gold.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT.parent / "shared" / "bench" / "geoparsing"
sys.path.insert(0, str(ROOT))

from conflictmap.evaluate import distance_km  # noqa: E402
from conflictmap.geo.context import resolve_in_document  # noqa: E402
from conflictmap.geo.gazetteer import Gazetteer  # noqa: E402

PUBLISHED_161 = {"LGL": {"population baseline": 0.70, "CLAVIN": 0.71, "Edinburgh": 0.76, "CamCoder": 0.76,
                         "Mordecai 3 (own split)": 0.83},
                 "GeoVirus": {"population baseline": 0.80, "CLAVIN": 0.79, "Edinburgh": 0.78, "CamCoder": 0.82},
                 "TR-News": {"Mordecai 3 (own split)": 0.87},
                 "GeoWebNews": {"Mordecai 3 (own split)": 0.94}}
EUPEG_NAMES = {"LGL": "LGL", "GeoVirus": "GeoVirus", "TR-News": "TR-News", "GeoWebNews": "GeoWebNews"}


@dataclass
class Toponym:
    phrase: str
    start: int
    end: int
    lat: float
    lon: float


@dataclass
class Document:
    text: str
    toponyms: list[Toponym]


def _f(node, tag):
    found = node.find(tag)
    return found.text if found is not None and found.text is not None else ""


def read_lgl_style(path: Path) -> list[Document]:
    """LGL and TR-News: <article><text/><toponyms><toponym><start/><end/><phrase/><gaztag><lat/><lon/>."""
    docs = []
    for article in ET.parse(path).getroot().iter("article"):
        text = _f(article, "text")
        toponyms = []
        for top in article.iter("toponym"):
            tag = top.find("gaztag")
            if tag is None or not _f(tag, "lat"):
                continue
            start, phrase = int(_f(top, "start")), _f(top, "phrase")
            if text[start:start + len(phrase)] != phrase:  # TR-News offsets may be shifted by a few characters
                found = text.find(phrase, max(0, start - 10))
                start = found if found >= 0 else start
            toponyms.append(Toponym(phrase, start, start + len(phrase), float(_f(tag, "lat")), float(_f(tag, "lon"))))
        docs.append(Document(text, toponyms))
    return docs


def read_gwn(path: Path) -> list[Document]:
    """GeoWebNews: literal toponyms with coordinates; metonymic and demonym ones are not places to draw."""
    docs = []
    for article in ET.parse(path).getroot().iter("article"):
        text = _f(article, "text")
        toponyms = []
        for top in article.iter("toponym"):
            if not _f(top, "latitude") or top.get("nonLocational") == "true":
                continue
            kind = _f(top, "type")
            if kind in ("Demonym", "Metonymic", "Non_Toponym", "Non_Lit_Expression"):
                continue
            start, end = int(_f(top, "start")), int(_f(top, "end"))
            toponyms.append(Toponym(text[start:end], start, end, float(_f(top, "latitude")),
                                    float(_f(top, "longitude"))))
        docs.append(Document(text, toponyms))
    return docs


def read_geovirus(path: Path) -> list[Document]:
    docs = []
    for article in ET.parse(path).getroot().iter("article"):
        text = _f(article, "text")
        toponyms = []
        for loc in article.iter("location"):
            start, end = int(_f(loc, "start")) - 1, int(_f(loc, "end"))
            toponyms.append(Toponym(_f(loc, "name"), start, end, float(_f(loc, "lat")), float(_f(loc, "lon"))))
        docs.append(Document(text, toponyms))
    return docs


CORPORA = {"LGL": ("lgl.xml", read_lgl_style), "GeoWebNews": ("GWN.xml", read_gwn),
           "TR-News": ("TR-News.xml", read_lgl_style), "GeoVirus": ("GeoVirus.xml", read_geovirus)}


def eupeg_predictions(corpus: str, system: str) -> list[dict[tuple[int, int], tuple[float, float]]]:
    """Per document, the system's (start, end) → (lat, lon), as EUPEG published them."""
    path = BENCH / "eupeg_outputs" / f"{EUPEG_NAMES[corpus]}_{system}.txt"
    if not path.exists():
        return []
    docs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        found = {}
        for item in filter(None, line.split("||")):
            fields = item.split(",,")
            if len(fields) >= 6:
                try:
                    found[(int(fields[4]), int(fields[5]))] = (float(fields[2]), float(fields[3]))
                except ValueError:
                    continue
        docs.append(found)
    return docs


def summary(errors: list[float], total: int) -> str:
    if not total:
        return "no toponyms"
    within = lambda km: sum(e <= km for e in errors) / total  # noqa: E731  unresolved count as wrong
    median = statistics.median(errors + [20000.0] * (total - len(errors)))
    return (f"@161km {within(161):.3f}  @25km {within(25):.3f}  @10km {within(10):.3f}  "
            f"median {median:,.0f} km  (n={total}, resolved {len(errors)})")


def miss_class(top: Toponym, chosen, gazetteer: Gazetteer, gold_area: dict) -> str:
    """Why a toponym was missed (see the module docstring)."""
    near = [c for c in gazetteer.candidates(top.phrase, (), "", limit=300)
            if distance_km(top.lat, top.lon, c.place.lat, c.place.lon) <= 161]
    if chosen is not None and chosen.place.kind in ("country", "admin1") and \
            chosen.place.country == gold_area["cc"] and \
            (chosen.place.kind == "country" or chosen.place.admin1 == gold_area["admin1"]):
        return f"right {chosen.place.kind}, drawn at another point than the gold's"
    if near:
        return "wrong choice among the gazetteer's candidates" + ("" if chosen else " (none chosen)")
    return "no candidate near the gold: the backbone lacks it" + (" (unresolved)" if chosen is None else "")


def print_classes(missed: list, gazetteer: Gazetteer, total: int) -> None:
    import collections

    import reverse_geocoder

    if not missed:
        return
    areas = reverse_geocoder.search([(top.lat, top.lon) for top, _ in missed], mode=1, verbose=False)
    classes: dict[str, list[str]] = collections.defaultdict(list)
    for (top, chosen), area in zip(missed, areas):
        classes[miss_class(top, chosen, gazetteer, area)].append(top.phrase)
    print(f"  misses by cause ({len(missed)} of {total}):")
    for name, phrases in sorted(classes.items(), key=lambda item: -len(item[1])):
        common = ", ".join(f"{p} {n}" for p, n in collections.Counter(phrases).most_common(8))
        print(f"    {len(phrases):5d} ({len(phrases) / len(missed):.0%}) {name}: {common}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", action="append", choices=sorted(CORPORA))
    parser.add_argument("--limit", type=int, default=0, help="first N documents only")
    parser.add_argument("--misses", type=int, default=0, help="print N of conflictmap's worst errors")
    parser.add_argument("--classify", action="store_true", help="sort the misses by their cause (see above)")
    args = parser.parse_args()
    if not BENCH.exists():
        sys.exit(f"no corpora at {BENCH}")
    gazetteer = Gazetteer()
    for corpus in args.corpus or list(CORPORA):
        filename, reader = CORPORA[corpus]
        docs = reader(BENCH / filename)
        if args.limit:
            docs = docs[:args.limit]
        total = sum(len(d.toponyms) for d in docs)
        started = time.perf_counter()
        errors, misses, missed = [], [], []
        ours: dict[tuple[int, int], float | None] = {}  # (document, toponym) → error in km, None when unresolved
        for d, doc in enumerate(docs):
            best = resolve_in_document([t.phrase for t in doc.toponyms], gazetteer, text=doc.text)
            for i, (top, cand) in enumerate(zip(doc.toponyms, best)):
                if cand is None:
                    missed.append((top, None))
                    ours[(d, i)] = None
                    continue
                km = distance_km(top.lat, top.lon, cand.place.lat, cand.place.lon)
                ours[(d, i)] = km
                errors.append(km)
                if km > 161:
                    misses.append((km, top.phrase, cand.place.name, cand.place.country, cand.place.kind))
                    missed.append((top, cand))
        seconds = time.perf_counter() - started
        print(f"\n{corpus}: {len(docs)} documents, {total} gold toponyms, {seconds:.1f} s")
        print(f"  conflictmap        {summary(errors, total)}")
        for system in ("CLAVIN", "CamCoder", "Edinburgh"):
            predicted = eupeg_predictions(corpus, system)
            if not predicted:
                continue
            sys_errors, same = [], []
            for d, (doc, found) in enumerate(zip(docs, predicted)):
                for i, top in enumerate(doc.toponyms):
                    hit = found.get((top.start, top.end)) or found.get((top.start + 1, top.end))
                    if hit:
                        sys_errors.append(distance_km(top.lat, top.lon, *hit))
                        same.append(ours[(d, i)])
            # EUPEG ran each system end to end: it placed only the toponyms it also found. Scored on those, and
            # conflictmap on the same ones beside it.
            print(f"  {system:<18} {summary(sys_errors, len(sys_errors))}  (EUPEG output: on the toponyms it found)")
            if same:
                print(f"    conflictmap on those {summary([km for km in same if km is not None], len(same))}")
        for name, value in PUBLISHED_161.get(corpus, {}).items():
            print(f"  published @161km  {name}: {value:.2f}")
        if args.classify:
            print_classes(missed, gazetteer, total)
        if args.misses:
            misses.sort(reverse=True)
            for km, phrase, name, country, kind in misses[:args.misses]:
                print(f"    miss {km:8,.0f} km  {phrase!r} → {name} ({kind}, {country})")


if __name__ == "__main__":
    main()
