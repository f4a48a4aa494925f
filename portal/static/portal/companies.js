// The queue's company filter: as one types a name, the matching client companies are
// suggested (a small JSON list from the server); picking one filters by that company.
// Without the script, the typed name filters by name.
(function () {
  "use strict";

  var box = document.querySelector("[data-suggest]");
  if (!box || !window.fetch) {
    return;
  }
  var input = box.querySelector("input[type=text]");
  var hidden = box.querySelector("input[type=hidden][name=company]");
  var list = document.createElement("ul");
  list.className = "suggestions";
  list.id = input.id + "_suggestions";
  list.setAttribute("role", "listbox");
  list.hidden = true;
  box.appendChild(list);
  input.setAttribute("aria-controls", list.id);
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  var timer = null;
  var active = -1;

  function close() {
    list.hidden = true;
    list.innerHTML = "";
    active = -1;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function choose(item) {
    input.value = item.dataset.name;
    hidden.value = item.dataset.id;
    close();
  }

  function show(companies) {
    list.innerHTML = "";
    companies.forEach(function (company, index) {
      var item = document.createElement("li");
      item.id = list.id + "_" + index;
      item.setAttribute("role", "option");
      item.dataset.id = company.id;
      item.dataset.name = company.name;
      item.textContent = company.name;
      item.addEventListener("mousedown", function (event) {
        event.preventDefault();
        choose(item);
      });
      list.appendChild(item);
    });
    list.hidden = companies.length === 0;
    input.setAttribute("aria-expanded", companies.length ? "true" : "false");
  }

  function mark(index) {
    var items = list.querySelectorAll("li");
    if (!items.length) {
      return;
    }
    active = (index + items.length) % items.length;
    items.forEach(function (item, i) {
      item.setAttribute("aria-selected", i === active ? "true" : "false");
    });
    input.setAttribute("aria-activedescendant", items[active].id);
  }

  input.addEventListener("input", function () {
    hidden.value = ""; // a name typed anew is no longer the company picked
    clearTimeout(timer);
    var text = input.value.trim();
    if (!text) {
      close();
      return;
    }
    timer = setTimeout(function () {
      fetch(box.dataset.suggest + "?q=" + encodeURIComponent(text), { credentials: "same-origin" })
        .then(function (response) {
          return response.ok ? response.json() : { companies: [] };
        })
        .then(function (answer) {
          show(answer.companies || []);
        })
        .catch(close);
    }, 200);
  });
  input.addEventListener("keydown", function (event) {
    if (list.hidden) {
      return;
    }
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      mark(active + (event.key === "ArrowDown" ? 1 : -1));
    } else if (event.key === "Enter" && active >= 0) {
      event.preventDefault();
      choose(list.querySelectorAll("li")[active]);
    } else if (event.key === "Escape") {
      close();
    }
  });
  input.addEventListener("blur", close);
})();
