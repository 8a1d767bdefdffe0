// Export progress: poll the batch's progress and move the bar until the batch is done.
(function () {
  "use strict";
  var box = document.getElementById("export-progress");
  if (!box) { return; }
  var bar = box.querySelector(".progress-bar");
  var meter = box.querySelector("[role=progressbar]");

  function show(data) {
    bar.style.width = data.percent + "%";
    meter.setAttribute("aria-valuenow", data.percent);
    ["percent", "booked", "failed", "waiting"].forEach(function (name) {
      var field = box.querySelector('[data-field="' + name + '"]');
      if (field) { field.textContent = data[name]; }
    });
    if (data.finished) {
      document.getElementById("export-summary").hidden = false;
      if (data.failed > 0) {
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
