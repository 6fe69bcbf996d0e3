"""SPOT-ALIGN Tables 4 and 6, Figs. 5 and A.2: SR threshold, SR + CM fusion, the explorer."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from slr_lib.config import knob
from slr_lib.data.corpus import Corpus
from slr_lib.data.plots import draw_pose
from slr_lib.data.roles import corpus_label
from slr_lib.experiments.crossmodal_setup import (
    EMBEDDING_NAMES,
    SHOWN,
    CrossModalData,
    CrossModalTraining,
    embed_pairs,
    read_clips,
    train_config,
)
from slr_lib.experiments.spotalign_setup import (
    Recogniser,
    final_model,
    load_recognisers,
    mean_metrics,
    read_summary,
    recogniser_folders,
    spot_align_missing,
    sr_ranks,
    sr_scores,
)
from slr_lib.explorer import RetrievalExplorer, pose_png_frames
from slr_lib.metrics import RankRuns, t2v_metrics, t2v_ranks, v2t_metrics
from slr_lib.model.crossmodal import CrossModalModel
from slr_lib.papers.spot_align import TABLE_4, TABLE_6
from slr_lib.paths import project_path
from slr_lib.recognised_words import sr_similarity
from slr_lib.results import ChapterResults, Claim
from slr_lib.score_fusion import late_fusion, tune_fusion_weight
from slr_lib.trainer.crossmodal import (
    encode_videos,
    query_similarities,
    similarities,
    train_crossmodal,
)
from slr_lib.verdicts import Evidence, best_option, compare_ranks, effect_from_paper


@dataclass(frozen=True)
class Config(CrossModalTraining):
    """The `spotalign_fusion` section (CM training on the SPOT-ALIGN embeddings, SR, fusion)."""

    SECTION = "spotalign_fusion"

    embedding: str = knob(choices=EMBEDDING_NAMES)
    recogniser_seeds_dir: str = knob()  # "": the spot_align stage's recogniser alone
    sr_threshold: float = knob(ge=0, le=1)
    thresholds: list[float] = knob(ge=0, le=1, min_items=1)
    fusion_weight: float = knob(ge=0, le=1)
    n_examples: int = knob(ge=1)
    top_k: int = knob(ge=1)
    explorer_query: str = knob()


@dataclass(frozen=True)
class Inputs:
    """The corpus, the final sign-video embedding's recognisers and its sentence/clip pairs."""

    corpus: Corpus
    final: str  # the final embedding's name (M+Dn_X)
    recognisers: list[Recogniser]  # one per training seed, the spot_align stage's first
    pairs: CrossModalData  # CM pairs on the final embedding's clip features (its first seed)

    @property
    def recogniser(self) -> Recogniser:
        """The spot_align stage's recogniser: the one the tables, examples and explorer use."""
        return self.recognisers[0]

    def test_sentences(self) -> pd.DataFrame:
        """The test subtitles (rows and columns of the test similarity matrices)."""
        return self.corpus.split_sentences("test")

    def topics(self) -> pd.Series:
        """Each video's topic, by video id."""
        return self.corpus.videos.set_index("video_id")["topic"]


