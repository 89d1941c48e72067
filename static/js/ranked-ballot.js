// The ballot paper, as the member fills it in.
// Ranked questions: after each change, say the order so far in the question's
// live region ("Your order: 1 Alice, 2 Ben"), and name any number given twice
// or skipped. Before the paper goes to the check page, any such problem
// stops it, is listed at the top of the paper and takes the focus, so a
// screen reader hears it. The form works without this script: the server
// checks the same rules and shows the paper again as it was filled in.
(function () {
  "use strict";
  function ranked(fieldset) {
    var entries = [];
    fieldset.querySelectorAll("input[type=number]").forEach(function (input) {
      var raw = input.value.trim();
      if (raw === "") { return; }
      var label = fieldset.querySelector("label[for='" + input.id + "']");
      entries.push({ rank: Number(raw), raw: raw, input: input, name: label ? label.textContent.trim() : input.name });
    });
    return entries;
  }
  function problems(fieldset) {
    var entries = ranked(fieldset);
    var found = [];
    var counts = {};
    entries.forEach(function (e) {
      if (!/^[0-9]+$/.test(e.raw) || e.rank < 1) { found.push("“" + e.raw + "” beside " + e.name + " is not a number 1, 2, 3…"); return; }
      counts[e.rank] = (counts[e.rank] || 0) + 1;
    });
    Object.keys(counts).forEach(function (rank) {
      if (counts[rank] > 1) { found.push("Number " + rank + " is given more than once."); }
    });
    var highest = Math.max.apply(null, [0].concat(Object.keys(counts).map(Number)));
    for (var n = 1; n < highest; n++) {
      if (!counts[n]) { found.push("Number " + n + " is missing: number your choices 1, 2, 3… without gaps."); }
    }
    return found;
  }
  function describe(fieldset) {
    var entries = ranked(fieldset).filter(function (e) { return /^[0-9]+$/.test(e.raw); });
    entries.sort(function (a, b) { return a.rank - b.rank; });
    var text = entries.length
      ? "Your order: " + entries.map(function (e) { return e.rank + " " + e.name; }).join(", ") + "."
      : "No candidates numbered yet.";
    var issues = problems(fieldset);
    return issues.length ? text + " " + issues.join(" ") : text;
  }
  document.querySelectorAll("[data-rank-order]").forEach(function (region) {
    var fieldset = region.closest("fieldset");
    fieldset.addEventListener("input", function () { region.textContent = describe(fieldset); });
    if (ranked(fieldset).length) { region.textContent = describe(fieldset); }
  });
  document.querySelectorAll("form[data-ballot-paper]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      var box = form.querySelector("[data-paper-problems]");
      var all = [];
      form.querySelectorAll("fieldset").forEach(function (fieldset) {
        if (!fieldset.querySelector("[data-rank-order]")) { return; }
        var legend = fieldset.querySelector("legend");
        problems(fieldset).forEach(function (p) { all.push((legend ? legend.textContent.trim() + ": " : "") + p); });
      });
      if (!all.length || !box) { return; }
      event.preventDefault();
      box.textContent = "";
      var heading = document.createElement("p");
      heading.className = "fw-semibold mb-1";
      heading.textContent = "Please correct your paper before checking it:";
      var list = document.createElement("ul");
      list.className = "mb-0";
      all.forEach(function (p) { var li = document.createElement("li"); li.textContent = p; list.appendChild(li); });
      box.appendChild(heading);
      box.appendChild(list);
      box.hidden = false;
      box.focus();
    });
  });
})();
