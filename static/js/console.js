// The chair's console without reloads. Every console form still works as a
// plain POST (and the search as a plain GET); with this script, a form is
// sent with fetch, the server answers with the console as it now stands
// (the same redirect a plain POST follows), and only the page's regions
// ([data-region]) are swapped for the server's new ones: the scroll
// position, the check-in search box (its text and focus; it is in no
// region) and anything the chair is typing elsewhere stay as they were. Pushed states (over the
// officers' socket, live-socket.js) update the counters and the speech
// clock at once, and fetch the regions again when what the room sees has
// changed (someone asked to speak, checked in, a vote opened or closed).
// Forms with [data-confirm] ask first, in a dialog; [data-key] buttons have
// keyboard shortcuts (listed on the page, aria-keyshortcuts on each).
// External file: the Content-Security-Policy forbids inline script.
(function () {
  "use strict";
  var root = document.getElementById("console-root");
  if (!root || !window.fetch || !window.DOMParser) { return; }
  var consoleUrl = location.pathname;
  var holder = document.getElementById("console-live");
  var dialog = document.getElementById("console-confirm");
  var clock = null; // {remaining, running, at}
  var shownSignature = null;
  var busy = false, again = false, refreshTimer = null;
  var FLASH_KEY = "agora-console-flash";

  // --- Regions --------------------------------------------------------
  function findBox() { return document.getElementById("find"); }

  function currentUrl() {
    var box = findBox(), find = box ? box.value.trim() : "";
    return consoleUrl + (find.length >= 2 ? "?find=" + encodeURIComponent(find) : "");
  }

  function showFlash(doc) {
    var flash = document.getElementById("console-flash");
    var fresh = doc.querySelector("main .messages");
    if (!flash || !fresh) { return; }
    var old = document.querySelectorAll("main .messages");
    for (var i = 0; i < old.length; i++) { if (!flash.contains(old[i])) { old[i].remove(); } }
    flash.innerHTML = fresh.outerHTML;
  }

  // Swap each region for the server's. What the chair was typing in a
  // form they have not sent (a decision, the vote's title, a count) is
  // kept, by the control's id, and so is the focus.
  function swap(doc, sentForm) {
    var y = window.scrollY;
    var active = document.activeElement;
    var activeId = active && active.id && active !== document.body ? active.id : null;
    var caret = null;
    try { caret = active && typeof active.selectionStart === "number" ? [active.selectionStart, active.selectionEnd] : null; } catch (e) { caret = null; }
    var edited = {};
    var marked = root.querySelectorAll("[data-region] [data-edited]");
    for (var k = 0; k < marked.length; k++) {
      var c = marked[k];
      if (c.id && !(sentForm && sentForm.contains(c))) { edited[c.id] = c.type === "checkbox" || c.type === "radio" ? c.checked : c.value; }
    }
    var regions = root.querySelectorAll("[data-region]");
    for (var i = 0; i < regions.length; i++) {
      var region = regions[i], fresh = doc.getElementById(region.id);
      if (!fresh) { continue; }
      if (region.innerHTML !== fresh.innerHTML) { region.innerHTML = fresh.innerHTML; }
      region.className = fresh.className;
    }
    Object.keys(edited).forEach(function (id) {
      var n = document.getElementById(id);
      if (!n || !root.contains(n)) { return; }
      if (n.type === "checkbox" || n.type === "radio") { n.checked = edited[id]; } else { n.value = edited[id]; }
      n.setAttribute("data-edited", "");
    });
    if (activeId && document.activeElement !== active) {
      var back = document.getElementById(activeId);
      if (back) {
        back.focus({ preventScroll: true });
        if (caret) { try { back.setSelectionRange(caret[0], caret[1]); } catch (e) { /* not a text box */ } }
      }
    }
    window.scrollTo(0, y);
    startClockFromPage();
  }

  function sameState(doc) {
    var mine = document.getElementById("meeting-state"), theirs = doc.getElementById("meeting-state");
    return mine && theirs && mine.textContent === theirs.textContent;
  }

  function load(response, sentForm) {
    return response.text().then(function (html) {
      var doc = new DOMParser().parseFromString(html, "text/html");
      if (!doc.getElementById("console-root")) { return false; }
      if (!sameState(doc)) {
        // Started, closed or cancelled: the page's layout changes; show
        // the new one, and what the server said, after loading it.
        var fresh = doc.querySelector("main .messages");
        if (fresh) { sessionStorage.setItem(FLASH_KEY, fresh.outerHTML); }
        location.assign(response.url || currentUrl());
        return "navigating";
      }
      swap(doc, sentForm);
      showFlash(doc);
      return true;
    });
  }

  function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    fetch(currentUrl(), { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.ok ? load(r, null) : null; })
      .catch(function () {})
      .then(function () {
        busy = false;
        if (again) { again = false; refresh(); }
      });
  }

  function refreshSoon() {
    if (refreshTimer !== null) { window.clearTimeout(refreshTimer); }
    refreshTimer = window.setTimeout(function () { refreshTimer = null; refresh(); }, 100);
  }

  // --- Sending forms ----------------------------------------------------
  function nativeSubmit(form, submitter) {
    // The server answered with something other than the console (a page
    // asking to confirm, a refusal): let the browser show it as without
    // this script. Nothing was changed by a refused action.
    if (submitter && submitter.name) {
      var extra = document.createElement("input");
      extra.type = "hidden"; extra.name = submitter.name; extra.value = submitter.value;
      form.appendChild(extra);
    }
    root.setAttribute("aria-busy", "true"); // until the new page replaces this one
    HTMLFormElement.prototype.submit.call(form);
  }

  function send(form, submitter) {
    var data = new FormData(form);
    if (submitter && submitter.name) { data.append(submitter.name, submitter.value); }
    var box = findBox();
    if (box && form.method.toLowerCase() === "post") { data.set("find", box.value.trim()); }
    var focusAfter = form.getAttribute("data-focus-after");
    var navigating = false;
    busy = true;
    root.setAttribute("aria-busy", "true");
    fetch(form.action, { method: "POST", body: data, credentials: "same-origin" })
      .then(function (r) { return load(r, form); })
      .then(function (shown) {
        if (shown === "navigating") { navigating = true; return; }
        if (shown === false) { navigating = true; nativeSubmit(form, submitter); return; }
        var target = focusAfter ? document.querySelector(focusAfter) : null;
        if (!target && (!document.activeElement || document.activeElement === document.body)) {
          // The pressed button was redrawn: focus the same action's button, or the section's heading.
          target = root.querySelector('form[action="' + form.getAttribute("action") + '"] button');
          if (!target || target.offsetParent === null) {
            target = root.querySelector("#run-h");
            if (target) { target.setAttribute("tabindex", "-1"); }
          }
        }
        if (target) { target.focus({ preventScroll: true }); }
      })
      .catch(function () { navigating = true; nativeSubmit(form, submitter); })
      .then(function () {
        busy = false;
        if (navigating) { return; } // the page is being replaced: it stays busy until then
        root.removeAttribute("aria-busy");
        if (again) { again = false; refresh(); }
      });
  }

  function ask(form, submitter) {
    var text = form.getAttribute("data-confirm");
    if (!text || !dialog || typeof dialog.showModal !== "function") { send(form, submitter); return; }
    var yes = document.getElementById("console-confirm-yes");
    var no = document.getElementById("console-confirm-no");
    document.getElementById("console-confirm-text").textContent = text;
    yes.textContent = form.getAttribute("data-confirm-yes") || "Yes";
    function done(go) {
      yes.onclick = no.onclick = null;
      dialog.close();
      if (!go) { (submitter || form).focus && (submitter || form).focus(); return; }
      var field = form.getAttribute("data-confirm-field");
      if (field) {
        var input = form.querySelector('input[name="' + field + '"]');
        if (!input) { input = document.createElement("input"); input.type = "hidden"; input.name = field; form.appendChild(input); }
        input.value = "yes";
      }
      if (form.hasAttribute("data-native")) { form.setAttribute("data-confirmed", ""); nativeSubmit(form, submitter); return; }
      send(form, submitter);
    }
    yes.onclick = function () { done(true); };
    no.onclick = function () { done(false); };
    dialog.oncancel = function () { done(false); };
    dialog.showModal();
    no.focus();
  }

  // Forms marked [data-native] change the meeting's state (start, close,
  // cancel): the whole page changes, so they load it as a plain POST does,
  // after asking where they ask.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!root.contains(form)) { return; }
    if (form.hasAttribute("data-native") && (!form.hasAttribute("data-confirm") || form.hasAttribute("data-confirmed"))) { return; }
    event.preventDefault();
    if (form.id === "find-form") { search(true); return; }
    ask(form, event.submitter || null);
  });

  // Marks what the chair has typed, so a redraw keeps it (swap).
  root.addEventListener("input", function (event) {
    if (event.target.closest && event.target.closest("[data-region]")) { event.target.setAttribute("data-edited", ""); }
  });

  // --- The check-in search: as the chair types, the found list follows -----
  var searchTimer = null;
  function search(now) {
    if (searchTimer !== null) { window.clearTimeout(searchTimer); searchTimer = null; }
    if (!now) { searchTimer = window.setTimeout(function () { search(true); }, 250); return; }
    history.replaceState(null, "", currentUrl() + "#attendance-h");
    refresh();
  }
  var box = findBox();
  if (box) { box.addEventListener("input", function () { search(false); }); }

  // --- Pushed states ------------------------------------------------------
  function set(name, text) {
    var nodes = root.querySelectorAll('[data-field="' + name + '"]');
    for (var i = 0; i < nodes.length; i++) { if (nodes[i].textContent !== text) { nodes[i].textContent = text; } }
  }

  // What, when it changes, calls for the regions to be drawn again (not the
  // vote counter or the clock's seconds: those are set in place).
  function signature(s) {
    var v = s.vote, sp = s.speakers || {};
    return JSON.stringify([
      s.state, s.present, s.quorate, s.item, s.speakers_waiting,
      v ? [v.id, v.state, v.outcome] : null,
      sp.queue || null,
      sp.current ? [sp.current.id, sp.current.running] : null
    ]);
  }

  function onState(s) {
    set("present", String(s.present));
    set("quorate-label", s.quorate ? "quorate" : "not quorate");
    set("waiting", String(s.speakers_waiting));
    if (s.vote && s.vote.voted !== null) { set("voted", String(s.vote.voted)); }
    if (s.speakers) {
      var c = s.speakers.current;
      clock = c ? { remaining: c.remaining, running: c.running, at: Date.now() } : null;
      drawClock();
    }
    var sig = signature(s);
    if (shownSignature !== null && sig !== shownSignature) { refreshSoon(); }
    shownSignature = sig;
  }

  // --- The speech clock ------------------------------------------------
  function mmss(seconds) {
    var s = Math.abs(seconds), m = Math.floor(s / 60), r = s % 60;
    return (seconds < 0 ? "+" : "") + m + ":" + (r < 10 ? "0" : "") + r;
  }

  function startClockFromPage() {
    var node = document.getElementById("console-clock");
    if (!node) { clock = null; return; }
    if (clock === null) {
      clock = { remaining: parseInt(node.getAttribute("data-remaining"), 10) || 0, running: node.getAttribute("data-running") === "1", at: Date.now() };
    }
    drawClock();
  }

  function drawClock() {
    var node = document.getElementById("console-clock");
    if (!node || !clock) { return; }
    var left = clock.remaining;
    if (clock.running) { left -= Math.floor((Date.now() - clock.at) / 1000); }
    var text = mmss(left);
    if (node.textContent !== text) { node.textContent = text; }
    node.className = "console-clock" + (left < 0 ? " over" : left <= 30 ? " low" : "") + (clock.running ? "" : " paused");
  }

  // --- Keyboard shortcuts -------------------------------------------------
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) { return; }
    var t = event.target;
    if (t && (/^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName) || t.isContentEditable)) { return; }
    if (dialog && dialog.open) { return; }
    if (event.key === "/") {
      var b = findBox();
      if (b) { event.preventDefault(); b.focus(); b.select(); }
      return;
    }
    var button = root.querySelector('[data-key="' + event.key.toLowerCase() + '"]');
    if (button && !button.disabled) { event.preventDefault(); button.click(); }
  });

  // --- Start ----------------------------------------------------------------
  var kept = sessionStorage.getItem(FLASH_KEY);
  if (kept) {
    sessionStorage.removeItem(FLASH_KEY);
    var flash = document.getElementById("console-flash");
    if (flash && !document.querySelector("main .messages")) { flash.innerHTML = kept; }
  }
  startClockFromPage();
  window.setInterval(drawClock, 250);
  if (holder && window.AgoraLive) {
    window.AgoraLive.follow({
      root: holder,
      wsPath: holder.getAttribute("data-live-ws"),
      pollUrl: holder.getAttribute("data-live-url"),
      pollMs: parseInt(holder.getAttribute("data-poll-ms"), 10) || 5000,
      onState: onState
    });
  }
})();
