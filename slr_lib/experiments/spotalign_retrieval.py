"""SPOT-ALIGN Table 1, Table A.1 (retrieval), Table 5: sign-video embeddings for SR and CM.

Every model of the `spot_align` stage gives a sign-video embedding (its window features) and,
through its recognised classes, sign-recognition (SR) retrieval. `run` trains a cross-modal (CM)
model per embedding and seed and scores SR retrieval of each model; `claims` tests the paper.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd

from slr_lib.config import knob
from slr_lib.data.corpus import Corpus
from slr_lib.data.roles import corpus_label
from slr_lib.experiments import spotalign_setup
from slr_lib.experiments.crossmodal_setup import (
    EMBEDDING_NAMES,
    GEOMETRIC_MEAN,
    SHOWN,
    SUMMARISED,
    CrossModalTraining,
    SeedRuns,
    Variant,
    read_clips,
    train_config,
    train_over_seeds,
    with_embedder,
)
from slr_lib.metrics import RankRuns
from slr_lib.papers.spot_align import TABLE_1, TABLE_5
from slr_lib.paths import project_path
from slr_lib.reporting import format_mean_std, mean_std
from slr_lib.results import ChapterResults, Claim
from slr_lib.text_embeddings import TokenEmbedder, make_sized_embedder
from slr_lib.trainer.crossmodal import TrainConfig
from slr_lib.verdicts import Evidence, compare_ranks, effect_from_paper


@dataclass(frozen=True)
class Config(CrossModalTraining):
    """The `spotalign_retrieval` section: CM training plus the SPOT-ALIGN inputs."""

    SECTION = "spotalign_retrieval"

    features_dir: str = knob()  # the generic motion embedding (Table 1's Kinetics row)
    recogniser_seeds_dir: str = knob()  # "": the spot_align stage's recognisers alone
    ablation_seeds: list[int] = knob(ge=0, min_items=1)
    sr_threshold: float = knob(ge=0, le=1)
    embedding: str = knob(choices=EMBEDDING_NAMES)


#: Table A.1's other initialisations, as the `spot_align` stage names their models.
INIT_MODELS = ("M@dictionary", "M+D1_R@dictionary", "M@random", "M+D1_R@random")


@dataclass(frozen=True)
class Inputs:
    """What every run reads: the corpus, the `spot_align` stage's outputs, the text embedder."""

    corpus: Corpus
    spotalign_dir: str  # the spot_align stage's folder: models/, recognition/, features/
    summary: dict[str, Any]  # its summary.json
    recogniser_dirs: list[Path]  # the folders of every recogniser seed (spot_align's first)
    embedder: TokenEmbedder
    train: TrainConfig  # CM training, the seed set per run

    @property
    def features(self) -> Path:
        """The folder of the stage's sign-video embeddings, one sub-folder per model."""
        return project_path(self.spotalign_dir) / "features"


@dataclass(frozen=True)
class Speech:
    """Table 5: the speech-aligned chain against the sign-aligned model of the same recipe."""

    iterations: int  # SPOT-ALIGN iterations of the speech-aligned chain
    matched: str  # the sign-aligned model made by the same recipe
    seeds: list[int]  # the CM seeds
    runs: pd.DataFrame  # CM test metrics per seed of the speech-aligned embedding
    summary: pd.DataFrame  # CM mean and std, rows "Speech" and "Signing"
    sr: pd.DataFrame  # SR test metrics, rows "Speech" and "Signing"
    ranks: Mapping[str, RankRuns]  # CM ranks at the CM seeds, "Speech" and "Signing"


