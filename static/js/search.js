// Progressive enhancement for the search page; everything works without it.
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  if (!form) return;

  // Changing the sort order re-runs the search straight away.
  var sort = form.querySelector("#id_sort");
  if (sort) {
    sort.addEventListener("change", function () { form.requestSubmit(); });
    var sortButton = form.querySelector(".sort-control .button");
    if (sortButton) sortButton.hidden = true;
  }

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

  // On narrow screens the filter panel starts folded so results come first.
  var filters = form.querySelector("details.filters");
  if (filters && window.matchMedia("(max-width: 860px)").matches) {
    filters.open = false;
  }
})();
