/* The rating form without surprises: a question with a condition appears only when an earlier
   answer matches (without JavaScript every question shows, with a note saying when to answer);
   the captcha picture can be enlarged in place; after a refusal the message takes the focus. */
(function () {
  "use strict";
  var form = document.querySelector(".rating-form");
  if (!form) return;

  function answersOf(key) {
    var set = form.querySelector('[data-key="' + key + '"]');
    if (!set || set.hidden) return [];
    var picked = [];
    // Form values: a scale's level (5 … 1) or a choice's option, as the server lists them.
    set.querySelectorAll("input:checked").forEach(function (input) {
      picked.push(input.value);
    });
    return picked;
  }

  function update() {
    form.querySelectorAll("[data-show-if]").forEach(function (set) {
      var wanted = set.getAttribute("data-show-if-answers").split("|");
      var shown = answersOf(set.getAttribute("data-show-if")).some(function (a) {
        return wanted.indexOf(a) !== -1;
      });
      set.hidden = !shown;
      set.querySelectorAll("input, textarea").forEach(function (el) { el.disabled = !shown; });
    });
  }
  form.addEventListener("change", update);
  update();

  var zoom = form.querySelector(".captcha__zoom");
  if (zoom) {
    zoom.addEventListener("click", function (event) {
      event.preventDefault();
      var box = zoom.closest(".captcha");
      var img = box.querySelector(".captcha__image");
      if (img.getAttribute("data-image-2x")) {
        img.src = img.getAttribute("data-image-2x");
        img.removeAttribute("data-image-2x");
      }
      box.classList.toggle("captcha--zoomed");
    });
  }

  var message = document.getElementById("form-message");
  if (message) message.focus();
})();
