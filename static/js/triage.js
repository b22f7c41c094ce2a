// Triage form: show only the fields of the chosen route. Without JavaScript every group is
// shown with a legend saying when it applies (and the server ignores the other routes'
// fields). A hidden group is also disabled, so its fields are not submitted.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var chooser = document.querySelector("[data-triage-route]");
    if (!chooser) { return; }
    var groups = document.querySelectorAll("[data-route-group]");
    function update() {
      var checked = chooser.querySelector("input[type=radio]:checked");
      var route = checked ? checked.value : "";
      groups.forEach(function (group) {
        var applies = group.getAttribute("data-route-group").split(" ").indexOf(route) !== -1;
        group.hidden = !applies;
        group.disabled = !applies;
      });
    }
    chooser.addEventListener("change", update);
    update();
  });
})();
