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
      var layout = payload.figure.layout;
      var xaxis = layout.xaxis || {};
      var first = payload.figure.data[0] || {};
      // Unrotated month labels need about 45 px each: on a phone, label every second or third.
      if (xaxis.type === "category" && xaxis.tickangle === 0 && first.x) {
        var perLabel = (el.clientWidth - 80) / first.x.length;
        if (perLabel < 45) xaxis.dtick = perLabel < 22 ? 3 : 2;
      }
      el.innerHTML = "";
      window.Plotly.newPlot(el, payload.figure.data, layout, payload.config);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", render);
  else render();
})();
