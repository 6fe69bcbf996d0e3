import pandas as pd
import pytest

from slr_lib.reporting import format_mean_std, mean_std


def runs() -> pd.DataFrame:
    return pd.DataFrame(
        {"arm": ["a", "a", "a", "b", "b", "b"], "R1": [10.0, 12.0, 14.0, 5.0, 6.0, 7.0]}
    )


def test_mean_std_and_format():
    summary = mean_std(runs(), "arm", ["R1"])
    assert summary.loc["a", "R1_mean"] == 12.0 and summary.loc["a", "R1_std"] == pytest.approx(2.0)
    assert format_mean_std(summary, ["R1"]).loc["b", "R1"] == "6.0 ± 1.0"
