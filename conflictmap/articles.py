"""Reading article files: header block, encodings, content ids and bad-input reports."""
from __future__ import annotations

import hashlib
import os
import re
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Iterable, Iterator, Protocol

from .model import Article

ARTICLE_SUFFIXES = (".txt", ".md")
# A folder's own notes, skipped when a folder is read (a file named on the command line is always read).
NOT_ARTICLES = re.compile(r"(?:README|LICEN[CS]E|CHANGELOG|CHANGES|CONTRIBUTING|NOTES)$", re.I)
MAX_BYTES = 10 * 1024 * 1024
KNOWN_KEYS = ("title", "outlet", "url", "published")
_KEY_LINE = re.compile(r"^([A-Za-z][\w -]{0,40}):\s*(.*)$")


@dataclass(frozen=True)
class Problem:
    """A file that could not be read, or was read with a caveat."""

    path: str
    message: str
    fatal: bool = True  # False: the article was still loaded

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


def find_article_files(paths: Iterable[str | Path]) -> tuple[list[Path], list[Problem]]:
    """Article files under the given files and directories (recursively), sorted."""
    found: list[Path] = []
    problems: list[Problem] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for p in _files_under(path):
                if p.suffix.lower() not in ARTICLE_SUFFIXES or p.name.startswith("."):
                    continue
                if NOT_ARTICLES.match(p.stem):
                    problems.append(Problem(str(p), "a folder's notes, not an article: skipped (name a file "
                                                    "on the command line to read it anyway)", fatal=False))
                    continue
                found.append(p)
        elif path.is_file():
            found.append(path)
        else:
            problems.append(Problem(str(path), "no such file or directory"))
    return found, problems


def _files_under(folder: Path) -> list[Path]:
    """The files in a folder and its subfolders (those that can be listed; a link to a folder is not followed,
    so a link back up cannot loop), sorted as paths."""
    found: list[Path] = []
    folders = [str(folder)]
    while folders:
        try:
            with os.scandir(folders.pop()) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        folders.append(entry.path)
                    elif entry.is_file():
                        found.append(Path(entry.path))
        except OSError:  # a folder that cannot be listed is passed over
            continue
    return sorted(found, key=lambda path: path.parts)  # as paths sort (part by part), without their slow comparison


def decode(data: bytes) -> tuple[str, str]:
    """Text of the bytes and a note ('' when plain UTF-8). Raises ValueError for binary data."""
    if b"\x00" in data[:8192]:
        raise ValueError("looks binary (contains NUL bytes), not an article")
    try:
        return data.decode("utf-8-sig"), ""
    except UnicodeDecodeError:
        pass
    # Arabic text from older Windows systems; accept it only if it reads as Arabic.
    try:
        text = data.decode("cp1256")
        if sum("\u0600" <= ch <= "\u06ff" for ch in text) > len(text) * 0.2:
            return text, "not UTF-8; decoded as Windows-1256 (Arabic)"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "not UTF-8; decoded as Windows-1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "not UTF-8; decoded as Latin-1"


def content_id(text: str) -> str:
    """Stable id of an article: a hash of its normalised text, so renamed copies share it."""
    normal = "\n".join(line.rstrip() for line in text.strip().splitlines())
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()[:16]


def parse_header(text: str) -> tuple[dict[str, str], int, str]:
    """Header fields, the offset where the body starts, and a problem message ('' if none)."""
    if not text.startswith("---"):
        return {}, 0, ""
    first_end = text.find("\n")
    if first_end < 0 or text[:first_end].strip() != "---":
        return {}, 0, ""
    fields: dict[str, str] = {}
    pos = first_end + 1
    while pos < len(text):
        end = text.find("\n", pos)
        line_end = len(text) if end < 0 else end
        line = text[pos:line_end].rstrip("\r")
        next_pos = line_end + 1
        if line.strip() == "---":
            return fields, min(next_pos, len(text)), ""
        if line.strip():
            match = _KEY_LINE.match(line)
            if not match:
                return {}, 0, f"malformed header line {line[:60]!r}; header ignored, whole file read as text"
            fields[match.group(1).strip().lower()] = match.group(2).strip().strip('"').strip("'")
        pos = next_pos
    return {}, 0, "header block opened with '---' but never closed; whole file read as text"


def normalise_date(value: str) -> str:
    """ISO date (YYYY-MM-DD) from a header value, or '' when it is not a date."""
    match = re.match(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})", value)
    if not match:
        return ""
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3))).isoformat()
    except ValueError:
        return ""


