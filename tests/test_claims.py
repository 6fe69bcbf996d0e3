import dataclasses

from slr_lib.claims import claims_frame, render_ledger
from slr_lib.results import ChapterResults, Claim


def chapter(name: str, *verdicts: str) -> ChapterResults:
    claims = tuple(
        Claim(
            id=f"{name}-{i}",
            paper="SEDS",
            source=f"Table {i}",
            claim=f"Claim {i} | piped",
            paper_value="1.0",
            ours="2.0",
            verdict=v,
        )
        for i, v in enumerate(verdicts)
    )
    return ChapterResults(
        chapter=name,
        title=f"Chapter {name}",
        profile="tiny",
        data="simulated corpus",
        metrics={},
        claims=claims,
    )


def test_ledger_lists_every_claim_with_verdict_and_link():
    page = render_ledger([chapter("b", "holds"), chapter("a", "does not hold", "partly")])
    assert "**3 claims** tested so far: 1 holds, 1 partly, 1 does not hold." in page
    rows = [line for line in page.splitlines() if line.startswith("| **")]
    assert [r.split("**")[1] for r in rows] == ["a-0", "a-1", "b-0"]
    assert "{doc}`Chapter a </chapters/a>`" in rows[0]
    assert "Claim 0 \\| piped" in rows[0]  # a pipe cannot break the table
    assert "✘ does not hold" in rows[0] and "(tiny profile; simulated corpus)" in rows[0]


def test_ledger_without_claims():
    assert "**0 claims** tested so far." in render_ledger([chapter("a")])


def test_claims_frame_for_notebooks():
    frame = claims_frame(chapter("a", "holds", "inconclusive").claims)
    assert list(frame.index) == ["a-0", "a-1"]
    assert frame.loc["a-1", "verdict"] == "? inconclusive"


def test_ledger_shows_each_claims_evidence():
    base = chapter("a", "holds", "inconclusive")
    with_evidence = dataclasses.replace(base.claims[0], evidence="interval [+1.00, +2.00]")
    page = render_ledger([dataclasses.replace(base, claims=(with_evidence, base.claims[1]))])
    rows = [line for line in page.splitlines() if line.startswith("| **")]
    assert "| interval [+1.00, +2.00] |" in rows[0]
    assert "single measurement; rule in the chapter" in rows[1]
