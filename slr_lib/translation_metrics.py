"""BLEU of translated sentences, with sacrebleu.

BLEU-n is the corpus BLEU of n-grams up to n (uniform weights, brevity penalty), each video one
hypothesis with one reference, in percent: BLEU-1 and BLEU-4 are the figures the SPOT-ALIGN
supplement (App. E) and Sign Language Transformers report. Tokenisation: sacrebleu's `none`,
since the sentences are compared as the translator reads and writes them, lowercased words
split on whitespace (`slr_lib.model.translation.words`); sacrebleu's default exponential
smoothing is kept. The settings are in `bleu_signature`. The sentences are tokenised on
purpose (PHOENIX-2014T writes its final '.' as a word), so sacrebleu's warning about tokenised
input is switched off (`force`).
"""

from __future__ import annotations

from collections.abc import Sequence

from sacrebleu.metrics import BLEU

from slr_lib.model.translation import words

ORDERS = (1, 2, 3, 4)


def _scorer(order: int) -> BLEU:
    return BLEU(max_ngram_order=order, tokenize="none", effective_order=False, force=True)


def bleu(hypotheses: Sequence[str], references: Sequence[str]) -> dict[str, float]:
    """BLEU-1 to BLEU-4 (percent) of `hypotheses` against one reference each."""
    if len(hypotheses) != len(references):
        raise ValueError(f"{len(hypotheses)} hypotheses but {len(references)} references")
    if not references:
        raise ValueError("BLEU needs at least one sentence")
    hyp = [" ".join(words(h)) for h in hypotheses]
    ref = [" ".join(words(r)) for r in references]
    return {f"BLEU-{n}": float(_scorer(n).corpus_score(hyp, [ref]).score) for n in ORDERS}


def bleu_signature() -> str:
    """sacrebleu's signature of the BLEU-4 setting (version, tokenisation, smoothing)."""
    scorer = _scorer(4)
    scorer.corpus_score(["a"], [["a"]])  # sacrebleu signs a metric only once it has scored
    return str(scorer.get_signature())
