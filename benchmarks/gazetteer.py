"""Gazetteer figures: cold index load, exact and loose lookups per second, peak memory.

    python benchmarks/gazetteer.py            # uses the compiled backbone in the cache (compiles it if absent)
"""
from __future__ import annotations

import random
import resource
import statistics
import subprocess
import sys
import time

COLD_LOAD = ("import time; t = time.perf_counter(); from conflictmap.geo.gazetteer import Gazetteer; "
             "g = Gazetteer(); g.lookup('Aleppo', ['SY']); print(time.perf_counter() - t)")


def main() -> None:
    from conflictmap.geo.gazetteer import Gazetteer

    Gazetteer()  # make sure the backbone is compiled before timing a cold start
    loads = [float(subprocess.run([sys.executable, "-c", COLD_LOAD], capture_output=True, text=True,
                                  check=True).stdout) for _ in range(5)]
    print(f"cold load + first lookup (new process, median of 5): {statistics.median(loads):.3f} s  (target < 0.5 s)")

    gazetteer = Gazetteer()
    # distinct names: one asked twice would be answered from memory (cities share names: "San José", ...)
    names = list(dict.fromkeys(row[0] for row in gazetteer._dbs[0].execute(
        "SELECT name FROM places WHERE kind='city' ORDER BY population DESC LIMIT 20000")))
    random.seed(7)
    sample = random.sample(names, 5000)
    start = time.perf_counter()
    for name in sample:
        gazetteer.candidates(name, limit=5)
    exact = len(sample) / (time.perf_counter() - start)
    print(f"exact lookups, distinct names, no cache: {exact:,.0f} per second  (target > 100,000)")

    start = time.perf_counter()
    for _ in range(20):
        for name in sample:
            gazetteer.candidates(name, limit=5)
    print(f"exact lookups, names already asked (as in a corpus: Aleppo, Aleppo, ...): "
          f"{20 * len(sample) / (time.perf_counter() - start):,.0f} per second")

    variants = [name.replace("a", "e", 1).replace("ou", "u") for name in sample[:2000]]
    start = time.perf_counter()
    for name in variants:
        gazetteer.candidates(name, ["SY", "UA", "SD"], limit=5)
    print(f"loose (skeleton) lookups within a region: {len(variants) / (time.perf_counter() - start):,.0f} per second")

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of this process (whole backbone open): {peak:,.0f} MB  (target < 300 MB)")


if __name__ == "__main__":
    main()
