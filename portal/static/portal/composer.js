// The staff composer: Inserir puts the chosen canned reply (its placeholders already
// filled by the server) where the cursor is, without reloading the page and without
// losing what was typed. Without the script, Inserir reloads the page with the reply.
(function () {
  "use strict";

  var data = document.getElementById("canned-replies");
  var picker = document.querySelector(".canned-picker");
  var body = document.querySelector(".composer textarea[name=body]");
  if (!data || !picker || !body) {
    return;
  }
  var replies = JSON.parse(data.textContent);

  picker.addEventListener("submit", function (event) {
    event.preventDefault();
    var choice = picker.querySelector("select").value;
    var reply = replies.find(function (item) {
      return String(item.id) === choice;
    });
    if (!reply) {
      return;
    }
    var start = body.selectionStart;
    var end = body.selectionEnd;
    if (typeof start !== "number" || document.activeElement !== body && start === 0 && end === 0) {
      // Never focused: the reply goes after what is there.
      start = end = body.value.length;
    }
    var before = body.value.slice(0, start);
    var after = body.value.slice(end);
    var gap = before && !/\s$/.test(before) ? "\n\n" : "";
    body.value = before + gap + reply.body + after;
    var caret = (before + gap + reply.body).length;
    body.focus();
    body.setSelectionRange(caret, caret);
    // The draft follows, as when typing.
    body.dispatchEvent(new Event("input", { bubbles: true }));
  });
})();
