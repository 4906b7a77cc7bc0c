// Search page: Pagefind's Default UI with filters, filled from ?q= so the header box leads straight to results.
(function () {
  "use strict";
  var root = document.getElementById("search");
  if (!root || typeof PagefindUI === "undefined") return;
  // The bundle path must be absolute: Pagefind derives the base of its result links from it and
  // turns a relative one ("../pagefind/") into "/../", which breaks the links under a sub-path.
  var bundle = new URL(root.getAttribute("data-bundle"), window.location.href).pathname;
  var ui = new PagefindUI({
    element: "#search",
    bundlePath: bundle,
    showSubResults: true,
    showImages: false,
    openFilters: ["type", "year", "tag"],
    sort: { date: "desc" },
    translations: { placeholder: "Search events, actors and articles" }
  });
  // The UI's input is named only by its title; give it a label of its own.
  var input = root.querySelector("input.pagefind-ui__search-input");
  if (input) {
    input.id = "search-input";
    input.setAttribute("aria-label", "Search events, actors and articles");
  }
  var query = new URLSearchParams(window.location.search).get("q");
  if (query && query.trim()) ui.triggerSearch(query);
})();
