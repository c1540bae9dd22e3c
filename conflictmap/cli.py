"""Command line: argument parsing only; everything else is the library's."""
from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import Counter
from pathlib import Path

from . import __version__
from .build import NothingToRead, build
from .export import CLAIM_COLUMNS, claim_record
from .geo.gazetteer import Gazetteer
from .store import DEFAULT_WAIT, Store, StoreError, default_path

EXIT_OK, EXIT_PARTIAL, EXIT_NOTHING = 0, 1, 2
EXIT_STORE = 3  # the store could not be used (another run holds it, or the file is not a store): nothing changed


def _progress(message: str) -> None:
    print(f"conflictmap: {message}", file=sys.stderr)


def _report_problems(problems) -> None:
    for problem in problems:
        print(f"conflictmap: {'skipped' if problem.fatal else 'note'}: {problem}", file=sys.stderr)


def _failure(err: Exception) -> int:
    """The message and exit code for an error a command cannot go on from."""
    if isinstance(err, NothingToRead):
        _report_problems(err.problems)
    print(f"conflictmap: {err}", file=sys.stderr)
    return EXIT_STORE if isinstance(err, StoreError) else EXIT_NOTHING


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


def _store_path(args) -> Path | None:
    if getattr(args, "no_store", False):
        return None
    return Path(args.store) if getattr(args, "store", None) else default_path(args.output)


def cmd_build(args) -> int:
    if getattr(args, "watch", False):
        from .watch import watch

        say = (lambda message: None) if args.quiet else _progress
        return watch(args.paths or ["seeds"], lambda: _build_once(args), interval=args.interval, say=say)
    return _build_once(args)


def _build_once(args) -> int:
    paths = args.paths or ["seeds"]
    try:
        result = build(paths, args.output, profiles=args.profile, gazetteer_paths=args.gazetteer or (),
                       title=args.title, online=_online(args), offline=args.offline,
                       progress=None if args.quiet else _progress, store=_store_path(args), wait=args.wait)
    except (StoreError, NothingToRead, ValueError) as err:  # ValueError: a bad --profile or --online
        return _failure(err)
    _report_problems(result.problems)
    if result.summary.unresolved_names:
        counts = Counter(result.summary.unresolved_names)
        listed = ", ".join(f"{name} ({n})" for name, n in sorted(counts.items()))
        print(f"conflictmap: {len(counts)} place name(s) not in any gazetteer: {listed} — "
              f"see {Path(args.output) / 'unresolved.csv'}; add them to a file in gazetteer/", file=sys.stderr)
    if not args.quiet:
        print(f"conflictmap: {len(result.summary.places)} place(s) on the map: "
              f"{Path(args.output) / 'conflict_map.html'}", file=sys.stderr)
    return _exit_code(result.articles, result.problems)


def cmd_add(args) -> int:
    from .build import add

    store = Path(args.store) if args.store else default_path(args.output)
    try:
        result = add(args.files, store, profiles=args.profile, progress=None if args.quiet else _progress,
                     wait=args.wait)
    except (StoreError, ValueError) as err:
        return _failure(err)
    _report_problems(result.problems)
    print(f"conflictmap: stored {len(result.added)} new or changed article(s) with {result.claims} claim(s) in "
          f"{store}; {len(result.articles) - len(result.added)} already there. The map is redrawn by the next "
          f"`conflictmap build`; `conflictmap changes` shows what they change.", file=sys.stderr)
    return _exit_code(result.articles, result.problems)


def cmd_changes(args) -> int:
    from .build import store_state
    from .changes import compare, markdown, parse_since, text
    from .export import write_atomic

    store_path = Path(args.store) if args.store else default_path(args.output)
    if not store_path.exists():
        print(f"conflictmap: no store at {store_path}: run `conflictmap build` first (or give --store)",
              file=sys.stderr)
        return EXIT_NOTHING
    try:
        since = parse_since(args.since) if args.since else None
        with Store(store_path, wait=args.wait) as store:
            state = store_state(store, profiles=args.profile, gazetteer_paths=args.gazetteer,
                                online=_online(args), progress=None if args.quiet else _progress)
            changes = compare(store, state.assessments, state.resolved, state.claims, since)
    except (StoreError, ValueError) as err:
        return _failure(err)
    report = Path(args.output) / "changes.md"
    write_atomic(report, markdown(changes, state.profile))
    sys.stdout.write(text(changes, state.profile, limit=args.limit))
    print(f"conflictmap: wrote {report}", file=sys.stderr)
    return EXIT_OK


