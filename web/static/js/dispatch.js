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
  // nothing ticked: say so beside the button (not below the map, off a phone's screen)
  var form = document.getElementById("assign-form");
  form.addEventListener("submit", function (e) {
    if (boxes.some(function (b) { return b.checked; })) { return; }
    e.preventDefault();
    var error = document.getElementById("assign-error");
    if (!error) {
      error = document.createElement("p");
      error.className = "error"; error.id = "assign-error"; error.setAttribute("role", "alert");
      form.querySelector(".actions").insertAdjacentElement("afterend", error);
    }
    error.textContent = form.dataset.nothing;
    var button = document.getElementById("assign-selected");
    button.setAttribute("aria-describedby", "assign-error");
    error.scrollIntoView({ block: "center" });
    button.focus({ preventScroll: true });
  });
})();
