"""Claims from an article: frames over actor, trigger and place mentions, with attribution and time."""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field, replace
from functools import cache

from ..model import Article, Claim, Figure, Source, Status
from ..profiles import UNKNOWN_SIDE, Profile
from .attribution import CLAIMS_BY, REPORTING_VERBS, Attribution, Attributor, article_source
from .dates import MONTHS, claim_date
from .figures import sentence_figures
from .frames import (BLOCKERS, CONDITIONAL, CONTROL_AFTER_ACTOR, COORDINATION, CUE_AUTOMATON, DOUBT, EARLIER,
                     FALSE_AFTER, OBJECT_STOP, OPENED_BY, PARENTHETICAL_SEGMENT, PARTIAL, PAST_MARK, POINT_HINTS,
                     PREFIXED, PRESENCE, TRIGGERS, UNCUED_TRIGGERS, UNDER_ACTOR_CONTROL, YEAR, Trigger)
from .mentions import (ANAPHORIC_FACILITY, FACILITY_NOUNS, Mention, case_faithful, find_places, lowered_words,
                       match_at, matcher_for, word_offsets)
from .sentences import Sentence, split_sentences

__all__ = ["Extraction", "extract", "extract_claims"]

SUBJECT_PRONOUN = re.compile(r"\b(?:they|it|the\s+group|the\s+militia|the\s+faction|the\s+alliance|the\s+movement|"
                             r"the\s+coalition|the\s+fighters|we|(?:his|her)\s+(?:fighters|forces|troops|men|units)|"
                             r"our\s+(?:\w+\s+)?(?:forces|fighters|units|troops|men|heroes|army|artillery|drones|"
                             r"aircraft|air\s+force|navy)|(?:its|their)\s+(?:units|fighters|forces|troops|men|members|militants|jets|"
                             r"warplanes|aircraft|drones|artillery|navy|air\s+force))\b", re.I)
DISCOURSE_SHIFT = re.compile(r"^\s*(?:meanwhile|however|elsewhere|separately|in\s+response|on\s+the\s+other\s+hand|"
                             r"but|in\s+contrast|by\s+contrast|at\s+the\s+same\s+time)\b", re.I)
# "rebel-held Idlib", "rebel-held territories in Idlib province": the place follows within a few words
HELD_GAP = re.compile(r"^\s*(?:[\w-]+\s+){0,2}(?:(?:in|of|across|around)\s+)?(?:the\s+)?$", re.I)
STRONGHOLD_AFTER = re.compile(r"^(?:['’]s?)?\s+(?:(?:last|main|major|final|key|de\s+facto|largest|biggest|"
                              r"remaining|only|principal)\s+)*(?:stronghold|bastion|bulwark|enclave|heartland|redoubt|"
                              r"capital|headquarters)\b", re.I)
IN_HANDS = re.compile(r"\bin\s+(?:the\s+)?(?:firm\s+)?$", re.I)
UNDER_SIEGE = re.compile(r"^\s+(?:siege|blockade|encirclement|bombardment)\b", re.I)
# "south-west of Afrin", "10 km from Hama", "near Idlib": a place named to locate another one
LOCATION_BEFORE = re.compile(r"\b(?:(?:north|south|east|west)(?:-?(?:east|west))?(?:ern)?\s+(?:outskirts\s+)?of|near|"
                             r"outside|from|between|towards?|beyond|across)\s+(?:the\s+)?(?:\w+\s+)?$", re.I)
# a sentence that goes on with the report of the one before ("This represents...", "It said...")
CONTINUATION = re.compile(r"^\W*(?:this|these|that|such|it|its)\b", re.I)
ENEMY_IN = re.compile(r"^['’]?s?\s+(?:(?:[\w'’-]+\s+){0,5}(?:positions|targets|bases?|fighters|troops|convoys?|strongholds?|"
                      r"sites?|depots?|outposts?|units|headquarters|command|gatherings|concentrations|warehouses?|"
                      r"facilit(?:y|ies)|infrastructure|checkpoints?|posts?|barracks|camps?|vehicles?|artillery|"
                      r"equipment|command\s+cent(?:er|re)s?|centres|centers|hideouts?|tunnels?|launchers?)\s+)?"
                      r"(?:in|inside|at|around|near|holed\s+up\s+in)\b", re.I)
# "ordered units to withdraw from X": an order carried out is reported as the withdrawal itself
ORDERED_TO = re.compile(r"\b(?:ordered|authori[sz]ed|instructed|told|allowed)\s+(?:[\w'’-]+\s+){0,4}to\s*$", re.I)
FIGURE_CUES = ("kill", "dead", "died", "death", "wound", "injur", "hurt", "displac", "fled", "casualt", "missing",
               "perish", "lives", "detain")
FIGURE_CUE = re.compile("|".join(FIGURE_CUES), re.I)
REPEL_CUE = re.compile(r"\b(?:repel|repuls|fend|fended|thwart|foil|beat\s+back|beaten\s+back|pushed\s+back)", re.I)
RELATIVE_AFTER = re.compile(r"^\s*,\s*(?:which|who|that)\b", re.I)
NOT_SUBJECT_BEFORE = re.compile(r"(?<!hundreds )(?<!dozens )(?<!thousands )(?<!scores )(?<!some )(?<!many )(?<!most )"
                                r"(?<!all )(?<!remnants )(?<!members )(?<!forces )(?<!fighters )(?<!troops )"
                                r"(?<!units )(?<!warplanes )(?<!jets )(?<!aircraft )(?<!militias )(?<!soldiers )"
                                r"\b(?:against|from|with|of|to|by|for|on|between)\s+(?:the\s+)?$", re.I)
FORCE_AFTER = re.compile(r"^['’]?s?\s+(?:[\w-]+\s+){0,2}?(?:fighters|forces|troops|units|men|soldiers|militia|militias|"
                         r"army|command|brigades?|divisions?|battalions?|regiments?|artillery|drones|aircraft|jets|"
                         r"warplanes|wing|commanders|members|navy|air\s+force|gunmen|militants)\b", re.I)
# "pushed back Russian troops", "ambushed an army convoy": the actor after such a verb is acted on, not acting
OBJECT_OF_VERB = re.compile(r"(?<!\bthe\s)(?<!\ba\s)(?<!\ban\s)(?<!\bits\s)(?<!\btheir\s)"
                            r"\b(?:pushed\s+back|drove\s+(?:back|out)|repelled|repulsed|expelled|ousted|routed|"
                            r"defeated|ambushed|attacked|struck|targeted|killed|captured|encircled|besieged|surrounded|"
                            r"engaged|fought|confronted|shelled|bombed|chased|cleared|dislodged)\s+"
                            r"(?:the\s+|an?\s+|some\s+|several\s+|dozens\s+of\s+|remaining\s+|retreating\s+)?$",
                            re.I)
BACKER_ASIDE = re.compile(r",\s*(?:(?:backed|supported|assisted|aided|helped|accompanied|joined|reinforced|armed|funded|"
                          r"trained|advised)\s+by|with\s+the\s+(?:support|backing|help)\s+of|alongside|along\s+with)"
                          r"\b[^,]*$", re.I)
# The men a group's own statement speaks of: "the mujahideen of the Islamic Resistance", "our heroic forces"
OWN_MEN = re.compile(r"(?:^|[.:\"“]\s*)(?:our\s+(?:[\w-]+\s+){0,3}?(?:mujahideen|mujahidin|fighters|heroes|forces|men|"
                     r"units|troops|lions|formations|brigades)|the\s+(?:(?:heroic|valiant|brave|courageous)\s+)?"
                     r"(?:mujahideen|mujahidin|heroes|lions))\b", re.I)
AGENTLESS_DOUBT = re.compile(r"\b(?:not\s+true|untrue|false|claims?|claimed|alleged|denied|denies|rumou?rs?)\b", re.I)
# Where a clause starts: what may stand before the place a clause is about
CLAUSE_OPENING = re.compile(r"(?:^|[,;:.\"“]|\bthat|\bsaid|\bsays)\s*(?:the\s+(?:town|city|village)\s+of\s+|the\s+)?$",
                            re.I)
COORDINATED_VERB = re.compile(r"\band\s+(?:then\s+|later\s+|also\s+)?(?:had\s+|has\s+|have\s+)?(?:then\s+|later\s+|also\s+)?$",
                              re.I)
# An event stormed is an attack on the place, not its capture: "stormed a night vigil at a church in X"
EVENT_OBJECT = re.compile(r"^\s*(?:an?\s+|the\s+)?(?:[\w-]+\s+){0,2}?(?:vigil|funeral|wedding|gathering|meeting|mass|"
                          r"service|prayers?|market|festival|concert|party|celebration|ceremony|rally|procession)\b", re.I)
# Every anaphor below starts "the ..." and names a settlement or a facility
ANAPHOR_NOUNS = ("city", "town", "village", *sorted({noun.split()[-1] for noun in FACILITY_NOUNS}))
ANAPHOR_CUE = re.compile(r"\bthe\s+(?:[\w-]+\s+)*?(?:" + "|".join(map(re.escape, ANAPHOR_NOUNS)) + ")", re.I)
# Parts of the city last named: "a few neighbourhoods in the northeast"
CITY_PART = re.compile(r"\b(?:neighbou?rhoods?|quarters?)\s+in\s+the\s+(?:north|south|east|west|"
                       r"north-?east|north-?west|south-?east|south-?west|centre|center)\b(?!\s+of\b)", re.I)
