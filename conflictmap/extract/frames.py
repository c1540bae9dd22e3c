"""Claim frames: trigger phrases and where their actor and places stand around them.

A frame is a trigger (a verb or noun phrase such as "seized control of", "fell to", "airstrikes on")
with a voice that says where to look for the actor and the places:
- active: the actor before the trigger, the places after it ("rebels captured Saraqib");
- passive: the places before, the actor after ("Saraqib fell to rebels");
- agentive noun: the actor right before or after the noun ("Russian airstrikes on Idlib",
  "shelling by insurgents");
- held: an actor-held adjective before the places ("rebel-held Idlib");
- flag: a side's flag raised over a place.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .mentions import Openings, openings


# kinds of status a trigger gives before the place is known; 'presence' becomes controlled or contested
PRESENCE = "presence"


@dataclass(frozen=True)
class Trigger:
    pattern: re.Pattern
    status: str
    voice: str   # active, passive, noun, flag, repel
    rule: str
    cues: tuple[str, ...] = ()  # words one of which every match contains: a cheap test before the regex
    openings: Openings = field(default_factory=Openings)  # the words every match starts with (when known)

    def may_match(self, lowered: str) -> bool:
        return not self.cues or any(cue in lowered for cue in self.cues)


def _t(regex: str, status: str, voice: str, rule: str) -> Trigger:
    pattern = re.compile(regex, re.I)
    return Trigger(pattern, status, voice, rule, _required_words(regex), openings(pattern))


_OPTIONAL_GROUP = re.compile(r"\((?:\?[:!=<]+)?[^()]*\)(?:\?|\*|\{0,\d*\})")


def _required_words(regex: str) -> tuple[str, ...]:
    """Words one of which every match of the pattern contains (each alternative's first word outside optional
    parts); empty, meaning try the pattern everywhere, when some alternative has none."""
    body = re.sub(r"\\[a-zA-Z]", " ", regex.lower())
    body = re.sub(r"\[[^\]]*\]", " ", body)  # character classes
    body = re.sub(r"[a-z]\?", " ", body)  # an optional letter ends the word there: "strikes?" → "strike"
    while True:  # drop optional parts, innermost first
        reduced = _OPTIONAL_GROUP.sub(" ", body)
        if reduced == body:
            break
        body = reduced
    body = re.sub(r"\(\?[!=]|\(\?<[!=]", "(?:", body)  # lookarounds scanned like groups, never required below
    words = _alternation_words(body)
    return tuple(sorted(words)) if words else ()


def _split_top(expr: str) -> list[str]:
    depth, parts, current = 0, [], ""
    for ch in expr:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "|" and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    return parts + [current]


def _alternation_words(expr: str) -> set[str] | None:
    words: set[str] = set()
    for alternative in _split_top(expr):
        found = _sequence_words(alternative)
        if not found:
            return None
        words |= found
    return words


def _sequence_words(seq: str) -> set[str] | None:
    """The first required word of a sequence, or every word of its first required group."""
    position = 0
    while position < len(seq):
        if seq[position] == "(":
            depth, end = 0, position
            for end in range(position, len(seq)):
                depth += {"(": 1, ")": -1}.get(seq[end], 0)
                if depth == 0:
                    break
            inner = re.sub(r"^\(\?:?", "", seq[position:end])
            if not seq.startswith(("(?!", "(?<!"), position):  # a negative lookaround requires nothing
                found = _alternation_words(inner)
                if found:
                    return found
            position = end + 1
            continue
        literal = re.match(r"[^(]*", seq[position:]).group(0)
        word = re.search(r"[a-z]{3,}", literal)
        if word:
            return {word.group(0)}
        position += len(literal)
    return None


_CTRL = r"(?:full\s+|complete\s+|total\s+|effective\s+|firm\s+|partial\s+)?control"
TRIGGERS: tuple[Trigger, ...] = (
    # captured, active
    _t(rf"\b(?:seized|seize|seizes|seizing|taken|took|take|takes|taking|gained|gain|gains|gaining|assumed|"
       rf"regained|regain|regaining|wrested|wrest|wresting|retook|retake|retaken|retaking|grabbed)\s+{_CTRL}\s+(?:of|over)\b",
       "captured", "active", "took-control-of"),
    _t(r"\b(?:captured|capture|captures|capturing|seized|seize|seizes|seizing|overran|overrun|overruns|overrunning|"
       r"retook|retake|retakes|retaken|retaking|recaptured|recapture|recaptures|recapturing|reclaimed|reclaiming|"
       r"liberated|liberate|liberates|liberating|stormed|storm|storms|storming|conquered|"
       r"took\s+over|taken\s+over|taking\s+over|take\s+over)\b", "captured", "active", "captured"),
    _t(r"\b(?:took|taken|take|takes|taking)\b(?!\s+up\b)(?=\s+(?:the\s+(?:\w+\s+){0,3}?(?:town|city|village|airport|base|"
       r"air\s+base|district|neighbou?rhood|citadel|crossing|field|oil\s+field|dam|bridge|port|seaport|refinery|"
       r"area|camp|hill|heights|corridor|junction|province|region|state)\b|the\s+(?-i:[A-Z])|(?:(?:the|an?|its|their)\s+)?(?:[\w'’-]+\s+){0,3}?"
       r"(?:bases?|headquarters|barracks|garrisons?|camps?|airports?|checkpoints?|positions|outposts?)\s+"
       r"(?:in|at|of|near|around)\b|(?-i:[A-Z])))", "captured", "active", "took"),
    # controlled, active
    _t(r"\b(?:consolidated|consolidate|consolidates|consolidating|asserted|assert|asserts|asserting|maintained|"
       r"maintain|maintains|maintaining|extended|extend|extends|extending|tightened|tighten|tightening|retained|"
       r"retain|retains|exercise|exercises|exercised|kept|keep|keeps|cemented|established)\s+"
       r"(?:\w+\s+){0,3}?(?:control|hold|grip|authority)\s+(?:over|of|on|in)\b", "controlled", "active",
       "asserted-control"),
    _t(r"\b(?:in\s+(?:full\s+|complete\s+|effective\s+)?control\s+of)", "controlled", "active", "in-control-of"),
    _t(r"\b(?:(?:has|have)\s+(?:\w+\s+)?held|(?:still|firmly|already|now)\s+held|(?:is|are)\s+(?:still\s+)?occupying|occupying|"
       r"controls|control|controlled|controlling|holds|hold|holding|occupies|occupy|occupied|run|runs|"
       r"dominate|dominates|rule|rules)\b(?!\s+(?:of|over|talks|meetings|elections|by|a\s+(?:meeting|vote|rally)))",
       "controlled", "active", "controls"),
    # state media's idiom for a recapture: "restored security and stability to X"
    _t(r"\b(?:restored|restore|restores|restoring|re-established|reestablished)\s+(?:security|stability|control|"
       r"order|calm|state\s+authority)(?:\s+and\s+(?:security|stability|order|calm))?\s+(?:to|in|over)\b",
       "captured", "active", "restored-security-to"),
    # contested, active
    _t(r"\b(?:advanced|advancing|advance|advances|pushed|pushing|push|pushes|moved|moving|marched|marching|rolled|"
       r"rolling|drove|driving|thrust|thrusting)\s+(?:deeper\s+|further\s+|on\s+|(?:north|south|east|west)(?:ward)?\s+)?"
       r"(?:on|into|toward|towards|to)\b",
       "contested", "active", "advanced-on"),
    _t(r"\b(?:fought|fighting|fight|fights|pushed|pushing|battled|battling|forced|forcing|clawed|clawing)\s+"
       r"(?:their|its|his)\s+way\s+(?:into|to|toward|towards|through)\b", "contested", "active", "fought-way-into"),
    _t(r"\b(?:operating|operate|operates|operated|deployed|stationed|dug\s+in|entrenched)\s+(?:in|inside)\b",
       PRESENCE, "active", "operating-in"),
    _t(r"\b(?:patrolling|patrolled)\s+(?:in\s+|inside\s+)?", PRESENCE, "active", "patrolling"),
    _t(r"\b(?:completed|complete|completes|completing|finished|concluded)\s+(?:the|its|their)\s+(?:\w+\s+)?"
       r"(?:liberation|capture|seizure|takeover|clearing|occupation)\s+of\b", "captured", "active", "completed-capture-of"),
    _t(r"\b(?:remain|remains|remained|stay|stays|stayed)\s+(?:\w+\s+)?(?:in|inside)\b", "controlled", "active",
       "remain-in"),
    _t(r"\b(?:attacked|attack|attacks|attacking|assaulted|assaulting|stormed)\s+(?:the\s+)?(?:[\w'’-]+\s+){0,3}?"
       r"(?:positions|bases|outposts|posts|camps|defences|defenses|lines)\s+(?:in|at|around|near)\b",
       "contested", "active", "attacked-positions-in"),
    _t(r"\b(?:closing|closed|close|closes|closer)\s+in\s+on\b", "contested", "active", "closing-in-on"),
    _t(r"\b(?:besieged|besieging|besiege|besieges|encircled|encircling|encircle|encircles|laid\s+siege\s+to|"
       r"lay\s+siege\s+to|laying\s+siege\s+to)\b", "contested", "active", "besieged"),
    _t(r"\b(?:fighting|fought|fight|fights|clashed|clashing|clash|battled|battling|battle)\s+"
       r"(?:\w+\s+){0,3}?(?:in|for|inside|around|over)\b", "contested", "active", "fighting-in"),
    _t(r"\b(?:holding|held|hold|holds)\s+out\s+(?:in|inside|at)\b", "contested", "active", "holding-out-in"),
    _t(r"\b(?:entered|enter|enters|entering|swept|sweep|sweeps|sweeping|broke|break|breaks|breaking|breached|"
       r"breach|breaches|breaching|penetrated|infiltrated|reached|reach|reaches|reaching)\b(?:\s+(?:into|through))?",
       PRESENCE, "active", "entered"),
    _t(r"\b(?:were|was|been|are|is)\s+(?:\w+\s+)?(?:seen|spotted|filmed|photographed|deployed|present|stationed)\s+"
       r"(?:in|inside|at|on)\b", PRESENCE, "active", "seen-in"),
    _t(r"\bpresence\s+(?:in|inside|at)\b", PRESENCE, "active", "presence-in"),
    # withdrawn, active
    _t(r"\b(?:withdrew|withdrawn|withdraw|withdraws|withdrawing|pulled\s+out|pulling\s+out|pull\s+out|pulls\s+out|"
       r"retreated|retreating|retreat|retreats|pulled\s+back|pulling\s+back|redeployed|fled)\s+"
       r"(?:(?:its|their|the|his|her|remaining|last|\d+\w*|[A-Z][\w-]*|division|brigade|troops|forces|units|"
       r"soldiers|fighters)\s+){0,4}?(?:from|of|out\s+of)\b",
       "withdrawn", "active", "withdrew-from"),
    _t(r"\b(?:completed|complete|completes|completing|finished|concluded)\s+"
       r"(?:their|its|the)\s+(?:\w+\s+)?(?:withdrawal|pullout|pull-out|retreat|evacuation)\s+(?:\w+\s+){0,3}?"
       r"(?:from|of)\b", "withdrawn", "active", "completed-withdrawal-from"),
    _t(r"\b(?:pulled|pulling|pull|pulls|moved|withdrew|withdrawn)\s+(?:their|its|his|the|all|remaining|last)\s+"
       r"(?:[\w-]+\s+){0,2}?(?:tanks|troops|forces|units|soldiers|fighters|men|vehicles|armou?r)\s+"
       r"(?:out\s+of|from|back\s+from)\b", "withdrawn", "active", "pulled-forces-out-of"),
    _t(r"\b(?:left|abandoned|vacated|quit)\s+(?:their|its|his)\s+(?:positions|posts|bases?|barracks|garrison)\s+"
       r"(?:in|at|around|inside)\b", "withdrawn", "active", "left-positions-in"),
    _t(r"\b(?:abandoned|abandon|abandons|abandoning|evacuated|evacuate|evacuates|evacuating|vacated|ceded|"
       r"surrendered(?!\s+(?:to|at|in)\b)|handed\s+over)\b", "withdrawn", "active", "abandoned"),
    _t(r"\b(?:redeployed|redeploying|redeploy|repositioned|regrouped)\s+(?:outside|away\s+from|out\s+of|from)\b",
       "withdrawn", "active", "redeployed-outside"),
    _t(r"\b(?:left|leave|leaves|leaving|fled|flee|flees|fleeing|quit|quits)\b(?=\s+(?:the\s+(?:\w+\s+){0,2}?"
       r"(?:town|city|village|base|airport|district|area|camp)\b|(?-i:[A-Z])))", "withdrawn", "active", "left"),
    # repelled: defender holds; the place is named after 'on/in' or is the paragraph's last place
    _t(r"\b(?:repelled|repel|repels|repelling|repulsed|repulse|repulsing|fended\s+off|fend\s+off|thwarted|foiled|"
       r"beat\s+back|beaten\s+back|pushed\s+back)\s+(?:\w+\s+){0,4}?(?:attack|attacks|assault|assaults|offensive|"
       r"advance|incursion|attempt)\b", "contested", "repel", "repelled"),
    # attacked, active verbs
    _t(r"\b(?:struck|strike|striking|bombed|bombing|bombarded|bombard|bombarding|shelled|"
       r"shelling|pounded|pound|pounding|targeted|targeting|raided|hit|rocketed|attacked|attacking|assaulted|"
       r"ambushed|fired\s+(?:on|at|upon)|opened\s+fire\s+(?:on|at)|"
       r"launched\s+(?:\w+\s+){0,3}?(?:air\s*strikes|airstrikes|air\s+raids|strikes|missiles|rockets|drones)\s+"
       r"(?:on|against|at)|conducted\s+(?:\w+\s+){0,3}?(?:air\s*strikes|airstrikes|air\s+raids|strikes)\s+"
       r"(?:on|against|in))\b", "attacked", "active", "struck"),
    _t(r"\b(?:carried\s+out|carries\s+out|carrying\s+out|launched|launches|launching|conducted|conducts|staged|"
       r"mounted|dropped|drops|dropping|fired|fires|firing)\s+(?:(?:[\w-]+|\d[\d,.]*)\s+){0,8}?(?:air\s*strikes?|"
       r"airstrikes?|air\s+raids?|raids|strikes?|attacks?|bombardments?|barrel\s+bombs|bombs|rockets|rocket\s+shells|shells|"
       r"mortars?|missiles|drones|artillery|salvos|barrages|volleys|rounds)\s+(?:(?:overnight|today|yesterday|"
       r"early\s+on\s+\w+|on\s+\w+day)\s+)?(?:on|against|at|in|around|into|targeting)\b",
       "attacked", "active", "carried-out-strikes"),
    # attacked, agentive nouns
    _t(r"\b(?:air\s*strikes?|airstrikes?|air\s+raids?|drone\s+strikes?|drone\s+attacks?|missile\s+strikes?|"
       r"rocket\s+attacks?|bombardments?|shelling|barrel\s+bombs?|bombing\s+raids?|artillery\s+fire|"
       r"strikes?)\b(?:\s+by\s+[^,.;]{1,60}?)?\s+(?:on|against|of|targeting|in)\b",
       "attacked", "noun", "strikes-on"),
    # passive: place before, actor after
    _t(r"\b(?:fell|fallen|falls|falling)\s+(?:back\s+)?(?:to|into\s+the\s+hands\s+of|under\s+the\s+control\s+of)\b",
       "captured", "passive", "fell-to"),
    _t(r"\b(?:was|were|been|is|are|being|got)\s+(?:\w+\s+)?(?:captured|seized|taken|overrun|retaken|recaptured|"
       r"stormed|liberated|taken\s+over|wrested)\s+(?:\w+\s+){0,2}?by\b", "captured", "passive", "was-captured-by"),
    _t(r"\b(?:came|come|comes|coming)\s+under\s+(?:the\s+)?(?:full\s+)?control\s+of\b", "captured", "passive",
       "came-under-control"),
    _t(r"\b(?:held|controlled|run|occupied|ruled|dominated|governed|defended|secured)\s+by\b", "controlled", "passive",
       "held-by"),
    _t(r"\b(?:was|were|been|is|are|being)\s+(?:\w+\s+)?(?:besieged|encircled|surrounded|cut\s+off)\s+"
       r"(?:\w+\s+){0,2}?by\b", "contested", "passive", "besieged-by"),
    _t(r"\bunder\s+(?:the\s+)?(?:full\s+|firm\s+|complete\s+|effective\s+|total\s+|direct\s+)?control\s+of\b",
       "controlled", "passive", "under-control-of"),
    _t(r"\b(?:stronghold|strongholds|bastion|foothold|heartland|de\s+facto\s+capital|bulwark)\s+"
       r"(?:\w+\s+){0,1}?(?:for|of)\b", "controlled", "passive", "stronghold-of"),
    _t(r"\b(?:was|were|been|is|are|being)\s+(?:\w+\s+)?(?:struck|bombed|shelled|hit|targeted|pounded|bombarded)\s+"
       r"(?:\w+\s+){0,2}?by\b", "attacked", "passive", "was-struck-by"),
    # "X has been liberated", "X is free", said by a side: that side took X (no agent named)
    _t(r"\b(?:has|have|had)\s+been\s+(?:\w+ly\s+)?[\"'“]?(?:liberated|freed)\b(?![\"'”]?\s+(?:\w+\s+){0,2}?by\b)|"
       r"\b(?:is|was|are|were)\s+(?:now\s+)?(?:fully\s+|completely\s+|totally\s+)?liberated\b"
       r"(?!\s+(?:\w+\s+){0,2}?(?:by|of|from)\b)", "captured", "agentless", "has-been-liberated"),
    _t(r"\b(?:is|are)\s+(?:now\s+)?(?:fully\s+|completely\s+|totally\s+)?free\b(?!\s+(?:\w+\s+){0,2}?(?:by|of|to|and)\b)",
       "controlled", "agentless", "is-free"),
    # "X had fallen", "the fall of X": counted only inside a denial, where the source's side still holds X
    _t(r"\b(?:had|has|have)\s+fallen\b|\bfall\s+of\b|\bfell\b(?!\s+(?:to|into|under|back))",
       "captured", "fall", "fall-of"),
    # a side's flag over a place
    _t(r"\b(?:flags?|banners?)\s+(?:(?:was|were|has|have|had|been|being)\s+){0,2}(?:raised|hoisted|planted|flying|"
       r"flown|flew|waving)\s+(?:over|at|in|on|near|above|atop|from)\b", "controlled", "flag", "flag-raised"),
)



def _cue_automaton(triggers: tuple[Trigger, ...]):
    """One Aho-Corasick automaton over every trigger's cue words: cue → the numbers of the triggers it may start."""
    import ahocorasick

    by_cue: dict[str, set[int]] = {}
    for number, trigger in enumerate(triggers):
        for cue in trigger.cues:
            by_cue.setdefault(cue, set()).add(number)
    automaton = ahocorasick.Automaton()
    for cue, numbers in by_cue.items():
        automaton.add_word(cue, tuple(sorted(numbers)))
    automaton.make_automaton()
    return automaton


