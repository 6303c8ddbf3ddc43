// Loaded without defer in <head>, before the style sheet: applies the remembered display mode
// (large text, high contrast) before first paint, so it never flashes. A file rather than an
// inline <script>: the Content-Security-Policy allows no inline script (portal/security.py).
(function (d) {
  var c = d.documentElement.classList;
  c.remove("no-js"); c.add("js");
  try {
    if (localStorage.getItem("portal-large-text") === "1") c.add("mode-large-text");
    if (localStorage.getItem("portal-high-contrast") === "1") c.add("mode-high-contrast");
  } catch (e) {}
})(document);
