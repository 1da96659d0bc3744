/* fieldcrm service worker: pages open without signal (last version seen), static files cached.
   Writes never go through here: check-ins and reports wait in the page's outbox (app.js). */
"use strict";
var CACHE = "fieldcrm-v1";
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
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(caches.match(request).then(function (hit) {
      return hit || fetch(request).then(function (response) {
        var copy = response.clone(); caches.open(CACHE).then(function (c) { c.put(request, copy); }); return response;
      });
    }));
    return;
  }
  if (request.mode === "navigate") {  /* network first, the last copy when offline */
    event.respondWith(fetch(request).then(function (response) {
      if (response.ok) { var copy = response.clone(); caches.open(CACHE).then(function (c) { c.put(request, copy); }); }
      return response;
    }).catch(function () { return caches.match(request).then(function (hit) { return hit || caches.match("/"); }); }));
  }
});