@dataclass(frozen=True)
class Results:
    """What the chapter measured: SR per threshold, SR, CM and their fusion, per-query ranks."""

    final: str  # the final sign-video embedding (M+Dn_X) all methods use
    cm_model: CrossModalModel  # the CM model of the first seed
    sr: dict[str, np.ndarray]  # split (val, test) -> SR similarities at `sr_threshold`
    cm: dict[str, np.ndarray]  # split -> CM similarities of the first seed
    word_sets: dict[str, list[frozenset[str]]]  # split -> each video's recognised words
    sweep: pd.DataFrame  # threshold -> SR T2V metrics (SHOWN, mean over recognisers), test
    sweep_ranks: dict[float, RankRuns]  # threshold -> SR test and validation ranks per recogniser
    seed_ranks: dict[str, RankRuns]  # "SR", "CM", "fused": ranks over recognisers, CM seeds
    tuned: float  # the fusion weight tuned on val
    tuning: pd.DataFrame  # weight -> val T2V metrics of the fusion
    fusion_name: str  # the method fused with the configured weight
    methods: dict[str, np.ndarray]  # method -> test similarities
    scores: dict[str, dict[str, dict[str, float]]]  # method -> {"t2v": ..., "v2t": ...}
    ranks: pd.DataFrame  # per test query: ground-truth rank under SR, CM, fused
    picked: list[int]  # the example queries: biggest gains of fusion, then best and worst

    @property
    def fused(self) -> np.ndarray:
        """Test similarities fused with the configured weight."""
        return self.methods[self.fusion_name]

    def table6(self) -> pd.DataFrame:
        """Table 6: one row per method, T2V and V2T metrics (SHOWN) as columns."""
        return pd.concat(
            {
                name: pd.DataFrame({"T2V": s["t2v"], "V2T": s["v2t"]}).T[SHOWN]
                for name, s in self.scores.items()
            }
        ).unstack()


def load_inputs(config: Config) -> Inputs:
    """The corpus, the final embedding's recogniser and its pairs, texts embedded for CM."""
    corpus = Corpus.load(project_path(config.corpus_dir))
    folder = project_path(config.spotalign_dir)
    final = final_model(read_summary(folder))
    recognisers = load_recognisers(recogniser_folders(folder, config.recogniser_seeds_dir), final)
    clips = read_clips(corpus, folder / "features" / final)
    return Inputs(
        corpus, final, recognisers, embed_pairs(clips, config.embedding, config.word2vec_dim)
    )


def unavailable(config: Config) -> str | None:
    """Why this chapter cannot run on the configured corpora (None: it can)."""
    return spot_align_missing(config.spotalign_dir)


def run(config: Config, inputs: Inputs | None = None) -> Results:
    """Train one CM model, score SR and CM, sweep SR thresholds, fuse, rank the test queries."""
    inputs = load_inputs(config) if inputs is None else inputs
    splits = inputs.pairs.splits
    models = train_cm(config, inputs.pairs)
    per_seed = [{s: similarities(m, splits[s]) for s in ("val", "test")} for m in models]
    model, cm = models[0], per_seed[0]
    per_recogniser = [
        {s: sr_scores(inputs.corpus, s, r, config.sr_threshold) for s in ("val", "test")}
        for r in inputs.recognisers
    ]
    sr = {s: scores[0] for s, scores in per_recogniser[0].items()}
    word_sets = {s: scores[1] for s, scores in per_recogniser[0].items()}
    sweep_ranks = {t: sr_ranks(inputs.corpus, inputs.recognisers, t) for t in config.thresholds}
    sweep = threshold_sweep(sweep_ranks)
    tuned, tuning = tune_fusion_weight(sr["val"], cm["val"])
    fusion_name = f"SR + CM (weight {config.fusion_weight:g})"
    methods = fusion_methods(sr["test"], cm["test"], config.fusion_weight, tuned)
    scores = {name: {"t2v": t2v_metrics(s), "v2t": v2t_metrics(s)} for name, s in methods.items()}
    ranks = query_ranks(sr["test"], cm["test"], methods[fusion_name])
    return Results(
        final=inputs.final,
        cm_model=model,
        sr=sr,
        cm=cm,
        word_sets=word_sets,
        sweep=sweep,
        sweep_ranks=sweep_ranks,
        seed_ranks=seed_ranks(
            [{s: x[0] for s, x in r.items()} for r in per_recogniser],
            per_seed,
            config.fusion_weight,
        ),  # fmt: skip
        tuned=tuned,
        tuning=tuning,
        fusion_name=fusion_name,
        methods=methods,
        scores=scores,
        ranks=ranks,
        picked=pick_examples(ranks, config.n_examples),
    )


