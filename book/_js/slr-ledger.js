// The claims ledger's filter (slr_lib/claims.py writes one card per claim, classed by verdict):
// buttons that show the claims of one verdict, and the papers that have any. Without
// JavaScript every claim shows.
(function () {
  "use strict";
  const VERDICTS = { holds: "✔ holds", partly: "◐ partly", "does-not-hold": "✘ does not hold",
    inconclusive: "? inconclusive" };

  function mount() {
    const bar = document.querySelector(".slr-ledger-filter");
    if (!bar) return;
    const cards = [...document.querySelectorAll(".slr-claim")];
    const verdictOf = (card) => Object.keys(VERDICTS).find(
      (v) => card.classList.contains(`slr-verdict-${v}`));
    const buttons = [];
    function show(which) {
      for (const card of cards) {
        card.style.display = which === "all" || verdictOf(card) === which ? "" : "none";
      }
      for (const section of document.querySelectorAll("section")) {
        const own = [...section.querySelectorAll(".slr-claim")];
        if (own.length && own.length < cards.length) {
          section.style.display = own.some((c) => c.style.display !== "none") ? "" : "none";
        }
      }
      for (const button of buttons) {
        button.setAttribute("aria-pressed", String(button.dataset.verdict === which));
      }
      bar.dataset.showing = which;
    }
    bar.append("Show: ");
    for (const verdict of ["all", ...Object.keys(VERDICTS)]) {
      const n = cards.filter((c) => verdict === "all" || verdictOf(c) === verdict).length;
      if (!n) continue;
      const button = document.createElement("button");
      button.type = "button";
      button.dataset.verdict = verdict;
      button.textContent = `${VERDICTS[verdict] ?? "all"} (${n})`;
      button.addEventListener("click", () => show(verdict));
      buttons.push(button);
      bar.append(button);
    }
    show("all");
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mount);
  else mount();
})();
