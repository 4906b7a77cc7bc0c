/* The search page, on Pagefind's JavaScript API: one box, filters (type, status, year, month, actor, tag) that work
   with or without words, results with their type, date and status in the theme's own typography. Everything the
   reader chooses lives in the URL (?q=...&actor=ID&status=S&sort=newest), so a search survives a reload and can be
   shared. A name searched for brings its actor's page first. Text from the index is only ever inserted as text; an
   excerpt keeps Pagefind's <mark>s and nothing else. Its words come translated with the page's data (#search-labels,
   "text"), keyed by their English. A large dossier's index comes in parts (pagefind/dossier-parts.json), each
   searched by a Pagefind of its own and put together here. */
(function () {
  "use strict";
  var root = document.getElementById("search");
  if (!root || !window.URLSearchParams) return;
  var form = root.querySelector("form.search-form");
  var input = form.elements.q;
  var sortField = form.elements.sort;
  var facetsBox = root.querySelector(".facets");
  var status = root.querySelector(".search-status");
  var results = root.querySelector(".results");
  var more = root.querySelector("button.more");
  var labels = JSON.parse(document.getElementById("search-labels").textContent);
  var words = labels.text || {};
  var FACETS = [
    ["type", t("Type")], ["status", t("Status")], ["year", t("Year")], ["month", t("Month")], ["actor", t("Actor")],
    ["tag", t("Tag")]
  ];
  var ORDER = { type: ["event", "actor", "article"], status: ["confirmed", "reported", "disputed", "planned"] };
  var SORTS = { newest: { date: "desc" }, oldest: { date: "asc" } };
  var PAGE = 20;
  var PINNED = 5;  // actors' pages looked at for a name searched for
  var INDEXING = "indexing";
  // Pagefind derives its result links from where the bundle was loaded: give it an absolute path (works under any prefix).
  var bundle = new URL(root.getAttribute("data-bundle"), window.location.href).pathname;
  var pagefind = null;
  var found = [];
  var shown = 0;
  var latest = 0;

  // A text of the interface in the page's language, its {name} placeholders filled from values.
  function t(text, values) {
    return (words[text] || text).replace(/\{(\w+)\}/g, function (match, name) {
      return values && name in values ? String(values[name]) : match;
    });
  }

  function el(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (key) { node.setAttribute(key, attributes[key]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function label(facet, value) {
    return (labels[facet] && labels[facet][value]) || (facet === "tag" ? "#" + value : value);
  }

  function state() {
    var params = new URLSearchParams(window.location.search);
    var chosen = {};
    FACETS.forEach(function (facet) {
      var values = params.getAll(facet[0]).filter(Boolean);
      if (values.length) chosen[facet[0]] = values;
    });
    return { q: (params.get("q") || "").trim(), sort: SORTS[params.get("sort")] ? params.get("sort") : "", filters: chosen };
  }

  function fromForm() {
    var chosen = {};
    facetsBox.querySelectorAll("input[type=checkbox]:checked").forEach(function (box) {
      (chosen[box.name] = chosen[box.name] || []).push(box.value);
    });
    return { q: input.value.trim(), sort: sortField.value, filters: chosen };
  }

  function toUrl(current) {
    var params = new URLSearchParams();
    if (current.q) params.set("q", current.q);
    FACETS.forEach(function (facet) {
      (current.filters[facet[0]] || []).forEach(function (value) { params.append(facet[0], value); });
    });
    if (current.sort) params.set("sort", current.sort);
    var query = params.toString();
    history.replaceState(null, "", window.location.pathname + (query ? "?" + query : ""));
  }

  function ordered(facet, counts) {
    var values = Object.keys(counts);
    if (ORDER[facet]) return ORDER[facet].filter(function (v) { return counts[v] !== undefined; });
    if (facet === "year" || facet === "month") return values.sort();
    return values.sort(function (a, b) {
      return counts[b] - counts[a] || label(facet, a).localeCompare(label(facet, b));
    });
  }

  function buildFacets(all, chosen) {
    facetsBox.textContent = "";
    FACETS.forEach(function (facet) {
      var name = facet[0];
      var counts = all[name] || {};
      var values = ordered(name, counts);
      if (!values.length) return;
      var picked = chosen[name] || [];
      var group = el("details", { class: "facet", "data-facet": name });
      if (picked.length || name === "type" || name === "status") group.open = true;
      var summary = el("summary", {}, facet[1]);
      group.appendChild(summary);
      var fieldset = el("fieldset");
      fieldset.appendChild(el("legend", { class: "visually-hidden" }, facet[1]));
      if (values.length > 12) {
        var find = el("input", { type: "search", class: "facet-find", "aria-label": t("Find a value of {facet}", { facet: facet[1].toLowerCase() }), placeholder: t("Find…") });
        find.addEventListener("input", function () {
          var wanted = find.value.trim().toLowerCase();
          fieldset.querySelectorAll("label.option").forEach(function (option) {
            option.hidden = wanted !== "" && option.textContent.toLowerCase().indexOf(wanted) < 0;
          });
        });
        find.addEventListener("keydown", function (event) { if (event.key === "Enter") event.preventDefault(); });
        fieldset.appendChild(find);
      }
      var list = el("div", { class: "options" });
      values.forEach(function (value) {
        var option = el("label", { class: "option" });
        var box = el("input", { type: "checkbox", name: name, value: value });
        box.checked = picked.indexOf(value) >= 0;
        option.appendChild(box);
        option.appendChild(el("span", { class: "option-name" }, " " + label(name, value) + " "));
        option.appendChild(el("span", { class: "count", "data-value": value }, "(" + counts[value] + ")"));
        list.appendChild(option);
      });
      fieldset.appendChild(list);
      group.appendChild(fieldset);
      facetsBox.appendChild(group);
    });
    facetsBox.hidden = false;
  }

  function updateCounts(counts) {
    facetsBox.querySelectorAll(".facet").forEach(function (group) {
      var facet = counts[group.getAttribute("data-facet")] || {};
      group.querySelectorAll(".count").forEach(function (count) {
        count.textContent = "(" + (facet[count.getAttribute("data-value")] || 0) + ")";
      });
    });
  }

  // An excerpt as Pagefind gives it: text with <mark>s. Parsed inertly; only text and <mark> survive.
  function excerpt(html) {
    var holder = el("p", { class: "result-excerpt" });
    var parsed = new DOMParser().parseFromString("<p>" + html + "</p>", "text/html").body.firstChild;
    (parsed ? parsed.childNodes : []).forEach(function (node) {
      if (node.nodeType === 3) holder.appendChild(document.createTextNode(node.textContent));
      else if (node.nodeName === "MARK") holder.appendChild(el("mark", {}, node.textContent));
      else holder.appendChild(document.createTextNode(node.textContent));
    });
    return holder;
  }

  function render(data) {
    var meta = data.meta || {};
    var item = el("li", { class: "result" });
    var line = el("p", { class: "result-meta" });
    line.appendChild(el("span", { class: "result-type" }, (labels.result && labels.result[meta.type]) || meta.type || ""));
    if (meta.date) line.appendChild(el("span", { class: "result-date" }, meta.date));
    if (meta.status) line.appendChild(el("span", { class: "badge status-" + meta.status }, label("status", meta.status)));
    item.appendChild(line);
    var title = el("a", { class: "result-title", href: data.url, dir: "auto" }, meta.title || data.url);
    item.appendChild(el("p", { class: "result-heading" })).appendChild(title);
    if (data.excerpt) item.appendChild(excerpt(data.excerpt));
    return item;
  }

  function showMore(token) {
    var slice = found.slice(shown, shown + PAGE);
    shown += slice.length;
    return Promise.all(slice.map(function (result) { return result.data(); })).then(function (pages) {
      if (token !== latest) return;
      pages.forEach(function (page) { results.appendChild(render(page)); });
      more.hidden = shown >= found.length;
    });
  }

  function describe(current, count) {
    var parts = [];
    FACETS.forEach(function (facet) {
      var values = current.filters[facet[0]];
      if (values) {
        var named = values.map(function (v) { return label(facet[0], v); }).join(t(" or "));
        parts.push(t("{facet}: {values}", { facet: facet[1].toLowerCase(), values: named }));
      }
    });
    var counted = count === 1 ? t("1 result") : t("{count} results", { count: count });
    var text = current.q ? t("{results} for “{words}”", { results: counted, words: current.q }) : counted;
    return text + (parts.length ? " (" + parts.join("; ") + ")" : "") + ".";
  }

  // The words of a text as the pinning below compares them: lower case, without accents.
  function wordsOf(text) {
    return text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  }

  // The actors whose name has every word searched for (each the start of one of its words), as Pagefind ranks them:
  // a reader who types a name wants that actor's page first, before the events that mention it. Only for the best
  // match order, and only where actors can be among the results (no filter but the type, and that one with actors).
  function named(current) {
    var types = current.filters.type;
    var others = Object.keys(current.filters).filter(function (name) { return name !== "type"; });
    var wanted = wordsOf(current.q);
    if (!wanted.length || current.sort || others.length || (types && types.indexOf("actor") < 0)) return Promise.resolve([]);
    return pagefind.search(current.q, { filters: { type: { any: ["actor"] } } }).then(function (search) {
      return Promise.all((search ? search.results.slice(0, PINNED) : []).map(function (result) {
        return result.data().then(function (data) { return { id: result.id, data: data }; });
      }));
    }).then(function (pages) {
      return pages.filter(function (page) {
        var title = wordsOf((page.data.meta || {}).title || "");
        return wanted.every(function (word) { return title.some(function (w) { return w.indexOf(word) === 0; }); });
      });
    });
  }

  function run() {
    var current = fromForm();
    toUrl(current);
    var token = ++latest;
    results.textContent = "";
    more.hidden = true;
    found = [];
    shown = 0;
    var filters = {};
    Object.keys(current.filters).forEach(function (name) { filters[name] = { any: current.filters[name] }; });
    if (!current.q && !Object.keys(filters).length) {
      status.textContent = t("Type words, or choose filters, to search {total}.", { total: root.getAttribute("data-total") });
      pagefind.filters().then(function (all) { if (token === latest) updateCounts(all); });
      return Promise.resolve();
    }
    status.textContent = t("Searching…");
    var options = { filters: filters };
    if (current.sort) options.sort = SORTS[current.sort];
    return Promise.all([pagefind.search(current.q || null, options), named(current)]).then(function (answers) {
      var search = answers[0];
      var pinned = answers[1];
      if (token !== latest || !search) return undefined;
      var ids = pinned.map(function (page) { return page.id; });
      found = pinned.map(function (page) {
        return { id: page.id, data: function () { return Promise.resolve(page.data); } };
      }).concat(search.results.filter(function (result) { return ids.indexOf(result.id) < 0; }));
      updateCounts(search.filters || {});
      status.textContent = describe(current, found.length);
      return showMore(token);
    });
  }

  function loadPart(folder) {
    var part = null;
    return import(bundle + folder + "pagefind.js").then(function (module) {
      part = module;
      return part.options({ excerptLength: 24 });
    }).then(function () {
      return part.init();
    }).then(function () {
      return part;
    });
  }

  // Filter counts of several parts, added up.
  function summed(all) {
    var total = {};
    all.forEach(function (filters) {
      Object.keys(filters || {}).forEach(function (name) {
        var into = total[name] = total[name] || {};
        Object.keys(filters[name]).forEach(function (value) { into[value] = (into[value] || 0) + filters[name][value]; });
      });
    });
    return total;
  }

  // The parts of an index answering as one: filter counts added up; results by score or, sorted by date, each part's
  // sorted results one after the other (the parts follow the date the search sorts by).
  function together(parts) {
    function each(call) { return Promise.all(parts.map(call)); }
    return {
      filters: function () { return each(function (part) { return part.filters(); }).then(summed); },
      search: function (words, options) {
        return each(function (part) { return part.search(words, options); }).then(function (answers) {
          if (answers.some(function (answer) { return !answer; })) return null;
          var inOrder = options.sort && options.sort.date === "desc" ? answers.slice().reverse() : answers;
          var merged = [].concat.apply([], inOrder.map(function (answer) { return answer.results; }));
          if (!options.sort) merged.sort(function (a, b) { return b.score - a.score; });
          return { results: merged, filters: summed(answers.map(function (answer) { return answer.filters; })) };
        });
      }
    };
  }

  var typing = null;
  input.addEventListener("input", function () {
    clearTimeout(typing);
    typing = setTimeout(run, 250);
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(typing);
    run();
  });
  form.addEventListener("change", function (event) {
    if (event.target !== input && !event.target.classList.contains("facet-find")) run();
  });
  more.addEventListener("click", function () { showMore(latest); });

  var initial = state();
  input.value = initial.q;
  sortField.value = initial.sort;
  root.querySelector(".search-options").hidden = false;
  // A large dossier's index comes in parts, each a Pagefind of its own (dossier-parts.json: their folders, oldest first).
  // Asked anew each time (a site built again may have more parts); none on the server: an index of one part, as before.
  fetch(bundle + "dossier-parts.json", { cache: "no-cache" }).then(function (response) {
    if (response.status === 404) return [""];
    if (response.status === 503) throw new Error(INDEXING);  // the preview, before its first index (it reloads the page)
    if (!response.ok) throw new Error("dossier-parts.json: HTTP " + response.status);
    return response.json();
  }).then(function (folders) {
    var valid = Array.isArray(folders) && folders.length && folders.every(function (f) { return /^(part-\d+\/)?$/.test(f); });
    if (!valid) throw new Error("dossier-parts.json is not a list of parts");
    return Promise.all(folders.map(loadPart));
  }).then(function (parts) {
    pagefind = parts.length === 1 ? parts[0] : together(parts);
    return pagefind.filters();
  }).then(function (all) {
    var total = 0;
    Object.keys((all && all.type) || {}).forEach(function (type) { total += all.type[type]; });
    root.setAttribute("data-total", t("{count} pages", { count: total }));
    buildFacets(all || {}, initial.filters);
    input.focus();
    return run();
  }).catch(function (error) {
    if (error.message === INDEXING) {
      status.textContent = t("The preview is making the search index; this page reloads when it is ready.");
      return;
    }
    status.textContent = t("Search could not load its index ({error}). Browse the timeline, the actors or the sources instead.", {
      error: error.message
    });
  });
})();