def _opened_by(triggers: tuple[Trigger, ...]) -> dict[str, tuple[int, ...]]:
    """Whole word → the numbers of the triggers whose matches may start with it."""
    found: dict[str, tuple[int, ...]] = {}
    for number, trigger in enumerate(triggers):
        for word in trigger.openings.words:
            found[word] = found.get(word, ()) + (number,)
    return found


CUE_AUTOMATON = _cue_automaton(TRIGGERS)
OPENED_BY = _opened_by(TRIGGERS)
PREFIXED = tuple(number for number, trigger in enumerate(TRIGGERS) if trigger.openings.prefixes)  # start longer words
UNCUED_TRIGGERS = frozenset(number for number, trigger in enumerate(TRIGGERS) if not trigger.cues)

# "under government control", "under rebel control": passive with the actor inside
UNDER_ACTOR_CONTROL = re.compile(r"\bunder\s+(?:the\s+|an?\s+)?(?:(?:full|firm|complete|effective|total|direct)\s+)?$", re.I)
CONTROL_AFTER_ACTOR = re.compile(r"^\s+control\b", re.I)

# Words between an actor and its trigger that mean the actor is not doing it now.
BLOCKERS = re.compile(
    r"\b(?:would|could|might|may|must|should|shall|not|never|no\s+longer|called\s+for|calls\s+for|urged|urge|"
    r"urges|demanded|demands|condemned|condemns|denounced|warned|warns|accused|accuses|vowed\s+to|vows\s+to|"
    r"threatened\s+to|threatens\s+to|plans?\s+to|planned\s+to|planning\s+to|aims?\s+to|aimed\s+to|sought\s+to|"
    r"seeks?\s+to|tried\s+to|tries\s+to|trying\s+to|attempted\s+to|attempts?\s+to|failed\s+to|fails\s+to|"
    r"hopes?\s+to|hoped\s+to|intends?\s+to|prepar\w+\s+to|ready\s+to|expected\s+to|likely\s+to|allegedly|"
    r"will|won['’]t|going\s+to|set\s+to|about\s+to|poised\s+to|due\s+to\s+(?:be|begin|start|complete|withdraw|leave|"
    r"pull|hand|return|take|enter|arrive|move|deploy)|scheduled\s+to|slated\s+to|"
    r"supposed\s+to|agreed\s+to|"
    r"if|unless|whether|against|halt|stop|end\s+to|ceasefire|truce)\b", re.I)
