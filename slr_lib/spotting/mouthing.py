"""Mouthing-based keyword spotting: where in a subtitle's video span is a word mouthed?

This is the stand-in for the visual keyword spotter that SPOT-ALIGN borrows (its
"mouthing-based sign spotting" step). The real spotter is a deep keyword-spotting network
trained on lip-reading data; ours is a small, transparent template matcher, built so that each
part maps onto a part of the real one.

1. **Mouth features from keypoints** (`mouth_track`). From the 20 outer-lip points we fit, per
   frame and by least squares over all points, a canonical lip contour: the lower-lip drop
   below the corner line (mouth *opening*), the corner-to-corner *width*, and the upper-lip
   rise (the *rounding* cue: protruded lips lift the upper lip). Fitting all points at once
   averages out detector jitter far better than reading two points. Lengths are divided by the
   signer's shoulder width (median over the clip), so the features do not depend on framing.
   Frames whose lips were not detected (confidence below 0.5, or zero coordinates) are filled
   by linear interpolation from their neighbours; a clip with no lips at all gets the resting
   mouth. A light temporal smoothing follows. No NaN leaves this function.
2. **Keyword templates** (`keyword_template`). A word's phonemes (CMUdict) become visemes, each
   viseme an articulatory shape (jaw_open, lip_width, lip_rounding) from `VISEME_SHAPES`, and a
   linear lip model (`_LIP_OFFSET`, `_LIP_MATRIX`) maps those shapes into the measured feature
   space. This table is our lip-reading knowledge: the real spotter learnt the link between
   phonemes and lip appearance from lip-reading data; we write it down.
3. **Search** (`best_matches`). The word is looked for inside the subtitle's span, padded by
   `pad_s` on each side because subtitles may be aligned to speech rather than to signing. The
   template is stretched to a few durations (8 to 38 frames: signs last about 10 to 30 frames
   at 24 fps) and compared with every window, for all of a subtitle's words at once, through a
   strided view and one matrix product per duration (numpy), not a Python loop over frames.
4. **Score and confidence.** A window w is scored against the word's template t by
   `s = 1 - d(w, t) / (d(t, r) + floor)`, with d the mean squared feature distance per frame
   and r the resting mouth: s is 1 for a perfect match and 0 for a window no closer to the
   word than a resting mouth is, so the background sets the scale and words that look like
   a resting mouth are not favoured. (A matched filter, `d(w, r) - d(w, t)`, was tried first
   and failed: any wide-open mouth "matched" every word. Penalising short windows or
   subtracting the best competing subtitle word gained only a point or two of precision.)
   The best (location, duration) is kept per word; its confidence is
   `sigmoid(slope * s + intercept)`, the probability that the location is right. The two
   constants are fitted (`calibrate`) on the *pre-training* corpus with that corpus's ground
   truth, never on the corpus being annotated: the analogue of the real spotter being trained
   on other data. How often a queried word is mouthed at all differs between corpora, so the
   confidence carries the pre-training corpus's prior; the real spotter has the same
   limitation. A location is recorded when the confidence exceeds the threshold (0.5 as in
   the paper).

Candidates follow the paper: the subtitle's words after text normalisation (numbers spelled
out), words with at least four phonemes, each searched once per subtitle; results are then kept
only for words whose lemma is in the vocabulary (the dictionaries' glosses). Filtering before
searching gives the same annotations, faster, so that is what `spot_mouthings` does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view
from tqdm.auto import tqdm

from slr_lib.data import layout
from slr_lib.data.corpus import TIMINGS, Corpus
from slr_lib.text import VISEME_SHAPES, lemmatize, n_phonemes, normalize, visemes

MOUTH_FEATURES = ("opening", "width", "upper_lip")
SPOTTING_COLUMNS = ("video_id", "sentence_id", "word", "gloss", "frame", "confidence", "source")
DURATIONS = (8, 10, 12, 15, 18, 22, 27, 32, 38)  # template lengths searched, in frames
MIN_CONFIDENCE = 0.5  # lip points below this confidence count as not detected
SMOOTH_SIGMA = 1.0  # frames, for both the track and the templates
NOISE_FLOOR = 1e-4  # squared shoulder widths: keeps words that look like a rest from scoring 1

# Linear lip model: features (opening, width, upper_lip) in shoulder widths
# = _LIP_OFFSET + _LIP_MATRIX @ (jaw_open, lip_width, lip_rounding).
_LIP_OFFSET = np.array([0.012, 0.112, 0.012])
_LIP_MATRIX = np.array(
    [
        [0.09, 0.0, 0.0],  # the jaw drops the lower lip
        [0.0, 0.056, -0.056],  # spreading widens the mouth, rounding narrows it
        [0.0, 0.0, 0.02],  # rounding protrudes and lifts the upper lip
    ]
)

# Canonical outer-lip contour in the order of layout.MOUTH: the lower lip from the left corner,
# then the upper lip from the right corner. x in half-widths; y as multiples of the lower-lip
# drop and of the upper-lip rise (image y points down).
_PHASE = np.arange(10) / 10.0
_CONTOUR_X = np.concatenate([-1 + 2 * _PHASE, 1 - 2 * _PHASE])
_CONTOUR_LOWER = np.concatenate([np.sin(np.pi * _PHASE), np.zeros(10)])
_CONTOUR_UPPER = np.concatenate([np.zeros(10), -np.sin(np.pi * _PHASE)])
_FIT_X = np.linalg.pinv(np.stack([np.ones(20), _CONTOUR_X], axis=1))  # (2, 20)
_FIT_Y = np.linalg.pinv(np.stack([np.ones(20), _CONTOUR_LOWER, _CONTOUR_UPPER], axis=1))


@dataclass(frozen=True)
class Calibration:
    """Logistic map from match score to confidence: sigmoid(slope * score + intercept)."""

    slope: float
    intercept: float
    n_samples: int = 0  # matches it was fitted on (0: written by hand)
    positive_share: float = float("nan")  # share of those matches at a right location

    def confidence(self, score: np.ndarray | float) -> np.ndarray:
        """Confidence in [0, 1] of a match score."""
        z = self.slope * np.asarray(score, dtype=np.float64) + self.intercept
        return 1.0 / (1.0 + np.exp(-np.clip(z, -50, 50)))


# Fitted by `calibrate(Corpus.load("data/simulated/pretrain"))` on the small-profile
# pre-training corpus (pad_s=0.5, sign timing). To recompute:
#   .venv/bin/python -c "from slr_lib.data.corpus import Corpus; \
#     from slr_lib.spotting.mouthing import calibrate; \
#     print(calibrate(Corpus.load('data/simulated/pretrain')))"
DEFAULT_CALIBRATION = Calibration(
    slope=6.524, intercept=-5.491, n_samples=2750, positive_share=0.416
)


# ----------------------------------------------------------------------------- features


def _smooth(x: np.ndarray, sigma: float = SMOOTH_SIGMA) -> np.ndarray:
    """Gaussian smoothing along the first axis, edges repeated."""
    if sigma <= 0 or len(x) < 2:
        return x
    radius = int(np.ceil(3 * sigma))
    taps = np.exp(-0.5 * (np.arange(-radius, radius + 1) / sigma) ** 2)
    taps /= taps.sum()
    padded = np.concatenate([np.repeat(x[:1], radius, 0), x, np.repeat(x[-1:], radius, 0)])
    windows = sliding_window_view(padded, len(taps), axis=0)  # (T, ..., taps)
    return windows @ taps


def _shoulder_width(data: np.ndarray, confidence: np.ndarray) -> float | None:
    """Median distance between the shoulders over frames where both were detected."""
    both = [layout.body_index("LEFT_SHOULDER"), layout.body_index("RIGHT_SHOULDER")]
    seen = np.all(confidence[:, both] >= MIN_CONFIDENCE, axis=1)
    seen &= np.all(np.abs(data[:, both, :2]).sum(-1) > 0, axis=1)
    if not seen.any():
        return None
    width = np.linalg.norm(data[seen, both[0], :2] - data[seen, both[1], :2], axis=1)
    width = float(np.median(width))
    return width if width > 1e-6 else None


def _lip_geometry(mouth: np.ndarray) -> np.ndarray:
    """(T, 3) opening, width and upper-lip rise in image units from (T, 20, >=2) lip points."""
    x = mouth[..., 0] @ _FIT_X.T  # (T, 2): centre, signed half-width
    y = mouth[..., 1] @ _FIT_Y.T  # (T, 3): corner line, lower drop, upper rise
    return np.stack([y[:, 1], 2 * np.abs(x[:, 1]), y[:, 2]], axis=1)


def _fill_missing(values: np.ndarray, valid: np.ndarray, fallback: np.ndarray) -> np.ndarray:
    """Linear interpolation of invalid rows from valid ones; `fallback` if none is valid."""
    if not valid.any():
        return np.tile(fallback, (len(values), 1))
    if valid.all():
        return values
    frames = np.arange(len(values))
    return np.stack(
        [np.interp(frames, frames[valid], values[valid, k]) for k in range(values.shape[1])],
        axis=1,
    )


def rest_features() -> np.ndarray:
    """Features (3,) of the resting mouth."""
    return _LIP_OFFSET + _LIP_MATRIX @ np.asarray(VISEME_SHAPES["rest"])


def mouth_track(data: np.ndarray, confidence: np.ndarray) -> np.ndarray:
    """Per-frame mouth features (T, 3) float32: opening, width, upper-lip rise.

    `data` is (T, 87, 3) keypoints in the layout of `slr_lib.data.layout`, `confidence` (T, 87).
    Lengths are in shoulder widths; undetected lips are interpolated; never NaN.
    """
    data = np.nan_to_num(np.asarray(data, dtype=np.float64))
    confidence = np.nan_to_num(np.asarray(confidence, dtype=np.float64))
    if data.ndim != 3 or data.shape[1:] != (layout.N_POINTS, layout.N_DIMS):
        raise ValueError(f"data must be (T, {layout.N_POINTS}, {layout.N_DIMS}), got {data.shape}")
    if confidence.shape != data.shape[:2]:
        raise ValueError(f"confidence must be {data.shape[:2]}, got {confidence.shape}")
    if len(data) == 0:
        return np.zeros((0, 3), np.float32)
    mouth = data[:, layout.MOUTH]
    valid = confidence[:, layout.MOUTH].mean(axis=1) >= MIN_CONFIDENCE
    valid &= np.abs(mouth[..., :2]).sum(axis=(1, 2)) > 0
    geometry = _lip_geometry(mouth)
    scale = _shoulder_width(data, confidence)
    rest = rest_features()
    if scale is None and valid.any():  # no shoulders: scale so that the median width is a rest
        scale = float(np.median(geometry[valid, 1])) / rest[1]
    features = geometry / scale if scale else geometry
    features = _fill_missing(features, valid, rest)
    return _smooth(features).astype(np.float32)


# ----------------------------------------------------------------------------- templates


def keyword_template(word: str) -> np.ndarray | None:
    """The word's visemes as mouth features (n_visemes, 3), or None if its phonemes are unknown."""
    sequence = visemes(word)
    if not sequence:
        return None
    shapes = np.array([VISEME_SHAPES[v] for v in sequence], dtype=np.float64)
    return shapes @ _LIP_MATRIX.T + _LIP_OFFSET


