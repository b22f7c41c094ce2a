// Het gesprek: show the autosave's 409 (a colleague saved meanwhile) and 422 (invalid
// input) fragments instead of dropping them, as htmx does by default for 4xx answers.
(function () {
  "use strict";
  document.addEventListener("htmx:beforeSwap", function (evt) {
    var status = evt.detail.xhr.status;
    if (status === 409 || status === 422) {
      evt.detail.shouldSwap = true;
      evt.detail.isError = false;
    }
  });
})();
