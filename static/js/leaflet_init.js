/* Builds the maps that {% leaflet_map %} declares (templates/leaflet/_leaflet_map.html), in place
   of django-leaflet's inline script, which the Content-Security-Policy blocks. Each hidden
   .js-leaflet-map element carries the map's id, django-leaflet's options as JSON, and the name of
   the callback (a function reached from window by a dotted path, e.g. "JPO.pickerMap").
   Every map also draws the township and zone outlines (data-outlines-url, a GeoJSON endpoint sent
   with an ETag, so the browser revalidates it for nothing) beneath its markers. A map without a
   tile layer (settings.MAP_TILES_URL empty, the default: nothing is fetched from a tile host), or
   one whose tile fails to load (an intranet without a tile server), is marked .map-no-tiles, which
   shows the outlines' labels, so markers keep their context on a blank background. */
(function () {
  "use strict";

  function resolve(path) {
    if (!path || !/^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/.test(path)) return null;
    var value = window;
    path.split(".").forEach(function (part) {
      value = value !== null && value !== undefined && part in Object(value) ? value[part] : undefined;
    });
    return typeof value === "function" ? value : null;
  }

  function build(node) {
    var options;
    try {
      options = JSON.parse(node.dataset.options);
    } catch (e) {
      return;
    }
    if (!window.L || !L.Map.djangoMap || !document.getElementById(node.dataset.map)) return;
    var map = L.Map.djangoMap(node.dataset.map, {
      djoptions: options,
      initfunc: null,
      globals: true,
      callback: resolve(node.dataset.callback),
    });
    if (!map) return;
    window["leafletmap" + node.dataset.map] = map;
    watchTiles(map);
    if (node.dataset.outlinesUrl) drawOutlines(map, node.dataset.outlinesUrl);
  }

  /* A tile that fails to load marks the map as having no tiles (.map-no-tiles shows the labels). */
  function watchTiles(map) {
    var container = map.getContainer();
    var hasTiles = false;
    map.eachLayer(function (layer) {
      if (!(layer instanceof L.TileLayer)) return;
      hasTiles = true;
      layer.on("tileerror", function () {
        container.classList.add("map-no-tiles");
      });
    });
    if (!hasTiles) container.classList.add("map-no-tiles");
  }

  var OUTLINE_STYLES = {
    township: { color: "#475467", weight: 1.5, dashArray: "6 4", fillColor: "#98a2b3", fillOpacity: 0.06 },
    zone: { color: "#0e9384", weight: 2, fillColor: "#0e9384", fillOpacity: 0.08 },
  };

  function labelIcon(kind, name) {
    var span = document.createElement("span");
    span.className = "map-outline-label-text";
    span.textContent = name || "";
    return L.divIcon({ className: "map-outline-label map-outline-label-" + kind, html: span, iconSize: null });
  }

  /* Township and zone outlines in their own panes between the tiles (200) and the markers (400). */
  function drawOutlines(map, url) {
    if (!window.fetch) return;
    if (!map.getPane("outlines")) {
      map.createPane("outlines").style.zIndex = 250;
      map.createPane("outlineLabels").style.zIndex = 260;
      map.getPane("outlines").style.pointerEvents = "none";
      map.getPane("outlineLabels").style.pointerEvents = "none";
    }
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (!data || !Array.isArray(data.features)) return;
        var shapes = L.geoJSON(data, {
          pane: "outlines",
          interactive: false,
          style: function (feature) {
            return OUTLINE_STYLES[(feature.properties || {}).kind] || OUTLINE_STYLES.township;
          },
        });
        shapes.addTo(map);
        data.features.forEach(function (feature) {
          var p = feature.properties || {};
          if (!Array.isArray(p.label) || p.label.length !== 2) return;
          L.marker(p.label, { icon: labelIcon(p.kind, p.name), pane: "outlineLabels", interactive: false, keyboard: false }).addTo(map);
        });
        map.getContainer().classList.add("map-has-outlines");
      })
      .catch(function () {});
  }

  function buildAll() {
    document.querySelectorAll(".js-leaflet-map").forEach(build);
  }

  if (document.readyState === "complete") buildAll();
  else window.addEventListener("load", buildAll);
})();
