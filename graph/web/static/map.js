/* cinecoop map page: draws the embedded data with vis-network; search, filters, physics.
   Data from the page is only ever written with textContent (never as HTML), and tooltips are
   plain strings, which vis-network 9 shows as text. */
(function () {
  "use strict";
  var timings = { start: performance.now() };
  var data = JSON.parse(document.getElementById("map-data").textContent);
  timings.parsed = performance.now();
  var byId = {};
  data.nodes.forEach(function (n) { byId[n.id] = n; });
  data.edges.forEach(function (e) {
    var style = data.edgeStyles[e.family];
    if (style) {
      e.color = { color: style.color, highlight: "#111111", hover: "#111111", opacity: 0.75 };
      e.dashes = style.dashes;
    }
  });
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  timings.datasets = performance.now();
  var network = new vis.Network(document.getElementById("map"),
                                { nodes: nodes, edges: edges }, data.options);
  timings.network = performance.now();
  var state = window.cinecoop = {
    network: network, nodes: nodes, edges: edges, data: data,
    ready: false, readyMs: null, timings: timings, focused: null, fold: fold, search: search,
    applyFilters: applyFilters
  };
  var statusEl = document.getElementById("status");
  var detailsEl = document.getElementById("details");

  // ready: after stabilisation (physics on) or the first drawing (positions given)
  var settled = !data.physics;
  function markReady() {
    if (settled && !state.ready) {
      if (data.focus) {
        network.selectNodes([data.focus]);
        showDetails(byId[data.focus].title, data.focus);
      }
      state.ready = true;
      state.readyMs = performance.now();
      document.body.setAttribute("data-ready", "true");
    }
  }
  network.once("stabilizationIterationsDone", function () { settled = true; markReady(); });
  network.on("afterDrawing", markReady);
  if (data.nodes.length === 0) { settled = true; setTimeout(markReady, 0); }

  // ---------------------------------------------------------------- search
  function fold(text) {
    return String(text).replace(/ı/g, "i").normalize("NFKD").replace(/\p{M}/gu, "")
      .toLowerCase().replace(/ё/g, "е");
  }
  function folded(names) { return names.map(fold); }
  var nodeIndex = data.nodes.map(function (n) { return [n, folded(n.names)]; });
  var peopleIndex = data.people.map(function (p) { return [p, folded(p.names)]; });

  function rank(names, q) {
    var best = 9;
    names.forEach(function (name) {
      if (name === q) best = Math.min(best, 0);
      else if ((" " + name).indexOf(" " + q) >= 0) best = Math.min(best, 1);
      else if (name.indexOf(q) >= 0) best = Math.min(best, 2);
    });
    return best;
  }
  function byRank(a, b) {
    return a[0] - b[0] || b[1] - a[1] || (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0);
  }
  // the details panel: the plain-text tooltip, then a link to the entity's page (site maps)
  function showDetails(text, id) {
    detailsEl.textContent = text;
    var node = id !== undefined ? byId[id] : null;
    if (node && node.page) {
      var a = document.createElement("a");
      a.href = node.page;
      a.className = "page-link";
      a.textContent = "Open the page of " + node.name + " \u2192";
      detailsEl.appendChild(document.createTextNode("\n"));
      detailsEl.appendChild(a);
    }
  }
  state.showDetails = showDetails;
  function say(text, ids) {
    if (!statusEl) return;
    statusEl.textContent = text;
    (ids || []).forEach(function (id) {
      var b = document.createElement("button");
      b.type = "button";
      b.textContent = byId[id].name;
      b.addEventListener("click", function () { focusNode(id); });
      statusEl.appendChild(b);
    });
  }
  function search(query) {
    var q = fold(query.trim());
    if (!q) { say(""); return null; }
    var hits = [];
    nodeIndex.forEach(function (item) {
      var r = rank(item[1], q);
      if (r < 9) hits.push([r, item[0].size, item[0].name, item[0].id]);
    });
    hits.sort(byRank);
    if (hits.length) {
      focusNode(hits[0][3]);
      var others = hits.slice(1, 9).map(function (h) { return h[3]; });
      say(hits.length === 1 ? "Found: " + hits[0][2] + ". "
        : hits.length + " matches; showing " + hits[0][2] + ". Others: ", others);
      return hits[0][3];
    }
    var people = [];
    peopleIndex.forEach(function (item) {
      var r = rank(item[1], q);
      if (r < 9) people.push([r, item[0].via.length, item[0].label, item[0]]);
    });
    people.sort(byRank);
    if (people.length) {
      var person = people[0][3];
      focusNode(person.via[0], person.label + " (not drawn on this map) is linked to " +
        person.via.map(function (id) { return byId[id].name; }).join("; ") + ".\n\n");
      say(person.label + " is not drawn on this map; linked here to: ", person.via.slice(0, 8));
      return person.via[0];
    }
    say("No name on this map matches \u201c" + query.trim() + "\u201d.");
    return null;
  }
  function focusNode(id, preface) {
    state.focused = id;
    network.selectNodes([id]);
    network.focus(id, { scale: Math.max(network.getScale(), 1.1),
                        animation: { duration: 400, easingFunction: "easeInOutQuad" } });
    showDetails((preface || "") + byId[id].title, id);
  }
  var searchForm = document.getElementById("search-form");
  if (searchForm) {
    searchForm.addEventListener("submit", function (ev) {
      ev.preventDefault();
      search(document.getElementById("search").value);
    });
  }

  // ---------------------------------------------------------------- details
  network.on("click", function (params) {
    if (params.nodes.length) showDetails(byId[params.nodes[0]].title, params.nodes[0]);
    else if (params.edges.length) showDetails(edges.get(params.edges[0]).title);
  });
  network.on("doubleClick", function (params) {  // a double click opens the entity's page
    var node = params.nodes.length ? byId[params.nodes[0]] : null;
    if (node && node.page) window.location.href = node.page;
  });

  // ---------------------------------------------------------------- filters
  var yearFrom = document.getElementById("year-from");
  var yearTo = document.getElementById("year-to");
  var undated = document.getElementById("undated");
  function applyFilters() {
    var types = {};
    document.querySelectorAll("input.type").forEach(function (box) {
      types[box.value] = box.checked;
    });
    var lo = yearFrom ? Number(yearFrom.value) : -Infinity;
    var hi = yearTo ? Number(yearTo.value) : Infinity;
    var withUndated = undated ? undated.checked : true;
    var years = data.years;
    var windowed = !withUndated || (years.length > 0 && (lo > years[0] || hi < years[years.length - 1]));
    function yearOk(y) { return y === null || y === undefined ? withUndated : y >= lo && y <= hi; }
    var shown = {};
    data.nodes.forEach(function (n) {
      shown[n.id] = types[n.group] !== false && (n.year === null || n.year === undefined || yearOk(n.year));
    });
    var linked = {};
    var edgeShown = {};
    data.edges.forEach(function (e) {
      var ok = shown[e.from] && shown[e.to] && (e.family === "structure" || yearOk(e.year));
      edgeShown[e.id] = ok;
      if (ok && e.family !== "structure") { linked[e.from] = true; linked[e.to] = true; }
    });
    if (windowed) {  // undated entities stay only while a dated fact in the window links them
      data.nodes.forEach(function (n) {
        if (shown[n.id] && (n.year === null || n.year === undefined) && !linked[n.id]) shown[n.id] = false;
      });
      data.edges.forEach(function (e) { edgeShown[e.id] = edgeShown[e.id] && shown[e.from] && shown[e.to]; });
    }
    var nodeChanges = [];
    var edgeChanges = [];
    var visibleNodes = 0;
    var visibleEdges = 0;
    data.nodes.forEach(function (n) {
      var hidden = !shown[n.id];
      if (!hidden) visibleNodes++;
      if (Boolean(n.hidden) !== hidden) { n.hidden = hidden; nodeChanges.push({ id: n.id, hidden: hidden }); }
    });
    data.edges.forEach(function (e) {
      var hidden = !edgeShown[e.id];
      if (!hidden) visibleEdges++;
      if (Boolean(e.hidden) !== hidden) { e.hidden = hidden; edgeChanges.push({ id: e.id, hidden: hidden }); }
    });
    if (nodeChanges.length) nodes.update(nodeChanges);
    if (edgeChanges.length) edges.update(edgeChanges);
    state.visible = { nodes: visibleNodes, edges: visibleEdges };
    var nodeCount = document.getElementById("node-count");
    var edgeCount = document.getElementById("edge-count");
    if (!nodeCount || !edgeCount) return;
    nodeCount.textContent =
      visibleNodes === data.nodes.length ? String(data.nodes.length) : visibleNodes + " of " + data.nodes.length;
    edgeCount.textContent =
      visibleEdges === data.edges.length ? String(data.edges.length) : visibleEdges + " of " + data.edges.length;
  }
  state.visible = { nodes: data.nodes.length, edges: data.edges.length };
  document.querySelectorAll("input.type").forEach(function (box) {
    box.addEventListener("change", applyFilters);
  });
  [yearFrom, yearTo, undated].forEach(function (el) {
    if (el) el.addEventListener("change", applyFilters);
  });

  // ---------------------------------------------------------------- physics, fit
  var physics = document.getElementById("physics");
  if (physics) {
    physics.addEventListener("change", function () {
      network.setOptions({ physics: { enabled: physics.checked } });
    });
  }
  var fit = document.getElementById("fit");
  if (fit) {
    fit.addEventListener("click", function () {
      network.fit({ animation: { duration: 400, easingFunction: "easeInOutQuad" } });
    });
  }
})();
