/* Maps of the Joint Patrol Office pages. django-leaflet's {% leaflet_map %} calls these by name
   (callback="JPO.dashboardMap" etc.) once Leaflet has built the map; each reads what it needs
   from data- attributes of the map's container and from <script type="application/json"> blocks.
   Markers are circle markers, so they draw without images and without tiles (closed intranets). */
(function () {
  "use strict";

  var JPO = (window.JPO = window.JPO || {});
  var KIND_COLOURS = { central: "#b42318", post: "#1d4ed8", unit: "#0e9384", guard: "#6938ef", pick: "#e62e05" };

  function readJSON(id) {
    var node = id && document.getElementById(id);
    if (!node) return {};
    try {
      return JSON.parse(node.textContent);
    } catch (e) {
      return {};
    }
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  /* Tooltip content as a text node: Leaflet treats a string as HTML, so data never goes in as one. */
  function textBox(text) {
    return el("span", "map-tooltip-text", text);
  }
  JPO.textBox = textBox;

  function markerStyle(kind, active) {
    return {
      radius: kind === "guard" ? 6 : 8,
      color: "#ffffff",
      weight: 2,
      fillColor: active === false ? "#98a2b3" : KIND_COLOURS[kind] || KIND_COLOURS.post,
      fillOpacity: 0.95,
    };
  }

  function pick(obj, names) {
    for (var i = 0; i < names.length; i++) {
      var path = names[i].split("."), value = obj;
      for (var j = 0; j < path.length && value !== undefined && value !== null; j++) value = value[path[j]];
      if (value !== undefined && value !== null && value !== "") return value;
    }
    return null;
  }

  /* The popup of a liaison point, built as DOM nodes (never as HTML from data). */
  function pointPopup(p, labels) {
    var box = el("div", "map-popup");
    var title = el("div", "map-popup-title");
    if (p.url) {
      var link = el("a", null, p.name);
      link.href = p.url;
      title.appendChild(link);
    } else {
      title.textContent = p.name || "";
    }
    box.appendChild(title);
    var meta = [p.code, pick(p, ["township_name", "township.name", "township"])].filter(Boolean).join(" · ");
    if (meta) box.appendChild(el("div", "map-popup-meta", meta));
    var officer = pick(p, ["officer_name", "officer.name", "responsible_officer_name", "responsible_officer.name"]);
    var phone = pick(p, ["officer_phone", "officer.phone", "responsible_officer_phone", "responsible_officer.phone"]);
    var line = el("div", null, (labels.officer || "Officer") + ": ");
    line.appendChild(document.createTextNode(officer || "—"));
    if (phone) {
      line.appendChild(document.createTextNode(" · "));
      var tel = el("a", null, phone);
      tel.href = "tel:" + String(phone).replace(/[^0-9+]/g, "");
      line.appendChild(tel);
    }
    box.appendChild(line);
    var count = pick(p, ["guard_count"]);
    box.appendChild(el("div", null, (labels.guards || "Guards") + ": " + (count === null ? 0 : count)));
    if (p.active === false) box.appendChild(el("div", "map-popup-closed", labels.closed || "Closed"));
    if (p.url) {
      var open = el("a", "map-popup-open", (labels.open || "Open") + " ›");
      open.href = p.url;
      box.appendChild(open);
    }
    return box;
  }

  function setStatus(box, text, isError) {
    var status = box.dataset.status && document.getElementById(box.dataset.status);
    if (!status) return;
    status.textContent = text;
    status.classList.toggle("is-error", !!isError);
  }

  /* Dashboard: every liaison point from the GeoJSON API, coloured by kind. */
  JPO.dashboardMap = function (map) {
    var box = map.getContainer();
    var labels = readJSON(box.dataset.labels);
    setStatus(box, labels.loading || "…");
    fetch(box.dataset.geojsonUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (data) {
        var collection = data && data.type === "FeatureCollection" ? data : (data && data.results) || data;
        var layer = L.geoJSON(collection, {
          pointToLayer: function (feature, latlng) {
            var p = feature.properties || {};
            return L.circleMarker(latlng, markerStyle(p.kind, p.active));
          },
          onEachFeature: function (feature, marker) {
            marker.bindPopup(pointPopup(feature.properties || {}, labels));
            if (feature.properties && feature.properties.name) marker.bindTooltip(textBox(feature.properties.name));
          },
        }).addTo(map);
        var n = layer.getLayers().length;
        if (n) map.fitBounds(layer.getBounds(), { padding: [28, 28], maxZoom: 14 });
        setStatus(box, (labels.count || "%(n)s").replace("%(n)s", n));
      })
      .catch(function () {
        setStatus(box, labels.failed || "The map data could not be loaded.", true);
      });
  };

  /* Detail pages: a few fixed markers given as JSON: [{lat, lng, label, kind, active}]. */
  JPO.markersMap = function (map) {
    var box = map.getContainer();
    var markers = readJSON(box.dataset.markers);
    if (!Array.isArray(markers) || !markers.length) return;
    var group = L.featureGroup();
    markers.forEach(function (m) {
      var marker = L.circleMarker([m.lat, m.lng], markerStyle(m.kind, m.active));
      if (m.label) marker.bindTooltip(textBox(m.label), { permanent: markers.length > 1, direction: "top", offset: [0, -8] });
      group.addLayer(marker);
    });
    group.addTo(map);
    if (markers.length === 1) map.setView([markers[0].lat, markers[0].lng], 15);
    else map.fitBounds(group.getBounds(), { padding: [40, 40], maxZoom: 16 });
  };

  /* Forms: clicking the map writes latitude/longitude into the form's inputs; typing moves the marker. */
  JPO.pickerMap = function (map) {
    var box = map.getContainer();
    var latInput = document.getElementById(box.dataset.latInput);
    var lngInput = document.getElementById(box.dataset.lngInput);
    if (!latInput || !lngInput) return;
    var marker = null;

    function current() {
      var lat = parseFloat(latInput.value), lng = parseFloat(lngInput.value);
      if (isNaN(lat) || isNaN(lng) || Math.abs(lat) > 90 || Math.abs(lng) > 180) return null;
      return L.latLng(lat, lng);
    }

    function place(latlng) {
      if (!latlng) return;
      if (marker) marker.setLatLng(latlng);
      else marker = L.circleMarker(latlng, markerStyle("pick")).addTo(map);
    }

    var start = current();
    if (start) {
      place(start);
      map.setView(start, 15);
    }
    // The active liaison points, for orientation (and to frame the county when nothing is set yet).
    if (box.dataset.geojsonUrl && window.fetch) {
      fetch(box.dataset.geojsonUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          return response.ok ? response.json() : null;
        })
        .then(function (data) {
          if (!data || !data.features) return;
          var layer = L.geoJSON(data, {
            pointToLayer: function (feature, latlng) {
              var p = feature.properties || {};
              var style = markerStyle(p.kind, p.active);
              style.radius = 5;
              style.fillOpacity = 0.6;
              return L.circleMarker(latlng, style);
            },
            onEachFeature: function (feature, marker) {
              if (feature.properties && feature.properties.name) marker.bindTooltip(textBox(feature.properties.name));
            },
          }).addTo(map);
          if (marker) marker.bringToFront();
          if (!current() && layer.getLayers().length) map.fitBounds(layer.getBounds(), { padding: [20, 20], maxZoom: 14 });
        })
        .catch(function () {});
    }
    map.on("click", function (event) {
      var latlng = event.latlng.wrap();
      latInput.value = latlng.lat.toFixed(6);
      lngInput.value = latlng.lng.toFixed(6);
      place(latlng);
      [latInput, lngInput].forEach(function (input) {
        input.dispatchEvent(new Event("change", { bubbles: true }));
      });
    });
    function onType() {
      var latlng = current();
      if (latlng) {
        place(latlng);
        map.panTo(latlng);
      }
    }
    latInput.addEventListener("input", onType);
    lngInput.addEventListener("input", onType);
  };
})();
