"""Offline suggestions of "related" recommendations: groups that ask the same thing.

A State receives the same request many times: from several recommending States in one UPR
cycle ("Ratify the Convention on ... (France)", "Consider ratifying the Convention on ...
(Niger)"), or from the UPR and a treaty body. This module proposes such groups from the texts
and, when the items carry them, their annotations (UHRI themes, affected groups, SDG targets:
``Item.tags``), on the State's own data: no network, no downloaded model, standard library
only, so it runs anywhere the application runs and gives the same answer every time.

Method, and why:

1. **Normalise.** NFKC, case-fold, strip accents, HTML entities, and the leading paragraph
   number ("121.1", "127-179"). Strip the recommending States: every trailing parenthesised
   group of each ";"-separated part ("... (Uruguay)", "... (France) (Lithuania); ...
   (Slovakia);", "(Bolivia (Plurinational State of))") unless it holds a digit, so "(No. 29)"
   stays. Who recommended is not what is asked.
2. **Concepts.** Phrases of general human-rights vocabulary that name one thing become one
   word (``_PHRASES``, English, French and Spanish): the instruments ("Convention on the Rights
   of Persons with Disabilities", "CRPD", "Convention relative aux droits des personnes
   handicapées" → crpd; ILO conventions by number), institutions ("Ombudsman", "national human
   rights institution", "NHRI" → nhri), phenomena ("trafficking in persons", "human
   trafficking", "trafficking in human beings"; "hate speech", "incitement to hatred";
   "official development assistance", "development aid") and groups ("lesbian, gay, bisexual,
   transgender and intersex", "sexual orientation and gender identity", "intersex" → lgbti).
   A named instrument is then one feature rather than the words it shares with every other
   convention ("international", "convention", "protection", "rights", "all").
3. **Tokens.** Stop words and the boilerplate of recommendations ("continue", "step up",
   "efforts", "consider", "ensure", "measures", in English, French and Spanish) are dropped:
   "Continue its efforts to X" and "Step up efforts to X" ask the same X. A few words naming
   the same act or group are mapped together ("accede" → "ratify", "prevent", "eliminate",
   "address" → "combat", "children" → "child"). Then a light stem: the English inflection off,
   a final "y" as "i", a cut at six letters (language-independent: "ratify", "ratification",
   "ratifier", "ratificacion" all give "ratifi"). Runs of Chinese or Japanese characters give
   character bigrams.
4. **The request, then its elaboration.** Within a part, words after "including",
   "particularly", "especially", "such as", "in line with"... (examples, emphases, standards)
   weigh half: "combat trafficking, particularly of children" asks what "combat trafficking"
   asks. Words after "by", "through", "in order to"... (the means and purpose) keep full
   weight: "prevent domestic violence through the adoption of a national plan" asks for the plan.
5. **Text similarity.** The stems plus bigrams of consecutive stems (the object of a request
   is usually a phrase), TF-IDF with sublinear term frequency and smoothed IDF computed on the
   items given, so the State's own data decides what is common; L2-normalised; cosine.
6. **Pair score** (``pair_score``), 0..1:
   - with tags on both items, the weighted geometric mean of the text cosine (0.7) and the tag
     similarity (0.3, ``_TAG_WEIGHT``). Tags are compared by kind (the part before ":"): the
     TF-IDF cosine of the themes, of the groups, of the SDG targets, over the kinds both items
     have, multiplied (geometric mean). Same annotations lift similar wording; disjoint themes
     or disjoint groups bring the tag factor to its floor (``_TAG_FLOOR``, 0.1: annotators
     sometimes miss, and identical texts must still meet). Items without tags are compared on
     their text alone.
   - two requests to ratify (accede, sign) that name disjoint instruments score 0, whatever
     their wording or tags: the object of a ratification is which instrument.
   - two requests whose main clause (not the examples) names disjoint groups of people
     ("violence against women" / "violence against children", "migrants" / "minorities")
     keep a quarter of their score (``_GROUP_MISMATCH``).
   - two requests that ask different acts on the same problem keep 0.6 of their score
     (``_ACTION_MISMATCH``; not 0, the classification is sometimes wrong). The act
     (``action_class``) is read in the first part, before its examples: the leading boilerplate
     ("Continue its efforts to", "Take all necessary measures to", "Consider", "Step up") is
     skipped and the first word of a small English, French and Spanish lexicon (``_ACTIONS``)
     among the next six words gives one of eleven classes: ratify, raise awareness, train,
     investigate/prosecute, legislate, adopt a plan/strategy/programme/policy, assist victims,
     establish an institution, allocate resources, collect data, combat/prevent. The verb
     decides, or after a verb that says little ("adopt", "strengthen") its object ("a national
     strategy" / "laws"); "combat X by (through) <another act>" asks that act. Texts whose act
     is not recognised ("ensure access to ...") are not penalised, nor are two texts when one's
     act is among the acts the other's window names ("programmes to combat racism" / "combat
     racism").
7. **Place in the document.** Documents list one issue's recommendations together (121.1,
   121.2, 121.3 of a UPR report; the sub-items 28(a), 28(b) of concluding observations).
   ``Item.paragraph`` is read as a position ("121.2" -> (121, 2), "28(b)" -> (28, 2)); two items
   of one document (``Item.session``, not empty) under the same main paragraph and at most
   ``_PROXIMITY_WINDOW`` (3) apart are neighbours, and a pair scoring at least
   ``_PROXIMITY_MIN`` gets ``_PROXIMITY_BONUS`` (0.05) more, 0.8 of that per further step.
   Neighbours are scored even under the cosine floor. Far apart, in another main paragraph
   (supported 121.x / noted 122.x) or another document, or without a paragraph, a pair is
   scored on its text alone: never a penalty. Measured and not kept: a bonus for pairs mirroring
   a confident pair across two sections of one report (122 lists its themes roughly in 121's
   order: Spearman 0.87 over Slovenia's labelled cross pairs) cost precision (0.777 -> 0.741)
   for recall 0.692 -> 0.700.
8. **Candidates.** Identical texts (after step 1) are handled once, with their count (and the
   union of their tags). An inverted index, built as items are visited so each pair is seen
   once, accumulates dot products through the features few items hold. Features held by many
   items are not walked (that would be quadratic): by Cauchy-Schwarz they add at most the
   product of the two items' norms over them, so a pair is finished exactly only when that
   bound could lift it to the floor. Pairs with a text cosine under ``_EDGE_FLOOR`` are not
   scored, which keeps the graph sparse and the run fast.
9. **Grouping.** Average-linkage agglomerative clustering on the pair scores: the two groups
   with the highest mean score over all their cross pairs (missing pairs count 0) merge while
   that mean reaches the threshold. Single linkage would chain (A~B, B~C puts A with C); average
   linkage admits an item only if it is close to the group as a whole. A group made of two
   tight halves much less alike to each other than within themselves is split again (ratifying
   two conventions with long, similar names). The score of a group is its mean pair score.

Measured (bench/related.py; pairwise precision / recall against hand labels; default
threshold 0.225):

- Slovenia's UPR list (215 recommendations, 42 groups, 237 pairs; the list the method was
  tuned on), with the UHRI themes, affected groups and SDG targets as tags and the paragraph
  numbers of the report: 0.777 / 0.692 (0.746 / 0.633 before step 7; 0.667 / 0.650 before the
  act of step 6). Before tags and steps 2, 4 and 6: 0.717 / 0.439 at
  0.25, 0.65 / 0.549 at 0.2. On the texts (and paragraphs) alone now: 0.679 / 0.384 at 0.225,
  0.881 / 0.219 at 0.35.
- Held out, labelled before the suggester was run on it and never tuned on (every
  recommendation to Malta, UPR session 5, and to Montenegro, session 3, in UPR Info's
  database: 136 texts, 26 groups, 84 pairs; UPR Info's issues as tags): 0.843 / 0.833 with
  tags (0.787 / 0.833 before the act of step 6), 0.893 / 0.595 on the texts alone. Its CSV has
  no paragraph numbers and lists a State's recommendations by recommending State, not in the
  report's order, so step 7 does not apply (row order as positions: 0.814 / 0.833).
- 5,000 UPR texts with tags: 3-5 s (3.4 s in the last run, on a shared machine).

The target of 0.9 / 0.9 is not reached. The act of step 6 separates part of the requests the
labels separate by their act ("raise awareness of hate speech" / "combat hate speech" /
"prosecute hate speech"); it is mild (near-identical wording with two acts still meets) and
a lexicon misses or misreads acts ("Strengthen the legislative framework ... by ensuring
effective investigation" reads as legislating; "programmes to combat racism" and "strategies
to prevent discrimination" are one act for it, two groups for the labels). Paraphrases share
few words ("reach the 0.7 per cent target of official development assistance" / "increase
development assistance to a level compatible with its GDP"). Neighbours in a report are also
often different requests on one theme (122.15 / 122.16), so proximity can only be a small
bonus; missed pairs across the supported and noted sections get no help from it. Suggestions
are for a person to confirm, not to apply.

``Item.mechanism`` is not used in scoring, and ``Item.session`` only to tell which paragraphs
are neighbours (step 7): related recommendations cross sessions and mechanisms. Item ids must
be unique.
"""

