/* Dispatch page: lasso selection on the map ticks the accounts it surrounds (lasso.js). */
(function () {
  "use strict";
  var D = window.fieldcrmDispatch;
  var boxes = Array.prototype.slice.call(document.querySelectorAll("input[name=account_ids]"));
  function count() { document.getElementById("selected-count").textContent = boxes.filter(function (b) { return b.checked; }).length; }
  window.fieldcrmLasso({ map: D.map, drawn: D.drawn, points: D.points, boxes: boxes, onChange: count });
  boxes.forEach(function (b) { b.addEventListener("change", count); });
  document.getElementById("select-all").addEventListener("change", function (e) {
    boxes.forEach(function (b) { b.checked = e.target.checked; }); count();
  });
  count();
})();
