/* Accounts layer fed by /api/account-map: points near the ground, server-side clusters above,
   coloured by priority band, filtered by a form of the page.
   Usage: fieldcrmAccountMap(leafletMap, {filters: form, legend: element, count: element,
   countText: "%(n)s …", onDraw: fn}) — redraws on every move and every filter change. */
(function () {
  "use strict";
  var BAND_COLORS = { urgent: "#b91c1c", high: "#ea580c", normal: "#2563eb", low: "#64748b" };
  var NO_BAND = "#9ca3af";
  var FILTERS = ["rep", "territory", "band", "kind", "qualification", "sector", "not_visited_days"];
  function bandColor(band) { return BAND_COLORS[band] || NO_BAND; }
  window.fieldcrmAccountMap = function (map, options) {
    options = options || {};
    var layer = L.layerGroup().addTo(map), pending = null, form = options.filters;
    if (options.legend) {
      Array.prototype.forEach.call(options.legend.querySelectorAll("[data-band] .swatch"), function (swatch) {
        swatch.style.background = bandColor(swatch.parentNode.getAttribute("data-band"));
      });
      var legend = L.control({ position: "bottomleft" });
      legend.onAdd = function () { options.legend.hidden = false; L.DomEvent.disableClickPropagation(options.legend); return options.legend; };
      legend.addTo(map);
    }
    function query() {
      var params = new URLSearchParams();
      if (form) {
        FILTERS.forEach(function (name) {
          var field = form.elements[name];
          if (field && field.value !== "") { params.set(name, field.value); }
        });
      }
      return params;
    }
    function draw(data) {
      layer.clearLayers();
      data.clusters.forEach(function (c) {
        var size = Math.min(60, 22 + 6 * Math.log10(c.count));
        L.marker([c.lat, c.lon], { icon: L.divIcon({ className: "fc-cluster",
          html: "<span>" + c.count + "</span>", iconSize: [size, size] }) })
          .on("click", function () { map.setView([c.lat, c.lon], map.getZoom() + 2); })
          .addTo(layer);
      });
      data.points.forEach(function (p) {
        var link = document.createElement("a");
        link.href = "/comptes/" + p.id; link.textContent = p.name;
        var tip = document.createElement("span"); tip.textContent = p.name;  /* text, never HTML */
        var color = bandColor(p.priority_band);
        L.circleMarker([p.lat, p.lon], { radius: 7, color: color, weight: 2, fillColor: color,
          fillOpacity: p.kind === "client" ? 0.9 : 0.3, className: "fc-account band-" + (p.priority_band || "none") })
          .bindPopup(link).bindTooltip(tip).addTo(layer);
      });
      var container = map.getContainer();
      container.dataset.accounts = String(data.total);
      container.dataset.points = String(data.points.length);
      if (options.count && options.countText) {
        options.count.textContent = options.countText.replace("%(n)s", String(data.total));
      }
      if (options.onDraw) { options.onDraw(data); }
    }
    function refresh() {
      var b = map.getBounds();
      var bbox = [Math.max(-180, b.getWest()), Math.max(-90, b.getSouth()), Math.min(180, b.getEast()), Math.min(90, b.getNorth())]
        .map(function (v) { return v.toFixed(5); }).join(",");
      var params = query(); params.set("bbox", bbox);
      if (pending) { pending.abort(); }
      pending = new AbortController();
      map.getContainer().dataset.loading = "true";
      fetch("/api/account-map?" + params.toString(), { credentials: "same-origin", signal: pending.signal })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) { if (data) { draw(data); delete map.getContainer().dataset.loading; } })
        .catch(function () {});
    }
    if (form) {
      /* the filters live in the address too: a reload or a shared link shows the same map */
      var initial = new URLSearchParams(window.location.search);
      FILTERS.forEach(function (name) {
        var field = form.elements[name];
        if (field && initial.has(name)) { field.value = initial.get(name); }
      });
      function changed() {
        var url = new URLSearchParams(window.location.search);
        FILTERS.forEach(function (name) { url.delete(name); });
        query().forEach(function (value, name) { url.set(name, value); });
        var search = url.toString();
        window.history.replaceState(null, "", window.location.pathname + (search ? "?" + search : ""));
        refresh();
      }
      form.addEventListener("change", changed);
      form.addEventListener("reset", function () { window.setTimeout(changed, 0); });
      form.addEventListener("submit", function (event) { event.preventDefault(); changed(); });
    }
    map.on("moveend", refresh);
    refresh();
    return layer;
  };
})();
