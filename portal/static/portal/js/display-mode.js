// Large text and high contrast toggles (适老化). display-mode-early.js applies the stored mode
// before paint; this wires the buttons and keeps aria-pressed in step with the <html> class.
(function () {
  "use strict";
  var root = document.documentElement;
  function key(mode) { return "portal-" + mode; }
  function sync(button) {
    var on = root.classList.contains("mode-" + button.getAttribute("data-mode"));
    button.setAttribute("aria-pressed", on ? "true" : "false");
  }
  function init() {
    var buttons = document.querySelectorAll(".display-toggle[data-mode]");
    Array.prototype.forEach.call(buttons, function (button) {
      sync(button);
      button.addEventListener("click", function () {
        var mode = button.getAttribute("data-mode");
        var on = root.classList.toggle("mode-" + mode);
        try { localStorage.setItem(key(mode), on ? "1" : "0"); } catch (e) { /* private mode */ }
        sync(button);
        window.dispatchEvent(new Event("resize")); // let charts re-fit the new text size
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
