// Purchase form: per VAT rate, the net total and the VAT on it (half up to cents, as the
// server computes it), prefilled into the "VAT as printed" field until the user types an
// amount of their own. invoicing.js keeps the line rows and the net total; the server
// recomputes and checks everything on save.
(function () {
  "use strict";

  var N = window.FacturenNumbers;

  // Whole cents from what the user typed, read as the server reads it (numbers.js); NaN when
  // it is no number.
  function cents(value) {
    var number = N.parse(value);
    return number ? Number(N.toCents(number)) : NaN;
  }

  // VAT in cents on a net amount in cents: half away from zero, in integers (no float drift).
  function vatCents(netCents, percentage) {
    var product = Math.abs(netCents) * Math.round(percentage * 100);
    var result = Math.floor((product + 5000) / 10000);
    return netCents < 0 ? -result : result;
  }

  function formatted(centsValue) {
    return N.formatCents(BigInt(centsValue));
  }

  function field(row, name) {
    return row.querySelector("[name$='-" + name + "']");
  }

  function netPerRate(form) {
    var nets = {};
    form.querySelectorAll("[data-lines] [data-line]").forEach(function (row) {
      if (row.hidden) { return; }
      var rate = field(row, "vat_rate");
      var amount = cents(field(row, "net_amount") && field(row, "net_amount").value);
      if (!rate || isNaN(amount)) { return; }
      nets[rate.value] = (nets[rate.value] || 0) + amount;
    });
    return nets;
  }

  function refresh(form, rates) {
    var nets = netPerRate(form);
    var net = 0;
    var vat = 0;
    Object.keys(nets).forEach(function (rate) {
      net += nets[rate];
      if (!form.querySelector("[data-vat-rate='" + rate + "']")) {
        vat += vatCents(nets[rate], Number(rates[rate] || 0));
      }
    });
    form.querySelectorAll("[data-vat-rate]").forEach(function (box) {
      vat += refreshRate(box, nets, rates);
    });
    form.querySelector("[data-vat-total]").textContent = formatted(vat);
    form.querySelector("[data-gross-total]").textContent = formatted(net + vat);
  }

  // One rate's field: shown while a line uses the rate (or it holds a value); returns the
  // VAT in cents that counts for the preview.
  function refreshRate(box, nets, rates) {
    var rate = box.getAttribute("data-vat-rate");
    var input = box.querySelector("input");
    var used = Object.prototype.hasOwnProperty.call(nets, rate);
    var computed = used ? vatCents(nets[rate], Number(rates[rate])) : 0;
    if (input.hasAttribute("data-auto")) { input.value = used ? formatted(computed) : ""; }
    box.hidden = !used && !input.value;
    box.querySelector("[data-rate-base]").textContent = used ?
      box.getAttribute("data-base-text").replace("[net]", formatted(nets[rate]))
        .replace("[vat]", formatted(computed)) : "";
    var typed = cents(input.value);
    return isNaN(typed) ? computed : typed;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var data = document.getElementById("purchase-rates");
    var form = document.querySelector("[data-purchase-form]");
    if (!data || !form) { return; }
    var rates = JSON.parse(data.textContent);
    var nets = netPerRate(form);
    form.querySelectorAll("[data-vat-rate]").forEach(function (box) {
      var input = box.querySelector("input");
      var rate = box.getAttribute("data-vat-rate");
      var computed = nets[rate] === undefined ? 0 : vatCents(nets[rate], Number(rates[rate]));
      // Follows the lines while empty or equal to the computed VAT; typing makes it the user's.
      if (!input.value || cents(input.value) === computed) { input.setAttribute("data-auto", ""); }
      input.addEventListener("input", function () { input.removeAttribute("data-auto"); });
    });
    var update = function () { window.setTimeout(function () { refresh(form, rates); }, 0); };
    form.addEventListener("input", update);
    form.addEventListener("change", update);
    form.addEventListener("click", update);
    refresh(form, rates);
  });
})();
