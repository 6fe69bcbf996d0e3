"""The data chapter: the simulated corpus the other chapters use, beside real statistics."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from slr_lib.config import SectionConfig, knob
from slr_lib.data import stats
from slr_lib.data.appearance import render_view, signer_appearance
from slr_lib.data.corpus import Corpus
from slr_lib.data.features import read_ce_features
from slr_lib.logging_setup import get_logger
from slr_lib.papers.spot_align_supplement import SEC_C
from slr_lib.paths import project_path
from slr_lib.results import ChapterResults

log = get_logger(__name__)

SPLITS = ("train", "val", "test")
HOW2SIGN_SENTENCES = "How2Sign sentences (SPOT-ALIGN Sec. 4.1)"
"""The column of How2Sign's split sizes beside ours."""
PAPER_SPLITS_ROW = "final splits"
"""The row of SPOT-ALIGN supplement Sec. C with the split sizes the paper uses."""
SENTENCE_STATISTICS = {
    "words per sentence": ("words", "words_per_sentence"),
    "duration (s, sign-aligned)": ("duration_s", "duration_s"),
    "words per second": ("words_per_second", "words_per_second"),
}
"""Compared statistic -> (column of `stats.sentence_table`, key of `stats.HOW2SIGN`)."""
QUANTILES = ("median", "p10", "p90")


@dataclass(frozen=True)
class Config(SectionConfig):
    """Where the corpora and features are, and what the figures show (`data` section)."""

    SECTION = "data"

    corpus_dir: str = knob()
    pretrain_dir: str = knob()
    features_dir: str = knob()
    example_split: str = knob(choices=SPLITS)
    filmstrip_frames: int = knob(ge=1)


@dataclass(frozen=True)
class Corpora:
    """The main simulated corpus and the related pre-training one."""

    main: Corpus
    pretrain: Corpus


def load(config: Config) -> Corpora:
    """The section's two corpora."""
    corpora = Corpora(
        Corpus.load(project_path(config.corpus_dir)), Corpus.load(project_path(config.pretrain_dir))
    )
    log.info(
        "loaded %s (%d sentences) and %s",
        corpora.main.name,
        len(corpora.main.sentences),
        corpora.pretrain.name,
    )
    return corpora


@dataclass(frozen=True)
class Results:
    """The corpus statistics the chapter shows and records."""

    corpus_name: str
    splits: pd.DataFrame  # per split: videos, sentences, signers, hours, How2Sign's sentences
    pretrain_splits: pd.DataFrame
    sentences: pd.DataFrame  # per sentence: words, duration, words per second, units
    comparison: pd.DataFrame  # (statistic, quantile) -> ours, How2Sign
    units: dict[str, float]
    coverage: pd.DataFrame  # per dictionary: glosses, exemplars, covered tokens
    lexicon: pd.DataFrame  # one row per sign of the lexicon
    shifts: pd.DataFrame  # per subtitle: sign- minus speech-aligned start and duration
    shift_stats: dict[str, float]
    hand_detection_rate: float  # in the example split


def run(config: Config, corpora: Corpora) -> Results:
    """Every statistic of the chapter, on the section's corpora."""
    corpus = corpora.main
    sentences = stats.sentence_table(corpus)
    shifts = stats.alignment_shifts(corpus)
    return Results(
        corpus_name=corpus.name,
        splits=split_table(corpus),
        pretrain_splits=stats.split_counts(corpora.pretrain),
        sentences=sentences,
        comparison=sentence_comparison(corpus, sentences),
        units=stats.unit_summary(corpus),
        coverage=stats.dictionary_coverage(corpus),
        lexicon=pd.DataFrame(corpus.info["lexicon"]),
        shifts=shifts,
        shift_stats=stats.quantiles(shifts["start_shift_s"]),
        hand_detection_rate=stats.hand_detection_rate(corpus, config.example_split),
    )


def split_table(corpus: Corpus) -> pd.DataFrame:
    """Videos, sentences, signers and hours per split, with How2Sign's sentences beside them."""
    counts = stats.split_counts(corpus)
    counts[HOW2SIGN_SENTENCES] = [
        int(SEC_C.value(PAPER_SPLITS_ROW, split)) if split in SEC_C.columns else np.nan
        for split in counts.index
    ]
    return counts


