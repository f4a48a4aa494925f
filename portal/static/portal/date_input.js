// Date fields typed as dd/mm/aaaa (inputs marked data-date-input): the slashes appear as
// one types the digits, and eight digits pasted or typed without slashes are set apart
// on leaving the field. Without this script the field still takes 10/12/2026 or
// 2026-12-10 as typed.
(function () {
  "use strict";
  function onInput(event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[data-date-input]")) {
      return;
    }
    if (event.inputType && event.inputType.indexOf("insert") !== 0) {
      return; // deleting: leave the slashes to the person
    }
    var value = input.value.replace(/\/\/+/g, "/");
    if (/^\d{2}$/.test(value) || /^\d{1,2}\/\d{2}$/.test(value)) {
      value += "/";
    }
    if (value !== input.value) {
      input.value = value;
    }
  }
  function onChange(event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[data-date-input]")) {
      return;
    }
    var digits = input.value.trim();
    if (/^\d{8}$/.test(digits)) {
      input.value = digits.slice(0, 2) + "/" + digits.slice(2, 4) + "/" + digits.slice(4);
    }
  }
  document.addEventListener("input", onInput);
  document.addEventListener("change", onChange);
})();
