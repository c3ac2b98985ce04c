// The network workbench: search, open, expand by type and direction (counts first),
// collapse, hide, pin, undo/redo, a node cap, filters, layouts, the side panel, paths,
// the ownership view, style rules, exports and a shareable URL. Every fact comes from the
// API under the reader's key: scope and masking are the server's (docs/workbench.md).
"use strict";
(function () {
  var nodes = new vis.DataSet(), edges = new vis.DataSet();
  var rules = {colour: "label", size: "pagerank", width: "stake"};
  var st = {layout: "force", hideLabels: {}, hideTypes: {}, min: 0, cap: 500,
            pathStart: null, path: null, children: {}, shown: null, settleTimer: null};
  var past = [], redo = [];
  var body = document.body;
  var params = new URLSearchParams(location.search);
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
  WB.nodes = nodes; WB.edges = edges; WB.rules = rules; WB.state = st;

  // ---- plumbing ----------------------------------------------------------------------
  function fmt(key, vars) {
    return WB.t(key).replace(/\{(\w+)\}/g, function (_, k) { return vars[k]; });
  }
  function status(text) {
    var s = document.getElementById("wb-status");
    s.textContent = text || "";
  }
  async function api(url, opts) {
    var r = await fetch(url, Object.assign({credentials: "same-origin",
      headers: {"Content-Type": "application/json"}}, opts || {}));
    if (!r.ok) {
      var b = await r.json().catch(function () { return {}; });
      throw new Error(b.message || ("HTTP " + r.status));
    }
    return r.json();
  }
  var q = encodeURIComponent;
  function short(s) { s = String(s); return s.length > 18 ? s.slice(0, 17) + "…" : s; }
  function maxOf(key) {
    var m = 0;
    nodes.forEach(function (n) { var v = n.raw[key]; if (typeof v === "number" && v > m) m = v; });
    return m;
  }
  function styleNode(raw, max) {
    var c = WB.colourOf(raw, rules.colour);
    return {color: {background: c, border: raw.pinned ? "#111" : c,
                    highlight: {background: c, border: "#111"}},
            borderWidth: raw.pinned ? 3 : 1, size: WB.sizeOf(raw, rules.size, max),
            label: short(raw.masked ? WB.t("masked") : (raw.name || raw.id)),
            title: (raw.masked ? WB.t("masked") : (raw.name || "")) + "\n" +
                   WB.term(raw.label) + " " + raw.id};
  }
  // parallel relationships between the same two nodes curve apart, so each stays visible
  var pairs = {};  // "a|b" (sorted) -> relationships drawn between a and b so far
  function visEdge(e) {
    var pk = e.source < e.target ? e.source + "|" + e.target : e.target + "|" + e.source;
    var k = pairs[pk] || 0;
    pairs[pk] = k + 1;
    var look = edgeLook(e, e.id);
    return Object.assign({id: e.id, from: e.source, to: e.target, raw: e, sig: JSON.stringify(look),
            smooth: k ? {enabled: true, type: k % 2 ? "curvedCW" : "curvedCCW", roundness: 0.2 * Math.ceil(k / 2)}
                      : false,
            title: WB.term(e.type) + "\n" + Object.keys(e.properties || {}).map(function (p) {
              return p + ": " + JSON.stringify(e.properties[p]); }).join("\n")}, look);
  }

  // ---- history -------------------------------------------------------------------------
  function snapshot() {
    var pos = network.getPositions();
    return {n: nodes.get().map(function (n) {
              var p = pos[n.id] || {};
              return Object.assign({}, n, {x: p.x, y: p.y}); }),
            e: edges.get(), children: JSON.stringify(st.children)};
  }
  function record() { past.push(snapshot()); if (past.length > 60) past.shift(); redo = []; }
  function restore(s) {
    nodes.clear(); edges.clear(); nodes.add(s.n); edges.add(s.e);
    pairs = {};
    s.e.forEach(function (e) {
      var pk = e.from < e.to ? e.from + "|" + e.to : e.to + "|" + e.from;
      pairs[pk] = (pairs[pk] || 0) + 1;
    });
    st.children = JSON.parse(s.children);
    refresh(false);
  }
  function undo() { if (past.length) { redo.push(snapshot()); restore(past.pop()); } }
  function redoIt() { if (redo.length) { past.push(snapshot()); restore(redo.pop()); } }

  // ---- the canvas ------------------------------------------------------------------------
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
  // restyle, filter, legend, counters; `layout`: let the nodes move again
  // the style of a node and an edge under the rules, filters and path in force
  function nodeLook(raw, mx) {
    return Object.assign({hidden: !!st.hideLabels[raw.label]}, styleNode(raw, mx));
  }
  function edgeLook(raw, id) {
    var s = Math.max(WB.strength(raw, "stake") || 0, WB.strength(raw, "intimacy") || 0);
    var measured = WB.strength(raw, "stake") !== null || WB.strength(raw, "intimacy") !== null;
    var onPath = st.path && st.path.edges[id];
    return {label: edges.length > 300 ? "" : WB.term(raw.type),
            width: onPath ? 6 : WB.widthOf(raw, rules.width),
            color: onPath ? {color: WB.HIGHLIGHT, highlight: WB.HIGHLIGHT, hover: WB.HIGHLIGHT}
                          : {color: "#9aa5b1", highlight: "#555", hover: "#555"},
            hidden: !!st.hideTypes[raw.type] || (measured && s * 100 < st.min)};
  }
  // update only what changed (vis re-reads every option of an updated item)
  function restyle(set, look) {
    var changed = [];
    set.forEach(function (x) {
      var l = look(x), sig = JSON.stringify(l);
      if (sig !== x.sig) changed.push(Object.assign({id: x.id, sig: sig}, l));
    });
    if (changed.length) set.update(changed);
  }
  // restyle, filter, legend, counters; `layout`: let the nodes move again
  function refresh(layout) {
    var mx = maxOf(rules.size);
    restyle(nodes, function (n) { return nodeLook(n.raw, mx); });
    restyle(edges, function (e) { return edgeLook(e.raw, e.id); });
    var vis = visible();
    body.setAttribute("data-nodes", String(vis.nodes.length));
    body.setAttribute("data-edges", String(vis.edges.length));
    WB.legend(vis.nodes.map(function (n) { return n.raw; }), rules);
    filters();
    if (layout) relayout();
  }
  function visible() {
    var vn = nodes.get({filter: function (n) { return !n.hidden; }});
    var ok = {};
    vn.forEach(function (n) { ok[n.id] = 1; });
    var ve = edges.get({filter: function (e) { return !e.hidden && ok[e.from] && ok[e.to]; }});
    return {nodes: vn, edges: ve};
  }
  WB.visible = visible;
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
        cb.onchange = function () { record(); if (cb.checked) delete x[2][k]; else x[2][k] = 1; refresh(false); };
        l.appendChild(cb);
        l.appendChild(document.createTextNode(" " + WB.term(k) + " (" + x[1][k] + ")"));
        box.appendChild(l);
      });
    });
  }

  // ---- open, expand, collapse, hide, pin -------------------------------------------------------
  async function openIds(ids, opts) {
    performance.mark("wb-open-start");
    var g = await api("/api/v1/workbench/canvas", {method: "POST", body: JSON.stringify({ids: ids})});
    if (!(opts && opts.noRecord)) record();
    var res = addGraph(g, null);
    notes(res, g.missing);
    refresh(true);
    firstDraw("wb-open");
    return g;
  }
  function firstDraw(name) {
    network.once("afterDrawing", function () {
      performance.mark(name + "-end");
      performance.measure(name, name + "-start", name + "-end");
    });
    network.redraw();
  }
  function notes(res, missing) {
    var parts = [];
    if (res.left.length) {
      parts.push(fmt("cap_reached", {cap: st.cap, n: res.left.length,
        names: res.left.slice(0, 5).map(function (n) { return n.name || n.id; }).join("、")}));
      body.setAttribute("data-left-out", String(res.left.length));
    }
    if (missing && missing.length) {
      parts.push(fmt("missing", {n: missing.length}));
      body.setAttribute("data-missing", String(missing.length));
    }
    status(parts.join(" · "));
  }
  async function openNode(id) {
    var ids = [id];
    if (nodes.length <= 300) ids = ids.concat(nodes.getIds());
    await openIds(ids);
    network.selectNodes([id]);
    showCard(id);
  }
  async function expand(id, type, dir, count) {
    var room = Math.max(0, st.cap - nodes.length);
    var what = WB.term(type) + " " + WB.arrow(dir);
    if (!room) {
      status(fmt("cap_reached", {cap: st.cap, n: count || "?", names: what}));
      body.setAttribute("data-left-out", String(count || 0));
      return;
    }
    performance.mark("wb-expand-start");
    var page = await api("/api/v1/workbench/nodes/" + q(id) + "/neighbours?type=" + q(type) +
                         "&direction=" + dir + "&limit=" + Math.min(500, room));
    record();
    var res = addGraph(page, id);
    st.children[id] = (st.children[id] || []).concat(res.added);
    var parts = [];
    var left = res.left.length + (page.next_offset !== null ? Math.max(0, (count || 0) - page.edges.length - page.hidden) : 0);
    if (left) {
      parts.push(fmt("cap_reached", {cap: st.cap, n: left, names: what}));
      body.setAttribute("data-left-out", String(left));
    } else body.removeAttribute("data-left-out");
    if (page.hidden) parts.push(fmt("scope_hidden", {n: page.hidden}));
    status(parts.join(" · "));
    refresh(true);
    firstDraw("wb-expand");
    body.setAttribute("data-expanded", id + ":" + type + ":" + dir);
  }
  function collapse(id) {
    var kids = st.children[id] || [];
    if (!kids.length) return;
    record();
    var drop = kids.filter(function (k) {
      var n = nodes.get(k);
      if (!n || n.raw.pinned || k === id) return false;
      return network.getConnectedNodes(k).every(function (o) { return o === id || kids.indexOf(o) >= 0; });
    });
    removeNodes(drop);
    delete st.children[id];
    refresh(false);
  }
  function removeNodes(ids) {
    ids.forEach(function (id) { edges.remove(network.getConnectedEdges(id)); });
    nodes.remove(ids);
  }
  function hide(ids) {
    if (!ids.length) return;
    record();
    removeNodes(ids);
    clearSelection();
    refresh(false);
  }
  function pin(id) {
    var n = nodes.get(id);
    record();
    n.raw.pinned = !n.raw.pinned;
    nodes.update({id: id, raw: n.raw, fixed: n.raw.pinned});
    refresh(false);
  }
  WB.act = {openNode: openNode, openIds: openIds, expand: expand, collapse: collapse,
            hide: hide, pin: pin, undo: undo, redo: redoIt};

  // ---- the side panel --------------------------------------------------------------------
  var panel = document.getElementById("wb-panel");
  function clearSelection() {
    network.unselectAll();
    st.shown = null;
    panel.innerHTML = "";
    panel.appendChild(WB.el("p", WB.t("panel_empty"), "wb-muted"));
    panel.removeAttribute("data-node");
    if (st.path) { st.path = null; refresh(false); }
    body.removeAttribute("data-path");
  }
  function button(text, fn, attrs) {
    var b = WB.el("button", text);
    b.onclick = fn;
    Object.keys(attrs || {}).forEach(function (k) { b.setAttribute(k, attrs[k]); });
    return b;
  }
  async function showCard(id) {
    var n = nodes.get(id);
    if (!n) return;
    st.shown = {node: id};
    panel.innerHTML = "";
    panel.setAttribute("data-node", id);
    if (n.raw.masked) { panel.appendChild(WB.el("h2", WB.t("masked"), "wb-masked")); return; }
    var c;
    try { c = await api("/api/v1/workbench/nodes/" + q(id)); }
    catch (e) { panel.appendChild(WB.el("p", e.message)); return; }
    if (!st.shown || st.shown.node !== id) return;
    panel.appendChild(WB.el("h2", c.name || c.id));
    panel.appendChild(WB.el("div", WB.term(c.label) + " · " + c.id, "wb-muted"));
    var bar = WB.el("div");
    bar.appendChild(button(n.raw.pinned ? WB.t("unpin") : WB.t("pin"), function () { pin(id); showCard(id); }, {"data-act": "pin"}));
    bar.appendChild(button(WB.t("hide"), function () { hide([id]); }, {"data-act": "hide"}));
    bar.appendChild(button(WB.t("collapse"), function () { collapse(id); }, {"data-act": "collapse"}));
    bar.appendChild(button(WB.t("path_from"), function () {
      st.pathStart = id; status(fmt("path_start", {name: c.name || id})); }, {"data-act": "path-from"}));
    if (c.label === "Company") bar.appendChild(button(WB.t("ownership"), function () { ownership(id); }, {"data-act": "ownership"}));
    panel.appendChild(bar);
    panel.appendChild(WB.el("h4", WB.t("expand")));
    var box = WB.el("div", undefined, "wb-counts");
    c.counts.forEach(function (k) {
      box.appendChild(button(WB.term(k.type) + " " + WB.arrow(k.direction) + " " + k.count,
        function () { expand(id, k.type, k.direction, k.count); },
        {"data-type": k.type, "data-dir": k.direction, "data-count": k.count}));
    });
    if (!c.counts.length) box.appendChild(WB.el("p", WB.t("no_relations"), "wb-muted"));
    panel.appendChild(box);
    var sc = Object.assign({}, c.scores);
    var kc = sc.key_contact_of || []; delete sc.key_contact_of;
    var risk = sc.inherited_risk; delete sc.inherited_risk;
    panel.appendChild(WB.el("h4", WB.t("scores")));
    var scoreMasked = c.masked.filter(function (k) { return /score|pagerank|risk|similarity/.test(k); });
    panel.appendChild(WB.table(sc, scoreMasked));
    kc.forEach(function (x) {
      panel.appendChild(WB.el("div", fmt("key_contact", {rank: x.rank, name: x.name || x.company})));
    });
    if (risk) panel.appendChild(WB.el("div", WB.t("inherited_risk") + ": " + risk.score + " · " + risk.text));
    panel.appendChild(WB.el("h4", WB.t("profile")));
    panel.appendChild(WB.table(c.profile, c.masked.filter(function (k) { return scoreMasked.indexOf(k) < 0 && k !== "ingested_by"; })));
    panel.appendChild(WB.el("h4", WB.t("provenance")));
    panel.appendChild(WB.table({source: c.provenance.source, loaded_at: c.provenance.loaded_at,
                                ingested_by: c.provenance.ingested_by},
                               c.masked.indexOf("ingested_by") >= 0 ? ["ingested_by"] : []));
    if (c.label === "Person" || c.label === "Company") intimacy(id);
  }
  // intimacy of the node with its neighbours on the canvas, with the evidence lines
  async function intimacy(id) {
    var others = network.getConnectedNodes(id).filter(function (o) {
      var n = nodes.get(o); return n && !n.raw.masked && (n.raw.label === "Person" || n.raw.label === "Company");
    }).slice(0, 4);
    if (!others.length) return;
    var sec = WB.el("div");
    sec.appendChild(WB.el("h4", WB.t("intimacy")));
    panel.appendChild(sec);
    var lines = 0;
    for (var i = 0; i < others.length; i++) {
      var o = nodes.get(others[i]);
      var r;
      try { r = await api("/api/v1/intimacy?a=" + q(id) + "&b=" + q(others[i])); }
      catch (e) { sec.appendChild(WB.el("p", (o.raw.name || o.id) + ": " + e.message, "wb-masked")); continue; }
      if (!st.shown || st.shown.node !== id) return;
      sec.appendChild(WB.el("div", fmt("intimacy_with", {name: o.raw.name || o.id, score: r.score})));
      var ul = WB.el("ul", undefined, "wb-evidence");
      r.evidence.forEach(function (e) { ul.appendChild(WB.el("li", e.text || e.kind)); lines++; });
      if (r.masked_evidence) {
        var m = WB.el("li", fmt("evidence_masked", {n: r.masked_evidence}), "wb-masked");
        m.setAttribute("data-masked", "evidence");
        ul.appendChild(m);
      }
      sec.appendChild(ul);
    }
    panel.setAttribute("data-evidence", String(lines));
  }
  function showEdge(eid) {
    var e = edges.get(eid);
    if (!e) return;
    st.shown = {edge: eid};
    panel.innerHTML = "";
    panel.setAttribute("data-node", "");
    var a = nodes.get(e.from), b = nodes.get(e.to);
    panel.appendChild(WB.el("h2", WB.term(e.raw.type)));
    panel.appendChild(WB.el("div", (a.raw.name || a.id) + " " + WB.arrow("out") + " " + (b.raw.name || b.id)));
    panel.appendChild(WB.table(e.raw.properties || {}, []));
  }

  // ---- paths and the ownership view ------------------------------------------------------
  // mark the path's nodes and, between consecutive ones, the relationship of its type
  function highlight(seq, types) {
    var pe = {};
    for (var i = 0; i + 1 < seq.length; i++) {
      var hit = edges.get({filter: function (e) {
        return ((e.from === seq[i] && e.to === seq[i + 1]) || (e.to === seq[i] && e.from === seq[i + 1])) &&
               (!types[i] || e.raw.type === types[i] || e.raw.type === "Masked");
      }});
      if (hit.length) pe[hit[0].id] = 1;
    }
    st.path = {nodes: seq, edges: pe};
    refresh(false);
    network.selectNodes(seq.filter(function (x) { return nodes.get(x); }));
    body.setAttribute("data-path", seq.join(">"));
    body.setAttribute("data-path-edges", String(Object.keys(pe).length));
  }
  async function showPath(a, b) {
    var ra = nodes.get(a).raw, rb = nodes.get(b).raw;
    var internal = function (r) { return r.label === "RelationshipManager" || r.label === "Branch"; };
    panel.innerHTML = "";
    panel.appendChild(WB.el("h2", WB.t("path")));
    var seq = [], types = [], masked = [], pub = false;
    try {
      if (internal(ra) || internal(rb)) {
        var o = internal(ra) ? a : b, t = o === a ? b : a;
        var res = await api("/api/v1/paths?from=" + q(o) + "&to=" + q(t) + "&k=1");
        if (res.paths.length) {
          var hops = res.paths[0].hops;
          seq = [hops[0].from].concat(hops.map(function (h) { return h.to; }));
          types = hops.map(function (h) { return h.type; });
          hops.forEach(function (h) {
            if (/^masked-/.test(h.to)) masked.push({id: h.to, name: h.to_name});
            if (/^masked-/.test(h.from)) masked.push({id: h.from, name: h.from_name});
            panel.appendChild(WB.el("div", (h.from_name || h.from) + " → " + (h.to_name || h.to) +
                                    (h.text ? "：" + h.text : ""), h.masked ? "wb-masked" : ""));
          });
          panel.appendChild(WB.el("p", (res.paths[0].introducer || "") + " " + (res.paths[0].reason || "")));
        }
      } else {
        var p = await api("/api/v1/workbench/path?a=" + q(a) + "&b=" + q(b));
        seq = p.nodes;
        types = p.types;
        pub = true;
      }
    } catch (e) { panel.appendChild(WB.el("p", e.message)); return; }
    if (!seq.length) { panel.appendChild(WB.el("p", WB.t("no_path"))); body.setAttribute("data-path", ""); return; }
    var real = seq.filter(function (x) { return !/^masked-/.test(x); });
    var g = await api("/api/v1/workbench/canvas", {method: "POST", body: JSON.stringify({ids: real})});
    record();
    masked.forEach(function (m) { g.nodes.push({id: m.id, label: "Masked", name: m.name, masked: true}); });
    for (var j = 0; j + 1 < seq.length; j++) {
      if (/^masked-/.test(seq[j]) || /^masked-/.test(seq[j + 1])) {
        g.edges.push({id: seq[j] + ">masked>" + seq[j + 1], source: seq[j], target: seq[j + 1],
                      type: "Masked", properties: {}});
      }
    }
    addGraph(g, a);
    refresh(true);
    highlight(seq, types);
    status("");
    if (pub) {
      var name = function (x) { var n = nodes.get(x); return n ? (n.raw.name || x) : x; };
      for (var i = 0; i + 1 < seq.length; i++) {
        panel.appendChild(WB.el("div", name(seq[i]) + " —" + WB.term(types[i]) + "→ " + name(seq[i + 1])));
      }
    }
  }
  async function ownership(id) {
    var o = await api("/api/v1/companies/" + q(id) + "/ownership");
    var ids = [id];
    o.edges.forEach(function (e) { ids.push(e.from, e.to); });
    await openIds(Array.from(new Set(ids)).concat(nodes.getIds()).slice(0, st.cap));
    st.layout = "hier";
    document.getElementById("wb-layout").value = "hier";
    var ctl = o.controller.controller;
    if (ctl && nodes.get(ctl)) {
      var n = nodes.get(ctl);
      n.raw.controller = true;
      nodes.update({id: ctl, raw: n.raw, shape: "star"});
    }
    relayout();
    status(ctl ? fmt("controller", {name: o.controller.name || ctl, kind: o.controller.kind})
               : WB.t("no_controller"));
    body.setAttribute("data-controller", ctl || "");
  }

  network.on("click", function (p) {
    var sel = network.getSelectedNodes();
    if (p.nodes.length && st.pathStart && st.pathStart !== p.nodes[0] && nodes.get(st.pathStart)) {
      var s = st.pathStart; st.pathStart = null; showPath(s, p.nodes[0]);
    } else if (sel.length >= 2) showPath(sel[sel.length - 2], sel[sel.length - 1]);
    else if (p.nodes.length) showCard(p.nodes[0]);
    else if (p.edges.length) showEdge(p.edges[0]);
    else clearSelection();
  });

  // ---- search --------------------------------------------------------------------------
  var box = document.getElementById("wb-q"), list = document.getElementById("wb-results");
  var timer = null, seq = 0;
  async function search() {
    var text = box.value.trim(), mine = ++seq;
    if (!text) { list.hidden = true; return; }
    var hits;
    try { hits = await api("/api/v1/workbench/search?q=" + q(text)); }
    catch (e) { status(e.message); return; }
    if (mine !== seq) return;
    list.innerHTML = "";
    hits.forEach(function (h, i) {
      var li = WB.el("li");
      li.setAttribute("data-id", h.id);
      if (i === 0) li.className = "on";
      li.appendChild(WB.el("span", h.name || h.id));
      li.appendChild(WB.el("div", [WB.term(h.label), h.id, h.stock_code, h.industry, h.region]
        .filter(Boolean).join(" · "), "wb-muted"));
      li.onclick = function () { list.hidden = true; openNode(h.id); };
      list.appendChild(li);
    });
    if (!hits.length) list.appendChild(WB.el("li", WB.t("no_results"), "wb-muted"));
    list.hidden = false;
    body.setAttribute("data-results", String(hits.length));
  }
  box.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(search, 150); });
  box.addEventListener("keydown", function (e) {
    if (e.key === "Enter") { var f = list.querySelector("li[data-id]"); if (f) f.click(); }
  });

  // ---- controls ------------------------------------------------------------------------------
  function on(id, ev, fn) { document.getElementById(id).addEventListener(ev, fn); }
  on("wb-undo", "click", undo);
  on("wb-redo", "click", redoIt);
  on("wb-layout", "change", function (e) { st.layout = e.target.value; relayout(); });
  ["colour", "size", "width"].forEach(function (k) {
    on("wb-" + k, "change", function (e) { rules[k] = e.target.value; refresh(false); });
  });
  on("wb-min", "input", function (e) {
    st.min = +e.target.value; document.getElementById("wb-min-v").textContent = st.min; refresh(false);
  });
  on("wb-cap", "change", function (e) { st.cap = Math.max(10, Math.min(2000, +e.target.value || 500)); });
  on("wb-png", "click", WB.exportPng);
  on("wb-csv", "click", function () { var v = visible(); WB.exportCsv(v.nodes, v.edges); });
  on("wb-share", "click", function () {
    var u = new URLSearchParams();
    u.set("n", nodes.getIds().filter(function (x) { return !/^masked-/.test(x); }).join(","));
    u.set("l", st.layout); u.set("c", rules.colour); u.set("s", rules.size); u.set("w", rules.width);
    if (Object.keys(st.hideLabels).length) u.set("hl", Object.keys(st.hideLabels).join(","));
    if (Object.keys(st.hideTypes).length) u.set("ht", Object.keys(st.hideTypes).join(","));
    if (st.min) u.set("m", String(st.min));
    u.set("lang", WB.lang);
    var url = location.origin + "/ui/workbench?" + u.toString();
    var f = document.getElementById("wb-share-url");
    f.hidden = false; f.value = url; f.select();
    if (navigator.clipboard) navigator.clipboard.writeText(url).catch(function () {});
    body.setAttribute("data-share", url);
    status(WB.t("share_done"));
  });
  on("wb-lang", "click", function () {
    WB.lang = WB.lang === "zh" ? "en" : "zh";
    try { localStorage.setItem("wb-lang", WB.lang); } catch (e) { /* private mode */ }
    WB.applyLang();
    body.setAttribute("data-lang", WB.lang);
    refresh(false);
    if (st.shown && st.shown.node) showCard(st.shown.node);
  });
  document.addEventListener("keydown", function (e) {
    var typing = /^(INPUT|SELECT|TEXTAREA)$/.test((document.activeElement || {}).tagName || "");
    if (e.key === "/" && !typing) { e.preventDefault(); box.focus(); box.select(); }
    else if (e.key === "Delete" && !typing) hide(network.getSelectedNodes());
    else if (e.key === "Escape") { list.hidden = true; if (typing) document.activeElement.blur(); clearSelection(); }
  });

  // ---- start: words, then the view of the URL (re-checked against the reader's access) ----
  async function start() {
    WB.dict = await api("/ui/static/workbench.i18n.json");
    var saved = null;
    try { saved = localStorage.getItem("wb-lang"); } catch (e) { /* private mode */ }
    WB.lang = params.get("lang") || saved || "zh";
    if (!WB.dict[WB.lang]) WB.lang = "zh";
    WB.applyLang();
    body.setAttribute("data-lang", WB.lang);
    ["c", "s", "w"].forEach(function (k, i) {
      var key = ["colour", "size", "width"][i], v = params.get(k);
      if (v && document.querySelector("#wb-" + key + " option[value='" + v + "']")) {
        rules[key] = v; document.getElementById("wb-" + key).value = v;
      }
    });
    (params.get("hl") || "").split(",").filter(Boolean).forEach(function (x) { st.hideLabels[x] = 1; });
    (params.get("ht") || "").split(",").filter(Boolean).forEach(function (x) { st.hideTypes[x] = 1; });
    st.min = +(params.get("m") || 0);
    document.getElementById("wb-min").value = st.min;
    document.getElementById("wb-min-v").textContent = st.min;
    if (params.get("l") === "hier") { st.layout = "hier"; document.getElementById("wb-layout").value = "hier"; }
    var ids = (params.get("n") || "").split(",").filter(Boolean);
    if (ids.length) {
      st.cap = Math.max(st.cap, Math.min(2000, ids.length));
      document.getElementById("wb-cap").value = st.cap;
      await openIds(ids, {noRecord: true});
    } else refresh(false);
    body.setAttribute("data-ready", "1");
  }
  start().catch(function (e) { status(e.message); body.setAttribute("data-ready", "error"); });
})();
