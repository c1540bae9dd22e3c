"""Who says so: the source a sentence or clause is attributed to."""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..model import Source
from ..profiles import Profile
from .mentions import (
    Mention,
    case_faithful,
    lowered_words,
    match_at,
    openings,
    word_offsets,
)

REPORTING_VERBS = (
    "said|says|say|stated|states|state|reported|reports|report|announced|announces|announce|claimed|claims|claim|"
    "confirmed|confirms|confirm|asserted|asserts|assert|acknowledged|acknowledges|acknowledge|admitted|admits|"
    "conceded|concedes|told|tells|insisted|insists|added|adds|noted|notes|wrote|writes|posted|declared|declares|"
    "indicated|indicates|indicate|showed|show|shows|corroborate|corroborates|corroborated|suggested|suggests|"
    "denied|denies|deny|dismissed|dismisses|rejected|rejects|refuted|refutes|explained|alleged|alleges|"
    "published|broadcast|quoted|documented|recorded|tweeted|accused|accuses|blamed|blames|denounced|denounces|"
    "condemned|condemns|warned|warns"
)
_ATTRIBUTION_WORDS = frozenset(REPORTING_VERBS.split("|")) | {"according", "reported", "quoted", "cited"}
DENIAL_VERBS = frozenset("denied denies deny dismissed dismisses rejected rejects refuted refutes".split())
_VERB_AFTER_SOURCE = re.compile(
    rf"\b(?:(?:has|have|had|also|later|previously|earlier|then|further|on\s+\w+)\s+)*"
    r"(?!declare[sd]\s+(?:war|an?\s+(?:state|emergency|curfew|ceasefire|truce)))"  # an act, not a statement
    rf"({REPORTING_VERBS})\b"
    r"(?:\s+(?:on\s+\w+|in\s+a\s+statement|late\s+on\s+\w+|\w+\s+that))?", re.I)
_ACCORDING = re.compile(r"\b(?:according\s+to|as\s+reported\s+by|quoted\s+by|cited\s+by)\s+", re.I)
_VERB_STARTS = openings(_VERB_AFTER_SOURCE)
_ACCORDING_WORDS = frozenset({"according", "reported", "quoted", "cited"})  # one is a whole word of every match
_CHANNEL = re.compile(r"\b(?:on|in|via|through)\s+(?:their|its|his|her|a|an|the)\s+(?:official\s+)?"
                      r"(Telegram|Twitter|X|Facebook|WhatsApp|YouTube)(?:\s+(channel|account|page))?", re.I)
_HEDGES = re.compile(r"^(?:reports?|there|media\s+reports|unconfirmed\s+reports|some\s+reports|initial\s+reports)$",
                     re.I)
_NP_BOUNDARY = re.compile(r"(?:^|[,;:(]|\)\s*[-–—]|\s[-–—]\s|\b(?:while|and|but|that|as|whereas|after|when|however|"
                          r"meanwhile)\b)\s*", re.I)
_LEAD_WORDS = re.compile(r"^(?:(?:however|meanwhile|moreover|also|later|earlier|separately|instead|but|and|so)\b|"
                         r"(?:at\s+)?(?:around\s+|about\s+)?(?:\d{1,2}[:.h])?\d{2}(?:\s*(?:local\s+time|gmt|utc|hrs|hours|"
                         r"[ap]\.?m\.?))?\b)[\s,]*", re.I)  # "At around 14:00 local time SDF commanders announced"
_BASE_FORMS = frozenset("say state report claim confirm announce assert acknowledge indicate show deny insist "
                        "admit concede add note declare suggest corroborate reject dismiss refute".split())
_NOT_REPORTED = frozenset("control responsibility victory credit ownership sovereignty authority media news "
                          "forces troops".split())
PRONOUNS = frozenset("he she they it we i".split())
_PERSON_NAME = re.compile(r"\b[A-Z][a-z]+(?:[-'’][A-Za-z]+)?\s+(?:(?:al|el|bin|ibn|van|von|de)[- ])?[A-Z][a-z]+")
_NOT_NAMES = frozenset("monday tuesday wednesday thursday friday saturday sunday january february march april may "
                        "june july august september october november december".split())
