// Drafts: what is typed in a form marked data-draft="<url>" (its textarea "body", and the
// "internal" box on the staff composer) is kept on the server a moment after typing
// stops, so it comes back after a reload or on another device. Sending the form clears
// it on the server. The line [data-draft-status] says when it was last kept.
(function () {
  "use strict";

  function setUp(form) {
    var body = form.querySelector("textarea[name=body]");
    var token = form.querySelector("input[name=csrfmiddlewaretoken]");
    if (!body || !token) {
      return;
    }
    var internal = form.querySelector("input[name=internal]");
    var status = form.querySelector("[data-draft-status]");
    var timer = null;
    var sending = false;

    function state() {
      return body.value + "\u0000" + (internal && internal.checked ? "1" : "");
    }

    var kept = state();

    function tell(template, time) {
      if (status && template) {
        status.textContent = template.replace("{time}", time || "");
      }
    }

    function save(keepalive) {
      timer = null;
      var now = state();
      if (now === kept || sending) {
        return;
      }
      var data = new FormData();
      data.append("csrfmiddlewaretoken", token.value);
      data.append("body", body.value);
      if (internal && internal.checked) {
        data.append("internal", "on");
      }
      sending = true;
      fetch(form.dataset.draft, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        keepalive: !!keepalive,
      })
        .then(function (response) {
          if (!response.ok) {
            throw new Error(String(response.status));
          }
          return response.json();
        })
        .then(function (answer) {
          kept = now;
          tell(status && status.dataset.saved, answer.saved_at);
        })
        .catch(function () {
          tell(status && status.dataset.failed);
        })
        .finally(function () {
          sending = false;
          if (state() !== kept && !timer) {
            later();
          }
        });
    }

    function later() {
      if (timer) {
        clearTimeout(timer);
      }
      timer = setTimeout(save, 800);
    }

    body.addEventListener("input", later);
    if (internal) {
      internal.addEventListener("change", later);
    }
    form.addEventListener("submit", function () {
      // The message is on its way: what is typed is no draft any more.
      if (timer) {
        clearTimeout(timer);
        timer = null;
      }
      kept = state();
    });
    window.addEventListener("pagehide", function () {
      if (timer) {
        clearTimeout(timer);
        save(true);
      }
    });
  }

  document.querySelectorAll("form[data-draft]").forEach(setUp);
})();
