"""The data chapter: the simulated corpus the other chapters use, beside real statistics."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import pandas as pd

from slr_lib.config import SectionConfig, knob
from slr_lib.data import calibration, stats
from slr_lib.data.appearance import render_view, signer_appearance
from slr_lib.data.corpus import Corpus
from slr_lib.data.features import read_ce_features
from slr_lib.data.roles import missing_ground_truth
from slr_lib.data.simulate import params as corpus_params
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
CALIBRATION_ROWS: tuple[tuple[str, str, str], ...] = (
    ("signs per sentence (median)", "phoenix", "glosses_per_sentence.median"),
    ("signs per subtitle word", "phoenix", "glosses_per_word"),
    ("share of signs matching a subtitle word (mean)", "phoenix", "gloss_match_share.mean"),
    ("share of signs matching a subtitle word (median)", "phoenix", "gloss_match_share.median"),
    ("share of subtitle content words signed (mean)", "phoenix", "content_word_share.mean"),
    ("share of subtitle content words signed (median)", "phoenix", "content_word_share.median"),
    ("share of sentences with reordered signs", "phoenix", "reordered_share"),
    ("words per sentence (median)", "how2sign", "words_per_sentence.median"),
    ("words per sentence (p10)", "how2sign", "words_per_sentence.p10"),
    ("words per sentence (p90)", "how2sign", "words_per_sentence.p90"),
    ("words per sentence (mean)", "how2sign", "words_per_sentence.mean"),
    ("sentence duration, s (median)", "how2sign", "duration_s.median"),
    ("sentence duration, s (p10)", "how2sign", "duration_s.p10"),
    ("sentence duration, s (p90)", "how2sign", "duration_s.p90"),
    ("words per second (median)", "how2sign", "words_per_second.median"),
    ("words per second (p10)", "how2sign", "words_per_second.p10"),
    ("words per second (p90)", "how2sign", "words_per_second.p90"),
    ("sentences per video (median)", "how2sign", "sentences_per_video.median"),
    ("gap between subtitles, s (median)", "how2sign", "gap_s.median"),
    ("word types per 10,000 tokens", "how2sign", "word_types_per_10k"),
)
"""The calibration table's rows: label, real data set ('phoenix' or 'how2sign'), figure (the
`calibration.flatten` name). Bands come from `calibration.BANDS`."""
REAL_NAMES = {"phoenix": "PHOENIX-2014T", "how2sign": "How2Sign"}
SET_NOT_CALIBRATED = "set, not calibrated"


@dataclass(frozen=True)
class Config(SectionConfig):
    """Where the corpora and features are, and what the figures show (`data` section)."""

    SECTION = "data"

    corpus_dir: str = knob()
    pretrain_dir: str = knob()
    features_dir: str = knob()
    example_split: str = knob(choices=SPLITS)
    filmstrip_frames: int = knob(ge=1)
    realdata_dir: str = knob()  # real files to calibrate against (../shared/realdata)


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
    calibration: pd.DataFrame  # per figure: simulated, real, source, band, within
    real_measured: dict[str, bool]  # per real data set: measured on the file (else quoted)
    knobs: pd.DataFrame  # per corpus knob: value, calibrated or set, against what
    units: dict[str, float]
    coverage: pd.DataFrame  # per dictionary: glosses, exemplars, covered tokens
    lexicon: pd.DataFrame  # one row per sign of the lexicon
    shifts: pd.DataFrame  # per subtitle: sign- minus speech-aligned start and duration
    shift_stats: dict[str, float]
    hand_detection_rate: float  # in the example split


def unavailable(config: Config) -> str | None:
    """Why this chapter cannot run on the configured corpora (None: it can)."""
    return missing_ground_truth(project_path(config.corpus_dir))


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
        **calibration_results(config, corpus),
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


def calibration_results(config: Config, corpus: Corpus) -> dict[str, Any]:
    """The calibration table, whether each real figure was measured, and the knobs table."""
    realdata = project_path(config.realdata_dir)
    real = {
        "phoenix": calibration.real_phoenix(realdata),
        "how2sign": calibration.real_how2sign(realdata),
    }
    simulated = {
        "phoenix": calibration.corpus_figures(corpus),
        "how2sign": calibration.corpus_sentence_figures(corpus),
    }
    for name, figures in real.items():
        log.info("%s figures: %s", REAL_NAMES[name], figures.source)
    return {
        "calibration": calibration_table(simulated, real),
        "real_measured": {name: figures.measured for name, figures in real.items()},
        "knobs": knob_table(corpus),
    }


def calibration_table(
    simulated: dict[str, dict[str, Any]], real: dict[str, calibration.RealFigures]
) -> pd.DataFrame:
    """Per figure of `CALIBRATION_ROWS`: the simulated value, the real one and its source, the
    band (if any) and whether the simulated value lies in it."""
    flat_sim = {name: calibration.flatten(figures) for name, figures in simulated.items()}
    flat_real = {name: calibration.flatten(figures.figures) for name, figures in real.items()}
    rows = []
    for label, name, key in CALIBRATION_ROWS:
        band = calibration.BANDS.get(key)
        value = flat_sim[name][key]
        rows.append(
            {
                "figure": label,
                "key": key,
                "simulated": value,
                "real": flat_real[name].get(key, np.nan),
                "source": real[name].source,
                "band": str(band) if band else "none",
                "band from": band.why if band else "",
                "within": band.contains(value) if band else None,
            }
        )
    return pd.DataFrame(rows).set_index("figure")


def knob_table(corpus: Corpus) -> pd.DataFrame:
    """Per corpus knob: its value in this corpus, and what it was calibrated against or that it
    was set beforehand (`CALIBRATED` in `slr_lib.data.simulate.params`)."""
    calibrated: dict[str, str] = getattr(corpus_params, "CALIBRATED", {})
    values = corpus.info.get("params", {})
    rows = [
        {
            "knob": f.name,
            "value": values.get(f.name),
            "status": "calibrated" if f.name in calibrated else SET_NOT_CALIBRATED,
            "against": calibrated.get(f.name, ""),
        }
        for f in fields(corpus_params.CorpusParams)
    ]
    return pd.DataFrame(rows).set_index("knob")


def calibration_metrics(table: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """The calibration table as plain numbers, keyed by figure (for the results file)."""
    metrics = {}
    for _, row in table.iterrows():
        entry: dict[str, Any] = {"simulated": float(row["simulated"])}
        if np.isfinite(row["real"]):
            entry["real"] = float(row["real"])
        band = calibration.BANDS.get(row["key"])
        if band is not None:
            entry |= {
                "band_low": round(band.centre - band.half_width, 6),
                "band_high": round(band.centre + band.half_width, 6),
                "within": bool(row["within"]),
            }
        metrics[row["key"]] = entry
    return metrics


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
    """The chapter's results file: split sizes, corpus statistics and the calibration figures
    (no claims)."""
    sentences = results.sentences
    return ChapterResults(
        chapter="data",
        title="The data: a simulated signing corpus",
        profile=profile,
        data=f"simulated corpus {results.corpus_name}; real figures "
        + ", ".join(
            f"{REAL_NAMES[name]} {'measured' if measured else 'quoted (file absent)'}"
            for name, measured in results.real_measured.items()
        ),
        metrics={
            "splits": {split: int(row["sentences"]) for split, row in results.splits.iterrows()},
            "words_per_sentence": stats.quantiles(sentences["words"]),
            "duration_s": stats.quantiles(sentences["duration_s"]),
            "words_per_second": stats.quantiles(sentences["words_per_second"]),
            "units": {k: float(v) for k, v in results.units.items()},
            "start_shift_s": results.shift_stats,
            "hand_detection_rate": results.hand_detection_rate,
            "calibration": calibration_metrics(results.calibration),
            "calibration_real_measured": dict(results.real_measured),
        },
    )
