// Behaviour for all pages. No inline scripts anywhere: the CSP forbids them.
(function () {
  "use strict";
  // Warn before leaving a form with unsaved changes (forms opt in with data-warn-unsaved).
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-warn-unsaved]").forEach(function (form) {
      var dirty = false;
      form.addEventListener("input", function () { dirty = true; });
      form.addEventListener("submit", function () { dirty = false; });
      document.body.addEventListener("htmx:afterRequest", function (evt) {
        if (evt.detail.elt === form && evt.detail.successful) { dirty = false; }
      });
      window.addEventListener("beforeunload", function (evt) {
        if (dirty) { evt.preventDefault(); evt.returnValue = ""; }
      });
    });
  });
})();