# Places as the article names them anew: "the city", "the town" refer back to the last such place.
ANAPHORIC_PLACE = re.compile(r"\bthe\s+(city|town|village)(?:\s+(?:centre|center))?\b(?!\s+of\b)", re.I)


@dataclass
class _Context:
    """What a reader remembers while reading an article."""

    article: Article
    profile: Profile
    attributor: Attributor
    last_actor: Mention | None = None
    last_agent: Mention | None = None  # the actor of the last current claim: who "they" most likely are
    last_places: list[Mention] = field(default_factory=list)
    paragraph: int = -1
    paragraph_source: Source | None = None
    year: int = 0
    trigger_starts: list[int] = field(default_factory=list)
    statement: tuple[int, int, Source] | None = None  # a translated statement's body and its author
    sentence_subject: tuple[Mention, int] | None = None  # the actor of the sentence's last active trigger, its end
    sentence_places: list[Mention] = field(default_factory=list)  # the places the sentence names
    sentence_start: int = 0
    speaker: Source | None = None  # who speaks the paragraph in a transcript ("EKENGE: The enemy entered ...")
    under_check: bool = False  # the paragraph is the claim a fact-check examines ("CLAIM: A video says ...")
    sentence_opener: Mention | None = None  # the side that opened the sentence before (a state named for its government too)
    cues: list[tuple[int, int]] = field(default_factory=list)  # (offset, trigger number) of the article's cue words
    plain: str = ""  # the text with quote marks blanked out
    figures: list[Figure] = field(default_factory=list)


@dataclass(frozen=True)
class Extraction:
    claims: list[Claim]
    figures: list[Figure]


def extract(article: Article, profile: Profile) -> Extraction:
    """Everything an article reports: its claims about places, and its casualty and displacement figures."""
    plain = _QUOTES.sub(" ", article.text)
    context = _Context(article, profile, Attributor(profile), year=int(article.published[:4] or 0),
                       plain=plain, statement=_statement(article, profile), cues=_article_cues(plain))
    claims: list[Claim] = []
    for sentence in split_sentences(article.text, article.body_start):
        claims.extend(_sentence_claims(sentence, context))
    return Extraction(_dedupe(claims), context.figures)


def extract_claims(article: Article, profile: Profile) -> list[Claim]:
    """Every claim the article makes about who holds, took, contests, left or attacked a place."""
    return extract(article, profile).claims


def _sentence_claims(sentence: Sentence, ctx: _Context) -> list[Claim]:
    text = ctx.article.text
    if sentence.paragraph != ctx.paragraph:
        ctx.paragraph = sentence.paragraph
        ctx.paragraph_source = None
        ctx.sentence_opener = None
        ctx.speaker = _speaker(sentence.text, ctx)
        ctx.under_check = bool(CHECKED_CLAIM.match(sentence.text))
    names = matcher_for(ctx.profile).find(text, sentence.start, sentence.end)
    places = find_places(text, sentence.start, sentence.end, names)
    places += [m for m in names if m.kind == "place"]  # "rebels entered Damascus": a capital as a place
    places += _anaphoric_places(text, sentence, places, ctx)
    places.sort(key=lambda m: m.start)
    mentions = sorted(names + places, key=lambda m: m.start)
    attributions = ctx.attributor.sentence(text, sentence.start, sentence.end, mentions)
    if DISCOURSE_SHIFT.match(sentence.text):
        ctx.paragraph_source = None
    if _figure_cue(sentence.text):
        ctx.figures.extend(sentence_figures(
            text, sentence, places, attributions, lambda at: _source_for(at, attributions, ctx, sentence),
            ctx.article.id, ctx.article.name, claim_date(sentence.text, 0, ctx.article.published)))
        ctx.figures[:] = [replace(f, region=ctx.profile.countries, zone=ctx.profile.zone) if not f.region else f
                          for f in ctx.figures]
    actors = [m for m in names if m.kind == "actor"]
    found: list[Claim] = []
    # A claim needs a place: in the sentence, or (for a repelled attack) one named just before.
    needs_reading = bool(places) or (ctx.last_places and REPEL_CUE.search(sentence.text))
    triggers = _trigger_matches(sentence, ctx.plain, ctx.cues) if needs_reading else []
    ctx.trigger_starts = [start for start, _, _ in triggers]
    ctx.sentence_subject = None
    ctx.sentence_start = sentence.start
    ctx.sentence_places = places
    for start, end, trigger in triggers:
        for actor, place_list, status, rule, actor_after in _frame(trigger, start, end, text, sentence,
                                                                     actors, places, attributions, ctx):
            for place, partial in place_list:
                claim = _make_claim(ctx, sentence, trigger, start, end, actor, place, partial, status, rule,
                                    attributions, actor_after)
                if claim is not None:
                    found.append(claim)
    for actor, place_list, status, rule, start, end, actor_after in _actor_frames(text, sentence, actors, places):
        trigger = Trigger(re.compile(""), status, "held", rule)
        for place, partial in place_list:
            claim = _make_claim(ctx, sentence, trigger, start, end, actor, place, partial, status, rule,
                                attributions, actor_after)
            if claim is not None:
                found.append(claim)
    found = _before_the_change(found)
    # remember for the sentences that follow
    opener = next((a for a in actors if a.side and not text[sentence.start:a.start].strip(" \"“'‘")), None)
    speaks = opener is not None and any(a.scope_start >= opener.end for a in attributions)
    ctx.sentence_opener = None if speaks else opener  # "The army said ...": the speaker is not who "its" are
    for attribution in attributions:
        if attribution.whole_sentence and not attribution.source.is_article and attribution.source.kind != "anonymous":
            ctx.paragraph_source = attribution.source
    subjects = [a for a in actors if not a.metonym and not a.held
                and not NOT_SUBJECT_BEFORE.search(text[max(sentence.start, a.start - 30):a.start])]
    if subjects:
        ctx.last_actor = subjects[-1]
    agents = [c for c in found if not c.past]
    if agents:
        ctx.last_agent = next((a for a in actors if a.text == agents[-1].actor or
                               re.sub(r"['’]s?$", "", a.text) == agents[-1].actor), ctx.last_agent)
    ctx.attributor.last_actor = ctx.last_actor or ctx.last_agent
    if places:
        ctx.last_places = (ctx.last_places + places)[-12:]
    return found


def _figure_cue(text: str) -> bool:
    """FIGURE_CUE.search(text), read from the lower-cased text where that tells."""
    if not case_faithful(text):
        return bool(FIGURE_CUE.search(text))
    lowered = text.lower()
    return any(cue in lowered for cue in FIGURE_CUES)


def _before_the_change(found: list[Claim]) -> list[Claim]:
    """'Rebels captured Saraqib, the army's last stronghold': a hold by another side, told beside a capture of the
    same place in the same sentence, is the state before the capture."""
    taken = {(c.place_hint.lower(), c.side) for c in found
             if c.status == Status.CAPTURED and not c.past and c.side != UNKNOWN_SIDE}
    return [replace(c, past=True, date="") if c.status == Status.CONTROLLED and not c.past
            and (c.rule in ASIDE_RULES or c.rule.endswith("-adjective"))
            and not re.search(r"\b(?:still|remains?|remained|now|again|continues?|continued)\b", c.quote, re.I)
            and any(place == c.place_hint.lower() and side != c.side for place, side in taken) else c
            for c in found]


ASIDE_RULES = frozenset({"actor-stronghold", "stronghold-of", "held-by"})


# A paragraph that presents what follows as a published statement: "Translated from Arabic. Statement by ...",
# "(unofficial translation)", "Full text of the communiqué", "Statement No. 4/2024"
STATEMENT_HEADER = re.compile(r"^\W*(?:(?:unofficial\s+|full\s+|english\s+)?(?:translation|translated)\b|"
                              r"(?:full\s+)?text\s+of\b|statements?\b|communiqu[eé]s?\b)|\bstatement\s+no\.?\s*\d|"
                              r"\((?:unofficial\s+)?translation\)|\btranslated\s+from\b|\btranslation\s+from\b",
                              re.I)
# Where a statement's body ends: a translator's note or an end marker
STATEMENT_END = re.compile(r"^\s*(?:\[|\(end\b|end\s+of\s+(?:the\s+)?(?:statement|translation|text)|-+\s*$)", re.I)


def _statement(article: Article, profile: Profile) -> tuple[int, int, Source] | None:
    """The body of a published statement the article reproduces, and its author, when one of its first
    paragraphs presents it as such and names who issued it."""
    from .sentences import paragraphs

    blocks = paragraphs(article.text, article.body_start)
    text = article.text
    for number, (start, end) in enumerate(blocks[:3]):
        if end - start > 400 or not STATEMENT_HEADER.search(text[start:end]) \
                or re.search(r"\b(?:said|says|told|according)\b", text[start:end], re.I):
            continue  # a wire's lead that reports statements is not a statement's header
        named = [m for m in matcher_for(profile).find(text, start, end) if m.side and m.kind in ("actor", "source")]
        if not named:
            continue
        author = named[0]
        kind = author.hint if author.kind == "source" and author.hint else "belligerent"
        source = Source(name=author.name, kind=kind, side=author.side)
        body = [(s, e) for s, e in blocks[number + 1:]]
        while body and STATEMENT_HEADER.search(text[body[0][0]:body[0][1]]) and body[0][1] - body[0][0] <= 400:
            body = body[1:]  # "[Unofficial translation of a statement by ...]" under a title that says so too
        body_end = next((s for s, _ in body[1:] if STATEMENT_END.match(text[s:s + 40])), len(text))
        return end, body_end, source
    return None


