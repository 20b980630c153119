// The site menu (a <details> in templates/base.html) works without this; it
// adds what people expect of a menu button: Escape, or a click elsewhere,
// closes it (Escape puts the focus back on the button).
(function () {
  "use strict";
  var menu = document.querySelector(".site-nav__menu");
  if (!menu) return;
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && menu.open) {
      menu.open = false;
      menu.querySelector("summary").focus();
    }
  });
  document.addEventListener("click", function (event) {
    if (menu.open && !menu.contains(event.target)) menu.open = false;
  });
})();
