"""The registry of the source papers' tables and figures: structure, look-up, index, numbers."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from slr_lib.papers import eccv2022_oslwl, registry, seds, spot_align, spot_align_supplement
from slr_lib.papers.table import STATUSES, PaperTable

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = {path.stem for path in (ROOT / "notebooks").glob("*.ipynb")}
TABLES = registry.all_tables()


def constant_name(table_id: str) -> str:
    """ "Table A.1" -> "TABLE_A1", "Fig. 4" -> "FIG_4", "Sec. C" -> "SEC_C"."""
    return table_id.replace(".", "").upper().replace(" ", "_")


def test_papers_are_the_four_modules():
    papers = registry.PAPERS
    assert papers == (spot_align, spot_align_supplement, seds, eccv2022_oslwl)
    assert [paper.PAPER for paper in papers] == [
        "SPOT-ALIGN",
        "SPOT-ALIGN supplement",
        "SEDS",
        "ECCV 2022 OSLWL",
    ]
    assert len(TABLES) == sum(len(paper.TABLES) for paper in registry.PAPERS)


def test_labels_unique_across_papers():
    counts = Counter(table.label for table in TABLES)
    assert [label for label, n in counts.items() if n > 1] == []


@pytest.mark.parametrize("paper", registry.PAPERS, ids=lambda paper: paper.PAPER)
def test_constants_named_after_labels_and_all_listed(paper):
    constants = {
        name: value for name, value in vars(paper).items() if isinstance(value, PaperTable)
    }
    assert constants == {constant_name(table.id): table for table in paper.TABLES}
    assert all(table.paper == paper.PAPER for table in paper.TABLES)


@pytest.mark.parametrize("table", TABLES, ids=lambda table: table.label)
def test_cells_match_columns_and_rows_are_unique(table):
    for label, cells in table.rows:
        assert len(cells) == len(table.columns), label
        assert all(isinstance(cell, str) and cell == cell.strip() for cell in cells), label
    labels = [label for label, _ in table.rows]
    assert len(labels) == len(set(labels))
    assert table.frame().shape == (len(table.rows), len(table.columns))


@pytest.mark.parametrize("table", TABLES, ids=lambda table: table.label)
def test_chapter_status_and_results_key(table):
    assert table.status in STATUSES
    assert table.caption.strip()
    if table.chapter is None:
        assert table.status == "not yet"
        assert table.results_key is None
        return
    assert table.chapter in CHAPTERS
    if table.status == "partly":
        assert table.note, "say which part is regenerated"
    if table.results_key is not None:
        results = json.loads((ROOT / "results" / f"{table.chapter}.json").read_text())
        assert table.results_key in results["metrics"]


def test_every_chapter_is_named():
    """Each chapter regenerates a table, or part of one that another chapter leads (note)."""
    named = {table.chapter for table in TABLES if table.chapter}
    assert named <= CHAPTERS
    for chapter in CHAPTERS - named:
        assert any(chapter in table.note for table in TABLES), chapter


def test_find():
    assert registry.find("SEDS Table 5") is seds.TABLE_5
    assert registry.find("SPOT-ALIGN supplement Table A.1") is spot_align_supplement.TABLE_A1
    assert registry.find("  spot-align   fig. 4 ") is spot_align.FIG_4
    assert all(registry.find(table.label) is table for table in TABLES)


def test_find_unknown_names_close_labels():
    with pytest.raises(KeyError, match=r"SPOT-ALIGN supplement Table A\.1"):
        registry.find("SPOT-ALIGN Table A.1")
    with pytest.raises(KeyError, match=r"SEDS Table 6"):
        registry.find("SEDS Table 9")
    with pytest.raises(KeyError, match="labels start with a paper: SPOT-ALIGN"):
        registry.find("nothing like it")


def test_value_parses_printed_cells():
    table = spot_align.TABLE_2
    assert table.cell("Avg. pooling", "R@1") == "24.5 ± 0.2"
    assert table.value("Avg. pooling", "R@1") == 24.5
    assert spot_align.TABLE_1.value("M", "SR MedR") == 1174.5
    assert spot_align_supplement.FIG_A3.value("start shift", "zero-bin peak") == 7000
    with pytest.raises(ValueError, match="no number"):
        spot_align.TABLE_1.value("Kinetics", "SR R@1")
    with pytest.raises(KeyError, match="no row"):
        table.cell("Median pooling", "R@1")
    with pytest.raises(KeyError, match="no column"):
        table.cell("Avg. pooling", "R@50")


def test_render_index():
    text = registry.render_index()
    assert text.startswith("## Where each table and figure comes from\n")
    for table in TABLES:
        assert table.label in text
    for paper in registry.PAPERS:
        assert f"### {paper.PAPER}\n" in text
    for chapter in {table.chapter for table in TABLES if table.chapter}:
        assert f"{{doc}}`{chapter} </chapters/{chapter}>`" in text
    rows = [line for line in text.splitlines() if re.match(r"\| (?!Label|---)", line)]
    assert len(rows) == len(TABLES)
    assert all(line.count(" | ") == 3 for line in rows)
    assert "</book/chapters/data>" in registry.render_index("book/chapters/")


# Numbers the chapters quote beside their own: each must be the registry's, as printed.
QUOTED = [
    ("SPOT-ALIGN Table 1", "Kinetics", "CM MedR", "296.8 ± 12.5"),
    ("SPOT-ALIGN Table 1", "M", "SR MedR", "1174.5"),
    ("SPOT-ALIGN Table 1", "M+D3", "SR R@10", "33.3"),
    ("SPOT-ALIGN Table 1", "M+D3 (1887)", "CM R@1", "24.5 ± 0.2"),
    ("SPOT-ALIGN Table 2", "Avg. pooling", "R@1", "24.5 ± 0.2"),
    ("SPOT-ALIGN Table 2", "Max pooling", "MedR", "15.3 ± 0.6"),
    ("SPOT-ALIGN Table 3", "W2V", "R@1", "24.2 ± 0.4"),
    ("SPOT-ALIGN Table 3", "GPT", "MedR", "30.2 ± 1.3"),
    ("SPOT-ALIGN Table 4", "0.50", "R@10", "36.6"),
    ("SPOT-ALIGN Table 4", "0.75", "MedR", "91.0"),
    ("SPOT-ALIGN Table 5", "Speech", "CM MedR", "483.5 ± 17.9"),
    ("SPOT-ALIGN Table 6", "SR", "T2V R@10", "36.5"),
    ("SPOT-ALIGN Table 6", "SR + CM", "V2T R@10", "53.7"),
    ("SPOT-ALIGN Table 7", "Translation", "V2T MedR", "56.1"),
    ("SPOT-ALIGN Fig. 4", "D2", "annotations", "160K"),
    ("SPOT-ALIGN supplement Table A.1", "M (random)", "SR MedR", "1174.5"),
    ("SPOT-ALIGN supplement Table A.1", "M+D1 (BOBSL)", "Acc. top-5", "77.8"),
    ("SPOT-ALIGN supplement Table A.1", "M+D1 (random)", "#tr. ann.", "136K"),
    ("SPOT-ALIGN supplement Table A.1", "M+D1 (WLASL)", "CM R@1", "17.1 ± 0.6"),
    ("SPOT-ALIGN supplement Fig. A.3", "duration change", "zero-bin peak", "5,000"),
    ("SPOT-ALIGN supplement Sec. C", "final splits", "test", "2,348"),
    ("SEDS Table 1", "Ours", "T2V R@1", "62.5"),
    ("SEDS Table 1", "SA-COMB", "V2T MedR", "7.5"),
    ("SEDS Table 3", "Ours", "V2T R@10", "95.8"),
    ("SEDS Table 4", "Pose, How2Sign", "T2V R@1", "55.9"),
    ("SEDS Table 4", "RGB, How2Sign", "V2T R@10", "68.7"),
    ("SEDS Table 5", "Add-MLP", "T2V R@1", "60.4"),
    ("SEDS Table 5", "Concate-Trans", "V2T R@5", "66.7"),
    ("SEDS Table 6", "No", "V2T R@1", "55.8"),
    ("SEDS Table 6", "Yes", "T2V R@10", "80.1"),
    ("ECCV 2022 OSLWL Table I", "Proposed approach", "avg F1", "0.559295"),
    ("ECCV 2022 OSLWL Table I", "Proposed approach", "Rank position", "2"),
]


@pytest.mark.parametrize(("label", "row", "column", "printed"), QUOTED)
def test_transcribed_numbers(label, row, column, printed):
    assert registry.find(label).cell(row, column) == printed


def test_tables_shared_between_papers_agree():
    """Numbers one paper reprints from another, or repeats across its own tables, agree."""
    sa_table_1, sa_table_2 = dict(spot_align.TABLE_1.rows), dict(spot_align.TABLE_2.rows)
    sa_table_7, seds_table_2 = dict(spot_align.TABLE_7.rows), dict(seds.TABLE_2.rows)
    assert seds_table_2["SA-SR"] == sa_table_7["Translation"]
    assert seds_table_2["SA-CM"] == sa_table_7["Cross-modal"]
    assert seds_table_2["SA-COMB"] == sa_table_7["Combination"]
    assert sa_table_1["M+D3 (1887)"][5:] == sa_table_2["Avg. pooling"]
    assert dict(spot_align.TABLE_3.rows)["GrOVLE"] == sa_table_2["Avg. pooling"]
    assert dict(spot_align.TABLE_5.rows)["Signing"] == sa_table_1["M+D3 (1887)"][1:]
    assert dict(seds.TABLE_5.rows)["CGAF"] == dict(seds.TABLE_6.rows)["Yes"]
    a1 = dict(spot_align_supplement.TABLE_A1.rows)
    assert a1["M (BOBSL)"][4:] == sa_table_1["M"][1:]
    assert a1["M+D1 (BOBSL)"][4:] == sa_table_1["M+D1"][1:]
