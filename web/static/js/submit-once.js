/* A form with data-submit-once is sent once: its buttons are disabled as it goes, a second
   submit (double tap, Enter again) is dropped. Coming back to the page (browser history)
   makes it usable again. No inline handlers: the CSP refuses them. */
"use strict";
(function () {
  function buttons(form) {
    return form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]");
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute || !form.hasAttribute("data-submit-once") || event.defaultPrevented) { return; }
    if (form.dataset.sent) { event.preventDefault(); return; }
    form.dataset.sent = "1";
    form.setAttribute("aria-busy", "true");
    buttons(form).forEach(function (button) { button.disabled = true; });
  });
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-submit-once]").forEach(function (form) {
      delete form.dataset.sent;
      form.removeAttribute("aria-busy");
      buttons(form).forEach(function (button) { button.disabled = false; });
    });
  });
})();