def headline(text: str, start: int) -> str:
    """A short first line that reads like a headline, or ''."""
    body = text[start:].lstrip("\n")
    first, _, rest = body.partition("\n")
    first = first.strip()
    if not first or not rest.strip():
        return ""
    words = first.split()
    if len(words) > 20 or len(first) > 160 or first.endswith((".", ":", ",", ";")):
        return ""
    capitalised = sum(w[:1].isupper() for w in words)
    return first if capitalised >= max(1, len(words) // 3) else ""


def read_article(path: Path) -> tuple[Article | None, list[Problem]]:
    """Read one file into an Article, with the problems met on the way."""
    problems: list[Problem] = []
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            return None, [Problem(str(path), f"too large ({size / 1e6:.1f} MB > {MAX_BYTES // 10**6} MB)")]
        data = path.read_bytes()
    except OSError as err:
        return None, [Problem(str(path), f"cannot be read: {err.strerror or err}")]
    try:
        text, note = decode(data)
    except ValueError as err:
        return None, [Problem(str(path), str(err))]
    if note:
        problems.append(Problem(str(path), note, fatal=False))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return None, problems + [Problem(str(path), "empty file")]
    fields, body_start, header_problem = parse_header(text)
    if header_problem:
        problems.append(Problem(str(path), header_problem, fatal=False))
    published = normalise_date(fields.get("published", fields.get("date", "")))
    if fields.get("published") and not published:
        problems.append(Problem(str(path), f"published {fields['published']!r} is not a YYYY-MM-DD date; ignored", fatal=False))
    if not text[body_start:].strip():
        return None, problems + [Problem(str(path), "header only, no article text")]
    article = Article(
        id=content_id(text),
        path=str(path),
        text=text,
        title=fields.get("title") or headline(text, body_start),
        outlet=fields.get("outlet", ""),
        url=fields.get("url", ""),
        published=published,
        body_start=body_start,
        meta=tuple(sorted((k, v) for k, v in fields.items() if k not in KNOWN_KEYS)),
    )
    return article, problems


@dataclass(frozen=True)
class FileState:
    """What a file looked like when it was read (size, modification and change times, inode), and when."""

    size: int
    mtime_ns: int
    ctime_ns: int
    ino: int
    read_ns: int

    @classmethod
    def of(cls, stat: os.stat_result, read_ns: int) -> "FileState":
        return cls(stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino, read_ns)

    def unchanged(self, stat: os.stat_result) -> bool:
        """Whether a file with this stat still holds what was read: the same size, times and inode (a file
        moved over it has another inode; a rewrite changes the change time, which no tool sets back), and
        modified well before it was read (a change in the same tick of a coarse clock would not show)."""
        return ((stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino) ==
                (self.size, self.mtime_ns, self.ctime_ns, self.ino) and self.mtime_ns < self.read_ns - 2_000_000_000)


class FileMemory(Protocol):
    """What was read from files before (the store): an article known again by its file's path and state."""

    def recall(self, path: str, stat: os.stat_result) -> tuple[Article, list[str]] | None:
        """The article read from this file, and the notices its reading gave, if the file is unchanged."""

    def remember(self, article: Article, state: FileState, notices: list[str]) -> None:
        """An article just read from its file."""


def iter_articles(paths: Iterable[str | Path], memory: FileMemory | None = None
                  ) -> Iterator[tuple[Article | None, list[Problem]]]:
    files, problems = find_article_files(paths)
    for problem in problems:
        yield None, [problem]
    for path in files:
        if memory is None:
            yield read_article(path)
            continue
        try:
            stat = path.stat()
        except OSError:
            stat = None
        known = memory.recall(str(path), stat) if stat is not None else None
        if known is not None:
            article, notices = known
            yield article, [Problem(str(path), notice, fatal=False) for notice in notices]
            continue
        started = time.time_ns()
        article, found = read_article(path)
        if article is not None and stat is not None:
            memory.remember(article, FileState.of(stat, started),
                            [p.message for p in found if not p.fatal])
        yield article, found


def load_articles(paths: Iterable[str | Path], memory: FileMemory | None = None
                  ) -> tuple[list[Article], list[Problem]]:
    """All readable articles under `paths` (duplicates by content dropped), and the problems met. With a
    `memory`, a file unchanged since it was last read is not read again."""
    articles: list[Article] = []
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for article, found in iter_articles(paths, memory):
        problems.extend(found)
        if article is None:
            continue
        if article.id in seen:
            problems.append(Problem(article.path, f"same text as {seen[article.id]}; duplicate dropped", fatal=False))
            continue
        seen[article.id] = article.path
        articles.append(article)
    return articles, problems
