"""Corpus statistics (How2Sign's figures to compare with: `slr_lib.data.calibration.HOW2SIGN`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from slr_lib.data.corpus import Corpus
from slr_lib.data.layout import LEFT_HAND, RIGHT_HAND
from slr_lib.data.sentences import n_words


def split_counts(corpus: Corpus) -> pd.DataFrame:
    """Videos, sentences, signers and hours of signing per split."""
    rows = []
    for split in corpus.splits:
        videos = corpus.videos[corpus.videos["split"] == split]
        rows.append(
            {
                "split": split,
                "videos": len(videos),
                "sentences": int((corpus.sentences["split"] == split).sum()),
                "signers": videos["signer"].nunique(),
                "hours": float((videos["n_frames"] / videos["fps"]).sum() / 3600),
            }
        )
    return pd.DataFrame(rows).set_index("split")


def sentence_table(corpus: Corpus) -> pd.DataFrame:
    """Per sentence: words, sign-aligned duration, words per second, produced units."""
    sentences = corpus.sentences
    duration = sentences["end_sign"] - sentences["start_sign"]
    table = pd.DataFrame(
        {
            "sentence_id": sentences["sentence_id"],
            "split": sentences["split"],
            "words": sentences["text"].map(n_words),
            "duration_s": duration,
        }
    )
    table["words_per_second"] = table["words"] / duration.clip(lower=1e-6)
    if corpus.signs is not None:
        units = corpus.signs.groupby("sentence_id").size()
        table["units"] = table["sentence_id"].map(units).fillna(0).astype(int)
    return table


def quantiles(values: pd.Series) -> dict[str, float]:
    """Median, 10th and 90th percentiles and mean."""
    return {
        "median": float(values.median()),
        "p10": float(values.quantile(0.1)),
        "p90": float(values.quantile(0.9)),
        "mean": float(values.mean()),
    }


def sentence_gaps(corpus: Corpus) -> pd.Series:
    """Seconds between consecutive sign-aligned subtitles of the same video."""
    ordered = corpus.sentences.sort_values(["video_id", "start_sign"])
    gaps = ordered["start_sign"].to_numpy()[1:] - ordered["end_sign"].to_numpy()[:-1]
    same_video = ordered["video_id"].to_numpy()[1:] == ordered["video_id"].to_numpy()[:-1]
    return pd.Series(gaps[same_video])


def alignment_shifts(corpus: Corpus) -> pd.DataFrame:
    """Sign-aligned minus speech-aligned start, and the change in duration (Fig. A.3 analogue)."""
    s = corpus.sentences
    return pd.DataFrame(
        {
            "start_shift_s": s["start_sign"] - s["start_speech"],
            "duration_change_s": (s["end_sign"] - s["start_sign"])
            - (s["end_speech"] - s["start_speech"]),
        }
    )


def alignment_histogram(shifts: pd.DataFrame, width_s: float = 0.25) -> pd.DataFrame:
    """Counts of subtitles per shift bin, for the start shift and the duration change."""
    limit = max(1.0, float(np.ceil(shifts.abs().to_numpy().max() / width_s)) * width_s)
    edges = np.arange(-limit, limit + width_s, width_s)
    return pd.DataFrame(
        {
            "shift_s": (edges[:-1] + edges[1:]) / 2,
            "start_shift": np.histogram(shifts["start_shift_s"], edges)[0],
            "duration_change": np.histogram(shifts["duration_change_s"], edges)[0],
        }
    )


def unit_summary(corpus: Corpus) -> dict[str, float]:
    """Shares of fingerspelled and mouthed units, and the number of distinct signs used."""
    if corpus.signs is None:
        raise ValueError(f"corpus {corpus.name!r} has no ground-truth signs (not simulated)")
    signs = corpus.signs
    lexical = signs[signs["kind"] == "sign"]
    return {
        "units": len(signs),
        "fingerspelled_share": float((signs["kind"] == "fingerspelling").mean()),
        "mouthed_share": float(signs["mouthed"].mean()),
        "mouthed_share_lexical": float(lexical["mouthed"].mean()),
        "distinct_signs": int(lexical["gloss"].nunique()),
    }


def dictionary_coverage(corpus: Corpus) -> pd.DataFrame:
    """Per dictionary: glosses, exemplars, and the share of produced lexical signs covered."""
    lexical = corpus.signs[corpus.signs["kind"] == "sign"] if corpus.signs is not None else None
    rows = []
    groups = list(corpus.exemplars.groupby("dictionary")) + [("either", corpus.exemplars)]
    for name, exemplars in groups:
        glosses = set(exemplars["gloss"])
        row = {"dictionary": name, "glosses": len(glosses), "exemplars": len(exemplars)}
        if lexical is not None:
            row["covered_tokens"] = float(lexical["gloss"].isin(glosses).mean())
        rows.append(row)
    return pd.DataFrame(rows).set_index("dictionary")


def hand_detection_rate(corpus: Corpus, split: str) -> float:
    """Share of a split's frames in which the detector found at least one hand."""
    conf = np.asarray(corpus.poses[split].confidence)
    seen = (conf[:, LEFT_HAND].max(axis=1) > 0) | (conf[:, RIGHT_HAND].max(axis=1) > 0)
    return float(seen.mean())
