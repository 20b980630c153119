// A roster import's page (templates/verification/rosterimport_detail.html)
// follows the import while it is queued or running: it asks the status
// endpoint every few seconds and moves the progress bar, then reloads once the
// import is done or failed, to show the report. Without this the page has a
// Refresh link. After 15 minutes without progress (a worker stopped, or none
// is running) it stops asking, so the staff idle time-out can still log out an
// unattended browser.
(function () {
  "use strict";
  var section = document.querySelector("[data-status-url]");
  if (!section) return;
  var url = section.getAttribute("data-status-url");
  var bar = section.querySelector("progress");
  var rows = section.querySelector("[data-rows]");
  var pill = section.querySelector("[data-status]");
  var EVERY_MS = 2000;
  var GIVE_UP_MS = 15 * 60 * 1000;
  var lastChange = Date.now();
  var last = "";

  function show(state) {
    if (state.rows_total) {
      bar.max = state.rows_total;
      bar.value = state.rows_done;
      bar.textContent = Math.floor((state.rows_done * 100) / state.rows_total) + "%";
      rows.textContent = state.rows_done + " of " + state.rows_total + " rows";
    }
    pill.textContent = state.status_display;
    pill.className = "pill pill--" + state.status;
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (state) {
        var now = state.status + ":" + state.rows_done;
        if (now !== last) {
          last = now;
          lastChange = Date.now();
        }
        show(state);
        if (!state.in_progress) window.location.reload();
        else if (Date.now() - lastChange < GIVE_UP_MS) window.setTimeout(poll, EVERY_MS);
        else rows.textContent += " No progress for 15 minutes: refresh the page to check again.";
      })
      // A lost connection or a signed-out session: try again, more slowly.
      .catch(function () { window.setTimeout(poll, EVERY_MS * 5); });
  }
  window.setTimeout(poll, EVERY_MS);
})();
