"""The `seds_runs` stage: every SEDS-family model of the How2Sign-side SEDS chapters, trained once.

`seds_retrieval` (SEDS Tables 1 and 4, Fig. 7) compares SEDS, CiCo and the pose-only encoder;
`seds_ablations` (Tables 5 and 6, Figs. 5 and 6) compares fusion modules and sweeps alpha and
beta. They train alike on the same corpus, and SEDS itself (CGAF, alpha 0.8, beta 0.4) is in both.
This stage trains each distinct model once per seed of the section, the runs side by side
(`slr_lib.trainer.parallel`), and writes, per run: the weights (without the frozen text backbone,
which every chapter loads anyway), the per-epoch history, the test and validation T2V ranks and
the test metrics, with `runs.json` listing the runs and the settings they were trained with. The
chapters load what they compare (`load_runs`) and only evaluate: a change to a chapter's
notebook, claims or tables re-runs the chapter without training anything.

The swept fusions, alphas and betas are declared here, once; `seds_ablations` reads the same
values (YAML aliases in params.yaml), and `load_runs` refuses a chapter whose training settings
differ from the ones the runs were trained with, or that asks for a run not trained here.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import torch

from slr_lib.atomic import replacing_folder
from slr_lib.config import knob
from slr_lib.experiments.seds_setup import (
    SEDSSetup,
    SEDSTraining,
    model_config,
    set_up,
    train_runs,
)
from slr_lib.logging_setup import get_logger
from slr_lib.model.seds import SEDSConfig
from slr_lib.model.stream_fusion import FUSIONS
from slr_lib.paths import project_path
from slr_lib.pipeline.stage_cli import stage_main
from slr_lib.trainer.seds_study import (
    CICO_VARIANT,
    POSE_VARIANT,
    SEDS_VARIANT,
    Variant,
    VariantRun,
    with_model,
    without_model,
)

log = get_logger(__name__)

INDEX = "runs.json"
#: seds_retrieval's models (Tables 1 and 4, Fig. 7).
RETRIEVAL_MODELS = (SEDS_VARIANT, CICO_VARIANT, POSE_VARIANT)
FUSION_NAMES = {
    "add_mlp": "Add-MLP",
    "concat_mlp": "Concat-MLP",
    "concat_transformer": "Concat-Transformer",
    "cross_attention": "Cross-Attention",
    "cgaf": "CGAF",
}
#: An ablation run: (fusion, alpha, beta).
Key = tuple[str, float, float]


@dataclass(frozen=True)
class SEDSRunsConfig(SEDSTraining):
    """The `seds_runs` section: SEDS training plus the ablations' swept values."""

    SECTION = "seds_runs"

    fusions: list[str] = knob(choices=FUSIONS, min_items=1)
    alphas: list[float] = knob(ge=0, min_items=1)
    betas: list[float] = knob(ge=0, min_items=1)


def ablation_keys(fusions: Sequence[str], alphas: Sequence[float], betas: Sequence[float],
                  alpha: float, beta: float) -> list[Key]:  # fmt: skip
    """Every run the ablations compare, once each: the fusions at (alpha, beta), CGAF without the
    Pose-RGB objective, and CGAF along each sweep."""
    wanted = (
        {(f, alpha, beta) for f in fusions}
        | {("cgaf", alpha, 0.0)}
        | {("cgaf", a, beta) for a in alphas}
        | {("cgaf", alpha, b) for b in betas}
    )
    return sorted(wanted)


def ablation_variant(key: Key) -> Variant:
    """The model variant of an ablation run: its fusion module, alpha and beta."""
    fusion, alpha, beta = key
    name = f"{FUSION_NAMES[fusion]}, alpha {alpha:g}, beta {beta:g}"
    return Variant(name, fusion=fusion, alpha=alpha, beta=beta)


def settings(variant: Variant) -> dict[str, Any]:
    """What makes two variants the same model, whatever they are called."""
    found = asdict(variant)
    found.pop("name")
    found["streams"] = list(found["streams"])
    return found


def slug(variant: Variant) -> str:
    """A folder name for a variant's settings."""
    s = settings(variant)
    domain = "_domain" if s["domain_rgb"] else ""
    return f"{'+'.join(s['streams'])}_{s['fusion']}_a{s['alpha']:g}_b{s['beta']:g}{domain}"


def wanted_variants(config: SEDSRunsConfig) -> list[Variant]:
    """The distinct models both chapters need, in a fixed order."""
    variants = [
        *RETRIEVAL_MODELS,
        *(ablation_variant(k) for k in ablation_keys(
            config.fusions, config.alphas, config.betas, config.alpha, config.beta)),
    ]  # fmt: skip
    distinct: dict[str, Variant] = {}
    for variant in variants:
        distinct.setdefault(slug(variant), variant)
    return list(distinct.values())


