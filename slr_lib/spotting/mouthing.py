"""Mouthing-based keyword spotting, with a lip reader learnt from annotated signing.

This is the stand-in for the visual keyword spotter that SPOT-ALIGN borrows (its
"mouthing-based sign spotting" step): a network trained on lip-reading data, knowing nothing of
the videos it is later run on. Ours is small and transparent, and it is learnt the same way:
from another corpus (the pre-training corpus, in the BOBSL role) whose sign annotations and
subtitles it may use. It knows which phonemes look alike on the lips (the phoneme-to-viseme class
map of `slr_lib.text`, linguistic knowledge) and nothing of how any corpus draws a mouth.

1. **Mouth shape** (`mouth_shape`). The 20 outer-lip points of each frame, relative to their
   centroid and divided by the signer's shoulder width (median over the clip): 40 numbers, no
   lip model assumed. Frames whose lips were not detected (confidence below 0.5, or zero
   coordinates) are interpolated from their neighbours; a light temporal smoothing follows.
2. **Signer normalisation** (`mouth_track`). Mouths differ between people, so each clip's shapes
   are taken relative to the clip's median shape (most frames are not mouthing: the median is
   that person's resting mouth) and divided by the clip's root-mean-square deviation from it.
   This is the analogue of per-speaker mean and variance normalisation in speech recognition.
3. **Viseme model** (`fit_lip_reader`). Learnt from the annotated corpus: each annotated sign's
   word (the subtitle word whose lemma is the sign's gloss, else the gloss) gives a sequence of
   viseme classes, shared evenly over the sign's frames; frames outside every sign are
   background. The normalised shapes are reduced by principal components; each viseme class
   gets a mean, all classes one shared covariance, the background its own Gaussian. The
   annotations do not say which signs were mouthed, so that is a latent variable, estimated by
   expectation-maximisation: a sign whose frames fit its word's visemes better than the
   background counts as mouthed, and only mouthed signs train the viseme means (the others
   train the background). The template lengths searched are learnt too: the spread of the
   annotated signs' durations.
4. **Search** (`best_matches`). A word is looked for inside its subtitle's span, padded by
   `pad_s` on each side because subtitles may be aligned to speech rather than to signing. Its
   visemes (CMUdict) are spread evenly over each template length and every window is scored by
   the mean per-frame log-likelihood ratio of the word's visemes against a filler model (any
   mouth: the mixture of every viseme class and the background, as keyword spotters in speech
   do; against the background alone, any unusual mouth would match every word), for all of a
   subtitle's words at once (one matrix product per length, numpy).
5. **Confidence** (`learn_reader`). The best (location, length) is kept per word; its confidence is
   `sigmoid(slope * score + intercept)`, the probability that the location is right, fitted on
   the annotated corpus out of fold (each half of its videos scored by a reader learnt on the
   other half), never on the corpus being annotated. How often a queried word is mouthed at all
   differs between corpora, so the confidence carries the annotated corpus's prior; the real
   spotter has the same limitation. A location is recorded when the confidence exceeds the
   threshold (0.5 as in the paper).

Candidates follow the paper: the subtitle's words after text normalisation (numbers spelled
out), words with at least four phonemes, each searched once per subtitle; results are then kept
only for words whose lemma is in the vocabulary (the dictionaries' glosses). Filtering before
searching gives the same annotations, faster, so that is what `spot_mouthings` does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd
from numpy.lib.stride_tricks import sliding_window_view
from tqdm.auto import tqdm

from slr_lib.data import layout
from slr_lib.data.corpus import TIMINGS, Corpus
from slr_lib.data.mouthings import SPOTTING_COLUMNS
from slr_lib.text import PHONEME_TO_VISEME, lemmatize, n_phonemes, normalize, visemes

N_SHAPE = 2 * len(layout.MOUTH_POINTS)  # lip point coordinates per frame
MIN_CONFIDENCE = 0.5  # lip points below this confidence count as not detected
SMOOTH_SIGMA = 1.0  # frames: light denoising of the lip track
MAX_COMPONENTS = 6  # principal components of the normalised mouth shape kept at most
EXPLAINED = 0.95  # ... or as many as explain this share of its variance
EM_ITERATIONS = 10  # rounds of the mouthed / not-mouthed estimate
MIN_CLASS_FRAMES = 20.0  # a viseme class seen on fewer (weighted) frames borrows the mean
N_DURATIONS = 9  # template lengths searched, spread between two quantiles of sign durations
DURATION_QUANTILES = (0.05, 0.95)
FOLDS = 2  # the annotated corpus's videos are halved for out-of-fold calibration


@dataclass(frozen=True)
class Calibration:
    """Logistic map from match score to confidence: sigmoid(slope * score + intercept)."""

    slope: float
    intercept: float
    n_samples: int = 0  # matches it was fitted on (0: not fitted)
    positive_share: float = float("nan")  # share of those matches at a right location

    def confidence(self, score: np.ndarray | float) -> np.ndarray:
        """Confidence in [0, 1] of a match score."""
        z = self.slope * np.asarray(score, dtype=np.float64) + self.intercept
        return 1.0 / (1.0 + np.exp(-np.clip(z, -50, 50)))


UNCALIBRATED = Calibration(slope=1.0, intercept=0.0)


@dataclass(frozen=True, eq=False)
class LipReader:
    """A viseme model learnt from annotated signing (`fit_lip_reader`, `learn_reader`).

    A normalised mouth shape x (`mouth_track`) is mapped to y = (x - centre) @ projection, in
    which the viseme classes share an identity covariance; `means` holds each class's mean and
    the background is Gaussian with mean `background_mean` and precision `background_precision`;
    `log_priors` are the log shares of frames of each class and, last, of the background.
    """

    centre: np.ndarray  # (N_SHAPE,)
    projection: np.ndarray  # (N_SHAPE, d)
    classes: tuple[str, ...]
    means: np.ndarray  # (n_classes, d)
    background_mean: np.ndarray  # (d,)
    background_precision: np.ndarray  # (d, d)
    log_priors: np.ndarray  # (n_classes + 1,)
    durations: tuple[int, ...]  # template lengths searched, in frames
    calibration: Calibration = UNCALIBRATED
    n_frames: int = 0  # annotated frames it was learnt from
    n_signs: int = 0  # annotated signs whose word has known phonemes
    mouthed_share: float = float("nan")  # share of those signs it believes were mouthed
    _cache: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def dim(self) -> int:
        """Dimension of the space the classes are compared in."""
        return int(self.projection.shape[1])

    def project(self, track: np.ndarray) -> np.ndarray:
        """Normalised mouth shapes (T, N_SHAPE) into the model's space (T, d)."""
        return (np.asarray(track, np.float64) - self.centre) @ self.projection

    def filler_score(self, projected: np.ndarray) -> np.ndarray:
        """Per frame, the log density of any mouth (every class and the background, mixed by
        their priors), up to the constant it shares with each class's density."""
        delta = projected - self.background_mean
        _, logdet = np.linalg.slogdet(self.background_precision)
        quadratic = np.einsum("td,de,te->t", delta, self.background_precision, delta)
        background = -0.5 * quadratic + 0.5 * logdet
        to_class = ((projected[:, None, :] - self.means[None]) ** 2).sum(-1)  # (T, n_classes)
        parts = np.concatenate([-0.5 * to_class, background[:, None]], axis=1) + self.log_priors
        top = parts.max(axis=1)
        return top + np.log(np.exp(parts - top[:, None]).sum(axis=1))

    def template(self, word: str) -> np.ndarray | None:
        """The word's viseme means in order (n_visemes, d), or None if its phonemes are unknown."""
        sequence = visemes(word)
        if not sequence:
            return None
        index = {name: k for k, name in enumerate(self.classes)}
        return self.means[[index[v] for v in sequence]]

    def stretched(self, word: str, length: int) -> np.ndarray:
        """The word's template spread evenly over `length` frames, flattened frame-major."""
        key = (word, length)
        if key not in self._cache:
            template = self.template(word)
            if template is None:
                raise ValueError(f"no phonemes known for {word!r}")
            self._cache[key] = template[_spread(len(template), length)].reshape(-1)
        return self._cache[key]

    def summary(self) -> dict[str, Any]:
        """What it was learnt from, for the stage's summary."""
        return {
            "frames": self.n_frames, "signs": self.n_signs, "dimensions": self.dim,
            "mouthed_share": self.mouthed_share, "durations": list(self.durations),
            "calibration": {"slope": self.calibration.slope,
                            "intercept": self.calibration.intercept,
                            "samples": self.calibration.n_samples,
                            "positive_share": self.calibration.positive_share},
        }  # fmt: skip


