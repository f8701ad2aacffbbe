/* Roster editing without a page reload (training/roster_detail.html).

   Without JavaScript the page works as plain forms: the search box reloads the page with ?q=, the
   ticked guards are moved by posting the "Move selected" form. With it:
   - typing in the search box hides the rows that do not match (name, post, point, last 4 of the ID);
   - "Select all shown" ticks every visible row;
   - "Move selected" posts the ticked entries to the API's bulk-move (JSON, with the CSRF token) and
     moves the rows into their new session, redrawing the seat counts; a refusal (all or none) is
     shown above the list and nothing changes. */
(function () {
  "use strict";
  var search = document.querySelector("[data-roster-search]");
  var form = document.getElementById("roster-move");
  var rows = function () { return Array.prototype.slice.call(document.querySelectorAll(".roster-rows tbody tr")); };
  var shownLabel = document.querySelector("[data-roster-shown]");
  var shownTemplate = shownLabel ? shownLabel.textContent : "";

  function visible(row) { return !row.hidden; }

  function filter() {
    var needle = (search.value || "").trim().toLowerCase();
    var all = rows();
    all.forEach(function (row) {
      row.hidden = needle !== "" && row.textContent.toLowerCase().indexOf(needle) === -1;
    });
    document.querySelectorAll(".session-group").forEach(function (group) {
      var empty = group.querySelector("[data-empty]");
      if (empty) {
        empty.hidden = group.querySelectorAll(".roster-rows tbody tr:not([hidden])").length > 0;
      }
    });
    if (shownLabel) {
      var n = all.filter(visible).length;
      shownLabel.textContent = shownTemplate.replace(/^\s*\d+/, String(n));
    }
    picked();
  }

  if (search) {
    search.addEventListener("input", filter);
    // The search form still reloads the page (with ?q=) when submitted; typing filters in place.
  }

  if (!form) {
    return;
  }
  var pickAll = form.querySelector("[data-pick-all]");
  var pickedLabel = form.querySelector("[data-picked]");
  var status = form.querySelector("[data-move-status]");
  var select = form.querySelector("select[name=session]");
  pickAll.closest("label").hidden = false;
  pickedLabel.hidden = false;

  function boxes() { return Array.prototype.slice.call(form.querySelectorAll("input[name=entry]")); }

  function picked() {
    if (!pickedLabel) {
      return [];
    }
    var ticked = boxes().filter(function (box) { return box.checked; });
    pickedLabel.textContent = pickedLabel.getAttribute("data-text").replace("__N__", String(ticked.length));
    var shown = boxes().filter(function (box) { return !box.closest("tr").hidden; });
    pickAll.checked = shown.length > 0 && shown.every(function (box) { return box.checked; });
    return ticked;
  }

  pickAll.addEventListener("change", function () {
    boxes().forEach(function (box) {
      if (!box.closest("tr").hidden) {
        box.checked = pickAll.checked;
      }
    });
    picked();
  });
  form.addEventListener("change", function (event) {
    if (event.target.name === "entry") {
      picked();
    }
  });
  picked();

  function say(text, bad) {
    status.hidden = false;
    status.textContent = text;
    status.className = "roster-move-status message " + (bad ? "message-error" : "message-success");
  }

  function errorText(body) {
    if (!body || typeof body !== "object") {
      return form.getAttribute("data-failed") || "Error";
    }
    var parts = [];
    (function flatten(value) {  // {"session": ["…"]}, {"detail": "…"} or {"entries": {"0": ["…"]}}
      if (value && typeof value === "object") {
        Object.keys(value).forEach(function (key) { flatten(value[key]); });
      } else if (value !== null && value !== undefined) {
        parts.push(String(value));
      }
    })(body);
    return parts.join(" ");
  }

  function redraw(sessions, moved, target) {
    var groups = {};
    document.querySelectorAll(".session-group").forEach(function (group) {
      groups[group.getAttribute("data-session")] = group;
    });
    var into = groups[String(target)];
    var body = into && into.querySelector(".roster-rows tbody");
    moved.forEach(function (entryId) {
      var box = form.querySelector("input[name=entry][value='" + entryId + "']");
      if (box && body) {
        box.checked = false;
        var row = box.closest("tr");
        body.appendChild(row);
        row.classList.add("row-moved");
      }
    });
    var freeText = select.getAttribute("data-free");
    sessions.forEach(function (s) {
      var group = groups[String(s.id)];
      if (group) {
        var seated = group.querySelector("[data-company-seated]");
        if (seated) {
          seated.textContent = String(s.company_seated);
        }
        var seats = group.querySelector(".seats .mono");
        if (seats) {
          seats.textContent = s.seats_taken + " / " + s.capacity;
        }
        var fill = group.querySelector(".seats .rate-fill");
        if (fill && s.capacity) {
          fill.setAttribute("width", String(Math.min(100, Math.round(100 * s.seats_taken / s.capacity))));
        }
      }
      var option = select.querySelector("option[value='" + s.id + "']");
      if (option) {
        option.textContent = option.getAttribute("data-day") + " · " + freeText.replace("__N__", String(Math.max(0, s.capacity - s.seats_taken))) + " · " + option.getAttribute("data-place");
      }
    });
    filter();
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var ticked = picked();
    if (!ticked.length || !select.value) {
      say(form.getAttribute("data-none") || select.labels[0].textContent, true);
      return;
    }
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    var target = parseInt(select.value, 10);
    fetch(form.getAttribute("data-api"), {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "X-CSRFToken": form.querySelector("input[name=csrfmiddlewaretoken]").value
      },
      body: JSON.stringify({entries: ticked.map(function (box) { return parseInt(box.value, 10); }), session: target})
    }).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (body) {
        if (response.ok && body) {
          redraw(body.sessions, body.moved, target);
          say(body.message, false);
        } else {
          say(errorText(body), true);
        }
      });
    }).catch(function () {
      say(form.getAttribute("data-offline"), true);
    }).then(function () {
      button.disabled = false;
    });
  });
})();