from __future__ import annotations

import heapq
import html
import itertools
import math
import re
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

DEFAULT_THRESHOLD = 0.225
# Pairs less similar than this are not kept as edges (they count 0 in a group's mean).
_EDGE_FLOOR = 0.08
# Features held by more items than this (and by more than _MAX_POSTING_SHARE of them) are not
# walked in the inverted index; their share of a cosine is bounded, then computed if it matters.
_MAX_POSTING = 200
_MAX_POSTING_SHARE = 0.05
# Share of an item's (squared) weight in common features above which it is also compared
# through its rarest common feature.
_COMMON_MASS = 0.5
_STEM_LENGTH = 6
# A merged group whose halves are each this much tighter than their cross mean is split again.
_SPLIT_RATIO = 0.5
# Weight of the words of the examples, emphases and standards that follow the main request of
# a part, and of its means and purpose ("... by adopting a national plan").
_EXAMPLE_WEIGHT = 0.5
_MEANS_WEIGHT = 1.0
# Share of the tags in the score of a pair whose items both have tags (a weighted geometric mean).
_TAG_WEIGHT = 0.3
# Least tag similarity counted: annotations are made by people, and sometimes miss.
_TAG_FLOOR = 0.1
# Factor on the score of two requests whose main clauses name disjoint groups of people.
_GROUP_MISMATCH = 0.25
# Factor on the score of two requests that ask different acts ("combat" / "prosecute" hate speech).
_ACTION_MISMATCH = 0.6
# Words of the main request, after its leading boilerplate, in which its act is looked for.
_ACTION_WINDOW = 6
# Neighbours in one document: paragraphs this far apart (under one main paragraph) are near;
# the nearest add _PROXIMITY_BONUS to a pair's score, each further step _PROXIMITY_DECAY less.
_PROXIMITY_WINDOW = 3
_PROXIMITY_BONUS = 0.05
_PROXIMITY_DECAY = 0.8
# Least score (text, tags, objects) a pair needs before its proximity counts.
_PROXIMITY_MIN = 0.05


@dataclass(frozen=True)
class Item:
    """One recommendation: its id, its text in any language, and optional context.

    ``tags`` are annotations of what the recommendation is about, as "kind:label" strings:
    "theme:Ratification of & accession to international instruments", "group:Women & girls",
    "sdg:5.2". Any vocabulary works (tags are compared as strings); items without tags are
    compared on their text alone.
    """

    id: int
    text: str
    mechanism: str = ""  # "UPR", "CRC"...
    session: str = ""  # UPR session or document symbol
    tags: frozenset[str] = frozenset()
    paragraph: str = ""  # its paragraph in that document: "121.2", "28(b)", "79 (a) (ii)"


@dataclass(frozen=True)
class Suggestion:
    """Items that ask the same thing: sorted ids (two or more) and how sure, 0..1."""

    ids: tuple[int, ...]
    score: float


def suggest_groups(items: Sequence[Item], *, threshold: float | None = None) -> list[Suggestion]:
    """Disjoint groups of 2+ items that ask the same thing, most certain first.

    ``threshold`` is the least mean similarity (0..1) inside a group; lower finds more groups
    and more wrong ones. Identical texts (once the recommending States are stripped) always
    form a group.
    """
    limit = DEFAULT_THRESHOLD if threshold is None else threshold
    if len({item.id for item in items}) != len(items):
        raise ValueError("item ids must be unique")
    analysed = [analyse(item.text) for item in items]
    copies = _identical_texts([text.features for text in analysed])
    texts = [analysed[indexes[0]] for _, indexes in copies]
    tags = [frozenset().union(*(items[index].tags for index in indexes)) for _, indexes in copies]
    vectors = tfidf_vectors([document for document, _ in copies])
    tag_vectors = tag_profiles(tags)
    floor = min(_EDGE_FLOOR, limit)
    unique_of = {index: unique for unique, (_, indexes) in enumerate(copies) for index in indexes}
    near = neighbours(items, unique_of)
    cosines = similar_pairs(vectors, floor=floor)
    for pair in near.keys() - cosines.keys():
        cosines[pair] = _dot(vectors[pair[0]], vectors[pair[1]])
    edges = {}
    for (first, second), cosine in cosines.items():
        value = pair_score(cosine, texts[first], texts[second], tag_vectors[first], tag_vectors[second])
        value = with_proximity(value, near.get((first, second), 0.0))
        if value >= floor:
            edges[(first, second)] = value
    clusters = average_linkage([len(indexes) for _, indexes in copies], edges, limit)
    suggestions = [
        Suggestion(
            ids=tuple(sorted(items[index].id for unique in members for index in copies[unique][1])),
            score=round(min(1.0, score), 4),
        )
        for members, score in clusters
    ]
    suggestions.sort(key=lambda suggestion: (-suggestion.score, suggestion.ids))
    return suggestions


# Above this many items, items are compared only within blocks of at most this many (below:
# one block, every pair considered). 5,000 texts take 3-5 s and well under 200 MB (bench/related.py).
BLOCK_SIZE = 5000


def blocking_stems(text: str) -> tuple[str, ...]:
    """The stems of a text's main requests (not its examples), each once: what ``blocks`` reads."""
    # Without the phrases of ``canonical`` (a third of the cost): the words of a named instrument
    # or institution are as rare, and as shared, as the concept they make.
    parts = _weighted_parts(normalise(text))
    return tuple(sorted({sys.intern(token) for part in parts for token, weight in part if weight >= 1.0}))


def blocks(stems: dict[int, tuple[str, ...]], *, size: int | None = None) -> list[list[int]]:
    """The ids in blocks of at most ``size`` that hold the items likely to ask the same thing together.

    All in one block when they fit (every pair is then considered). Otherwise each item is keyed
    by the rarest stem of its main requests that another item shares (texts asking the same thing
    share their rarest words: copies and near-copies always do), ordered by key and, within a
    key, by its stems rarest first, and the order is cut into blocks of ``size``: one key's items
    stay together unless there are more than ``size`` of them, and keys with few items share a
    block. Memory and time then grow linearly with the State: ``suggest_groups`` runs on one
    block at a time. Pairs whose rarest shared stems differ, in different blocks, are not
    compared (measured in bench/related.py).
    """
    size = BLOCK_SIZE if size is None else size
    if len(stems) <= size:
        return [list(stems)] if stems else []
    frequency: dict[str, int] = defaultdict(int)
    for item_stems in stems.values():
        for stem in item_stems:
            frequency[stem] += 1

    def order(pk: int, item_stems: tuple[str, ...]) -> tuple:
        shared = sorted((frequency[stem], stem) for stem in item_stems if frequency[stem] > 1)
        return (shared[0][1] if shared else "\uffff", [stem for _count, stem in shared], pk)

    keyed = sorted(order(pk, item_stems) for pk, item_stems in stems.items())
    result: list[list[int]] = []
    current: list[int] = []
    for _key, members in itertools.groupby(keyed, key=lambda entry: entry[0]):
        ids = [entry[2] for entry in members]
        if current and len(current) + len(ids) > size:
            result.append(current)
            current = []
        while len(ids) > size:
            result.append(ids[:size])
            ids = ids[size:]
        current.extend(ids)
    if current:
        result.append(current)
    return result


@dataclass(frozen=True)
class Analysed:
    """What the scoring needs of one text: its features, and the objects and groups it names."""

    features: dict[str, float]
    instruments: frozenset[str]  # named instruments ("crpd", "opcat"...)
    groups: frozenset[str]  # groups named in the main request ("women", "child"...)
    ratify: bool  # asks to ratify, accede to or sign something
    action: str = ""  # the act the main request asks ("combat", "prosecute", "law"...), "" if unknown
    actions: frozenset[str] = frozenset()  # the acts its main request names, the first included


def analyse(text: str) -> Analysed:
    """Features of a text, the instruments it names, the groups its main request names."""
    text_canonical = canonical(normalise(text))
    parts = _weighted_parts(text_canonical)
    stems = {token for part in parts for token, _ in part}
    acts = _action_classes(text_canonical)
    head = {token for part in parts for token, weight in part if weight >= 1.0}
    return Analysed(
        features=features(text, parts),
        instruments=frozenset(token for token in stems if token in _INSTRUMENTS or _ILO_RE.fullmatch(token)),
        groups=frozenset(_GROUP_STEMS[token] for token in head if token in _GROUP_STEMS),
        ratify=bool(stems & _RATIFY_STEMS),
        action=acts[0] if acts else "",
        actions=frozenset(acts),
    )


