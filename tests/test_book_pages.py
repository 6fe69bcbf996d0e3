from slr_lib.book_pages import PAGES, chapter_table, main
from slr_lib.pipeline.chapters import chapters
from slr_lib.results import ChapterResults, Claim, write_results


def result(name: str, *verdicts: str) -> ChapterResults:
    claims = [
        Claim(id=f"{name}-{i}", paper="P", source="Table 1", claim="c", paper_value="1",
              ours="2", verdict=v)
        for i, v in enumerate(verdicts)
    ]  # fmt: skip
    return ChapterResults(name, f"Title of {name}", "tiny", "simulated", {"x": 1.0}, claims)


def test_chapter_table_lists_every_chapter_with_what_it_regenerates():
    table = chapter_table([result("crossmodal_pooling", "holds", "holds", "inconclusive")])
    rows = table.splitlines()[2:]
    assert len(rows) == len(chapters())
    pooling = next(r for r in rows if "crossmodal_pooling>" in r)
    assert "{doc}`Title of crossmodal_pooling </chapters/crossmodal_pooling>`" in pooling
    assert "SPOT-ALIGN Table 2" in pooling and "2 holds, 1 inconclusive" in pooling
    assert "not run" in next(r for r in rows if "/chapters/one_shot>" in r)


def test_cli_writes_every_page(tmp_path):
    paths = [
        write_results(tmp_path / f"{n}.json", result(n, "holds")) for n in ("data", "protocol")
    ]
    assert main([str(p) for p in paths] + ["--out", str(tmp_path / "book")]) == 0
    assert sorted(p.name for p in (tmp_path / "book").iterdir()) == sorted(PAGES)
    assert "**2 claims**" in (tmp_path / "book" / "claims.md").read_text()
    assert "SEDS Table 5" in (tmp_path / "book" / "papers.md").read_text()


def test_a_chapter_that_did_not_run_says_so_in_the_table_and_the_ledger(tmp_path):
    skipped = ChapterResults("one_shot", "One-shot", "tiny", "not run", {}, unavailable="needs X")
    table = chapter_table([result("crossmodal_pooling", "holds"), skipped]).splitlines()
    assert "| not run on this corpus |" in next(r for r in table if "/chapters/one_shot>" in r)
    assert "| not run |" in next(r for r in table if "/chapters/data>" in r)
    paths = [write_results(tmp_path / "one_shot.json", skipped)]
    paths.append(write_results(tmp_path / "protocol.json", result("protocol", "holds")))
    assert main([str(p) for p in paths] + ["--out", str(tmp_path / "book")]) == 0
    ledger = (tmp_path / "book" / "claims.md").read_text()
    assert "- {doc}`One-shot </chapters/one_shot>`: needs X." in ledger
    assert "**1 claims**" in ledger


def test_the_stage_table_reads_the_timing_files(tmp_path):
    from slr_lib.pipeline.chapters import STAGES
    from slr_lib.pipeline.timing import Section, StageTiming

    timings = tmp_path / "timings"
    StageTiming("data", 12.0, 10.5, 700.0, "1").write(timings / "data.json")
    runs = [Section("SEDS family: SEDS", 30, 100), Section("SEDS family: SEDS", 30, 90)]
    StageTiming("seds_runs", 120.0, 400.0, 2000.0, "1", runs).write(timings / "seds_runs.json")
    paths = [write_results(tmp_path / "data.json", result("data", "holds"))]
    out = tmp_path / "book"
    assert main([str(p) for p in paths] + ["--out", str(out), "--timings", str(timings)]) == 0
    table = (out / "_stage_times.md").read_text().splitlines()
    assert table[2] == "| `data` | 12 | 10 | 700 |  |"
    assert table[3] == "| `seds_runs` | 120 | 400 | 2,000 | SEDS family: SEDS 190 |"
    assert table[4].startswith("| all stages | 132 | 410 | 2,000 (largest)")
    assert f"{len(STAGES) - 2} stage(s) have no timing file yet." in table[-1]
