// Numbers as the page's language writes them, read the way the server reads them
// (invoicing/money.py parse_decimal, Babel's strict mode): "1.234,56", "1234,56" and "1.000"
// (one thousand) on a Dutch page, "1,234.56" on an English one; a group separator in the
// wrong place ("12.50" on a Dutch page) is no number. The separators come from the server
// (data attributes on <html>), so the live preview never disagrees with what is saved.
// Amounts are exact: a number is kept as a whole BigInt and a count of decimals.
(function () {
  "use strict";

  var root = document.documentElement;
  var DECIMAL = root.getAttribute("data-decimal-symbol") || ",";
  var GROUP = root.getAttribute("data-group-symbol") || ".";

  function escaped(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }

  // Whole part: plain digits, or digits grouped by threes with the group separator.
  var PATTERN = new RegExp("^([+-]?)(\\d*|\\d{1,3}(?:" + escaped(GROUP) + "\\d{3})+)(?:" +
    escaped(DECIMAL) + "(\\d*))?$");

  // {units: BigInt, places: n} for value units x 10^-places; null when it is no number.
  // An empty field is null too; callers decide whether that counts as zero.
  function parse(value) {
    var match = PATTERN.exec(String(value || "").trim());
    var fraction = match ? match[3] || "" : "";
    if (!match || match[2] + fraction === "") { return null; }
    var units = BigInt(match[2].split(GROUP).join("") + fraction);
    return { units: match[1] === "-" ? -units : units, places: fraction.length };
  }

  function isEmpty(value) {
    return String(value || "").trim() === "";
  }

  // a x b exactly.
  function multiply(a, b) {
    return { units: a.units * b.units, places: a.places + b.places };
  }

  // Whole cents, half away from zero: the server's round_money (ROUND_HALF_UP).
  function toCents(number) {
    if (number.places <= 2) { return number.units * 10n ** BigInt(2 - number.places); }
    var divisor = 10n ** BigInt(number.places - 2);
    var negative = number.units < 0n;
    var magnitude = negative ? -number.units : number.units;
    var cents = (magnitude * 2n + divisor) / (divisor * 2n);
    return negative ? -cents : cents;
  }

  // Cents (BigInt) as the language writes an amount: "-1.234,56" in Dutch.
  function formatCents(cents) {
    var negative = cents < 0n;
    var digits = String(negative ? -cents : cents).padStart(3, "0");
    var whole = digits.slice(0, -2).replace(/\B(?=(\d{3})+(?!\d))/g, GROUP);
    return (negative ? "-" : "") + whole + DECIMAL + digits.slice(-2);
  }

  window.FacturenNumbers = {
    parse: parse, isEmpty: isEmpty, multiply: multiply, toCents: toCents,
    formatCents: formatCents, decimal: DECIMAL, group: GROUP
  };
})();
