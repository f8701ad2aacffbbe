/* The guard's phone pages offline (config/offline.py, config/pwa.py).

   1. The service worker (/sw.js) is registered, so the guard's pages and static files open offline.
   2. Forms marked data-outbox (check-in, checkpoint scan, tip and dispute reports) note the moment
      the button was pressed in their hidden recorded_at field. Sent while the phone is offline, the
      form goes into the outbox (IndexedDB, outbox-store.js) with a fresh idempotency key instead of
      being lost; check-in and scan forms (data-outbox-always) always go through the outbox, so a
      connection that drops halfway loses nothing either.
   3. The outbox is sent when the connection returns (the "online" event, page loads, every 20 s),
      oldest first, with its original time and key and the header X-Outbox: 1: the server answers
      JSON {ok, message, url}. Stored: the item leaves the outbox. Refused (a 400 with its reason):
      it stays, marked, until the guard dismisses it. Not reached, signed out, busy: it stays waiting.
      A resend of something already stored is answered from the idempotency key: never stored twice.
   4. The panel #outbox lists what is still waiting ("Waiting to send (n)") on every guard page.
   Everything is built as DOM nodes, never as HTML strings. */
(function () {
  "use strict";

  var panel = document.getElementById("outbox");
  var store = window.JpoOutbox;
  if (!panel || !store) return;
  var owner = panel.dataset.owner;
  var t = panel.dataset;
  var sending = false;

  if ("serviceWorker" in navigator && panel.dataset.sw) {
    navigator.serviceWorker.register(panel.dataset.sw, { scope: "/" }).catch(function () {
      /* no service worker (plain http, private mode): pages still work online */
    });
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function shortTime(iso) {
    var d = new Date(iso);
    return isNaN(d) ? "" : pad(d.getMonth() + 1) + "-" + pad(d.getDate()) + " " + pad(d.getHours()) + ":" + pad(d.getMinutes());
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function status(text) {
    panel.querySelector("[data-outbox-status]").textContent = text || "";
    if (text) panel.hidden = false;
  }

  function render() {
    return store.all().then(function (items) {
      items = items.filter(function (item) { return item.owner === owner; });
      var waiting = items.filter(function (item) { return item.state === "waiting"; });
      var list = panel.querySelector("[data-outbox-list]");
      while (list.firstChild) list.removeChild(list.firstChild);
      items.forEach(function (item) {
        var li = el("li", "outbox-item outbox-" + item.state);
        li.appendChild(el("strong", "", item.label));
        li.appendChild(el("span", "muted small", " " + t.tRecorded.replace("%s", shortTime(item.recordedAt))));
        if (item.state === "refused") {
          li.appendChild(el("p", "message message-error", t.tRefused + " " + (item.message || "")));
          var dismiss = el("button", "button button-small", t.tDismiss);
          dismiss.type = "button";
          dismiss.addEventListener("click", function () { store.remove(item.key).then(render); });
          li.appendChild(dismiss);
        } else if (item.message) {
          li.appendChild(el("p", "muted small", item.message));
        }
        list.appendChild(li);
      });
      panel.querySelector("[data-outbox-count]").textContent = String(waiting.length);
      panel.querySelector("[data-outbox-send]").hidden = !waiting.length;
      panel.hidden = !items.length && !panel.querySelector("[data-outbox-status]").textContent;
      return waiting.length;
    });
  }

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function body(item) {
    var data = new FormData();
    var token = csrfToken();
    item.fields.forEach(function (pair) {
      if (pair[0] === "csrfmiddlewaretoken" && token) return;
      if (pair[1] instanceof Blob) data.append(pair[0], pair[1], pair[1].name || "upload");
      else data.append(pair[0], pair[1]);
    });
    if (token) data.append("csrfmiddlewaretoken", token);
    return data;
  }

  /* Send one item: resolves to "sent", "refused" or "kept"; rejects when the network failed. */
  function send(item) {
    return fetch(item.url, {
      method: "POST", body: body(item), credentials: "same-origin",
      headers: { "X-Outbox": "1", "Accept": "application/json" }
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      var json = type.indexOf("application/json") === 0 ? response.json() : Promise.resolve(null);
      return json.then(function (answer) {
        if (answer && answer.ok === true) {
          return store.remove(item.key).then(function () { return { state: "sent", item: item, answer: answer }; });
        }
        var final = (answer && answer.ok === false) || [404, 410, 422].indexOf(response.status) !== -1;
        item.state = final ? "refused" : "waiting";
        item.message = final ? ((answer && (answer.message || answer.detail)) || ("HTTP " + response.status))
          : (response.url.indexOf("/accounts/login/") !== -1 ? t.tSignIn : t.tRetry);
        return store.put(item).then(function () { return { state: final ? "refused" : "kept", item: item, answer: answer }; });
      });
    });
  }

  function flush() {
    if (sending || !navigator.onLine) return Promise.resolve([]);
    sending = true;
    var results = [];
    return store.all().then(function (items) {
      var queue = items.filter(function (item) { return item.owner === owner && item.state === "waiting"; });
      return queue.reduce(function (chain, item) {
        return chain.then(function (stop) {
          if (stop) return true;
          return send(item).then(function (result) {
            results.push(result);
            return result.state === "kept";  // signed out or busy: try the rest later
          }, function () { return true; });  // the network failed: stop here
        });
      }, Promise.resolve(false));
    }).then(function () {
      sending = false;
      var sent = results.filter(function (r) { return r.state === "sent"; });
      if (sent.length) status(t.tSent.replace("%s", String(sent.length)) + " " + sent.map(function (r) { return r.answer.message; }).join(" "));
      return render().then(function () { return results; });
    }, function () {
      sending = false;
      return results;
    });
  }

  function fields(form) {
    var pairs = [];
    new FormData(form).forEach(function (value, name) {
      if (value instanceof Blob && !value.size && !value.name) return;  // an empty file input
      pairs.push([name, value]);
    });
    return pairs;
  }

  function release(form) {
    window.setTimeout(function () {
      form.removeAttribute("data-posting");
      delete form.dataset.located;
      form.querySelectorAll("button[type=submit], button:not([type])").forEach(function (button) { button.disabled = false; });
    }, 50);
  }

  /* Put the form into the outbox; when `now` (online), send it at once and follow the answer. */
  function keep(form, now) {
    var title = form.dataset.outboxTitle && form.elements[form.dataset.outboxTitle];
    var pairs = fields(form).filter(function (pair) { return pair[0] !== "idempotency_key"; });
    var item = {
      key: store.newKey(), owner: owner, url: form.action, createdAt: new Date().toISOString(),
      label: form.dataset.outbox + (title && title.value ? ": " + title.value : ""),
      recordedAt: form.elements.recorded_at.value, state: "waiting", message: ""
    };
    pairs.push(["idempotency_key", item.key]);
    item.fields = pairs;
    return store.put(item).then(function () {
      if (form.dataset.draftKey) {
        try { window.localStorage.removeItem("jpo-draft:" + form.dataset.draftKey); } catch (e) { /* no storage */ }
      }
      if (!now) {
        form.reset();
        release(form);
        status(t.tKept);
        return render();
      }
      return render().then(function () {
        return send(item).then(function (result) {
          if (result.state === "sent") window.location.assign(result.answer.url || window.location.href);
          else { release(form); render(); }
        }, function () {
          release(form);
          status(t.tKept);
          render();
        });
      });
    }, function () {
      form.dataset.outboxFailed = "1";  // no IndexedDB: the browser sends it as usual
      HTMLFormElement.prototype.submit.call(form);
    });
  }

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  // Set up once the page's own scripts have set up theirs (patrol.js waits for DOMContentLoaded
  // too, and was loaded first): their submit handlers run before ours.
  ready(function () { document.querySelectorAll("form[data-outbox]").forEach(function (form) {
    var always = form.hasAttribute("data-outbox-always");
    // Before any other handler (the position lookup among them): the moment the guard pressed.
    form.addEventListener("submit", function () {
      form.elements.recorded_at.value = new Date().toISOString();
    }, true);
    // After the page's own handlers: a submit nobody took over goes to the outbox when it must.
    form.addEventListener("submit", function (event) {
      if (event.defaultPrevented || form.dataset.outboxFailed) return;
      if (always || !navigator.onLine) {
        event.preventDefault();
        keep(form, navigator.onLine);
      }
    });
    // patrol.js submits with form.submit() once it has the position (no submit event).
    form.submit = function () {
      if (form.dataset.outboxFailed || !(always || !navigator.onLine)) {
        HTMLFormElement.prototype.submit.call(form);
      } else {
        keep(form, navigator.onLine);
      }
    };
  }); });

  panel.querySelector("[data-outbox-send]").addEventListener("click", flush);
  window.addEventListener("online", function () { status(""); flush(); });
  window.addEventListener("offline", function () { status(t.tOffline); });
  if (!navigator.onLine) status(t.tOffline);
  render().then(function (waiting) { if (waiting) flush(); });
  window.setInterval(function () { if (navigator.onLine) flush(); }, 20000);
})();
