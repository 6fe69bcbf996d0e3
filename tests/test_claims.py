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


def cards(page: str) -> list[str]:
    """Each claim's card (from its opening fence to its closing one)."""
    return ["\n".join(c.split("\n:::\n")[0].splitlines()) for c in page.split(":::{card} ")[1:]]


def test_ledger_lists_every_claim_by_paper_with_verdict_and_a_link_to_its_cell():
    other = dataclasses.replace(chapter("c", "inconclusive").claims[0], paper="SPOT-ALIGN")
    page = render_ledger([
        chapter("b", "holds"), chapter("a", "does not hold", "partly"),
        dataclasses.replace(chapter("c"), claims=(other,)),
    ])  # fmt: skip
    assert "**4 claims** tested so far: 1 holds, 1 partly, 1 does not hold, 1 inconclusive." in page
    shown = cards(page)
    assert [c.split("**")[1] for c in shown] == ["a-0", "a-1", "b-0", "c-0"]  # chapters a to z
    assert page.index("## SEDS") < page.index("a-0") < page.index("## SPOT-ALIGN")
    assert page.index("## SPOT-ALIGN") < page.index("c-0")
    assert shown[0].startswith("✘ does not hold · **a-0**: Claim 0 | piped")
    assert ":class-card: slr-claim slr-verdict-does-not-hold" in shown[0]
    assert "{ref}`Chapter a <claims-a>`" in shown[0]
    assert "**Ours** (tiny profile; simulated corpus): 2.0" in shown[0]
    assert '<div class="slr-ledger-filter"' in page


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
    shown = cards(page)
    assert "**Evidence**: interval [+1.00, +2.00]" in shown[0]
    assert "**Evidence**: single measurement; rule in the chapter" in shown[1]