# Words before a trigger, in its comma-bounded clause, that make it a condition or a question, not a report:
# "if rebels take X", "asked whether rebels had captured X".
CONDITIONAL = re.compile(r"\b(?:if|unless|whether|until|till|in\s+case|in\s+the\s+event|asked\s+about|should\s+(?:the\s+)?"
                         r"\w+\s+(?:\w+\s+)?(?:take|capture|seize|fall|reach))\b", re.I)
# Words anywhere before a trigger in its sentence that say the report is doubted or unconfirmed:
# "the monitor could not confirm reports that", "unverified claims that", "rumours that".
DOUBT = re.compile(
    r"\b(?:(?:could|can|did|does|do|has|have|had|was|were|is|are)(?:\s*not|n['’]t)\s+(?:been\s+)?(?:able\s+to\s+)?"
    r"(?:independently\s+)?(?:confirm|verify)|cannot\s+(?:independently\s+)?(?:confirm|verify)|"
    r"unable\s+to\s+(?:independently\s+)?(?:confirm|verify)|(?:not\s+true|untrue|false|a\s+lie)\s+that|"
    r"no\s+(?:independent\s+)?"
    r"(?:confirmation|way\s+to\s+(?:confirm|verify))|unconfirmed|unverified|rumou?rs?|speculation|"
    r"(?:false|fake|baseless|fabricated|unfounded)\s+(?:reports?|claims?|allegations?)|fears?\s+that|feared\s+that|"
    r"(?:would|could|do|does|did)(?:\s*not|n['’]t)\s+(?:say|call\s+it|describe)|"
    r"(?:an\s+|the\s+)?(?:earlier|previous|original)\s+version|"
    r"hypothetical|scenario)\b", re.I)
