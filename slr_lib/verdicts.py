"""The verdict policy: the one place where a comparison of ours becomes a claim's verdict.

Every chapter states a paper's claim as "A beats B" (higher is better) and calls one of these
rules. Verdicts are `holds`, `does not hold`, `inconclusive` (and `partly`, for claims with
several parts, decided by the chapter from its parts' verdicts).

Retrieval models are compared by `compare_ranks`, the rule for trained models: the per-query
ranks of at least `MIN_SEEDS` training seeds, a 95 % bootstrap interval of the difference
(resampling test queries and each model's seeds), validation agreeing with test, an effect size
recorded with the claim before the run, and a gate on chance. Other per-item measurements of
trained models (spotting yields, hits on test signs, similarity gaps) go through
`compare_measurements`, the same interval rule without the chance gate; claims that one option
is best through `best_option` and `best_is_interior`, and claims on every step of a sequence
through `every_step`. `matches` is for exact, deterministic quantities.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from slr_lib.metrics import RankRuns, geometric_mean, recall

MIN_SEEDS = 3
"""Training seeds a trained model needs before a comparison can hold or fail."""
CONFIDENCE = 0.95
"""Coverage of every interval a verdict reads."""
BOOTSTRAP_SAMPLES = 2000
"""Resamples per bootstrap interval."""
BOOTSTRAP_SEED = 0
"""The resampling generator's seed: the same ranks always give the same interval."""


def r10(ranks: np.ndarray) -> float:
    """R@10 in percent."""
    return recall(ranks, 10)


GEOMETRIC_MEAN_NAME = "geometric mean of R@1, R@5, R@10"

METRICS: dict[str, Callable[[np.ndarray], float]] = {
    GEOMETRIC_MEAN_NAME: geometric_mean,
    "R@10": r10,
}
"""The metrics a rank comparison may read, by the name the claims print."""


def chance_r10(n_videos: int) -> float:
    """T2V R@10 (percent) of a random ranking of `n_videos` videos."""
    return 100.0 * min(10, n_videos) / n_videos


def _resample(ranks: np.ndarray, rng: np.random.Generator, queries: np.ndarray) -> np.ndarray:
    """`ranks` (seeds, queries) at `queries`, its seeds drawn with replacement."""
    return ranks[rng.integers(0, ranks.shape[0], ranks.shape[0])][:, queries]


def percentile_interval(draws: np.ndarray) -> tuple[float, float]:
    """The central `CONFIDENCE` percentile interval of bootstrap draws."""
    tail = 100.0 * (1.0 - CONFIDENCE) / 2.0
    low, high = np.percentile(draws, [tail, 100.0 - tail])
    return float(low), float(high)


def bootstrap_difference(
    better: np.ndarray, worse: np.ndarray, metric: Callable[[np.ndarray], float] = geometric_mean
) -> tuple[float, float, float]:
    """`metric(better) - metric(worse)` and its percentile interval at `CONFIDENCE`.

    Each resample draws the test queries with replacement (the same queries for both models,
    which answer the same queries) and, independently, each model's seeds with replacement.
    """
    better, worse = np.asarray(better, dtype=float), np.asarray(worse, dtype=float)
    if better.shape[1] != worse.shape[1]:
        raise ValueError(
            f"the models were tested on different query sets ({better.shape[1]} and "
            f"{worse.shape[1]} queries)"
        )
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    n_queries = better.shape[1]
    draws = np.empty(BOOTSTRAP_SAMPLES)
    for b in range(BOOTSTRAP_SAMPLES):
        queries = rng.integers(0, n_queries, n_queries)
        draws[b] = metric(_resample(better, rng, queries)) - metric(_resample(worse, rng, queries))
    return metric(better) - metric(worse), *percentile_interval(draws)


def bootstrap_score(
    ranks: np.ndarray, metric: Callable[[np.ndarray], float] = r10
) -> tuple[float, float, float]:
    """`metric(ranks)` of one model and its percentile interval at `CONFIDENCE` (resampling
    test queries and seeds)."""
    ranks = np.asarray(ranks, dtype=float)
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    n_queries = ranks.shape[1]
    draws = np.array(
        [
            metric(_resample(ranks, rng, rng.integers(0, n_queries, n_queries)))
            for _ in range(BOOTSTRAP_SAMPLES)
        ]
    )
    return metric(ranks), *percentile_interval(draws)


def above_chance(runs: RankRuns) -> bool:
    """Whether the lower end of the model's test R@10 interval is above chance R@10."""
    return bootstrap_score(runs.test, r10)[1] > chance_r10(runs.n_videos)


EFFECT_SHARE = 0.5
"""The share of the paper's relative improvement that a claim counts as its effect."""


def effect_from_paper(
    paper_better: float, paper_worse: float, worse: RankRuns, metric: str = GEOMETRIC_MEAN_NAME
) -> float:
    """The effect size a rank comparison records before it runs: `EFFECT_SHARE` of the paper's
    relative improvement, applied to our worse model's `metric` (0 when the paper shows none)."""
    return effect_on(paper_better, paper_worse, METRICS[metric](np.asarray(worse.test)))


