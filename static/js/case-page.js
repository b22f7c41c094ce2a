// The case page's tabs with htmx: a tab click swaps only the panel (#case-panel) and pushes
// the tab's URL. Afterwards the active tab (aria-current), the document title and the focus
// follow the new panel. Without JavaScript the tabs are plain links to full pages.
(function () {
  "use strict";
  function syncTabs(panel) {
    var key = panel.getAttribute("data-section");
    document.querySelectorAll(".case-tabs [data-section]").forEach(function (link) {
      if (link.getAttribute("data-section") === key) {
        link.setAttribute("aria-current", "page");
      } else {
        link.removeAttribute("aria-current");
      }
    });
    var title = panel.getAttribute("data-title");
    if (title) { document.title = title; }
  }
  document.addEventListener("htmx:afterSettle", function (evt) {
    var panel = document.getElementById("case-panel");
    if (!panel || !evt.detail || !evt.detail.elt) { return; }
    var trigger = evt.detail.requestConfig && evt.detail.requestConfig.elt;
    if (!trigger || !trigger.closest || !trigger.closest(".case-tabs")) { return; }
    syncTabs(panel);
    var heading = document.getElementById("case-panel-heading");
    if (heading) { heading.focus({ preventScroll: false }); }
  });
})();
