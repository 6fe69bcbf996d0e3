"""The book's search box in headless Chromium: page weight and keystroke-to-results time.

Serves the built book (`book/_build/html`, from `dvc repro`) over HTTP as `make serve` does,
opens the search page, and measures:

* the bytes the page loads before anyone types, and the bytes the box fetches on first use
  (its model, the WebAssembly runtime, the collection), as served and gzip-compressed;
* the time from the first focus to a ready box;
* for every keystroke of `--queries` sentences typed one key at a time, the time from the
  input event to the drawn list of results (the box's own `performance.now()` figures).

    .venv/bin/python scripts/benchmark_search_page.py [--queries 40]

Needs Debian's chromium and the `playwright` package (both in `make test`'s set-up).
"""

from __future__ import annotations

import argparse
import gzip
import http.server
import json
import shutil
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip


class Traffic:
    """The files served since the last `take`, as served and gzip-compressed."""

    def __init__(self) -> None:
        self.files: list[Path] = []

    def take(self) -> dict[str, float]:
        raw = sum(f.stat().st_size for f in self.files)
        packed = sum(len(gzip.compress(f.read_bytes(), compresslevel=6)) for f in self.files)
        out = {"files": len(self.files), "MB": round(raw / 1e6, 2),
               "MB_gzip": round(packed / 1e6, 2)}  # fmt: skip
        self.files = []
        return out


def serve(folder: Path, traffic: Traffic) -> tuple[http.server.ThreadingHTTPServer, str]:
    """`folder` over HTTP on a free local port, each file served recorded in `traffic`."""

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, directory=str(folder), **kwargs)

        def do_GET(self) -> None:
            path = Path(self.translate_path(self.path))
            if path.is_file():
                traffic.files.append(path)
            super().do_GET()

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=40, help="sentences typed key by key")
    parser.add_argument("--out", type=Path, default=ROOT / "logs" / "search_page_benchmark.json")
    args = parser.parse_args()
    html = ROOT / "book" / "_build" / "html"
    if not (html / "_static" / "search" / "collection.json").is_file():
        print("no built book with a search box: run `dvc repro book` first", file=sys.stderr)
        return 1
    chromium = shutil.which("chromium")
    if chromium is None:
        print("chromium is not installed (Debian package `chromium`)", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    collection = json.loads((html / "_static" / "search" / "collection.json").read_text())
    sentences = collection["texts"][: args.queries]
    traffic = Traffic()
    server, url = serve(html, traffic)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=FLAGS)
            page = browser.new_page()
            page.goto(f"{url}/video_search.html", wait_until="networkidle")
            before = traffic.take()
            start = time.perf_counter()
            page.focus(".slr-search input[type=search]")
            page.wait_for_function("window.slrSearch !== undefined")
            page.evaluate("() => window.slrSearch.ready")
            ready_s = time.perf_counter() - start
            page.wait_for_load_state("networkidle")
            first_use = traffic.take()
            box = page.locator(".slr-search input[type=search]")
            latencies = []
            for sentence in sentences:
                box.fill("")
                typed = ""
                for key in sentence[:60]:
                    typed += key
                    page.keyboard.type(key)
                    if not typed.strip():
                        continue
                    page.wait_for_function(
                        "q => document.querySelector('.slr-search').dataset.query === q", arg=typed
                    )
                    latency = page.eval_on_selector(".slr-search", "e => e.dataset.latencyMs")
                    latencies.append(float(latency))
            browser.close()
    finally:
        server.shutdown()
    latencies.sort()
    result = {
        "videos": len(collection["ids"]),
        "page_before_typing": before,
        "fetched_on_first_use": first_use,
        "ready_after_first_focus_s": round(ready_s, 2),
        "keystrokes": len(latencies),
        "keystroke_to_results_ms": {
            "median": round(statistics.median(latencies), 1),
            "p95": round(latencies[int(0.95 * (len(latencies) - 1))], 1),
            "max": round(latencies[-1], 1),
        },
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
