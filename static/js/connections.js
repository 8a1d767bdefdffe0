// Instellingen > Verbindingen: checking codes with e-Boekhouden.nl can take a few seconds.
// Show that the form is busy and prevent a second submit; the page works without this.
(function () {
  "use strict";

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var label = form.getAttribute && form.getAttribute("data-busy");
    if (!label || event.defaultPrevented) {
      return;
    }
    if (form.getAttribute("aria-busy") === "true") {
      event.preventDefault();
      return;
    }
    form.setAttribute("aria-busy", "true");
    var button = form.querySelector("button[type=submit]");
    if (button) {
      button.textContent = label;
    }
  });
})();

// The configure page reloads at its top after a refused save: move the focus to the summary of
// what to fix, so keyboard and screen-reader users land on it (its links lead to the fields).
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
})();
