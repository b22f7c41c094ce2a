// The plan's trend chart (Chart.js, vendored). Data comes from the json_script tag
// "plan-trend-data"; the same numbers are in the table beside the chart.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var source = document.getElementById("plan-trend-data");
    var canvas = document.getElementById("plan-trend-chart");
    if (!source || !canvas || typeof window.Chart === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    // Colour-blind-safe palette (Okabe–Ito); dashed lines for the participatieladder.
    var colours = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#56B4E9", "#E69F00", "#000000"];
    var datasets = data.datasets.map(function (d, i) {
      var colour = colours[i % colours.length];
      return {
        label: d.label,
        data: d.data,
        borderColor: colour,
        backgroundColor: colour,
        borderDash: d.ladder ? [6, 4] : [],
        spanGaps: true,
        tension: 0,
        yAxisID: d.ladder ? "ladder" : "score"
      };
    });
    canvas.dataset.ready = "true";
    new window.Chart(canvas, {
      type: "line",
      data: { labels: data.labels, datasets: datasets },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        scales: {
          score: { type: "linear", position: "left", min: 1, max: 5, ticks: { stepSize: 1 }, title: { display: true, text: "Score (1–5)" } },
          ladder: { type: "linear", position: "right", min: 1, max: 6, ticks: { stepSize: 1 }, grid: { drawOnChartArea: false }, title: { display: true, text: "Trede (1–6)" } }
        }
      }
    });
  });
})();
