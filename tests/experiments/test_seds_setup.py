"""What the SEDS chapters share: the near-chance table."""

from __future__ import annotations

from types import SimpleNamespace

from slr_lib.experiments import seds_setup


def test_near_chance_table_puts_a_random_ranking_beside_the_runs():
    run = SimpleNamespace(test={"t2v": {"R10": 5.0, "R50": 20.0, "MedR": 150.0, "MeanR": 160.0}})
    table = seds_setup.near_chance_table({"SEDS": run}, n_test=200)
    assert list(table.index) == ["SEDS", "chance"]
    assert table.loc["chance"].to_dict() == {"R10": 5.0, "R50": 25.0, "MedR": 100.5, "MeanR": 100.5}
    assert table.loc["SEDS", "MeanR"] == 160.0