@dataclass(frozen=True)
class Results:
    """What the chapter measured: CM per seed and summarised, SR per model, for each table."""

    models: dict[str, dict[str, Any]]  # the spot_align stage's models (classes, top5, ...)
    steps: list[str]  # the SPOT-ALIGN iterations of the main chain ("D1", "D2", ...)
    cm: pd.DataFrame  # Table 1: CM test metrics, one row per embedding and seed
    cm_summary: pd.DataFrame  # Table 1: CM mean and std per embedding
    cm_ranks: Mapping[str, RankRuns]  # Table 1: CM test and validation ranks per embedding
    sr: pd.DataFrame  # Table 1: SR test metrics per model
    sr_ranks: Mapping[str, RankRuns]  # Table 1: SR test and validation ranks per model
    init_cm: pd.DataFrame  # Table A.1: CM per seed, M and M+D1 for each initialisation
    init_summary: pd.DataFrame
    init_sr: pd.DataFrame
    speech: Speech | None  # Table 5, when the stage ran the speech-aligned chain

    @property
    def table1_models(self) -> list[str]:
        """The SPOT-ALIGN models of Table 1: M, then each iteration, restricted then expanded."""
        return table1_models(self.steps)

    @property
    def order(self) -> list[str]:
        """Table 1's rows: the generic and BOBSL embeddings, then the SPOT-ALIGN models."""
        return ["generic", "bobsl", *self.table1_models]

    @property
    def last(self) -> str:
        """The last iteration at the restricted vocabulary (the paper's M+D3, 1079)."""
        return f"M+{self.steps[-1]}_R"

    @property
    def final(self) -> str:
        """The last iteration at the expanded vocabulary (the paper's M+D3, 1887)."""
        return f"M+{self.steps[-1]}_X"


def load_inputs(config: Config) -> Inputs:
    """The corpus, the spot_align stage's summary and the text embedder of `config`."""
    corpus = Corpus.load(project_path(config.corpus_dir))
    train_texts = corpus.split_sentences("train")["text"].tolist()
    return Inputs(
        corpus=corpus,
        spotalign_dir=config.spotalign_dir,
        summary=spotalign_setup.read_summary(config.spotalign_dir),
        recogniser_dirs=spotalign_setup.recogniser_folders(
            config.spotalign_dir, config.recogniser_seeds_dir
        ),
        embedder=make_sized_embedder(config.embedding, train_texts, config.word2vec_dim),
        train=train_config(config),
    )


def table1_models(steps: list[str]) -> list[str]:
    """M, then M+Di at the restricted (R) vocabulary, then at the expanded one (X)."""
    return ["M"] + [f"M+{s}_{v}" for v in ("R", "X") for s in steps]


def embedding_variant(
    inputs: Inputs, name: str, features_dir: str | Path, timing: str = "sign"
) -> Variant:
    """The CM pairs of the sign-video embedding in `features_dir`, labelled `name`."""
    clips = read_clips(inputs.corpus, features_dir)
    return Variant(name, with_embedder(clips, inputs.embedder, timing), inputs.train)


def model_variants(inputs: Inputs, names: list[str]) -> Iterator[Variant]:
    """The CM pairs of each named model's embedding, built one at a time."""
    return (embedding_variant(inputs, n, inputs.features / n) for n in names)


def cm_runs(variants: Iterable[Variant], seeds: list[int]) -> SeedRuns:
    """CM test metrics over seeds of each variant (column `embedding`), and their ranks."""
    return train_over_seeds(variants, seeds, by="embedding")


def sr_ranks(inputs: Inputs, name: str, threshold: float, timing: str = "sign") -> RankRuns:
    """SR ranks (test, val) of model `name`, one row per seed that trained it, classes
    recognised above `threshold`."""
    recognisers = spotalign_setup.load_recognisers(inputs.recogniser_dirs, name)
    return spotalign_setup.sr_ranks(inputs.corpus, recognisers, threshold, timing)


def sr_runs(inputs: Inputs, names: list[str], threshold: float) -> dict[str, RankRuns]:
    """SR ranks of each model in `names`."""
    return {name: sr_ranks(inputs, name, threshold) for name in names}


def sr_table(runs: Mapping[str, RankRuns]) -> pd.DataFrame:
    """SR test metrics of each model (one row each, mean over its seeds) from its ranks."""
    return pd.DataFrame({name: spotalign_setup.mean_metrics(r) for name, r in runs.items()}).T


def run_table1(inputs: Inputs, config: Config, models: list[str]) -> tuple[SeedRuns, dict]:
    """Table 1: CM runs of the generic, BOBSL and SPOT-ALIGN embeddings, and SR ranks."""

    def variants() -> Iterator[Variant]:
        yield embedding_variant(inputs, "generic", config.features_dir)
        yield embedding_variant(inputs, "bobsl", inputs.features / "bobsl")
        yield from model_variants(inputs, models)

    return cm_runs(variants(), config.seeds), sr_runs(inputs, models, config.sr_threshold)


