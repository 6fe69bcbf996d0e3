"""BLEU through sacrebleu, on the translator's lowercased words."""

import pytest

from slr_lib.translation_metrics import bleu, bleu_signature


def test_identical_sentences_score_100_whatever_the_case():
    assert bleu(["Der Regen kommt morgen früh"], ["der regen kommt morgen früh"]) == pytest.approx(
        {f"BLEU-{n}": 100.0 for n in (1, 2, 3, 4)}
    )


def test_bleu_1_is_the_clipped_unigram_precision_times_the_brevity_penalty():
    found = bleu(["the cat the cat"], ["the cat sat on the mat"])
    brevity = 2.718281828459045 ** (1 - 6 / 4)
    assert found["BLEU-1"] == pytest.approx(100 * brevity * 3 / 4)
    assert found["BLEU-4"] < found["BLEU-1"]


def test_mismatched_or_empty_inputs_are_refused():
    with pytest.raises(ValueError, match="2 hypotheses but 1 references"):
        bleu(["a", "b"], ["a"])
    with pytest.raises(ValueError, match="at least one"):
        bleu([], [])


def test_the_signature_names_the_tokenisation():
    assert "tok:none" in bleu_signature() and "smooth:exp" in bleu_signature()
