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

  // On narrow screens the filter panel starts folded so results come first.
  var filters = form.querySelector("details.filters");
  if (filters && window.matchMedia("(max-width: 860px)").matches) {
    filters.open = false;
  }
})();