def tag_profiles(tag_sets: Sequence[frozenset[str]]) -> list[dict[str, dict[str, float]]]:
    """Each item's tags by kind ("theme", "group"...), TF-IDF weighted and L2-normalised per kind."""
    by_kind: list[dict[str, dict[str, float]]] = []
    for tag_set in tag_sets:
        kinds: dict[str, dict[str, float]] = defaultdict(dict)
        for tag in tag_set:
            kinds[tag.partition(":")[0] if ":" in tag else ""][tag] = 1.0
        by_kind.append(kinds)
    for kind in {kind for profile in by_kind for kind in profile}:
        vectors = tfidf_vectors([profile.get(kind, {}) for profile in by_kind])
        for profile, vector in zip(by_kind, vectors, strict=True):
            if vector:
                profile[kind] = vector
    return [dict(profile) for profile in by_kind]


def tag_similarity(first: dict[str, dict[str, float]], second: dict[str, dict[str, float]]) -> float | None:
    """Geometric mean over the kinds of tags both items have of their cosine; None if none shared.

    Disjoint themes, or disjoint groups, give 0: such texts rarely ask the same thing. Kinds only
    one item has do not count (a recommendation without group tags is not "another group").
    """
    product, kinds = 1.0, 0
    for kind, vector in first.items():
        if kind in second:
            product *= _dot(vector, second[kind])
            kinds += 1
    return product ** (1.0 / kinds) if kinds else None


def pair_score(
    cosine: float,
    first: Analysed,
    second: Analysed,
    first_tags: dict[str, dict[str, float]],
    second_tags: dict[str, dict[str, float]],
) -> float:
    """How alike two requests are, 0..1: the cosine of their texts, weighed with their tags and objects.

    With tags on both sides, the score is the weighted geometric mean of the text cosine and the
    tag similarity (``_TAG_WEIGHT``): same annotations lift similar wording, disjoint annotations
    pull it down (to the tag floor). Two requests to ratify that name disjoint instruments are different requests
    whatever their wording; two requests whose main clauses name disjoint groups ("violence
    against women", "violence against children") count ``_GROUP_MISMATCH`` of their score.
    """
    if (
        first.ratify
        and second.ratify
        and first.instruments
        and second.instruments
        and not first.instruments & second.instruments
    ):
        return 0.0
    score = cosine
    tags = tag_similarity(first_tags, second_tags)
    if tags is not None:
        score = cosine ** (1.0 - _TAG_WEIGHT) * max(tags, _TAG_FLOOR) ** _TAG_WEIGHT
    if first.groups and second.groups and not first.groups & second.groups:
        score *= _GROUP_MISMATCH
    if first.action and second.action and first.action not in second.actions and second.action not in first.actions:
        score *= _ACTION_MISMATCH
    return score


def paragraph_position(paragraph: str) -> tuple[int, ...]:
    """A paragraph number as a sortable position: "121.2" -> (121, 2), "28(b)" -> (28, 2).

    Numbers are read as numbers; the first letter level counts a = 1, b = 2...; a later level of
    letters is read as Roman numerals when it is one ("28(b)(ii)" -> (28, 2, 2)). Anything else
    ends the position; "" (or no number at all) gives ().
    """
    position: list[int] = []
    letters_seen = False
    for token in _PARAGRAPH_TOKEN_RE.findall(paragraph.casefold()):
        if token.isdigit():
            position.append(int(token))
        elif letters_seen and _ROMAN_RE.fullmatch(token):
            position.append(_roman(token))
        elif len(token) == 1 and position:
            position.append(ord(token) - ord("a") + 1)
            letters_seen = True
        else:
            break
    return tuple(position)


_PARAGRAPH_TOKEN_RE = re.compile(r"\d+|[a-z]+")
_ROMAN_RE = re.compile(r"x{0,3}(?:ix|iv|v?i{0,3})")
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10}


def _roman(token: str) -> int:
    total = 0
    for index, character in enumerate(token):
        value = _ROMAN_VALUES[character]
        following = _ROMAN_VALUES[token[index + 1]] if index + 1 < len(token) else 0
        total += -value if value < following else value
    return total


def neighbours(items: Sequence[Item], unique_of: dict[int, int] | None = None) -> dict[tuple[int, int], float]:
    """Pairs of items close to each other in one document, with how close: 1 for the next paragraph.

    Two items are near when they have the same ``session`` (the document; not empty) and
    paragraphs that differ only in their last level, by at most ``_PROXIMITY_WINDOW`` ("121.2"
    and "121.4"; "28(b)" and "28(c)"; not "121.9" and "122.1", nor "28(b)" and "29(a)"). Each
    step further counts ``_PROXIMITY_DECAY`` less. Pairs are keyed by ``unique_of`` (an item's
    index to its group of identical texts; the index itself by default), smaller first, keeping
    the closest of their items' pairs.
    """
    sections: dict[tuple[str, tuple[int, ...]], list[tuple[int, int]]] = defaultdict(list)
    for index, item in enumerate(items):
        position = paragraph_position(item.paragraph) if item.session and item.paragraph else ()
        if position:
            sections[(item.session, position[:-1])].append((position[-1], index))
    near: dict[tuple[int, int], float] = {}
    for members in sections.values():
        members.sort()
        for start, (number, index) in enumerate(members):
            for other_number, other in members[start + 1 :]:
                distance = other_number - number
                if distance > _PROXIMITY_WINDOW:
                    break
                first, second = (unique_of[index], unique_of[other]) if unique_of else (index, other)
                if first == second:
                    continue
                key = (min(first, second), max(first, second))
                closeness = _PROXIMITY_DECAY ** max(distance - 1, 0)
                near[key] = max(near.get(key, 0.0), closeness)
    return near


def with_proximity(score: float, closeness: float) -> float:
    """A pair's score lifted by how close the two items sit in one document (``neighbours``).

    Recommendations on one issue are listed together, so neighbours that already look alike
    (at least ``_PROXIMITY_MIN``) get up to ``_PROXIMITY_BONUS`` more; far apart, or in different
    documents, the score is the text's alone: related requests also come from other documents.
    """
    if closeness <= 0.0 or score < _PROXIMITY_MIN:
        return score
    return min(1.0, score + _PROXIMITY_BONUS * closeness)


def _identical_texts(documents: Sequence[dict[str, float]]) -> list[tuple[dict[str, float], list[int]]]:
    """Each distinct feature set once, with the indexes of the items that have it.

    The same request copied for several States is common; counting it once keeps its words
    from looking common (IDF) and the work from growing with the copies. Texts without
    features are never merged.
    """
    unique: dict[frozenset, int] = {}
    result: list[tuple[dict[str, float], list[int]]] = []
    for index, document in enumerate(documents):
        key = frozenset(document.items())
        if document and key in unique:
            result[unique[key]][1].append(index)
        else:
            unique[key] = len(result)
            result.append((document, [index]))
    return result


# --------------------------------------------------------------------------
# Normalising text
# --------------------------------------------------------------------------

# "121.1 ", "127-179", "127.179继续": the paragraph number the document gives the text.
_LEADING_NUMBER_RE = re.compile(r"^\s*\d+(?:[.\-]\d+)*\s*")
_TRAILING_PUNCT = " \t\r\n;.,:"


def normalise(text: str) -> str:
    """Lower-case, accent-free text without the paragraph number and the recommending States."""
    text = unicodedata.normalize("NFKC", html.unescape(text)).replace("\u00a0", " ").replace("\u2019", "'")
    text = _LEADING_NUMBER_RE.sub("", text)
    # NFKC turns the Chinese full-width semicolon and parentheses into ASCII ones.
    parts = [_strip_trailing_groups(part) for part in text.split(";")]
    text = " ; ".join(part for part in parts if part)
    return _strip_accents(text.casefold())


def _strip_trailing_groups(part: str) -> str:
    """Remove the parenthesised groups that end a part, unless they hold a digit ("(No. 29)")."""
    part = part.strip(_TRAILING_PUNCT + "\u3002")
    while part.endswith(")"):
        start = _matching_open(part)
        if start is None or any(character.isdigit() for character in part[start:]):
            break
        part = part[:start].strip(_TRAILING_PUNCT + "\u3002")
    return part


def _matching_open(text: str) -> int | None:
    """Index of the "(" that the final ")" of ``text`` closes."""
    depth = 0
    for index in range(len(text) - 1, -1, -1):
        if text[index] == ")":
            depth += 1
        elif text[index] == "(":
            depth -= 1
            if depth == 0:
                return index
    return None


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


# --------------------------------------------------------------------------
# Tokens and features
# --------------------------------------------------------------------------

