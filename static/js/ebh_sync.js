// Export and import progress: poll the progress URL and move the bar until the work is done.
(function () {
  "use strict";
  var box = document.querySelector("[data-progress-url]");
  if (!box) { return; }
  var bar = box.querySelector(".progress-bar");
  var meter = box.querySelector("[role=progressbar]");

  function show(data) {
    bar.style.width = data.percent + "%";
    meter.setAttribute("aria-valuenow", data.percent);
    box.querySelectorAll("[data-field]").forEach(function (field) {
      var name = field.getAttribute("data-field");
      if (name in data) { field.textContent = data[name]; }
    });
    if (data.finished) {
      var summary = document.getElementById(box.getAttribute("data-summary") || "export-summary");
      if (summary) { summary.hidden = false; }
      if (data.failed > 0 || box.hasAttribute("data-reload-when-finished")) {
        // The list of what was not booked is rendered by the server: show it.
        window.location.reload();
      }
    }
  }

  bar.style.width = bar.getAttribute("data-width") + "%";
  if (box.getAttribute("data-finished") === "true") { return; }

  function poll() {
    fetch(box.getAttribute("data-progress-url"), { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        show(data);
        if (!data.finished) { window.setTimeout(poll, 1000); }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
})();
