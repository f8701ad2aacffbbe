{% load i18n %}/* The guard pages' service worker (config/pwa.py renders it at /sw.js, scope "/").
   - Static files: from the cache first (their URLs change with their contents), kept on install.
   - The guard's own pages: from the network, a copy kept for when the phone is offline.
   - Signing in or out empties the kept pages (another person may use the phone next).
   Nothing else is touched: other pages, the API and every POST go to the network as usual. */
"use strict";

var VERSION = "__VERSION__";
var SHELL = "jpo-shell-" + VERSION;
var PAGES = "jpo-pages";
var STATIC_PREFIX = "{{ static_prefix|escapejs }}";
var STATIC_URLS = [{% for url in static_urls %}"{{ url|escapejs }}"{% if not forloop.last %}, {% endif %}{% endfor %}];
var START_PAGES = [{% for url in start_pages %}"{{ url|escapejs }}"{% if not forloop.last %}, {% endif %}{% endfor %}];
var PAGE_PATTERNS = [{% for pattern in page_patterns %}new RegExp("{{ pattern|escapejs }}"){% if not forloop.last %}, {% endif %}{% endfor %}];
var SESSION_CHANGES = ["{{ login_url|escapejs }}", "{{ logout_url|escapejs }}"];
var OFFLINE_TITLE = "{% filter escapejs %}{% translate 'Offline' %}{% endfilter %}";
var OFFLINE_TEXT = "{% filter escapejs %}{% translate 'This phone is offline and this page was not kept on it. Open “My patrols” or a report form: they work offline.' %}{% endfilter %}";

function keepAll(cacheName, urls) {
  return caches.open(cacheName).then(function (cache) {
    return Promise.all(urls.map(function (url) {
      // X-Offline-Prefetch: the page leaves the guard's pending messages for the next real page.
      return fetch(url, { credentials: "same-origin", headers: { "X-Offline-Prefetch": "1" } }).then(function (response) {
        if (response.ok && !response.redirected) return cache.put(url, response);
      }).catch(function () { /* kept the next time it is opened */ });
    }));
  });
}

self.addEventListener("install", function (event) {
  event.waitUntil(Promise.all([keepAll(SHELL, STATIC_URLS), keepAll(PAGES, START_PAGES)]).then(function () {
    return self.skipWaiting();
  }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("jpo-shell-") === 0 && name !== SHELL;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

function isGuardPage(path) {
  return PAGE_PATTERNS.some(function (pattern) { return pattern.test(path); });
}

function offlinePage() {
  var lang = "{{ LANGUAGE_CODE|default:'zh-hans'|escapejs }}";
  var html = "<!doctype html><html lang=\"" + lang + "\"><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    + "<title>" + OFFLINE_TITLE + "</title><h1>" + OFFLINE_TITLE + "</h1><p>" + OFFLINE_TEXT + "</p><p><a href=\"" + START_PAGES[0] + "\">" + START_PAGES[0] + "</a></p>";
  return new Response(html, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST" && SESSION_CHANGES.indexOf(url.pathname) !== -1) {
    caches.delete(PAGES);  // signing in or out: the kept pages were someone's own
    return;
  }
  if (request.method !== "GET") return;
  if (url.pathname.indexOf(STATIC_PREFIX) === 0) {
    event.respondWith(caches.open(SHELL).then(function (cache) {
      return cache.match(request).then(function (kept) {
        return kept || fetch(request).then(function (response) {
          if (response.ok) cache.put(request, response.clone());
          return response;
        });
      });
    }));
    return;
  }
  if (request.mode === "navigate" && isGuardPage(url.pathname)) {
    event.respondWith(fetch(request).then(function (response) {
      if (response.ok && !response.redirected && response.type === "basic") {
        var copy = response.clone();
        caches.open(PAGES).then(function (cache) { return cache.put(url.pathname + url.search, copy); });
      }
      return response;
    }).catch(function () {
      return caches.open(PAGES).then(function (cache) {
        return cache.match(url.pathname + url.search).then(function (kept) {
          return kept || cache.match(url.pathname) || offlinePage();
        });
      });
    }));
  }
});
