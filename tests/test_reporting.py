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


def test_numbers_print_as_the_papers_print_them():
    from slr_lib.reporting import paper_number

    cases = {24.0: "24", 0.15: "0.15", 18.4: "18.4", 12.345: "12.35", 0.0012345: "0.0012",
             -3.14159: "-3.14", 685.0: "685", 7: "7", "x": "x"}  # fmt: skip
    assert {k: paper_number(k) for k in cases} == cases
    assert paper_number(float("nan")) == "nan"


def test_book_numbers_is_the_tables_default_unless_a_table_formats_itself():
    import pandas as pd

    from slr_lib.reporting import book_numbers

    frame = pd.DataFrame({"a": [24.0, 0.15]})
    with pd.option_context(
        "styler.format.formatter", None, "display.float_format", None, "styler.format.precision", 6
    ):
        book_numbers()
        html = frame.style.to_html()
        assert ">24<" in html and ">0.15<" in html and "24.000000" not in html
        assert ">0.1<" in frame.style.format(precision=1).to_html()
