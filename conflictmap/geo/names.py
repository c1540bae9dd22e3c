"""Folding place names so that transliteration variants meet.

Two keys per name:
- `fold`: case, diacritics, ʿayn/hamza marks and apostrophes removed, Arabic articles
  (al-, el-, as-, ash-, ar-, ad-, an-, ...) dropped, hyphens to spaces, doubled letters single.
  "Ma'arrat al-Nu'man", "Maarat al-Numan" and "Maraat an-Numan" → "marat numan".
- `skeleton`: the fold reduced to consonant classes, so that English, French and Spanish
  spellings meet: kh/j(Spanish)/ch(German) → one class, sh/ch(French) → one, ou → u, q → k,
  vowels and word breaks dropped. "Khan Shaykhun", "Khan Sheikhoun" and "Jan Shayjun" share a skeleton.
  Skeleton matches are loose: callers rank them with a fuzzy score and the article's region.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from anyascii import anyascii

# Arabic definite articles as written in Latin transliterations (sun-letter assimilations included).
ARTICLES = frozenset("al el il ul as es ash esh ar er ad ed an en at et az ez adh ath dh ath".split())
_APOSTROPHES = "'’‘`´ʿʾʻʼ′\u02bf\u02be"
_ARABIC_MARKS = re.compile("[\u064b-\u065f\u0670\u0640]")  # tashkeel and tatweel
_ARABIC_LETTERS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ؤ": "و", "ئ": "ي"})
_NON_WORD = re.compile(r"[^\w\s]+")
_SPACES = re.compile(r"\s+")
_DOUBLE = re.compile(r"(?<=([a-z]))\1+")  # a letter's repeats after its first, to delete


_ARABIC = re.compile("[\u0600-\u06ff]")


def has_arabic(text: str) -> bool:
    return _ARABIC.search(text) is not None


# ASCII after transliteration: letters lowered, digits kept, anything else (hyphens, underscores,
# punctuation) a word break. Plain-ASCII input also loses its apostrophes, as the marks above do.
_ASCII_WORDS = bytes(ord(c.lower()) if c.isalnum() else ord(" ") for c in map(chr, range(256)))
_ASCII_APOSTROPHES = "".join(c for c in _APOSTROPHES if c.isascii()).encode()
_ARABIC_ARTICLE = re.compile(r"(^|\s)ال")


class _Transliteration(dict):
    """A str.translate table filled as characters come: `_APOSTROPHES` to nothing, any other character to its
    ASCII transliteration (anyascii) with `_ASCII_WORDS` applied; one pass in C for what took anyascii's loop in
    Python and two more translations."""

    def __missing__(self, code: int) -> str | None:
        char = chr(code)
        value = self[code] = None if char in _APOSTROPHES else \
            anyascii(char).encode().translate(_ASCII_WORDS).decode()
        return value


_TRANSLITERATION = _Transliteration()


@lru_cache(maxsize=262144)
def fold(name: str) -> str:
    """The exact-match key of a place name."""
    if name.isascii():  # the common case: NFKC and anyascii leave ASCII as it is
        return _without_articles(name.encode().translate(_ASCII_WORDS, _ASCII_APOSTROPHES).decode().split())
    text = unicodedata.normalize("NFKC", name).strip()
    if has_arabic(text):
        text = _ARABIC_MARKS.sub("", text).translate(_ARABIC_LETTERS)
        text = _ARABIC_ARTICLE.sub(r"\1", text)  # the Arabic article
        return _SPACES.sub(" ", _NON_WORD.sub(" ", text)).strip()
    return _without_articles(text.translate(_TRANSLITERATION).split())


_LEADING_ARTICLE = re.compile(r"^(?:al|el|ad|an|ar|as|ash|at|az|the)\b[\s'’-]*")
_NOT_LETTERS = bytes(c for c in range(128) if not 97 <= c <= 122)  # ASCII bytes other than a-z


@lru_cache(maxsize=65536)
def letters(name: str) -> str:
    """A name's letters as written, in ASCII and lower case, without a leading article: unlike `fold`, doubled
    letters stay ("El Hamma" is not "Hama" written as such; "Al-Bab" is "Bab")."""
    return _LEADING_ARTICLE.sub("", anyascii(name).lower()).encode().translate(None, _NOT_LETTERS).decode()


def _without_articles(words: list[str]) -> str:
    # Drop articles, but keep a lone word ("As" alone stays "as"); letters written twice once.
    if not ARTICLES.isdisjoint(words):
        words = [w for w in words if w not in ARTICLES] or words
    return _DOUBLE.sub("", " ".join(words))


_SKELETON_DIGRAPHS = (
    ("tch", "C"), ("dj", "J"), ("dh", "D"), ("kh", "X"), ("gh", "G"), ("sh", "S"), ("sch", "S"),
    ("ch", "S"), ("th", "T"), ("ph", "f"), ("ou", "u"), ("ck", "k"),
)
_SKELETON_LETTERS = str.maketrans({"q": "k", "c": "k", "j": "X", "J": "X", "z": "s", "g": "G"})
_VOWELS = re.compile(r"[aeiouyw]")
_REPEATS = re.compile(r"(?<=(.))\1+")  # a character's repeats after the first


@lru_cache(maxsize=262144)
def skeleton(name: str) -> str:
    """The loose key of a place name (see the module docstring)."""
    folded = fold(name)
    if has_arabic(folded):
        return folded
    words = []
    for word in folded.split():
        for digraph, code in _SKELETON_DIGRAPHS:
            word = word.replace(digraph, code)
        word = word.translate(_SKELETON_LETTERS)
        # Keep a leading vowel as a marker so that "Azaz" and "Zaza" differ.
        head, tail = word[:1], word[1:]
        word = ("V" if head in "aeiouyw" and head else head) + _VOWELS.sub("", tail)
        word = _REPEATS.sub("", word)
        if len(word) > 1 and word.endswith("h"):
            word = word[:-1]
        if word:
            words.append(word)
    return "".join(words)


def tokens(name: str) -> list[str]:
    return fold(name).split()
