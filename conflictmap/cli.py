"""Command line: argument parsing only; everything else is the library's."""
from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import Counter
from pathlib import Path

from . import __version__
from .build import build
from .export import CLAIM_COLUMNS, claim_record
from .geo.gazetteer import Gazetteer

EXIT_OK, EXIT_PARTIAL, EXIT_NOTHING = 0, 1, 2


def _progress(message: str) -> None:
    print(f"conflictmap: {message}", file=sys.stderr)


def _report_problems(problems) -> None:
    for problem in problems:
        print(f"conflictmap: {'skipped' if problem.fatal else 'note'}: {problem}", file=sys.stderr)


def _exit_code(articles, problems) -> int:
    if not articles:
        return EXIT_NOTHING
    return EXIT_PARTIAL if any(p.fatal for p in problems) else EXIT_OK


def _online(args):
    """The online geocoder the user asked for with --online, or None."""
    if not getattr(args, "online", None):
        return None
    from .geo.online import OnlineGeocoder

    return OnlineGeocoder.from_settings(args.online, args.user_agent or "", args.online_domain or "",
                                        args.online_delay)


def cmd_build(args) -> int:
    paths = args.paths or ["seeds"]
    try:
        result = build(paths, args.output, profiles=args.profile, gazetteer_paths=args.gazetteer or (),
                       title=args.title, online=_online(args), offline=args.offline,
                       progress=None if args.quiet else _progress)
    except ValueError as err:  # a bad --profile or --online
        print(f"conflictmap: {err}", file=sys.stderr)
        return EXIT_NOTHING
    _report_problems(result.problems)
    if result.unresolved:
        counts = Counter(item.claim.place_as_written for item in result.unresolved)
        listed = ", ".join(f"{name} ({n})" for name, n in sorted(counts.items()))
        print(f"conflictmap: {len(counts)} place name(s) not in any gazetteer: {listed} — "
              f"see {Path(args.output) / 'unresolved.csv'}; add them to a file in gazetteer/", file=sys.stderr)
    if not args.quiet:
        print(f"conflictmap: {len(result.assessments)} place(s) on the map: "
              f"{Path(args.output) / 'conflict_map.html'}", file=sys.stderr)
    return _exit_code(result.articles, result.problems)


