// The workbench's drawing: the vis-network canvas, nodes and edges styled under the rules,
// filters and path in force (only what changed is restyled), parallel relationships curved
// apart, graphs added under the node cap around the node they came from, the layout
// (force-directed until it settles, then physics off; or hierarchical), the filters' check
// boxes and the legend, and the `wb-open` / `wb-expand` performance measures.
"use strict";
(function () {
  var core = WB.core, st = core.st, rules = core.rules, body = document.body;
  var nodes = new vis.DataSet(), edges = new vis.DataSet();
  var FORCE = {solver: "forceAtlas2Based", stabilization: false,
               forceAtlas2Based: {gravitationalConstant: -60, springLength: 90},
               minVelocity: 1.5, timestep: 0.5};
  var HIER = {enabled: true, direction: "UD", sortMethod: "directed",
              levelSeparation: 110, nodeSpacing: 150};
  var network = new vis.Network(document.getElementById("wb-canvas"),
    {nodes: nodes, edges: edges}, {
      physics: Object.assign({enabled: true}, FORCE),
      layout: {improvedLayout: false},
      interaction: {hover: true, multiselect: true, tooltipDelay: 150, hideEdgesOnDrag: true},
      nodes: {shape: "dot", font: {size: 12}},
      edges: {arrows: {to: {enabled: true, scaleFactor: 0.5}}, smooth: false,
              font: {size: 9, align: "middle"}, color: {color: "#9aa5b1"}}});
  window.network = network;
  WB.nodes = nodes; WB.edges = edges;

  function short(s) { s = String(s); return s.length > 18 ? s.slice(0, 17) + "…" : s; }
  function maxOf(key) {
    var m = 0;
    nodes.forEach(function (n) { var v = n.raw[key]; if (typeof v === "number" && v > m) m = v; });
    return m;
  }
  // the style of a node and an edge under the rules, filters and path in force
  function nodeLook(raw, max) {
    var c = WB.colourOf(raw, rules.colour);
    return {hidden: !!st.hideLabels[raw.label],
            color: {background: c, border: raw.pinned ? "#111" : c,
                    highlight: {background: c, border: "#111"}},
            borderWidth: raw.pinned ? 3 : 1, size: WB.sizeOf(raw, rules.size, max),
            label: short(raw.masked ? WB.t("masked") : (raw.name || raw.id)),
            title: (raw.masked ? WB.t("masked") : (raw.name || "")) + "\n" +
                   WB.term(raw.label) + " " + raw.id};
  }
  function edgeLook(raw, id) {
    var s = Math.max(WB.strength(raw, "stake") || 0, WB.strength(raw, "intimacy") || 0);
    var measured = WB.strength(raw, "stake") !== null || WB.strength(raw, "intimacy") !== null;
    var onPath = st.path && st.path.edges[id];
    return {label: st.many ? "" : WB.term(raw.type),
            width: onPath ? 6 : WB.widthOf(raw, rules.width),
            color: onPath ? {color: WB.HIGHLIGHT, highlight: WB.HIGHLIGHT, hover: WB.HIGHLIGHT}
                          : {color: "#9aa5b1", highlight: "#555", hover: "#555"},
            hidden: !!st.hideTypes[raw.type] || (measured && s * 100 < st.min)};
  }
  // parallel relationships between the same two nodes curve apart, so each stays visible
  var pairs = {};  // "a|b" (sorted) -> relationships drawn between a and b so far
  function pairKey(a, b) { return a < b ? a + "|" + b : b + "|" + a; }
  function countPairs(list) {
    pairs = {};
    list.forEach(function (e) { var k = pairKey(e.from, e.to); pairs[k] = (pairs[k] || 0) + 1; });
  }
  function visEdge(e) {
    var pk = pairKey(e.source, e.target), k = pairs[pk] || 0;
    pairs[pk] = k + 1;
    var look = edgeLook(e, e.id);
    return Object.assign({id: e.id, from: e.source, to: e.target, raw: e, sig: JSON.stringify(look),
            smooth: k ? {enabled: true, type: k % 2 ? "curvedCW" : "curvedCCW", roundness: 0.2 * Math.ceil(k / 2)}
                      : false,
            title: WB.term(e.type) + "\n" + Object.keys(e.properties || {}).map(function (p) {
              return p + ": " + JSON.stringify(e.properties[p]); }).join("\n")}, look);
  }

  // add a graph ({nodes, edges}) under the cap; new nodes start around `near`
  function addGraph(g, near) {
    var room = Math.max(0, st.cap - nodes.length), add = [], left = [];
    g.nodes.forEach(function (n) {
      if (nodes.get(n.id)) return;
      (add.length < room ? add : left).push(n);
    });
    var c = near && network.getPositions([near])[near];
    var mx = Math.max(maxOf(rules.size), Math.max.apply(null, add.map(function (n) {
      return typeof n[rules.size] === "number" ? n[rules.size] : 0; }).concat([0])));
    nodes.add(add.map(function (n, i) {
      var a = 2 * Math.PI * i / Math.max(1, add.length), r = 90 + 4 * Math.sqrt(add.length);
      var raw = Object.assign({}, n);
      var pos = c ? {x: c.x + r * Math.cos(a), y: c.y + r * Math.sin(a)} : {};
      var look = nodeLook(raw, mx);
      return Object.assign({id: n.id, raw: raw, sig: JSON.stringify(look)}, pos, look);
    }));
    var ids = {};
    nodes.getIds().forEach(function (id) { ids[id] = 1; });
    var seen = {};
    st.many = edges.length + g.edges.length > 300;  // edge labels only on small canvases
    edges.add(g.edges.filter(function (e) {
      var ok = ids[e.source] && ids[e.target] && !seen[e.id] && !edges.get(e.id);
      seen[e.id] = 1;
      return ok;
    }).map(visEdge));
    return {added: add.map(function (n) { return n.id; }), left: left};
  }
  function settled() {
    clearTimeout(st.settleTimer);
    network.setOptions({physics: {enabled: false}});
    body.setAttribute("data-settled", "1");
  }
  function relayout() {
    body.removeAttribute("data-settled");
    if (st.layout === "hier") {
      network.setOptions({layout: {hierarchical: HIER}, physics: {enabled: false}});
      network.fit();
      settled();
      return;
    }
    network.setOptions({layout: {hierarchical: {enabled: false}},
                        physics: Object.assign({enabled: true}, FORCE)});
    clearTimeout(st.settleTimer);
    st.settleTimer = setTimeout(settled, nodes.length > 800 ? 6000 : 3500);
  }
  network.on("stabilized", function () { if (body.getAttribute("data-settled") !== "1") settled(); });
  // update only what changed (vis re-reads every option of an updated item)
  function restyle(set, look) {
    var changed = [];
    set.forEach(function (x) {
      var l = look(x), sig = JSON.stringify(l);
      if (sig !== x.sig) changed.push(Object.assign({id: x.id, sig: sig}, l));
    });
    if (changed.length) set.update(changed);
  }
  function visible() {
    var vn = nodes.get({filter: function (n) { return !n.hidden; }});
    var ok = {};
    vn.forEach(function (n) { ok[n.id] = 1; });
    var ve = edges.get({filter: function (e) { return !e.hidden && ok[e.from] && ok[e.to]; }});
    return {nodes: vn, edges: ve};
  }
  // restyle, filter, legend, counters; `layout`: let the nodes move again
  function refresh(layout) {
    var mx = maxOf(rules.size);
    st.many = edges.length > 300;
    restyle(nodes, function (n) { return nodeLook(n.raw, mx); });
    restyle(edges, function (e) { return edgeLook(e.raw, e.id); });
    var vis = visible();
    body.setAttribute("data-nodes", String(vis.nodes.length));
    body.setAttribute("data-edges", String(vis.edges.length));
    WB.legend(vis.nodes.map(function (n) { return n.raw; }), rules,
              vis.edges.map(function (e) { return e.raw; }));
    filters();
    if (layout) relayout();
  }
  function filters() {
    var labels = {}, types = {};
    nodes.forEach(function (n) { labels[n.raw.label] = (labels[n.raw.label] || 0) + 1; });
    edges.forEach(function (e) { types[e.raw.type] = (types[e.raw.type] || 0) + 1; });
    [["wb-f-labels", labels, st.hideLabels], ["wb-f-types", types, st.hideTypes]].forEach(function (x) {
      var box = document.getElementById(x[0]);
      box.innerHTML = "";
      Object.keys(x[1]).sort().forEach(function (k) {
        var l = WB.el("label"), cb = WB.el("input");
        cb.type = "checkbox"; cb.checked = !x[2][k]; cb.value = k;
        cb.onchange = function () { core.record(); if (cb.checked) delete x[2][k]; else x[2][k] = 1; refresh(false); };
        l.appendChild(cb);
        l.appendChild(document.createTextNode(" " + WB.term(k) + " (" + x[1][k] + ")"));
        box.appendChild(l);
      });
    });
  }
  // measures: `name` (request to the first frame drawn with the result), `name-fetch` (the
  // request) and `name-draw` (adding, styling and drawing)
  function firstDraw(name) {
    network.once("afterDrawing", function () {
      performance.mark(name + "-end");
      performance.measure(name, name + "-start", name + "-end");
      performance.measure(name + "-fetch", name + "-start", name + "-fetched");
      performance.measure(name + "-draw", name + "-fetched", name + "-end");
    });
    network.redraw();
  }

  WB.visible = visible;
  Object.assign(core, {nodes: nodes, edges: edges, network: network, body: body,
                       addGraph: addGraph, refresh: refresh, relayout: relayout,
                       visible: visible, firstDraw: firstDraw, countPairs: countPairs});
})();