def _stretch(template: np.ndarray, length: int) -> np.ndarray:
    """The template's visemes spread evenly over `length` frames, then smoothed."""
    which = np.minimum(np.arange(length) * len(template) // length, len(template) - 1)
    return _smooth(template[which])


@lru_cache(maxsize=65536)
def _stretched(word: str, length: int) -> tuple[np.ndarray, float]:
    """A word's template over `length` frames, flattened frame-major (3 * length,), and its
    mean squared distance per frame from the resting mouth."""
    template = keyword_template(word)
    if template is None:
        raise ValueError(f"no phonemes known for {word!r}")
    frames = _stretch(template, length)
    spread = float(((frames - rest_features()) ** 2).sum(-1).mean())
    return frames.reshape(-1), spread


# ----------------------------------------------------------------------------- matching


@dataclass(frozen=True)
class Match:
    """The best location of one word in a track: its last frame (track index), length, score."""

    last: int
    length: int
    score: float


def match_scores(track: np.ndarray, words: list[str], length: int) -> np.ndarray:
    """Scores (n_windows, n_words) of every window of `length` frames of `track` for each word.

    `1 - d(w, word) / (d(word, rest) + floor)`, with d the mean squared feature distance per
    frame: 1 for a perfect match, 0 for a window as far from the word as a resting mouth is.
    All windows and words at once: |w - t|^2 = |w|^2 - 2 w.t + |t|^2 through one product.
    """
    if len(track) < length or not words:
        return np.zeros((max(0, len(track) - length + 1), len(words)))
    windows = sliding_window_view(np.asarray(track, np.float64), length, axis=0)  # (n, 3, L)
    windows = windows.transpose(0, 2, 1).reshape(len(windows), -1)  # (n, 3L) frame-major
    stretched = [_stretched(word, length) for word in words]
    templates = np.stack([flat for flat, _ in stretched])  # (K, 3L)
    spread = np.array([value for _, value in stretched])
    squared = (windows**2).sum(1)[:, None] - 2 * windows @ templates.T + (templates**2).sum(1)[None]
    to_word = np.maximum(squared, 0.0) / length
    return 1.0 - to_word / (spread + NOISE_FLOOR)


def best_matches(
    track: np.ndarray, words: list[str], durations: Iterable[int] = DURATIONS
) -> list[Match | None]:
    """Per word, the best-scoring window of `track` over all durations (None: track too short)."""
    best: list[Match | None] = [None] * len(words)
    for length in durations:
        scores = match_scores(track, words, length)
        if len(scores) == 0:
            continue
        starts = scores.argmax(axis=0)
        for k, start in enumerate(starts):
            value = float(scores[start, k])
            current = best[k]
            if current is None or value > current.score:
                best[k] = Match(int(start) + length - 1, length, value)
    return best


# ----------------------------------------------------------------------------- spotting


def candidate_words(text: str, min_phonemes: int = 4) -> list[str]:
    """Distinct words of a subtitle, numbers spelled out, with at least `min_phonemes` phonemes."""
    seen: dict[str, None] = {}
    for word in normalize(text):
        if word not in seen and n_phonemes(word) >= min_phonemes:
            seen[word] = None
    return list(seen)


def _check_split_timing(corpus: Corpus, split: str, timing: str) -> None:
    """Raise ValueError for an unknown timing or a split the corpus does not have."""
    if timing not in TIMINGS:
        raise ValueError(f"timing must be one of {TIMINGS}, got {timing!r}")
    if split not in corpus.splits:
        raise ValueError(f"split must be one of {corpus.splits}, got {split!r}")


def search_span(
    sentence: Mapping[str, Any], timing: str, fps: float, n_frames: int, pad_s: float
) -> tuple[int, int]:
    """Frames [start, stop) of a subtitle's span padded by `pad_s`, clipped to its video."""
    start = int(np.floor((float(sentence[f"start_{timing}"]) - pad_s) * fps))
    stop = int(np.ceil((float(sentence[f"end_{timing}"]) + pad_s) * fps))
    start = min(max(0, start), n_frames)
    return start, min(n_frames, max(stop, start))


def _queries(text: str, min_phonemes: int, vocabulary: set[str] | None) -> list[tuple[str, str]]:
    """(word, lemma) pairs to search in one subtitle."""
    pairs = [(word, lemmatize(word)) for word in candidate_words(text, min_phonemes)]
    return [(w, lemma) for w, lemma in pairs if vocabulary is None or lemma in vocabulary]


def _sentence_matches(
    corpus: Corpus,
    sentences: pd.DataFrame,
    timing: str,
    min_phonemes: int,
    vocabulary: set[str] | None,
    pad_s: float,
    desc: str = "mouthing",
) -> pd.DataFrame:
    """Best location (last frame, in video frames) and score of each candidate word of each
    subtitle, without any threshold. One mouth track per source video, shared by its subtitles."""
    rows = []
    fps_of = dict(zip(corpus.videos["video_id"], corpus.videos["fps"], strict=True))
    with tqdm(total=len(sentences), desc=desc, unit="sentence") as progress:
        for video_id, group in sentences.groupby("video_id", sort=True):
            track = mouth_track(*corpus.video_pose(video_id))
            for sentence in group.itertuples(index=False):
                start, stop = search_span(
                    sentence._asdict(), timing, float(fps_of[video_id]), len(track), pad_s
                )
                queries = _queries(sentence.text, min_phonemes, vocabulary)
                matches = best_matches(track[start:stop], [w for w, _ in queries])
                for (word, lemma), match in zip(queries, matches, strict=True):
                    if match is not None:
                        rows.append(
                            (video_id, sentence.sentence_id, word, lemma, start + match.last,
                             match.score)
                        )  # fmt: skip
                progress.update(1)
    columns = ["video_id", "sentence_id", "word", "gloss", "frame", "score"]
    return pd.DataFrame(rows, columns=columns)


def spot_mouthings(
    corpus: Corpus,
    split: str = "train",
    timing: str = "sign",
    threshold: float = 0.5,
    min_phonemes: int = 4,
    vocabulary: set[str] | None = None,
    calibration: Calibration | None = None,
    pad_s: float = 0.5,
) -> pd.DataFrame:
    """Mouthing annotations of one split: words of each subtitle located in its video span.

    Columns `video_id, sentence_id, word, gloss` (the word's lemma), `frame` (the last frame of
    the mouthing, in the source video's numbering), `confidence`, `source` ("mouthing"). Kept
    when the confidence exceeds `threshold` and, if `vocabulary` is given, the lemma is in it.
    """
    _check_split_timing(corpus, split, timing)
    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f"threshold must lie in [0, 1], got {threshold}")
    if min_phonemes < 1:
        raise ValueError(f"min_phonemes must be at least 1, got {min_phonemes}")
    if pad_s < 0:
        raise ValueError(f"pad_s must not be negative, got {pad_s}")
    calibration = calibration or DEFAULT_CALIBRATION
    sentences = corpus.split_sentences(split)
    matches = _sentence_matches(
        corpus, sentences, timing, min_phonemes, vocabulary, pad_s, f"mouthing {split}"
    )
    matches["confidence"] = calibration.confidence(matches["score"].to_numpy())
    kept = matches[matches["confidence"] > threshold].drop(columns="score")
    kept = kept.assign(source="mouthing").astype({"frame": np.int64})
    return kept.reset_index(drop=True)[list(SPOTTING_COLUMNS)]