# Words after a reported claim that call it false: "claims that rebels took X are false"
FALSE_AFTER = re.compile(r"^[^.;]{0,60}?\b(?:(?:is|are|was|were)\s+(?:\w+\s+)?[\"'“‘]?(?:\w+\s+)?(?:false|untrue|baseless|"
                         r"fabricated|unfounded|lies|a\s+lie|propaganda|fake|incorrect|wrong|disinformation|"
                         r"misinformation)|never\s+happened)\b", re.I)
# Words between a trigger and a place that end the trigger's object.
OBJECT_STOP = re.compile(
    r"\b(?:near|located|lies|outside|(?<!square\s)(?:kilometers|kilometres|km|miles)|north\s+of|south\s+of|east\s+of|"
    r"west\s+of|between|toward|towards|road\s+to|road\s+between|highway|after|before|following|since|during|"
    r"amid|while|which|where|whose|who|when|to\s+protect|in\s+order|as\s+part|for\s+the\s+first|from|than|"
    r"against|claiming|killing|leaving|forcing|bordering|border\s+with|on\s+the\s+border|according|with\s+the|"
    r"along\s+the|countryside\s+of|off|off\s+the\s+coast\s+of)\b|[;:(]|—|–", re.I)
COORDINATION = re.compile(r"^\s*(?:and(?!\s+(?:that|then|said|says|added|later|also\s+said))|as\s+well\s+as|along\s+with|alongside|together\s+with|including|such\s+as|"
                          r"plus|in\s+addition\s+to|then|also)\b", re.I)