_WORD_RE = re.compile(r"[^\W_]+(?:[.'][^\W_]+)*")
# French and Italian elision: "l'education", "d'asile", "qu'il".
_ELISION_RE = re.compile(r"^(?:[cdjlmnst]|qu)'")
_CJK_CHARACTERS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_RE = re.compile(f"[{_CJK_CHARACTERS}]+")
_CJK_SPLIT_RE = re.compile(f"([{_CJK_CHARACTERS}]+)")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Function words and the boilerplate of recommendations; accents already stripped.
_STOP_WORDS = _words(
    """
    a an the of and or to in on for with by as at from into onto upon about within without between through
    that which who whom whose this these those such other others any all each every both its their his her
    it they them be is are was were been being has have had do does will would shall should can could may
    against also well more most further furthermore than then so not no nor only own same including include includes
    particularly particular especially notably inter alia namely e.g etc order view regard regards respect
    continue continues continued continuing pursue pursuing sustain maintain keep carry out
    step steps up stepping intensify intensified redouble strengthen strengthening strengthened enhance
    enhancing reinforce increase increased increasing deepen accelerate consolidate
    effort efforts measure measures action actions necessary appropriate effective effectively adequate
    concrete specific additional relevant possible possibility necessary steps all
    take taking make making undertake undertaking ensure ensuring guarantee consider considering
    work working towards toward aimed aim aiming view seek seeking need needed
    country state states party government national its level levels process
    le la les l de des du d et ou a au aux en dans pour par sur avec sans sous que qui quoi dont ce cet cette
    ces son sa ses leur leurs un une tous toutes tout toute notamment particulier afin ainsi plus contre entre
    poursuivre continuer renforcer intensifier redoubler accroitre prendre mesures mesure efforts effort
    veiller garantir envisager assurer etat partie ne pas se s y il elle ils elles est sont vue possibilite
    el la los las lo de del y o e a al en para por con sin sobre que quien cuyo este esta estos estas ese
    su sus un una unos unas todos todas todo toda particular especial especialmente fin asi mas contra entre
    seguir continuar proseguir fortalecer reforzar intensificar redoblar aumentar adoptar tomar medidas
    medida esfuerzos esfuerzo velar garantizar asegurar considerar estado parte se es son posibilidad
    committee recommends recommend urges encourages calls requests invites reiterates previous
    recommendation recommendations comite recommande exhorte engage invite recomienda insta alienta
    """
)

# Words that name the same act, group or phenomenon in recommendations (checked after the
# inflection is removed, and before).
_SYNONYMS = {
    "accede": "ratify",
    "accession": "ratify",
    "adhere": "ratify",
    "adhesion": "ratification",
    "combating": "combat",
    "combatting": "combat",
    "fight": "combat",
    "tackle": "combat",
    "counter": "combat",
    "curb": "combat",
    "eliminate": "combat",
    "prevent": "combat",
    "prevention": "combat",
    "eradicate": "combat",
    "suppress": "combat",
    "address": "combat",
    "deter": "combat",
    "curtail": "combat",
    "prevenir": "combattre",
    "lutter": "combattre",
    "lutte": "combattre",
    "luchar": "combatir",
    "lucha": "combatir",
    "children": "child",
    "woman": "women",
    "immigrant": "migrant",
    "racial": "racism",
    "racist": "racism",
    "racially": "racism",
    "elderly": "older",
}