def effect_on(paper_better: float, paper_worse: float, ours_worse: float) -> float:
    """`EFFECT_SHARE` of the paper's relative improvement, applied to our worse figure
    `ours_worse` (0 when the paper shows none)."""
    if paper_worse <= 0:
        return 0.0
    return float(EFFECT_SHARE * max(paper_better - paper_worse, 0.0) / paper_worse * ours_worse)


@dataclass(frozen=True)
class Evidence:
    """What a rank comparison found and the verdict the policy gives it."""

    metric: str
    difference: float
    low: float
    high: float
    effect: float  # the smallest difference the claim counts as the paper's effect
    seeds: tuple[int, int]  # training seeds of the better and the worse model
    queries: int
    validation: float | None  # the difference on validation (None: no validation split)
    verdict: str
    reason: str
    unit: str = "test queries"  # what the bootstrap resamples
    digits: int = 2  # decimals of the printed differences
    check: str = "validation"  # the split whose difference must agree in sign

    def claim_fields(self) -> dict[str, str]:
        """The `verdict` and `evidence` fields of the `Claim` it decides."""
        return {"verdict": self.verdict, "evidence": self.describe()}

    def describe(self) -> str:
        """n, the interval and the rule, in one line for the claim."""
        d = self.digits
        val = (
            "" if self.validation is None else f"; {self.check} difference {self.validation:+.{d}f}"
        )
        return (
            f"{self.metric}: difference {self.difference:+.{d}f}, 95 % interval "
            f"[{self.low:+.{d}f}, {self.high:+.{d}f}] (bootstrap over {self.queries} {self.unit} "
            f"and {self.seeds[0]} + {self.seeds[1]} seeds){val}; effect size set beforehand "
            f"{self.effect:.{d}f}. {self.reason}"
        )


def compare_ranks(
    better: RankRuns,
    worse: RankRuns,
    effect: float,
    metric: str = GEOMETRIC_MEAN_NAME,
    names: tuple[str, str] = ("the first model", "the second model"),
) -> Evidence:
    """Verdict on "`better` beats `worse`" by the policy for trained retrieval models.

    In order: a model at chance on test (R@10 interval not above chance) -> inconclusive; a
    trained model with fewer than `MIN_SEEDS` seeds -> inconclusive; the interval of the
    difference above 0 -> holds, unless validation shows the other sign (inconclusive); the
    interval below `effect` (the effect size recorded beforehand) -> does not hold; otherwise
    inconclusive.
    """
    score = METRICS[metric]
    diff, low, high = bootstrap_difference(better.test, worse.test, score)
    validation = None
    if better.val is not None and worse.val is not None:
        validation = score(better.val) - score(worse.val)
    found = dict(
        metric=metric, difference=diff, low=low, high=high, effect=effect,
        seeds=(better.seeds, worse.seeds), queries=int(np.shape(better.test)[1]),
        validation=validation,
    )  # fmt: skip
    verdict, reason = _rank_rule(dict(zip(names, (better, worse), strict=True)), low, high,
                                 effect, validation)  # fmt: skip
    return Evidence(**found, verdict=verdict, reason=reason)


def compare_to_value(
    runs: RankRuns,
    value: float,
    effect: float,
    metric: str = "R@10",
    names: tuple[str, str] = ("the model", "the reference"),
) -> Evidence:
    """Verdict on "`runs` beat a fixed reference `value`" (a figure whose per-query ranks are
    not at hand): the interval is the model's own, less `value`; then the rank rule."""
    score, low, high = bootstrap_score(runs.test, METRICS[metric])
    # the reference is a test figure: no validation counterpart
    verdict, reason = _rank_rule({names[0]: runs}, low - value, high - value, effect, None)
    return Evidence(
        metric=metric, difference=score - value, low=low - value, high=high - value,
        effect=effect, seeds=(runs.seeds, 0), queries=int(np.shape(runs.test)[1]),
        validation=None, verdict=verdict, reason=reason,
    )  # fmt: skip


def best_option(options: Mapping[str, RankRuns], candidate: str, metric: str = "R@10") -> Evidence:
    """Verdict on "`candidate` is the best of `options`" by the rank policy.

    When the candidate scores best, the claim is "it beats the runner-up" (holds when that
    interval is above 0). Otherwise it is turned round: the claim does not hold when the best
    option beats the candidate by the rule, and is inconclusive when it does not.
    """
    score = METRICS[metric]
    ranked = sorted(options, key=lambda name: score(options[name].test), reverse=True)
    if ranked[0] == candidate:
        runner_up = ranked[1 if len(ranked) > 1 else 0]  # alone: compared with itself
        return compare_ranks(
            options[candidate], options[runner_up], 0.0, metric, (candidate, runner_up)
        )
    best = ranked[0]
    found = compare_ranks(options[best], options[candidate], 0.0, metric, (best, candidate))
    return turned_round(found, f"{best} scores best, not {candidate}.")


