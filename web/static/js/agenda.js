/* Agenda: take the phone's position for a new appointment at a free place (on demand only);
   select the calendar feed's address so that it is easy to copy. */
(function () {
  "use strict";
  var button = document.getElementById("use-position");
  if (button) {
    var status = document.getElementById("position-status");
    var lon = document.getElementById("new-lon"), lat = document.getElementById("new-lat");
    button.addEventListener("click", function () {
      if (!navigator.geolocation) { status.textContent = button.dataset.nogps; return; }
      navigator.geolocation.getCurrentPosition(function (pos) {
        lon.value = pos.coords.longitude.toFixed(6); lat.value = pos.coords.latitude.toFixed(6);
        status.textContent = button.dataset.located + " (" + lat.value + ", " + lon.value + ")";
        status.className = "ok";
      }, function () { status.textContent = button.dataset.nogps; status.className = "error"; },
      { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
    });
  }
  var feed = document.getElementById("feed-url");
  if (feed) { feed.addEventListener("focus", function () { feed.select(); }); }
})();
