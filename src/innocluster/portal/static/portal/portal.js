/* Progressive enhancement only: every page works without this file.
 * On the join form, show the fields that fit the chosen legal form. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-join-form]");
  if (!form) { return; }
  var legalForm = form.querySelector("[name=legal_form]");
  if (!legalForm) { return; }
  function update() {
    var foreign = legalForm.value === "foreign";
    form.querySelectorAll("[data-show-for=foreign]").forEach(function (el) { el.hidden = !foreign; });
    form.querySelectorAll("[data-show-for=russian]").forEach(function (el) { el.hidden = foreign; });
  }
  legalForm.addEventListener("change", update);
  update();
}());
