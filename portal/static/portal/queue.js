// The queue's filters fold on a phone: they stay open on wider screens and without
// script, and fold when the screen is narrow unless one of them is in use.
(function () {
  "use strict";
  var phone = window.matchMedia("(max-width: 640px)");
  document.querySelectorAll("details[data-fold-on-phone]").forEach(function (details) {
    var inUse = details.querySelector("summary .count") !== null;
    function fit() { details.open = !phone.matches || inUse; }
    fit();
    phone.addEventListener("change", fit);
  });
})();

// Em lote: "every row on this page" ticks the rows; the fold opens and counts what is
// chosen once a row is ticked.
(function () {
  "use strict";
  var fold = document.querySelector("[data-bulk-fold]");
  if (!fold) {
    return;
  }
  var picks = Array.prototype.slice.call(document.querySelectorAll("input.bulk-pick"));
  var page = fold.querySelector("[data-bulk-page]");
  var whole = fold.querySelector("input[name=whole_filter]");
  var count = fold.querySelector("[data-bulk-count]");
  var template = count.dataset.template || "";

  function update() {
    var chosen = picks.filter(function (pick) { return pick.checked; }).length;
    count.textContent = whole.checked ? "" : chosen ? "(" + chosen + ")" : "";
    if (chosen || whole.checked) {
      fold.open = true;
    }
    page.checked = chosen === picks.length && chosen > 0;
  }

  picks.forEach(function (pick) { pick.addEventListener("change", update); });
  page.addEventListener("change", function () {
    picks.forEach(function (pick) { pick.checked = page.checked; });
    update();
  });
  whole.addEventListener("change", update);
  update();
})();
