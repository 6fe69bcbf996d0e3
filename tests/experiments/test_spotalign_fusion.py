"""The spotalign_fusion chapter: claims on hand-made results, query examples, the explorer."""

from __future__ import annotations

import json

import matplotlib
import numpy as np
import pandas as pd
import pytest

from slr_lib.config import ParamsError
from slr_lib.experiments import crossmodal_setup
from slr_lib.experiments import spotalign_fusion as chapter
from slr_lib.experiments.spotalign_setup import Recogniser
from slr_lib.explorer import RetrievalExplorer
from slr_lib.metrics import t2v_metrics, t2v_ranks, v2t_metrics
from slr_lib.score_fusion import late_fusion
from tests.ranks import rank_runs

matplotlib.use("Agg")

KNOBS = dict(
    corpus_dir="data/corpora/main",
    spotalign_dir="data/spotalign",
    clusters=2,
    out_dim=8,
    margin=0.2,
    loss_normalisation="batch",
    lr=0.001,
    weight_decay=1e-5,
    batch_size=8,
    epochs=1,
    seeds=[0],
    word2vec_dim=8,
    embedding="random",
    recogniser_seeds_dir="",
    sr_threshold=0.5,
    thresholds=[0.0, 0.5, 0.75],
    fusion_weight=0.5,
    n_examples=2,
    top_k=3,
    explorer_query="the dog runs",
)


def config(**changes) -> chapter.Config:
    return chapter.Config.from_values({**KNOBS, **changes})


def similarities(n: int, skill: float, seed: int) -> np.ndarray:
    """An n x n similarity matrix whose diagonal is lifted by `skill`."""
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, n)) + skill * np.eye(n)


def make_results(
    sr_hits: dict[float, float], fusion_helps: bool, n: int = 20, recognisers: int = 1
) -> chapter.Results:
    """Results with SR hitting at the given rate per threshold (over `recognisers` seeds), CM at
    0.3 over 3 seeds, and their fusion above CM (`fusion_helps`) or below it."""
    sr, cm = similarities(n, 0.5, 0), similarities(n, 1.0, 1)
    fused = similarities(n, 5.0 if fusion_helps else -5.0, 2)
    name = "SR + CM (weight 0.5)"
    methods = {"SR": sr, "CM": cm, name: fused}
    sweep_ranks = {
        t: rank_runs(rate, seeds=recognisers, seed=i) for i, (t, rate) in enumerate(sr_hits.items())
    }
    ranks = chapter.query_ranks(sr, cm, fused)
    seed_ranks = {
        "SR": sweep_ranks[0.5],
        "CM": rank_runs(0.3, seed=5),
        "fused": rank_runs(0.6 if fusion_helps else 0.15, seed=6),
    }
    return chapter.Results(
        final="M+D1_X",
        cm_model=None,
        sr={"val": sr, "test": sr},
        cm={"val": cm, "test": cm},
        word_sets={"test": [frozenset({"dog"})] * n},
        sweep=chapter.threshold_sweep(sweep_ranks),
        sweep_ranks=sweep_ranks,
        seed_ranks=seed_ranks,
        tuned=0.5,
        tuning=pd.DataFrame(),
        fusion_name=name,
        methods=methods,
        scores={k: {"t2v": t2v_metrics(s), "v2t": v2t_metrics(s)} for k, s in methods.items()},
        ranks=ranks,
        picked=chapter.pick_examples(ranks, 2),
    )


def claims(results: chapter.Results) -> dict[str, object]:
    return {c.id: c for c in chapter.claims(results)}


def test_fusion_claim_follows_the_numbers():
    good = claims(make_results({0.0: 0.2, 0.5: 0.3, 0.75: 0.1}, fusion_helps=True))
    assert good["T6-sr-cm-complementary"].verdict == "holds"
    bad = claims(make_results({0.0: 0.2, 0.5: 0.3, 0.75: 0.1}, fusion_helps=False))
    assert bad["T6-sr-cm-complementary"].verdict == "does not hold"


def test_claims_on_one_recogniser_stay_inconclusive_and_say_why():
    found = claims(make_results({0.0: 0.5, 0.5: 0.3, 0.75: 0.1}, fusion_helps=True))
    threshold = found["T4-threshold-0.5"]
    assert threshold.verdict == "inconclusive"
    assert "0 scores best, not 0.5" in threshold.evidence and "Fewer than 3" in threshold.evidence
    assert found["S4.2-cm-beats-sr"].verdict == "inconclusive"
    assert "Fewer than 3 training seeds: SR" in found["S4.2-cm-beats-sr"].evidence


