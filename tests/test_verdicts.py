import numpy as np
import pytest

from slr_lib.verdicts import (
    above_chance,
    best_is_interior,
    best_option,
    bootstrap_difference,
    bootstrap_score,
    compare_measurements,
    compare_ranks,
    compare_to_value,
    effect_from_paper,
    every_step,
    geometric_mean,
    interval_verdict,
    matches,
)
from tests.ranks import rank_runs as model


def test_bootstrap_interval_covers_the_difference_and_excludes_zero_for_a_large_gap():
    diff, low, high = bootstrap_difference(model(0.5).test, model(0.1, seed=1).test)
    assert low < diff < high
    assert low > 0


def test_bootstrap_refuses_different_query_sets():
    with pytest.raises(ValueError, match="different query sets"):
        bootstrap_difference(model(0.5).test, model(0.5, queries=10).test)


def test_bootstrap_score_interval_covers_the_score():
    score, low, high = bootstrap_score(model(0.3).test)
    assert low < score < high and high - low < 15


def test_compare_to_value_reads_the_models_interval_against_a_fixed_figure():
    runs = model(0.3)  # R@10 about 32 %
    assert compare_to_value(runs, 10.0, effect=5.0).verdict == "holds"
    lost = compare_to_value(runs, 60.0, effect=5.0)
    assert lost.verdict == "does not hold" and lost.high < 0 and lost.validation is None
    assert compare_to_value(model(0.3, seeds=2), 10.0, 5.0).verdict == "inconclusive"
    assert "At chance" in compare_to_value(model(0.0), 1.0, 0.5).reason


def test_chance_gate():
    assert above_chance(model(0.3))
    assert not above_chance(model(0.0))


def test_compare_ranks_holds_when_the_interval_is_above_zero_and_validation_agrees():
    found = compare_ranks(model(0.5), model(0.2, seed=1), effect=1.0)
    assert found.verdict == "holds"
    assert "300 test queries" in found.describe() and "3 + 3 seeds" in found.describe()


def test_compare_ranks_inconclusive_when_validation_disagrees():
    better = model(0.5, val_hit_rate=0.1)
    found = compare_ranks(better, model(0.2, seed=1), effect=1.0)
    assert found.verdict == "inconclusive"
    assert "the other split disagrees" in found.reason


def test_compare_ranks_does_not_hold_when_the_interval_excludes_the_effect():
    found = compare_ranks(model(0.3), model(0.3, seed=1), effect=10.0)
    assert found.verdict == "does not hold"


def test_compare_ranks_needs_seeds_and_models_above_chance():
    assert "Fewer than" in compare_ranks(model(0.5, seeds=1), model(0.1), 1.0).reason
    at_chance = compare_ranks(model(0.5), model(0.0), 1.0)
    assert at_chance.verdict == "inconclusive" and "At chance" in at_chance.reason


def test_effect_from_paper_is_half_the_relative_gain_on_our_worse_model():
    worse = model(0.2)
    ours = geometric_mean(worse.test)
    assert effect_from_paper(30.0, 20.0, worse) == pytest.approx(0.5 * 0.5 * ours)
    assert effect_from_paper(10.0, 20.0, worse) == 0.0


def test_best_option_turns_the_claim_round_when_another_option_wins():
    options = {"a": model(0.5), "b": model(0.2, seed=1), "c": model(0.1, seed=2)}
    assert best_option(options, "a").verdict == "holds"
    lost = best_option(options, "b")
    assert lost.verdict == "does not hold" and "a scores best" in lost.reason


def test_interval_verdict():
    seeds = {"a": 3, "b": 3}
    assert interval_verdict(0.01, 0.2, 0.05, None, seeds)[0] == "holds"
    assert interval_verdict(0.01, 0.2, 0.05, -0.1, seeds)[0] == "inconclusive"
    assert interval_verdict(-0.2, 0.04, 0.05, None, seeds)[0] == "does not hold"
    assert interval_verdict(-0.1, 0.1, 0.05, None, seeds)[0] == "inconclusive"
    verdict, reason = interval_verdict(0.01, 0.2, 0.05, None, {"a": 1, "b": 3})
    assert verdict == "inconclusive" and reason == "Fewer than 3 training seeds: a."


def test_matches_is_for_exact_quantities():
    assert matches({"MedR": 1174.5}, {"MedR": 1174.5}) == "holds"
    assert matches({"MedR": 1174.0}, {"MedR": 1174.5}) == "does not hold"


def test_an_interior_optimum_must_beat_the_runner_up():
    sweep = {0.0: model(0.2, seed=1), 0.4: model(0.5, seed=2), 0.8: model(0.25, seed=3)}
    assert best_is_interior(sweep).verdict == "holds"
    end = {**sweep, 0.8: model(0.7, seed=3)}
    assert best_is_interior(end).verdict == "does not hold"
    close = {**sweep, 0.8: model(0.5, seed=3)}
    assert best_is_interior(close).verdict == "inconclusive"
    two = best_is_interior({0.0: model(0.2, seed=1), 0.4: model(0.5, seed=2)})
    assert two.verdict == "inconclusive" and "Fewer than 3" in two.reason
    assert best_is_interior({0.4: model(0.5)}).verdict == "inconclusive"


def test_compare_measurements_has_no_chance_gate_but_needs_seeds():
    rng = np.random.default_rng(0)
    high, low = rng.normal(1.0, 0.2, (3, 200)), rng.normal(0.5, 0.2, (3, 200))
    found = compare_measurements(high, low, 0.1, "gap", validation=0.4, unit="pairs")
    assert found.verdict == "holds" and "200 pairs" in found.describe()
    assert compare_measurements(low, high, 0.1, "gap").verdict == "does not hold"
    assert compare_measurements(high, low, 0.1, "gap", validation=-0.1).verdict == "inconclusive"
    assert compare_measurements(high[:1], low[:1], 0.1, "gap").verdict == "inconclusive"


def test_every_step_must_hold():
    assert every_step(["holds", "holds"]) == "holds"
    assert every_step(["holds", "inconclusive"]) == "inconclusive"
    assert every_step(["holds", "does not hold"]) == "does not hold"
    assert every_step([]) == "inconclusive"