_NAMED_BEFORE = re.compile(r"((?:[A-Z][\w'’-]*)(?:\s+(?:for|of|the|and|[A-Z][\w'’-]*))*)\s*(?:\([^)]*\))?\s*,\s*$")
GROUP_WORDS = frozenset("group coalition alliance faction militia movement organisation organization "
                        "".split())


@dataclass(frozen=True)
class Attribution:
    scope_start: int
    scope_end: int
    source: Source
    denial: bool
    speaker_side: str = ""   # the side of a belligerent speaker, for pronouns ("rebels said they...")
    whole_sentence: bool = False


# Common nouns that make an actor a state's forces ("the Sudanese army", "Israeli troops"), which "the group"
# never refers to; in lower case, so that the names of armed groups ("Syrian National Army") are not caught
STATE_FORCE = re.compile(r"\b(?:army|armed\s+forces|military|government|ministry|police|air\s+force|navy|junta|"
                         r"regime|troops|soldiers)\b")
# After a reporting noun, whose report it is and the "that" of what it says: "claims (made) by X (on Friday) that"
_OWNER_THAT = r"(?:\s+(?:made\s+)?(?:by|from|of)\s+(?P<who>[^,;]{1,60}?))?(?:\s+on\s+[\w\s]{1,25}?)?\s+that"
_REPORTED_BY = re.compile(_OWNER_THAT + r"\b", re.I)
# The same, ending where a pronoun follows: "the claims by the armed groups that [they ...]"
CLAIMS_BY = re.compile(r"\b(?:claims?|reports?|assertions?|allegations?)" + _OWNER_THAT + r"\s+$", re.I)
_DENIAL_BEFORE = re.compile(r"\b(?:" + "|".join(sorted(DENIAL_VERBS | {"denying", "rejecting", "dismissing", "refuting"}))
                            + r")\b", re.I)
_DETERMINER_BEFORE = re.compile(r"\b(?:the|these|those|such|its|their|his|her|our|a|an)\s+$", re.I)
# "The Alliance, in a statement of 1 November, claimed": an aside between a speaker and its verb
_STATEMENT_ASIDE = re.compile(r"(?:in|on)\s+(?:a|an|its|their|the)\s+(?:\w+\s+){0,2}(?:statement|communiqu[eé]|post|"
                              r"message|video|broadcast|briefing)\b[^,]{0,40},\s*$", re.I)


# What follows a denial verb when it denies a report: "denied that", "rejected claims", "dismissed the reports"
_DENIED_REPORT = re.compile(r"^\s*(?:that\b|(?:the\s+|any\s+|such\s+|these\s+|those\s+|[\w'’-]+\s+){0,2}"
                            r"(?:claims?|reports?|allegations?|assertions?|statements?|accounts?|rumou?rs?)\b|"
                            r"(?:it|they|having|this|these|the\s+(?:capture|fall|loss|seizure))\b|[,:\"“]|"
                            r"(?:[\w'’-]+\s+){1,4}?(?:had|has|have|was|were|is|are|would)\b)", re.I)


# Heads of the noun phrases that name an office or a unit rather than a person or the outlet
_OFFICIAL_HEADS = frozenset("""governor administration ministry official officials spokesman spokesperson spokeswoman
commander brigade army military police mayor authorities authority government council command office agency
headquarters staff service department prosecutor minister governorate municipality regiment battalion
division corps""".split())


# A sentence that opens with a named person or body, with a title: "Army chief Abdel Fattah al-Burhan", "The RSF"
_SUBJECT_NAME = re.compile(r"\s*(?:(?:The|the)\s+)?(?:[A-Z][\w'’.-]*\s+)*(?:(?:[a-z]+\s+){1,3}(?:[A-Z][\w'’.-]*\s+|"
                           r"(?:al|el|bin|ibn|abu)-[A-Z][\w'’-]*\s+)*)?(?:[A-Z][\w'’.-]*|(?:al|el|bin|ibn|abu)-[A-Z]"
                           r"[\w'’-]*)(?=\s+[a-z])")


def article_source() -> Source:
    return Source(name="article", kind="article")


