/* Accounts layer fed by /api/account-map: points near the ground, server-side clusters above.
   Usage: fieldcrmAccountMap(leafletMap) — redraws on every move. */
(function () {
  "use strict";
  var COLORS = { client: "#2563eb", prospect: "#f59e0b" };
  window.fieldcrmAccountMap = function (map, options) {
    options = options || {};
    var layer = L.layerGroup().addTo(map), pending = null;
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
        L.circleMarker([p.lat, p.lon], { radius: 7, color: COLORS[p.kind] || "#2563eb", fillOpacity: 0.85 })
          .bindPopup(link).bindTooltip(tip).addTo(layer);
      });
      map.getContainer().dataset.accounts = String(data.total);
      if (options.onDraw) { options.onDraw(data); }
    }
    function refresh() {
      var b = map.getBounds();
      var bbox = [Math.max(-180, b.getWest()), Math.max(-90, b.getSouth()), Math.min(180, b.getEast()), Math.min(90, b.getNorth())]
        .map(function (v) { return v.toFixed(5); }).join(",");
      if (pending) { pending.abort(); }
      pending = new AbortController();
      fetch("/api/account-map?bbox=" + bbox, { credentials: "same-origin", signal: pending.signal })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) { if (data) { draw(data); } })
        .catch(function () {});
    }
    map.on("moveend", refresh);
    refresh();
    return layer;
  };
})();
