/* Review queue map ("Géocodage"): one doubtful account at a time, its found position as a
   draggable pin and its candidate communes as numbered markers. Nothing is saved by a tap or a
   drag: a drag shows "Confirmer la position" / "Annuler"; cancelling puts the pin back.
   Names and labels come from data attributes and are written with textContent only. */
(function () {
  "use strict";
  var el = document.getElementById("review-map");
  if (!el || !window.L) { return; }
  var text = el.dataset;
  var bar = document.getElementById("pin-actions");
  var confirmButton = document.getElementById("confirm-pin");
  var cancelButton = document.getElementById("cancel-pin");
  var list = document.getElementById("candidates");
  var status = document.getElementById("review-status");
  var title = document.getElementById("review-title");
  var map = L.map(el).setView([46.6, 2.4], 5);
  L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png",
    { maxZoom: 19, attribution: "© OpenStreetMap" }).addTo(map);
  var layer = L.layerGroup().addTo(map);
  var current = null, pin = null, origin = null;

  function say(message, kind) { status.textContent = message; status.className = kind || ""; }
  function label(content) { var span = document.createElement("span"); span.textContent = content; return span; }
  function setPending(latlng) {
    bar.hidden = !latlng;
    if (latlng) { el.dataset.pinLon = latlng.lng.toFixed(7); el.dataset.pinLat = latlng.lat.toFixed(7); }
  }
  function markDone(button) {
    var row = button.closest("tr");
    var badge = row && row.querySelector(".badge.status");
    if (badge) { badge.textContent = text.done; }
    button.remove();
  }
  function numbered(n) {
    var box = document.createElement("span");
    box.className = "fc-candidate-number";
    box.textContent = String(n);
    return L.divIcon({ className: "fc-candidate", html: box, iconSize: [28, 28], iconAnchor: [14, 14] });
  }
  async function send(url, method, body) {
    var response = await fetch(url, { method: method, credentials: "same-origin",
      headers: { "Content-Type": "application/json" }, body: body ? JSON.stringify(body) : undefined });
    if (!response.ok) { throw new Error(await window.fieldcrm.problemText(response)); }
    return response.json().catch(function () { return {}; });
  }
  function saved(answer, button) {
    origin = L.latLng(answer.lat, answer.lon);
    pin.setLatLng(origin);
    pin.dragging.disable();
    setPending(null);
    el.dataset.saved = "true";
    say(text.confirmed, "ok");
    markDone(button);
    Array.prototype.forEach.call(list.querySelectorAll("button"), function (b) { b.disabled = true; });
  }

  function show(button) {
    current = button;
    layer.clearLayers();
    list.textContent = "";
    setPending(null);
    say("");
    delete el.dataset.saved;
    el.dataset.account = button.dataset.review;
    title.textContent = button.dataset.name;
    var candidates = JSON.parse(button.dataset.candidates || "[]");
    var bounds = [];
    candidates.forEach(function (c, i) {
      var at = L.latLng(c.lat, c.lon);
      bounds.push(at);
      L.marker(at, { icon: numbered(i + 1), keyboard: false }).bindTooltip(label(c.label)).addTo(layer);
      var item = document.createElement("li");
      item.appendChild(label(c.label + " "));
      var choose = document.createElement("button");
      choose.type = "button";
      choose.className = "secondary choose-candidate";
      choose.textContent = text.choose;
      choose.addEventListener("click", function () {
        send("/api/geocoding/accounts/" + button.dataset.review + "/candidates/" + i, "POST")
          .then(function (answer) { saved(answer, button); })
          .catch(function (e) { say(text.failed + " " + e.message, "error"); });
      });
      item.appendChild(choose);
      list.appendChild(item);
    });
    var start = button.dataset.lon ? L.latLng(+button.dataset.lat, +button.dataset.lon) : bounds[0];
    origin = start;
    bounds.push(start);
    pin = L.marker(start, { draggable: true, autoPan: true, title: text.pin }).addTo(layer);
    pin.bindTooltip(label(text.pin));
    pin.on("dragend", function () {
      var moved = pin.getLatLng();
      setPending(moved.equals(origin) ? null : moved);
      if (!moved.equals(origin)) { say(text.moved); }
    });
    if (bounds.length > 1) { map.fitBounds(L.latLngBounds(bounds), { padding: [30, 30], maxZoom: 16 }); }
    else { map.setView(start, 16); }
  }

  cancelButton.addEventListener("click", function () {
    if (pin && origin) { pin.setLatLng(origin); }
    setPending(null);
    say(text.cancelled);
  });
  confirmButton.addEventListener("click", function () {
    if (!pin || !current) { return; }
    var p = pin.getLatLng();
    confirmButton.disabled = true;
    send("/api/geocoding/accounts/" + current.dataset.review + "/location", "PUT",
      { lon: p.lng, lat: p.lat, lock: true })
      .then(function (answer) { saved(answer, current); })
      .catch(function (e) { say(text.failed + " " + e.message, "error"); })
      .finally(function () { confirmButton.disabled = false; });
  });
  var buttons = document.querySelectorAll("button.show-on-map");
  Array.prototype.forEach.call(buttons, function (b) {
    b.addEventListener("click", function () { show(b); el.scrollIntoView({ block: "start" }); });
  });
  if (buttons.length) { show(buttons[0]); }
})();