def cmd_claims(args) -> int:
    try:
        result = build(args.paths, profiles=args.profile, gazetteer_paths=args.gazetteer or (), progress=None)
    except (NothingToRead, ValueError) as err:
        return _failure(err)
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
        every = read_gold(args.gold)
        gold = [g for g in every if g.get("required", True) or args.all]
        optional = [g for g in every if g not in gold]  # found, they are right; missed, they are not counted
    except (OSError, ValueError) as err:
        print(f"conflictmap: {err}", file=sys.stderr)
        return EXIT_NOTHING
    try:
        result = build(args.paths, profiles=args.profile, gazetteer_paths=args.gazetteer or (), progress=None)
    except NothingToRead as err:
        return _failure(err)
    _report_problems([p for p in result.problems if p.fatal])
    by_id = {a.id: a for a in result.articles}
    found = [claim_record(item, by_id) for item in result.claims]
    s = score(gold, found, result.profile, optional)
    print(f"claims   precision {s.precision:.3f}  recall {s.recall:.3f}  F1 {s.f1:.3f}  "
          f"(gold {s.gold}, found {s.found}, matched {s.matched_gold})")
    print(f"sources  accuracy {s.source_accuracy:.3f}  ({s.sources_right} of {s.matched_gold} matched claims)")
    if args.show_errors:
        found_errors = errors(gold, found, result.profile, optional)
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

    def store(sub):
        sub.add_argument("--store", metavar="PATH",
                         help="the store of articles, claims and resolutions (default: OUTPUT/conflictmap.sqlite)")
        sub.add_argument("--wait", type=float, default=DEFAULT_WAIT, metavar="SECONDS",
                         help=f"how long to wait for another run using the store before giving up ({DEFAULT_WAIT:g})")

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
    store(b)
    b.add_argument("--no-store", action="store_true",
                   help="read every article again and keep nothing (the same map, more slowly)")
    b.add_argument("--watch", action="store_true",
                   help="after building, rebuild whenever an article file under the paths is added, changed or "
                        "removed; Ctrl-C stops")
    b.add_argument("--interval", type=float, default=1.0, metavar="SECONDS",
                   help="with --watch: how often to look at the files (1)")
    b.set_defaults(run=cmd_build)

    ad = commands.add_parser("add", help="store articles and their claims without redrawing the map")
    ad.add_argument("files", nargs="+", help="article files or folders")
    ad.add_argument("-o", "--output", default="output", help="the output folder whose store to use (output/)")
    ad.add_argument("--profile", action="append", metavar="NAME|FILE",
                    help="read with this profile (default: the last build's, else chosen from the text)")
    ad.add_argument("-q", "--quiet", action="store_true", help="no progress messages")
    store(ad)
    ad.set_defaults(run=cmd_add)

    ch = commands.add_parser("changes", help="what changed since a build: new claims, places that changed "
                                             "hands, new contested places; also written to changes.md")
    ch.add_argument("--since", metavar="DATE|BUILD",
                    help="a build number, or a date (YYYY-MM-DD, UTC): compare with the last build before it. "
                         "Default: the last build, or, when nothing has changed since, the one before it")
    ch.add_argument("-o", "--output", default="output", help="the output folder: its store, and where "
                                                             "changes.md is written (output/)")
    ch.add_argument("--limit", type=int, default=20, help="items listed per section on the terminal (20); "
                                                          "changes.md lists all")
    ch.add_argument("-q", "--quiet", action="store_true", help="no progress messages")
    common(ch)
    online(ch)
    store(ch)
    ch.set_defaults(run=cmd_changes)

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
