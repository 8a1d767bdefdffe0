// Invoice and purchase lines: add and remove rows without a page reload, pick a product to
// fill a line, and preview the totals: exactly as the server computes them (numbers.js reads
// what is typed the way the server does).
(function () {
  "use strict";

  var N = window.FacturenNumbers;
  var ZERO = { units: 0n, places: 0 };

  // A field's number (empty: the default); null when what is typed is no number, which the
  // field shows (aria-invalid) until the server's message says what to type.
  function number(input, empty) {
    if (!input || N.isEmpty(input.value)) {
      if (input) { input.removeAttribute("aria-invalid"); }
      return empty;
    }
    var value = N.parse(input.value);
    if (value) { input.removeAttribute("aria-invalid"); } else { input.setAttribute("aria-invalid", "true"); }
    return value;
  }

  // The line's net amount in cents, as the server computes it: quantity x price x
  // (100 - discount) / 100, rounded half up once. null when a field holds no number.
  function lineCents(row) {
    if (field(row, "net_amount")) {
      var net = number(field(row, "net_amount"), ZERO);
      return net && N.toCents(net);
    }
    var quantity = number(field(row, "quantity"), ZERO);
    var price = number(field(row, "unit_price"), ZERO);
    var discount = number(field(row, "discount_percent"), ZERO);
    if (!quantity || !price || !discount) { return null; }
    var rest = { units: 100n * 10n ** BigInt(discount.places) - discount.units,
                 places: discount.places + 2 };
    return N.toCents(N.multiply(N.multiply(quantity, price), rest));
  }

  function field(row, name) {
    return row.querySelector("[name$='-" + name + "']");
  }

  function refreshTotals(form) {
    var total = 0n;
    var complete = true;
    form.querySelectorAll("[data-line]").forEach(function (row) {
      var cell = row.querySelector("[data-line-total]");
      if (!cell || row.hidden) { return; }
      var cents = lineCents(row);
      cell.textContent = cents === null ? "\u2014" : N.formatCents(cents);
      if (cents === null) { complete = false; } else { total += cents; }
    });
    var totalCell = form.querySelector("[data-invoice-total]");
    if (totalCell) { totalCell.textContent = complete ? N.formatCents(total) : "\u2014"; }
  }

  function addLine(form) {
    var template = form.querySelector("#line-template");
    var totalForms = form.querySelector("[name$='-TOTAL_FORMS']");
    var index = parseInt(totalForms.value, 10);
    var maxForms = form.querySelector("[name$='-MAX_NUM_FORMS']");
    var button = form.querySelector("[data-add-line]");
    if (maxForms && index >= parseInt(maxForms.value, 10)) {
      // The server refuses more lines anyway; say so before the user types them.
      button.disabled = true;
      button.title = button.getAttribute("data-limit-message") || "";
      return;
    }
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    var body = form.querySelector("[data-lines]");
    body.insertAdjacentHTML("beforeend", html);
    totalForms.value = String(index + 1);
    var rows = body.querySelectorAll("[data-line]");
    var customer = currentCustomer(form);
    if (customer && customer.reverse_charge && field(rows[rows.length - 1], "vat_rate")) {
      field(rows[rows.length - 1], "vat_rate").value = "reverse";
    }
    var first = rows[rows.length - 1].querySelector("textarea, input:not([type=hidden]), select");
    if (first) { first.focus(); }
  }

  function removeLine(form, row) {
    var remove = field(row, "DELETE");
    if (remove) { remove.checked = true; }
    row.hidden = true;
    refreshTotals(form);
  }

  function pickProduct(form, select) {
    var data = document.getElementById("products-data");
    if (!data || !select.value) { return; }
    var product = JSON.parse(data.textContent)[select.value];
    var row = select.closest("[data-line]");
    if (!product || !row) { return; }
    field(row, "description").value = product.description;
    field(row, "unit").value = product.unit;
    field(row, "unit_price").value = product.unit_price;
    field(row, "vat_rate").value = product.vat_rate;
    refreshTotals(form);
  }

  function defaults() {
    var data = document.getElementById("defaults-data");
    return data ? JSON.parse(data.textContent) : { customers: {}, rates: {} };
  }

  function currentCustomer(form) {
    var select = form.querySelector("[name='customer']");
    return select ? defaults().customers[select.value] : null;
  }

  // A new customer brings its language, payment term and (for reverse charge) VAT rate.
  function pickCustomer(form) {
    var customer = currentCustomer(form);
    if (!customer) { return; }
    var language = form.querySelector("[name='language']");
    var term = form.querySelector("[name='payment_term_days']");
    if (language) { language.value = customer.language; }
    if (term) { term.value = customer.payment_term_days; }
    form.querySelectorAll("[data-line]").forEach(function (row) {
      var rate = field(row, "vat_rate");
      var description = field(row, "description");
      if (rate && description && !description.value) {
        rate.value = customer.reverse_charge ? "reverse" : "21";
      }
    });
  }

  // Another currency or date: the ECB's reference rate of the invoice date (the server says
  // which), unless the user typed a rate of their own for this currency; back to 1 for euros.
  // A currency the ECB does not publish gets the last rate used for it.
  function rateNumber(value) {
    return parseFloat(String(value || "").trim().replace(",", "."));
  }

  function proposeRate(form, newCurrency) {
    var rate = form.querySelector("[name='exchange_rate']");
    var currency = form.querySelector("[name='currency']");
    var date = form.querySelector("[name='issue_date']");
    if (!rate || !currency || !rate.dataset.rateUrl) { return; }
    var code = currency.value.trim().toUpperCase();
    if (code === "EUR" || code === "") {
      rate.value = "1";
      rate.dataset.proposed = "";
      showRateNote(form, "");
      return;
    }
    var url = rate.dataset.rateUrl + "?" + new URLSearchParams({
      currency: code, date: date ? date.value : ""
    });
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (proposal) {
        if (proposal) { applyProposal(form, rate, proposal, newCurrency); }
      })
      .catch(function () { /* offline: the server proposes the ECB rate on saving */ });
  }

  function untouched(rate) {
    var value = rateNumber(rate.value);
    return !isFinite(value) || value === 1 || value === rateNumber(rate.dataset.proposed);
  }

  function applyProposal(form, rate, proposal, newCurrency) {
    // A rate typed for one currency means nothing for another.
    var replace = newCurrency || untouched(rate);
    rate.dataset.notes = JSON.stringify({ ecb: proposal.note, manual: proposal.manual_note });
    if (!proposal.rate) {
      if (replace) { rate.value = defaults().rates[proposal.currency] || ""; }
      rate.dataset.proposed = "";
      showRateNote(form, proposal.note);
      return;
    }
    if (replace) { rate.value = proposal.value; }
    rate.dataset.proposed = proposal.value;
    noteRate(form, rate);
  }

  // The note under the field follows the value: the ECB's rate, or the user's own.
  function noteRate(form, rate) {
    if (!rate.dataset.proposed || !rate.dataset.notes) { return; }
    var notes = JSON.parse(rate.dataset.notes);
    var own = rateNumber(rate.value) !== rateNumber(rate.dataset.proposed);
    showRateNote(form, own ? notes.manual : notes.ecb);
  }

  function showRateNote(form, text) {
    var note = form.querySelector("[data-rate-note]");
    if (note) { note.textContent = text || ""; }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-invoice-form]").forEach(function (form) {
      form.addEventListener("click", function (event) {
        if (event.target.closest("[data-add-line]")) {
          event.preventDefault();
          addLine(form);
        } else if (event.target.closest("[data-remove-line]")) {
          event.preventDefault();
          removeLine(form, event.target.closest("[data-line]"));
        }
      });
      form.addEventListener("input", function (event) {
        refreshTotals(form);
        if (event.target.matches("[name='exchange_rate']")) { noteRate(form, event.target); }
      });
      form.addEventListener("change", function (event) {
        if (event.target.matches("[name$='-product']")) { pickProduct(form, event.target); }
        if (event.target.matches("[name='customer']")) { pickCustomer(form); }
        if (event.target.matches("[name='currency']")) { proposeRate(form, true); }
        if (event.target.matches("[name='issue_date']")) { proposeRate(form, false); }
      });
      form.querySelectorAll("[data-line]").forEach(function (row) {
        var remove = field(row, "DELETE");
        if (remove && remove.checked) { row.hidden = true; }
      });
      refreshTotals(form);
      var currency = form.querySelector("[name='currency']");
      if (currency && currency.value.trim().toUpperCase() !== "EUR") { proposeRate(form, false); }
    });
  });
})();
