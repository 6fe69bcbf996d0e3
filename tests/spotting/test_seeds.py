"""The recogniser_seeds stage: the spot_align models again under another seed, on a tiny corpus."""

from __future__ import annotations

import json

import pytest

from slr_lib.config import ParamsError
from slr_lib.data_loader.recognition import load_recognition
from slr_lib.spotting.seeds import RecogniserSeedsConfig, run_seed, seed_folder

pytestmark = pytest.mark.usefixtures("one_thread")

VALUES = dict(
    corpus_dir="", pretrain_dir="", iterations=1, mouthing_threshold=0.0, min_phonemes=2,
    dictionary_threshold=0.75, search_pad_s=0.5, epochs=1, pretrain_epochs=1, batch_size=32,
    lr=0.01, lr_drop=0.8, width=16, embed_dim=32, feature_stride=4, seed=0, init_study=True,
    speech_study=True, speech_iterations=1, seeds=[1],
)  # fmt: skip


def test_the_extra_seeds_must_differ_from_the_main_stages():
    with pytest.raises(ParamsError, match="recogniser_seeds.seeds"):
        RecogniserSeedsConfig.from_values({**VALUES, "seeds": [0, 1]})


def test_a_seed_writes_summary_spottings_weights_and_sr_input(generated, tmp_path):
    folder, main, _ = generated
    section = RecogniserSeedsConfig.from_values(
        {**VALUES, "corpus_dir": str(folder / "main"), "pretrain_dir": str(folder / "pretrain")}
    )
    run_seed(section, 1, tmp_path)
    out = seed_folder(tmp_path, 1)
    summary = json.loads((out / "summary.json").read_text())
    assert "speech" not in summary["runs"] and "random_init" in summary["runs"]
    assert {f"{m}.pt" for m in summary["models"]} == {p.name for p in (out / "models").iterdir()}
    assert (out / "spottings" / "main" / "M.parquet").is_file()
    assert not (out / "features").exists()  # the CM chapters read the main stage's
    recognised = {f"{m}.npz" for m in summary["models"] if m != "bobsl"}
    assert recognised == {p.name for p in (out / "recognition").iterdir()}
    recognition = load_recognition(out / "recognition" / "M.npz")
    evaluated = main.videos[main.videos["split"].isin(["val", "test"])]["video_id"]
    assert set(recognition) == set(evaluated)


def test_seeds_side_by_side_equal_a_seed_alone(generated, tmp_path, monkeypatch):
    """The stage trains its seeds in worker processes; each seed's models are those it gets
    trained alone in this process."""
    import argparse

    import torch

    from slr_lib.spotting import seeds

    folder = generated[0]
    section = RecogniserSeedsConfig.from_values(
        {**VALUES, "corpus_dir": str(folder / "main"), "pretrain_dir": str(folder / "pretrain"),
         "seeds": [1, 2]}
    )  # fmt: skip
    monkeypatch.setenv("SLR_WORKERS", "2")
    seeds._run(section, argparse.Namespace(out=tmp_path / "both"))
    run_seed(section, 2, tmp_path / "alone")
    both, alone = seed_folder(tmp_path / "both", 2), seed_folder(tmp_path / "alone", 2)
    assert seed_folder(tmp_path / "both", 1).is_dir()

    def tensors(saved, prefix: str = "") -> dict:
        if isinstance(saved, torch.Tensor):
            return {prefix: saved}
        if isinstance(saved, dict):
            return {
                k: v
                for key, sub in saved.items()
                for k, v in tensors(sub, f"{prefix}.{key}").items()
            }
        return {}

    for model in sorted((alone / "models").iterdir()):
        mine = tensors(torch.load(model, weights_only=True))
        theirs = tensors(torch.load(both / "models" / model.name, weights_only=True))
        assert mine and mine.keys() == theirs.keys(), model.name
        for key, value in mine.items():
            assert torch.equal(value, theirs[key]), (model.name, key)
