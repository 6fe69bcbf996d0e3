"""Loading and validating `params.yaml`: profiles, stage sections, clear errors.

A value may depend on the profile: write it as a mapping with exactly the keys
``tiny``, ``small`` and ``full`` and the active profile picks one.
"""

from __future__ import annotations

import argparse
import copy
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from slr_lib.data.simulate.params import schema as corpus_schema

PROFILES = ("tiny", "small", "full")

# Training knobs shared by the cross-modal chapters.
_CROSSMODAL = {
    "corpus_dir": str, "features_dir": str, "clusters": int, "out_dim": int,
    "margin": (int, float), "lr": (int, float), "weight_decay": (int, float),
    "batch_size": int, "epochs": int, "seeds": list, "word2vec_dim": int,
}  # fmt: skip

# Training knobs shared by the SEDS chapters.
_SEDS = {
    "corpus_dir": str, "rgb_features_dir": str, "model_size": str, "max_clips": int,
    "finetune_text": bool, "epochs": int, "batch_size": int, "lr": (int, float),
    "lr_text": (int, float), "warmup": (int, float), "alpha": (int, float),
    "beta": (int, float), "seed": int,
}  # fmt: skip

# Required keys per stage section, with the type each resolved value must have.
STAGE_SCHEMAS: dict[str, dict[str, type | tuple[type, ...]]] = {
    "protocol": {
        "n_videos": int,
        "embed_dim": int,
        "seeds": list,
        "n_browser_queries": int,
        "top_k_shown": int,
    },
    "corpus": corpus_schema(),
    "features": {
        "window": int,
        "stride": int,
        "image_size": int,
        "pooled": int,
        "dim": int,
        "seed": int,
    },  # fmt: skip
    "crossmodal_pooling": {**_CROSSMODAL, "embedding": str, "poolings": list},
    "crossmodal_text": {**_CROSSMODAL, "pooling": str, "embeddings": list},
    "data": {
        "corpus_dir": str,
        "pretrain_dir": str,
        "features_dir": str,
        "example_split": str,
        "filmstrip_frames": int,
    },
    "spotalign_annotations": {
        "corpus_dir": str,
        "spotalign_dir": str,
        "dictionary_threshold": (int, float),
        "timeline_videos": int,
    },
    "spotalign_retrieval": {
        **_CROSSMODAL,
        "spotalign_dir": str,
        "ablation_seeds": list,
        "sr_threshold": (int, float),
    },
    "spotalign_fusion": {
        **{k: v for k, v in _CROSSMODAL.items() if k != "features_dir"},
        "spotalign_dir": str,
        "sr_threshold": (int, float),
        "thresholds": list,
        "fusion_weight": (int, float),
        "n_examples": int,
        "top_k": int,
        "explorer_query": str,
    },
    "one_shot": {
        "corpus_dir": str,
        "spotalign_dir": str,
        "encoder": str,
        "spotting_steps": list,
        "n_gallery": int,
        "n_queries": int,
        "n_val_queries": int,
        "min_clips": int,
        "benchmark_seed": int,
        "exclude_gallery": bool,
        "streams": list,
        "window": int,
        "windows": list,
        "top_k": int,
        "top_k_rounds": int,
        "epochs": int,
        "batch_size": int,
        "per_class": int,
        "margin": (int, float),
        "triplet_weight": (int, float),
        "lr": (int, float),
        "finetune_lr": (int, float),
        "lr_drop": (int, float),
        "width": int,
        "embed_dim": int,
        "image_size": int,
        "pooled": int,
        "seed": int,
        "bootstrap_resamples": int,
    },  # fmt: skip
    "rgb_encoder": {
        "pretrain_dir": str,
        "corpus_dir": str,
        "epochs": int,
        "batch_size": int,
        "lr": (int, float),
        "lr_drop": (int, float),
        "width": int,
        "embed_dim": int,
        "stride": int,
        "image_size": int,
        "pooled": int,
        "seed": int,
    },  # fmt: skip
    "seds_retrieval": {**_SEDS, "spotalign_results": str, "n_examples": int},
    "seds_ablations": {
        **_SEDS,
        "fusions": list,
        "alphas": list,
        "betas": list,
        "heatmap_pair": int,
    },  # fmt: skip
    "spot_align": {
        "corpus_dir": str,
        "pretrain_dir": str,
        "iterations": int,
        "mouthing_threshold": (int, float),
        "min_phonemes": int,
        "dictionary_threshold": (int, float),
        "search_pad_s": (int, float),
        "epochs": int,
        "pretrain_epochs": int,
        "batch_size": int,
        "lr": (int, float),
        "lr_drop": (int, float),
        "width": int,
        "embed_dim": int,
        "feature_stride": int,
        "seed": int,
        "init_study": bool,
        "speech_study": bool,
    },
}
TOP_LEVEL_SCHEMA: dict[str, type | tuple[type, ...]] = {"profile": str, "kernel": str}