class Attributor:
    """Finds attributions in sentences, typing sources with the profile."""

    def __init__(self, profile: Profile):
        self.profile = profile
        self.history: list[Source] = []  # named sources so far in the article, for "the monitor"
        self.last_actor: Mention | None = None  # set by the reader: who "the group" is
        self._sentence_actors: list[Mention] = []
        self.descriptors: dict[str, Source] = {}  # "network" → the source an appositive described so
        self._np_start = 0
        self._anaphora = sorted(profile.anaphora.items(), key=lambda kv: -len(kv[0]))  # longest first

    def sentence(self, text: str, start: int, end: int, mentions: list[Mention]) -> list[Attribution]:
        found: list[Attribution] = []
        sentence = text[start:end]
        words = lowered_words(sentence)
        if words.isdisjoint(_ATTRIBUTION_WORDS):
            return found  # no reporting verb and no "according to": nobody is quoted
        faithful = case_faithful(sentence)
        for match in _ACCORDING.finditer(sentence) if not faithful or not words.isdisjoint(_ACCORDING_WORDS) else ():
            np_start = start + match.end()
            np_end = _np_end(text, np_start, end)
            source = self._source(text, np_start, np_end, mentions)
            if source is None:
                continue
            before = sentence[:match.start()].strip()
            scope = (start, start + match.start()) if len(before) > 20 else (np_end, end)
            found.append(Attribution(*scope, source, False, source.side, whole_sentence=True))
        shortcut = faithful and bool(_VERB_STARTS)  # no openings known: search the whole sentence
        verbs = [offset for offset, word in word_offsets(sentence) if _VERB_STARTS.admit(word)] if shortcut else None
        for match in (match_at(_VERB_AFTER_SOURCE, sentence, verbs, len(sentence)) if shortcut
                      else _VERB_AFTER_SOURCE.finditer(sentence)):
            verb = match.group(1).lower()
            following = sentence[match.end(1):match.end(1) + 20].split()
            next_word = following[0].lower().strip(",.") if following else ""
            if verb in _BASE_FORMS and next_word not in ("that", "they", "it", "he", "she", "we", "its", "their"):
                continue  # "assert control", "state media": not a report
            if next_word in _NOT_REPORTED:
                continue
            if _DETERMINER_BEFORE.search(sentence, max(0, match.start(1) - 12), match.start(1)):
                # "the claims by the armed groups that ...", "their report that ...": a noun, not a verb; what
                # follows "that" is still someone's word: the owner's when named, else unattributed reports
                reported = _REPORTED_BY.match(sentence, match.end(1))
                if reported is not None and not _DENIAL_BEFORE.search(sentence, 0, match.start(1)):
                    # (after "denied the report that ...", the denial's attribution stands)
                    owner = self._source(text, start + reported.start("who"), start + reported.end("who"), mentions) \
                        if reported.group("who") else None
                    owner = owner or Source(name="unattributed reports", kind="anonymous")
                    found.append(Attribution(start + reported.end(), end, owner, False, owner.side))
                continue
            if verb in DENIAL_VERBS and not _DENIED_REPORT.match(sentence[match.end(1):match.end(1) + 60]):
                continue  # "rejected the deal", "denied entry": not a denial of a report
            verb_start = start + match.start()
            if found and re.search(r"\b(?:and|but)\s*$", text[start:verb_start]) \
                    and found[-1].scope_start < verb_start:
                # "X said ... and denied that ...": the same speaker goes on
                earlier = found[-1]
                found.append(Attribution(start + match.end(), end, earlier.source, verb in DENIAL_VERBS,
                                         earlier.speaker_side, whole_sentence=False))
                continue
            if re.search(r"\b(?:and|but)\s*$", text[start:verb_start]):
                # "Army chief Abdel Fattah al-Burhan landed at the airport ... and told soldiers": the sentence's subject
                subject = _SUBJECT_NAME.match(text, start, verb_start)
                source = self._source(text, start, subject.end(), mentions, sentence_start=start) if subject else None
                if source is not None:
                    found.append(Attribution(start + match.end(), end, source, verb in DENIAL_VERBS, source.side))
                continue
            np_start = _np_start(text, start, verb_start)
            if np_start >= verb_start:
                continue
            source = self._source(text, np_start, verb_start, mentions, sentence_start=start)
            if source is None and np_start > start:
                # "Tahrir al-Sham, the alliance that dominates Idlib, said ...": the sentence's subject
                head = re.match(r"[^,]{2,60},", text[start:np_start])
                if head and (any(m.kind in ("actor", "source") for m in mentions
                                 if start <= m.start and m.end <= start + head.end())
                             or _STATEMENT_ASIDE.match(text, np_start, verb_start)):
                    np_start = start
                    source = self._source(text, start, start + head.end() - 1, mentions, sentence_start=start)
            if source is None:
                continue
            before = text[start:np_start].rstrip()
            rest = text[start + match.end():end]
            trailing = before.endswith(",") and (len(rest.strip(" .\"”")) < 25 or rest.lstrip().startswith((",", ";")))
            if trailing:  # "Rebels took X, the monitor said[, after ...]." covers the whole sentence
                scope = (start, end)
            else:
                scope = (start + match.end(), end)
            found.append(Attribution(*scope, source, verb in DENIAL_VERBS, source.side,
                                     whole_sentence=trailing or np_start == start))
        return found

    # -- the source's noun phrase -----------------------------------------------------------------
    def _source(self, text: str, np_start: int, np_end: int, mentions: list[Mention],
                sentence_start: int | None = None) -> Source | None:
        phrase = text[np_start:np_end].strip(" ,\"“”")
        phrase = _LEAD_WORDS.sub("", phrase).strip(" ,")
        if not phrase:
            return None
        inside = [m for m in mentions if np_start <= m.start and m.end <= np_end]
        self._sentence_actors = [m for m in mentions if m.kind == "actor"]
        self._np_start = np_start
        channel = _CHANNEL.search(text, sentence_start if sentence_start is not None else np_start, np_end)
        known = [m for m in inside if m.kind == "source"]
        if known:
            source = self._known(known[0].name)
            return source
        lowered = phrase.lower()
        if _HEDGES.match(lowered):  # "reports said": nobody the reader can check
            return Source(name="unattributed reports", kind="anonymous")
        words = phrase.split()
        if len(words) > 9:
            return None
        anaphor = self._anaphor(lowered)
        if anaphor is not None:
            return anaphor
        if lowered in PRONOUNS:
            return None
        appositive = text[np_start:np_end].rstrip().endswith(",")
        if appositive and re.match(r"(?:a|an|the)\s", phrase, re.I):
            # "the Local Coordination Committees, an activist network, said": the name before the comma
            named = _NAMED_BEFORE.search(text, max(0, np_start - 80), np_start)
            if named and named.group(1).split()[-1].lower() not in _NOT_NAMES:
                source = self._remember(Source(name=re.sub(r"^The\s+", "", named.group(1)), kind="official"))
                self.descriptors[phrase.split()[-1].lower()] = source
                return source
        name = re.sub(r"^(?:the|a|an)\s+", "", phrase, flags=re.I)
        actors = [m for m in inside if m.kind == "actor"]
        if actors:
            person = re.search(r"(?:(?:^|(?<=\s))[a-z][\w-]*\s+){0,3}(?:[A-Z][\w'’-]+\s+){1,2}"
                               r"(?:[A-Z]|(?:al|el|ad|as|ash|bin|ibn|abu)-[A-Z])[\w'’-]+$", name)
            person_start = np_start + text[np_start:np_end].find(person.group(0)) if person else np_end
            if person:  # title words inside an actor's name belong to the actor: "Sudan's army chief X" → "chief X"
                inside = [a.end for a in actors if a.start < person_start + len(person.group(0)) and a.end > person_start]
                if inside:
                    trimmed = text[max(inside):np_start + text[np_start:np_end].find(person.group(0))
                                   + len(person.group(0))].strip()
                    person = re.fullmatch(r"(?:[a-z][\w-]*\s+){0,3}\S.*", trimmed) if trimmed and not trimmed[:1].isupper() \
                        or len(trimmed.split()) >= 2 else None
                    person_start = max(inside)
            if person and "," not in name and not re.search(r"['’]s?$", person.group(0)) \
                    and not any(a.start >= person_start for a in actors) \
                    and sum(w[:1].isupper() for w in person.group(0).split()) >= 2:
                name = person.group(0)  # "Ukraine's deputy defence minister Hanna Maliar": the person, with title
            elif "," in name or len(name.split()) > 5:
                name = re.sub(r"['’]s?$", "", actors[-1].text)
            if channel:
                owner = name + "'" if name.endswith("s") else name + "'s"
                name = f"{owner} {channel.group(1)} {channel.group(2) or 'channel'}"
            return self._remember(Source(name=name, kind="belligerent", side=actors[-1].side))
        head = re.sub(r"[^\w\s-]", "", words[-1]).lower()
        if head in self.profile.anonymous_heads or words[0].lower() in ("a", "an", "one", "two", "three", "several"):
            return Source(name=name, kind="anonymous")
        if words[0][:1].isupper() or name[:1].isupper() or _PERSON_NAME.search(name):
            return self._remember(Source(name=name, kind="official"))  # "regional governor Oleh Syniehubov"
        if head in _OFFICIAL_HEADS and re.match(r"(?:the|a|an)\s", phrase, re.I):
            return self._remember(Source(name=name, kind="official"))  # "the regional administration": no side said
        return None

    def _known(self, name: str) -> Source:
        for entry in self.profile.sources:
            if entry.name == name:
                return self._remember(Source(name=entry.name, kind=entry.kind, side=entry.side))
        return self._remember(Source(name=name, kind="media"))

    def _anaphor(self, lowered: str) -> Source | None:
        """'the Britain-based monitor', 'it', 'the group': a source already named in the article."""
        bare = re.sub(r"^(?:the|this|that)\s+", "", lowered)
        if lowered.startswith(("the ", "this ")) and bare.split()[-1] in self.descriptors:
            return self.descriptors[bare.split()[-1]]
        if bare in PRONOUNS:
            return self.history[-1] if self.history else None
        if lowered.startswith(("the ", "this ")) and bare in GROUP_WORDS:
            earlier = [m for m in self._sentence_actors if m.end <= self._np_start and not m.metonym
                       and not re.search(r"['’]s?$", m.text)]
            actor = earlier[0] if earlier else self.last_actor  # the sentence's subject: who "the group" is
            if actor is not None and not STATE_FORCE.search(actor.text):  # a state's army is not "the group"
                name = re.sub(r"['’]s?$", "", actor.text)
                return self._remember(Source(name=name, kind="belligerent", side=actor.side))
        for key, kinds in self._anaphora:
            if lowered.startswith(("the ", "this ")) and (bare == key or bare.endswith(" " + key)):
                for source in reversed(self.history):
                    if source.kind in kinds:
                        return source
                return None
        return None

    def _remember(self, source: Source) -> Source:
        self.history.append(source)
        return source


