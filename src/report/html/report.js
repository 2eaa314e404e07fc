"use strict";
(function () {
  var form = document.querySelector("form.filters");
  var body = document.querySelector("table tbody");
  if (!form || !body) return;
  form.hidden = false;
  var rows = Array.prototype.slice.call(body.querySelectorAll("tr[data-finding]"));
  var shown = form.querySelector("output");
  function value(name) {
    var field = form.elements.namedItem(name);
    return field ? field.value.trim().toLowerCase() : "";
  }
  function apply() {
    var severity = value("severity"), rule = value("rule"), path = value("path"), author = value("author");
    var count = 0;
    rows.forEach(function (row) {
      var d = row.dataset;
      var keep = (!severity || d.severity === severity) && (!rule || d.rule.toLowerCase() === rule) &&
        (!path || d.path.toLowerCase().indexOf(path) >= 0) && (!author || d.author.toLowerCase().indexOf(author) >= 0);
      row.hidden = !keep;
      if (keep) count++;
    });
    shown.value = count + " of " + rows.length + " shown";
  }
  var timer = null;
  form.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(apply, 80); });
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  Array.prototype.forEach.call(document.querySelectorAll("th[data-sort]"), function (th) {
    th.addEventListener("click", function () {
      var key = th.dataset.sort === "severity" ? "rank" : th.dataset.sort;
      var ascending = th.getAttribute("aria-sort") !== "ascending";
      Array.prototype.forEach.call(document.querySelectorAll("th[data-sort]"), function (other) { other.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      rows.sort(function (a, b) {
        var x = a.dataset[key] || "", y = b.dataset[key] || "";
        var order = key === "rank" ? Number(x) - Number(y) : x.localeCompare(y, undefined, { numeric: true });
        return ascending ? order : -order;
      });
      var fragment = document.createDocumentFragment();
      rows.forEach(function (row) { fragment.appendChild(row); });
      body.appendChild(fragment);
    });
  });
  apply();
})();
