// The projector: follows the room's state (pushed over its socket at the
// secret address in [data-projector-ws], or polled from
// [data-projector-url] when the socket is down: live-socket.js) and redraws
// the room's screen without reloading. Between states the speaker's clock
// counts down locally. External file: the Content-Security-Policy forbids
// inline script.
(function () {
  "use strict";
  var root = document.querySelector("[data-projector-url]");
  if (!root) { return; }
  var url = root.getAttribute("data-projector-url");
  var qrUrl = root.getAttribute("data-qr-url");
  var every = parseInt(root.getAttribute("data-poll-ms"), 10) || 1000;
  var offline = document.getElementById("pj-offline");
  var clock = null; // {remaining, running, at}
  var lastCode = null;
  var itemTitle = null;

  function $(name) { return root.querySelector('[data-pj="' + name + '"]'); }
  function set(name, text) { var n = $(name); if (n && n.textContent !== text) { n.textContent = text; } }
  function el(tag, cls, text) {
    var n = document.createElement(tag);
    if (cls) { n.className = cls; }
    if (text !== undefined) { n.textContent = text; }
    return n;
  }

  function mmss(seconds) {
    var s = Math.abs(seconds), m = Math.floor(s / 60), r = s % 60;
    return (seconds < 0 ? "+" : "") + m + ":" + (r < 10 ? "0" : "") + r;
  }

  function drawClock() {
    var node = document.getElementById("pj-clock");
    if (!clock) { node.textContent = ""; node.className = "pj-clock"; return; }
    var left = clock.remaining;
    if (clock.running) { left -= Math.floor((Date.now() - clock.at) / 1000); }
    node.textContent = mmss(left);
    node.className = "pj-clock" + (left < 0 ? " over" : left <= 30 ? " low" : "") + (clock.running ? "" : " paused");
  }

  function drawMotion(m) {
    var box = document.getElementById("pj-motion");
    box.hidden = !m;
    if (!m) { return; }
    set("motion-title", m.title);
    $("motion-title").hidden = !!(itemTitle && itemTitle === m.title); // said once, as the item's title
    var amended = $("motion-amended");
    if (amended) { amended.hidden = !m.amended; }
    var mt = $("motion-text"); // sanitised by the server (meetings/markdown.py)
    if (mt && mt.getAttribute("data-source") !== m.text) { mt.innerHTML = m.text_html; mt.setAttribute("data-source", m.text); }
    var list = document.getElementById("pj-amendments");
    var html = "";
    for (var i = 0; i < m.amendments.length; i++) { html += m.amendments[i].summary + m.amendments[i].state + m.amendments[i].diff_html; }
    if (list.getAttribute("data-sig") === html) { return; }
    list.setAttribute("data-sig", html);
    list.textContent = "";
    for (var j = 0; j < m.amendments.length; j++) {
      var a = m.amendments[j], div = el("div", "pj-amendment");
      div.appendChild(el("p", "pj-label", "Amendment: " + a.summary + " · " + a.state));
      var diff = el("div", "pj-diff");
      diff.innerHTML = a.diff_html; // sanitised by the server (meetings/diffing.py)
      div.appendChild(diff);
      list.appendChild(div);
    }
  }

  function drawSpeakers(s) {
    set("speaker", s.current ? s.current.name : "—");
    set("speaker-kind", s.current ? s.current.kind : "");
    set("policy", s.policy);
    clock = s.current ? { remaining: s.current.remaining, running: s.current.running, at: Date.now() } : null;
    drawClock();
    var q = document.getElementById("pj-queue");
    var sig = JSON.stringify(s.queue);
    if (q.getAttribute("data-sig") === sig) { return; }
    q.setAttribute("data-sig", sig);
    q.textContent = "";
    if (!s.queue.length) { q.appendChild(el("li", "pj-empty", "Nobody yet")); }
    for (var i = 0; i < s.queue.length; i++) {
      var li = el("li", s.queue[i].kind === "Point of order" ? "pj-order" : "", s.queue[i].name + " ");
      li.appendChild(el("span", "pj-kind", s.queue[i].kind));
      q.appendChild(li);
    }
  }

  // A queue longer than its panel shows whom it can and says how many more
  // wait, rather than cutting a name off unseen at the panel's edge.
  function fitQueue() {
    var q = document.getElementById("pj-queue");
    var more = q.querySelector(".pj-more");
    if (more) { more.remove(); more = null; }
    var items = q.querySelectorAll("li");
    for (var i = 0; i < items.length; i++) { items[i].hidden = false; }
    var hidden = 0, shown = items.length;
    while (shown > 0 && q.scrollHeight > q.clientHeight + 1) {
      shown -= 1; hidden += 1;
      items[shown].hidden = true;
      if (!more) { more = el("li", "pj-more"); q.appendChild(more); }
      more.textContent = "and " + hidden + " more";
    }
  }
  window.addEventListener("resize", fitQueue);

  function drawVote(v) {
    var box = document.getElementById("pj-vote");
    box.hidden = !v;
    if (!v) { return; }
    set("vote-title", v.title);
    set("vote-status", v.status);
    var outcome = v.outcome;
    set("vote-outcome", outcome);
    box.className = "pj-vote" + (v.state === "open" ? " open" : "") + (outcome ? (v.carried ? " carried" : " lost") : "");
  }

  function drawCode(code) {
    var box = document.getElementById("pj-code");
    box.hidden = !code;
    set("room-code", code || "");
    if (code && code !== lastCode) { document.getElementById("pj-qr").src = qrUrl + "?c=" + encodeURIComponent(code); }
    lastCode = code;
  }

  function render(d) {
    set("present", String(d.present));
    set("quorate", d.quorate ? "quorate" : "not quorate");
    document.getElementById("pj-quorum").className = "pj-quorum " + (d.quorate ? "ok" : "bad");
    set("item", d.item ? d.item.position + ". " + d.item.title : d.state_label);
    itemTitle = d.item ? d.item.title : null;
    drawMotion(d.motion);
    drawSpeakers(d.speakers);
    drawVote(d.vote);
    drawCode(d.room_code);
    fitQueue(); // after everything that takes room from the queue's panel
    set("offline", "");
    root.setAttribute("data-updated", String(Date.now()));
  }

  window.AgoraLive.follow({
    root: root,
    wsPath: root.getAttribute("data-projector-ws"),
    pollUrl: url,
    pollMs: every,
    credentials: "omit",
    onState: render,
    onPollError: function (status) {
      offline.textContent = status === 404
        ? "This projector link is no longer valid: ask the chair for the new one."
        : "Reconnecting…";
    }
  });
  window.setInterval(drawClock, 250);
})();
