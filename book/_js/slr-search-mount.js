// Puts the search box (slr-search.js) on the book's pages: wherever a page has an element of
// class "slr-search" (the Search page), and, folded, under the title of the retrieval chapters
// below. The model and the collection load on first use, not with the page.
(function () {
  "use strict";
  const CHAPTERS = ["crossmodal_pooling", "crossmodal_text", "spotalign_retrieval",
    "spotalign_fusion"];
  const script = document.currentScript;
  const METHODS = ["SR+CM", "CM", "SR"];
  let searcher = null; // one Searcher per page, shared by its boxes

  function box(target) {
    target.classList.add("slr-search");
    const name = `slr-method-${Math.random().toString(36).slice(2)}`;
    const radios = METHODS.map((m, i) => {
      const label = document.createElement("label");
      const radio = document.createElement("input");
      Object.assign(radio, { type: "radio", name, value: m, checked: i === 0 });
      label.append(radio, ` ${m}`);
      return label;
    });
    const input = Object.assign(document.createElement("input"), {
      type: "search", placeholder: "Type any English sentence, e.g. how do you bake bread",
      autocomplete: "off", spellcheck: false });
    input.setAttribute("aria-label", "Search the test videos");
    const methods = document.createElement("span");
    methods.className = "slr-search-methods";
    methods.append("rank by ", ...radios);
    const status = document.createElement("div");
    status.className = "slr-search-status";
    const results = document.createElement("ol");
    results.className = "slr-search-results";
    target.replaceChildren(input, methods, status, results);
    if (location.protocol === "file:") {
      status.textContent = "This search box runs in your browser, which refuses to load its model "
        + "from a file: open the book through a local web server instead (make serve, then "
        + "http://localhost:8000).";
      input.disabled = true;
      return;
    }
    status.textContent = "The model and the collection (tens of MB) load when you start typing.";
    const start = () => {
      if (target.dataset.attached) return;
      target.dataset.attached = "1";
      status.textContent = "Loading the model and the collection…";
      import(new URL("slr-search.js", script.src).href).then((module) => {
        searcher = searcher || module.Searcher.load();
        window.slrSearch = { ready: searcher }; // for the tests and the curious
        module.attach(target, searcher);
        searcher.then(() => { if (!input.value) status.textContent = "Ready: type a sentence."; },
          (error) => { status.textContent = `The search box failed: ${error.message}`; });
      });
    };
    input.addEventListener("focus", start);
    input.addEventListener("input", start);
  }

  function mount() {
    document.querySelectorAll(".slr-search").forEach(box);
    const page = location.pathname.match(/chapters\/([a-z_]+)\.html$/);
    const title = document.querySelector("main h1, article h1, h1");
    if (page && CHAPTERS.includes(page[1]) && title) {
      const details = document.createElement("details");
      details.className = "slr-search-details";
      const summary = document.createElement("summary");
      summary.textContent = "Search the test videos with your own sentence";
      const target = document.createElement("div");
      details.append(summary, target);
      title.after(details);
      box(target);
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mount);
  else mount();
})();
