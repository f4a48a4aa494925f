// NOVA SOLICITAÇÃO: show the fields of the chosen service as soon as it is chosen.
// Each service's fields come in a fieldset marked data-service-fields; the others stay
// hidden and disabled, so they are not sent. Without this script the form still works:
// the page shows the service's fields after the first "Salvar".
(function () {
  "use strict";
  var select = document.getElementById("id_service");
  var sets = document.querySelectorAll("fieldset[data-service-fields]");
  if (!select || !sets.length) {
    return;
  }
  function show() {
    sets.forEach(function (set) {
      var chosen = set.getAttribute("data-service-fields") === select.value;
      set.hidden = !chosen;
      set.disabled = !chosen;
    });
  }
  select.addEventListener("change", show);
  // Also when the browser restores the page (back button) with a service chosen.
  window.addEventListener("pageshow", show);
  show();
})();
