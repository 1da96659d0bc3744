/* A job's progress page: poll its state, move the bar, show the result once it is done
   (or open data-then, its {keys} filled from the job's result, when it names a next page). */
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
  function then(template, result) {
    var missing = false;
    var url = template.replace(/\{(\w+)\}/g, function (_all, key) {
      if (result[key] === undefined || result[key] === null) { missing = true; return ""; }
      return encodeURIComponent(String(result[key]));
    });
    return missing ? null : url;
  }
  function poll() {
    fetch("/api/jobs/" + box.dataset.job, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (job) {
        show(job);
        if (job.status === "done" && box.dataset.then) {
          var next = then(box.dataset.then, job.result || {});
          if (next) { window.location.assign(next); return; }
        }
        if (job.status === "done" || job.status === "failed") { window.location.reload(); return; }
        window.setTimeout(poll, 400);
      })
      .catch(function () { window.setTimeout(poll, 2000); });
  }
  window.setTimeout(poll, 200);
})();
