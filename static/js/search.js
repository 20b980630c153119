// Progressive enhancement for the search page; everything works without it.
// Changing "Sort by" does not re-run the search by itself (WCAG 2.2, 3.2.2
// On Input): the Sort button beside it does.
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  if (!form) return;

  // A search that could not run: take the reader to the list of what to fix.
  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();

  // Shareable URLs: leave empty fields out of the query string.
  form.addEventListener("submit", function () {
    Array.prototype.forEach.call(form.elements, function (field) {
      if (field.name && field.value === "" && field.type !== "checkbox") {
        field.disabled = true;
      }
    });
  });
  // Coming back with the browser's Back button shows the form usable again.
  window.addEventListener("pageshow", function () {
    Array.prototype.forEach.call(form.elements, function (field) {
      field.disabled = false;
    });
  });

  // On narrow screens the filter panel starts folded so results come first
  // (unless a filter has an error to correct).
  var filters = form.querySelector("details.filters");
  if (
    filters &&
    window.matchMedia("(max-width: 860px)").matches &&
    !filters.querySelector(".field__error")
  ) {
    filters.open = false;
  }
})();
