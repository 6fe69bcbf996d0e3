"""The dictionary domain: knobs tied to real figures, timing, framing, a generated corpus."""

from __future__ import annotations

import json
from dataclasses import fields, replace
from statistics import NormalDist

import numpy as np
import pandas as pd
import pytest

from slr_lib.data.lexicons import instance_seconds, read_msasl, read_msasl_boxes, read_wlasl
from slr_lib.data.simulate import dictionaries as d
from slr_lib.data.simulate.handshapes import load_handshapes
from slr_lib.data.simulate.lexicon import build_lexicon
from slr_lib.data.simulate.motion import REST_SHAPE
from slr_lib.data.simulate.params import CorpusParams
from slr_lib.data.simulate.signers import make_signers
from tests.conftest import REALDATA, make

DOMAIN = d.ExemplarDomain.from_params(CorpusParams())
CALIBRATED = {  # knob -> decimals it is stated to
    "wlasl_clip_ratio": 2, "msasl_clip_ratio": 2, "wlasl_clip_spread": 2, "msasl_clip_spread": 2,
    "exemplar_framing_scale": 2, "exemplar_framing_spread": 2, "exemplar_centre_spread": 3,
}  # fmt: skip


@pytest.mark.skipif(not REALDATA.is_dir(), reason=f"real files not present at {REALDATA}")
def test_calibrated_knobs_are_the_real_figures():
    real = d.measure_real(REALDATA)
    for knob, decimals in CALIBRATED.items():
        assert getattr(DOMAIN, knob) == round(real[knob], decimals), knob
    assert real["continuous_signs"] == 2111 and real["msasl_clips"] == 4172
    assert real["wlasl_clips"] == 1574  # WLASL instances whose end frame is given


def test_published_slowdown():
    assert DOMAIN.exemplar_sign_slowdown == round(360.7 / 249.7, 2)  # Wilbur & Nolen (1986)


def test_knobs_are_corpus_params_knobs():
    corpus = CorpusParams()
    for f in fields(d.ExemplarDomain):  # declared once, in CorpusParams
        assert f.name in {k.name for k in fields(CorpusParams)}
    changed = replace(corpus, exemplar_sign_slowdown=2.0)
    assert d.ExemplarDomain.from_params(changed) == replace(DOMAIN, exemplar_sign_slowdown=2.0)


def test_no_gap_is_a_bare_sign_between_ordinary_transitions():
    rng = np.random.default_rng(0)
    timing = d.exemplar_timing(12, "wlasl", 13.0, 0.0, DOMAIN, 5, 4, rng)
    assert (timing.lead, timing.rise, timing.hold, timing.fall, timing.trail) == (2, 5, 4, 5, 2)
    assert timing.total == 12 + 4 + 2 * (5 + 2)


@pytest.mark.parametrize("dictionary", ["wlasl", "msasl"])
def test_full_gap_clips_follow_the_measured_distribution(dictionary):
    rng = np.random.default_rng(1)
    reference = 13.5
    totals = np.array(
        [d.exemplar_timing(12, dictionary, reference, 1.0, DOMAIN, 5, 4, rng).total
         for _ in range(4000)]
    )  # fmt: skip
    ratio, spread = DOMAIN.clip(dictionary)
    assert np.median(totals) / reference == pytest.approx(ratio, rel=0.05)
    assert d.log_spread(totals) == pytest.approx(spread, rel=0.25)  # the floor trims the short end


def test_extra_frames_split_between_motion_and_rest():
    rng = np.random.default_rng(2)
    timing = d.exemplar_timing(10, "wlasl", 20.0, 1.0, replace(DOMAIN, wlasl_clip_spread=0.0),
                               5, 4, rng)  # fmt: skip
    extra = round(20.0 * DOMAIN.wlasl_clip_ratio) - (10 + 4 + 2 * 7)
    moving = (timing.rise - 5) + (timing.fall - 5)
    still = (timing.lead - 2) + (timing.trail - 2)
    assert moving + still == extra
    assert abs(moving - still) <= 2  # rest share 0.5


def test_dictionary_signers_are_framed_closer_and_more_variously():
    widths = {}
    for gap in (0.0, 1.0):
        signers = d.dictionary_signers(400, np.random.default_rng(3), 0.15, gap, DOMAIN)
        widths[gap] = np.log([s.shoulder_width for s in signers])
    plain = make_signers(400, np.random.default_rng(3), "ds", 0.15, d.SIGNER_VARIABILITY)
    np.testing.assert_allclose(np.exp(widths[0.0]), [s.shoulder_width for s in plain])
    scale = np.exp(np.median(widths[1.0]) - np.median(widths[0.0]))
    assert scale == pytest.approx(DOMAIN.exemplar_framing_scale, rel=0.05)
    assert widths[1.0].std() > 2 * widths[0.0].std()


