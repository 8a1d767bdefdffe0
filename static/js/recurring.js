// Recurring invoices: the form's live example of the first invoice's texts, with the period
// placeholders filled in as the server will ({maand} -> "maart", {{ -> "{"), and an unknown
// placeholder marked (the server refuses it with a message when saving).
(function () {
  "use strict";

  var NAMES = { maand: "month", month: "month", jaar: "year", year: "year",
                kwartaal: "quarter", quarter: "quarter", week: "week" };
  var TOKEN = /\{\{|\}\}|\{([^{}]*)\}|[{}]/g;

  function isoWeek(date) {
    var day = new Date(Date.UTC(date.getFullYear(), date.getMonth(), date.getDate()));
    var weekday = day.getUTCDay() || 7;
    day.setUTCDate(day.getUTCDate() + 4 - weekday);
    var yearStart = new Date(Date.UTC(day.getUTCFullYear(), 0, 1));
    return Math.ceil(((day - yearStart) / 86400000 + 1) / 7);
  }

  function values(date, language, data) {
    var months = data.months[language] || data.months.nl;
    return { month: months[date.getMonth()], year: String(date.getFullYear()),
             quarter: String(Math.floor(date.getMonth() / 3) + 1), week: String(isoWeek(date)) };
  }

  // The text with its placeholders filled; ok is false when one is unknown or a brace is lone.
  function fill(text, period) {
    var ok = true;
    var result = text.replace(TOKEN, function (token, name) {
      if (token === "{{" || token === "}}") { return token.charAt(0); }
      var key = name === undefined ? null : NAMES[name.trim().toLowerCase()];
      if (!key) { ok = false; return token; }
      return period[key];
    });
    return { text: result, ok: ok };
  }

  function refresh(form, data, unknown) {
    var start = form.querySelector("[name='start_date']");
    var language = form.querySelector("[name='language']");
    var list = form.querySelector("[data-example-list]");
    var dateLabel = form.querySelector("[data-example-date]");
    if (!start || !list) { return; }
    var parts = (start.value || "").split("-");
    var date = parts.length === 3 ? new Date(+parts[0], +parts[1] - 1, +parts[2]) : new Date();
    if (isNaN(date.getTime())) { date = new Date(); }
    var period = values(date, language ? language.value : "nl", data);
    dateLabel.textContent = "(" + date.getDate() + "-" + (date.getMonth() + 1) + "-" + date.getFullYear() + ")";
    list.textContent = "";
    var texts = [];
    form.querySelectorAll("[data-line]").forEach(function (row) {
      var description = row.querySelector("[name$='-description']");
      if (!row.hidden && description && description.value.trim()) { texts.push(description.value); }
    });
    ["reference", "note"].forEach(function (name) {
      var input = form.querySelector("[name='" + name + "']");
      if (input && input.value.trim()) { texts.push(input.value); }
    });
    texts.forEach(function (text) {
      var filled = fill(text, period);
      var item = document.createElement("li");
      item.textContent = filled.text;
      if (!filled.ok) {
        var mark = document.createElement("strong");
        mark.className = "error";
        mark.textContent = " (" + unknown + ")";
        item.appendChild(mark);
      }
      list.appendChild(item);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var script = document.getElementById("period-data");
    var unknownTemplate = document.getElementById("example-unknown");
    if (!script) { return; }
    var data = JSON.parse(script.textContent);
    var unknown = unknownTemplate ? unknownTemplate.innerHTML.trim() : "?";
    document.querySelectorAll("[data-recurring-form]").forEach(function (form) {
      var update = function () { refresh(form, data, unknown); };
      form.addEventListener("input", update);
      form.addEventListener("change", update);
      form.addEventListener("click", function () { window.setTimeout(update, 0); });
      update();
    });
  });
})();