def _settlement(p: Mention, text: str) -> bool:
    """A town named in its own right, not to locate another ("near Pokrovsk", "to the town of")."""
    return p.hint in ("", "city", "town", "village") and not p.metonym and not p.side and not LOCATION_BEFORE.search(
        text[max(0, p.start - 30):p.start]) and not re.search(r"\bto\s+(?:the\s+)?$", text[max(0, p.start - 6):p.start])


def _anaphoric_places(text: str, sentence: Sentence, places: list[Mention], ctx: _Context) -> list[Mention]:
    """'the city', 'the international airport': refer back to the last city named."""
    extra: list[Mention] = []
    lowered = sentence.text.lower()  # a cheaper test first: the word "the", and a noun
    if "in the" in lowered and ("neighb" in lowered or "quarter" in lowered):
        for match in CITY_PART.finditer(text, sentence.start, sentence.end):  # "neighbourhoods in the northeast"
            named = [p for p in (*ctx.last_places, *places) if p.end <= match.start() and _settlement(p, text)]
            area = any(p.end <= match.start() and not _settlement(p, text) for p in places)
            referent = named[-1] if named and not area else None  # "In Aleppo province, ...": not the town before
            if referent is not None and match.start() - referent.end <= 300 \
                    and not any(p.start <= match.start() < p.end for p in places):
                extra.append(Mention(match.start(), match.end(), match.group(0), "place", referent.name, hint="city"))
    if case_faithful(sentence.text) and not ("the" in lowered_words(sentence.text)
                                             and any(noun in lowered for noun in ANAPHOR_NOUNS)) \
            or not ANAPHOR_CUE.search(text, sentence.start, sentence.end):
        return extra

    def settlement(p: Mention) -> bool:
        return _settlement(p, text)

    earlier = cache(lambda: [p for p in ctx.last_places if settlement(p)])  # worked out when first asked
    for match in ANAPHORIC_PLACE.finditer(text, sentence.start, sentence.end):
        noun = match.group(1).lower()
        before = [p for p in places if p.end <= match.start() and settlement(p)]
        pool = before or earlier()
        same_kind = [p for p in pool if p.hint == noun]
        referent = (same_kind or pool or [None])[-1]
        if referent is not None and not any(p.start <= match.start() < p.end for p in places):
            extra.append(Mention(match.start(), match.end(), match.group(0), "place", referent.name, hint=noun))
    for match in ANAPHORIC_FACILITY.finditer(text, sentence.start, sentence.end):
        if any(p.start <= match.start() < p.end for p in places + extra):
            continue
        noun = match.group(1).lower()
        if noun not in ("airport", "international airport", "citadel", "air base", "airbase", "military airport"):
            continue
        referent = ([p for p in places if p.end <= match.start() and p.hint in ("", "city")] or earlier() or [None])[-1]
        if referent is not None:
            extra.append(Mention(match.start(), match.end(), match.group(0), "place",
                                 f"{referent.name} {noun}", hint=FACILITY_NOUNS[noun]))
    return extra


_QUOTES = re.compile("[\"“”‘’'«»]")


def _article_cues(plain: str) -> list[tuple[int, int]]:
    """(offset, trigger number) of every cue word in the article, sorted: which triggers each sentence may hold."""
    lowered = plain.lower()
    if len(lowered) != len(plain):
        lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in plain)
    hits = [(end, number) for end, numbers in CUE_AUTOMATON.iter(lowered) for number in numbers]
    hits.sort()
    return hits


def _trigger_matches(sentence: Sentence, plain: str, cues: list[tuple[int, int]]) -> list[tuple[int, int, Trigger]]:
    """Triggers in a sentence, matched on `plain` (the text with quote marks blanked, same offsets), so that
    'had "redeployed" from' still reads as a trigger; only triggers whose cue words occur in the sentence are
    tried, and only at the words their matches can start with; overlapping matches keep the longest."""
    first = bisect.bisect_left(cues, (sentence.start, -1))
    last = bisect.bisect_left(cues, (sentence.end, -1))
    numbers = {number for _, number in cues[first:last]} | UNCUED_TRIGGERS
    faithful = case_faithful(sentence.text)
    starts = _trigger_starts(sentence, numbers) if faithful else {}
    found = []
    for number in sorted(numbers):
        trigger = TRIGGERS[number]
        for match in (match_at(trigger.pattern, plain, starts.get(number, ()), sentence.end)
                      if faithful and trigger.openings else trigger.pattern.finditer(plain, sentence.start, sentence.end)):
            found.append((match.start(), match.end(), trigger))
    found.sort(key=lambda item: (item[0], -(item[1] - item[0])))
    kept: list[tuple[int, int, Trigger]] = []
    for item in found:
        if kept and item[0] < kept[-1][1]:
            continue
        kept.append(item)
    return kept


def _trigger_starts(sentence: Sentence, numbers: set[int]) -> dict[int, list[int]]:
    """Where in the sentence each of the triggers may match: the words its openings admit (the same words in
    plain)."""
    starts: dict[int, list[int]] = {}
    for offset, word in word_offsets(sentence.text):
        opened = OPENED_BY.get(word, ())
        if PREFIXED:
            opened += tuple(n for n in PREFIXED if word.startswith(TRIGGERS[n].openings.prefixes))
        for number in opened:
            if number in numbers:
                starts.setdefault(number, []).append(sentence.start + offset)
    return starts


NOUN_BEFORE = re.compile(r"(?:\b(?:the|a|an|its|their|his|her|our)|['’]s)\s+(?:(?:swift|quick|rapid|full|brief|recent|"
                         r"latest|final|total|complete|successful|[\w-]+(?:ive|al|ic|ful|ed|ent|ant|id|ous))\s+){0,2}$",
                         re.I)
# Trigger words that are also nouns: after "the", "its" or "X's" they name an event, not an act ("the recapture of")
NOUN_CAPABLE = re.compile(r"(?:capture|recapture|control|hold|advance|attack|assault|storm|siege|withdrawal|retreat|"
                          r"strikes?|raids?|shelling|bombing|takeover|fall|push|seizure|entry|breach|sweep|"
                          r"occupation|liberation)\b", re.I)
PARTICIPLE = re.compile(r"(?:\w+(?:ed|en|wn)|held|hit|struck|overrun|retaken|taken|seen|fought|shot|caught)\b", re.I)
PASSIVE_BEFORE = re.compile(r"\b(?:was|were|been|being|is|are|be|get|got)\s+(?:\w+ly\s+|also\s+|not\s+)?$", re.I)


def _frame(trigger: Trigger, start: int, end: int, text: str, sentence: Sentence,
           actors: list[Mention], places: list[Mention], attributions: list[Attribution], ctx: _Context):
    """Yields (actor, [(place, partial)], status, rule, actor_after) for one trigger."""
    voice = trigger.voice
    before = text[max(sentence.start, start - 40):start]
    if voice in ("active", "repel"):
        nominal = NOUN_BEFORE.search(before) and NOUN_CAPABLE.match(text[start:end])
        passive = PASSIVE_BEFORE.search(before) and PARTICIPLE.match(text[start:end])
        if trigger.rule != "presence-in" and (nominal or passive):
            return  # "the recapture of X" (a noun) or "they were captured celebrating" (passive, no agent)
        coordinated = ctx.sentence_subject is not None and COORDINATED_VERB.search(
            text[max(sentence.start, start - 30):start]) and not any(
            ctx.sentence_subject[1] <= a.start < start and not a.held
            and re.match(r"['’]?s?\s+(?!(?:of|in|at|on|near|from|to|and|or|with|by|for|the|a|an|into|over)\b)[a-z]+\b",
                         text[a.end:a.end + 30])
            for a in actors)  # "where Hamas fighters were hiding and had attacked": another subject
        # "its fighters had attacked the junta's militias at X and had taken Y": the first verb's subject
        actor = ctx.sentence_subject[0] if coordinated else _subject(start, text, sentence, actors, attributions, ctx)
        ctx.sentence_subject = (actor, end) if actor is not None else None
        if actor is None:
            return
        if trigger.rule == "captured" and PARTICIPLE_PHRASE.match(text[end:min(sentence.end, end + 90)]) \
                and not re.search(r"\b(?:which|that|who)\b[^,]{0,30}$", text[max(sentence.start, start - 40):start]):
            return  # "Russian troops captured in Kursk were exchanged": a participle, not a capture of Kursk
        objects = _objects(end, text, sentence, places, actors, ctx.trigger_starts, trigger.status)
        if not objects:
            objects = _where_antecedent(start, text, sentence, places)
        if not objects and voice == "repel":
            objects = _repel_place(end, text, sentence, places, ctx)
        if objects:
            yield actor, objects, trigger.status, trigger.rule, False
            attacker = [a for a in actors if start <= a.start < end and a.side != actor.side]
            if voice == "repel" and attacker:  # "repelled a Houthi assault on Hays": the Houthis contest it too
                yield attacker[0], objects, "contested", "repelled-assault-by", False
    elif voice == "noun":
        actor = _agent_of_noun(start, end, text, sentence, actors)
        ctx.sentence_subject = (actor, end) if actor is not None else None
        if actor is None:
            return
        objects = _objects(end, text, sentence, places, actors, ctx.trigger_starts, trigger.status) or \
            _casualty_place(start, text, sentence, places)
        if objects:
            yield actor, objects, trigger.status, trigger.rule, False
    elif voice == "passive":
        actor = next((a for a in actors if end <= a.start and re.fullmatch(r"[\s\w'’-]{0,30}", text[end:a.start])),
                     None)
        if actor is None:
            return
        subject = _passive_subject(start, text, sentence, places)
        if subject:
            yield actor, subject, trigger.status, trigger.rule, True
    elif voice == "agentless":  # "Robotyne has been fully liberated," the deputy minister said: her side took it
        if AGENTLESS_DOUBT.search(text, sentence.start, sentence.end):
            return
        speaker = next((a for a in sorted(attributions, key=lambda a: -a.scope_start)
                        if a.scope_start <= start <= a.scope_end and not a.denial), None)
        side = speaker.speaker_side if speaker is not None else ""
        if not side and speaker is None and ctx.statement is not None and ctx.statement[0] <= start < ctx.statement[1]:
            side = ctx.statement[2].side
        if not side:
            return
        subject = [(p, partial) for p, partial in _passive_subject(start, text, sentence, places)
                   if CLAUSE_OPENING.search(text[max(sentence.start, p.start - 40):p.start])]
        if subject:  # "Robotyne has been liberated", not "hostages held in Nuseirat have been freed"
            name = speaker.source.name if speaker is not None else ctx.statement[2].name
            yield Mention(start, end, name, "actor", name, side=side), subject, trigger.status, trigger.rule, True
    elif voice == "fall":
        if not any(a.denial and a.scope_start <= start <= a.scope_end for a in attributions):
            return
        after = _objects(end, text, sentence, places, [], ctx.trigger_starts)
        subject = after[:1] if re.match(r"fall\s+of", text[start:end], re.I) else \
            _passive_subject(start, text, sentence, places)
        if subject:
            yield Mention(start, end, "", "actor", "", side=UNKNOWN_SIDE), subject, trigger.status, trigger.rule, True
    elif voice == "flag":
        actor = next((a for a in reversed(actors) if a.end <= start and start - a.end <= 3), None)
        if actor is None:
            return
        objects = _objects(end, text, sentence, places, actors)
        if objects:
            yield actor, [(objects[0][0], False)], trigger.status, trigger.rule, False
    return


