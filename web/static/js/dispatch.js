/* Dispatch page: lasso selection on the map ticks the accounts it surrounds. */
(function () {
  "use strict";
  var D = window.fieldcrmDispatch;
  var boxes = Array.prototype.slice.call(document.querySelectorAll("input[name=account_ids]"));
  function count() { document.getElementById("selected-count").textContent = boxes.filter(function (b) { return b.checked; }).length; }
  /* Ray casting on one ring of [lon, lat] pairs. */
  function inside(pt, ring) {
    var hit = false;
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      var xi = ring[i][0], yi = ring[i][1], xj = ring[j][0], yj = ring[j][1];
      if ((yi > pt[1]) !== (yj > pt[1]) && pt[0] < (xj - xi) * (pt[1] - yi) / (yj - yi) + xi) { hit = !hit; }
    }
    return hit;
  }
  D.map.on(L.Draw.Event.CREATED, function (e) {
    D.drawn.clearLayers(); D.drawn.addLayer(e.layer);
    var ring = e.layer.toGeoJSON().geometry.coordinates[0];
    boxes.forEach(function (b) { var p = D.points[b.value]; if (p && inside(p, ring)) { b.checked = true; } });
    count();
  });
  boxes.forEach(function (b) { b.addEventListener("change", count); });
  document.getElementById("select-all").addEventListener("change", function (e) {
    boxes.forEach(function (b) { b.checked = e.target.checked; }); count();
  });
  count();
})();
