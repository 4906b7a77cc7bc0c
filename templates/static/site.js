/* On every page: "/" puts the cursor in the search box (unless the reader is already typing somewhere). */
document.addEventListener("keydown", function (event) {
  "use strict";
  if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
  var target = event.target;
  if (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) return;
  var box = document.getElementById("search-input") || document.getElementById("site-search");
  if (!box) return;
  event.preventDefault();
  box.focus();
  box.select();
});