def _actor_frames(text: str, sentence: Sentence, actors: list[Mention], places: list[Mention]):
    """Frames carried by an actor mention itself: 'rebel-held Idlib', 'under government control'."""
    for actor in actors:
        if actor.held and actor.held != "besieged":
            held_end = actor.end + len(actor.held) + 1
            objects = [(p, partial) for p, partial in _objects(held_end, text, sentence, places, actors)
                       if HELD_GAP.match(text[held_end:p.start])]
            if objects:
                yield actor, objects[:1] if not objects[0][1] else objects, "controlled", f"{actor.held}-adjective", \
                    actor.start, actor.end + len(actor.held) + 1, False
        if IN_HANDS.search(text[max(sentence.start, actor.start - 40):actor.start]) and \
                re.match(r"\s+hands\b", text[actor.end:actor.end + 8]):  # "remains firmly in military hands"
            subject = _passive_subject(actor.start, text, sentence, places)
            if subject:
                yield actor, subject, "controlled", "in-actor-hands", actor.start, actor.end + 6, False
        siege = UNDER_SIEGE.match(text[actor.end:actor.end + 30])
        if siege and UNDER_ACTOR_CONTROL.search(text[max(sentence.start, actor.start - 30):actor.start]):
            subject = _passive_subject(actor.start, text, sentence, places)  # "remains under RSF siege"
            if subject:
                yield actor, subject, "contested", "under-actor-siege", actor.start, actor.end + siege.end(), True
        if STRONGHOLD_AFTER.match(text[actor.end:actor.end + 40]):  # "Rastan, a rebel stronghold"
            subject = _passive_subject(actor.start, text, sentence, places)
            if subject:
                yield actor, subject, "controlled", "actor-stronghold", actor.start, actor.end + 12, False
        if UNDER_ACTOR_CONTROL.search(text[max(sentence.start, actor.start - 30):actor.start]) \
                and CONTROL_AFTER_ACTOR.match(text[actor.end:actor.end + 12]):
            start = text.rfind("under", sentence.start, actor.start)
            subject = _passive_subject(start, text, sentence, places)
            if subject:
                yield actor, subject, "controlled", "under-actor-control", start, actor.end + 8, True


def _subject(trigger_start: int, text: str, sentence: Sentence, actors: list[Mention],
             attributions: list[Attribution], ctx: _Context) -> Mention | None:
    """The actor doing the trigger: the nearest actor before it in its clause, or a pronoun's referent."""
    window_start = sentence.start
    for attribution in attributions:  # "X said that Y took Z": look only inside the reported clause
        if attribution.scope_start <= trigger_start <= attribution.scope_end and attribution.scope_start > window_start:
            window_start = attribution.scope_start
    candidates = [a for a in actors if window_start <= a.start and a.end <= trigger_start and not a.held
                  and not (_possessive(a, text)
                           and not FORCE_AFTER.match(text[a.end:a.end + 40]))
                  or a.end == trigger_start]  # "the enemy's massacres": whose, not who; "the RSF's fighters": who
    candidates = [a for a in candidates
                  if not (NOT_SUBJECT_BEFORE.search(text[max(window_start, a.start - 30):a.start])
                          or OBJECT_OF_VERB.search(text[max(window_start, a.start - 30):a.start]))
                  or RELATIVE_AFTER.match(text[a.end:trigger_start])]
    # "Units of the national army, backed by the Arab coalition, entered X": the backer is not who entered
    candidates = [a for a in candidates if not BACKER_ASIDE.search(text[max(window_start, a.start - 80):a.start])
                  or not re.search(r",", text[a.end:trigger_start])]
    pronoun = None
    for match in SUBJECT_PRONOUN.finditer(text, window_start, trigger_start):
        pronoun = match
    actor = candidates[-1] if candidates else None
    if actor is not None:  # "KIA units and allied resistance fighters broke into": the first named leads
        for earlier in reversed(candidates[:-1]):
            if re.fullmatch(r"[\s\w'’-]{0,25}?\s+and\s+(?:(?:the\s+|their\s+|its\s+)?(?:allied|affiliated)\s+|other\s+)?",
                            text[earlier.end:actor.start]) and earlier.side != actor.side:
                actor = earlier
                break
    if pronoun is not None and (actor is None or pronoun.start() > actor.end):
        gap = text[pronoun.end():trigger_start]
        if len(gap.split()) <= 6 and not BLOCKERS.search(gap):
            return _pronoun_referent(pronoun, attributions, ctx, actors)
    if actor is None and ctx.statement is not None and ctx.statement[0] <= trigger_start < ctx.statement[1] \
            and ctx.statement[2].side and OWN_MEN.search(text, window_start, trigger_start):
        author = ctx.statement[2]  # "the mujahideen of the Islamic Resistance targeted", in its own statement
        return Mention(trigger_start, trigger_start, author.name, "actor", author.name, side=author.side)
    if actor is None:
        return _unknown_actor(text, window_start, trigger_start)
    gap = text[actor.end:trigger_start]
    civilians = CIVILIANS_BEFORE.search(gap)
    if civilians and not re.search(r"\band\s+(?:their\s+|its\s+|his\s+)?$", gap[:civilians.start()]):
        return None  # "RSF fighters attacked villages, and thousands of people have fled from Rufaa": civilians fled
        # (but "IS fighters and their families left Raqqa": the fighters left too)
    if BLOCKERS.search(gap) or len(gap.split()) > 20 or ";" in gap:
        return None
    if re.search(r"\bto\s*$", gap) and not re.search(r"\b(?:managed|succeeded|began|started|continued|continue|"
                                                     r"continues|went\s+on)\s+to\s*$", gap) \
            and not ORDERED_TO.search(gap):
        return None  # "vowed to take", "plans to capture"
    return actor


# Civilians as the subject just before a trigger: whoever was named before, they are who acts
CIVILIANS_BEFORE = re.compile(r"\b(?:people|civilians|residents|families|villagers|inhabitants|displaced|refugees|"
                              r"patients|children|women)\s+(?:(?:have|has|had|were|was|are|also|then|reportedly)\s+)*$",
                              re.I)
# "The Wagner Group seized", "Tuareg fighters overran": a named armed group no profile knows, right before its verb
UNKNOWN_ACTOR = re.compile(
    r"(?:^|[,;:]\s+|\bthat\s+|\band\s+)(?P<np>(?:the\s+)?(?:[A-Z][\w'’-]+\s+){1,4}?(?:[A-Z][\w'’-]+|forces|"
    r"fighters|militia|militias|brigade|brigades|battalion|group|army|troops|rebels|units|guerrillas|militants|"
    r"insurgents|paramilitaries))\s+(?:(?:has|have|had|reportedly|also|now|later|then|on\s+\w+day)\s+)*$")