def test_a_few_signers_already_have_the_measured_spread():
    signers = d.dictionary_signers(5, np.random.default_rng(7), 0.15, 1.0, DOMAIN)
    scale = DOMAIN.exemplar_framing_scale
    plain = make_signers(5, np.random.default_rng(7), "ds", 0.15, d.SIGNER_VARIABILITY, scale)
    z = np.log([s.shoulder_width / p.shoulder_width for s, p in zip(signers, plain, strict=True)])
    quantiles = [NormalDist().inv_cdf(q) for q in (0.1, 0.3, 0.5, 0.7, 0.9)]
    np.testing.assert_allclose(np.sort(z), np.multiply(quantiles, DOMAIN.exemplar_framing_spread))


def test_render_exemplar_is_slower_and_loses_points_outside_the_frame():
    params = replace(CorpusParams(), domain_gap=1.0)
    shapes = {f"ase/{k}": v for k, v in load_handshapes("ase").items()}
    shapes[REST_SHAPE] = shapes["ase/B"]
    lexicon = build_lexicon(["house"], np.random.default_rng(4), sorted(shapes), 0.0)
    sign = lexicon["house"]
    signer = replace(make_signers(1, np.random.default_rng(5), "ds")[0], shoulder_width=0.6)
    mouth = np.array([0.0, 0.5, 0.0])
    lengths = {}
    for gap in (0.0, 1.0):
        data, conf = d.render_exemplar(
            sign, signer, "wlasl", 13.5, shapes, replace(params, domain_gap=gap), mouth,
            np.random.default_rng(6),
        )  # fmt: skip
        lengths[gap] = len(data)
        seen = conf > 0
        assert ((data[seen][:, :2] >= 0) & (data[seen][:, :2] <= 1)).all()
    assert (conf == 0).any()  # a close framing cuts off the lower body
    assert lengths[1.0] > 1.5 * lengths[0.0]


@pytest.fixture(scope="module")
def calibrated(tmp_path_factory):
    return make(tmp_path_factory, "dictionary_gap", domain_gap=1.0, pretrain_sentences=10)[1]


def test_generated_exemplars_match_the_real_ratio(calibrated):
    simulated = d.measure_simulated(calibrated)
    for dictionary in ("wlasl", "msasl"):
        assert simulated[f"{dictionary}_clip_ratio"] == pytest.approx(
            getattr(DOMAIN, f"{dictionary}_clip_ratio"), rel=0.2
        )
    assert simulated["exemplar_framing_scale"] > 1.1
    table = d.comparison(simulated, simulated)
    assert list(table.columns) == ["real", "simulated"]


def test_instance_seconds_and_boxes(tmp_path):
    wlasl = [{"gloss": "book", "instances": [
        {"video_id": "1", "signer_id": 1, "split": "train", "frame_start": 1, "frame_end": -1,
         "fps": 25},
        {"video_id": "2", "signer_id": 2, "split": "test", "frame_start": 10, "frame_end": 60,
         "fps": 25},
    ]}]  # fmt: skip
    msasl = [{"clean_text": "book", "label": 0, "signer_id": 3, "start": 0, "end": 30,
              "url": "u", "start_time": 1.0, "end_time": 2.5, "fps": 30.0,
              "box": [0.1, 0.2, 1.0, 0.8]}]  # fmt: skip
    (tmp_path / "WLASL.json").write_text(json.dumps(wlasl))
    (tmp_path / "MSASL_test.json").write_text(json.dumps(msasl))
    seconds = instance_seconds(read_wlasl(tmp_path / "WLASL.json"))
    assert np.isnan(seconds[0]) and seconds[1] == pytest.approx(2.0)
    assert instance_seconds(read_msasl(tmp_path / "MSASL_test.json")).tolist() == [1.5]
    boxes = read_msasl_boxes(tmp_path / "MSASL_test.json")
    pd.testing.assert_frame_equal(
        boxes, pd.DataFrame({"signer": ["3"], "x0": [0.2], "y0": [0.1], "x1": [0.8], "y1": [1.0]})
    )