PARENTHETICAL_SEGMENT = re.compile(r"^\s*(?:which|where|who|whose|located|a|an|the|some|about|roughly|just|only|"
                                   r"held|controlled|occupied|captured|seized|retaken|recaptured|taken|surrounded|"
                                   r"besieged|encircled|defended|run|ruled|"
                                   r"once|home|long|itself|now|near|close|north|south|east|west|northeast|"
                                   r"northwest|southeast|southwest|north-east|north-west|south-east|south-west|"
                                   r"\d|[A-Z][\w'’-]*['’]s\b)", re.I)
PARTIAL = re.compile(r"\b(?:parts?\s+of|neighbou?rhoods?\s+(?:of|in)|(?:several|multiple|some|many|key|large|"
                     r"eastern|western|northern|southern|central)\s+(?:\w+\s+)?(?:neighbou?rhoods|districts|areas|"
                     r"sections|parts|quarters)|areas?\s+(?:of|in)|sections?\s+of|districts?\s+of|quarters?\s+of|"
                     r"outskirts\s+of|edges?\s+of|positions\s+in|pockets?\s+(?:of|in)|territor(?:y|ies)\s+in|"
                     r"territor(?:y|ies)\s+of|villages?\s+(?:in|of)|towns\s+(?:in|of)|swathes\s+of|"
                     r"suburbs\s+of|countryside\s+of|(?:the\s+)?rest\s+of)\b", re.I)
