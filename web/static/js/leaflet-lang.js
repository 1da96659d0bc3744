/* Leaflet's own words in the page's language (loaded right after leaflet.js, before any map
   is made): zoom buttons, the default marker's text and the attribution prefix. French unless
   the page says lang="en" (then Leaflet's English stays). */
(function () {
  "use strict";
  if (!window.L || document.documentElement.lang === "en") { return; }
  L.Control.Zoom.prototype.options.zoomInTitle = "Zoomer";
  L.Control.Zoom.prototype.options.zoomOutTitle = "Dézoomer";
  L.Marker.prototype.options.alt = "Repère";
  L.Control.Attribution.prototype.options.prefix =
    '<a href="https://leafletjs.com" title="Une bibliothèque JavaScript pour cartes interactives" lang="fr">Leaflet</a>';
})();
