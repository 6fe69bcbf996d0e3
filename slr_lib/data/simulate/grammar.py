"""From an English sentence to the sequence of signs a signer produces.

Sign order is not word order: function words are dropped, words are lemmatised, time
expressions move to the front, a topic can be fronted, wh-words of questions move to the end
and negation follows the verb phrase. Content words without a sign are fingerspelled or dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

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
    """Probabilities of the reorderings and of fingerspelling a word without a sign."""

    time_first: float = 0.8
    topic_first: float = 0.3
    wh_last: float = 0.7
    negation_last: float = 0.6
    fingerspell_share: float = 0.5
    max_fingerspelled_letters: int = 9


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
    text: str, lexicon: set[str], params: GrammarParams, rng: np.random.Generator
) -> list[GlossUnit]:
    """The signed rendering of one sentence, in sign order."""
    units = []
    for word, lemma in candidate_words(text):
        if lemma in lexicon:
            units.append(GlossUnit(lemma, word, "sign"))
        elif (
            word.isalpha()
            and len(word) <= params.max_fingerspelled_letters
            and rng.random() < params.fingerspell_share
        ):
            units.append(GlossUnit(word.upper(), word, "fingerspelling"))
    return reorder(units, text.rstrip().endswith("?"), params, rng)


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
