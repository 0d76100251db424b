/* Progressive enhancement only: every navigator page works without this file.
 * Print and copy buttons; the operators' "Test" answers in place. */
(function () {
  "use strict";
  // An error summary takes the focus, so a screen reader reads it first.
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
  // Closed <details> do not print: open them for the printout, then put them back.
  var closed = [];
  window.addEventListener("beforeprint", function () {
    closed = Array.prototype.filter.call(document.querySelectorAll("details"), function (d) { return !d.open; });
    closed.forEach(function (d) { d.open = true; });
  });
  window.addEventListener("afterprint", function () {
    closed.forEach(function (d) { d.open = false; });
    closed = [];
  });

  document.querySelectorAll("[data-copy]").forEach(function (button) {
    var input = document.querySelector(button.getAttribute("data-copy"));
    var status = button.parentNode.querySelector(".copy-status");
    if (!input) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      input.select();
      var done = function () { if (status) { status.textContent = status.getAttribute("data-copied-text"); } };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(input.value).then(done, function () { document.execCommand("copy"); done(); });
      } else {
        document.execCommand("copy");
        done();
      }
    });
  });

  var editor = document.querySelector("form[data-rule-editor]");
  if (editor && window.fetch && window.FormData) {
    var target = document.getElementById("test-results");
    var button = editor.querySelector("[data-test-button]");
    button.addEventListener("click", function (event) {
      event.preventDefault();
      var data = new FormData(editor);
      data.set("action", "test");
      button.disabled = true;
      fetch(editor.getAttribute("action"), {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-Navigator-Partial": "test" }
      }).then(function (response) { return response.text(); }).then(function (html) {
        target.innerHTML = html;
        var summary = target.querySelector(".error-summary");
        if (summary) { summary.focus(); }
      }).catch(function () {
        editor.requestSubmit ? editor.requestSubmit(button) : editor.submit();
      }).then(function () { button.disabled = false; });
    });
  }
}());