# ----------------------------------------------------------------------------- calibration


def _fit_logistic(x: np.ndarray, y: np.ndarray, ridge: float = 1e-3) -> tuple[float, float]:
    """Slope and intercept of a one-feature logistic regression (Newton's method)."""
    design = np.stack([x, np.ones_like(x)], axis=1)
    theta = np.zeros(2)
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-np.clip(design @ theta, -50, 50)))
        gradient = design.T @ (p - y) + ridge * theta
        hessian = (design * (p * (1 - p))[:, None]).T @ design + ridge * np.eye(2)
        step = np.linalg.solve(hessian, gradient)
        theta -= step
        if np.abs(step).max() < 1e-9:
            break
    return float(theta[0]), float(theta[1])


def calibrate(
    corpus: Corpus,
    vocabulary: set[str] | None = None,
    timing: str = "sign",
    min_phonemes: int = 4,
    pad_s: float = 0.5,
    tolerance: int = 4,
) -> Calibration:
    """Fit the confidence on a corpus with ground truth (the pre-training corpus, never the one
    to be annotated): P(best location is a true sign of the word | score).

    All splits are used. The default vocabulary is the corpus's own signed glosses, the analogue
    of the dictionary vocabulary that filters the queries on the main corpus.
    """
    if corpus.signs is None:
        raise ValueError(f"corpus {corpus.name!r} has no ground truth to calibrate on")
    if timing not in TIMINGS:
        raise ValueError(f"timing must be one of {TIMINGS}, got {timing!r}")
    if vocabulary is None:
        vocabulary = set(corpus.signs["gloss"])
    matches = _sentence_matches(
        corpus, corpus.sentences, timing, min_phonemes, vocabulary, pad_s, "calibrating"
    )
    if matches.empty:
        raise ValueError(f"no candidate words to calibrate on in corpus {corpus.name!r}")
    hits = spotting_hits(matches, corpus.signs, tolerance).astype(np.float64)
    slope, intercept = _fit_logistic(matches["score"].to_numpy(np.float64), hits)
    return Calibration(slope, intercept, len(matches), float(hits.mean()))


