"""`slr-timed`: a stage's cost written on success only, sections from its child processes."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from slr_lib.pipeline import timing
from slr_lib.pipeline.timing import Section, StageTiming, stage_table, timed

CHILD = """
import time
from slr_lib.pipeline.timing import timed
with timed("busy model"):
    end = time.process_time() + 0.2
    while time.process_time() < end:
        pass
with timed("idle model"):
    time.sleep(0.05)
"""


def test_a_stage_writes_its_cost_and_its_children_sections(tmp_path: Path) -> None:
    status = timing.run_timed("toy", [sys.executable, "-c", CHILD], tmp_path)
    assert status == 0
    result = StageTiming.read(tmp_path / "toy.json")
    assert result.stage == "toy"
    assert [s.label for s in result.sections] == ["busy model", "idle model"]
    busy, idle = result.sections
    assert busy.cpu_s >= 0.15 and idle.cpu_s < 0.05 <= idle.wall_s
    # the child's CPU is the stage's, and the stage took at least as long as its sections
    assert result.cpu_s >= busy.cpu_s and result.wall_s >= busy.wall_s + idle.wall_s
    assert result.peak_rss_mb > 10
    assert not list(tmp_path.glob(".*")), "the sections file is removed after the run"


def test_a_failed_stage_leaves_no_timing_file(tmp_path: Path) -> None:
    timing.run_timed("toy", [sys.executable, "-c", "pass"], tmp_path)
    assert (tmp_path / "toy.json").is_file()
    status = timing.run_timed("toy", [sys.executable, "-c", "raise SystemExit(3)"], tmp_path)
    assert status == 3
    assert not (tmp_path / "toy.json").exists(), "an earlier run's file must not survive"


def test_timed_outside_a_stage_writes_nothing(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv(timing.SECTIONS_VAR, raising=False)
    monkeypatch.chdir(tmp_path)
    with timed("anything"):
        pass
    assert not list(tmp_path.iterdir())


def test_cli_usage_and_a_bad_file(tmp_path: Path, capsys) -> None:
    assert timing.main(["toy", "python"]) == 2
    assert "usage" in capsys.readouterr().err
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"stage": "x"}))
    with pytest.raises(ValueError, match="bad.json"):
        StageTiming.read(bad)


def test_the_table_orders_stages_and_sums_sections() -> None:
    runs = [
        StageTiming("b", 10.0, 8.0, 100.0, "1", [Section("m", 2, 3), Section("m", 2, 4)]),
        StageTiming("a", 5.0, 4.0, 300.0, "1", [Section("x", 1, 1)]),
    ]
    table = stage_table(runs, order=["b", "a"])
    lines = table.splitlines()
    assert lines[2].startswith("| `b` | 10 | 8 | 100 | m 7 |")
    assert lines[3].startswith("| `a` |")
    assert lines[-1].startswith("| all stages | 15 | 12 | 300 (largest)")


def test_compare_puts_two_runs_side_by_side(tmp_path: Path, capsys) -> None:
    before, after = tmp_path / "before", tmp_path / "after"
    StageTiming("seds", 100.0, 400.0, 900.0, "1").write(before / "seds.json")
    StageTiming("data", 10.0, 8.0, 500.0, "1").write(before / "data.json")
    StageTiming("seds", 40.0, 100.0, 950.0, "1").write(after / "seds.json")
    StageTiming("new", 1.0, 1.0, 50.0, "1").write(after / "new.json")
    assert timing.main(["compare", str(before), str(after)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[2] == "| `seds` | 400 | 100 | 0.25 | 100 | 40 |"
    assert "| `data` | 8 | - | - | 10 | - |" in lines
    assert lines[-1] == "| stages in both | 400 | 100 | 0.25 | 100 | 40 |"
    assert timing.main(["compare", str(before), str(tmp_path / "none")]) == 1
