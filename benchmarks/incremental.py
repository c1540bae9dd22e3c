"""Incremental builds: the full build of N generated articles into a new store, then the rebuild after one
more article is added (in this process, and as a new `conflictmap build` command). The generated articles are
dated a day back (a corpus collected over days); the added ones are written just before the rebuild.

Articles are generated as in benchmarks/extract.py, from the sentences of the test corpora, and written as
files with a header. Targets (issue 6): the rebuild under 2 s and under 5% of the full build.

    python benchmarks/incremental.py [--count 10000] [--fresh]

--fresh also builds the same articles without a store and checks that the files are the same (the GeoPackage by
content: a rebuild changes it in place).
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from extract import corpus_sentences, generate  # noqa: E402

from conflictmap.build import OUTPUT_FILES, build  # noqa: E402
from conflictmap.export import geopackage_content  # noqa: E402


def write_articles(folder: Path, count: int, sentences, seed: int = 7, start: int = 0, age: float = 0.0) -> None:
    """Generated articles as files; `age`: their modification time that many seconds back (a corpus collected
    over days, not written a moment before the build reads it)."""
    folder.mkdir(parents=True, exist_ok=True)
    then = time.time() - age
    for number, article in enumerate(generate(count, sentences, seed=seed)):
        n = start + number
        path = folder / f"{n:05d}.txt"
        path.write_text(f"---\ntitle: Generated article {n}\npublished: 2024-{1 + n % 12:02d}-"
                        f"{1 + n % 28:02d}\n---\n{article.text}\n", encoding="utf-8")
        if age:
            os.utime(path, (then, then))


class Timeline:
    """Progress messages with the time each arrived, to say where a build spends its time."""

    def __init__(self) -> None:
        self.start = time.perf_counter()
        self.marks: list[tuple[float, str]] = []

    def __call__(self, message: str) -> None:
        if "so far" not in message:
            self.marks.append((time.perf_counter() - self.start, message))

    def show(self) -> None:
        last = 0.0
        for at, message in self.marks:
            print(f"    {at:7.2f} s  (+{at - last:5.2f})  {message[:110]}")
            last = at


def timed_build(articles: Path, out: Path, store: Path | None, label: str) -> tuple[float, object]:
    timeline = Timeline()
    started = time.perf_counter()
    result = build([articles], out, store=store, progress=timeline)
    seconds = time.perf_counter() - started
    print(f"{label}: {seconds:.2f} s")
    timeline.show()
    return seconds, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=10000)
    parser.add_argument("--fresh", action="store_true", help="also build without a store and compare the files")
    parser.add_argument("--keep", action="store_true", help="keep the generated articles, store and outputs")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="conflictmap-incremental-"))
    articles, out = work / "articles", work / "out"
    store = out / "conflictmap.sqlite"
    sentences = corpus_sentences()
    write_articles(articles, args.count, sentences, age=86_400)
    size = sum(p.stat().st_size for p in articles.iterdir())
    print(f"{args.count:,} generated articles, {size / 1e6:.1f} MB, in {articles}")

    full, result = timed_build(articles, out, store, "full build into a new store")
    print(f"    {len(result.claims):,} claims, {len(result.assessments):,} places; store "
          f"{store.stat().st_size / 1e6:.1f} MB; map {(out / 'conflict_map.html').stat().st_size / 1e6:.1f} MB")

    write_articles(articles, 1, sentences, seed=1001, start=args.count)
    again, result = timed_build(articles, out, store, "rebuild after adding one article (in this process)")
    assert result.store_counts["extracted"] == 1, result.store_counts

    write_articles(articles, 1, sentences, seed=1002, start=args.count + 1)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "conflictmap", "build", str(articles), "-o", str(out), "-q"],
                   stderr=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(ROOT)})
    command = time.perf_counter() - started
    print(f"rebuild after adding one article (a new `conflictmap build` command, start-up included): "
          f"{command:.2f} s")

    print()
    print(f"full build: {full:.1f} s for {args.count:,} articles")
    for label, seconds in (("in process", again), ("as a command", command)):
        print(f"rebuild after adding one article, {label}: {seconds:.2f} s = {100 * seconds / full:.1f}% of the "
              f"full build  (targets: < 2 s: {'met' if seconds < 2 else 'not met'}; < 5%: "
              f"{'met' if seconds < 0.05 * full else 'not met'})")

    if args.fresh:
        seconds, _ = timed_build(articles, work / "fresh", None, "full build without a store")
        same = all((out / name).read_bytes() == (work / "fresh" / name).read_bytes()
                   for name in OUTPUT_FILES if name != "claims.gpkg")
        rows = geopackage_content(out / "claims.gpkg") == geopackage_content(work / "fresh" / "claims.gpkg")
        print(f"files identical to the incremental build's: {same}; the GeoPackage (changed in place by the "
              f"rebuilds) holds the same rows, extent and index: {rows}")
    if args.keep:
        print(f"kept {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