# Phrases that name the same thing, general human-rights vocabulary: each becomes one word
# (a "concept"), so "human trafficking", "trafficking in persons" and "trafficking in human
# beings" match, and a named instrument is one feature rather than the words it shares with
# every other convention ("international", "convention", "protection", "rights", "all").
# Checked in order on the normalised text (lower case, no accents), longest forms first.
_PHRASES: tuple[tuple[str, str], ...] = (
    # Instruments.
    (
        r"(?:the )?(?:international )?convention (?:for|on) the protection of all persons from enforced disappearances?"
        r"|\bi?c?ped\b|\bicpped\b",
        "cped",
    ),
    (
        r"(?:the )?(?:international )?convention on the protection of the rights of all migrant workers and "
        r"(?:members of )?their families|\bicrmw\b|\bmigrant workers convention",
        "icrmw",
    ),
    (
        r"optional protocol to (?:the )?(?:convention on the elimination of all forms of discrimination against women"
        r"|cedaw)|\bop-?cedaw\b",
        "opcedaw",
    ),
    (r"(?:the )?convention on the elimination of all forms of discrimination against women|\bcedaw\b", "cedaw"),
    (
        r"optional protocol to (?:the )?(?:convention against torture(?: and other cruel,? inhuman or degrading "
        r"treatment or punishment)?|cat)|\bop-?cat\b",
        "opcat",
    ),
    (
        r"(?:the )?convention against torture(?: and other cruel,? inhuman or degrading treatment or punishment)?",
        "uncat",
    ),
    (
        r"optional protocol to (?:the )?(?:convention on the rights of persons with disabilities|crpd)|\bop-?crpd\b",
        "opcrpd",
    ),
    (r"(?:the )?convention on the rights of persons with disabilities|\bcrpd\b", "crpd"),
    (
        r"optional protocol to the convention on the rights of the child on the sale of children[^;()]*?pornography"
        r"|\bop-?crc-?sc\b|\bopsc\b",
        "opcrcsc",
    ),
    (
        r"optional protocol to the convention on the rights of the child on the involvement of children in armed "
        r"conflicts?|\bop-?crc-?ac\b|\bopac\b",
        "opcrcac",
    ),
    (
        r"optional protocol to the convention on the rights of the child on a communications? procedure"
        r"|\bop-?crc-?ic\b|\bopic\b",
        "opcrcic",
    ),
    (r"(?:the )?convention on the rights of the child|\bcrc\b", "crc"),
    (
        r"second optional protocol to the international covenant on civil and political rights[^;()]*?death penalty"
        r"|second optional protocol to (?:the )?iccpr|\biccpr-?op-?2\b|\bop2\b",
        "iccprop2",
    ),
    (r"(?:first )?optional protocol to the international covenant on civil and political rights", "iccprop1"),
    (
        r"optional protocol to the international covenant on economic,? social and cultural rights"
        r"|\bop-?icescr\b",
        "opicescr",
    ),
    (r"(?:the )?international covenant on civil and political rights|\biccpr\b", "iccpr"),
    (r"(?:the )?international covenant on economic,? social and cultural rights|\bicescr\b", "icescr"),
    (
        r"(?:the )?international convention on the elimination of all forms of racial discrimination"
        r"|\bicerd\b|\bcerd\b",
        "icerd",
    ),
    (r"(?:the )?(?:1961 )?convention on the reduction of statelessness(?: of 1961)?", "statelessness1961"),
    (r"(?:the )?(?:1954 )?convention relating to the status of stateless persons(?: of 1954)?", "statelessness1954"),
    (r"(?:the )?(?:1951 )?convention relating to the status of refugees|\brefugee convention", "refugeeconvention"),
    (r"(?:the )?rome statute(?: of the international criminal court)?", "romestatute"),
    (
        r"(?:the )?council of europe convention on preventing and combating violence against women and domestic "
        r"violence|\bistanbul convention",
        "istanbulconvention",
    ),
    (r"(?:the )?(?:ilo )?domestic workers convention(?:,? 2011)?(?: \(no\. ?189\))?", "ilo189"),
    (r"\(no\. ?(?P<number>\d+)\)", "ilo"),  # ILO conventions are cited by number: "(No. 189)"
    (r"\bparis principles", "parisprinciples"),
    (r"(?:the )?durban declaration and programme of action", "durban"),
    (r"(?:the )?(?:nelson )?mandela rules|standard minimum rules for the treatment of prisoners", "mandelarules"),
    # Institutions and mechanisms.
    (r"national preventive mechanisms?|\bnpm\b", "npm"),
    (
        r"national (?:human rights )?institutions? for the promotion and protection of human rights"
        r"|national human rights institutions?|\bnhris?\b|(?:human rights )?ombuds(?:man|men|person|persons)"
        r"(?: for human rights)?|public defender of rights",
        "nhri",
    ),
    (r"human rights treaty bod(?:y|ies)|treaty bod(?:y|ies)", "treatybody"),
    (
        r"special procedures?(?: mandate holders| of the human rights council)?|special rapporteurs?",
        "specialprocedures",
    ),
    (r"civil society organi[sz]ations?|civil society|non-?governmental organi[sz]ations?|\bngos?\b", "civilsociety"),
    (r"sustainable development goals|\bsdgs?\b|2030 agenda(?: for sustainable development)?", "sdgs"),
    # Phenomena.
    (r"trafficking (?:in|of) (?:persons|human beings|people)|human trafficking|trafficking in humans", "trafficking"),
    (r"official development assistance|development assistance|development aid|\boda\b", "oda"),
    (r"gross (?:national|domestic) (?:product|income)|\bgn[ip]\b|\bgdp\b", "nationalincome"),
    (r"hate speech|incitement to (?:racial |religious |national )?hatred|hateful speech|hate propaganda", "hatespeech"),
    (
        r"hate[- ]crimes?|hate[- ]motivated (?:crimes?|violence|offences?)|(?:racially|bias)[- ]motivated "
        r"(?:crimes?|violence|offences?)|racist violence",
        "hatecrime",
    ),
    (r"domestic violence|family violence|violence in the family|intra-?family violence", "domesticviolence"),
    (r"violence against (?:women and girls|women|girls)", "violenceagainstwomen"),
    (r"violence against (?:children|minors)", "violenceagainstchildren"),
    (r"(?:sexual and )?gender-based violence|\bs?gbv\b", "genderbasedviolence"),
    (
        r"gender equality|equality between (?:men and women|women and men)|equality of (?:men and women|women and men)"
        r"|equal opportunities (?:for|of|between) (?:women and men|men and women)",
        "genderequality",
    ),
    (r"death penalty|capital punishment", "deathpenalty"),
    (r"corporal punishment", "corporalpunishment"),
    (r"female genital (?:mutilation|cutting)(?:/cutting)?|\bfgm(?:/c)?\b", "fgm"),
    (r"freedom of (?:opinion and )?expression|freedom of speech", "freeexpression"),
    (r"freedom of (?:the )?(?:press|media)|(?:media|press) freedom", "pressfreedom"),
    (
        r"freedom of (?:thought,? conscience and religion|religion (?:or|and) belief|religion|belief)"
        r"|religious freedom",
        "religiousfreedom",
    ),
    (r"sexual and reproductive (?:health and rights|health|rights)|reproductive health", "srhr"),
    # Groups.
    (
        r"lesbian,? gay,? bisexual,?(?: transgender| trans)(?:,? and intersex|,? intersex)?(?: and queer)?"
        r"(?: \(lgbti?q?\+?\))?(?: persons| people| individuals| community| communities)?|\blgbti?q?\+?"
        r"(?: persons| people| individuals| community| communities)?"
        r"|sexual orientation(?:,? (?:and|or) gender identity)?"
        r"(?:,? (?:and|or) (?:gender expression|sex characteristics))*|gender identity|intersex(?: persons| people)?",
        "lgbti",
    ),
    (
        r"(?:(?:persons|people) )?with (?:a )?(?:mental or physical |physical or mental )?(?:disabilit(?:y|ies))"
        r"|disabled (?:persons|people)",
        "disabled",
    ),
    (r"older (?:persons|people)|(?:the )?elderly(?: persons| people)?", "older"),
    (r"asylum[- ]seekers?|asylum-seeking", "asylumseeker"),
    (r"persons deprived of (?:their )?liberty|detained persons|detainees|prisoners", "detainee"),
    (r"internally displaced (?:persons|people)|\bidps?\b", "idp"),
    (r"human rights defenders?|\bhrds?\b", "hrd"),
    (r"\b(?:gyps(?:y|ies)|sinti|travellers)\b", "roma"),
    # The same in French and Spanish, as the United Nations write them.
    (r"convention internationale pour la protection de toutes les personnes contre les disparitions forcees", "cped"),
    (
        r"convencion internacional para la proteccion de todas las personas contra las desapariciones forzadas",
        "cped",
    ),
    (
        r"convention internationale sur la protection des droits de tous les travailleurs migrants et des membres "
        r"de leur famille|convencion internacional sobre la proteccion de los derechos de todos los trabajadores "
        r"migratorios y de (?:los miembros de )?sus familia(?:re)?s",
        "icrmw",
    ),
    (
        r"protocole facultatif (?:se rapportant a|a) la convention sur l'elimination de toutes les formes de "
        r"discrimination a l'egard des femmes|protocolo facultativo de la convencion sobre la eliminacion de todas "
        r"las formas de discriminacion contra la mujer",
        "opcedaw",
    ),
    (
        r"convention sur l'elimination de toutes les formes de discrimination a l'egard des femmes"
        r"|convencion sobre la eliminacion de todas las formas de discriminacion contra la mujer",
        "cedaw",
    ),
    (
        r"protocole facultatif (?:se rapportant a|a) la convention contre la torture(?: et autres peines ou "
        r"traitements cruels,? inhumains ou degradants)?|protocolo facultativo de la convencion contra la tortura"
        r"(?: y otros tratos o penas crueles,? inhumanos o degradantes)?",
        "opcat",
    ),
    (
        r"convention contre la torture(?: et autres peines ou traitements cruels,? inhumains ou degradants)?"
        r"|convencion contra la tortura(?: y otros tratos o penas crueles,? inhumanos o degradantes)?",
        "uncat",
    ),
    (
        r"protocole facultatif (?:se rapportant a|a) la convention relative aux droits des personnes handicapees"
        r"|protocolo facultativo de la convencion sobre los derechos de las personas con discapacidad",
        "opcrpd",
    ),
    (
        r"convention relative aux droits des personnes handicapees"
        r"|convencion sobre los derechos de las personas con discapacidad",
        "crpd",
    ),
    (
        r"protocole facultatif (?:se rapportant a|a) la convention relative aux droits de l'enfant,? concernant la "
        r"vente d'enfants[^;()]*?pornographie|protocolo facultativo de la convencion sobre los derechos del nino "
        r"relativo a la venta de ninos[^;()]*?pornografia",
        "opcrcsc",
    ),
    (
        r"protocole facultatif (?:se rapportant a|a) la convention relative aux droits de l'enfant,? concernant "
        r"l'implication d'enfants dans les conflits armes|protocolo facultativo de la convencion sobre los derechos "
        r"del nino relativo a la participacion de ninos en los conflictos armados",
        "opcrcac",
    ),
    (
        r"protocole facultatif (?:se rapportant a|a) la convention relative aux droits de l'enfant,? (?:etablissant|"
        r"prevoyant) une procedure de presentation de communications|protocolo facultativo de la convencion sobre "
        r"los derechos del nino relativo a un procedimiento de comunicaciones",
        "opcrcic",
    ),
    (r"convention relative aux droits de l'enfant|convencion sobre los derechos del nino", "crc"),
    (
        r"deuxieme protocole facultatif (?:se rapportant au|au) pacte international relatif aux droits civils et "
        r"politiques[^;()]*?peine de mort|segundo protocolo facultativo del pacto internacional de derechos civiles "
        r"y politicos[^;()]*?pena de muerte",
        "iccprop2",
    ),
    (
        r"protocole facultatif (?:se rapportant au|au) pacte international relatif aux droits economiques,? sociaux "
        r"et culturels|protocolo facultativo del pacto internacional de derechos economicos,? sociales y culturales",
        "opicescr",
    ),
    (
        r"protocole facultatif (?:se rapportant au|au) pacte international relatif aux droits civils et politiques"
        r"|protocolo facultativo del pacto internacional de derechos civiles y politicos",
        "iccprop1",
    ),
    (
        r"pacte international relatif aux droits civils et politiques|pacto internacional de derechos civiles y "
        r"politicos",
        "iccpr",
    ),
    (
        r"pacte international relatif aux droits economiques,? sociaux et culturels|pacto internacional de derechos "
        r"economicos,? sociales y culturales",
        "icescr",
    ),
    (
        r"convention internationale sur l'elimination de toutes les formes de discrimination raciale"
        r"|convencion internacional sobre la eliminacion de todas las formas de discriminacion racial",
        "icerd",
    ),
    (
        r"convention (?:de 1961 )?sur la reduction des cas d'apatridie(?: de 1961)?"
        r"|convencion (?:de 1961 )?para reducir los casos de apatridia(?: de 1961)?",
        "statelessness1961",
    ),
    (
        r"convention (?:de 1954 )?relative au statut des apatrides(?: de 1954)?"
        r"|convencion sobre el estatuto de los apatridas(?: de 1954)?",
        "statelessness1954",
    ),
    (
        r"convention (?:de 1951 )?relative au statut des refugies|convencion sobre el estatuto de los refugiados",
        "refugeeconvention",
    ),
    (
        r"statut de rome(?: de la cour penale internationale)?|estatuto de roma(?: de la corte penal internacional)?",
        "romestatute",
    ),
    (
        r"convention (?:du conseil de l'europe )?sur la prevention et la lutte contre la violence a l'egard des "
        r"femmes et la violence domestique|convention d'istanbul|convenio (?:del consejo de europa )?sobre "
        r"prevencion y lucha contra la violencia contra las mujeres y la violencia domestica|convenio de estambul",
        "istanbulconvention",
    ),
    (r"mecanisme national de prevention|mecanismo nacional de prevencion", "npm"),
    (
        r"institutions? nationales? (?:des|de) droits de l'homme|institucion(?:es)? nacional(?:es)? de derechos "
        r"humanos|defenseur des droits|defensor(?:ia)? del pueblo|mediateur de la republique",
        "nhri",
    ),
    (r"organes? conventionnels?|organos? (?:creados en virtud )?de (?:los )?tratados", "treatybody"),
    (
        r"societe civile|sociedad civil|organisations? non gouvernementales?|organizaciones? no gubernamentales?"
        r"|\bong\b",
        "civilsociety",
    ),
    (r"objectifs de developpement durable|objetivos de desarrollo sostenible", "sdgs"),
    (r"traite des (?:personnes|etres humains)|trata de (?:personas|seres humanos)", "trafficking"),
    (
        r"aide publique au developpement|aide au developpement|\bapd\b|asistencia oficial (?:para el|al) desarrollo"
        r"|asistencia para el desarrollo|\baod\b",
        "oda",
    ),
    (
        r"\bpnb\b|\bpib\b|\brnb\b|produit (?:national|interieur) brut|revenu national brut"
        r"|producto (?:nacional|interno) bruto|ingreso nacional bruto",
        "nationalincome",
    ),
    (r"discours (?:de haine|haineux)|incitation a la haine|discurso de odio|incitacion al odio", "hatespeech"),
    (r"crimes? de haine|delitos? de odio|crimenes de odio", "hatecrime"),
    (
        r"violence (?:familiale|domestique|dans la famille)|violencia (?:domestica|intrafamiliar|familiar)",
        "domesticviolence",
    ),
    (
        r"violences? (?:faites?|a l'egard|a l'encontre) (?:aux|des) femmes(?: et (?:aux|des) filles)?"
        r"|violences? contre les femmes|violencia contra (?:la mujer|las mujeres)(?: y las ninas)?",
        "violenceagainstwomen",
    ),
    (
        r"violences? (?:a l'egard|a l'encontre|faites?) (?:des|aux) enfants|violencia contra (?:los )?ninos",
        "violenceagainstchildren",
    ),
    (
        r"violences? (?:sexiste|fondee sur le genre|sexuelle et sexiste)s?|violencia (?:de genero|por razon de genero)",
        "genderbasedviolence",
    ),
    (
        r"egalite (?:des sexes|des genres|entre les (?:femmes et les hommes|hommes et les femmes))"
        r"|igualdad (?:de genero|entre (?:los )?generos|entre (?:hombres y mujeres|mujeres y hombres))",
        "genderequality",
    ),
    (r"peine de mort|peine capitale|pena de muerte|pena capital", "deathpenalty"),
    (r"chatiments? corporels?|castigos? corporal(?:es)?", "corporalpunishment"),
    (r"mutilations? genitales? feminines?|mutilacion(?:es)? genital(?:es)? femenina(?:s)?", "fgm"),
    (r"liberte d'(?:opinion et d')?expression|libertad de (?:opinion y de )?expresion", "freeexpression"),
    (r"liberte de (?:la )?presse|liberte des medias|libertad de (?:prensa|los medios)", "pressfreedom"),
    (
        r"liberte de religion(?: ou de conviction)?|liberte religieuse|libertad (?:de religion|religiosa)",
        "religiousfreedom",
    ),
    (r"sante (?:sexuelle et )?(?:procreative|reproductive)|salud (?:sexual y )?reproductiva", "srhr"),
    (
        r"orientation sexuelle(?: (?:et|ou) (?:de )?l'identite de genre)?|identite de genre"
        r"|orientacion sexual(?: e identidad de genero)?|identidad de genero",
        "lgbti",
    ),
    (r"(?:personnes )?handicapee?s?|(?:personas )?con discapacidad(?:es)?", "disabled"),
    (r"personnes agees|personas (?:de edad|mayores)", "older"),
    (r"demandeurs? d'asile|solicitantes? de asilo", "asylumseeker"),
    (
        r"personnes privees de (?:leur )?liberte|personas privadas de (?:su |la )?libertad|\bdetenus\b"
        r"|\breclusos\b|\bdetenidos\b",
        "detainee",
    ),
    (r"defenseurs? des droits de l'homme|defensor(?:es|as)? de (?:los )?derechos humanos", "hrd"),
    (r"\broms?\b|\bromanies?\b|\bgitanos?\b", "roma"),
)
# One pass, tried where a word starts: there, the first phrase of the list that matches is taken.
_PHRASE_NAMES = {"ilo" if concept == "ilo" else f"p{index}": concept for index, (_, concept) in enumerate(_PHRASES)}
_PHRASE_RE = re.compile(
    r"(?<![^\W_])(?:"
    + "|".join(f"(?P<{name}>{pattern})" for name, (pattern, _) in zip(_PHRASE_NAMES, _PHRASES, strict=True))
    + ")"
)
_CONCEPTS = frozenset(concept for _, concept in _PHRASES if concept != "ilo")
_ILO_RE = re.compile(r"ilo\d+")
# The concepts that name an instrument: a request to ratify is about which one.
_INSTRUMENTS = _words(
    """
    cped icrmw opcedaw cedaw opcat uncat opcrpd crpd opcrcsc opcrcac opcrcic crc iccprop2 iccprop1 opicescr iccpr
    icescr icerd statelessness1961 statelessness1954 refugeeconvention romestatute istanbulconvention ilo189
    """
)
# Words of a request to become party to an instrument.
_RATIFY_WORDS = ("ratify", "ratification", "accede", "accession", "sign", "signature", "adhere", "ratifier")
# Words that name a group of people, and the group (checked in the main request).
_GROUP_WORDS = {
    "women": "women",
    "woman": "women",
    "girls": "women",
    "girl": "women",
    "children": "child",
    "child": "child",
    "minors": "child",
    "boys": "child",
    "roma": "roma",
    "minorities": "minority",
    "minority": "minority",
    "migrants": "migrant",
    "migrant": "migrant",
    "immigrants": "migrant",
    "foreigners": "migrant",
    "asylumseeker": "refugee",
    "refugees": "refugee",
    "refugee": "refugee",
    "violenceagainstwomen": "women",
    "violenceagainstchildren": "child",
    "disabled": "disabled",
    "older": "older",
    "lgbti": "lgbti",
    "detainee": "detainee",
    "hrd": "hrd",
    "journalists": "journalist",
    "indigenous": "indigenous",
    "idp": "idp",
    "stateless": "stateless",
    "youth": "youth",
    "young": "youth",
    "femmes": "women",
    "filles": "women",
    "mujer": "women",
    "mujeres": "women",
    "ninas": "women",
    "enfants": "child",
    "enfant": "child",
    "nino": "child",
    "ninos": "child",
    "minorites": "minority",
    "minorias": "minority",
    "migrantes": "migrant",
    "refugies": "refugee",
    "refugiados": "refugee",
}