def test_three_recognisers_let_the_sr_claims_be_decided():
    found = claims(make_results({0.0: 0.5, 0.5: 0.3, 0.75: 0.1}, True, recognisers=3))
    assert found["T4-threshold-0.5"].verdict == "does not hold"  # 0 beats 0.5 by the rule
    assert found["S4.2-cm-beats-sr"].verdict == "inconclusive"  # CM 0.3 vs SR 0.3: a tie
    found = claims(make_results({0.0: 0.1, 0.5: 0.6, 0.75: 0.2}, True, recognisers=3))
    assert found["T4-threshold-0.5"].verdict == "holds"
    assert found["S4.2-cm-beats-sr"].verdict == "does not hold"  # SR 0.6 beats CM 0.3
    assert "3 recognisers" in found["T4-threshold-0.5"].note


def test_fused_runs_pair_each_recogniser_with_a_cm_seed():
    n = 12
    sr = [{s: similarities(n, 0.5, k) for s in ("test", "val")} for k in range(3)]
    cm = [{s: similarities(n, 1.0, 10 + k) for s in ("test", "val")} for k in range(2)]
    ranks = chapter.seed_ranks(sr, cm, 0.5)
    assert (ranks["SR"].seeds, ranks["CM"].seeds, ranks["fused"].seeds) == (3, 2, 3)
    third = t2v_ranks(late_fusion(sr[2]["test"], cm[0]["test"], 0.5))
    assert (ranks["fused"].test[2] == third).all()


def test_examples_are_the_biggest_gains_then_best_and_worst():
    ranks = pd.DataFrame({"SR": [0, 0, 0, 0], "CM": [5, 1, 9, 2], "fused": [1, 3, 0, 2]})
    assert chapter.pick_examples(ranks, 2) == [2, 0, 2, 1]


def test_table6_and_results_file(corpus_dir):
    results = make_results({0.0: 0.2, 0.5: 0.3, 0.75: 0.1}, fusion_helps=True)
    table = results.table6()
    assert list(table.index) == ["SR", "CM", "SR + CM (weight 0.5)"]
    assert list(table.columns.levels[0]) == crossmodal_setup.SHOWN
    out = chapter.chapter_results(config(corpus_dir=corpus_dir), "tiny", results).to_json()
    assert out["data"] == "simulated corpus, M+D1_X embedding, random text"
    assert set(out["metrics"]["threshold_sweep"]) == {"0", "0.5", "0.75"}
    numbers = [
        *(v for row in out["metrics"]["threshold_sweep"].values() for v in row.values()),
        *(v for m in out["metrics"]["table6"].values() for d in m.values() for v in d.values()),
        out["metrics"]["tuned_weight"],
    ]
    assert all(isinstance(v, float) for v in numbers)
    json.dumps(out)


def test_config_rejects_bad_values():
    with pytest.raises(ParamsError, match="fusion_weight"):
        config(fusion_weight=1.5)
    with pytest.raises(ParamsError, match="embedding"):
        config(embedding="grovle")


@pytest.fixture(scope="module")
def inputs(generated) -> chapter.Inputs:
    """The small corpus with random clip features, texts embedded by random vectors."""
    main = generated[1]
    rng = np.random.default_rng(0)
    features = {
        row.video_id: rng.normal(size=(row.n_frames // 4, 5)).astype(np.float32)
        for row in main.videos.itertuples()
    }
    clips = crossmodal_setup.ClipCorpus(main, features, {"view": "pose", "window": 16, "stride": 4})
    pairs = crossmodal_setup.embed_pairs(clips, "random", 8)
    recogniser = Recogniser("M+D1_X", ["dog", "run", "cook"], {})
    return chapter.Inputs(main, "M+D1_X", [recogniser], pairs)


def test_examples_filmstrip_and_explorer(inputs):
    n = len(inputs.test_sentences())
    results = make_results({0.0: 0.2, 0.5: 0.3}, fusion_helps=True, n=n)
    words = [frozenset({"dog", "run"}) if i % 2 else frozenset() for i in range(n)]
    (model,) = chapter.train_cm(config(), inputs.pairs)
    results = chapter.Results(
        **{**results.__dict__, "cm_model": model, "word_sets": {"test": words}}
    )
    examples = chapter.query_examples(inputs, results, top_k=3)
    assert len(examples) == len(results.picked)
    caption, shown = examples[0]
    assert caption.startswith("Query: “") and len(shown) == 3
    assert list(shown["match"]).count("✔") <= 1
    fig = chapter.filmstrip(inputs, results, results.picked[0])
    assert len(fig.axes) == 18
    explorer = chapter.retrieval_explorer(inputs, results, config(top_k=2))
    assert isinstance(explorer, RetrievalExplorer)
    for method in ("SR+CM", "SR"):
        rows = explorer.search("the dog runs", method)
        assert len(rows) == 2 and rows["similarity"].is_monotonic_decreasing
    assert rows.loc[0, "shared"] == {"dog", "run"}  # SR ranks first a video showing both words
    assert len(explorer.players.children) == 2
