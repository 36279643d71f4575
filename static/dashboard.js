// The managers' dashboard: filters that apply themselves, and the charts
// drawn from the #dashboard-charts data block (templates/dashboards/dashboard.html).
(function () {
  var form = document.getElementById("filters");
  if (form) {
    form.querySelectorAll("select").forEach(function (el) {
      el.addEventListener("change", function () {
        if (el.id === "period" && el.value !== "custom") {
          document.getElementById("from").value = "";
          document.getElementById("to").value = "";
        }
        if (el.id !== "period" || el.value !== "custom") form.requestSubmit();
      });
    });
    ["from", "to"].forEach(function (id) {
      document.getElementById(id).addEventListener("change", function () {
        document.getElementById("period").value = "custom";
      });
    });
    form.addEventListener("submit", function () {
      var period = document.getElementById("period");
      if (period.value !== "custom") {
        document.getElementById("from").disabled = true;
        document.getElementById("to").disabled = true;
      }
      form.querySelectorAll("select").forEach(function (el) { if (!el.value) el.disabled = true; });
    });
  }
  var data = document.getElementById("dashboard-charts");
  if (!data || typeof Chart === "undefined") return;
  JSON.parse(data.textContent).forEach(function (spec) {
    var canvas = document.getElementById("chart-" + spec.id);
    if (!canvas) return;
    spec.datasets.forEach(function (set) { set.pointRadius = spec.labels.length > 40 ? 0 : 2; set.borderWidth = 2; });
    new Chart(canvas, {
      type: spec.type,
      data: {labels: spec.labels, datasets: spec.datasets},
      options: {
        indexAxis: spec.horizontal ? "y" : "x",
        maintainAspectRatio: false,
        animation: false,
        interaction: {mode: "index", intersect: false},
        plugins: {legend: {display: spec.datasets.length > 1, position: "bottom"}},
        scales: {x: {beginAtZero: true, ticks: {maxTicksLimit: 12, precision: 0}}, y: {beginAtZero: true, ticks: {precision: 0}}}
      }
    });
  });
})();