def _np_end(text: str, start: int, limit: int) -> int:
    """End of the noun phrase after 'according to': a comma, a clause word or the sentence end."""
    match = re.compile(r",|;|\.(?=\s|$)|\bthat\b|\bwhich\b|\bwho\b|—|–").search(text, start, limit)
    end = match.start() if match else limit
    # keep a bracketed acronym with its name: "the Syrian Observatory for Human Rights (SOHR)"
    return end


_PARENTHETICAL = re.compile(r",\s*(?:however|meanwhile|moreover|though|too|also|in turn|in response|"
                            r"for (?:its|their|his|her) part)\s*,", re.I)


# "In a separate post the group said", "In a statement on Monday the army said": where and when, then the speaker
_LEADING_ASIDE = re.compile(r"\s*(?:in|on)\s+(?:a|an|its|their|the)\s+(?:\w+\s+){0,2}(?:statement|communiqu[eé]|post|"
                            r"message|video|broadcast|briefing)(?:\s+(?:on|of|dated)\s+(?:\d{1,2}\s+)?(?:monday|tuesday|"
                            r"wednesday|thursday|friday|saturday|sunday|january|february|march|april|may|june|july|"
                            r"august|september|october|november|december)(?:\s+\d{1,4})?)?\s+(?=\S)", re.I)


def _np_start(text: str, sentence_start: int, verb_start: int) -> int:
    """Start of the noun phrase that ends right before a reporting verb."""
    window = _PARENTHETICAL.sub(lambda m: " " * len(m.group(0)), text[sentence_start:verb_start])
    last = 0
    for match in _NP_BOUNDARY.finditer(window):
        if match.end() < len(window.rstrip()):
            last = match.end()
    aside = _LEADING_ASIDE.match(window, last) if "," not in window[last:] else None  # else _STATEMENT_ASIDE's
    if aside and aside.end() < len(window.rstrip()):
        last = aside.end()
    return sentence_start + last
