// Search page: Pagefind's UI with filters, filled from ?q= so the header box leads straight to results.
(function () {
  "use strict";
  var root = document.getElementById("search");
  if (!root || typeof PagefindUI === "undefined") return;
  var ui = new PagefindUI({
    element: "#search",
    bundlePath: root.getAttribute("data-bundle"),
    showSubResults: true,
    showImages: false,
    openFilters: ["type", "year"],
    sort: { date: "desc" },
    translations: { placeholder: "Search events, actors and articles" }
  });
  var input = root.querySelector("input");
  if (input) {
    input.setAttribute("aria-label", "Search the dossier");
    input.id = "search-input";
  }
  var query = new URLSearchParams(window.location.search).get("q");
  if (query) ui.triggerSearch(query);
})();
