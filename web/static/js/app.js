/* fieldcrm: shared page glue. Offline queue for check-ins and visit reports. */
(function () {
  "use strict";
  var KEY = "fieldcrm.outbox", REFUSED = "fieldcrm.refused";
  function load() { try { return JSON.parse(localStorage.getItem(KEY) || "[]"); } catch (e) { return []; } }
  function save(items) { localStorage.setItem(KEY, JSON.stringify(items)); }
  function banner() {
    var el = document.getElementById("offline-banner");
    if (el) { el.hidden = navigator.onLine && load().length === 0; }
  }
  function uuid() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    return "k" + Date.now().toString(36) + Math.random().toString(36).slice(2);
  }
  /* Queue a JSON POST; the client_key makes resending idempotent on the server. */
  function enqueue(url, body) {
    body.client_key = body.client_key || uuid();
    var items = load(); items.push({ id: uuid(), url: url, body: body }); save(items); banner();
    return flush();
  }
  function drop(id) { save(load().filter(function (i) { return i.id !== id; })); }
  var flushing = null, again = false;
  /* Send queued items in order, one at a time; storage is re-read each time (items may be added meanwhile). */
  async function run() {
    do {
      again = false;
      for (var item = load()[0]; item; item = load()[0]) {
        var response;
        try {
          response = await fetch(item.url, { method: "POST", credentials: "same-origin",
            headers: { "Content-Type": "application/json" }, body: JSON.stringify(item.body) });
        } catch (e) { again = false; break; }   /* no network: keep it for later */
        if (response.status >= 500) { again = false; break; }
        if (!response.ok) {                      /* refused for good (4xx): kept aside with the reason, never lost */
          item.error = await response.json().then(function (b) { return b.detail; }).catch(function () { return response.statusText; });
          var refused = JSON.parse(localStorage.getItem(REFUSED) || "[]"); refused.push(item);
          localStorage.setItem(REFUSED, JSON.stringify(refused));
        }
        drop(item.id);
        document.dispatchEvent(new CustomEvent(response.ok ? "fieldcrm:sent" : "fieldcrm:rejected", { detail: item }));
      }
    } while (again);
  }
  function flush() {
    if (flushing) { again = true; return flushing; }
    /* Cleared in a later microtask, so even a run with nothing to send cannot leave it set. */
    flushing = run().finally(function () { flushing = null; banner(); });
    return flushing;
  }
  window.fieldcrm = { enqueue: enqueue, flush: flush, pending: function () { return load().length; } };
  window.addEventListener("online", function () { flush(); });
  window.addEventListener("offline", banner);
  document.addEventListener("DOMContentLoaded", function () { banner(); if (navigator.onLine) { flush(); } });
  /* A form with data-confirm asks before it is sent (no inline handlers: the CSP refuses them). */
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { event.preventDefault(); }
  }, true);
  /* A form being sent cannot be sent twice: its buttons are disabled once the browser has
     taken the submission (after this event, so the pressed button's value still goes), and
     show that the work is under way. Back in the history, they work again. */
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !form.querySelectorAll || (form.method || "").toLowerCase() !== "post") { return; }
    window.setTimeout(function () {
      Array.prototype.forEach.call(form.querySelectorAll("button, input[type=submit]"), function (b) {
        b.disabled = true;
        b.setAttribute("aria-busy", "true");
      });
      form.classList.add("sending");
    }, 0);
    /* a POST answered with a download leaves the page as it was: usable again later */
    window.setTimeout(function () { window.dispatchEvent(new Event("pageshow")); }, 15000);
  });
  window.addEventListener("pageshow", function () {
    Array.prototype.forEach.call(document.querySelectorAll("form.sending"), function (form) {
      form.classList.remove("sending");
      Array.prototype.forEach.call(form.querySelectorAll("[aria-busy=true]"), function (b) {
        b.disabled = false;
        b.removeAttribute("aria-busy");
      });
    });
  });
  if ("serviceWorker" in navigator) { navigator.serviceWorker.register("/sw.js").catch(function () {}); }
})();
