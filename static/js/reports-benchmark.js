// The team benchmark's bar chart (Chart.js, vendored). The figures come from a json_script
// element; the same figures are in the table beside the chart (hidden cells are gaps).
(function () {
  "use strict";
  function draw() {
    var canvas = document.querySelector("canvas.benchmark-chart");
    var source = document.getElementById("benchmark-chart-data");
    if (!canvas || !source || typeof window.Chart === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    if (canvas._chart) { canvas._chart.destroy(); }
    canvas._chart = new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [{ label: data.label, data: data.values, backgroundColor: "#1d4f91" }]
      },
      options: { responsive: true, animation: false, plugins: { legend: { display: false } } }
    });
  }
  document.addEventListener("DOMContentLoaded", draw);
})();