# ----------------------------------------------------------------------------- evaluation


def spotting_hits(spottings: pd.DataFrame, signs: pd.DataFrame, tolerance: int = 4) -> np.ndarray:
    """Per spotting, whether its frame lies in a true sign of the same gloss and sentence.

    A true sign matches when its gloss equals the spotting's gloss (lemma) or, for fingerspelled
    words whose ground-truth gloss is the word itself, the spotting's word. The span is
    `[start_frame - tolerance, end_frame + tolerance]`.
    """
    if spottings.empty:
        return np.zeros(0, dtype=bool)
    spots = spottings.reset_index(drop=True).assign(_row=lambda t: np.arange(len(t)))
    truth = signs[["sentence_id", "gloss", "start_frame", "end_frame"]]
    keys = [spots[["_row", "sentence_id", "gloss", "frame"]]]
    if "word" in spots:
        keys.append(
            spots[["_row", "sentence_id", "word", "frame"]].rename(columns={"word": "gloss"})
        )
    pairs = pd.concat(keys).merge(truth, on=["sentence_id", "gloss"])
    inside = (pairs["frame"] >= pairs["start_frame"] - tolerance) & (
        pairs["frame"] <= pairs["end_frame"] + tolerance
    )
    hits = np.zeros(len(spots), dtype=bool)
    hits[pairs.loc[inside, "_row"].to_numpy()] = True
    return hits