def run_initialisations(
    inputs: Inputs, config: Config, cm: pd.DataFrame, sr: Mapping[str, RankRuns]
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Table A.1: M and M+D1 from each initialisation the stage trained (CM runs, summary, SR).

    The BOBSL-initialised M and M+D1_R runs are Table 1's (CM at the ablation seeds; `sr`,
    Table 1's SR ranks).
    """
    init_models = [m for m in INIT_MODELS if m in inputs.summary["models"]]
    seeds = config.ablation_seeds
    init_cm = [cm.loc[cm["embedding"].isin(["M", "M+D1_R"]) & cm["seed"].isin(seeds)]]
    if init_models:
        init_cm.append(cm_runs(model_variants(inputs, init_models), seeds).runs)
    init_cm = pd.concat(init_cm, ignore_index=True)
    init_summary = mean_std(init_cm, "embedding", SUMMARISED)
    init_sr = {"M": sr["M"], "M+D1_R": sr["M+D1_R"]} | sr_runs(
        inputs, init_models, config.sr_threshold
    )
    return init_cm, init_summary, sr_table(init_sr)


def run_speech(inputs: Inputs, config: Config, table1: SeedRuns) -> Speech | None:
    """Table 5: SR and CM of the speech-aligned chain against the sign-aligned one."""
    if "speech" not in inputs.summary["models"]:
        return None
    speech_steps = spotalign_setup.dictionary_steps(inputs.summary, "speech")
    matched = f"M+{speech_steps[-1]}_X" if speech_steps else "M"  # same recipe, sign-aligned
    seeds = config.ablation_seeds
    speech = embedding_variant(inputs, "speech", inputs.features / "speech", "speech")
    speech_cm = cm_runs([speech], seeds)
    cm = table1.runs
    sign_cm = cm.loc[(cm["embedding"] == matched) & cm["seed"].isin(seeds)]
    summary = mean_std(
        pd.concat([speech_cm.runs.assign(embedding="Speech"), sign_cm.assign(embedding="Signing")]),
        "embedding",
        SUMMARISED,
    )
    sr = {
        "Speech": sr_ranks(inputs, "speech", config.sr_threshold, "speech"),
        "Signing": sr_ranks(inputs, matched, config.sr_threshold),
    }
    ranks = {"Speech": speech_cm.ranks["speech"], "Signing": seed_rows(table1.ranks[matched],
             table1.runs, matched, seeds)}  # fmt: skip
    return Speech(len(speech_steps), matched, list(seeds), speech_cm.runs, summary, sr_table(sr),
                  ranks)  # fmt: skip


def seed_rows(ranks: RankRuns, runs: pd.DataFrame, name: str, seeds: list[int]) -> RankRuns:
    """The rows of `ranks` (variant `name` of `runs`) that belong to `seeds`."""
    trained = runs.loc[runs["embedding"] == name, "seed"].tolist()
    rows = [trained.index(seed) for seed in seeds]
    return replace(ranks, test=ranks.test[rows], val=ranks.val[rows])


def unavailable(config: Config) -> str | None:
    """Why this chapter cannot run on the configured corpora (None: it can)."""
    return spotalign_setup.spot_align_missing(config.spotalign_dir)


def run(config: Config, inputs: Inputs | None = None) -> Results:
    """Train and score everything: Table 1, then Table A.1, then Table 5."""
    inputs = inputs or load_inputs(config)
    steps = spotalign_setup.dictionary_steps(inputs.summary)
    table1, sr = run_table1(inputs, config, table1_models(steps))
    init_cm, init_summary, init_sr = run_initialisations(inputs, config, table1.runs, sr)
    return Results(
        models=inputs.summary["models"],
        steps=steps,
        cm=table1.runs,
        cm_summary=table1.summary,
        cm_ranks=table1.ranks,
        sr=sr_table(sr),
        sr_ranks=sr,
        init_cm=init_cm,
        init_summary=init_summary,
        init_sr=init_sr,
        speech=run_speech(inputs, config, table1),
    )


def retrieval_table(sr: pd.DataFrame, summary: pd.DataFrame) -> pd.DataFrame:
    """SR metrics (rounded) beside CM `mean ± std`, one row per model."""
    return pd.concat(
        [
            sr[SHOWN].round(1).add_prefix("SR "),
            format_mean_std(summary, SHOWN).add_prefix("CM "),
        ],
        axis=1,
    )


def table1(results: Results) -> pd.DataFrame:
    """Table 1 as we print it: vocabulary, SR and CM per embedding ("-" where none)."""
    table = retrieval_table(results.sr, results.cm_summary).reindex(results.order)
    table = table.astype(object).fillna("-")
    vocabulary = [
        str(results.models[n]["classes"]) if n in results.models else "-" for n in results.order
    ]
    table.insert(0, "vocabulary", vocabulary)
    return table


def initialisation_table(results: Results) -> pd.DataFrame:
    """Table A.1 (retrieval) as we print it: top-5 recognition, SR and CM per model."""
    table = retrieval_table(results.init_sr, results.init_summary)
    table.insert(0, "top-5", [results.models[n].get("top5") for n in table.index])
    return table


def speech_table(speech: Speech) -> pd.DataFrame:
    """Table 5 as we print it: SR and CM, speech-aligned against sign-aligned."""
    return retrieval_table(speech.sr, speech.summary)


def cm_claim(
    results: Results, better: str, worse: str, paper_rows: tuple[str, str]
) -> tuple[Evidence, str]:
    """Our CM `better` against `worse` by the rank policy (effect: half of Table 1's gain of
    `paper_rows`), and "CM R@1 <worse> -> <better>" for the claim's `ours`."""
    ranks, summary = results.cm_ranks, results.cm_summary
    effect = effect_from_paper(
        TABLE_1.geometric_mean(paper_rows[0], "CM "), TABLE_1.geometric_mean(paper_rows[1], "CM "),
        ranks[worse],
    )  # fmt: skip
    evidence = compare_ranks(ranks[better], ranks[worse], effect, names=(better, worse))
    ours = f"CM R@1 {summary.loc[worse, 'R1_mean']:.1f} -> {summary.loc[better, 'R1_mean']:.1f}"
    return evidence, ours


def claims(results: Results) -> list[Claim]:
    """Table 1: iterations, vocabulary and sign pre-training help; Table 5: speech hurts."""
    sr_r10, sr_ranks = results.sr["R10"], results.sr_ranks
    last, final = results.last, results.final
    iterations, iterations_ours = cm_claim(results, last, "M", ("M+D3", "M"))
    sr_effect = effect_from_paper(
        TABLE_1.geometric_mean("M+D3", "SR "), TABLE_1.geometric_mean("M", "SR "), sr_ranks["M"]
    )
    sr_iterations = compare_ranks(sr_ranks[last], sr_ranks["M"], sr_effect, names=(last, "M"))
    expanded, expanded_ours = cm_claim(results, final, last, ("M+D3 (1887)", "M+D3"))
    pretraining, pretraining_ours = cm_claim(results, "bobsl", "generic", ("BOBSL", "Kinetics"))
    found = [
        Claim(
            id="T1-iterations-help",
            paper="SPOT-ALIGN",
            source="Table 1",
            claim="SPOT-ALIGN iterations improve the sign-video embedding for CM retrieval "
            "(M+D3 beats M).",
            paper_value=f"CM R@1 {TABLE_1.figure('M', 'CM R@1')} (M) -> "
            f"{TABLE_1.figure('M+D3', 'CM R@1')} (M+D3, 1079)",
            ours=iterations_ours,
            **iterations.claim_fields(),
        ),
        Claim(
            id="T1-iterations-help-sr",
            paper="SPOT-ALIGN",
            source="Table 1",
            claim="SPOT-ALIGN iterations improve SR retrieval (M+D3 beats M).",
            paper_value=f"SR R@10 {TABLE_1.figure('M', 'SR R@10')} (M) -> "
            f"{TABLE_1.figure('M+D3', 'SR R@10')} (M+D3, 1079)",
            ours=f"SR R@10 {sr_r10['M']:.1f} -> {sr_r10[last]:.1f}",
            **sr_iterations.claim_fields(),
            note=f"SR over {sr_ranks[last].seeds} recognisers (training seeds) per model.",
        ),
        Claim(
            id="T1-expanded-vocabulary",
            paper="SPOT-ALIGN",
            source="Table 1",
            claim="The expanded vocabulary beats the restricted one (M+D3).",
            paper_value=f"CM R@1 {TABLE_1.figure('M+D3 (1887)', 'CM R@1')} (1887) vs "
            f"{TABLE_1.figure('M+D3', 'CM R@1')} (1079)",
            ours=expanded_ours,
            **expanded.claim_fields(),
        ),
        Claim(
            id="T1-sign-pretraining",
            paper="SPOT-ALIGN",
            source="Table 1",
            claim="An embedding pre-trained on another sign language beats a generic motion one.",
            paper_value=f"CM R@1 {TABLE_1.figure('BOBSL', 'CM R@1')} (BOBSL) vs "
            f"{TABLE_1.figure('Kinetics', 'CM R@1')} (Kinetics)",
            ours=pretraining_ours,
            **pretraining.claim_fields(),
        ),
    ]
    first = f"M+{results.steps[0]}_R"
    if first != last:
        later, later_ours = cm_claim(results, last, first, ("M+D3", "M+D1"))
        found.append(
            Claim(
                id="T1-later-iterations-help",
                paper="SPOT-ALIGN",
                source="Table 1, Fig. 4",
                claim="Dictionary iterations after the first still improve the embedding "
                "(M+D3 beats M+D1).",
                paper_value=f"CM R@1 {TABLE_1.figure('M+D1', 'CM R@1')} (M+D1) -> "
                f"{TABLE_1.figure('M+D3', 'CM R@1')} (M+D3, 1079)",
                ours=later_ours,
                **later.claim_fields(),
            )
        )
    if results.speech is not None:
        found.append(speech_claim(results.speech))
    return found


def speech_claim(speech: Speech) -> Claim:
    """T5: training and testing on speech-aligned subtitles hurts (CM over seeds, SR R@1)."""
    gm = speech.summary[f"{GEOMETRIC_MEAN}_mean"]
    sr_r1 = speech.sr[SHOWN].round(1)["R1"]
    effect = effect_from_paper(
        TABLE_5.geometric_mean("Signing", "CM "), TABLE_5.geometric_mean("Speech", "CM "),
        speech.ranks["Speech"],
    )  # fmt: skip
    evidence = compare_ranks(
        speech.ranks["Signing"], speech.ranks["Speech"], effect, names=("signing", "speech")
    )
    return Claim(
        id="T5-speech-alignment-hurts",
        paper="SPOT-ALIGN",
        source="Table 5",
        claim="Training and testing on speech-aligned subtitles hurts retrieval.",
        paper_value=f"CM R@1 {TABLE_5.figure('Speech', 'CM R@1')} (speech) vs "
        f"{TABLE_5.figure('Signing', 'CM R@1')} (signing); SR R@1 "
        f"{TABLE_5.figure('Speech', 'SR R@1')} vs "
        f"{TABLE_5.figure('Signing', 'SR R@1')}",
        ours=f"CM geometric mean {gm['Speech']:.1f} vs {gm['Signing']:.1f}; "
        f"SR R@1 {sr_r1['Speech']:.1f} vs {sr_r1['Signing']:.1f}",
        **evidence.claim_fields(),
        note=f"CM over seeds {speech.seeds}; the verdict reads CM.",
    )


def chapter_results(config: Config, profile: str, results: Results) -> ChapterResults:
    """The chapter's results file: Table 1's CM and SR metrics and the tested claims."""
    cm, sr = results.cm_summary, results.sr
    return ChapterResults(
        chapter="spotalign_retrieval",
        title="SPOT-ALIGN: sign-video embeddings for retrieval (Table 1, Table A.1, Table 5)",
        profile=profile,
        data=f"{corpus_label(config.corpus_dir)}, pose-based sign recognition, "
        f"{config.embedding} text",
        metrics={
            "cm": {e: {k: float(v) for k, v in cm.loc[e].items()} for e in cm.index},
            "sr": {e: {k: float(v) for k, v in sr.loc[e].items()} for e in sr.index},
        },
        claims=claims(results),
    )
