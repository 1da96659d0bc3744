/* A job's progress page: poll its state, move the bar, show the result once it is done. */
"use strict";
(function () {
  var box = document.getElementById("job");
  if (!box) { return; }
  var labels = JSON.parse(box.dataset.labels), unit = box.dataset.unit;
  var bar = document.getElementById("job-progress"), count = document.getElementById("job-count");
  var status = document.querySelector("#job-status strong");
  var number = new Intl.NumberFormat(document.documentElement.lang || "fr");
  function show(job) {
    box.dataset.status = job.status;
    status.textContent = labels[job.status] || job.status;
    if (job.total) {
      bar.max = job.total;
      bar.value = Math.min(job.done, job.total);
      count.textContent = number.format(job.done) + " / " + number.format(job.total) + " " + unit;
    }
  }
  function poll() {
    fetch("/api/jobs/" + box.dataset.job, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (job) {
        show(job);
        if (job.status === "done" || job.status === "failed") { window.location.reload(); return; }
        window.setTimeout(poll, 400);
      })
      .catch(function () { window.setTimeout(poll, 2000); });
  }
  window.setTimeout(poll, 200);
})();
