/* "Autour de moi": ask the phone for its position, then reload the list around it; a new
   radius or order reloads at once. Messages come translated in the form's data-* attributes. */
(function () {
  "use strict";
  var form = document.getElementById("locate-form"), status = document.getElementById("locate-status");
  if (!form) { return; }
  function locate() {
    if (!navigator.geolocation) { status.textContent = form.dataset.unavailable; return; }
    status.textContent = form.dataset.locating;
    navigator.geolocation.getCurrentPosition(function (pos) {
      form.lon.value = pos.coords.longitude.toFixed(6); form.lat.value = pos.coords.latitude.toFixed(6); form.submit();
    }, function () { status.textContent = form.dataset.refused; }, { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
  }
  document.getElementById("locate").addEventListener("click", locate);
  Array.prototype.forEach.call(form.querySelectorAll("select"), function (select) {
    select.addEventListener("change", function () { if (form.lon.value) { form.submit(); } else { locate(); } });
  });
  if (!form.lon.value) { locate(); }
})();
