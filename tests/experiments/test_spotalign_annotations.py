"""The spotalign_annotations chapter: tables from a hand-made summary, claims, the results file."""

from __future__ import annotations

import dataclasses
import json

import matplotlib
import numpy as np
import pandas as pd
import pytest

from slr_lib.config import ParamsError
from slr_lib.experiments import spotalign_annotations as chapter

matplotlib.use("Agg")

KNOBS = dict(
    corpus_dir="data/corpora/main",
    spotalign_dir="data/spotalign",
    recogniser_seeds_dir="",
    dictionary_threshold=0.75,
    search_pad_s=0.5,
    timeline_videos=2,
)
STEPS = ["M", "D1", "D2"]


def summary(yields: list[float], top1: list[float], random_init: bool = True) -> dict:
    """A stage summary: expanded yields and restricted top-1 per step (M, D1, D2)."""
    steps = {
        step: {
            vocabulary: {"annotations": n, "glosses": 10.0, "precision": 60.0 + i}
            for vocabulary in ("restricted", "expanded")
        }
        for i, (step, n) in enumerate(zip(STEPS, yields, strict=True))
    }
    names = ["M", "M+D1_R", "M+D2_R"]
    models = {
        name: {"classes": 20, "annotations": 100 + i, "top1": t, "top5": t + 20}
        for i, (name, t) in enumerate(zip(names, top1, strict=True))
    }
    models |= {"M+D1_X": {"classes": 30, "annotations": 150, "top1": 25.0, "top5": 45.0}}
    runs = {"main": {"steps": steps, "restricted_vocabulary": 20, "stopped": None}}
    if random_init:
        models |= {
            "M@random": {"classes": 20, "annotations": 100, "top1": 2.0, "top5": 8.0},
            "M+D1_R@random": {"classes": 20, "annotations": 120, "top1": 3.0, "top5": 9.0},
        }
        runs["random_init"] = {"steps": {}}
    return {"runs": runs, "models": models, "verified_test_signs": 48}


def spottings(correct: list[bool], videos: int = 20) -> pd.DataFrame:
    """Spottings spread round-robin over `videos` training videos, marked correct or not."""
    return pd.DataFrame(
        {"video_id": [f"v{i % videos}" for i in range(len(correct))],
         "gloss": [f"g{i % 7}" for i in range(len(correct))], "correct": correct}
    )  # fmt: skip


def joint(precision_joint: float, precision_alone: float, n: int = 400) -> chapter.JointTraining:
    """Joint D1 of n spottings and a no-joint D1 of 3n, at the given precisions."""
    rng = np.random.default_rng(0)
    return chapter.JointTraining(
        {
            "joint": spottings(list(rng.random(n) < precision_joint)),
            "no joint": spottings(list(rng.random(3 * n) < precision_alone)),
        }
    )


def per_video_counts(precision: float, per_video: float, rng, seeds: int, videos: int = 40):
    """(seeds, videos, 2): correct and all spottings, `per_video` on average at `precision`."""
    total = rng.poisson(per_video, (seeds, videos))
    return np.stack([rng.binomial(total, precision), total], axis=-1).astype(float)


def seed_measurements(
    yields: list[float],
    top1: list[float],
    seeds: int = 3,
    init_top5=(0.6, 0.2),
    joint_precision=(0.9, 0.6),
    classes: int = 20,
) -> chapter.SeedMeasurements:
    """Measurements over `seeds` seeds: spottings per training video of D1, D2 around `yields`
    (per video, M's unused), top-1 hit rates of M, M+D1_R, M+D2_R, top-5 of M+D1_R from the
    pre-trained and the random initialisation, and Sec. D's precisions (joint, no joint)."""
    rng = np.random.default_rng(0)
    names = ["M", "M+D1_R", "M+D2_R"]
    hits = {
        "top1": {m: rng.random((seeds, 300)) < rate for m, rate in zip(names, top1, strict=True)},
        "top5": {m: rng.random((seeds, 300)) < rate
                 for m, rate in zip(["M+D1_R", "M+D1_R@random"], init_top5, strict=True)},
    }  # fmt: skip
    return chapter.SeedMeasurements(
        yields={s: rng.poisson(n, (seeds, 40)).astype(float)
                for s, n in zip(STEPS[1:], yields[1:], strict=True)},
        hits=hits,
        joint={name: per_video_counts(p, 10 * (i + 1), rng, seeds)
               for i, (name, p) in enumerate(zip(("joint", "no joint"), joint_precision,
                                                 strict=True))},
        classes=classes,
    )  # fmt: skip


