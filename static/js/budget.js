// The controller's monthly chart (Chart.js, vendored). The figures come from a
// json_script element; the same figures are in the table beside the chart.
(function () {
  "use strict";
  function draw() {
    var canvas = document.querySelector("canvas.budget-months-chart");
    var source = document.getElementById("budget-months-data");
    if (!canvas || !source || typeof window.Chart === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    if (canvas._chart) { canvas._chart.destroy(); }
    canvas._chart = new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [
          { label: "Verplicht", data: data.committed, backgroundColor: "#1d4f91" },
          { label: "Gerealiseerd", data: data.realised, backgroundColor: "#c05a00" },
          { label: "Budget per maand (1/12)", data: data.budget, type: "line", borderColor: "#1a1a1a",
            backgroundColor: "#1a1a1a", pointRadius: 0, borderDash: [6, 4] }
        ]
      },
      options: { responsive: true, animation: false, plugins: { legend: { position: "bottom" } } }
    });
  }
  // Unit cost realised per provision against its tariff (suppressed rows are left out).
  function drawUnitCosts() {
    var canvas = document.querySelector("canvas.budget-unit-cost-chart");
    var source = document.getElementById("budget-unit-cost-data");
    if (!canvas || !source || typeof window.Chart === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    if (canvas._chart) { canvas._chart.destroy(); }
    canvas._chart = new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [
          { label: data.names.realised, data: data.realised, backgroundColor: "#c05a00" },
          { label: data.names.tariff, data: data.tariff, backgroundColor: "#1d4f91" }
        ]
      },
      options: { indexAxis: "y", responsive: true, animation: false, plugins: { legend: { position: "bottom" } } }
    });
  }
  function drawAll() { draw(); drawUnitCosts(); }
  document.addEventListener("DOMContentLoaded", drawAll);
  document.addEventListener("htmx:afterSettle", drawAll);
})();