def _spread(n_items: int, length: int) -> np.ndarray:
    """Which of `n_items` evenly spread items each of `length` frames shows."""
    return np.minimum(np.arange(length) * n_items // length, n_items - 1)


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


def _fill_missing(values: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Linear interpolation of invalid rows from valid ones; zeros if none is valid."""
    if not valid.any():
        return np.zeros_like(values)
    if valid.all():
        return values
    frames = np.arange(len(values))
    return np.stack(
        [np.interp(frames, frames[valid], values[valid, k]) for k in range(values.shape[1])],
        axis=1,
    )


def _check_pose(data: np.ndarray, confidence: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    data = np.nan_to_num(np.asarray(data, dtype=np.float64))
    confidence = np.nan_to_num(np.asarray(confidence, dtype=np.float64))
    if data.ndim != 3 or data.shape[1:] != (layout.N_POINTS, layout.N_DIMS):
        raise ValueError(f"data must be (T, {layout.N_POINTS}, {layout.N_DIMS}), got {data.shape}")
    if confidence.shape != data.shape[:2]:
        raise ValueError(f"confidence must be {data.shape[:2]}, got {confidence.shape}")
    return data, confidence


def mouth_shape(data: np.ndarray, confidence: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-frame lip shape (T, 40): the outer-lip points relative to their centroid, in shoulder
    widths, undetected frames interpolated and smoothed; and which frames were detected (T,).

    `data` is (T, 87, 3) keypoints in the layout of `slr_lib.data.layout`, `confidence` (T, 87).
    A clip without any detected lips gives zeros. Never NaN.
    """
    data, confidence = _check_pose(data, confidence)
    if len(data) == 0:
        return np.zeros((0, N_SHAPE)), np.zeros(0, dtype=bool)
    mouth = data[:, layout.MOUTH, :2]
    valid = confidence[:, layout.MOUTH].mean(axis=1) >= MIN_CONFIDENCE
    valid &= np.abs(mouth).sum(axis=(1, 2)) > 0
    shape = (mouth - mouth.mean(axis=1, keepdims=True)).reshape(len(data), -1)
    scale = _shoulder_width(data, confidence)
    if scale is None and valid.any():  # no shoulders: the mouth's own size sets the scale
        scale = float(np.median(np.linalg.norm(shape[valid], axis=1)))
    shape = shape / scale if scale else shape
    return _smooth(_fill_missing(shape, valid)), valid


def mouth_track(data: np.ndarray, confidence: np.ndarray) -> np.ndarray:
    """Signer-normalised mouth shapes (T, 40) float32: each clip relative to its median shape and
    divided by its root-mean-square deviation from it. A clip without lips gives zeros."""
    shape, valid = mouth_shape(data, confidence)
    if not valid.any():
        return np.zeros_like(shape, dtype=np.float32)
    deviation = shape - np.median(shape[valid], axis=0)
    spread = float(np.sqrt((deviation[valid] ** 2).sum(axis=1).mean()))
    return (deviation / max(spread, 1e-8)).astype(np.float32)


# ----------------------------------------------------------------------------- learning


def _sign_words(corpus: Corpus) -> pd.DataFrame:
    """The annotated signs with the word each is taken to mouth: the subtitle word whose lemma is
    the gloss (fingerspelled words are their own gloss), else the gloss itself."""
    signs = corpus.signs.merge(corpus.sentences[["sentence_id", "text"]], on="sentence_id")
    words = []
    for gloss, text in zip(signs["gloss"], signs["text"], strict=True):
        matches = [w for w in normalize(text) if w == gloss or lemmatize(w) == gloss]
        words.append(matches[0] if matches else str(gloss))
    return signs.assign(word=words).drop(columns="text")


@dataclass
class _Frames:
    """The annotated corpus's frames: normalised shapes, and for sign frames, the sign and the
    viseme class it is taken to show (-1: outside every usable sign)."""

    shapes: np.ndarray  # (F, N_SHAPE)
    sign: np.ndarray  # (F,) index of the sign, -1 for background frames
    label: np.ndarray  # (F,) viseme class index, -1 for background frames
    n_signs: int
    durations: np.ndarray  # (n_signs,) frames per sign


def _annotated_frames(corpus: Corpus, video_ids: Iterable[str], classes: list[str]) -> _Frames:
    """Frames of the given videos with their sign annotations turned into viseme labels."""
    index = {name: k for k, name in enumerate(classes)}
    signs = _sign_words(corpus)
    by_video = dict(list(signs.groupby("video_id", sort=False)))
    shapes, sign_of, label_of, durations = [], [], [], []
    n_signs = 0
    for video_id in video_ids:
        track = mouth_track(*corpus.video_pose(video_id))
        sign = np.full(len(track), -1)
        label = np.full(len(track), -1)
        used = np.ones(len(track), dtype=bool)
        table = by_video.get(video_id)
        rows = [] if table is None else table.itertuples(index=False)
        for row in rows:
            start, end = max(0, int(row.start_frame)), min(len(track), int(row.end_frame))
            if end <= start:
                continue
            sequence = visemes(row.word)
            if not sequence:
                used[start:end] = False  # a sign, but of unknown visemes: neither kind
                continue
            sign[start:end] = n_signs
            label[start:end] = [index[sequence[k]] for k in _spread(len(sequence), end - start)]
            durations.append(end - start)
            n_signs += 1
        shapes.append(track[used])
        sign_of.append(sign[used])
        label_of.append(label[used])
    return _Frames(
        np.concatenate(shapes).astype(np.float64), np.concatenate(sign_of),
        np.concatenate(label_of), n_signs, np.asarray(durations),
    )  # fmt: skip


def _components(shapes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Centre and principal directions (N_SHAPE, k) of the shapes."""
    centre = shapes.mean(axis=0)
    _, values, vectors = np.linalg.svd(shapes - centre, full_matrices=False)
    share = np.cumsum(values**2) / max(float((values**2).sum()), 1e-12)
    k = min(MAX_COMPONENTS, int(np.searchsorted(share, EXPLAINED)) + 1)
    return centre, vectors[:k].T


def _gaussian(z: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Weighted mean and covariance (slightly regularised) of rows of z."""
    total = max(float(weights.sum()), 1e-12)
    mean = weights @ z / total
    delta = z - mean
    covariance = (delta * weights[:, None]).T @ delta / total
    return mean, covariance + 1e-6 * np.trace(covariance) / len(mean) * np.eye(len(mean))


def _log_density(z: np.ndarray, mean: np.ndarray, covariance: np.ndarray) -> np.ndarray:
    """Gaussian log density of rows of z, up to the constant -d/2 log(2 pi)."""
    precision = np.linalg.inv(covariance)
    _, logdet = np.linalg.slogdet(covariance)
    delta = z - mean
    return -0.5 * np.einsum("td,de,te->t", delta, precision, delta) - 0.5 * logdet


def _fit_classes(
    z: np.ndarray, label: np.ndarray, weight: np.ndarray, n_classes: int
) -> tuple[np.ndarray, np.ndarray]:
    """Class means (classes seen too rarely get the mean of all) and their pooled covariance."""
    pooled, _ = _gaussian(z, weight)
    means = np.tile(pooled, (n_classes, 1))
    residual = np.zeros_like(z)
    for k in range(n_classes):
        mask = label == k
        if weight[mask].sum() >= MIN_CLASS_FRAMES:
            means[k] = weight[mask] @ z[mask] / weight[mask].sum()
        residual[mask] = z[mask] - means[k]
    _, covariance = _gaussian(residual, weight)
    return means, covariance


def _log_density_by_class(
    z: np.ndarray, label: np.ndarray, means: np.ndarray, covariance: np.ndarray
) -> np.ndarray:
    """Per frame, the log density of its labelled class (0 for unlabelled frames)."""
    out = np.zeros(len(z))
    labelled = label >= 0
    residual = z[labelled] - means[label[labelled]]
    out[labelled] = _log_density(residual, np.zeros(z.shape[1]), covariance)
    return out


def _maximise(
    z: np.ndarray, frames: _Frames, mouthed: np.ndarray, n_classes: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Class means, their shared covariance, the background's mean and covariance, and each
    frame's weight as a mouthed frame, given P(mouthed) per sign."""
    in_sign = frames.sign >= 0
    weight = np.where(in_sign, mouthed[np.maximum(frames.sign, 0)], 0.0)
    means, covariance = _fit_classes(z, frames.label, weight, n_classes)
    background_mean, background_cov = _gaussian(z, 1.0 - weight)
    return means, covariance, background_mean, background_cov, weight


def fit_lip_reader(corpus: Corpus, video_ids: Iterable[str] | None = None) -> LipReader:
    """Learn the viseme model from an annotated corpus (its videos `video_ids`, default all).

    Uses the corpus's sign annotations (gloss, frames) and subtitles only; which signs were
    mouthed is estimated (expectation-maximisation), not read. The result is not calibrated.
    """
    if corpus.signs is None:
        raise ValueError(f"corpus {corpus.name!r} has no sign annotations to learn from")
    classes = sorted(set(PHONEME_TO_VISEME.values()))
    video_ids = sorted(corpus.videos["video_id"] if video_ids is None else video_ids)
    frames = _annotated_frames(corpus, video_ids, classes)
    if frames.n_signs == 0:
        raise ValueError(f"no annotated sign with known phonemes in corpus {corpus.name!r}")
    centre, directions = _components(frames.shapes)
    z = (frames.shapes - centre) @ directions
    in_sign = frames.sign >= 0
    mouthed = np.full(frames.n_signs, 0.5)  # P(sign was mouthed), start undecided
    for _ in range(EM_ITERATIONS):
        means, covariance, background_mean, background_cov, _ = _maximise(
            z, frames, mouthed, len(classes)
        )
        ratio = _log_density_by_class(z, frames.label, means, covariance)
        ratio -= _log_density(z, background_mean, background_cov)
        evidence = np.bincount(frames.sign[in_sign], ratio[in_sign], minlength=frames.n_signs)
        prior = float(np.clip(mouthed.mean(), 1e-3, 1 - 1e-3))
        logit = np.clip(evidence + np.log(prior / (1 - prior)), -50, 50)
        mouthed = 1.0 / (1.0 + np.exp(-logit))
    means, covariance, background_mean, background_cov, weight = _maximise(
        z, frames, mouthed, len(classes)
    )
    seen = frames.label >= 0
    shares = np.append(
        np.bincount(frames.label[seen], weight[seen], minlength=len(classes)), (1 - weight).sum()
    )
    # Whiten by the classes' shared covariance: the class comparison becomes Euclidean.
    whitening = np.linalg.cholesky(np.linalg.inv(covariance))  # W W^T = covariance^-1
    low, high = np.quantile(frames.durations, DURATION_QUANTILES)
    durations = np.unique(np.round(np.geomspace(max(low, 2), max(high, low + 1), N_DURATIONS)))
    inverse = np.linalg.inv(whitening)
    return LipReader(
        centre=centre, projection=directions @ whitening, classes=tuple(classes),
        means=means @ whitening, background_mean=background_mean @ whitening,
        background_precision=inverse @ np.linalg.inv(background_cov) @ inverse.T,
        log_priors=np.log(np.maximum(shares / shares.sum(), 1e-12)),
        durations=tuple(int(d) for d in durations), n_frames=int(in_sign.sum()),
        n_signs=frames.n_signs, mouthed_share=float(mouthed.mean()),
    )  # fmt: skip


def learn_reader(
    corpus: Corpus,
    timing: str = "sign",
    min_phonemes: int = 4,
    pad_s: float = 0.5,
    folds: int = FOLDS,
    tolerance: int = 4,
) -> LipReader:
    """The lip reader of an annotated corpus (the pre-training corpus), calibrated out of fold.

    Its videos are dealt into `folds` groups; each group's subtitles are searched for their own
    signed words by a reader learnt on the other groups, and the confidence is fitted on those
    matches. The reader returned is learnt on all videos and carries that calibration.
    """
    if folds < 2:
        raise ValueError(f"folds must be at least 2, got {folds}")
    videos = sorted(corpus.videos["video_id"])
    vocabulary = set(corpus.signs["gloss"]) if corpus.signs is not None else set()
    scored = []
    for k in range(folds):
        held_out = set(videos[k::folds])
        if not held_out or held_out == set(videos):
            continue
        reader = fit_lip_reader(corpus, [v for v in videos if v not in held_out])
        sentences = corpus.sentences[corpus.sentences["video_id"].isin(held_out)]
        scored.append(
            _sentence_matches(corpus, sentences, timing, min_phonemes, vocabulary, pad_s, reader,
                              f"calibrating (fold {k + 1}/{folds})")
        )  # fmt: skip
    calibration = _fit_calibration(pd.concat(scored), corpus, tolerance)
    return replace(fit_lip_reader(corpus), calibration=calibration)


# ----------------------------------------------------------------------------- matching


@dataclass(frozen=True)
class Match:
    """The best location of one word in a track: its last frame (track index), length, score."""

    last: int
    length: int
    score: float


def match_scores(
    projected: np.ndarray, filler: np.ndarray, words: list[str], length: int,
    reader: LipReader,
) -> np.ndarray:  # fmt: skip
    """Scores (n_windows, n_words) of every window of `length` frames for each word.

    `projected` is a track in the reader's space (`LipReader.project`), `filler` its per-frame
    filler score (`LipReader.filler_score`). A window's score is the mean over its frames of the
    log-likelihood ratio of the word's visemes (spread evenly) against the filler. All windows
    and words at once: |w - t|^2 = |w|^2 - 2 w.t + |t|^2.
    """
    n_windows = max(0, len(projected) - length + 1)
    if n_windows == 0 or not words:
        return np.zeros((n_windows, len(words)))
    windows = sliding_window_view(np.asarray(projected, np.float64), length, axis=0)
    windows = windows.transpose(0, 2, 1).reshape(n_windows, -1)  # (n, L d) frame-major
    templates = np.stack([reader.stretched(word, length) for word in words])  # (K, L d)
    squared = (windows**2).sum(1)[:, None] - 2 * windows @ templates.T + (templates**2).sum(1)
    cumulative = np.concatenate([[0.0], np.cumsum(filler)])
    filler_mean = (cumulative[length:] - cumulative[:-length]) / length
    return -0.5 * np.maximum(squared, 0.0) / length - filler_mean[:, None]


def best_matches(
    track: np.ndarray, words: list[str], reader: LipReader, durations: Iterable[int] | None = None
) -> list[Match | None]:
    """Per word, the best-scoring window of a `mouth_track` over all template lengths (the
    reader's unless `durations` is given); None where the track is too short."""
    projected = reader.project(track)
    filler = reader.filler_score(projected)
    best: list[Match | None] = [None] * len(words)
    for length in reader.durations if durations is None else durations:
        scores = match_scores(projected, filler, words, length, reader)
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
    reader: LipReader,
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
                matches = best_matches(track[start:stop], [w for w, _ in queries], reader)
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
    reader: LipReader | None = None,
    pad_s: float = 0.5,
) -> pd.DataFrame:
    """Mouthing annotations of one split: words of each subtitle located in its video span.

    `reader` is a lip reader learnt on another, annotated corpus (`learn_reader`). Columns
    `video_id, sentence_id, word, gloss` (the word's lemma), `frame` (the last frame of the
    mouthing, in the source video's numbering), `confidence`, `source` ("mouthing"). Kept when
    the confidence exceeds `threshold` and, if `vocabulary` is given, the lemma is in it.
    """
    _check_split_timing(corpus, split, timing)
    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f"threshold must lie in [0, 1], got {threshold}")
    if min_phonemes < 1:
        raise ValueError(f"min_phonemes must be at least 1, got {min_phonemes}")
    if pad_s < 0:
        raise ValueError(f"pad_s must not be negative, got {pad_s}")
    if reader is None:
        raise ValueError("a lip reader learnt on an annotated corpus is needed (learn_reader)")
    sentences = corpus.split_sentences(split)
    matches = _sentence_matches(
        corpus, sentences, timing, min_phonemes, vocabulary, pad_s, reader, f"mouthing {split}"
    )
    matches["confidence"] = reader.calibration.confidence(matches["score"].to_numpy())
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


def _fit_calibration(matches: pd.DataFrame, corpus: Corpus, tolerance: int) -> Calibration:
    """The logistic map from score to P(right location), fitted on scored matches."""
    if matches.empty:
        raise ValueError(f"no candidate words to calibrate on in corpus {corpus.name!r}")
    hits = spotting_hits(matches, corpus.signs, tolerance).astype(np.float64)
    slope, intercept = _fit_logistic(matches["score"].to_numpy(np.float64), hits)
    return Calibration(slope, intercept, len(matches), float(hits.mean()))


def calibrate(
    corpus: Corpus,
    reader: LipReader,
    vocabulary: set[str] | None = None,
    timing: str = "sign",
    min_phonemes: int = 4,
    pad_s: float = 0.5,
    tolerance: int = 4,
) -> Calibration:
    """Fit the confidence of `reader` on a corpus with annotations, never the one to be annotated:
    P(best location is a true sign of the word | score). All splits are used; the default
    vocabulary is the corpus's own signed glosses. (`learn_reader` calibrates out of fold.)
    """
    if corpus.signs is None:
        raise ValueError(f"corpus {corpus.name!r} has no ground truth to calibrate on")
    if timing not in TIMINGS:
        raise ValueError(f"timing must be one of {TIMINGS}, got {timing!r}")
    if vocabulary is None:
        vocabulary = set(corpus.signs["gloss"])
    matches = _sentence_matches(
        corpus, corpus.sentences, timing, min_phonemes, vocabulary, pad_s, reader, "calibrating"
    )
    return _fit_calibration(matches, corpus, tolerance)


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