def make_results(yields: list[float], top1: list[float], random_init: bool = True, **seeds):
    """Results from a hand-made summary (`yields`, `top1` per step) and seed measurements (top-1
    hit rates `top1` / 100)."""
    data = summary(yields, top1, random_init)
    models = pd.DataFrame(data["models"]).T
    measured = seed_measurements(yields, [t / 100 for t in top1], **seeds)
    if not random_init:
        del measured.hits["top5"]["M+D1_R@random"]
    return chapter.Results(
        summary=data,
        steps=STEPS,
        yields=chapter.step_yields(data["runs"]["main"]["steps"]),
        threshold_curves=pd.DataFrame(),
        timelines=[],
        models=models,
        accuracy=chapter.recognition_accuracy(models, STEPS),
        initialisations=chapter.initialisations(data["runs"], models),
        joint_training=joint(0.9, 0.6),
        seeds=measured,
        truth=True,
    )


def verdicts(results: chapter.Results) -> dict[str, str]:
    return {c.id: c.verdict for c in chapter.claims(results)}


def test_claims_follow_the_numbers():
    good = verdicts(make_results([10, 20, 40], [10.0, 20.0, 30.0]))
    assert good == {"F4-yield": "holds", "F4-recognition": "holds", "A1-pretrained-init": "holds",
                    "D-joint-training": "holds"}  # fmt: skip
    bad = verdicts(make_results([10, 40, 20], [30.0, 20.0, 10.0]))  # D1 -> D2 falls
    assert bad["F4-yield"] == "does not hold" and bad["F4-recognition"] == "does not hold"
    flat = verdicts(make_results([10, 20, 20.3], [10.0, 30.0, 30.5]))  # the last step is flat
    assert flat["F4-recognition"] == "inconclusive"  # effect 0: a flat step is not refuted
    assert flat["F4-yield"] == "does not hold"  # but D1 -> D2 falls short of the paper's rise


def test_every_claim_records_its_evidence_per_step():
    claims = {c.id: c for c in chapter.claims(make_results([10, 20, 40], [10.0, 20.0, 30.0]))}
    assert claims["F4-yield"].evidence.count("95 % interval") == 1  # one step: D1 -> D2
    assert claims["F4-recognition"].evidence.count("95 % interval") == 2  # M -> D1 -> D2
    assert all("3 + 3 seeds" in c.evidence for c in claims.values())


def test_one_seed_decides_nothing():
    one = verdicts(make_results([10, 20, 40], [10.0, 20.0, 30.0], seeds=1))
    assert set(one.values()) == {"inconclusive"}


def test_joint_training_claim_reads_the_precision_over_videos_and_seeds():
    evidence = chapter.precision_evidence(seed_measurements([1, 2, 3], [0.1, 0.2, 0.3]))
    assert evidence.difference == pytest.approx(30.0, abs=5)
    assert evidence.low < evidence.difference < evidence.high and evidence.low > 0
    assert evidence.seeds == (3, 3) and evidence.queries == 40 and evidence.verdict == "holds"
    worse = seed_measurements([1, 2, 3], [0.1, 0.2, 0.3], joint_precision=(0.5, 0.6))
    assert chapter.precision_evidence(worse).verdict == "does not hold"
    table = joint(0.9, 0.6).table()
    assert table.loc["no joint", "spottings"] == 3 * table.loc["joint", "spottings"] == 1200


def test_initialisation_claim_flips_with_top5():
    worse = make_results([10, 20, 40], [10.0, 20.0, 30.0], init_top5=(0.2, 0.6))
    assert verdicts(worse)["A1-pretrained-init"] == "does not hold"


def test_top5_among_five_glosses_or_fewer_tests_nothing():
    tiny = make_results([10, 20, 40], [10.0, 20.0, 30.0], init_top5=(1.0, 1.0), classes=2)
    claim = {c.id: c for c in chapter.claims(tiny)}["A1-pretrained-init"]
    assert claim.verdict == "inconclusive" and "among 2 glosses" in claim.evidence


def test_initialisation_claim_needs_the_random_run():
    results = make_results([100, 200, 300], [10.0, 20.0, 30.0], random_init=False)
    assert "A1-pretrained-init" not in verdicts(results)
    assert list(results.initialisations["init"]) == ["pre-trained (BOBSL role)"] * 2


def test_tables_from_the_summary():
    results = make_results([100, 200, 300], [10.0, 20.0, 30.0])
    assert list(results.accuracy.index) == ["M", "M+D1_R", "M+D2_R", "M+D1_X"]
    table = results.yield_table()
    assert list(table.index) == STEPS
    assert table[("annotations", "expanded")].tolist() == [100, 200, 300]
    init = results.initialisations
    assert list(init["model"]) == ["M", "M+D1", "M", "M+D1"]
    assert init["training annotations"].tolist() == [100, 101, 100, 120]