def training_settings(config: SEDSTraining) -> dict[str, Any]:
    """The fields of the shared `seds_training` block, as the runs were trained with them."""
    return {f.name: getattr(config, f.name) for f in fields(SEDSTraining)}


def run_path(variant: Variant, seed: int) -> str:
    """Where a run of `variant` with `seed` sits in the stage's folder: `SLUG/seedN`."""
    return f"{slug(variant)}/seed{seed}"


def save_runs(out: Path, config: SEDSTraining, runs: Sequence[tuple[VariantRun, int]]) -> None:
    """Write each (run, seed) under `out/SLUG/seedN/` and the index `out/runs.json`."""
    index = []
    for run, seed in runs:
        folder = out / run_path(run.variant, seed)
        folder.mkdir(parents=True)
        bare, state = without_model(run)
        torch.save(state, folder / "weights.pt")
        bare.history.to_csv(folder / "history.csv", index=False)
        np.savez(folder / "ranks.npz", **bare.ranks)
        entry = {"variant": settings(run.variant), "seed": seed,
                 "path": run_path(run.variant, seed), "best_epoch": bare.best_epoch,
                 "test": bare.test, "seconds": bare.seconds}  # fmt: skip
        index.append(entry)
    document = {"training": training_settings(config), "runs": index}
    (out / INDEX).write_text(json.dumps(document, indent=1) + "\n")


def load_runs(
    folder: str | Path, config: SEDSTraining, setup: SEDSSetup, variants: Sequence[Variant]
) -> dict[str, list[VariantRun]]:
    """Each variant's runs (in the seed order of `config.seeds`) from a `seds_runs` folder, the
    models rebuilt on `setup`'s text backbone; variant name -> runs."""
    folder = project_path(folder)
    index_file = folder / INDEX
    if not index_file.is_file():
        raise FileNotFoundError(f"{index_file} is missing: run `dvc repro seds_runs` first")
    document = json.loads(index_file.read_text())
    trained, wanted = document["training"], training_settings(config)
    differing = {k: (trained.get(k), v) for k, v in wanted.items() if trained.get(k) != v}
    if differing:
        shown = "; ".join(f"{k}: trained {a!r}, asked {b!r}" for k, (a, b) in differing.items())
        raise ValueError(
            f"the runs in {folder} were trained with other settings than the "
            f"{config.SECTION} section's ({shown}): re-run `dvc repro seds_runs`"
        )
    entries = {e["path"]: e for e in document["runs"]}
    base = model_config(config, setup.splits["train"].rgb_dim)
    found: dict[str, list[VariantRun]] = {}
    for variant in variants:
        found[variant.name] = []
        for seed in config.seeds:
            entry = entries.get(run_path(variant, seed))
            if entry is None:
                raise ValueError(
                    f"{folder} has no run of {variant.name!r} with seed {seed}: the seds_runs "
                    "section must list what the chapter compares (fusions, alphas, betas, seeds)"
                )
            found[variant.name].append(_read_run(folder, entry, variant, base, setup))
    return found


def _read_run(
    folder: Path, entry: Mapping[str, Any], variant: Variant, base: SEDSConfig, setup: SEDSSetup
) -> VariantRun:
    """One saved run, its model rebuilt (named as the chapter names it)."""
    where = folder / entry["path"]
    with np.load(where / "ranks.npz") as ranks:
        saved_ranks = {name: ranks[name] for name in ranks.files}
    bare = VariantRun(
        variant, None, pd.read_csv(where / "history.csv"), entry["best_epoch"], entry["test"],
        entry["seconds"], saved_ranks,
    )  # fmt: skip
    state = torch.load(where / "weights.pt", map_location="cpu", weights_only=True)
    return with_model(bare, state, base, setup.text)


def train_all(config: SEDSRunsConfig, out: Path) -> None:
    """Train every wanted variant once per seed and write them to `out` (whole or not at all)."""
    setup = set_up(config, domain=True)
    variants = wanted_variants(config)
    jobs = [(v, seed) for v in variants for seed in config.seeds]
    log.info("%d models x %d seeds", len(variants), len(config.seeds))
    runs = train_runs(config, setup, jobs)
    with replacing_folder(out) as partial:
        save_runs(partial, config, [(run, seed) for run, (_, seed) in zip(runs, jobs, strict=True)])


def main(argv: list[str] | None = None) -> int:
    """Train the SEDS chapters' models (the `seds_runs` section) into `--out`."""
    return stage_main(
        SEDSRunsConfig,
        lambda config, args: train_all(config, args.out),
        prog="python -m slr_lib.experiments.seds_runs",
        description=main.__doc__ or "",
        out="data/seds/main",
        argv=argv,
    )


if __name__ == "__main__":
    sys.exit(main())
