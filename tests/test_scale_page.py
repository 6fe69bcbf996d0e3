"""The "Searching a million videos" page: drawn from the committed benchmark, and its wording."""

from __future__ import annotations

import copy
import json

import pytest

from slr_lib.scale_page import BENCHMARK_FILE, PAGE_FILE, budget_sentence, plan_table, render
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def measured() -> dict:
    return json.loads((ROOT / BENCHMARK_FILE).read_text())


def test_the_committed_page_is_drawn_from_the_committed_benchmark(measured):
    assert (ROOT / PAGE_FILE).read_text() == render(measured), (
        "book/scale.md is out of date: run python -m slr_lib.scale_page"
    )


def test_the_benchmark_covers_a_million_and_ten_million_vectors(measured):
    sizes = {s["vectors"]: {e["kind"] for e in s["indexes"]} for s in measured["sizes"]}
    assert sizes[1_000_000] == {"flat", "ivfpq", "hnsw"}
    assert sizes[10_000_000] == {"ivfpq"}
    flat = next(e for e in measured["sizes"][0]["indexes"] if e["kind"] == "flat")
    assert flat["sweep"][0]["recall_at_10"] == 1.0  # exact search is its own ground truth


def test_the_budget_sentence_says_whether_the_target_is_met(measured):
    changed = copy.deepcopy(measured)
    million = next(s for s in changed["sizes"] if s["vectors"] == 1_000_000)
    for entry in million["indexes"]:
        for point in entry["sweep"]:
            point["recall_at_10"] = min(point["recall_at_10"], 0.5)
    assert "does not reach recall@10 0.9" in budget_sentence(changed)
    for entry in million["indexes"]:
        for point in entry["sweep"]:
            point["recall_at_10"], point["ms_per_query"] = 0.95, 25.0
    assert "over the 10 ms budget" in budget_sentence(changed)


def test_the_plan_scales_memory_with_the_collection(measured):
    table, how = plan_table(measured)
    rows = [line.split("|")[1:-1] for line in table.splitlines()[2:]]
    assert [r[0].strip() for r in rows] == ["100,000,000", "1,000,000,000"]
    memory = [float(r[1].replace(",", "")) for r in rows]
    assert memory[1] == pytest.approx(10 * memory[0], rel=0.01)
    assert "an assumption, not a measurement" in how