def mouthing_precision(spottings: pd.DataFrame, signs: pd.DataFrame, tolerance: int = 4) -> float:
    """Share of spottings whose frame lies within a true sign of the same gloss and sentence."""
    if spottings.empty:
        return float("nan")
    return float(spotting_hits(spottings, signs, tolerance).mean())


def random_locations(
    spottings: pd.DataFrame,
    corpus: Corpus,
    timing: str = "sign",
    pad_s: float = 0.5,
    seed: int = 0,
) -> pd.DataFrame:
    """The same spottings at uniformly random frames of their search spans (a baseline)."""
    if timing not in TIMINGS:
        raise ValueError(f"timing must be one of {TIMINGS}, got {timing!r}")
    rng = np.random.default_rng(seed)
    sentences = corpus.sentences.set_index("sentence_id")
    videos = corpus.videos.set_index("video_id")
    frames = []
    for sentence_id, video_id in zip(spottings["sentence_id"], spottings["video_id"], strict=True):
        video = videos.loc[video_id]
        start, stop = search_span(
            sentences.loc[sentence_id], timing, float(video["fps"]), int(video["n_frames"]), pad_s
        )
        frames.append(int(rng.integers(start, max(stop, start + 1))))
    return spottings.assign(frame=np.asarray(frames, dtype=np.int64))
