/* fieldcrm: shared page glue. Offline queue for check-ins and visit reports. */
(function () {
  "use strict";
  var KEY = "fieldcrm.outbox";
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
    var items = load(); items.push({ url: url, body: body }); save(items); banner();
    return flush().then(function () { return body.client_key; });
  }
  var flushing = null;
  function flush() {
    if (flushing) { return flushing; }
    flushing = (async function () {
      var items = load();
      while (items.length) {
        var item = items[0], response;
        try {
          response = await fetch(item.url, { method: "POST", credentials: "same-origin",
            headers: { "Content-Type": "application/json" }, body: JSON.stringify(item.body) });
        } catch (e) { break; }            /* no network: keep it for later */
        if (response.status >= 500) { break; }
        items.shift(); save(items);        /* sent, or refused for good (4xx): never resent */
        if (!response.ok) { document.dispatchEvent(new CustomEvent("fieldcrm:rejected", { detail: item })); }
        else { document.dispatchEvent(new CustomEvent("fieldcrm:sent", { detail: item })); }
      }
      flushing = null; banner();
    })();
    return flushing;
  }
  window.fieldcrm = { enqueue: enqueue, flush: flush, pending: function () { return load().length; } };
  window.addEventListener("online", function () { flush(); });
  window.addEventListener("offline", banner);
  document.addEventListener("DOMContentLoaded", function () { banner(); if (navigator.onLine) { flush(); } });
  if ("serviceWorker" in navigator) { navigator.serviceWorker.register("/sw.js").catch(function () {}); }
})();