def train_cm(config: Config, pairs: CrossModalData) -> list[CrossModalModel]:
    """One CM model per seed of the section, trained with its knobs."""
    train, val = pairs.splits["train"], pairs.splits["val"]
    return [
        train_crossmodal(train, val, replace(train_config(config), seed=seed)).model
        for seed in config.seeds
    ]


def seed_ranks(
    sr: list[dict[str, np.ndarray]], cm: list[dict[str, np.ndarray]], weight: float
) -> dict[str, RankRuns]:
    """Test and validation ranks of SR per recogniser, of CM per seed, and of their fusion: the
    k-th fused run joins the k-th recogniser and the k-th CM seed (the shorter list cycles)."""

    def runs(scores: list[dict[str, np.ndarray]]) -> RankRuns:
        test, val = (np.stack([t2v_ranks(x[s]) for x in scores]) for s in ("test", "val"))
        return RankRuns(test, test.shape[1], val=val)

    fused = [
        {s: late_fusion(sr[k % len(sr)][s], cm[k % len(cm)][s], weight) for s in ("test", "val")}
        for k in range(max(len(sr), len(cm)))
    ]
    return {"SR": runs(sr), "CM": runs(cm), "fused": runs(fused)}


def threshold_sweep(sweep_ranks: dict[float, RankRuns]) -> pd.DataFrame:
    """Table 4: SR T2V metrics on the test subtitles at each recognition threshold (mean over
    recognisers)."""
    sweep = pd.DataFrame({t: mean_metrics(r) for t, r in sweep_ranks.items()}).T[SHOWN]
    sweep.index.name = "threshold"
    return sweep


def fusion_methods(
    sr: np.ndarray, cm: np.ndarray, weight: float, tuned: float
) -> dict[str, np.ndarray]:
    """Table 6's methods: SR, CM, their fusion with `weight` and with the `tuned` weight."""
    return {
        "SR": sr,
        "CM": cm,
        f"SR + CM (weight {weight:g})": late_fusion(sr, cm, weight),
        f"SR + CM (tuned on val: {tuned:g})": late_fusion(sr, cm, tuned),
    }


def query_ranks(sr: np.ndarray, cm: np.ndarray, fused: np.ndarray) -> pd.DataFrame:
    """Each query's 0-based ground-truth rank under SR, CM and their fusion."""
    return pd.DataFrame({"SR": t2v_ranks(sr), "CM": t2v_ranks(cm), "fused": t2v_ranks(fused)})


def pick_examples(ranks: pd.DataFrame, n_examples: int) -> list[int]:
    """The `n_examples` queries fusion lifts most over CM, then the best and worst fused."""
    gain = ranks["CM"] - ranks["fused"]
    picked = list(gain.sort_values(ascending=False).index[:n_examples])
    return picked + [ranks["fused"].idxmin(), ranks["fused"].idxmax()]


def query_examples(inputs: Inputs, results: Results, top_k: int) -> list[tuple[str, pd.DataFrame]]:
    """Figs. 5 and A.2: per picked query, a caption and its top-`top_k` fused results."""
    test, topic, fused = inputs.test_sentences(), inputs.topics(), results.fused
    ranks, words = results.ranks, results.word_sets["test"]
    examples = []
    for q in results.picked:
        order = np.argsort(-fused[q])[:top_k]
        shown = pd.DataFrame(
            {
                "subtitle": test["text"].iloc[order].str.slice(0, 80).to_numpy(),
                "topic": topic[test["video_id"].iloc[order]].to_numpy(),
                "fused": fused[q, order].round(3),
                "SR": results.sr["test"][q, order].round(3),
                "CM": results.cm["test"][q, order].round(3),
                "recognised words": [", ".join(sorted(words[i]))[:60] for i in order],
                "match": ["✔" if i == q else "" for i in order],
            },
            index=range(1, len(order) + 1),
        )
        caption = (
            f"Query: “{test['text'].iloc[q]}” — GT rank SR {ranks.loc[q, 'SR']:.0f}, "
            f"CM {ranks.loc[q, 'CM']:.0f}, fused {ranks.loc[q, 'fused']:.0f}"
        )
        examples.append((caption, shown))
    return examples


