// Following a meeting's state: a WebSocket the server pushes each new state
// to (meetings/consumers.py); while it cannot connect or after it drops,
// polling the same state from its JSON address, and reconnecting with
// backoff. States carry a version: an older one than shown is ignored, so a
// late poll answer never undoes a newer push. The element's data-live says
// which is in use ("push" or "poll"). External file: the
// Content-Security-Policy forbids inline script.
(function () {
  "use strict";

  function follow(opts) {
    var shown = 0, socket = null, pollTimer = null, delay = 1000;

    function apply(state) {
      if (!state || typeof state.version !== "number" || state.version < shown) { return; }
      shown = state.version;
      opts.onState(state);
    }

    function poll() {
      pollTimer = null;
      fetch(opts.pollUrl, { credentials: opts.credentials || "same-origin", cache: "no-store", headers: { Accept: "application/json" } })
        .then(function (r) {
          if (!r.ok) { if (opts.onPollError) { opts.onPollError(r.status); } return null; }
          return r.json();
        })
        .then(apply)
        .catch(function () { if (opts.onPollError) { opts.onPollError(0); } })
        .then(function () { if (!socket || socket.readyState !== 1) { schedulePoll(); } });
    }

    function schedulePoll() { if (pollTimer === null) { pollTimer = window.setTimeout(poll, opts.pollMs); } }
    function stopPolling() { if (pollTimer !== null) { window.clearTimeout(pollTimer); pollTimer = null; } }

    function reconnectLater() {
      window.setTimeout(connect, delay / 2 + Math.random() * delay);
      delay = Math.min(delay * 2, 30000);
    }

    function connect() {
      if (!opts.wsPath || !("WebSocket" in window)) { schedulePoll(); return; }
      try {
        socket = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + opts.wsPath);
      } catch (e) { socket = null; schedulePoll(); reconnectLater(); return; }
      socket.onopen = function () {
        delay = 1000;
        stopPolling();
        opts.root.setAttribute("data-live", "push");
      };
      socket.onmessage = function (event) {
        var state = null;
        try { state = JSON.parse(event.data); } catch (e) { return; }
        apply(state);
      };
      socket.onclose = function (event) {
        socket = null;
        opts.root.setAttribute("data-live", "poll");
        schedulePoll();
        reconnectLater(); // a refused socket (HTTP 403) too: at most every 30 s, while polling
      };
    }

    opts.root.setAttribute("data-live", "poll");
    connect();
  }

  window.AgoraLive = { follow: follow };
})();