_INFLECTIONS = (("ies", "y"), ("ied", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", ""))
_MIN_STEM = 3

# Chinese boilerplate: continue, efforts, strengthen, take, measures, ensure, further, consider.
_CJK_STOP_RE = re.compile("继续|努力|加强|采取|措施|确保|进一步|考虑|以便|以及|包括|特别是|尤其是")


def stem(word: str) -> str:
    """A light stem: synonyms, the inflection off, final y as i, then a cut at a few letters.

    The cut is what makes it work for French or Spanish too ("ratifier", "ratification",
    "ratificacion" → "ratifi"), at the price of a few conflations the IDF mostly absorbs.
    """
    word = _SYNONYMS.get(word, word)
    if word.isdigit() or word in _CONCEPTS or _ILO_RE.fullmatch(word):
        return word
    word = word.removesuffix("'s").removesuffix("'")
    for suffix, replacement in _INFLECTIONS:
        if (
            word.endswith(suffix)
            and len(word) - len(suffix) >= _MIN_STEM
            and not (suffix == "s" and word[-2:] in ("ss", "us", "is"))
        ):
            word = word[: -len(suffix)] + replacement
            break
    word = _SYNONYMS.get(word, word)
    if word.endswith("y"):
        word = word[:-1] + "i"
    return word[:_STEM_LENGTH]


_RATIFY_STEMS = frozenset(stem(word) for word in _RATIFY_WORDS)
_GROUP_STEMS = {stem(word): group for word, group in _GROUP_WORDS.items()}


def canonical(text: str) -> str:
    """Normalised text with the phrases of ``_PHRASES`` replaced by their concept word."""
    return _PHRASE_RE.sub(_concept, text)


def _concept(match: re.Match) -> str:
    name = match.lastgroup or ""
    if name == "ilo":
        return f" ilo{match.group('number')} "
    return f" {_PHRASE_NAMES[name]} "


def token_parts(text: str) -> list[list[str]]:
    """Content stems of each ";"-separated part of a text, in order.

    A run of CJK characters (no spaces between words) gives its character bigrams instead.
    """
    return [[token for token, _ in part] for part in weighted_parts(text)]


# What follows the main request of a part: examples and emphases, and the standards to follow,
# count less ("combat trafficking, particularly of children" asks what "combat trafficking"
# asks); the means and the purpose are part of the request ("prevent domestic violence through
# the adoption of a national plan" asks for the plan).
_EXAMPLE_RE = (
    r"\(| including | inter alia | in particular | particularly | especially | notably | such as | for example "
    r"| with special | with particular | with a focus | with an emphasis | in line with | in accordance with "
    r"| in compliance with | consistent with | in conformity with | y compris | notamment | en particulier "
    r"| incluyendo | en particular | especialmente | conformement | de conformidad "
)
_MEANS_RE = (
    r" by | through | via | with a view to | in order to | so as to | so that | par | en vue | mediante | a fin "
)
_TAIL_RE = re.compile(f"(?P<example>{_EXAMPLE_RE})|(?P<means>{_MEANS_RE})")
_MIN_HEAD = 2  # content words before a tail can start


def weighted_parts(text: str) -> list[list[tuple[str, float]]]:
    """Content stems of each part with their weight: 1 in the main request, less in examples."""
    return _weighted_parts(canonical(normalise(text)))


def _weighted_parts(text_canonical: str) -> list[list[tuple[str, float]]]:
    parts: list[list[tuple[str, float]]] = []
    for part in text_canonical.split(";"):
        stems: list[tuple[str, float]] = []
        weight = 1.0
        position = 0
        for match in _TAIL_RE.finditer(part):
            stems.extend((token, weight) for token in _segment_stems(part[position : match.start()]))
            position = match.start()
            if len(stems) >= _MIN_HEAD:
                weight = _EXAMPLE_WEIGHT if match.group("example") else _MEANS_WEIGHT
        stems.extend((token, weight) for token in _segment_stems(part[position:]))
        if stems:
            parts.append(stems)
    return parts


def _segment_stems(segment: str) -> list[str]:
    stems: list[str] = []
    for word in _WORD_RE.findall(segment):
        word = _ELISION_RE.sub("", word)
        for piece in _CJK_SPLIT_RE.split(word):
            if not piece:
                continue
            if _CJK_RE.match(piece):
                stems.extend(_cjk_tokens(piece))
            elif piece not in _STOP_WORDS and (len(piece) > 1 or piece.isdigit()):
                stemmed = stem(piece)
                if stemmed not in _STOP_WORDS:
                    stems.append(stemmed)
    return stems


def tokens(text: str) -> list[str]:
    """Content stems of a text, in order."""
    return [token for part in token_parts(text) for token in part]


def _cjk_tokens(run: str) -> list[str]:
    result: list[str] = []
    for piece in _CJK_STOP_RE.split(run):
        if len(piece) == 1:
            result.append(piece)
        result.extend(piece[index : index + 2] for index in range(len(piece) - 1))
    return result


def features(text: str, parts: list[list[tuple[str, float]]] | None = None) -> dict[str, float]:
    """Weighted frequencies of the stems and of the bigrams of consecutive stems (within a part)."""
    counts: dict[str, float] = defaultdict(float)
    for stems in weighted_parts(text) if parts is None else parts:
        for token, weight in stems:
            counts[token] += weight
        for (first, first_weight), (second, second_weight) in itertools.pairwise(stems):
            counts[f"{first} {second}"] += min(first_weight, second_weight)
    return dict(counts)


# --------------------------------------------------------------------------
# The act a request asks
# --------------------------------------------------------------------------

# Words that open a request without saying what it asks: "Continue its efforts to", "Take all
# necessary measures to", "Consider", "Step up", "Strengthen" (of an act: "strengthen the fight").
_LEAD_WORDS = _words(
    """
    continue continues pursue sustain maintain keep further step up intensify redouble strengthen enhance reinforce
    increase deepen accelerate consolidate make take undertake adopt implement consider ensure endeavour endeavor
    seek strive work working commit complete finalize finalise develop elaborate design formulate put place
    establish create set introduce launch carry out effectively fully more stronger effective efficient concrete
    necessary appropriate adequate additional specific further all any every urgent sustained vigorous comprehensive
    robust new its their the a an to in on for of at towards toward aimed aiming at with view that so efforts effort
    measures measure steps step actions action activities initiatives made undertaken ongoing already commendable
    current existing own policies process implementation progress making continuing strengthening ensuring taking
    intensifying adopting implementing developing providing provide improving improve enhancing adoption aligning
    align harmonise harmonize harmonising harmonizing bringing bring
    poursuivre continuer renforcer intensifier redoubler prendre adopter mettre oeuvre envisager veiller garantir
    assurer faire elaborer etablir creer ses son sa les le la des de du a pour en toutes tous les mesures efforts
    necessaires appropriees efficaces
    seguir continuar proseguir fortalecer reforzar intensificar redoblar adoptar tomar considerar velar garantizar
    asegurar aplicar elaborar establecer crear sus su los las el la de del a para en por todas todos medidas
    esfuerzos necesarias apropiadas eficaces
    """
)
# What a request asks, by the first of these words in its act window (English, French,
# Spanish; lower case, no accents, concepts of ``_PHRASES`` already one word).
_ACTIONS: tuple[tuple[str, str], ...] = (
    (
        "ratify",
        r"ratif\w*|accede|accession|adhere\w*|adhesion|adherer|adherir|sign|signing|signature|become (?:a )?party",
    ),
    (
        "awareness",
        r"awareness[\w-]*|sensiti[sz]\w*|campaigns?|sensibilis\w*|sensibiliz\w*|concien\w*|campagnes?|campanas?",
    ),
    (
        "training",
        r"train\w*|capacity[- ]building|human rights education|formation|formacion|capacitacion|capacitar",
    ),
    (
        "prosecute",
        r"investigat\w*|prosecut\w*|punish\w*|bring\w* (?:\w+ )?to justice|perpetrators?|impunity|criminal justice"
        r"|accountab\w*|enquet\w*|poursuites|punir|sanctionner|investig\w*|enjuici\w*|sancionar|castig\w*"
        r"|impunidad|impunite",
    ),
    (
        "law",
        r"legislat\w*|legal framework|laws?(?! enforcement)|criminal code|penal code|criminali[sz]\w*|prohibit\w*"
        r"|amend\w*|enact\w*|outlaw\w*|definition|bill|lois?|code penal|interdire|legislacion|leyes|ley|tipific\w*"
        r"|prohib\w*|codigo penal",
    ),
    ("plan", r"strateg\w*|plans?|programmes?|programs?|polic(?:y|ies)|estrateg\w*|programa\w*|plan d'action"),
    (
        "victims",
        r"victims?|survivors?|support services|shelters?|rehabilit\w*|redress|compensation|reparation\w*"
        r"|victimes?|victimas?|refugios?",
    ),
    ("institution", r"nhri|npm|institution\w*|independen\w*|mandate|institucion\w*"),
    (
        "resources",
        r"resources|funding|funds?|budget\w*|financial|financing|allocat\w*|ressources|recursos|presupuest\w*"
        r"|fonds|financi\w*",
    ),
    ("data", r"data|statistic\w*|disaggregat\w*|donnees|datos|statisti\w*|estadistic\w*"),
    (
        "combat",
        r"combat\w*|fight\w*|prevent\w*|eliminat\w*|eradicat\w*|tackl\w*|address\w*|counter\w*|curb\w*|curtail\w*"
        r"|end|reduc\w*|suppress\w*|discourag\w*|zero tolerance|lutt\w*|combatt\w*|preven\w*|elimin\w*|erradic\w*"
        r"|luch\w*",
    ),
)
_ACTION_RE = re.compile(
    r"(?<![^\W_])(?:" + "|".join(f"(?P<{name}>{pattern})" for name, pattern in _ACTIONS) + r")(?![^\W_])"
)
# The main request ends where its examples start; its means ("by aligning its legislation") may
# say what "combat" asks.
_HEAD_END_RE = re.compile(_EXAMPLE_RE + r"| specifically | specially | above all ")
_MEANS_START_RE = re.compile(r" (?:by|through|via|par|mediante) ")
# The act that says least: when its means name another act, that act is the request.
_GENERIC_ACTION = "combat"


def action_class(text: str) -> str:
    """The act the main request of a text asks ("ratify", "combat", "prosecute"...), "" if none is recognised."""
    acts = action_classes(text)
    return acts[0] if acts else ""


def action_classes(text: str) -> list[str]:
    """The acts the main request of a text names, the one it asks first ("ratify", "combat"...).

    The first part of the text, up to its examples; its leading boilerplate ("Continue its
    efforts to", "Take all necessary measures to", "Consider") skipped; then the words of
    ``_ACTIONS`` among its next ``_ACTION_WINDOW`` words, a verb ("investigate") or, after a
    verb that says little ("adopt", "strengthen"), its object ("a national strategy"). A request
    to combat something by a named act ("through the adoption of a national plan") asks that act.
    """
    return _action_classes(canonical(normalise(text)))


def _action_classes(text_canonical: str) -> list[str]:
    part = text_canonical.split(";", 1)[0]
    end = _HEAD_END_RE.search(f" {part} ")
    if end:
        part = part[: max(0, end.start() - 1)]
    means = _MEANS_START_RE.search(f" {part} ")
    acts = _window_actions(part[: max(0, means.start() - 1)] if means else part)
    if means and (not acts or acts[0] == _GENERIC_ACTION):
        by = [act for act in _window_actions(part[means.end() - 1 :]) if act != _GENERIC_ACTION]
        if by:
            return by
    return acts


def _window_actions(text: str) -> list[str]:
    words = [_ELISION_RE.sub("", word) for word in _WORD_RE.findall(text)]
    start = 0
    while start < len(words) and words[start] in _LEAD_WORDS:
        start += 1
    window = " ".join(words[start : start + _ACTION_WINDOW])
    return list(dict.fromkeys(match.lastgroup or "" for match in _ACTION_RE.finditer(window)))


# --------------------------------------------------------------------------
# Weights and similar pairs
# --------------------------------------------------------------------------


def tfidf_vectors(documents: Sequence[dict[str, float]]) -> list[dict[str, float]]:
    """L2-normalised TF-IDF vectors (sublinear TF, smoothed IDF over these documents)."""
    count = len(documents)
    frequency: dict[str, int] = defaultdict(int)
    for document in documents:
        for feature in document:
            frequency[feature] += 1
    idf = {feature: math.log((count + 1) / (df + 1)) + 1.0 for feature, df in frequency.items()}
    vectors = []
    for document in documents:
        weights = {feature: _sublinear(tf) * idf[feature] for feature, tf in document.items() if tf > 0}
        norm = math.sqrt(sum(weight * weight for weight in weights.values()))
        vectors.append({feature: weight / norm for feature, weight in weights.items()} if norm else {})
    return vectors


def _sublinear(frequency: float) -> float:
    """1 + log(tf) above 1: a feature repeated in one text counts less than the same feature in two."""
    return frequency if frequency <= 1.0 else 1.0 + math.log(frequency)


def _dot(first: dict[str, float], second: dict[str, float]) -> float:
    if len(first) > len(second):
        first, second = second, first
    return sum(weight * second.get(feature, 0.0) for feature, weight in first.items())


def similar_pairs(vectors: Sequence[dict[str, float]], *, floor: float) -> dict[tuple[int, int], float]:
    """Cosine of the pairs at least ``floor`` similar (exact), found through an inverted index.

    Dot products are accumulated through the features few items hold. The features many items
    hold ("common") are not walked: by Cauchy-Schwarz they add at most the product of the two
    items' norms over them, so a pair is finished exactly only when that bound could lift it to
    ``floor``. The index is built as items are visited, so each pair is seen once. An item whose
    weight lies mostly in common features is also compared with every item holding its rarest
    common feature; pairs sharing no rare feature and not that one are missed.
    """
    frequency: dict[str, int] = defaultdict(int)
    for vector in vectors:
        for feature in vector:
            frequency[feature] += 1
    cap = max(_MAX_POSTING, int(len(vectors) * _MAX_POSTING_SHARE))
    common = {feature for feature, count in frequency.items() if count > cap}
    common_parts = [{feature: weight for feature, weight in vector.items() if feature in common} for vector in vectors]
    tails = [math.sqrt(sum(weight * weight for weight in part.values())) for part in common_parts]
    common_postings: dict[str, list[int]] = defaultdict(list)
    for index, part in enumerate(common_parts):
        for feature in part:
            common_postings[feature].append(index)
    postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
    pairs: dict[tuple[int, int], float] = {}
    for index, vector in enumerate(vectors):
        rare = [(feature, weight) for feature, weight in vector.items() if feature not in common]
        sums: dict[int, float] = defaultdict(float)
        for feature, weight in rare:
            for other, other_weight in postings[feature]:
                sums[other] += weight * other_weight
        tail = tails[index]
        for other, partial in sums.items():
            if partial + tail * tails[other] < floor:
                continue
            value = partial + _dot(common_parts[index], common_parts[other]) if tail else partial
            if value >= floor:
                pairs[(other, index)] = value
        for feature, weight in rare:
            postings[feature].append((index, weight))
        if tail * tail > _COMMON_MASS:
            # Mostly common words: its near-copies may share no rare feature with it.
            rarest = min(common_parts[index], key=lambda feature: (frequency[feature], feature))
            for other in common_postings[rarest]:
                if other == index or other in sums:
                    continue
                value = _dot(vector, vectors[other])
                if value >= floor:
                    pairs[(min(index, other), max(index, other))] = value
    return pairs


# --------------------------------------------------------------------------
# Grouping
# --------------------------------------------------------------------------


def average_linkage(
    weights: Sequence[int], edges: dict[tuple[int, int], float], threshold: float
) -> list[tuple[list[int], float]]:
    """Clusters of indexes merged by average linkage down to ``threshold``, with their mean.

    ``weights`` counts the identical copies each index stands for (similarity 1 among them).
    Missing pairs count 0, so a group only grows by items close to most of its members. A merge
    of two tight halves much less alike to each other than within themselves is undone (see
    ``_Tree.split``). Clusters of one item (counting copies) are left out.
    """
    count = len(weights)
    members: dict[int, int] = {index: weights[index] for index in range(count)}  # cluster -> size
    inner: dict[int, float] = {index: weight * (weight - 1) / 2 for index, weight in enumerate(weights)}
    links: dict[int, dict[int, float]] = defaultdict(dict)  # cross sums between clusters
    merges: dict[int, tuple[int, int, float]] = {}  # cluster -> its two halves and their cross mean
    for (first, second), value in edges.items():
        total = value * weights[first] * weights[second]
        links[first][second] = total
        links[second][first] = total
    heap = [(-value, first, second) for (first, second), value in edges.items() if value >= threshold]
    heapq.heapify(heap)
    next_id = count
    while heap:
        negative_mean, first, second = heapq.heappop(heap)
        if first not in members or second not in members:
            continue
        merges[next_id] = (first, second, -negative_mean)
        inner[next_id] = inner[first] + inner[second] + links[first].get(second, 0.0)
        size = members.pop(first) + members.pop(second)
        members[next_id] = size
        for neighbour, total in _merge_links(links, first, second, next_id).items():
            mean = total / (size * members[neighbour])
            if mean >= threshold:
                heapq.heappush(heap, (-mean, neighbour, next_id))
        next_id += 1
    tree = _Tree(merges, inner, weights)
    return [
        (sorted(tree.leaves(part)), tree.mean(part))
        for cluster in members
        for part in tree.split(cluster)
        if tree.size(part) > 1
    ]


@dataclass
class _Tree:
    """The merges average linkage made, to take a cluster apart again."""

    merges: dict[int, tuple[int, int, float]]
    inner: dict[int, float]
    weights: Sequence[int]
    sizes: dict[int, int] = field(default_factory=dict)

    def leaves(self, cluster: int) -> list[int]:
        result, stack = [], [cluster]
        while stack:
            node = stack.pop()
            if node in self.merges:
                stack.extend(self.merges[node][:2])
            else:
                result.append(node)
        return result

    def size(self, cluster: int) -> int:
        if cluster not in self.sizes:
            self.sizes[cluster] = sum(self.weights[leaf] for leaf in self.leaves(cluster))
        return self.sizes[cluster]

    def mean(self, cluster: int) -> float:
        size = self.size(cluster)
        return self.inner[cluster] / (size * (size - 1) / 2)

    def split(self, cluster: int) -> list[int]:
        """The cluster, or its halves (and theirs) when they are two requests, not one.

        Two groups of near-identical texts ("Ratify the International Convention for the
        Protection of All Persons from Enforced Disappearance" x3, and "... on the Protection of
        the Rights of All Migrant Workers ..." x3) share so many words that their cross mean
        passes any useful threshold; what gives them away is that each half is far tighter than
        the pair: the cross mean is under ``_SPLIT_RATIO`` of the looser half's own mean.
        """
        result, stack = [], [cluster]
        while stack:
            node = stack.pop()
            if node in self.merges and self._is_two_requests(node):
                stack.extend(self.merges[node][:2])
            else:
                result.append(node)
        return result

    def _is_two_requests(self, cluster: int) -> bool:
        first, second, cross = self.merges[cluster]
        if self.size(first) < 2 or self.size(second) < 2:
            return False
        return cross < _SPLIT_RATIO * min(self.mean(first), self.mean(second))


def _merge_links(links: dict[int, dict[int, float]], first: int, second: int, merged: int) -> dict[int, float]:
    """Replace two clusters' cross sums by the merged cluster's; return its neighbours."""
    combined: dict[int, float] = defaultdict(float)
    for old in (first, second):
        for neighbour, total in links.pop(old, {}).items():
            if neighbour in (first, second):
                continue
            combined[neighbour] += total
            del links[neighbour][old]
    for neighbour, total in combined.items():
        links[neighbour][merged] = total
    links[merged] = dict(combined)
    return combined


def pairs_of(groups: Iterable[Iterable[object]]) -> set[frozenset]:
    """Unordered pairs of members sharing a group (for evaluating suggestions)."""
    result: set[frozenset] = set()
    for group in groups:
        ordered = sorted(group, key=str)
        result.update(
            frozenset((first, second)) for position, first in enumerate(ordered) for second in ordered[position + 1 :]
        )
    return result
