// Live meeting state on a member's phone and on the officers' console:
// follows the state pushed over the socket named by [data-live-ws] (polling
// [data-live-url] while the socket is down: live-socket.js) and updates
// [data-field] elements. External file because the Content-Security-Policy
// forbids inline script.
(function () {
  "use strict";
  var holder = document.querySelector("[data-live-url]");
  if (!holder) { return; }
  var url = holder.getAttribute("data-live-url");
  var every = parseInt(holder.getAttribute("data-poll-ms"), 10) || 5000;

  function set(name, text) {
    var nodes = document.querySelectorAll('[data-field="' + name + '"]');
    for (var i = 0; i < nodes.length; i++) { nodes[i].textContent = text; }
  }

  function render(data) {
    set("present", String(data.present));
    set("quorate-label", data.quorate ? "quorate" : "not quorate");
    var quorum = document.getElementById("quorum");
    if (quorum) {
      quorum.classList.toggle("ok", data.quorate);
      quorum.classList.toggle("error", !data.quorate);
    }
    set("current_item", data.current_item || "—");
    if (typeof data.speakers_waiting === "number") { set("waiting", String(data.speakers_waiting)); }
    holder.setAttribute("data-version", String(data.version));
    var v = data.vote;
    if (!v) { return; }
    set("vote-title", v.title);
    // A secret vote's count is null for the public view; figures of a
    // result are null when too few voted (selectors.live_state).
    if (v.voted !== null) { set("voted", String(v.voted)); }
    set("vote-status", v.status);
    set("vote-outcome", v.outcome);
    // The page's vote form (or the console's close button) is for the vote
    // it was drawn with: offer the new one rather than reloading every phone at once.
    var changed = document.getElementById("live-changed");
    if (changed) { changed.hidden = (v.id + ":" + v.state) === holder.getAttribute("data-vote"); }
    var refresh = document.getElementById("speakers-refresh");
    if (refresh && typeof data.speakers_waiting === "number") {
      var stale = String(data.speakers_waiting) !== holder.getAttribute("data-waiting");
      refresh.textContent = stale ? "Show the new list" : "Refresh the list";
      refresh.className = "btn btn-sm " + (stale ? "btn-primary" : "btn-outline-primary");
    }
  }

  window.AgoraLive.follow({
    root: holder,
    wsPath: holder.getAttribute("data-live-ws"),
    pollUrl: url,
    pollMs: every,
    onState: render
  });
})();