def _unknown_actor(text: str, window_start: int, trigger_start: int) -> Mention | None:
    """An actor the profiles do not name, as written, with side 'unknown' (issue: actors no profile knows)."""
    match = UNKNOWN_ACTOR.search(text, window_start, trigger_start)
    if match is None:
        return None
    phrase = match.group("np")
    words = phrase.split()
    if words[0].lower() == "the":
        words = words[1:]
    if not words or words[0].lower() in NOT_ACTOR_WORDS or len(words) == 1 and words[0][:1].isupper() \
            and words[0].lower() not in ("rebels", "militants", "insurgents"):
        return None  # a lone capitalised word is more often a place or a person than an armed group
    start = match.start("np")
    return Mention(start, match.end("np"), phrase, "actor", phrase, side=UNKNOWN_SIDE)


NOT_ACTOR_WORDS = frozenset("""he she it they we i you this that these those there here reports report residents
witnesses officials sources activists people civilians police medics doctors observers analysts journalists
monday tuesday wednesday thursday friday saturday sunday january february march april may june july august
september october november december""".split())


def _possessive(actor: Mention, text: str) -> bool:
    """'the enemy's massacres', "RSF's": the actor names whose, not who."""
    return bool(re.search(r"['’]s?$", actor.text) or re.match(r"['’]s?\s", text[actor.end:actor.end + 3]))


# A speaker of no known side that "its forces" can belong to: an organisation, not a person or an office
ORGANISATION_SPEAKER = re.compile(r"^(?:the\s+)?(?:[\w'’-]+\s+){0,4}(?:alliance|coalition|front|movement|group|"
                                  r"organi[sz]ation|army|council|brigades?|forces|militia)$", re.I)


def _pronoun_referent(pronoun: re.Match, attributions: list[Attribution], ctx: _Context,
                      actors: list[Mention]) -> Mention | None:
    text = ctx.article.text
    claimant = CLAIMS_BY.search(text, max(ctx.sentence_start, pronoun.start() - 120), pronoun.start()) \
        if re.match(r"they\b|the\s+group", pronoun.group(0), re.I) else None
    if claimant is not None and claimant.group("who") \
            and not any(ctx.sentence_start <= a.start < claimant.start() for a in actors):
        # "Regarding the claims by the armed groups that they have seized X": they are the claimants
        named = [a for a in actors if claimant.start("who") <= a.start and a.end <= claimant.end("who")]
        if named:
            return named[-1]
        who = claimant.group("who")
        return Mention(claimant.start("who"), claimant.end("who"), who, "actor", who, side=UNKNOWN_SIDE)
    for attribution in attributions:  # "rebels said they had taken", "the ministry said its troops": the speaker
        if attribution.scope_start <= pronoun.start() <= attribution.scope_start + 12 and attribution.speaker_side:
            speaker = [a for a in actors if a.end <= attribution.scope_start and a.side == attribution.speaker_side]
            if speaker:
                return speaker[-1]
            source = attribution.source
            return Mention(pronoun.start(), pronoun.end(), source.name, "actor", source.name, side=source.side)
        if attribution.scope_start <= pronoun.start() <= attribution.scope_start + 12 \
                and re.match(r"its\s+(?:forces|troops|fighters|units|men|militants)\b", pronoun.group(0), re.I) \
                and ORGANISATION_SPEAKER.match(attribution.source.name):
            source = attribution.source  # "The Alliance claimed that its forces ...": its forces, whoever it is
            return Mention(pronoun.start(), pronoun.end(), source.name, "actor", source.name, side=UNKNOWN_SIDE)
    if re.match(r"we|our\b", pronoun.group(0), re.I):  # a statement in the first person: its author
        if ctx.statement is not None and ctx.statement[0] <= pronoun.start() < ctx.statement[1] \
                and ctx.statement[2].side:
            author = ctx.statement[2]
            return Mention(pronoun.start(), pronoun.end(), author.name, "actor", author.name, side=author.side)
        author = next((s for s in reversed(ctx.attributor.history) if s.side), None)
        if author is not None:
            return Mention(pronoun.start(), pronoun.end(), author.name, "actor", author.name, side=author.side)
    if ctx.sentence_opener is not None and re.match(r"its|their", pronoun.group(0), re.I) \
            and not text[ctx.sentence_start:pronoun.start()].strip(" \"“'‘"):
        return ctx.sentence_opener  # "Israel has declared war. Its aircraft struck ...": who opened the sentence before
    before = [a for a in actors if a.end <= pronoun.start() and not a.metonym and not a.held
              and not _possessive(a, ctx.article.text)]
    if not before and ctx.statement is not None and ctx.statement[0] <= pronoun.start() < ctx.statement[1] \
            and ctx.statement[2].side:  # "the fighters" in a group's own statement: its fighters
        author = ctx.statement[2]
        return Mention(pronoun.start(), pronoun.end(), author.name, "actor", author.name, side=author.side)
    group = re.match(r"the\s+(?:group|militia|faction|alliance|movement)", pronoun.group(0), re.I)
    if group:  # "the group" is an armed group, not a state's army
        before = [a for a in before if a.side != "government"]
        history = [a for a in (ctx.last_actor, ctx.last_agent) if a is not None and a.side != "government"]
        return before[-1] if before else (history[0] if history else None)
    if before:
        return before[-1]
    return ctx.last_actor or ctx.last_agent


PARTICIPLE_PHRASE = re.compile(r"\s+(?:in|at|near|during|while|on|by|after|when|last|earlier|inside|along)\b"
                               r"[^,.;]{0,60}?\b(?:was|were|are|is|have|has|had)\b", re.I)
# What a trigger acts on when it is not a place: "struck a deal in X", "took part in", "captured two soldiers in X"
NOT_TAKEN_NOUNS = re.compile(r"\b(?:deal|deals|agreement|accord|refuge|shelter|note|notice|photos?|footage|"
                             r"responsibility|credit|steps|measures|action|decision|pledge|vote|talks|oath|"
                             r"interviews?|selfies?|videos?|pictures?|meetings?|rall(?:y|ies)|funerals?|conferences?|ceremon(?:y|ies)|"
                             r"elections?|referendums?|hostages?|captives?|positions\s+open)$", re.I)
PEOPLE_NOUNS = re.compile(r"\b(?:soldiers?|troops|fighters?|servicem[ae]n|prisoners?|hostages?|captives?|civilians|"
                          r"people|men|women|children|members?|commanders?|officers?|leaders|elders|chiefs|officials|militants?|rebels?|gunmen|"
                          r"mercenaries|conscripts|recruits|pilots?|crew|journalists?|workers?|residents|weapons|"
                          r"vehicles?|tanks?|ammunition|equipment|arms|rifles|drones?|aircraft|jets?|helicopters?|"
                          r"trucks?|boats?|ships?|loot|cattle|documents)$", re.I)
# "the Ukrainian town of Avdiivka", "the Russian border town of Sudzha": a nationality describing the place
PLACE_NOUN_AFTER = re.compile(r"^\s+(?:[\w-]+\s+)?(?:town|city|village|region|province|oblast|port|capital|enclave|"
                              r"district|settlement|territory|side)\s+(?:of\s+)?$", re.I)
AIR_TARGETS = re.compile(r"\b(?:drones?|missiles?|rockets?|projectiles?|ships?|vessels?|tankers?|boats?|planes?|"
                         r"aircraft|jets?|helicopters?|balloons?)$", re.I)
# Sites inside a town: taking one is fighting in the town, not the town taken
SITE_NOUNS = re.compile(r"\b(?:station|stations|headquarters|hq|checkpoints?|buildings?|hills?|heights|barracks|"
                        r"posts?|outposts?|warehouses?|depots?|hospitals?|schools?|bridges?|factory|factories|"
                        r"compounds?|offices?|towers?|mosques?|churches|stadium|prison|jail|palace|ministry|"
                        r"sites?|plants?|facility|facilities|complex|silos?|mill|market|roundabout|square|bases?|academy|airports?|"
                        r"airfields?|garrisons?|divisions?|refinery|refineries|camps?|brigades?|regiments?|"
                        r"battalions?|command)$", re.I)


def _describes(actor: Mention, place: Mention, text: str) -> bool:
    """Whether an actor's adjective describes the place: "the Ukrainian town of Avdiivka", "the Russian border
    town of Sudzha"."""
    between = text[actor.end:place.start]
    return bool(PLACE_NOUN_AFTER.match(between) or re.fullmatch(r"\s+(?:[\w-]+\s+)?", between)
                and re.match(r"(?:town|city|village|region|province|oblast|port|district)\b", place.text, re.I))


def _object_head(lead: str) -> str:
    """The noun a trigger acts on before 'in/at X': 'a police station in' → 'station'; '' when the place follows."""
    match = re.match(r"^\s*(?:[\w'’-]+\s+){0,8}?([\w'’-]+)\s+(?:in|at|inside|near|on|across|around|of|over|off|above)\s+"
                     r"(?:the\s+)?(?:(?:town|city|village|district|area|province|region)\s+of\s+)?$", lead, re.I)
    if not match or re.match(r"^\s*(?:the\s+)?(?:town|city|village|area|district|outskirts|parts?|areas?|"
                             r"neighbou?rhoods?|sections?|quarters?|suburbs?|edges?|control|most|much|all|rest|"
                             r"remainder|remnants|centre|center|heart|entirety|whole)\b", lead, re.I):
        return ""
    return match.group(1)


