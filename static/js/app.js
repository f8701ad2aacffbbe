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
  // Buttons marked data-print print the page (no inline onclick: the CSP forbids inline handlers).
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () {
      window.print();
    });
  });
})();

/* Irreversible actions ask first: a form (or its submit button) with data-confirm="question" shows
   the question and submits only when the person agrees. Runs in the capture phase, before any
   other submit handler of the page. */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var submitter = event.submitter;
    var question = (submitter && submitter.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  /* Submit buttons are disabled while a form posts, so a double tap cannot send it twice. A handler
     that took the submit over (it prevented the default) keeps its own buttons. The button is
     disabled after the event, so its own name and value still travel with the form. */
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || form.method.toLowerCase() !== "post" || form.hasAttribute("data-no-disable")) {
      return;
    }
    if (form.getAttribute("data-posting") === "1") {
      event.preventDefault();
      return;
    }
    form.setAttribute("data-posting", "1");
    window.setTimeout(function () {
      form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]").forEach(function (button) {
        button.disabled = true;
      });
    }, 0);
    // Safety net for a post answered by a download (no new page): usable again after a while.
    window.setTimeout(function () { release(form); }, 10000);
  });

  function release(form) {
    form.removeAttribute("data-posting");
    form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]").forEach(function (button) {
      button.disabled = false;
    });
  }

  // Back navigation restores the page from the browser's cache with its buttons disabled.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-posting]").forEach(release);
  });
})();
