import pytest
import torch

from slr_lib.data_loader.seds import build_seds_split
from slr_lib.model.seds import SEDS, SEDSConfig, cico_config
from slr_lib.trainer.seds import SEDSTrainConfig, evaluate, measure_throughput, train_seds
from tests.seds_stand_ins import made_up_rgb, stand_in_text_encoder

pytestmark = pytest.mark.usefixtures("one_thread")

FAST = SEDSTrainConfig(epochs=12, batch_size=8, lr=3e-3, lr_text=3e-3, warmup=0.1)
SCORE = "geometric_mean_R1_R5_R10"


@pytest.fixture(scope="module")
def splits(generated):
    corpus = generated[1]
    rgb = made_up_rgb(corpus)
    return {s: build_seds_split(corpus, s, rgb, max_clips=8) for s in ("val", "test")}


def tiny_model(streams: tuple[str, ...] = ("pose", "rgb")) -> SEDS:
    torch.manual_seed(0)
    config = SEDSConfig.of_size("tiny", rgb_dim=8, max_clips=8, streams=streams)
    return SEDS(config, stand_in_text_encoder(config.embed_dim))


def test_a_tiny_training_run_improves_over_its_initialisation(splits):
    model, pairs = tiny_model(), splits["test"]
    before = evaluate(model, pairs)
    result = train_seds(model, pairs, FAST)
    after = evaluate(result.model, pairs)
    losses = result.history["loss_total"]
    assert len(losses) == FAST.epochs and losses.iloc[-1] < losses.iloc[0]
    assert {"loss_tv", "loss_tp", "loss_tr", "loss_pr"} <= set(result.history.columns)
    assert after["t2v"][SCORE] > before["t2v"][SCORE]
    assert after["v2t"][SCORE] > before["v2t"][SCORE]


def test_validation_keeps_the_best_epoch_and_saves_it(splits, tmp_path):
    config = cico_config(SEDSConfig.of_size("tiny", rgb_dim=8, max_clips=8))
    model = SEDS(config, stand_in_text_encoder(config.embed_dim))
    short = SEDSTrainConfig(epochs=3, batch_size=8, lr=3e-3)
    result = train_seds(
        model, splits["test"], short, val=splits["val"], checkpoint=tmp_path / "c.pt"
    )
    scores = result.history[f"val_{SCORE}"]
    assert scores[result.history["epoch"] == result.best_epoch].iloc[0] == scores.max()
    assert evaluate(result.model, splits["val"])["t2v"][SCORE] == pytest.approx(scores.max())
    saved = torch.load(tmp_path / "c.pt")
    assert saved["epoch"] == result.best_epoch and saved["model_config"]["streams"] == ("rgb",)


def test_throughput_is_measured_on_a_copy(splits):
    model = tiny_model()
    weights = {k: v.clone() for k, v in model.state_dict().items()}
    report = measure_throughput(model, splits["test"], SEDSTrainConfig(batch_size=4), steps=2)
    assert report["pairs_per_s"] > 0 and report["peak_rss_mb"] > 0 and report["batch_size"] == 4
    assert report["device"] == "cpu" and report["peak_cuda_mb"] is None
    assert all(torch.equal(weights[k], v) for k, v in model.state_dict().items())
