/* fieldcrm: shared page glue. Offline queue for check-ins and visit reports.
   Each queued item belongs to the user who wrote it (the id the menu's logout form carries):
   only that user's pages send it or count it, so another user logging in on the same phone
   never sends nor sees it. A 401 on replay (session expired or revoked) keeps the item and
   asks for a login; once the writer is back, it is sent. */
(function () {
  "use strict";
  var KEY = "fieldcrm.outbox", REFUSED = "fieldcrm.refused";
  function load() { try { return JSON.parse(localStorage.getItem(KEY) || "[]"); } catch (e) { return []; } }
  function save(items) { localStorage.setItem(KEY, JSON.stringify(items)); }
  /* The logged-in user of this page (null on pages without a session, such as the login form). */
  function me() { var f = document.querySelector("form.logout[data-user]"); return f ? f.getAttribute("data-user") : null; }
  /* This user's queued items; others' stay stored, untouched and unshown. */
  function mine() { var user = me(); return user === null ? [] : load().filter(function (i) { return String(i.user) === user; }); }
  function banner() {
    var el = document.getElementById("offline-banner");
    if (el) { el.hidden = navigator.onLine && mine().length === 0; }
  }
  /* The session ended while items wait: say so and offer the login form, back to this page. */
  function askLogin() {
    if (document.getElementById("login-prompt")) { return; }
    var en = document.documentElement.lang === "en", n = mine().length;
    var box = document.createElement("div"), link = document.createElement("a");
    box.id = "login-prompt"; box.className = "banner"; box.setAttribute("role", "alert");
    box.textContent = en ? "Your session has ended: " + n + " item(s) wait on this phone. "
                         : "Votre session a expiré : " + n + " envoi(s) en attente sur ce téléphone. ";
    link.href = "/login?next=" + encodeURIComponent(location.pathname + location.search);
    link.textContent = en ? "Log in to send them" : "Connectez-vous pour les envoyer";
    box.appendChild(link);
    /* pinned to the bottom of the screen, wherever the page is scrolled (CSSOM: no inline style) */
    box.style.position = "fixed"; box.style.left = "0"; box.style.right = "0"; box.style.bottom = "0";
    box.style.zIndex = "2000"; box.style.margin = "0";
    document.body.appendChild(box);
  }
  function uuid() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    return "k" + Date.now().toString(36) + Math.random().toString(36).slice(2);
  }
  /* Queue a JSON POST; the client_key makes resending idempotent on the server. */
  function enqueue(url, body) {
    body.client_key = body.client_key || uuid();
    var items = load(); items.push({ id: uuid(), user: me(), url: url, body: body }); save(items); banner();
    return flush();
  }
  /* What a refused request (4xx, 5xx) says to the reader: the error body's words (fields by
     their label only, « priorité : … »), never the developer's message nor the raw list of a
     validation error (« [object Object] »). The one home: every page's script uses it. */
  function problemText(response) {
    return response.json().then(function (b) {
      return (b && (b.text || (typeof b.detail === "string" ? b.detail : "") ||
                    (typeof b.message === "string" ? b.message : ""))) || response.statusText;
    }).catch(function () { return response.statusText; });
  }
  function drop(id) { save(load().filter(function (i) { return i.id !== id; })); }
  var flushing = null, again = false;
  /* Send queued items in order, one at a time; storage is re-read each time (items may be added meanwhile). */
  async function run() {
    do {
      again = false;
      for (var item = mine()[0]; item; item = mine()[0]) {
        var response;
        try {
          response = await fetch(item.url, { method: "POST", credentials: "same-origin",
            headers: { "Content-Type": "application/json" }, body: JSON.stringify(item.body) });
        } catch (e) { again = false; break; }   /* no network: keep it for later */
        if (response.status >= 500) { again = false; break; }
        if (response.status === 401) { again = false; askLogin(); break; }  /* kept for its writer */
        if (!response.ok) {                      /* refused for good (4xx): kept aside with the reason, never lost */
          item.error = await problemText(response);
          var refused = JSON.parse(localStorage.getItem(REFUSED) || "[]"); refused.push(item);
          localStorage.setItem(REFUSED, JSON.stringify(refused));
        }
        if (response.ok) {                       /* the answer, for the page that sent it (e.g. a far check-in) */
          item.result = await response.json().catch(function () { return null; });
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
  window.fieldcrm = { enqueue: enqueue, flush: flush, pending: function () { return mine().length; },
                      problemText: problemText };
  /* Pages kept for offline use belong to who saw them: logging out empties the service
     worker's cache before the logout is sent, and the login form empties it too (the last
     user may have left without logging out). The outbox is kept: it is sorted by writer. */
  function dropPages() {
    if (!window.caches) { return Promise.resolve(); }
    return caches.keys().then(function (keys) {
      return Promise.all(keys.map(function (k) { return caches.delete(k); }));
    }).catch(function () {});
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("logout") || form.dataset.cleared) { return; }
    event.preventDefault();
    dropPages().then(function () { form.dataset.cleared = "1"; form.submit(); });
  });
  if (location.pathname === "/login") { dropPages(); }
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
  /* Phone menu: the button shows or hides every entry; Escape closes it and gives focus back. */
  document.addEventListener("DOMContentLoaded", function () {
    var toggle = document.getElementById("menu-toggle"), menu = document.getElementById("main-menu");
    if (!toggle || !menu) { return; }
    function setOpen(open) {
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      menu.classList.toggle("open", open);
    }
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      setOpen(open);
      if (open) { var first = menu.querySelector("a"); if (first) { first.focus(); } }
    });
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { setOpen(false); toggle.focus(); }
    });
  });
  if ("serviceWorker" in navigator) { navigator.serviceWorker.register("/sw.js").catch(function () {}); }
})();
