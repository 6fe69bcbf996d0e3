import dataclasses
import json

import pytest

from slr_lib import stability
from slr_lib.claims import render_ledger
from slr_lib.results import write_results
from tests.test_claims import chapter


def with_metrics(result, **metrics):
    return dataclasses.replace(result, metrics=metrics)


def test_a_claim_is_unstable_when_the_runs_disagree():
    ours = [with_metrics(chapter("a", "holds", "inconclusive"), t={"R1": 1.0, "R5": 2.0})]
    theirs = [with_metrics(chapter("a", "holds", "does not hold"), t={"R1": 1.5, "R5": 2.0})]
    found = stability.compare_runs(ours, theirs, ("2 threads", "1 thread"))
    first, second = ours[0].claims
    assert found.status(first, "tiny") == "stable"
    assert found.status(second, "tiny") == "unstable"
    assert found.status(dataclasses.replace(second, verdict="holds"), "tiny") == "not compared"
    remeasured = dataclasses.replace(first, ours="2.5")  # same verdict, other numbers since
    assert found.status(remeasured, "tiny") == "not compared"
    assert found.status(dataclasses.replace(first, id="b-0"), "tiny") == "not compared"
    assert found.status(first, "small") == "not compared"  # another profile
    assert found.numbers["a"] == {
        "numbers": 2, "differing": 1, "largest": {"key": "t/R1", "reference": 1.0, "other": 1.5}
    }  # fmt: skip


def test_the_ledger_marks_unstable_claims_and_counts_them():
    ours = [chapter("a", "holds", "inconclusive")]
    found = stability.compare_runs(ours, [chapter("a", "holds", "holds")], ("2 t", "1 t"))
    page = render_ledger(ours, stability=found)
    assert "**unstable**: holds there" in page
    assert "(1 of 2 compared at the tiny profile; 0 new, measured again since or of" in page
    assert "No second run" in render_ledger(ours)


def test_the_command_writes_a_file_the_ledger_reads(tmp_path):
    for folder, verdict in (("ref", "holds"), ("other", "does not hold")):
        (tmp_path / folder).mkdir()
        write_results(tmp_path / folder / "a.json", chapter("a", verdict))
    out = tmp_path / "stability" / "second_run.json"
    stability.main(
        [str(tmp_path / "other"), "--results", str(tmp_path / "ref"), "--out", str(out),
         "--reference-label", "2 threads", "--other-label", "1 thread"]
    )  # fmt: skip
    read = stability.read_stability(out)
    assert read.verdicts == {"a-0": ("holds", "does not hold")} and read.other == "1 thread"


def test_runs_of_different_profiles_are_refused():
    small = dataclasses.replace(chapter("a", "holds"), profile="small")
    with pytest.raises(ValueError, match="one profile"):
        stability.compare_runs([chapter("a", "holds")], [small], ("x", "y"))


def test_a_broken_file_is_named(tmp_path):
    path = tmp_path / "second_run.json"
    path.write_text(json.dumps({"reference": "x"}))
    with pytest.raises(ValueError, match="second_run.json: not a stability file"):
        stability.read_stability(path)


def test_flat_numbers_skip_text_and_flags():
    assert stability.flat_numbers({"a": {"b": 1, "c": "x", "d": True}, "e": 2.5}) == {
        "a/b": 1.0, "e": 2.5
    }  # fmt: skip
