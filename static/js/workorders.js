// Work order editor: add hours and material lines and remove lines without a page reload,
// pick a product to fill a line, preview the total, and fill the work address from the
// customer. The server validates and stores everything on save.
(function () {
  "use strict";

  var N = window.FacturenNumbers;
  var ZERO = { units: 0n, places: 0 };

  // A field's number (empty: zero); null when what is typed is no number (the field says so).
  function number(input) {
    if (N.isEmpty(input.value)) { input.removeAttribute("aria-invalid"); return ZERO; }
    var value = N.parse(input.value);
    if (value) { input.removeAttribute("aria-invalid"); } else { input.setAttribute("aria-invalid", "true"); }
    return value;
  }

  function field(row, name) {
    return row.querySelector("[name$='-" + name + "']");
  }

  function editorData() {
    var data = document.getElementById("workorder-editor-data");
    return data ? JSON.parse(data.textContent) : { products: {}, customers: {} };
  }

  // Hours x rate per line, rounded half up to cents as the server does; exact (BigInt).
  function refreshTotals(form) {
    var total = 0n;
    var complete = true;
    form.querySelectorAll("[data-line]").forEach(function (row) {
      var cell = row.querySelector("[data-line-total]");
      if (!cell || row.hidden) { return; }
      var quantity = number(field(row, "quantity"));
      var price = number(field(row, "unit_price"));
      var cents = quantity && price ? N.toCents(N.multiply(quantity, price)) : null;
      cell.textContent = cents === null ? "\u2014" : N.formatCents(cents);
      if (cents === null) { complete = false; } else { total += cents; }
    });
    var totalCell = form.querySelector("[data-order-total]");
    if (totalCell) { totalCell.textContent = complete ? N.formatCents(total) : "\u2014"; }
  }

  function currentCustomer(form) {
    var select = form.querySelector("[name='customer']");
    return select ? editorData().customers[select.value] : null;
  }

  function addLine(form, button) {
    var totalForms = form.querySelector("[name$='-TOTAL_FORMS']");
    var maxForms = form.querySelector("[name$='-MAX_NUM_FORMS']");
    var index = parseInt(totalForms.value, 10);
    if (maxForms && index >= parseInt(maxForms.value, 10)) {
      // The server refuses more lines anyway; say so before the user types them.
      form.querySelectorAll("[data-add-line]").forEach(function (b) {
        b.disabled = true;
        b.title = b.getAttribute("data-limit-message") || "";
      });
      return;
    }
    var html = form.querySelector("#line-template").innerHTML.replace(/__prefix__/g, String(index));
    var body = form.querySelector("[data-lines]");
    body.insertAdjacentHTML("beforeend", html);
    totalForms.value = String(index + 1);
    var rows = body.querySelectorAll("[data-line]");
    var row = rows[rows.length - 1];
    field(row, "kind").value = button.getAttribute("data-add-line");
    var customer = currentCustomer(form);
    if (customer && customer.reverse_charge) { field(row, "vat_rate").value = "reverse"; }
    var first = field(row, button.getAttribute("data-add-line") === "material" ? "product" : "description");
    if (first) { first.focus(); }
  }

  function removeLine(form, row) {
    var remove = field(row, "DELETE");
    if (remove) { remove.checked = true; }
    row.hidden = true;
    refreshTotals(form);
  }

  function pickProduct(form, select) {
    var product = editorData().products[select.value];
    var row = select.closest("[data-line]");
    if (!product || !row) { return; }
    field(row, "description").value = product.description;
    field(row, "unit").value = product.unit;
    field(row, "unit_price").value = product.unit_price;
    if (!(currentCustomer(form) || {}).reverse_charge) { field(row, "vat_rate").value = product.vat_rate; }
    refreshTotals(form);
  }

  // A customer picked while the work address is still empty: the work is at their address.
  function pickCustomer(form) {
    var customer = currentCustomer(form);
    var street = form.querySelector("[name='work_street']");
    var postcode = form.querySelector("[name='work_postcode']");
    var city = form.querySelector("[name='work_city']");
    if (!customer || !street || street.value || postcode.value || city.value) { return; }
    street.value = customer.street;
    postcode.value = customer.postcode;
    city.value = customer.city;
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-workorder-form]").forEach(function (form) {
      form.addEventListener("click", function (event) {
        var add = event.target.closest("[data-add-line]");
        if (add) {
          event.preventDefault();
          addLine(form, add);
        } else if (event.target.closest("[data-remove-line]")) {
          event.preventDefault();
          removeLine(form, event.target.closest("[data-line]"));
        }
      });
      form.addEventListener("input", function () { refreshTotals(form); });
      form.addEventListener("change", function (event) {
        if (event.target.matches("[name$='-product']")) { pickProduct(form, event.target); }
        if (event.target.matches("[name='customer']")) { pickCustomer(form); }
      });
      form.querySelectorAll("[data-line]").forEach(function (row) {
        var remove = field(row, "DELETE");
        if (remove && remove.checked) { row.hidden = true; }
      });
      refreshTotals(form);
    });
  });
})();
