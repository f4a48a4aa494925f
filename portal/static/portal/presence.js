// The staff request page's heartbeat: every few seconds it tells the server the page is
// open and shows who else has it open ("Carla Agente também está vendo") and whether
// someone wrote or changed something since the page was drawn. It rests while the tab
// is hidden and says goodbye when the page closes.
(function () {
  "use strict";

  var form = document.querySelector("form[data-presence]");
  if (!form || !window.fetch) {
    return;
  }
  var every = (parseInt(form.dataset.every, 10) || 10) * 1000;
  var text = form.querySelector("[data-presence-text]");
  var news = form.querySelector("[data-presence-news]");
  var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var timer = null;

  function payload(extra) {
    var data = new FormData();
    data.append("csrfmiddlewaretoken", token);
    data.append("version", form.dataset.version || "");
    Object.keys(extra || {}).forEach(function (key) {
      data.append(key, extra[key]);
    });
    return data;
  }

  function beat() {
    fetch(form.action, { method: "POST", body: payload(), credentials: "same-origin" })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (answer) {
        if (!answer) {
          return;
        }
        if (text.textContent !== answer.text) {
          text.textContent = answer.text;
        }
        if (news.textContent !== answer.news) {
          news.textContent = answer.news;
        }
      })
      .catch(function () {});
  }

  function start() {
    if (!timer) {
      beat();
      timer = setInterval(beat, every);
    }
  }

  function stop() {
    clearInterval(timer);
    timer = null;
  }

  document.addEventListener("visibilitychange", function () {
    if (document.hidden) {
      stop();
    } else {
      start();
    }
  });
  window.addEventListener("pagehide", function () {
    stop();
    if (navigator.sendBeacon) {
      navigator.sendBeacon(form.action, payload({ leave: "1" }));
    }
  });
  timer = setInterval(beat, every);
})();