# "the Aleppo countryside" names the province's rural part: an area-level place
PAST_MARK = re.compile(r"\b(?:had\s+been(?!\s+(?:\w+ly\s+)?[\"'“]?(?:captured|liberated|retaken|recaptured|seized|taken|"
                       r"overrun|freed|cleared|stormed|entered|encircled|surrounded|besieged))|"
                       r"had\s+(?:\w+\s+)?(?:held|controlled)|formerly|previously|once|used\s+to)\b",
                       re.I)
# "in 2016", "until 2018" date a claim to the past; "since 2020" says the state goes on (unless pluperfect)
YEAR = re.compile(r"\b(?:in|back\s+in|until|till|during)\s+(?:\w+\s+)?((?:19|20)\d\d)\b", re.I)
# "seized it in January" (two months or more before the article), "months ago": background, not the news
EARLIER = re.compile(r"\b(?:(?:in|during|until|till|by)\s+(?:early\s+|mid-?\s*|late\s+)?(?P<month>january|february|march|"
                     r"april|may|june|july|august|september|october|november|december)\b(?!\s+\d)|last\s+(?:year|spring|"
                     r"summer|autumn|winter)|(?:months|years)\s+ago|(?:during|in)\s+an\s+earlier\s+phase)", re.I)
POINT_HINTS = frozenset({"airport", "air_base", "military_base", "border_crossing", "landmark", "district"})