def _objects(trigger_end: int, text: str, sentence: Sentence, places: list[Mention], actors: list[Mention],
             other_triggers: list[int] = (), status: str = "") -> list[tuple[Mention, bool]]:
    """The places a trigger acts on, with whether only part of each is meant.

    The object runs on through comma-separated coordinations ("X, as well as Y") and over asides
    ("X, which had been held by the army, ..."), whose places are not objects; it stops at a clause
    that is neither, at a word that starts a location phrase ("near", "located", "km from"), or at the
    next trigger.
    """
    result: list[tuple[Mention, bool]] = []
    cursor = trigger_end
    in_aside = False
    for place in (p for p in places if p.start >= trigger_end):
        between = text[cursor:place.start]
        pieces = between.split(",")
        if len(pieces) > 1:
            for number, piece in enumerate(pieces[1:], start=1):
                if COORDINATION.match(piece):
                    in_aside = False
                elif number == len(pieces) - 1 and not piece.strip() and len(pieces) == 2 \
                        and re.search(r"\b(?:capital|city|town|village|base|hub|port|stronghold)\s*$", pieces[0]):
                    in_aside = False  # "the state capital, Sittwe": the name of what was just named
                elif PARENTHETICAL_SEGMENT.match(piece) or not piece.strip():
                    in_aside = in_aside or bool(piece.strip())
                else:
                    return result  # a new clause: the object list is over
        tail_start = place.start - len(pieces[-1])
        tail = text[max(cursor, tail_start):place.start]
        if in_aside:
            cursor = place.end
            continue
        and_from = status == "withdrawn" and re.fullmatch(r"\s*,?\s*and\s+from\s+(?:the\s+)?(?:(?:town|city|village)\s+of\s+)?",
                                                         tail)
        if (OBJECT_STOP.search(tail) and not and_from) or any(max(cursor, tail_start) <= t < place.start
                                                               for t in other_triggers):
            break  # "located near X"; "capturing villages and closing in on X": X is the next trigger's
        if place.metonym:
            cursor = place.end
            continue
        if any(max(cursor, tail_start) <= a.start < place.start and not a.text.endswith(("'s", "’s")) and not a.held
               and not ENEMY_IN.match(text[a.end:place.start]) and not _describes(a, place, text)
               for a in actors) and not COORDINATION.search(tail):
            break  # another actor's clause; but "besieging rebels in Homs" names where the enemy is
        if len(tail.split()) > 12:
            break
        if result and re.search(r"\b(?:in|of|at|on)\s+(?:the\s+)?(?:\w+\s+){0,2}$", tail) \
                and not COORDINATION.search(tail):
            cursor = place.end  # "Maarat al-Numan in Idlib province": a locative, not an object
            continue
        lead = text[(tail_start if len(pieces) > 1 else trigger_end):place.start]
        partial = _is_partial(lead)
        if not result:
            head = _object_head(text[trigger_end:place.start])
            first_words = " ".join(text[trigger_end:place.start].split()[:3])
            if head and status == "attacked" and AIR_TARGETS.search(head):
                return result  # "fired on drones over Kyiv", "struck a tanker off Hodeidah": not an attack on the place
            if any(NOT_TAKEN_NOUNS.search(w) for w in first_words.split()) or head and (
                    NOT_TAKEN_NOUNS.search(head) or status not in ("attacked", "contested") and PEOPLE_NOUNS.search(head)):
                return result  # "captured two soldiers in Hama": Hama is where, not what was taken
            if head and status != "attacked" and SITE_NOUNS.search(head):
                partial = True  # "stormed a police station in X": fighting in X, not X taken
            if status != "attacked" and any(trigger_end <= a.start < place.start and not a.held
                                            and not _describes(a, place, text) for a in actors):
                partial = True  # "captured the army's bases in X", "besieging rebels in X": part of X
        result.append((place, partial))
        cursor = place.end
    return result


# ", the largest town in", ", a village of", ", one of the main towns in": an aside that locates the place before it
APPOSITIVE_LOCATOR = re.compile(r"^\s*,\s*(?:the|a|an|one\s+of\s+the)\s+[^,;()]{0,50}?\b(?:in|of)\s+(?:the\s+)?$", re.I)


def _where_antecedent(trigger_start: int, text: str, sentence: Sentence,
                      places: list[Mention]) -> list[tuple[Mention, bool]]:
    """'Ras al-Ain, where SDF fighters are holding out' and 'the Citadel, which the army has held': the place
    before the relative word."""
    where = [m for m in re.finditer(r",\s*(?:where\b|(?:which|that)\s+(?=(?:the\s+)?[\w'’-]+(?:\s+[\w'’-]+)?\s+"
                                    r"(?:has|have|had|is|are|was|were|still|now)?\s*$))",
                                    text[sentence.start:trigger_start])]
    if not where:
        return []
    cut = sentence.start + where[-1].start()
    before = [p for p in places if p.end <= cut and not p.metonym]
    if before and not text[before[-1].end:cut].strip(" )\"”"):
        antecedent = before[-1]
        if len(before) > 1 and APPOSITIVE_LOCATOR.match(text[before[-2].end:antecedent.start]):
            antecedent = before[-2]  # "En Nahud, the largest town in West Kordofan, which they seized": the town
        lead = text[trigger_start:min(sentence.end, trigger_start + 60)]
        return [(antecedent, bool(re.search(r"\b(?:neighbou?rhoods|districts|parts|areas|quarters)\b", lead, re.I)))]
    return []


CASUALTY_IN = re.compile(r"\b(?:killed|wounded|injured|died|dead|hurt)\b[^.;]{0,60}?\bin\s+(?:the\s+)?"
                         r"(?:\w+\s+){0,3}$", re.I)


def _casualty_place(trigger_start: int, text: str, sentence: Sentence,
                    places: list[Mention]) -> list[tuple[Mention, bool]]:
    """'four civilians were killed in Aleppo following shelling by insurgents': the attack was on Aleppo."""
    before = [p for p in places if sentence.start <= p.start and p.end <= trigger_start and not p.metonym]
    if not before or len(text[before[-1].end:trigger_start].split()) > 4:
        return []
    if not CASUALTY_IN.search(text[max(sentence.start, before[-1].start - 80):before[-1].start]):
        return []
    return [(before[-1], False)]


NEAR_BEFORE = re.compile(r"\b(?:near|outside|around|close\s+to|in\s+the\s+direction\s+of)\s+(?:the\s+(?:village|town|"
                         r"city)\s+of\s+)?$", re.I)


def _repel_place(trigger_end: int, text: str, sentence: Sentence, places: list[Mention],
                 ctx: _Context) -> list[tuple[Mention, bool]]:
    """Where an attack was repelled when no place follows: the last settlement named before; nothing when the
    sentence says where in words no gazetteer holds ("on its positions near the dam")."""
    if re.search(r"\b(?:near|on|in|at|around|outside)\s+(?:the|its|their|our)\s+(?:\w+\s+)?(?:positions?|dam|bridge|"
                 r"base|airport|village|town|city|outskirts|area|front|frontline|camp|road|border|crossing|district|"
                 r"neighbou?rhood|hill|plant|field|lines?|axis)\b", text[trigger_end:sentence.end], re.I):
        return []
    near = [p for p in places if p.start >= trigger_end and p.hint in ("", "city", "town", "village")
            and not p.metonym and not p.side and NEAR_BEFORE.search(text[trigger_end:p.start])]
    if near:  # "repelled 14 attacks near Novomykhailivka": there, not at the place the sentence before named
        return [(near[0], False)]
    earlier = [p for p in places if p.end <= trigger_end and p.hint in ("", "city", "town")]
    pool = earlier or [p for p in ctx.last_places if p.hint in ("", "city", "town")]
    if not pool:
        return []
    return [(pool[-1], False)]


def _agent_of_noun(start: int, end: int, text: str, sentence: Sentence, actors: list[Mention]) -> Mention | None:
    """'Russian airstrikes on X' (actor right before), 'shelling by insurgents on X' (after 'by')."""
    by = re.search(r"\bby\s+", text[start:end])
    if by:
        after = [a for a in actors if start + by.end() <= a.start < end]
        if after:
            return after[0]
    holding = [a for a in actors if a.start < start < a.end or a.start < end <= a.end]
    if holding:
        return holding[0]  # "Israeli strikes on Gaza": the actor's own name holds the noun
    before = [a for a in actors if a.end <= start and not a.held]
    if before:
        gap = text[before[-1].end:start]
        if len(gap.split()) <= 6 and not BLOCKERS.search(gap) and not re.search(r"[,;]", gap) \
                and not re.search(r"\b(?:said|says|say|told|reported|reports|accused|blamed|"
                                  r"denied|announced|added|stated|described|condemned)\b", gap, re.I) \
                and not NOT_SUBJECT_BEFORE.search(text[max(sentence.start, before[-1].start - 12):before[-1].start]):
            return before[-1]
    following = re.match(r"\s*by\s+(?:the\s+)?", text[end:end + 12])
    if following:
        after = [a for a in actors if end <= a.start <= end + 20]
        if after:
            return after[0]
    return None


