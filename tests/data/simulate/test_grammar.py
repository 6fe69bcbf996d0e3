import numpy as np

from slr_lib.data.simulate.grammar import GrammarParams, candidate_words, sentence_to_units

ALWAYS = GrammarParams(time_first=1, topic_first=0, wh_last=1, negation_last=1, fingerspell_share=1)


def units(text, lexicon, params=ALWAYS):
    return sentence_to_units(text, set(lexicon), params, np.random.default_rng(0))


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
