/* Patrol pages: the patrol map (grid cell or route plus checkpoints), the drawing map of the
   planning forms (leaflet.draw writes GeoJSON into a hidden field), and small helpers that only
   improve forms which work without JavaScript: position from the phone on check-in and scan,
   reloading the team when the point changes, a search box over the team, printing. */
(function () {
  "use strict";

  var JPO = (window.JPO = window.JPO || {});
  var COLOURS = { point: "#1d4ed8", visited: "#067647", planned: "#98a2b3", missed: "#b42318" };
  var AREA_STYLE = { color: "#6938ef", weight: 3, opacity: 0.9, fillColor: "#6938ef", fillOpacity: 0.12 };

  function readJSON(id) {
    var node = id && document.getElementById(id);
    if (!node) return null;
    try {
      return JSON.parse(node.textContent);
    } catch (e) {
      return null;
    }
  }

  /* Tooltip content as a text node: Leaflet treats a string as HTML, so data never goes in as one. */
  function textBox(text) {
    var node = document.createElement("span");
    node.textContent = String(text);
    return node;
  }

  function markerLayer(markers) {
    var group = L.featureGroup();
    (Array.isArray(markers) ? markers : []).forEach(function (m) {
      var isPoint = m.kind === "point";
      var marker = L.circleMarker([m.lat, m.lng], {
        radius: isPoint ? 8 : 7, color: "#ffffff", weight: 2, fillColor: COLOURS[m.kind] || COLOURS.planned, fillOpacity: 0.95,
      });
      if (m.label) marker.bindTooltip(textBox(m.label), { direction: "top", offset: [0, -8] });
      group.addLayer(marker);
    });
    return group;
  }

  function fit(map, layers) {
    var bounds = L.latLngBounds([]);
    layers.forEach(function (layer) {
      if (layer.getLayers().length) bounds.extend(layer.getBounds());
    });
    if (!bounds.isValid()) return;
    if (bounds.getNorthEast().equals(bounds.getSouthWest())) map.setView(bounds.getCenter(), 15);
    else map.fitBounds(bounds, { padding: [30, 30], maxZoom: 17 });
  }

  /* Patrol detail: the drawn area and the checkpoints coloured by visit state. */
  JPO.patrolMap = function (map) {
    var box = map.getContainer();
    var area = readJSON(box.dataset.area);
    var shapes = L.featureGroup().addTo(map);
    if (area && area.type) {
      L.geoJSON(area, { style: AREA_STYLE }).eachLayer(function (layer) {
        shapes.addLayer(layer);
      });
    }
    var markers = markerLayer(readJSON(box.dataset.markers)).addTo(map);
    fit(map, [shapes, markers]);
  };

  /* Planning forms: draw one grid cell (polygon/rectangle) or one route (polyline). */
  JPO.drawMap = function (map) {
    var box = map.getContainer();
    var input = document.getElementById(box.dataset.input);
    if (!input || !L.Control.Draw) return;
    var labels = readJSON(box.dataset.labels) || {};
    var local = L.drawLocal;
    if (labels.polygon) local.draw.toolbar.buttons.polygon = labels.polygon;
    if (labels.rectangle) local.draw.toolbar.buttons.rectangle = labels.rectangle;
    if (labels.polyline) local.draw.toolbar.buttons.polyline = labels.polyline;
    if (labels.cancel) local.draw.toolbar.actions.text = labels.cancel;
    if (labels.finish) local.draw.toolbar.finish.text = labels.finish;
    if (labels.undo) local.draw.toolbar.undo.text = labels.undo;
    if (labels.edit) local.edit.toolbar.buttons.edit = labels.edit;
    if (labels.remove) local.edit.toolbar.buttons.remove = labels.remove;
    if (labels.save) local.edit.toolbar.actions.save.text = labels.save;
    if (labels.cancel) local.edit.toolbar.actions.cancel.text = labels.cancel;

    var drawn = L.featureGroup().addTo(map);
    var clear = document.querySelector(".js-clear-area");
    if (input.value) {
      try {
        L.geoJSON(JSON.parse(input.value), { style: AREA_STYLE }).eachLayer(function (layer) {
          drawn.addLayer(layer);
        });
      } catch (e) {
        /* a malformed value stays in the field: the server explains what is wrong with it */
      }
    }
    var reference = markerLayer(readJSON(box.dataset.markers)).addTo(map);
    map.addControl(
      new L.Control.Draw({
        position: "topleft",
        draw: {
          polygon: { allowIntersection: false, showArea: false, shapeOptions: AREA_STYLE },
          rectangle: { showArea: false, shapeOptions: AREA_STYLE },
          polyline: { shapeOptions: AREA_STYLE },
          circle: false,
          marker: false,
          circlemarker: false,
        },
        edit: { featureGroup: drawn },
      })
    );

    function write() {
      var layers = drawn.getLayers();
      input.value = layers.length ? JSON.stringify(layers[0].toGeoJSON().geometry) : "";
      if (clear) clear.hidden = !layers.length;
    }
    map.on(L.Draw.Event.CREATED, function (event) {
      drawn.clearLayers();
      drawn.addLayer(event.layer);
      write();
    });
    map.on(L.Draw.Event.EDITED, write);
    map.on(L.Draw.Event.DELETED, write);
    if (clear) {
      clear.hidden = !drawn.getLayers().length;
      clear.addEventListener("click", function () {
        drawn.clearLayers();
        write();
      });
    }
    fit(map, [drawn, reference]);
  };

  /* Forms marked .js-geo send the phone's position when it gives one, and still submit without. */
  function geoForms() {
    var labels = readJSON("geo-labels") || {};
    document.querySelectorAll("form.js-geo").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (form.dataset.located || !navigator.geolocation) return;
        event.preventDefault();
        var status = document.getElementById(form.dataset.geoStatus);
        var button = form.querySelector("button[type=submit]");
        if (button) button.disabled = true;
        if (status) status.textContent = labels.locating || "…";
        var sent = false;
        function send() {
          if (sent) return;
          sent = true;
          form.dataset.located = "1";
          form.submit();
        }
        navigator.geolocation.getCurrentPosition(
          function (position) {
            form.querySelector("[name=latitude]").value = position.coords.latitude.toFixed(6);
            form.querySelector("[name=longitude]").value = position.coords.longitude.toFixed(6);
            var accuracy = form.querySelector("[name=accuracy]");
            if (accuracy && isFinite(position.coords.accuracy)) accuracy.value = Math.round(position.coords.accuracy);
            send();
          },
          function () {
            if (status) status.textContent = labels.none || "";
            send();
          },
          { enableHighAccuracy: true, timeout: 8000, maximumAge: 60000 }
        );
        window.setTimeout(send, 10000);
      });
    });
  }

  /* Check-in forms (.js-window) follow their window while the page stays open: the button is
     enabled once it opens and disabled once it closes (the server enforces the same window). */
  function windowForms() {
    var forms = document.querySelectorAll("form.js-window");
    if (!forms.length) return;
    function update() {
      var now = Date.now();
      forms.forEach(function (form) {
        var opens = Date.parse(form.dataset.opens);
        var closes = Date.parse(form.dataset.closes);
        var button = form.querySelector("button[type=submit]");
        if (!button || form.dataset.located || isNaN(opens) || isNaN(closes)) return;
        var open = now >= opens && now <= closes;
        button.disabled = !open;
        button.classList.toggle("button-primary", open);
      });
    }
    update();
    window.setInterval(update, 20000);
  }

  /* Planning forms: choosing a point reloads its guards and checkpoints (the button does it
     without JavaScript); a search box narrows the team list; a lead guard is on the team. */
  function planningForms() {
    document.querySelectorAll("form").forEach(function (form) {
      var refresh = form.querySelector(".js-refresh");
      var select = form.querySelector("select[name=liaison_point]");
      if (refresh && select && form.requestSubmit) {
        select.addEventListener("change", function () {
          form.requestSubmit(refresh);
        });
      }
    });
    document.querySelectorAll(".team").forEach(function (team) {
      var search = team.querySelector(".team-search");
      var rows = team.querySelectorAll(".team-row");
      if (search && rows.length > 8) {
        search.hidden = false;
        search.addEventListener("input", function () {
          var term = search.value.trim().toLowerCase();
          rows.forEach(function (row) {
            row.hidden = term && row.dataset.search.toLowerCase().indexOf(term) === -1;
          });
        });
      }
      team.addEventListener("change", function (event) {
        var box = event.target;
        if (box.name === "lead_guards" && box.checked) {
          var member = team.querySelector("input[name=guards][value='" + box.value + "']");
          if (member) member.checked = true;
        }
      });
    });
  }

  function printButtons() {
    document.querySelectorAll(".js-print").forEach(function (button) {
      button.addEventListener("click", function () {
        window.print();
      });
    });
  }

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  ready(function () {
    geoForms();
    windowForms();
    planningForms();
    printButtons();
  });
})();
