"""`conflictmap build --watch`: rebuild when article files change, by polling their sizes and times."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Callable, Iterable

from .articles import ARTICLE_SUFFIXES


def snapshot(paths: Iterable[str | Path]) -> dict[str, tuple[int, int]]:
    """(size, modification time) of every article file under the given files and folders."""
    found: dict[str, tuple[int, int]] = {}
    for raw in paths:
        path = Path(raw)
        files = [p for p in path.rglob("*") if p.suffix.lower() in ARTICLE_SUFFIXES
                                                and not p.name.startswith(".")] if path.is_dir() else [path]
        for file in files:
            try:
                stat = file.stat()
            except OSError:
                continue  # gone between listing and looking: the next look will say
            if path.is_dir() and not file.is_file():
                continue
            found[str(file)] = (stat.st_size, stat.st_mtime_ns)
    return found


def describe(before: dict[str, tuple[int, int]], after: dict[str, tuple[int, int]]) -> str:
    added = len(after.keys() - before.keys())
    removed = len(before.keys() - after.keys())
    changed = sum(1 for k in after.keys() & before.keys() if after[k] != before[k])
    parts = [f"{n} {what}" for n, what in ((added, "added"), (changed, "changed"), (removed, "removed")) if n]
    return ", ".join(parts) or "no change"


def watch(paths: list[str | Path], rebuild: Callable[[], int], *, interval: float = 1.0,
          say: Callable[[str], None] = print, stop: Callable[[], bool] = lambda: False,
          sleep: Callable[[float], None] = time.sleep) -> int:
    """Build, then rebuild whenever an article file under `paths` is added, changed or removed, until
    Ctrl-C (or `stop()` says so). A change is acted on once the files have stayed the same for one more
    look, so a file being written is not read half-way. Returns the last build's exit code."""
    interval = max(0.1, interval)
    code = rebuild()
    last = snapshot(paths)
    say(f"watching {', '.join(str(p) for p in paths)} for changes (every {interval:g} s); Ctrl-C stops")
    try:
        while not stop():
            sleep(interval)
            current = snapshot(paths)
            if current == last:
                continue
            sleep(min(interval, 0.5))
            settled = snapshot(paths)
            if settled != current:
                continue  # still being written: look again next time
            say(f"article files changed ({describe(last, settled)}); rebuilding")
            last = settled
            code = rebuild()
            say("watching for changes; Ctrl-C stops")
    except KeyboardInterrupt:
        say("stopped watching; the files already written are whole")
    return code
