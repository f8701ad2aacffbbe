/* The party rows of a dispute form (templates/disputes/partials/party_rows.html): "Add a party"
   copies the empty row of the <template> with the next index and counts it in the formset's
   TOTAL_FORMS. Without JavaScript the rows the server rendered (three spare ones) still work. */
(function () {
  "use strict";

  function setup(box) {
    var list = box.querySelector("[data-party-list]");
    var template = box.querySelector("template[data-party-template]");
    var add = box.querySelector("[data-party-add]");
    var total = box.querySelector("input[name$='-TOTAL_FORMS']");
    var max = box.querySelector("input[name$='-MAX_NUM_FORMS']");
    if (!list || !template || !add || !total) return;
    add.hidden = false;
    add.addEventListener("click", function () {
      var index = parseInt(total.value, 10) || 0;
      if (max && index >= (parseInt(max.value, 10) || 1000)) {
        add.disabled = true;
        return;
      }
      var row = template.content.firstElementChild.cloneNode(true);
      Array.prototype.forEach.call(row.querySelectorAll("[name],[id],[for]"), function (el) {
        ["name", "id", "for"].forEach(function (attr) {
          var value = el.getAttribute(attr);
          if (value) el.setAttribute(attr, value.replace("__prefix__", String(index)));
        });
      });
      list.appendChild(row);
      total.value = String(index + 1);
      var first = row.querySelector("input");
      if (first) first.focus();
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-party-rows]"), setup);
})();
