// Search page: Pagefind's Default UI with filters, filled from ?q= so the header box leads straight to results.
(function () {
  "use strict";
  var root = document.getElementById("search");
  if (!root || typeof PagefindUI === "undefined") return;
  // The bundle path must be absolute: Pagefind derives the base of its result links from it and
  // turns a relative one ("../pagefind/") into "/../", which breaks the links under a sub-path.
  var bundle = new URL(root.getAttribute("data-bundle"), window.location.href).pathname;
  var params = new URLSearchParams(window.location.search);
  var orders = { newest: { date: "desc" }, oldest: { date: "asc" } };
  var order = orders.hasOwnProperty(params.get("sort")) ? params.get("sort") : "";
  var options = {
    element: "#search",
    bundlePath: bundle,
    showSubResults: true,
    showImages: false,
    // On a phone the filters come before the results: keep them folded there.
    openFilters: window.matchMedia("(min-width: 40em)").matches ? ["type", "year", "tag"] : [],
    translations: { placeholder: "Search events, actors and articles" }
  };
  if (order) options.sort = orders[order];
  var ui = new PagefindUI(options);
  // The UI's input is named only by its title; give it a label of its own.
  var input = root.querySelector("input.pagefind-ui__search-input");
  if (input) {
    input.id = "search-input";
    input.setAttribute("aria-label", "Search events, actors and articles");
  }
  var query = params.get("q");
  if (query && query.trim()) ui.triggerSearch(query);
  // Order: best match by default; by date on request. Changing it reloads the page with the current query.
  var form = document.querySelector("form.search-order");
  if (form) {
    var select = form.querySelector("select");
    select.value = order;
    form.hidden = false;
    form.querySelector("button").hidden = true;
    form.addEventListener("submit", function () {
      form.querySelector('input[name="q"]').value = input ? input.value : query || "";
    });
    select.addEventListener("change", function () { form.requestSubmit(); });
  }
})();