def cmd_claims(args) -> int:
    try:
        result = build(args.paths, profiles=args.profile, gazetteer_paths=args.gazetteer or (), progress=None)
    except ValueError as err:
        print(f"conflictmap: {err}", file=sys.stderr)
        return EXIT_NOTHING
    _report_problems(result.problems)
    by_id = {a.id: a for a in result.articles}
    out = sys.stdout
    if args.format == "jsonl":
        for item in result.claims:
            out.write(json.dumps(claim_record(item, by_id), ensure_ascii=False) + "\n")
    else:
        writer = csv.DictWriter(out, fieldnames=CLAIM_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for item in result.claims:
            writer.writerow(claim_record(item, by_id))
    return _exit_code(result.articles, result.problems)


def cmd_lookup(args) -> int:
    try:
        gazetteer = Gazetteer(args.gazetteer or (), online=_online(args), progress=_progress)
    except ValueError as err:
        print(f"conflictmap: {err}", file=sys.stderr)
        return EXIT_NOTHING
    countries = [c.strip().upper() for c in (args.country or "").split(",") if c.strip()]
    found = gazetteer.candidates(args.name, countries, args.kind or "", limit=args.limit)
    if args.format == "json":
        print(json.dumps([{"name": c.place.name, "lat": c.place.lat, "lon": c.place.lon, "kind": c.place.kind,
                           "country": c.place.country, "admin1": c.place.admin1, "source": c.place.source,
                           "precision": c.place.precision.value, "score": c.score, "match": c.match,
                           "reasons": list(c.reasons), "id": c.place.id} for c in found], ensure_ascii=False,
                         indent=1))
        return EXIT_OK if found else EXIT_PARTIAL
    if not found:
        print(f"no place matches {args.name!r}", file=sys.stderr)
        return EXIT_PARTIAL
    for rank, c in enumerate(found, start=1):
        print(f"{rank:2}. {c.place.name} ({c.place.kind}, {c.place.country}) {c.place.lat:.5f}, {c.place.lon:.5f}"
              f"  [{c.place.source}, score {c.score:.2f}]")
        if args.explain and (rank == 1 or args.explain > 1):
            for reason in c.reasons:
                print(f"      - {reason}")
    return EXIT_OK


def cmd_evaluate(args) -> int:
    from .evaluate import errors, read_gold, score

    try:
        gold = [g for g in read_gold(args.gold) if g.get("required", True) or args.all]
    except (OSError, ValueError) as err:
        print(f"conflictmap: {err}", file=sys.stderr)
        return EXIT_NOTHING
    result = build(args.paths, profiles=args.profile, gazetteer_paths=args.gazetteer or (), progress=None)
    _report_problems([p for p in result.problems if p.fatal])
    by_id = {a.id: a for a in result.articles}
    found = [claim_record(item, by_id) for item in result.claims]
    s = score(gold, found, result.profile)
    print(f"claims   precision {s.precision:.3f}  recall {s.recall:.3f}  F1 {s.f1:.3f}  "
          f"(gold {s.gold}, found {s.found}, matched {s.matched_gold})")
    print(f"sources  accuracy {s.source_accuracy:.3f}  ({s.sources_right} of {s.matched_gold} matched claims)")
    if args.show_errors:
        found_errors = errors(gold, found, result.profile)
        for g in found_errors.missed:
            print(f"missed   {g['article']}: {g['side']} {g['status']} {g['place']} per {g['source']!r}: {g['quote']!r}")
        for f in found_errors.extra:
            print(f"extra    {f['article']}: {f['side']} {f['status']} {f['place']} ({f['place_as_written']}) "
                  f"per {f['source']!r}: {f['quote']!r}")
        for g, same in found_errors.wrong_source:
            print(f"source   {g['article']}: {g['place']} per {g['source']!r}, found per "
                  f"{sorted({f['source'] for f in same})}: {g['quote']!r}")
    return EXIT_OK


def cmd_gazetteer_import(args) -> int:
    from .geo.imported import GeoNamesFormatError, import_dump

    try:
        target, count, problems = import_dump(args.file, args.alternate_names, args.min_population, _progress)
    except (OSError, GeoNamesFormatError) as err:
        print(f"conflictmap: {err}", file=sys.stderr)
        return EXIT_NOTHING
    for problem in problems[:20]:
        print(f"conflictmap: note: {problem}", file=sys.stderr)
    if len(problems) > 20:
        print(f"conflictmap: … and {len(problems) - 20} more lines skipped", file=sys.stderr)
    print(f"conflictmap: imported {count:,} places into {target}; every build and lookup now uses them",
          file=sys.stderr)
    return EXIT_PARTIAL if problems else EXIT_OK


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="conflictmap",
                                  description="Map who holds, took, contests or left which places, from news articles.")
    top.add_argument("--version", action="version", version=f"conflictmap {__version__}")
    commands = top.add_subparsers(dest="command", required=True)

    def online(sub):
        sub.add_argument("--online", metavar="SERVICE",
                         help="ask this geopy geocoder (nominatim, photon, ...) for names nothing offline knows; "
                              "off by default; answers are cached so later runs stay offline")
        sub.add_argument("--user-agent", help="your project's name and contact, sent to the online geocoder")
        sub.add_argument("--online-domain", help="your own geocoder endpoint, e.g. nominatim.example.org")
        sub.add_argument("--online-delay", type=float, default=1.0, help="seconds between online requests (1)")

    def common(sub):
        sub.add_argument("--profile", action="append", metavar="NAME|FILE",
                         help="read every article with this conflict profile (repeatable); default: chosen from the text")
        sub.add_argument("--gazetteer", action="append", metavar="PATH",
                         help="an extra curated gazetteer CSV/TSV file or folder (repeatable)")

    b = commands.add_parser("build", help="read articles and write the map and its files")
    b.add_argument("paths", nargs="*", help="article files or folders (default: seeds/)")
    b.add_argument("-o", "--output", default="output", help="output folder (default: output/)")
    b.add_argument("--title", default="conflictmap", help="title shown in the map's legend")
    b.add_argument("-q", "--quiet", action="store_true", help="no progress messages")
    b.add_argument("--offline", action="store_true",
                   help="one self-contained conflict_map.html: Leaflet and every script and style inlined, no "
                        "request to any server; no background tiles (a plain background with a graticule)")
    common(b)
    online(b)
    b.set_defaults(run=cmd_build)

    c = commands.add_parser("claims", help="print the claims found in articles")
    c.add_argument("paths", nargs="+")
    c.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
    common(c)
    c.set_defaults(run=cmd_claims)

    ev = commands.add_parser("evaluate", help="score extracted claims against gold annotations (JSON lines)")
    ev.add_argument("gold", help="gold claims, one JSON object per line (see tests/data/gold/README.md)")
    ev.add_argument("paths", nargs="+", help="the articles the gold annotates")
    ev.add_argument("--all", action="store_true", help="count claims marked required: false too")
    ev.add_argument("--show-errors", action="store_true",
                    help="list the gold claims missed and the claims found that no gold claim matches")
    common(ev)
    ev.set_defaults(run=cmd_evaluate)

    gz = commands.add_parser("gazetteer", help="manage place data")
    gz_commands = gz.add_subparsers(dest="gazetteer_command", required=True)
    imp = gz_commands.add_parser("import", help="import a GeoNames dump (SY.txt, allCountries.txt) for offline use")
    imp.add_argument("file", help="a GeoNames tab-separated file")
    imp.add_argument("--alternate-names", metavar="FILE", help="GeoNames alternateNames.txt for more spellings")
    imp.add_argument("--min-population", type=int, default=0, help="leave out populated places smaller than this")
    imp.set_defaults(run=cmd_gazetteer_import)

    lk = commands.add_parser("lookup", help="look a place name up in the gazetteer")
    lk.add_argument("name")
    lk.add_argument("--country", help="country code(s) the text is about, e.g. SY or SY,TR")
    lk.add_argument("--kind", help="kind the text suggests: admin1, airport, settlement, ...")
    lk.add_argument("--explain", action="count", default=0, help="say why the best candidate won (twice: all)")
    lk.add_argument("--format", choices=("text", "json"), default="text")
    lk.add_argument("--limit", type=int, default=5)
    lk.add_argument("--gazetteer", action="append", metavar="PATH")
    online(lk)
    lk.set_defaults(run=cmd_lookup)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except KeyboardInterrupt:
        print("conflictmap: interrupted; files already written are whole", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
