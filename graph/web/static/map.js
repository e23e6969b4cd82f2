/* cinecoop map page: draws the embedded data with vis-network; search, filters, physics.
   Data from the page is only ever written with textContent (never as HTML), and tooltips are
   plain strings, which vis-network 9 shows as text. */
(function () {
  "use strict";
  var timings = { start: performance.now() };
  var data = JSON.parse(document.getElementById("map-data").textContent);
  timings.parsed = performance.now();
  var byId = {};
  // the page data carries only what differs per node: fonts, organisation colours and link
  // styles are derived here (a label's font only where a label is drawn: measuring is slow;
  // a width limit, which makes vis-network measure word by word, only where a name can wrap)
  function setFont(n) {
    var size = Math.round(12 + (data.fontBoost || 12) * Math.max(n.size - 8, 0) / 30);
    n.font = { size: size };
    if (n.label.length > 14) n.widthConstraint = { maximum: 13 * size };
  }
  data.nodes.forEach(function (n) {
    byId[n.id] = n;
    if (!n.names) n.names = [n.name];
    var colour = n.cls && data.orgColours && data.orgColours[n.cls];
    if (colour) {
      n.color = { background: colour, border: "#333333",
                  highlight: { background: colour, border: "#000000" } };
    }
    if (n.label) setFont(n);
  });
  data.edges.forEach(function (e, i) {
    e.id = i;
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
  // a page without its own budget note (an entity's neighbourhood) gets it above the map
  if (data.budgetNote && !document.getElementById("budget-note")) {
    var noteEl = document.createElement("p");
    noteEl.id = "budget-note";
    noteEl.className = "note budget";
    noteEl.textContent = data.budgetNote;
    var mapEl = document.getElementById("map");
    mapEl.parentNode.insertBefore(noteEl, mapEl);
  }
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

  // ---------------------------------------------------------------- names on zoom
  // a large map opens with the names of its main nodes drawn; zoomed in, the names of the
  // nodes in view are added (a few hundred at a time)
  var unlabelled = data.nodes.filter(function (n) { return !n.label; });
  function shortLabel(text) {
    var limit = data.labelLimit || 64;
    if (text.length <= limit) return text;
    var cut = text.slice(0, limit);
    var space = cut.lastIndexOf(" ");
    if (space > 0) cut = cut.slice(0, space);
    return cut.replace(/[,;:]+$/, "") + "\u2026";
  }
  function labelInView() {
    if (!unlabelled.length || network.getScale() < 0.55) return;
    var box = document.getElementById("map").getBoundingClientRect();
    var a = network.DOMtoCanvas({ x: 0, y: 0 });
    var b = network.DOMtoCanvas({ x: box.width, y: box.height });
    var where = network.getPositions(unlabelled.map(function (n) { return n.id; }));
    var batch = [];
    unlabelled.forEach(function (n) {
      var p = where[n.id];
      if (batch.length < 400 && p && p.x >= a.x && p.x <= b.x && p.y >= a.y && p.y <= b.y) {
        n.label = shortLabel(n.name);
        setFont(n);
        batch.push({ id: n.id, label: n.label, font: n.font,
                     widthConstraint: n.widthConstraint || false });
      }
    });
    if (!batch.length) return;
    unlabelled = unlabelled.filter(function (n) { return !n.label; });
    nodes.update(batch);
  }
  var labelTimer = null;
  function labelSoon() {
    clearTimeout(labelTimer);
    labelTimer = setTimeout(labelInView, 150);
  }
  state.labelInView = labelInView;
  ["zoom", "dragEnd", "animationFinished"].forEach(function (ev) { network.on(ev, labelSoon); });

  // ---------------------------------------------------------------- search
  function fold(text) {
    return String(text).replace(/ı/g, "i").normalize("NFKD").replace(/\p{M}/gu, "")
      .toLowerCase().replace(/ё/g, "е");
  }
  function folded(names) { return names.map(fold); }
  // the indexes are made at the first search: the names of left-out nodes can be many
  var nodeIndex = null;
  var peopleIndex = null;
  function makeIndexes() {
    nodeIndex = data.nodes.map(function (n) { return [n, folded(n.names)]; });
    peopleIndex = data.people.map(function (p) { return [p, folded(p.names)]; });
    var out = data.leftOut || { names: [], via: [] };
    out.names.forEach(function (names, i) {
      var via = out.via[i].map(function (k) { return data.nodes[k].id; });
      peopleIndex.push([{ label: names[0], names: names, via: via, leftOut: true },
                        folded(names)]);
    });
  }

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
    if (!nodeIndex) makeIndexes();
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
      var why = person.leftOut ? "left out of this map (see the note above)"
        : "not drawn on this map";
      if (!person.via.length) {
        say(person.label + " is " + why + " and has no link to what it shows; draw its " +
          "neighbourhood with --focus.");
        return null;
      }
      focusNode(person.via[0], person.label + " (" + why + ") is linked to " +
        person.via.map(function (id) { return byId[id].name; }).join("; ") + ".\n\n");
      say(person.label + " is " + why + "; linked here to: ", person.via.slice(0, 8));
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
