/* A lasso on a map ticks the checkboxes of the accounts it surrounds.
   Usage: fieldcrmLasso({ map, drawn, points: {id: [lon, lat]}, boxes: [<input>], onChange }). */
(function () {
  "use strict";
  /* Ray casting on one ring of [lon, lat] pairs. */
  function inside(pt, ring) {
    var hit = false;
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      var xi = ring[i][0], yi = ring[i][1], xj = ring[j][0], yj = ring[j][1];
      if ((yi > pt[1]) !== (yj > pt[1]) && pt[0] < (xj - xi) * (pt[1] - yi) / (yj - yi) + xi) { hit = !hit; }
    }
    return hit;
  }
  window.fieldcrmLasso = function (o) {
    o.map.on(L.Draw.Event.CREATED, function (e) {
      o.drawn.clearLayers(); o.drawn.addLayer(e.layer);
      var ring = e.layer.toGeoJSON().geometry.coordinates[0];
      o.boxes.forEach(function (b) { var p = o.points[b.value]; if (p && inside(p, ring)) { b.checked = true; } });
      if (o.onChange) { o.onChange(); }
    });
  };
})();
