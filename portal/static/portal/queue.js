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
