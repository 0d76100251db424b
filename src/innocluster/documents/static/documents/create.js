/* The create page: show the part of the form that fits the chosen content (template or upload).
 * Progressive enhancement only: without script both parts stay visible and labelled. */
(function () {
  "use strict";
  function start() {
    const form = document.querySelector("form.create-form");
    if (!form) {
      return;
    }
    const radios = Array.from(form.querySelectorAll('input[name="source"]'));
    const parts = Array.from(form.querySelectorAll("[data-source]"));
    function update() {
      const chosen = radios.find((radio) => radio.checked);
      if (!chosen) {
        return;
      }
      for (const part of parts) {
        part.hidden = part.dataset.source !== chosen.value;
      }
    }
    for (const radio of radios) {
      radio.addEventListener("change", update);
    }
    update();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