def _passive_subject(trigger_start: int, text: str, sentence: Sentence,
                     places: list[Mention]) -> list[tuple[Mention, bool]]:
    """The place a passive trigger is about: the nearest place before it in the same clause."""
    asides = _asides(text, sentence.start, trigger_start)
    before = [p for p in places if sentence.start <= p.start and p.end <= trigger_start and not p.metonym
              and not any(a <= p.start < b for a, b in asides)
              and not LOCATION_BEFORE.search(text[max(sentence.start, p.start - 30):p.start])]
    if not before:
        return []
    place = before[-1]
    gap = text[place.end:trigger_start]
    outside_asides = len(gap.split()) - sum(len(text[a:b].split()) for a, b in asides if place.end <= a < trigger_start)
    if outside_asides > 16 or ";" in gap:
        return []
    pieces = gap.split(",")[1:]
    for number, piece in enumerate(pieces, start=1):
        if number == len(pieces) and re.fullmatch(r"\s*(?:(?:has|have|had|is|are|was|were|will|would)\s*)?(?:\w+ly\s*)?",
                                                  piece):
            continue  # "Taiz, held by government forces, has been besieged": the auxiliary of the trigger
        if piece.strip() and not PARENTHETICAL_SEGMENT.match(piece) and not re.match(r"\s*(?:that|once)\b", piece):
            return []
    lead = text[max(sentence.start, place.start - 40):place.start]
    return [(place, _is_partial(lead))]


# A sentence adverb before the first comma ("Currently,", "Meanwhile,"): not a place an aside could follow
OPENING_WORD = re.compile(r"\s*(?:[a-z]+ly|meanwhile|however|now|today|yesterday|tonight|separately|elsewhere|still|"
                          r"overnight|later|earlier|instead|nonetheless|moreover|also|then|there|here)\s*", re.I)


