"""Retrieval by translation (SPOT-ALIGN Table 7): a video is scored by its translated sentence.

Each video is translated (`slr_lib.trainer.translation`); a query's similarity to a video is the
intersection over union of the lemmas of the query's words and of the translation's words, the
SR machinery of `slr_lib.recognised_words` with the translation in place of the recognised
signs. Function words are kept, as SR keeps them; English text is normalised first (numbers
spelled out), German words are lemmatised as written (`slr_lib.text.lemmatize`). Its late fusion
with CM is `slr_lib.score_fusion.late_fusion`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from slr_lib.model.translation import words
from slr_lib.recognised_words import iou_similarity, query_words
from slr_lib.text import lemmatize


def sentence_lemmas(text: str, language: str = "en") -> frozenset[str]:
    """The lemmas of every word of `text` in `language` ("en" or "de")."""
    if language == "en":
        return query_words(text)
    return frozenset(lemmatize(word, language) for word in words(text))


def translation_similarity(
    queries: Sequence[str], translations: Sequence[str], language: str = "en"
) -> np.ndarray:
    """(queries x videos) IoU of each query's lemmas with each video's translation's lemmas."""
    return iou_similarity(
        [sentence_lemmas(q, language) for q in queries],
        [sentence_lemmas(t, language) for t in translations],
    )
