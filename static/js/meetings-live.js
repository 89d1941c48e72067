// Live meeting state for the projector and the console: polls the JSON feed
// named by [data-live-url] and updates [data-field] elements. External file
// because the Content-Security-Policy forbids inline script.
(function () {
  "use strict";
  var holder = document.querySelector("[data-live-url]");
  if (!holder) { return; }
  var url = holder.getAttribute("data-live-url");
  var every = parseInt(holder.getAttribute("data-poll-ms"), 10) || 2000;

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
    var v = data.vote;
    if (!v) { return; }
    set("vote-title", v.title);
    // A secret vote's count is null for the public view; figures of a
    // result are null when too few voted.
    if (v.voted !== null) { set("voted", String(v.voted)); }
    var status = v.mode_label + " — ";
    if (v.state === "open") { status += v.voted === null ? "voting" : v.voted + " voted"; }
    else if (v.state === "closed") { status += "counting"; }
    else if (v.votes_for === null) { status += "figures withheld: too few voted"; }
    else { status += v.votes_for + " for, " + v.votes_against + " against, " + v.abstentions + " abstentions"; }
    set("vote-status", status);
    set("vote-outcome", v.state === "decided" ? (v.carried ? "CARRIED" : "LOST") : "");
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) { render(data); } })
      .catch(function () { /* keep the last state; try again next tick */ })
      .then(function () { window.setTimeout(poll, every); });
  }
  window.setTimeout(poll, every);
})();