def _asides(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Comma-closed asides between start and end (", a strategic town on the M5,"): their places are not subjects."""
    commas = [m.start() for m in re.finditer(",", text[start:end])]
    spans = []
    for left, right in zip(commas, commas[1:]):
        piece = text[start + left + 1:start + right]
        if left == commas[0] and OPENING_WORD.fullmatch(text, start, start + left):
            continue  # "Currently, only a few neighbourhoods ...,": the comma after an opening word opens no aside
        if PARENTHETICAL_SEGMENT.match(piece):
            spans.append((start + left, start + right))
    return spans


def _is_partial(lead: str) -> bool:
    """Whether the words right before a place say only part of it is meant ('parts of', 'areas in')."""
    for match in PARTIAL.finditer(lead):
        if len(lead[match.end():].split()) <= 3:
            return True
    return False


def _make_claim(ctx: _Context, sentence: Sentence, trigger: Trigger, t_start: int, t_end: int, actor: Mention,
                place: Mention, partial: bool, status: str, rule: str, attributions: list[Attribution],
                actor_after: bool) -> Claim | None:
    text = ctx.article.text
    if place.metonym:
        return None
    if rule == "controls" and re.search(r"\bthe\s+$", text[max(0, t_start - 5):t_start], re.I):
        return None  # "the occupied West Bank" describes the place; it reports no claim
    if rule == "left" and DEPARTING.search(text, max(sentence.start, t_start - 40), t_start):
        return None  # "the army column that left Gao": where it set out from, not a withdrawal
    if sentence.text.rstrip(" \"”’)").endswith("?") and not ANSWER_THEN_QUESTION.search(text, t_end, sentence.end):
        return None  # "Can you confirm that Nyabibwe is under the control of the rebels?": a question
    is_point = place.hint in POINT_HINTS
    is_area = place.hint in ("admin1", "region")
    partial = partial or bool(CITY_PART.match(place.text))
    if status == PRESENCE:
        if actor.end <= t_start and re.fullmatch(r"\s*,\s*", text[actor.end:t_start]):
            return None  # "Burundian troops, deployed in South Kivu since 2023, ...": who they are, not the news
        status = "controlled" if is_point and not partial else "contested"
    elif partial and status in ("captured", "controlled") and not is_area:
        status = "contested"
    if rule == "captured" and re.match(r"storm", text[t_start:t_end], re.I) and EVENT_OBJECT.match(text[t_end:place.start]):
        status = "attacked"
    if status == "contested" and rule == "attacked-positions-in" and (
            AERIAL.search(actor.text) or AERIAL_MEANS.search(text, t_end, sentence.end)):
        status = "attacked"  # "Israeli jets attacked army bases in X", "attacked positions in X with drones"
    side = actor.side or UNKNOWN_SIDE
    first = min([t_start] + [m.start for m in (actor, place) if sentence.start <= m.start < t_start])
    clause_start = sentence.start + max([0] + [m.end() for m in re.finditer(r"[,;:]", text[sentence.start:first])])
    source, denial = _source_for(t_start, attributions, ctx, sentence)
    if ctx.under_check and (source.is_article or source.kind == "anonymous" or not source.side):
        return None  # what a fact-check examines is not what it reports (a side's own claim stays that side's)
    if source is ctx.speaker and REPORTED_BEFORE.search(text, sentence.start, t_start):
        return None  # "KANYUKA: Kinshasa lies when it says the FARDC retook Nyabibwe": not the speaker's claim
    if denial and ASSERTION_AFTER_DENIAL.search(text, sentence.start, t_start):
        denial = False  # "denied that the army had returned, saying the rebels remain in control": an assertion
    if VERDICT_AFTER.match(text, t_end, sentence.end):
        return None  # "We rate the claim that Russian troops captured Vasylkiv air base FALSE": a fact-check's verdict
    if REPORTED_CLAIM.search(text, sentence.start, t_start) and FALSE_AFTER.match(text[t_end:sentence.end]):
        denial = True  # "the army said claims that rebels had taken X are false"
    if CONDITIONAL.search(text, clause_start, t_start) or not denial and DOUBT.search(text, clause_start, t_start):
        return None  # "if rebels take X", "asked whether", "could not confirm reports that rebels took X"
    if denial:
        if status not in ("captured", "controlled", "contested"):
            return None
        if actor.side and source.side == actor.side:
            return None  # "M23 denied it had captured Uvira" says nothing of who holds Uvira
        status = "denied"
        side = source.side or _other_side(side, ctx.profile)
        if not side:
            return None
    in_sentence = [m for m in (actor, place) if sentence.start <= m.start and m.end <= sentence.end]
    span_start = min([t_start] + [m.start for m in in_sentence])
    span_end = max([t_end] + [m.end for m in in_sentence])
    span_start, span_end = _trim_quote(text, span_start, span_end, sentence)
    past, year = _past(text, sentence, t_start, span_end, ctx)
    date = claim_date(sentence.text, t_start - sentence.start, ctx.article.published) if not past else \
        (f"{year}" if year else "")
    return Claim(
        article_id=ctx.article.id, article_name=ctx.article.name, place_as_written=place.text,
        place_hint=place.name, kind_hint=place.hint, actor=re.sub(r"['’]s?$", "", actor.text),
        side=side, status=Status(status), source=source, quote=text[span_start:span_end],
        start=span_start, end=span_end, rule=rule, date=date, past=past, region=ctx.profile.countries,
        zone=ctx.profile.zone, nearby=tuple(dict.fromkeys(p.name for p in ctx.sentence_places
                                                          if p.name != place.name and not p.metonym and not p.side)),
        **_located_by(text, place, ctx.sentence_places, ctx.last_places),
    )


# "Pobieda, south-west of Marinka", "Kozachi Laheri, 12 km north of Kherson", "a village near Pokrovsk": the place
# named right after the locating words is where the first one lies, in that direction and at that distance.
LOCATED_BY = re.compile(r"\s*,?\s*(?:(?:about|some|around|roughly|nearly|just)\s+)?(?:(?P<distance>\d+(?:\.\d+)?)\s*"
                        r"(?P<unit>km|kilomet(?:er|re)s?|miles?)\s+(?:\(\d+\s*\w+\)\s+)?)?(?:(?:to\s+the\s+)?"
                        r"(?P<direction>(?:north|south)(?:[- ]?(?:east|west))?|east|west)(?:ern)?\s+of|"
                        r"(?P<close>near|outside|close\s+to|on\s+the\s+outskirts\s+of)|(?P<from>from))"
                        r"\s+(?:the\s+(?:city|town|village)\s+of\s+)?(?:the\s+)?", re.I)
NEIGHBOURING = re.compile(r"\b(?:neighbou?ring|nearby|adjacent|adjoining)\b", re.I)
BEARINGS = {"north": 0.0, "northeast": 45.0, "east": 90.0, "southeast": 135.0, "south": 180.0, "southwest": 225.0,
            "west": 270.0, "northwest": 315.0}


def _located_by(text: str, place: Mention, places: list[Mention], earlier: list[Mention]) -> dict:
    """The place the text locates this one by, and how far and in which direction when it says: the place
    named right after locating words ("12 km north of Kherson", "near Pokrovsk"), or, for "the neighbouring
    town of X", the place named before it (`earlier`: the places of the sentences before)."""
    after = [p for p in places if p.start >= place.end and not p.metonym and not p.side and p.name != place.name]
    found = LOCATED_BY.fullmatch(text[place.end:after[0].start]) if after else None
    if found and not (found["from"] and not found["distance"]):  # "from" only with a distance ("10 km from Y")
        located = {"near": after[0].name}
        if found["distance"]:
            miles = found["unit"].lower().startswith("mile")
            located["near_km"] = float(found["distance"]) * (1.609 if miles else 1.0)
        if found["direction"]:
            located["near_bearing"] = BEARINGS[re.sub(r"[- ]", "", found["direction"].lower())]
        return located
    if NEIGHBOURING.search(place.text):  # its neighbour: the place named before it, in this sentence or earlier
        before = [p for p in (*earlier, *(p for p in places if p.end <= place.start))
                  if not p.metonym and not p.side and p.name != place.name]
        if before:
            return {"near": before[-1].name}
    return {}


AERIAL = re.compile(r"\b(?:jets?|warplanes?|aircraft|air\s*force|drones?|missiles?|artillery|helicopters?|navy|"
                    r"gunboats?|warships?|bombers?|rockets?)\b", re.I)
AERIAL_MEANS = re.compile(r"\bwith\s+(?:\w+\s+){0,2}(?:drones?|missiles?|rockets?|artillery|shells|air\s*strikes|mortars?)\b",
                          re.I)
ASSERTION_AFTER_DENIAL = re.compile(r",\s*(?:saying|adding|insisting|stressing|and\s+said|and\s+added)\b", re.I)
REPORTED_CLAIM = re.compile(r"\b(?:claims?|reports?|allegations?|assertions?|statements?)\s+(?:by\s+[^,;]{1,40}?\s+)?"
                            r"(?:that\b|(?=[\w'’-]+(?:\s+[\w'’-]+){0,3}\s+(?:had|has|have|was|were)\b))",
                            re.I)


def _trim_quote(text: str, start: int, end: int, sentence: Sentence) -> tuple[int, int]:
    start = max(start, sentence.start)
    end = min(end, sentence.end)
    close, opening = text.find(")", start, end), text.find("(", start, end)
    if close != -1 and (opening == -1 or close < opening):  # "SDF) reportedly": begin with the name it abbreviates
        left = text.rfind("(", sentence.start, start)
        if left != -1:
            name = re.search(r"(?:[A-Z][\w'’-]*\s+(?:(?:of|for|the|al|and)\s+)?)*$", text[sentence.start:left])
            start = sentence.start + name.start() if name and name.group(0).strip() else left
    while start < end and text[start] in " ,;:(\"“":
        start += 1
    while end > start and text[end - 1] in " ,;:)\"”":
        end -= 1
    return start, end


def _source_for(position: int, attributions: list[Attribution], ctx: _Context,
                sentence: Sentence) -> tuple[Source, bool]:
    covering = [a for a in attributions if a.scope_start <= position <= a.scope_end]
    if covering:
        best = max(covering, key=lambda a: a.scope_start)
        return best.source, best.denial
    if ctx.speaker is not None:
        return ctx.speaker, False  # a turn of a transcript: its speaker says it
    if ctx.paragraph_source is not None and CONTINUATION.match(sentence.text):
        return ctx.paragraph_source, False
    if ctx.statement is not None and ctx.statement[0] <= position < ctx.statement[1]:
        return ctx.statement[2], False  # a sentence of a published statement: its author says it
    return article_source(), False


VERDICT_AFTER = re.compile(r"[^.;]{0,80}?\b(?-i:FALSE|MISLEADING|FAKE|UNPROVEN|UNSUPPORTED|INCORRECT|MOSTLY FALSE)\b")
CHECKED_CLAIM = re.compile(r"\s*(?:the\s+)?(?:claims?|allegations?)\s*:", re.I)
DEPARTING = re.compile(r"\b(?:column|convoy|patrol|reinforcements|units?|troops|force)\s+(?:that|which)\s+(?:had\s+)?$",
                       re.I)
# What ends a statement before a question in the same sentence: "Russia captures Pokrovsk: what next?",
# "Rebels took Saraqib, so who will defend Idlib?"
ANSWER_THEN_QUESTION = re.compile(r"[:;—–]|,\s+(?:so|but|and|leaving|raising)\b", re.I)
# A transcript's turn: "EKENGE: ...", "MUYAYA (opening statement): ...", "CORRESPONDENT (Espoir Bahati): ..."
SPEAKER_LABEL = re.compile(r"\s*(?P<label>[A-Z][A-Z'’.-]+(?:\s+[A-Z][A-Z'’.-]+){0,3})(?:\s*\((?P<aside>[^)]{1,60})\))?\s*:\s")
REPORTER_ROLES = frozenset({"CORRESPONDENT", "REPORTER"})
HOST_ROLES = frozenset({"Q", "QUESTION", "PRESENTER", "ANCHOR", "HOST", "INTERVIEWER", "MODERATOR"})


def _speaker(opening: str, ctx: _Context) -> Source | None:
    """The speaker a paragraph opens with in a transcript, as the article names them in full: the reporter
    named in brackets after CORRESPONDENT, or the person whose surname the label is ("EKENGE" → "General
    Sylvain Ekenge", found written out in the article). The host's turns are the outlet's; a label the article
    never gives a full name for (a dateline, "BREAKING") is no speaker."""
    match = SPEAKER_LABEL.match(opening)
    if match is None or len(match.group("label")) < 2:
        return None
    label, aside = match.group("label"), match.group("aside") or ""
    turns = re.findall(rf"(?:^|\n)\s*{re.escape(label)}\s*(?:\([^)\n]{{1,60}}\))?\s*:", ctx.article.text)
    if len(turns) < 2:
        return None  # a speaker speaks more than once; a dateline ("KYIV:") or a section label opens one paragraph
    if label in HOST_ROLES:
        return None  # the outlet's own voice (and its questions are no claims)
    if label in REPORTER_ROLES:
        return Source(name=aside.strip(), kind="media") if re.fullmatch(r"[A-Z][\w.'’ -]+", aside.strip()) else None
    surname = label.split()[-1].title()
    full = re.search(rf"\b((?:(?:[A-Z][a-z'’-]+|[A-Z]\.|al|el|bin)[ \t]+){{1,3}}){re.escape(surname)}\b", ctx.article.text)
    if full is None or any(word.lower().strip("'’-") in NOT_NAME_WORDS or "-" in word for word in full.group(1).split()):
        return None
    return Source(name=f"{full.group(1)}{surname}", kind="official")


NOT_NAME_WORDS = frozenset("in at of from to the a an near and or by on for with north south east west northern "
                           "southern eastern western central greater rural old new upper lower northwest northeast "
                           "southwest southeast port human rights watch monday tuesday wednesday thursday friday "
                           "saturday sunday".split())


def _other_side(side: str, profile: Profile) -> str:
    """The side a denial says still holds a place: the other of a two-sided war, else ''."""
    main = [s for s in profile.sides if s != side]
    if side == "opposition" and "government" in profile.sides:
        return "government"
    if side == "government" and "opposition" in profile.sides:
        return "opposition"
    return main[0] if len(profile.sides) == 2 and main else ""


def _past(text: str, sentence: Sentence, t_start: int, span_end: int, ctx: _Context) -> tuple[bool, int]:
    """Whether a claim tells of an earlier state ('had been held since 2020', 'fell in 2016')."""
    before = text[max(sentence.start, t_start - 30):t_start]
    after = text[span_end:min(sentence.end, span_end + 40)]
    year_match = YEAR.search(after) or YEAR.search(text[t_start:span_end]) or YEAR.search(text[sentence.start:t_start])
    year = int(year_match.group(1)) if year_match else 0
    if year and "first time since" in text[max(sentence.start, span_end - 10):span_end + 40]:
        year = 0
    this_year = ctx.year or 9999
    if PAST_MARK.search(before) or PAST_MARK.search(text[t_start:t_start + 20]):
        return True, year
    if re.search(r"\bhad\s+been\s+(?:\w+ly\s+)?$", before) and not REPORTED_BEFORE.search(text, sentence.start, t_start):
        return True, year  # "Kherson had been captured by Russia in March": pluperfect outside reported speech
    if year and year < this_year:
        return True, year
    clause = text[t_start:min(sentence.end, span_end + 60)]
    clause = CLAUSE_END.split(clause[span_end - t_start:], maxsplit=1)[0]
    clause = text[t_start:span_end] + clause
    earlier = EARLIER.search(clause)
    if earlier and not RECENT_DAY.search(clause):
        month = earlier.group("month")
        published_month = int(ctx.article.published[5:7]) if len(ctx.article.published) >= 7 else 0
        if not month or not published_month or (published_month - MONTH_NUMBERS[month.lower()]) % 12 >= 2:
            return True, year
    return False, 0


# Where the clause of a claim ends, for dating it: not at a comma that opens a locator or a date
CLAUSE_END = re.compile(r"[;(]|,(?!\s*(?:(?:north|south|east|west)\w*\s+of|near|about|some|outside|just|in|during|"
                        r"early|late|\d+\s*(?:km|kilomet)))|\b(?:which|that|who|where|after|before|since|while|when|"
                        r"but|and\s+(?:the|its|their))\b", re.I)
RECENT_DAY = re.compile(r"\b(?:on\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|yesterday|"
                        r"overnight|this\s+week|last\s+night)\b", re.I)
REPORTED_BEFORE = re.compile(rf"\b(?:{REPORTING_VERBS}|according)\b", re.I)
MONTH_NUMBERS = {name: number for number, name in enumerate(MONTHS, start=1)}


def _dedupe(claims: list[Claim]) -> list[Claim]:
    """One claim per place, side, status and source where two rules read the same words."""
    unique: list[Claim] = []
    for claim in claims:
        key = (claim.place_hint.lower(), claim.kind_hint, claim.side, claim.status, claim.source.name)
        if any((c.place_hint.lower(), c.kind_hint, c.side, c.status, c.source.name) == key and c.start < claim.end
               and claim.start < c.end for c in unique):
            continue
        unique.append(claim)
    return unique
