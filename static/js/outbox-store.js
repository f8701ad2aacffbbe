/* The phone's outbox: what a guard did while offline, kept in IndexedDB until it is sent
   (static/js/outbox.js; config/offline.py says what the server does with it). Hand-written, no
   library. One object store "items", keyed by the item's idempotency key:
     {key, owner, url, label, recordedAt, createdAt, fields: [[name, value or File]], state, message}
   state: "waiting" (not sent yet) or "refused" (the office said no: kept until dismissed). */
(function (root) {
  "use strict";

  var DB = "jpo-outbox";
  var STORE = "items";
  var VERSION = 1;

  function open() {
    return new Promise(function (resolve, reject) {
      if (!root.indexedDB) {
        reject(new Error("IndexedDB is not available"));
        return;
      }
      var request = root.indexedDB.open(DB, VERSION);
      request.onupgradeneeded = function () {
        var db = request.result;
        if (!db.objectStoreNames.contains(STORE)) db.createObjectStore(STORE, { keyPath: "key" });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function run(mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode);
        var request = work(tx.objectStore(STORE));
        tx.oncomplete = function () {
          db.close();
          resolve(request ? request.result : undefined);
        };
        tx.onerror = tx.onabort = function () {
          db.close();
          reject(tx.error);
        };
      });
    });
  }

  root.JpoOutbox = {
    put: function (item) { return run("readwrite", function (store) { return store.put(item); }); },
    remove: function (key) { return run("readwrite", function (store) { return store.delete(key); }); },
    all: function () {
      return run("readonly", function (store) { return store.getAll(); }).then(function (items) {
        return (items || []).sort(function (a, b) { return a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0; });
      });
    },
    newKey: function () {
      if (root.crypto && root.crypto.randomUUID) return "outbox-" + root.crypto.randomUUID();
      var bytes = new Uint8Array(16);
      root.crypto.getRandomValues(bytes);
      return "outbox-" + Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
    }
  };
})(self);
