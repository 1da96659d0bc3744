/* fieldcrm service worker: pages and static files open without signal (the last version seen).
   Writes never go through here: check-ins and reports wait in the page's outbox (app.js). */
"use strict";
var CACHE = "fieldcrm-v2";
var SHELL = ["/static/css/app.css", "/static/js/app.js", "/static/vendor/leaflet/leaflet.js", "/static/vendor/leaflet/leaflet.css"];

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.addAll(SHELL); }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k !== CACHE; }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request, url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin || url.pathname.startsWith("/api/")) { return; }
  if (request.mode === "navigate" || url.pathname.startsWith("/static/")) {  /* network first, the last copy offline */
    event.respondWith(fetch(request).then(function (response) {
      if (response.ok) { var copy = response.clone(); caches.open(CACHE).then(function (c) { c.put(request, copy); }); }
      return response;
    }).catch(function () { return caches.match(request).then(function (hit) { return hit || caches.match("/"); }); }));
  }
});