def sentence_comparison(corpus: Corpus, sentences: pd.DataFrame) -> pd.DataFrame:
    """Quantiles of sentence length, duration and signing rate, and the median subtitle gap,
    ours against How2Sign's."""
    rows = []
    for label, (column, key) in SENTENCE_STATISTICS.items():
        ours, theirs = stats.quantiles(sentences[column]), stats.HOW2SIGN[key]
        rows += [
            {"statistic": label, "quantile": q, "ours": ours[q], "How2Sign": theirs[q]}
            for q in QUANTILES
        ]
    rows.append(
        {
            "statistic": "gap between subtitles (s)",
            "quantile": "median",
            "ours": float(stats.sentence_gaps(corpus).median()),
            "How2Sign": stats.HOW2SIGN["median_gap_s"],
        }
    )
    return pd.DataFrame(rows).set_index(["statistic", "quantile"])


@dataclass(frozen=True)
class SentenceExample:
    """One sentence of a video: its keypoints, its signs (frames from the sentence start)."""

    video: pd.Series
    sentence: pd.Series
    data: np.ndarray
    confidence: np.ndarray
    spans: pd.DataFrame  # the sentence's signs, start_frame and end_frame from its start
    frames: np.ndarray  # the frames a filmstrip shows

    @property
    def title(self) -> str:
        """The sentence and its signer."""
        return f'"{self.sentence["text"]}" ({self.video["signer"]})'


def example_sentence(corpus: Corpus, split: str, n_frames: int) -> SentenceExample:
    """The richest (most signs) of the first five sentences of the split's first video."""
    video = corpus.videos[corpus.videos["split"] == split].iloc[0]
    candidates = corpus.sentences[corpus.sentences["video_id"] == video["video_id"]].head(5)
    signed = candidates["sentence_id"].map(corpus.signs.groupby("sentence_id").size())
    sentence = candidates.loc[signed.idxmax()]
    data, confidence = corpus.sentence_pose(sentence, timing="sign")
    start_frame = int(round(sentence["start_sign"] * video["fps"]))
    spans = corpus.signs[corpus.signs["sentence_id"] == sentence["sentence_id"]].copy()
    spans[["start_frame", "end_frame"]] -= start_frame
    frames = np.linspace(0, len(data) - 1, n_frames).astype(int)
    return SentenceExample(video, sentence, data, confidence, spans, frames)


def example_view(corpus: Corpus, example: SentenceExample) -> np.ndarray:
    """The RGB-like view of the example sentence, in its signer's appearance."""
    appearance = signer_appearance(corpus.info)[example.video["signer"]]
    return render_view(example.data, example.confidence, appearance)


def clip_features_summary(config: Config, video_id: str) -> str:
    """How many videos have clip features, and the clips and size of one video's."""
    features = read_ce_features(project_path(config.features_dir) / "main_videos.pkl")
    n_clips, dim = features[video_id].shape
    return f"{len(features)} videos; {video_id}: {n_clips} clips of {dim} dimensions"


def domain_gap(corpus: Corpus) -> tuple[str, list[tuple[np.ndarray, np.ndarray, str]]]:
    """A sign that has dictionary exemplars: its gloss, and (keypoints, confidence, label) of
    its first occurrence in a sentence and of up to two exemplars."""
    produced = corpus.signs[(corpus.signs["kind"] == "sign")]
    shared = produced[produced["gloss"].isin(corpus.exemplars["gloss"])].iloc[0]
    occurrence = corpus.video(shared["video_id"])
    cont, cont_conf = corpus.poses[occurrence["split"]].frames(
        int(occurrence["pose_index"]), int(shared["start_frame"]), int(shared["end_frame"])
    )
    examples = [(cont, cont_conf, f"in a sentence ({occurrence['signer']})")]
    exemplars = corpus.exemplars[corpus.exemplars["gloss"] == shared["gloss"]].head(2)
    for _, exemplar in exemplars.iterrows():
        data, confidence = corpus.exemplar_pose(exemplar)
        label = f"{exemplar['dictionary']} exemplar ({exemplar['signer']})"
        examples.append((data, confidence, label))
    return shared["gloss"], examples


def chapter_results(config: Config, profile: str, results: Results) -> ChapterResults:
    """The chapter's results file: split sizes and corpus statistics (no claims)."""
    sentences = results.sentences
    return ChapterResults(
        chapter="data",
        title="The data: a simulated signing corpus",
        profile=profile,
        data=f"simulated corpus {results.corpus_name}",
        metrics={
            "splits": {split: int(row["sentences"]) for split, row in results.splits.iterrows()},
            "words_per_sentence": stats.quantiles(sentences["words"]),
            "duration_s": stats.quantiles(sentences["duration_s"]),
            "words_per_second": stats.quantiles(sentences["words_per_second"]),
            "units": {k: float(v) for k, v in results.units.items()},
            "start_shift_s": results.shift_stats,
            "hand_detection_rate": results.hand_detection_rate,
        },
    )