class ParamsError(ValueError):
    """A `params.yaml` that cannot be used: the message names the key and what is allowed."""


def load_params(path: str | Path = "params.yaml", profile: str | None = None) -> dict[str, Any]:
    """Read, validate and resolve a params file; `profile` overrides the file's own."""
    path = Path(path)
    if not path.is_file():
        raise ParamsError(f"params file not found: {path}")
    with path.open() as fh:
        raw = yaml.safe_load(fh) or {}
    if not isinstance(raw, Mapping):
        raise ParamsError(f"{path}: expected a mapping at the top level")
    if profile is not None:
        raw = {**raw, "profile": profile}
    return resolve_params(raw)


def resolve_params(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Validate every section of `raw` and return it with profile-dependent values picked."""
    _check_keys("", raw, TOP_LEVEL_SCHEMA)
    profile = raw["profile"]
    if profile not in PROFILES:
        raise ParamsError(
            f"params key 'profile' has value {profile!r}; allowed values: {', '.join(PROFILES)}"
        )
    resolved: dict[str, Any] = {key: raw[key] for key in TOP_LEVEL_SCHEMA}
    for stage, schema in STAGE_SCHEMAS.items():
        section = raw.get(stage)
        if not isinstance(section, Mapping):
            raise ParamsError(
                f"params key '{stage}' is missing or not a mapping; "
                f"it needs the keys: {', '.join(schema)}"
            )
        picked = {
            key: copy.deepcopy(_pick(f"{stage}.{key}", value, profile))  # sections may share
            for key, value in section.items()
        }
        _check_keys(f"{stage}.", picked, schema)
        resolved[stage] = picked
    return resolved


def stage_params(params: Mapping[str, Any], stage: str) -> dict[str, Any]:
    """The resolved section of one stage, plus the active profile."""
    if stage not in STAGE_SCHEMAS:
        raise ParamsError(f"unknown stage {stage!r}; known stages: {', '.join(STAGE_SCHEMAS)}")
    return {"profile": params["profile"], **params[stage]}


def _pick(key: str, value: Any, profile: str) -> Any:
    if isinstance(value, Mapping) and set(value) & set(PROFILES):
        if set(value) != set(PROFILES):
            missing = sorted(set(PROFILES) - set(value))
            extra = sorted(set(value) - set(PROFILES))
            raise ParamsError(
                f"params key '{key}' is a per-profile value and must give exactly "
                f"{', '.join(PROFILES)} (missing: {missing or 'none'}, unknown: {extra or 'none'})"
            )
        return value[profile]
    return value


def _check_keys(prefix: str, section: Mapping[str, Any], schema: Mapping[str, Any]) -> None:
    for key, kind in schema.items():
        if key not in section:
            raise ParamsError(f"params key '{prefix}{key}' is missing")
        value = section[key]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            names = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
            raise ParamsError(f"params key '{prefix}{key}' must be of type {names}, got {value!r}")


def cli_section(path: str | Path, profile: str | None, name: str) -> dict[str, Any]:
    """One resolved section for a command-line tool; an invalid file exits with status 2."""
    try:
        return load_params(path, profile)[name]
    except ParamsError as err:
        print(f"error: invalid params: {err}", file=sys.stderr)
        raise SystemExit(2) from err


def main(argv: list[str] | None = None) -> int:
    """`slr-params`: validate a params file and print its resolved form, or the error."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("path", nargs="?", default="params.yaml")
    parser.add_argument("--profile", choices=PROFILES, help="override the file's profile")
    args = parser.parse_args(argv)
    try:
        params = load_params(args.path, args.profile)
    except ParamsError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    yaml.safe_dump(params, sys.stdout, sort_keys=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
