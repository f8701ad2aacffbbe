/* Small page behaviours that need no library. */
(function () {
  "use strict";
  // On a phone, filter panels start folded unless a filter is in use (the server renders them
  // open, so without JavaScript nothing is hidden).
  if (window.matchMedia && window.matchMedia("(max-width: 600px)").matches) {
    document.querySelectorAll("details[data-collapse-narrow]:not([data-active])").forEach(function (box) {
      box.open = false;
    });
  }
})();
