/* Leaflet.draw in French (loaded after leaflet.draw.js when the page is read in French). */
(function () {
  "use strict";
  if (!window.L || !L.drawLocal) { return; }
  L.drawLocal = {
    draw: {
      toolbar: {
        actions: { title: "Annuler le tracé", text: "Annuler" },
        finish: { title: "Terminer le tracé", text: "Terminer" },
        undo: { title: "Supprimer le dernier point tracé", text: "Supprimer le dernier point" },
        buttons: { polyline: "Tracer une ligne", polygon: "Tracer un polygone", rectangle: "Tracer un rectangle",
          circle: "Tracer un cercle", marker: "Placer un marqueur", circlemarker: "Placer un point" }
      },
      handlers: {
        circle: { tooltip: { start: "Cliquez et glissez pour tracer un cercle." }, radius: "Rayon" },
        circlemarker: { tooltip: { start: "Cliquez sur la carte pour placer un point." } },
        marker: { tooltip: { start: "Cliquez sur la carte pour placer un marqueur." } },
        polygon: { tooltip: { start: "Cliquez pour commencer le polygone.", cont: "Cliquez pour continuer le polygone.",
          end: "Cliquez sur le premier point pour fermer le polygone." } },
        polyline: { error: "<strong>Erreur :</strong> les côtés ne peuvent pas se croiser !",
          tooltip: { start: "Cliquez pour commencer la ligne.", cont: "Cliquez pour continuer la ligne.",
            end: "Cliquez sur le dernier point pour terminer la ligne." } },
        rectangle: { tooltip: { start: "Cliquez et glissez pour tracer un rectangle." } },
        simpleshape: { tooltip: { end: "Relâchez pour terminer le tracé." } }
      }
    },
    edit: {
      toolbar: {
        actions: { save: { title: "Enregistrer les modifications", text: "Enregistrer" },
          cancel: { title: "Annuler la modification et abandonner les changements", text: "Annuler" },
          clearAll: { title: "Tout effacer", text: "Tout effacer" } },
        buttons: { edit: "Modifier les formes", editDisabled: "Aucune forme à modifier",
          remove: "Supprimer des formes", removeDisabled: "Aucune forme à supprimer" }
      },
      handlers: {
        edit: { tooltip: { text: "Faites glisser les poignées pour modifier la forme.", subtext: "Annuler pour revenir en arrière." } },
        remove: { tooltip: { text: "Cliquez sur une forme pour la supprimer." } }
      }
    }
  };
})();
