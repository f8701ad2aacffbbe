/* Disputes and tips pages.
   1. Drafts: a form with data-draft-key keeps what was typed in localStorage, so a submit lost to a
      flaky connection costs nothing: reopening the page restores it (only into empty fields, so a
      form the server re-rendered with errors keeps the server's values). A detail page reached with
      ?sent=<key> (the redirect after a successful save) forgets the draft.
   2. "Use my position": fills latitude/longitude from the phone's GPS.
   3. Duplicate suggestions: on the officer's intake form, open disputes near the position typed.
   Everything is built as DOM nodes from data, never as HTML strings. */
(function () {
  "use strict";

  var PREFIX = "jpo-draft:";

  function storage() {
    try {
      var s = window.localStorage, probe = PREFIX + "probe";
      s.setItem(probe, "1");
      s.removeItem(probe);
      return s;
    } catch (e) {
      return null; // private mode or disabled: drafts simply are not kept
    }
  }

  function draftFields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      if (!el.name || el.name === "csrfmiddlewaretoken" || el.disabled) return false;
      return ["file", "submit", "button", "hidden", "password"].indexOf(el.type) === -1;
    });
  }

  function setupDraft(form, store) {
    var key = PREFIX + form.dataset.draftKey;
    var saved = null;
    try {
      saved = JSON.parse(store.getItem(key) || "null");
    } catch (e) {
      saved = null;
    }
    var restored = false;
    if (saved && typeof saved === "object") {
      draftFields(form).forEach(function (el) {
        if (!(el.name in saved)) return;
        if (el.type === "checkbox") return;
        var isEmpty = el.tagName === "SELECT" ? el.selectedIndex <= 0 : !el.value;
        if (isEmpty && saved[el.name]) {
          el.value = saved[el.name];
          restored = true;
        }
      });
    }
    var notice = form.querySelector("[data-draft-notice]");
    if (restored && notice) notice.hidden = false;

    function save() {
      var data = {};
      draftFields(form).forEach(function (el) {
        if (el.type !== "checkbox") data[el.name] = el.value;
      });
      data._savedAt = new Date().toISOString();
      try {
        store.setItem(key, JSON.stringify(data));
      } catch (e) {
        /* quota: ignore */
      }
    }
    form.addEventListener("input", save);
    form.addEventListener("change", save);
    form.addEventListener("submit", save);
  }

  function forgetSentDraft(store) {
    var match = /[?&]sent=([\w-]+)/.exec(window.location.search);
    if (match) store.removeItem(PREFIX + match[1]);
  }

  function setupLocate(button) {
    var lat = document.getElementById(button.dataset.latInput);
    var lng = document.getElementById(button.dataset.lngInput);
    var status = document.getElementById(button.dataset.status);
    var labels = document.querySelector("[data-locate-labels]") || { dataset: {} };
    if (!lat || !lng) return;
    if (!("geolocation" in navigator)) {
      button.hidden = true;
      return;
    }
    button.addEventListener("click", function () {
      if (status) status.textContent = labels.dataset.busy || "…";
      navigator.geolocation.getCurrentPosition(
        function (pos) {
          lat.value = pos.coords.latitude.toFixed(6);
          lng.value = pos.coords.longitude.toFixed(6);
          [lat, lng].forEach(function (el) {
            el.dispatchEvent(new Event("change", { bubbles: true }));
          });
          if (status) status.textContent = labels.dataset.done || "";
        },
        function () {
          if (status) status.textContent = labels.dataset.failed || "";
        },
        { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
      );
    });
  }

  function setupNearby(form) {
    var box = document.getElementById(form.dataset.nearbyTarget);
    var lat = form.elements.latitude, lng = form.elements.longitude;
    if (!box || !lat || !lng) return;
    var list = box.querySelector("ul");
    var timer = null;

    function render(rows) {
      while (list.firstChild) list.removeChild(list.firstChild);
      rows.forEach(function (row) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        a.href = row.url || "#";
        a.target = "_blank";
        a.rel = "noopener";
        a.textContent = "#" + row.id + " " + row.title;
        li.appendChild(a);
        li.appendChild(document.createTextNode(" · " + row.place + " · " + row.distance_m + " m"));
        list.appendChild(li);
      });
      box.hidden = rows.length === 0;
    }

    function lookup() {
      var la = parseFloat(lat.value), ln = parseFloat(lng.value);
      if (isNaN(la) || isNaN(ln)) return render([]);
      var url = form.dataset.nearbyUrl + "?latitude=" + encodeURIComponent(la.toFixed(6)) + "&longitude=" + encodeURIComponent(ln.toFixed(6));
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) {
          return r.ok ? r.json() : [];
        })
        .then(function (rows) {
          render(Array.isArray(rows) ? rows : []);
        })
        .catch(function () {
          render([]);
        });
    }

    function schedule() {
      clearTimeout(timer);
      timer = setTimeout(lookup, 400);
    }
    lat.addEventListener("input", schedule);
    lng.addEventListener("input", schedule);
    lat.addEventListener("change", schedule);
    lng.addEventListener("change", schedule);
    if (lat.value && lng.value) schedule();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var store = storage();
    if (store) {
      forgetSentDraft(store);
      document.querySelectorAll("form[data-draft-key]").forEach(function (form) {
        setupDraft(form, store);
      });
    }
    document.querySelectorAll("[data-locate]").forEach(setupLocate);
    document.querySelectorAll("form[data-nearby-url]").forEach(setupNearby);
  });
})();