def filmstrip(inputs: Inputs, results: Results, q: int, n_videos: int = 3) -> Figure:
    """The top fused videos of query `q` as rows of six pose frames (Fig. 5 with poses)."""
    test, fused = inputs.test_sentences(), results.fused
    top = np.argsort(-fused[q])[:n_videos]
    fig, axes = plt.subplots(n_videos, 6, figsize=(11, 5.6))
    for row, i in zip(axes, top, strict=True):
        data, conf = inputs.corpus.sentence_pose(test.iloc[i])
        for ax, frame in zip(row, np.linspace(0, len(data) - 1, len(row)).astype(int), strict=True):
            draw_pose(ax, data[frame], conf[frame])
        row[0].set_title(
            f"{fused[q, i]:.2f} {'✔' if i == q else ''} {test['text'].iloc[i][:50]}",
            fontsize=8,
            loc="left",
        )
    fig.suptitle(f"“{test['text'].iloc[q][:90]}”", fontsize=9)
    fig.tight_layout()
    return fig


def retrieval_explorer(inputs: Inputs, results: Results, config: Config) -> RetrievalExplorer:
    """The explorer over the test videos: a typed query scored by SR, CM or their fusion."""
    test, model, embedder = inputs.test_sentences(), results.cm_model, inputs.pairs.embedder
    cm_videos = encode_videos(model, inputs.pairs.splits["test"])
    word_sets, classes = results.word_sets["test"], inputs.recogniser.classes

    def score(query: str, method: str) -> np.ndarray:
        """Similarities of a typed query to the test videos with one method."""
        sr_row = sr_similarity([query], word_sets, classes)[0]
        cm_row = query_similarities(model, embedder.embed([query])[0], cm_videos)
        fused = late_fusion(sr_row, cm_row, config.fusion_weight)
        return {"SR": sr_row, "CM": cm_row, "SR+CM": fused}[method]

    @lru_cache(maxsize=64)
    def frames(index: int) -> list[bytes]:
        """PNG pose frames of test video `index`."""
        return pose_png_frames(
            *inputs.corpus.sentence_pose(test.iloc[index]), n_frames=10, size=140
        )

    topics = inputs.topics()[test["video_id"]].tolist()
    return RetrievalExplorer(
        score, test["text"].tolist(), topics, word_sets, frames, k=config.top_k
    )


def threshold_evidence(results: Results) -> Evidence:
    """Table 4: is 0.5 the best threshold (SR test R@10, the best against the runner-up)?"""
    return best_option({f"{t:g}": r for t, r in results.sweep_ranks.items()}, "0.5")


def complementary_evidence(results: Results) -> Evidence:
    """Table 6: the fusion against the better of SR and CM (geometric mean, CM seeds)."""
    ranks = results.seed_ranks
    single = max(("SR", "CM"), key=lambda m: results.scores[m]["t2v"]["geometric_mean_R1_R5_R10"])
    effect = effect_from_paper(
        TABLE_6.geometric_mean("SR + CM", "T2V "), TABLE_6.geometric_mean(single, "T2V "),
        ranks[single],
    )  # fmt: skip
    return compare_ranks(ranks["fused"], ranks[single], effect, names=("SR+CM", single))


def cm_beats_sr_evidence(results: Results) -> Evidence:
    """Sec. 4.2: CM beats SR on the final embedding (geometric mean, CM seeds)."""
    ranks = results.seed_ranks
    effect = effect_from_paper(
        TABLE_6.geometric_mean("CM", "T2V "), TABLE_6.geometric_mean("SR", "T2V "), ranks["SR"]
    )
    return compare_ranks(ranks["CM"], ranks["SR"], effect, names=("CM", "SR"))


