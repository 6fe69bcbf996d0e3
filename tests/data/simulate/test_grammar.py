import numpy as np

from slr_lib.data.simulate.grammar import (
    GrammarParams,
    Vocabulary,
    candidate_words,
    sentence_to_units,
)

ALWAYS = GrammarParams(time_first=1, topic_first=0, wh_last=1, negation_last=1, fingerspell_share=1)


def units(text, lexicon, params=ALWAYS, seed=0, context=()):
    vocabulary = lexicon if isinstance(lexicon, Vocabulary) else Vocabulary.of(lexicon)
    return sentence_to_units(text, vocabulary, params, np.random.default_rng(seed), context)


def test_function_words_dropped_and_lemmatised():
    words = [lemma for _, lemma in candidate_words("The dogs were running in the park")]
    assert words == ["dog", "run", "park"]


def test_time_first_wh_and_negation_last():
    got = units("Where did you put the cup yesterday?", {"where", "you", "put", "cup", "yesterday"})
    assert [u.gloss for u in got] == ["yesterday", "you", "put", "cup", "where"]
    got = units("I do not like it", {"i", "not", "like"})
    assert [u.gloss for u in got][-1] == "not"


def test_out_of_lexicon_words_fingerspelled_or_dropped():
    spelled = units("Add the nutmeg", {"add"})
    assert [(u.gloss, u.kind) for u in spelled] == [("add", "sign"), ("NUTMEG", "fingerspelling")]
    dropped = units("Add the nutmeg", {"add"}, GrammarParams(fingerspell_share=0))
    assert [u.gloss for u in dropped] == ["add"]


def test_numbers_become_words():
    got = units("Wait 7 minutes", {"wait", "seven", "minute"})
    assert [u.gloss for u in got] == ["wait", "seven", "minute"]


GAP = Vocabulary(
    glosses=frozenset({"big", "large", "dog", "meal", "morning", "search", "house"}),
    synonyms={"big": ("large",), "large": ("big",)},
    descriptions={"breakfast": ("meal", "morning")},
    expressions={("look", "for"): "search"},
    added=("house",),
    added_weights=(1.0,),
)
NO_GAP = GrammarParams(time_first=0, topic_first=0, fingerspell_share=0)


def glosses(text, **gap):
    from dataclasses import replace

    return [u.gloss for u in units(text, GAP, replace(NO_GAP, **gap))]


def test_without_the_gap_every_sign_renders_its_own_word():
    assert glosses("A big dog looks for breakfast") == ["big", "dog"]


def test_synonym_expression_description_and_added_signs():
    assert glosses("A big dog", synonym_share=1) == ["large", "dog"]
    assert glosses("look for the dog", expression_share=1) == ["search", "dog"]
    assert glosses("Breakfast", description_share=1) == ["meal", "morning"]
    assert glosses("A big dog", added_share=1, added_context_share=0) == [
        "big", "house", "dog", "house",
    ]  # fmt: skip
    assert glosses("A dog", unsigned_share=1) == []


def test_added_signs_repeat_the_context():
    got = units("A dog", GAP, GrammarParams(added_share=1, added_context_share=1), context=["meal"])
    assert [(u.gloss, u.word) for u in got] == [("dog", "dog"), ("meal", "meal")]


def test_units_that_render_another_word_mouth_their_own_gloss():
    got = units("A big dog", GAP, GrammarParams(synonym_share=1))
    assert [(u.gloss, u.word) for u in got] == [("large", "large"), ("dog", "dog")]


def test_shares_hold_on_many_words():
    params = GrammarParams(fingerspell_share=0, unsigned_share=0.4)
    text = " ".join(["dogs"] * 2000)
    assert abs(len(units(text, {"dog"}, params)) / 2000 - 0.6) < 0.04
