"""Paragraphs and sentences of an article, with character offsets into its text."""
from __future__ import annotations

import re
from dataclasses import dataclass

# Abbreviations after which a full stop does not end a sentence.
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr gen lt col maj capt sgt brig cmdr adm gov sen rep st mt no vs etc jan feb mar apr jun jul aug "
    "sep sept oct nov dec u.s u.n u.k e.g i.e al approx est".split()
)
_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])")
_LAST_WORD = re.compile(r"([\w.]+)[.!?]*[\"'”’)\]]*$")


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str
    paragraph: int
    index: int  # position in the article


def paragraphs(text: str, start: int = 0) -> list[tuple[int, int]]:
    """(start, end) of each non-empty line from `start` on: news paragraphs are lines."""
    spans = []
    pos = start
    for line in text[start:].split("\n"):
        stripped = line.strip()
        if stripped:
            lead = len(line) - len(line.lstrip())
            spans.append((pos + lead, pos + lead + len(stripped)))
        pos += len(line) + 1
    return spans


def _split(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans = []
    cursor = start
    for match in _END.finditer(text, start, end):
        stop = match.end()
        word = _LAST_WORD.search(text[cursor:stop].rsplit(None, 1)[-1])  # it holds no space
        token = (word.group(1) if word else "").lower().rstrip(".")
        if token in _ABBREVIATIONS or (len(token) == 1 and token.isalpha()):
            continue
        spans.append((cursor, stop))
        cursor = stop
        while cursor < end and text[cursor].isspace():
            cursor += 1
    if cursor < end:
        spans.append((cursor, end))
    return spans


def split_sentences(text: str, start: int = 0) -> list[Sentence]:
    """Sentences of `text` from offset `start`, each knowing its paragraph."""
    found = []
    for number, (p_start, p_end) in enumerate(paragraphs(text, start)):
        for s_start, s_end in _split(text, p_start, p_end):
            found.append(Sentence(s_start, s_end, text[s_start:s_end], number, len(found)))
    return found
