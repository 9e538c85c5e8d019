// The header's menu on phones: below 48em the navigation, search and user box fold
// behind the «Меню» button. Without JavaScript they stay open and wrap.
(function () {
  "use strict";
  // Boxes of filters are open on wide screens; on a phone they start folded.
  if (window.matchMedia("(min-width: 48em)").matches) {
    document.querySelectorAll("details[data-open-wide]").forEach(function (box) {
      box.open = true;
    });
  }
  var button = document.querySelector(".menu-toggle");
  var menu = document.getElementById("site-menu");
  if (!button || !menu) return;
  document.documentElement.classList.add("js-menu");
  button.hidden = false;
  button.addEventListener("click", function () {
    var open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", String(open));
    menu.classList.toggle("is-open", open);
  });
})();
