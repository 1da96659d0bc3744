/* Check-in (one timestamped point, on demand only) and visit report, through the offline outbox. */
(function () {
  "use strict";
  var D = window.fieldcrmDay || { day: new Date().toISOString().slice(0, 10), messages: {} };
  /* One key per user, account and day: the check-in and the report complete the same visit
     (another user of the phone gets their own). */
  function keyName(account) {
    var who = document.querySelector("form.logout[data-user]");
    return "fieldcrm.visit." + (who ? who.getAttribute("data-user") + "." : "") + D.day + "." + account;
  }
  function keyFor(account) {
    var name = keyName(account);
    var key = localStorage.getItem(name);
    if (!key) {
      key = "v" + (window.crypto && crypto.randomUUID ? crypto.randomUUID().replace(/-/g, "") : Date.now().toString(36) + Math.random().toString(36).slice(2));
      localStorage.setItem(name, key);
    }
    return key;
  }
  function say(root, text, warning) {
    var el = root.querySelector(".visit-status");
    if (el) { el.textContent = text; el.classList.toggle("warning", !!warning); }
  }
  function warned(root) { return !!root.querySelector(".visit-status.warning"); }
  function send(root, body, done) {
    say(root, "");
    window.fieldcrm.enqueue("/api/visits", body).then(function () {
      if (!warned(root)) { say(root, window.fieldcrm.pending() ? D.messages.queued : done); }
    });
  }
  /* Refused for good: the server's reason, kept on screen (not replaced by « Envoyé. »). */
  document.addEventListener("fieldcrm:rejected", function (e) {
    var li = document.querySelector("li[data-account='" + e.detail.body.account_id + "']");
    if (li) { say(li, String(e.detail.error), true); }
  });
  /* A check-in recorded far from the account: the server's warning, as it wrote it (what
     "far" is, the distance, whether the visit counts yet, in the reader's language), on
     every page: no page has its own copy of that text. */
  document.addEventListener("fieldcrm:sent", function (e) {
    var visit = e.detail.result;
    if (e.detail.url !== "/api/visits" || !visit) { return; }
    /* A report completed the day's check-in made under another key (this phone had lost it):
       keep that visit's key, so what is sent next completes it too. */
    if (visit.client_key && e.detail.body && visit.client_key !== e.detail.body.client_key &&
        localStorage.getItem(keyName(visit.account_id)) === e.detail.body.client_key) {
      localStorage.setItem(keyName(visit.account_id), visit.client_key);
    }
    if (!visit.warning) { return; }
    var li = document.querySelector("li[data-account='" + visit.account_id + "']");
    if (li) { say(li, visit.warning, true); }
  });
  document.querySelectorAll("button.checkin").forEach(function (button) {
    button.addEventListener("click", function () {
      var root = button.closest("li"), account = Number(button.dataset.account);
      var body = { account_id: account, client_key: keyFor(account), at: new Date().toISOString() };
      if (!navigator.geolocation) { say(root, D.messages.nogps); return send(root, body, D.messages.located); }
      navigator.geolocation.getCurrentPosition(function (pos) {
        body.lon = pos.coords.longitude; body.lat = pos.coords.latitude;
        send(root, body, D.messages.located);
      }, function () { say(root, D.messages.nogps); send(root, body, D.messages.located); },
      { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
    });
  });
  /* The report form: sent through the outbox (without this script it posts to the account
     page). An empty report is not sent: the error under the field, as the server words it. */
  document.querySelectorAll("form.visit-report").forEach(function (form) {
    var textarea = form.querySelector("textarea[name=report]"), error = form.querySelector(".report-error");
    function flag(text) {
      if (error) { error.textContent = text || ""; error.hidden = !text; }
      if (text) { textarea.setAttribute("aria-invalid", "true"); } else { textarea.removeAttribute("aria-invalid"); }
    }
    textarea.addEventListener("input", function () { if (textarea.value.trim()) { flag(""); } });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var root = form.closest("li"), account = Number(form.dataset.account);
      if (!textarea.value.trim()) { say(root, ""); flag(D.messages.empty); textarea.focus(); return; }
      flag("");
      /* complete_open: the check-in made here today completes with this report even when this
         phone lost its key (storage cleared, another browser): never a second visit. */
      var body = { account_id: account, client_key: keyFor(account), complete_open: true,
                   outcome: form.querySelector("input[name=outcome]").value || null,
                   report: textarea.value };
      send(root, body, D.messages.sent);
    });
  });
})();
