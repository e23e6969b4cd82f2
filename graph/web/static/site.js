/* cinecoop site search: every name of every entity, in any script, case and accents ignored.
   The index (static/names.js) sets window.CINECOOP_NAMES = [[name, kind, path, [names...]], ...];
   results are written with textContent and links built from the index's own paths. */
(function () {
  "use strict";
  var input = document.getElementById("site-search");
  var list = document.getElementById("site-results");
  if (!input || !list) return;
  var root = document.body.getAttribute("data-root") || "";
  function fold(text) {
    return String(text).replace(/ı/g, "i").normalize("NFKD").replace(/\p{M}/gu, "")
      .toLowerCase().replace(/ё/g, "е");
  }
  var index = (window.CINECOOP_NAMES || []).map(function (e) {
    return [e, e[3].map(fold)];
  });
  function rank(names, q) {
    var best = 9;
    names.forEach(function (n) {
      if (n === q) best = Math.min(best, 0);
      else if ((" " + n).indexOf(" " + q) >= 0) best = Math.min(best, 1);
      else if (n.indexOf(q) >= 0) best = Math.min(best, 2);
    });
    return best;
  }
  function search(query) {
    var q = fold(query.trim());
    list.textContent = "";
    if (!q) return [];
    var hits = [];
    index.forEach(function (item) {
      var r = rank(item[1], q);
      if (r < 9) hits.push([r, item[0][0], item[0]]);
    });
    hits.sort(function (a, b) { return a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0); });
    hits.slice(0, 20).forEach(function (h) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = root + h[2][2];
      a.textContent = h[2][0];
      li.appendChild(a);
      li.appendChild(document.createTextNode(" \u2014 " + h[2][1]));
      list.appendChild(li);
    });
    if (!hits.length) {
      var none = document.createElement("li");
      none.textContent = "No name matches \u201c" + query.trim() + "\u201d.";
      list.appendChild(none);
    }
    return hits.map(function (h) { return h[2][2]; });
  }
  window.cinecoopSearch = search;
  input.addEventListener("input", function () { search(input.value); });
  input.form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var first = list.querySelector("a");
    if (first) window.location.href = first.href;
  });
})();
