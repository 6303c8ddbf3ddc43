// Render the server-built plotly figures with the self-hosted plotly.js (no CDN).
(function () {
  "use strict";
  function render() {
    if (!window.Plotly) return;
    var plots = document.querySelectorAll("[data-chart-source]");
    Array.prototype.forEach.call(plots, function (el) {
      var source = document.getElementById(el.getAttribute("data-chart-source"));
      if (!source) return;
      var payload = JSON.parse(source.textContent);
      el.innerHTML = "";
      window.Plotly.newPlot(el, payload.figure.data, payload.figure.layout, payload.config);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", render);
  else render();
})();
