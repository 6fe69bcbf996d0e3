"""From an English sentence to the sequence of signs a signer produces.

Sign order is not word order: function words are dropped, words are lemmatised, time
expressions move to the front, a topic can be fronted, wh-words of questions move to the end
and negation follows the verb phrase. Content words without a sign are fingerspelled or dropped.

A signer translates rather than transliterates (the translation gap): some subtitle words are
not signed, a word may be signed with the sign of a synonym, a word without a sign may be
described by a sequence of signs, a multi-word expression may be one sign, and the signer adds
signs the subtitle does not say. Which signs can render which words is a `Vocabulary`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from lemminflect import getAllLemmas

from slr_lib.text import is_function_word, lemmatize, normalize

# Function words that signers do sign (pronoun pointing, modals, negation, question words).
SIGNED_FUNCTION_WORDS = frozenset(
    {"you", "i", "we", "they", "not", "no", "can", "will", "must", "what", "where", "how",
     "why", "who", "when", "this", "that", "all", "many", "more"}
)  # fmt: skip
TIME_WORDS = frozenset(
    {"today", "tomorrow", "yesterday", "now", "later", "then", "first", "next", "finally",
     "before", "after", "morning", "evening", "night", "week", "year", "day", "month", "soon",
     "always", "never", "once", "again"}
)  # fmt: skip
WH_WORDS = frozenset({"what", "where", "how", "why", "who", "when"})
NEGATIONS = frozenset({"not", "no", "never"})


@dataclass(frozen=True)
class GrammarParams:
    """Probabilities of the reorderings, of fingerspelling a word without a sign and of each
    part of the translation gap (all off by default: a word-for-word signer)."""

    time_first: float = 0.8
    topic_first: float = 0.3
    wh_last: float = 0.7
    negation_last: float = 0.6
    fingerspell_share: float = 0.5
    max_fingerspelled_letters: int = 9
    unsigned_share: float = 0.0  # a subtitle word left unsigned
    synonym_share: float = 0.0  # a word signed with a synonym's sign, when the lexicon has one
    description_share: float = 0.0  # a word without a sign described by a sign sequence
    expression_share: float = 0.0  # a multi-word expression signed as one sign
    added_share: float = 0.0  # after a sign, a sign the subtitle does not say
    added_context_share: float = 0.5  # an added sign taken from the context (earlier signs)


@dataclass(frozen=True)
class Vocabulary:
    """The glosses a signer has signs for, and which of them render other English lemmas.

    `synonyms`, `descriptions` and `expressions` are as in `lexicon.Renderings`; `added` and
    `added_weights` are the glosses a signer may add to a sentence and how often.
    """

    glosses: frozenset[str]
    synonyms: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    descriptions: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    expressions: Mapping[tuple[str, ...], str] = field(default_factory=dict)
    added: tuple[str, ...] = ()
    added_weights: tuple[float, ...] = ()

    @classmethod
    def of(cls, glosses: Iterable[str]) -> Vocabulary:
        """A vocabulary whose signs render only their own gloss."""
        return cls(frozenset(glosses))


@dataclass(frozen=True)
class GlossUnit:
    """One produced unit: a lexical sign, or a fingerspelled word (`gloss` holds its letters)."""

    gloss: str
    word: str  # the English word it renders (drives mouthing)
    kind: str  # "sign" or "fingerspelling"


def candidate_words(text: str) -> list[tuple[str, str]]:
    """(word, lemma) pairs of the words a signer may sign, in sentence order."""
    pairs = []
    for word in normalize(text):
        if is_function_word(word) and word not in SIGNED_FUNCTION_WORDS:
            continue
        pairs.append((word, lemmatize(word)))
    return pairs


def is_noun(word: str) -> bool:
    """Whether the word reads as a noun and not as a verb."""
    lemmas = getAllLemmas(word)
    return "NOUN" in lemmas and "VERB" not in lemmas


def sentence_to_units(
    text: str,
    vocabulary: Vocabulary,
    params: GrammarParams,
    rng: np.random.Generator,
    context: Sequence[str] = (),
) -> list[GlossUnit]:
    """The signed rendering of one sentence, in sign order.

    `context` holds the glosses signed just before (the previous sentence of the same video):
    an added sign repeats one of them with chance `added_context_share`, else it is a sign of
    the vocabulary drawn as often as signers use it. Draws are made in a fixed order for every
    word, whatever the outcome, so that changing one probability changes the choices it
    governs and not the random stream of the others.
    """
    words = normalize(text)
    lemmas = [lemmatize(w) for w in words]
    units: list[GlossUnit] = []
    i = 0
    while i < len(words):
        expression = _expression_at(lemmas, i, vocabulary.expressions)
        if expression and rng.random() < params.expression_share:
            gloss = vocabulary.expressions[expression]
            units.append(GlossUnit(gloss, gloss, "sign"))
            i += len(expression)
            continue
        word, lemma = words[i], lemmas[i]
        i += 1
        if is_function_word(word) and word not in SIGNED_FUNCTION_WORDS:
            continue
        skip, synonym, describe, spell, add = rng.random(5)
        if skip < params.unsigned_share:
            continue
        synonyms = vocabulary.synonyms.get(lemma, ())
        if synonyms and synonym < params.synonym_share:
            gloss = synonyms[int(rng.integers(len(synonyms)))]
            units.append(GlossUnit(gloss, gloss, "sign"))
        elif lemma in vocabulary.glosses:
            units.append(GlossUnit(lemma, word, "sign"))
        elif lemma in vocabulary.descriptions and describe < params.description_share:
            units.extend(GlossUnit(g, g, "sign") for g in vocabulary.descriptions[lemma])
        elif (
            word.isalpha()
            and len(word) <= params.max_fingerspelled_letters
            and spell < params.fingerspell_share
        ):
            units.append(GlossUnit(word.upper(), word, "fingerspelling"))
        else:
            continue
        if vocabulary.added and add < params.added_share:
            units.append(_added_sign(vocabulary, params, rng, context))
    return reorder(units, text.rstrip().endswith("?"), params, rng)


def _expression_at(
    lemmas: list[str], i: int, expressions: Mapping[tuple[str, ...], str]
) -> tuple[str, ...] | None:
    """The longest multi-word expression of `expressions` that starts at word `i`."""
    for length in (3, 2):
        key = tuple(lemmas[i : i + length])
        if len(key) == length and key in expressions:
            return key
    return None


def _added_sign(
    vocabulary: Vocabulary, params: GrammarParams, rng: np.random.Generator, context: Sequence[str]
) -> GlossUnit:
    from_context, pick = rng.random(2)
    if context and from_context < params.added_context_share:
        gloss = context[int(pick * len(context))]
    else:
        cumulative = np.cumsum(vocabulary.added_weights)
        gloss = vocabulary.added[int(np.searchsorted(cumulative, pick * cumulative[-1]))]
    return GlossUnit(gloss, gloss, "sign")


def reorder(
    units: list[GlossUnit], question: bool, params: GrammarParams, rng: np.random.Generator
) -> list[GlossUnit]:
    """Apply the sign-order rules to units given in English word order."""
    units = list(units)
    if rng.random() < params.time_first:
        time = [u for u in units if u.gloss in TIME_WORDS]
        units = time + [u for u in units if u.gloss not in TIME_WORDS]
    nouns = [i for i, u in enumerate(units) if u.kind == "sign" and is_noun(u.word)]
    if nouns and rng.random() < params.topic_first:
        topic = units.pop(nouns[-1])
        n_time = sum(u.gloss in TIME_WORDS for u in units[:1])
        units.insert(n_time, topic)
    if rng.random() < params.negation_last:
        units = [u for u in units if u.gloss not in NEGATIONS] + [
            u for u in units if u.gloss in NEGATIONS
        ]
    if question and rng.random() < params.wh_last:
        units = [u for u in units if u.gloss not in WH_WORDS] + [
            u for u in units if u.gloss in WH_WORDS
        ]
    return units
