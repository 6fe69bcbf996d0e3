import json

import pytest

from slr_lib.results import ChapterResults, Claim, read_results, write_results


def make_claim(**changes) -> Claim:
    fields = dict(
        id="T1-x",
        paper="SPOT-ALIGN",
        source="Table 1",
        claim="A beats B.",
        paper_value="A 10 vs B 5",
        ours="A 3 vs B 2",
        verdict="holds",
    )
    return Claim(**{**fields, **changes})


def test_round_trip(tmp_path):
    results = ChapterResults(
        chapter="demo",
        title="Demo",
        profile="tiny",
        data="synthetic",
        metrics={"a": {"R1": 1.5}},
        claims=(make_claim(),),
    )
    path = write_results(tmp_path / "sub" / "demo.json", results)
    assert read_results(path) == results
    assert json.loads(path.read_text())["metrics"]["a"]["R1"] == 1.5
    assert [p.name for p in path.parent.iterdir()] == ["demo.json"]  # no temp file left


def test_claim_checks_its_fields():
    with pytest.raises(ValueError, match="verdict must be one of"):
        make_claim(verdict="probably")
    with pytest.raises(ValueError, match="'ours' is empty"):
        make_claim(ours=" ")


def test_failed_write_keeps_previous_file(tmp_path):
    path = tmp_path / "demo.json"
    path.write_text("old")
    bad = ChapterResults(
        chapter="demo", title="Demo", profile="tiny", data="d", metrics={"x": object()}
    )
    with pytest.raises(TypeError):
        write_results(path, bad)
    assert path.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["demo.json"]


def test_a_chapter_that_did_not_run_keeps_its_reason(tmp_path):
    ran = ChapterResults("c", "T", "tiny", "d", {"x": 1.0})
    assert "unavailable" not in ran.to_json()  # results of chapters that ran are unchanged
    skipped = ChapterResults("c", "T", "tiny", "not run", {}, unavailable="needs X")
    assert read_results(write_results(tmp_path / "c.json", skipped)) == skipped