def candidates() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Three dictionary candidates of two glosses (the 'a' ones on their true sign) and signs."""
    found = pd.DataFrame(
        {
            "sentence_id": ["s0", "s0", "s1"],
            "gloss": ["a", "b", "a"],
            "frame": [0, 0, 50],  # window centres 9.5, 9.5, 59.5
            "source": ["dictionary"] * 3,
            "confidence": [0.9, 0.8, 0.5],
        }
    )
    signs = pd.DataFrame(
        {
            "sentence_id": ["s0", "s1", "s1"],
            "gloss": ["a", "a", "b"],
            "start_frame": [5, 55, 0],
            "end_frame": [15, 65, 10],
        }
    )
    return found, signs


def test_candidate_yields_per_threshold():
    rows = chapter.candidate_yields(*candidates(), thresholds=np.array([0.4, 0.7, 0.85, 0.95]))
    assert [r["annotations"] for r in rows] == [3, 2, 1, 0]
    assert [r["glosses"] for r in rows] == [2, 2, 1, 0]
    np.testing.assert_allclose([r["precision"] for r in rows[:3]], [200 / 3, 50.0, 100.0])
    assert np.isnan(rows[3]["precision"])  # nothing kept: no precision


def test_chapter_results_hold_plain_numbers(corpus_dir):
    config = chapter.Config.from_values({**KNOBS, "corpus_dir": corpus_dir})
    results = make_results([100, 200, 300], [10.0, 20.0, 30.0])
    curves = pd.DataFrame(
        [
            {"step": step, **row}
            for step in ("D1", "D2")
            for row in chapter.candidate_yields(*candidates(), thresholds=np.array([0.7, 0.95]))
        ]
    )
    results = dataclasses.replace(results, threshold_curves=curves)
    out = chapter.chapter_results(config, "tiny", results).to_json()
    assert out["chapter"] == "spotalign_annotations"
    assert out["metrics"]["yield"]["D2_expanded"] == 300.0
    assert out["metrics"]["vocabulary"]["D1_restricted"] == 10.0
    assert out["metrics"]["threshold_yield"] == {
        "D1@0.70": 2.0, "D1@0.95": 0.0, "D2@0.70": 2.0, "D2@0.95": 0.0
    }  # fmt: skip
    assert out["metrics"]["threshold_vocabulary"]["D2@0.70"] == 2.0
    assert out["metrics"]["threshold_precision"] == {"D1@0.70": 50.0, "D2@0.70": 50.0}
    assert set(out["metrics"]["recognition_top1"]) == set(results.accuracy.index)
    numbers = [v for group in out["metrics"].values() for v in group.values()]
    assert all(type(v) is float and np.isfinite(v) for v in numbers)
    json.dumps(out, allow_nan=False)


def test_paper_tables_come_from_the_registry():
    assert chapter.paper_yields().loc["D1", "annotations"] == "59K"
    init = chapter.paper_initialisations()
    assert list(init.index) == chapter.PAPER_INIT_ROWS
    assert init.loc["M+D1 (random)", "Acc. top-5"] == "28.0"


def test_draw_timeline():
    truth = pd.DataFrame({"start_frame": [0, 20], "end_frame": [10, 30], "gloss": ["A", "B"]})
    spotted = {s: (np.array([5.0, 40.0]), np.array([True, False])) for s in STEPS}
    fig = chapter.draw_timeline(chapter.Timeline("v0001", truth, spotted), STEPS)
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["truth", *STEPS]


def test_config_rejects_a_bad_threshold():
    with pytest.raises(ParamsError, match="dictionary_threshold"):
        chapter.Config.from_values({**KNOBS, "dictionary_threshold": 1.5})


def test_without_ground_truth_only_the_yield_claim_is_made():
    found = chapter.claims(dataclasses.replace(make_results([10, 20, 40], [10.0, 20.0, 30.0]),
                                               truth=False))  # fmt: skip
    assert [c.id for c in found] == ["F4-yield"] and found[0].verdict == "holds"


def test_yields_without_ground_truth_have_no_precision():
    steps = {"M": {"restricted": {"annotations": 3.0, "glosses": 2.0},
                   "expanded": {"annotations": 3.0, "glosses": 2.0}}}  # fmt: skip
    table = chapter.step_yields(steps)
    assert table["precision"].isna().all() and table["annotations"].tolist() == [3.0, 3.0]
    candidates = pd.DataFrame(
        {"video_id": ["v"] * 2, "sentence_id": ["s"] * 2, "word": ["a", "b"], "gloss": ["a", "b"],
         "frame": [20, 30], "confidence": [0.9, 0.4], "source": ["dictionary"] * 2}
    )  # fmt: skip
    rows = chapter.candidate_yields(candidates, None, np.array([0.5]))
    assert rows[0]["annotations"] == 1 and np.isnan(rows[0]["precision"])