def claims(results: Results) -> list[Claim]:
    """T4-threshold-0.5, T6-sr-cm-complementary and S4.2-cm-beats-sr."""
    sweep = results.sweep
    best_t = sweep["R10"].idxmax()
    r10 = {name: s["t2v"]["R10"] for name, s in results.scores.items()}
    fused = results.fusion_name
    threshold, complementary = threshold_evidence(results), complementary_evidence(results)
    cm_beats_sr = cm_beats_sr_evidence(results)
    seeds = (
        f"CM over {results.seed_ranks['CM'].seeds} seeds, SR over "
        f"{results.seed_ranks['SR'].seeds} recognisers (training seeds)."
    )
    return [
        Claim(
            id="T4-threshold-0.5",
            paper="SPOT-ALIGN",
            source="Table 4",
            claim="A recognition threshold of 0.5 works best for SR retrieval.",
            paper_value=f"R@10 {TABLE_4.figure('0.50', 'R@10')} at 0.5 (best); "
            f"{TABLE_4.figure('0.00', 'R@10')} at 0.0, "
            f"{TABLE_4.figure('0.75', 'R@10')} at 0.75",
            ours=f"R@10 {sweep.loc[0.5, 'R10']:.1f} at 0.5; best {sweep.loc[best_t, 'R10']:.1f} "
            f"at {best_t:g}",
            **threshold.claim_fields(),
            note=f"Means over {results.seed_ranks['SR'].seeds} recognisers (training seeds).",
        ),
        Claim(
            id="T6-sr-cm-complementary",
            paper="SPOT-ALIGN",
            source="Table 6",
            claim="SR and CM are complementary: their late fusion beats either alone.",
            paper_value=f"T2V R@10 {TABLE_6.figure('SR + CM', 'T2V R@10')} (SR+CM) vs "
            f"{TABLE_6.figure('CM', 'T2V R@10')} (CM), "
            f"{TABLE_6.figure('SR', 'T2V R@10')} (SR)",
            ours=f"T2V R@10 {r10[fused]:.1f} (SR+CM) vs {r10['CM']:.1f} (CM), {r10['SR']:.1f} (SR)",
            **complementary.claim_fields(),
            note=f"Equal weights as in the paper; {seeds} Table 6 prints the first of each.",
        ),
        Claim(
            id="S4.2-cm-beats-sr",
            paper="SPOT-ALIGN",
            source="Sec. 4.2, Table 6",
            claim="On the same sign-video embedding, the CM model retrieves better than SR.",
            paper_value=f"T2V R@10 {TABLE_6.figure('CM', 'T2V R@10')} (CM) vs "
            f"{TABLE_6.figure('SR', 'T2V R@10')} (SR)",
            ours=f"T2V R@10 {r10['CM']:.1f} (CM) vs {r10['SR']:.1f} (SR)",
            **cm_beats_sr.claim_fields(),
            note=seeds,
        ),
    ]


def chapter_results(config: Config, profile: str, results: Results) -> ChapterResults:
    """The chapter's results file: the threshold sweep, Table 6, the tuned weight, the claims."""
    sweep = results.sweep
    return ChapterResults(
        chapter="spotalign_fusion",
        title="SPOT-ALIGN: sign recognition, cross-modal embeddings and their fusion",
        profile=profile,
        data=f"{corpus_label(config.corpus_dir)}, {results.final} embedding, "
        f"{config.embedding} text",
        metrics={
            "threshold_sweep": {
                f"{t:g}": {k: float(v) for k, v in sweep.loc[t].items()} for t in sweep.index
            },
            "table6": results.scores,
            "tuned_weight": float(results.tuned),
        },
        claims=claims(results),
    )
