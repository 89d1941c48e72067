// The minutes editor's live preview. The text is posted to the preview
// endpoint named by [data-preview-url], which renders it with the same
// Markdown and sanitiser as the published minutes; the answer (sanitised
// HTML) replaces the preview. External file: the Content-Security-Policy
// allows only this site's scripts.
(function () {
  "use strict";
  var area = document.querySelector("textarea[data-preview-url]");
  var target = document.getElementById("minutes-preview");
  if (!area || !target) { return; }
  var url = area.getAttribute("data-preview-url");
  var form = area.form;
  var token = form ? form.querySelector("input[name=csrfmiddlewaretoken]") : null;
  var status = document.getElementById("minutes-preview-status");
  var timer = null;
  var sent = 0;

  function show(text) { if (status) { status.textContent = text; } }

  function refresh() {
    var mine = ++sent;
    var body = new URLSearchParams();
    body.set("text", area.value);
    show("Updating the preview…");
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": token ? token.value : "", "Content-Type": "application/x-www-form-urlencoded" },
      body: body.toString()
    }).then(function (response) {
      return response.text().then(function (text) { return { ok: response.ok, text: text }; });
    }).then(function (answer) {
      if (mine !== sent) { return; }  // a newer preview is on its way
      if (answer.ok) { target.innerHTML = answer.text; show("Preview up to date."); }
      else { show(answer.text || "The preview could not be updated."); }
    }).catch(function () { if (mine === sent) { show("The preview could not be updated (offline?)."); } });
  }

  area.addEventListener("input", function () {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(refresh, 300);
  });
})();
