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
