/* Filters for an event list: the form before it (hidden without JavaScript, so every event stays listed) narrows
   the list by actor, tag, status and kind; the choice lives in the URL (?actor=ID&tag=ID&status=S&kind=K), so a
   filtered view can be shared and survives a reload. */
(function () {
  "use strict";
  var KEYS = ["actor", "tag", "status", "kind"];
  var ATTRIBUTE = {actor: "actors", tag: "tags", status: "status", kind: "kind"};

  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (match, name) { return name in values ? String(values[name]) : match; });
  }

  function chosen(form) {
    var choice = {};
    KEYS.forEach(function (key) {
      var field = form.elements[key];
      if (field && field.value) choice[key] = field.value;
    });
    return choice;
  }

  function matches(item, choice) {
    return KEYS.every(function (key) {
      if (!choice[key]) return true;
      var values = (item.getAttribute("data-" + ATTRIBUTE[key]) || "").split(" ");
      return values.indexOf(choice[key]) >= 0;
    });
  }

  function apply(form, list, choice) {
    var items = list.querySelectorAll(".event-item");
    var shown = 0;
    var hiddenEvents = {};
    items.forEach(function (item) {
      var show = matches(item, choice);
      item.hidden = !show;
      if (show) shown += 1;
      else hiddenEvents[item.getAttribute("data-id")] = true;
    });
    list.querySelectorAll(".period, .period-year").forEach(function (group) {
      group.hidden = !group.querySelector(".event-item:not([hidden])");
    });
    list.querySelectorAll(".event-list").forEach(function (group) {
      var heading = group.previousElementSibling;
      var empty = !group.querySelector(".event-item:not([hidden])");
      group.hidden = empty;
      if (heading && heading.classList.contains("undated")) heading.hidden = empty;
    });
    var total = Number(form.getAttribute("data-total"));
    var what = Object.keys(choice).map(function (key) {
      var field = form.elements[key];
      var name = field.parentNode.firstChild.textContent.trim().toLowerCase();  // the field's label, in the page's language
      return name + ": " + field.options[field.selectedIndex].text.replace(/ \(\d+\)$/, "");
    });
    var count = form.querySelector(".filter-count");  // its sentences, in the page's language, are its data- attributes
    count.textContent = fill(count.getAttribute(what.length ? "data-some" : "data-all"), {
      shown: shown, total: total, filters: what.join(", ")
    });
    document.querySelectorAll("svg a[data-events]").forEach(function (mark) {
      var ids = mark.getAttribute("data-events").split(" ");
      mark.classList.toggle("dimmed", ids.every(function (id) { return hiddenEvents[id]; }));
    });
  }

  function fromUrl(form) {
    var params = new URLSearchParams(window.location.search);
    KEYS.forEach(function (key) {
      var field = form.elements[key];
      var value = params.get(key);
      if (field && value && Array.prototype.some.call(field.options, function (o) { return o.value === value; })) {
        field.value = value;
      }
    });
  }

  function toUrl(choice) {
    var params = new URLSearchParams(window.location.search);
    KEYS.forEach(function (key) {
      if (choice[key]) params.set(key, choice[key]);
      else params.delete(key);
    });
    var query = params.toString();
    history.replaceState(null, "", window.location.pathname + (query ? "?" + query : "") + window.location.hash);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form.filters").forEach(function (form) {
      var list = form.nextElementSibling;
      while (list && !list.classList.contains("filterable")) list = list.nextElementSibling;
      if (!list) return;
      form.hidden = false;
      fromUrl(form);
      apply(form, list, chosen(form));
      form.addEventListener("change", function () {
        var choice = chosen(form);
        toUrl(choice);
        apply(form, list, choice);
      });
      form.addEventListener("reset", function () {
        setTimeout(function () {
          toUrl({});
          apply(form, list, {});
        }, 0);
      });
      form.addEventListener("submit", function (event) { event.preventDefault(); });
    });
  });
})();
