// Print and Copy link buttons (the compare page, the pages for a doctor). Without
// JavaScript the page says how to print, and the link sits in a read-only field
// that can be selected and copied by hand.
(function () {
  "use strict";
  var print = document.querySelector("[data-print]");
  if (print && typeof window.print === "function") {
    print.hidden = false;
    var fallback = document.querySelector("[data-print-fallback]");
    if (fallback) fallback.hidden = true;
    print.addEventListener("click", function () { window.print(); });
  }

  var button = document.querySelector("[data-copy]");
  if (!button) return;
  var field = document.getElementById(button.getAttribute("data-copy"));
  var status = document.getElementById(button.getAttribute("data-status"));
  if (!field || !status) return;

  function say(text) {
    // Emptied first, so saying the same thing twice is announced twice.
    status.textContent = "";
    window.setTimeout(function () { status.textContent = text; }, 50);
  }

  function copiedBySelection() {
    field.focus();
    field.select();
    try {
      return document.execCommand("copy");
    } catch (error) {
      return false;
    }
  }

  function done(copied) {
    if (copied) {
      say("Link copied. You can paste it into a message or an email.");
    } else {
      field.focus();
      field.select();
      say("Your browser did not let us copy. The link is selected: press Ctrl+C (or ⌘C on a Mac) to copy it.");
    }
  }

  field.addEventListener("focus", function () { field.select(); });
  button.hidden = false;
  button.addEventListener("click", function () {
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(
        function () { done(true); },
        function () { done(copiedBySelection()); }
      );
    } else {
      done(copiedBySelection());
    }
  });
})();
