// Forms nobody misses. Loaded on every page (base.html); everything it adds is optional,
// the forms work the same without it.
//
// 1. The error summary ([data-error-summary], partials/form_errors.html) takes the focus
//    when the page opens, so a failed form is noticed even when its errors are a screen
//    or two down; its links move the focus to their field.
// 2. In forms marked data-upload, each file input with the limits (data-max-files,
//    data-max-bytes, data-extensions and data-msg-*, from the server: the settings and
//    the server's own messages in the page's language) gets a list of the chosen files,
//    each with a remove button, a drop zone around it, and checks of count, size and type
//    before anything is sent. A form with files is sent by XMLHttpRequest to show the
//    upload's progress; a redirect is loaded as usual, and a form that comes back with
//    errors replaces the page, with the files the server accepted put back in their
//    input (browsers never send chosen files twice, and nothing picked must be lost).
//    The server checks everything again.
(function () {
  "use strict";

  var SELF = document.currentScript ? document.currentScript.src : "";
  var MEGABYTE = 1024 * 1024;

  function fill(template, values) {
    return (template || "").replace(/\{(\w+)\}/g, function (whole, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : whole;
    });
  }

  function readableSize(bytes) {
    var lang = document.documentElement.lang || undefined;
    if (bytes >= MEGABYTE) {
      return (bytes / MEGABYTE).toLocaleString(lang, { maximumFractionDigits: 1 }) + " MB";
    }
    if (bytes >= 1024) {
      return Math.round(bytes / 1024).toLocaleString(lang) + " KB";
    }
    return bytes.toLocaleString(lang) + " bytes";
  }

  function extensionOf(name) {
    var dot = name.lastIndexOf(".");
    return dot < 0 ? "" : name.slice(dot + 1).toLowerCase();
  }

  // --- The error summary

  function focusField(id) {
    var field = document.getElementById(id);
    if (!field) {
      return false;
    }
    var box = field.closest(".field, fieldset") || field;
    field.focus({ preventScroll: true });
    box.scrollIntoView({ block: "center" });
    return true;
  }

  function setUpSummary(summary) {
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (link && focusField(decodeURIComponent(link.getAttribute("href").slice(1)))) {
        event.preventDefault();
      }
    });
  }

  function focusSummary(summary) {
    summary.focus({ preventScroll: true });
    summary.scrollIntoView({ block: "start" });
  }

  // --- Files

  function makeElement(tag, className, text) {
    var element = document.createElement(tag);
    if (className) {
      element.className = className;
    }
    if (text) {
      element.textContent = text;
    }
    return element;
  }

  // One file input: its chosen files (kept as File objects, put in the input with a
  // DataTransfer so a plain submission sends them too) and the refused ones, listed with
  // the reason until removed.
  function FilePicker(input) {
    this.input = input;
    this.data = input.dataset;
    this.maxFiles = parseInt(this.data.maxFiles, 10);
    this.maxBytes = parseInt(this.data.maxBytes, 10);
    this.extensions = (this.data.extensions || "").split(" ");
    this.entries = []; // {file, error}
    this.build();
  }

  FilePicker.prototype.build = function () {
    var picker = this;
    var input = this.input;
    var zone = input.closest("[data-file-field]") || input.closest(".field") || input.parentNode;
    zone.classList.add("dropzone");
    this.zone = zone;
    var hint = makeElement("p", "dropzone-hint", this.data.msgDrop);
    hint.id = input.id + "_drop";
    var field = input.closest(".field") || zone;
    field.appendChild(hint);
    this.errors = makeElement("ul", "errors");
    this.errors.id = input.id + "_refused";
    this.errors.setAttribute("aria-live", "polite");
    field.appendChild(this.errors);
    this.list = makeElement("ul", "chosen-files");
    this.list.setAttribute("aria-label", this.data.msgChosen || "");
    this.list.hidden = true;
    field.appendChild(this.list);
    var described = (input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    described.push(this.errors.id);
    input.setAttribute("aria-describedby", described.join(" "));

    input.addEventListener("change", function () {
      // The input shows only the latest choice; the list adds it to what was chosen.
      var chosen = Array.prototype.slice.call(input.files || []);
      picker.add(chosen.filter(function (file) {
        return !picker.entries.some(function (entry) {
          return entry.file === file;
        });
      }));
    });
    zone.addEventListener("dragover", function (event) {
      if (event.dataTransfer && Array.prototype.indexOf.call(event.dataTransfer.types, "Files") >= 0) {
        event.preventDefault();
        zone.classList.add("dropzone-over");
      }
    });
    zone.addEventListener("dragleave", function (event) {
      if (!zone.contains(event.relatedTarget)) {
        zone.classList.remove("dropzone-over");
      }
    });
    zone.addEventListener("drop", function (event) {
      zone.classList.remove("dropzone-over");
      if (!event.dataTransfer || !event.dataTransfer.files.length) {
        return;
      }
      event.preventDefault();
      picker.add(Array.prototype.slice.call(event.dataTransfer.files));
    });
  };

  FilePicker.prototype.problem = function (file, position) {
    var values = { name: file.name, size: readableSize(file.size), count: position };
    if (this.extensions.indexOf(extensionOf(file.name)) < 0) {
      return fill(this.data.msgType, values);
    }
    if (file.size === 0) {
      return fill(this.data.msgEmpty, values);
    }
    if (file.size > this.maxBytes) {
      return fill(this.data.msgSize, values);
    }
    return "";
  };

  FilePicker.prototype.add = function (files) {
    var picker = this;
    files.forEach(function (file) {
      var error = picker.problem(file);
      if (!error && picker.accepted().length >= picker.maxFiles) {
        error = fill(picker.data.msgCount, { count: picker.accepted().length + 1 });
      }
      picker.entries.push({ file: file, error: error });
    });
    this.sync();
  };

  FilePicker.prototype.accepted = function () {
    return this.entries.filter(function (entry) {
      return !entry.error;
    }).map(function (entry) {
      return entry.file;
    });
  };

  FilePicker.prototype.refused = function () {
    return this.entries.filter(function (entry) {
      return entry.error;
    });
  };

  FilePicker.prototype.remove = function (index) {
    this.entries.splice(index, 1);
    this.sync();
    var buttons = this.list.querySelectorAll("button");
    (buttons[Math.min(index, buttons.length - 1)] || this.input).focus();
  };

  FilePicker.prototype.sync = function () {
    var picker = this;
    var transfer = new DataTransfer();
    this.accepted().forEach(function (file) {
      transfer.items.add(file);
    });
    this.input.files = transfer.files;
    this.list.textContent = "";
    this.entries.forEach(function (entry, index) {
      var item = makeElement("li", entry.error ? "chosen-file chosen-file-refused" : "chosen-file");
      item.appendChild(makeElement("span", "chosen-file-name", entry.file.name));
      item.appendChild(makeElement("span", "chosen-file-size muted", readableSize(entry.file.size)));
      var button = makeElement("button", "button button-ghost button-small", picker.data.msgRemove);
      button.type = "button";
      button.setAttribute("aria-label", fill(picker.data.msgRemoveName, { name: entry.file.name }));
      button.addEventListener("click", function () {
        picker.remove(index);
      });
      item.appendChild(button);
      picker.list.appendChild(item);
    });
    this.list.hidden = !this.entries.length;
    this.errors.textContent = "";
    this.refused().forEach(function (entry) {
      picker.errors.appendChild(makeElement("li", "", entry.error));
    });
    var field = this.input.closest(".field");
    if (field) {
      field.classList.toggle("field-picked-invalid", this.refused().length > 0);
    }
  };

  // --- Sending with progress

  function summaryFor(form, pickers) {
    var old = form.querySelector("[data-error-summary]");
    if (old) {
      old.remove();
    }
    var first = pickers[0].input;
    var summary = makeElement("div", "form-errors error-summary");
    summary.setAttribute("role", "alert");
    summary.setAttribute("tabindex", "-1");
    summary.setAttribute("data-error-summary", "");
    summary.appendChild(makeElement("h2", "error-summary-title", first.dataset.msgSummary));
    var list = makeElement("ul");
    pickers.forEach(function (picker) {
      picker.refused().forEach(function (entry) {
        var link = makeElement("a", "", entry.error);
        link.href = "#" + picker.input.id;
        var item = makeElement("li");
        item.appendChild(link);
        list.appendChild(item);
      });
    });
    summary.appendChild(list);
    var token = form.querySelector("input[name=csrfmiddlewaretoken]");
    form.insertBefore(summary, token ? token.nextSibling : form.firstChild);
    setUpSummary(summary);
    return summary;
  }

  function runScripts(body) {
    // Scripts put in by replacing the body do not run; fresh copies do (same address,
    // allowed by the page's Content-Security-Policy like the first time).
    body.querySelectorAll("script[src]").forEach(function (old) {
      if (old.src === SELF) {
        return;
      }
      var script = document.createElement("script");
      script.src = old.src;
      script.async = false;
      old.replaceWith(script);
    });
  }

  function replacePage(html, carried) {
    var parsed = new DOMParser().parseFromString(html, "text/html");
    document.title = parsed.title;
    document.body.replaceWith(document.adoptNode(parsed.body));
    runScripts(document.body);
    setUp(document, carried);
  }

  function carry(pickers) {
    // The files of each picker, by the input's id, to put back in the page that comes back.
    var files = {};
    pickers.forEach(function (picker) {
      files[picker.input.id] = picker.accepted();
    });
    return files;
  }

  function follow(address) {
    var next = new URL(address, window.location.href);
    var here = new URL(window.location.href);
    next.hash = here.hash = "";
    if (next.href !== here.href) {
      window.location.assign(address);
      return;
    }
    // The same page at another #fragment (the answer just sent): assign() would only
    // scroll, so the page is loaded again, at the fragment.
    history.scrollRestoration = "manual";
    history.replaceState(null, "", address);
    window.location.reload();
  }

  function send(form, pickers, submitter) {
    var data = new FormData(form, submitter || undefined);
    var first = pickers[0].input.dataset;
    var box = makeElement("div", "upload-progress");
    var label = makeElement("span", "upload-progress-label", first.msgSending);
    label.id = (form.id || pickers[0].input.id) + "_progress_label";
    var bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute("aria-labelledby", label.id);
    box.appendChild(label);
    box.appendChild(bar);
    box.setAttribute("role", "status");
    var actions = form.querySelector(".form-actions") || form.lastElementChild;
    form.insertBefore(box, actions);
    var buttons = form.querySelectorAll("button[type=submit], button:not([type])");
    buttons.forEach(function (button) {
      button.disabled = true;
    });
    form.setAttribute("aria-busy", "true");

    var request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.setRequestHeader("X-Portal-Upload", "1");
    request.upload.addEventListener("progress", function (event) {
      if (event.lengthComputable) {
        bar.value = Math.round((event.loaded / event.total) * 100);
      }
    });
    function failed() {
      box.remove();
      buttons.forEach(function (button) {
        button.disabled = false;
      });
      form.removeAttribute("aria-busy");
      var message = makeElement("p", "message message-error upload-failed", first.msgFailed);
      message.setAttribute("role", "alert");
      form.insertBefore(message, actions);
    }
    request.addEventListener("load", function () {
      var next = request.getResponseHeader("X-Portal-Location");
      if (next) {
        bar.value = 100;
        follow(next);
      } else if ((request.getResponseHeader("Content-Type") || "").indexOf("text/html") === 0) {
        replacePage(request.responseText, carry(pickers));
      } else {
        failed();
      }
    });
    request.addEventListener("error", failed);
    request.addEventListener("abort", failed);
    request.send(data);
  }

  function setUpUploadForm(form, carried) {
    var pickers = Array.prototype.map.call(
      form.querySelectorAll("input[type=file][data-max-bytes]"),
      function (input) {
        return new FilePicker(input);
      }
    );
    if (!pickers.length) {
      return;
    }
    pickers.forEach(function (picker) {
      var files = carried && carried[picker.input.id];
      var listed = document.querySelector("[data-accepted-files='" + picker.input.id + "']");
      if (!files || !files.length || !listed) {
        return;
      }
      // Put back what the server accepted (listed by name); the refused ones stay out,
      // their errors are beside the field.
      var names = Array.prototype.map.call(listed.querySelectorAll("[data-name]"), function (item) {
        return item.getAttribute("data-name");
      });
      picker.add(files.filter(function (file) {
        return names.indexOf(file.name) >= 0;
      }));
      listed.hidden = true;
    });
    form.addEventListener("submit", function (event) {
      var refused = pickers.some(function (picker) {
        return picker.refused().length > 0;
      });
      if (refused) {
        // Nothing is sent while a refused file is listed: the person removes it first.
        event.preventDefault();
        focusSummary(summaryFor(form, pickers));
        return;
      }
      var withFiles = pickers.some(function (picker) {
        return picker.accepted().length > 0;
      });
      if (!withFiles || typeof XMLHttpRequest === "undefined" || form.getAttribute("aria-busy")) {
        if (form.getAttribute("aria-busy")) {
          event.preventDefault();
        }
        return;
      }
      event.preventDefault();
      send(form, pickers, event.submitter);
    });
  }

  function setUp(root, carried) {
    root.querySelectorAll("form[data-upload]").forEach(function (form) {
      setUpUploadForm(form, carried);
    });
    var summaries = root.querySelectorAll("[data-error-summary]");
    summaries.forEach(setUpSummary);
    if (summaries.length) {
      focusSummary(summaries[0]);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      setUp(document);
    });
  } else {
    setUp(document);
  }
})();
