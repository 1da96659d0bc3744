/* Territories page: save drawn or edited polygons through the JSON API. */
(function () {
  "use strict";
  var T = window.fieldcrmTerritories, editingId = null, editing = null, editingTag = null;
  var status = document.getElementById("t-status");
  function say(text, bad) { status.textContent = text; status.className = bad ? "error" : "ok"; }
  function geometry() {
    var polygons = [];
    T.drawn.eachLayer(function (layer) {
      var g = layer.toGeoJSON().geometry;
      if (g.type === "Polygon") { polygons.push(g.coordinates); }
      if (g.type === "MultiPolygon") { polygons = polygons.concat(g.coordinates); }
    });
    if (!polygons.length) { return null; }
    return polygons.length === 1 ? { type: "Polygon", coordinates: polygons[0] } : { type: "MultiPolygon", coordinates: polygons };
  }
  T.map.on(L.Draw.Event.CREATED, function (e) { T.drawn.addLayer(e.layer); });
  document.querySelectorAll(".edit-shape").forEach(function (button) {
    button.addEventListener("click", function () {
      T.drawn.clearLayers();
      editingId = Number(button.dataset.id);
      /* the version of the outline the page shows (read with it): a save after someone
         else's edit is refused (409), not lost; the API refuses a retouch without it (428) */
      editingTag = '"' + button.dataset.version + '"';
      L.geoJSON(T.geometries[editingId]).eachLayer(function (layer) {
        /* Leaflet.draw edits plain polygons: split multipolygons into their parts. */
        var latlngs = layer.getLatLngs();
        (layer instanceof L.Polygon && Array.isArray(latlngs[0][0]) ? latlngs : [latlngs]).forEach(function (part) {
          T.drawn.addLayer(L.polygon(part));
        });
      });
      /* keep every attribute: the form starts from the territory's rep and priority */
      document.getElementById("t-name").value = button.dataset.name;
      document.getElementById("t-rep").value = button.dataset.rep || "";
      document.getElementById("t-priority").value = button.dataset.priority || "0";
      document.getElementById("t-overlay").checked = button.dataset.overlay === "true";
      editing = { rep: document.getElementById("t-rep").value, priority: document.getElementById("t-priority").value,
                  overlay: document.getElementById("t-overlay").checked };
      T.map.fitBounds(T.drawn.getBounds());
    });
  });
  document.getElementById("t-clear").addEventListener("click", function () {
    T.drawn.clearLayers(); editingId = null; editing = null; editingTag = null;
    document.getElementById("t-rep").value = ""; document.getElementById("t-priority").value = "0";
    document.getElementById("t-overlay").checked = false;
  });
  document.getElementById("t-save").addEventListener("click", async function () {
    var g = geometry(), name = document.getElementById("t-name").value.trim();
    if (!g) { return say(T.messages.nothing, true); }
    if (!name) { return say(T.messages.name, true); }
    var rep = document.getElementById("t-rep").value, priority = document.getElementById("t-priority").value || "0";
    var body = { name: name, geometry: g };
    /* a retouch sends only what the user changed: a rep the list cannot show is kept */
    if (!editing || rep !== editing.rep) { body.rep_id = rep ? Number(rep) : null; }
    if (!editing || priority !== editing.priority) { body.priority = Number(priority); }
    var overlay = document.getElementById("t-overlay").checked;
    if (!editing || overlay !== editing.overlay) { body.overlay = overlay; }
    var headers = { "Content-Type": "application/json" };
    if (editingId && editingTag) { headers["If-Match"] = editingTag; }
    var response = await fetch(editingId ? "/api/territories/" + editingId : "/api/territories", {
      method: editingId ? "PATCH" : "POST", credentials: "same-origin",
      headers: headers, body: JSON.stringify(body) });
    if (!response.ok) { return say(await window.fieldcrm.problemText(response), true); }
    say(T.messages.saved, false);
    setTimeout(function () { window.location.reload(); }, 600);
  });
})();