def best_is_interior(options: Mapping[float, RankRuns], metric: str = "R@10") -> Evidence:
    """Verdict on "the optimum of a swept value is interior" (neither end of `options`, keyed
    by the value) by the rank policy: the best value against the runner-up (effect 0). Holds
    when an interior value is best and beats the runner-up; does not hold when an end is best
    and beats it; inconclusive otherwise, and always with fewer than three values."""
    score = METRICS[metric]
    ranked = sorted(options, key=lambda value: score(options[value].test), reverse=True)
    best, runner_up = ranked[0], ranked[1 if len(ranked) > 1 else 0]
    found = compare_ranks(
        options[best], options[runner_up], 0.0, metric, (f"{best:g}", f"{runner_up:g}")
    )
    if len(options) < 3:
        return replace(found, verdict="inconclusive", reason="Fewer than 3 values: no interior.")
    if min(options) < best < max(options):
        return replace(found, reason=f"Interior value {best:g} scores best. {found.reason}")
    return turned_round(found, f"An end of the sweep ({best:g}) scores best.")


def compare_measurements(
    better: np.ndarray,
    worse: np.ndarray,
    effect: float,
    metric: str,
    score: Callable[[np.ndarray], float] = np.mean,
    validation: float | None = None,
    names: tuple[str, str] = ("the first model", "the second model"),
    unit: str = "test items",
    digits: int = 2,
) -> Evidence:
    """Verdict on "`score(better)` is higher than `score(worse)`" for a per-item measurement of
    trained models that is not a retrieval rank (so no chance gate): `better` and `worse` are
    (seeds, items) arrays over the same items; the interval resamples items and each side's
    seeds (`bootstrap_difference`), then `interval_verdict` with the other split's difference
    `validation`."""
    better, worse = np.asarray(better, dtype=float), np.asarray(worse, dtype=float)
    diff, low, high = bootstrap_difference(better, worse, score)
    seeds = dict(zip(names, (better.shape[0], worse.shape[0]), strict=True))
    verdict, reason = interval_verdict(low, high, effect, validation, seeds)
    return Evidence(
        metric=metric, difference=diff, low=low, high=high, effect=effect,
        seeds=(better.shape[0], worse.shape[0]), queries=better.shape[1], validation=validation,
        verdict=verdict, reason=reason, unit=unit, digits=digits,
    )  # fmt: skip


def turned_round(found: Evidence, why: str) -> Evidence:
    """The verdict on "the candidate is best" from the evidence that another option beats it:
    does not hold when that comparison holds, inconclusive otherwise; `why` heads the reason."""
    verdict = "does not hold" if found.verdict == "holds" else "inconclusive"
    return replace(found, verdict=verdict, reason=f"{why} {found.reason}")


def _rank_rule(
    models: Mapping[str, RankRuns],
    low: float,
    high: float,
    effect: float,
    validation: float | None,
) -> tuple[str, str]:
    """The chance gate on every named model, then `interval_verdict`."""
    at_chance = [name for name, runs in models.items() if not above_chance(runs)]
    if at_chance:
        return "inconclusive", f"At chance on test R@10: {' and '.join(at_chance)}; not compared."
    return interval_verdict(low, high, effect, validation, {n: r.seeds for n, r in models.items()})


def interval_verdict(
    low: float,
    high: float,
    effect: float,
    validation: float | None,
    seeds: Mapping[str, int],
) -> tuple[str, str]:
    """The policy's verdict, with its reason, on an interval (`low`, `high`) of a difference
    (better - worse): a compared model with fewer than `MIN_SEEDS` training `seeds` ->
    inconclusive; above 0 -> holds, unless the difference on the other split (`validation`) has
    the other sign; below the `effect` size recorded beforehand -> does not hold; otherwise
    inconclusive."""
    few = [name for name, n in seeds.items() if n < MIN_SEEDS]
    if few:
        return "inconclusive", f"Fewer than {MIN_SEEDS} training seeds: {' and '.join(few)}."
    if low > 0:
        if validation is not None and validation <= 0:
            return "inconclusive", "The interval is above 0, but the other split disagrees."
        agrees = "" if validation is None else " and the other split agrees"
        return "holds", f"Rule: interval above 0{agrees}."
    if high < effect:
        return "does not hold", "Rule: the interval excludes the effect size."
    return "inconclusive", "Rule: the interval neither excludes 0 nor the effect size."


def matches(ours: Mapping[str, float], paper: Mapping[str, float]) -> str:
    """Verdict on "we get the paper's numbers" for a deterministic quantity (no noise)."""
    return "holds" if all(np.isclose(ours[k], v) for k, v in paper.items()) else "does not hold"


def every_step(verdicts: Sequence[str]) -> str:
    """Verdict on "each step raises the value" from each step's verdict: holds when every step
    holds, does not hold when one does not, otherwise (and with no step) inconclusive."""
    if verdicts and all(v == "holds" for v in verdicts):
        return "holds"
    return "does not hold" if "does not hold" in verdicts else "inconclusive"
