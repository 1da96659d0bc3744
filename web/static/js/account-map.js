/* Accounts layer fed by /api/account-map: points near the ground, server-side clusters above,
   coloured by priority band, filtered by the page's search and filter form (the same filter as
   the list's: a changed filter reloads the page, list and map together).
   Usage: fieldcrmAccountMap(leafletMap, {filters: form, query: "q=…&rep=…", legend: element,
   count: element, countText: {one: "%(n)s …", other: "%(n)s …"}, lang: "fr", onDraw: fn})
   — redraws on every move. */
(function () {
  "use strict";
  var BAND_COLORS = { urgent: "#b91c1c", high: "#ea580c", normal: "#2563eb", low: "#64748b" };
  var NO_BAND = "#9ca3af";
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
      /* the page's search and filters as the page drew its list (options.query): the map
         shows the list's accounts, never what is typed and not sent yet */
      return new URLSearchParams(options.query || "");
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
        var form = new Intl.PluralRules(options.lang || "fr").select(data.total) === "one" ? "one" : "other";
        var n = new Intl.NumberFormat(options.lang || "fr").format(data.total);
        options.count.textContent = (options.countText[form] || options.countText.other).replace("%(n)s", n);
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
      /* a filter picked reloads the page with it (in the address): the list and the map
         show the same accounts, and a reload or a shared link shows them again */
      form.addEventListener("change", function (event) {
        if (event.target && event.target.tagName === "SELECT") { form.submit(); }
      });
    }
    map.on("moveend", refresh);
    refresh();
    return layer;
  };
})();
