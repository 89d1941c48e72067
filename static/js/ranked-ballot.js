// Ranked ballot: after each change, say the order so far in the question's
// live region, so a screen reader hears "Your order: 1 Alice, 2 Ben" and any
// number given twice. The form works without this script.
(function () {
  "use strict";
  function describe(fieldset) {
    var inputs = fieldset.querySelectorAll("input[type=number]");
    var ranked = [];
    var seen = {};
    var repeated = [];
    inputs.forEach(function (input) {
      var value = parseInt(input.value, 10);
      if (!isNaN(value)) {
        var label = fieldset.querySelector("label[for='" + input.id + "']");
        ranked.push({ rank: value, name: label ? label.textContent.trim() : input.name });
        if (seen[value]) { repeated.push(value); }
        seen[value] = true;
      }
    });
    ranked.sort(function (a, b) { return a.rank - b.rank; });
    if (!ranked.length) { return "No candidates numbered yet."; }
    var text = "Your order: " + ranked.map(function (r) { return r.rank + " " + r.name; }).join(", ") + ".";
    if (repeated.length) { text += " Number " + repeated.join(", ") + " is given more than once."; }
    return text;
  }
  document.querySelectorAll("[data-rank-order]").forEach(function (region) {
    var fieldset = region.closest("fieldset");
    fieldset.addEventListener("input", function () { region.textContent = describe(fieldset); });
  });
})();
