/* Builds the maps that {% leaflet_map %} declares (templates/leaflet/_leaflet_map.html), in place
   of django-leaflet's inline script, which the Content-Security-Policy blocks. Each hidden
   .js-leaflet-map element carries the map's id, django-leaflet's options as JSON, and the name of
   the callback (a function reached from window by a dotted path, e.g. "JPO.pickerMap"). */
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
    if (map) window["leafletmap" + node.dataset.map] = map;
  }

  function buildAll() {
    document.querySelectorAll(".js-leaflet-map").forEach(build);
  }

  if (document.readyState === "complete") buildAll();
  else window.addEventListener("load", buildAll);
})();
