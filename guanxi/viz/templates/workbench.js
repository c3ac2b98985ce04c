// The network workbench's canvas: search, open, expand by type and direction (counts
// first), collapse, hide, pin, undo/redo, a node cap, filters, layouts, style rules,
// exports and a shareable URL (the side panel, paths and the ownership view are in
// workbench-panel.js, which uses WB.core). Every fact comes from the
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
  // restyle, filter, legend, counters; `layout`: let the nodes move again
  // the style of a node and an edge under the rules, filters and path in force
  function nodeLook(raw, mx) {
    return Object.assign({hidden: !!st.hideLabels[raw.label]}, styleNode(raw, mx));
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
    performance.mark("wb-open-fetched");
    if (!(opts && opts.noRecord)) record();
    var res = addGraph(g, null);
    notes(res, g.missing);
    refresh(true);
    firstDraw("wb-open");
    return g;
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
    WB.panel.showCard(id);
  }
  // `data-expanded` says that an expansion ended (drawn or not); `data-expand-drawn` whether
  // it drew (0: the node cap left no room, or the request failed)
  async function expand(id, type, dir, count) {
    var room = Math.max(0, st.cap - nodes.length);
    var what = WB.term(type) + " " + WB.arrow(dir);
    var done = function (drawn) {
      body.setAttribute("data-expand-drawn", drawn ? "1" : "0");
      body.setAttribute("data-expanded", id + ":" + type + ":" + dir);
    };
    if (!room) {
      status(fmt("cap_reached", {cap: st.cap, n: count || "?", names: what}));
      body.setAttribute("data-left-out", String(count || 0));
      done(false);
      return;
    }
    performance.mark("wb-expand-start");
    var page;
    try {
      page = await api("/api/v1/workbench/nodes/" + q(id) + "/neighbours?type=" + q(type) +
                       "&direction=" + dir + "&limit=" + Math.min(500, room));
    } catch (e) { status(e.message); done(false); return; }
    performance.mark("wb-expand-fetched");
    record();
    var res = addGraph(page, id);
    st.children[id] = (st.children[id] || []).concat(res.added);
    var parts = [];
    var more = page.next_offset !== null ?
      Math.max(0, (count || 0) - page.edges.length - page.hidden - page.folded) : 0;
    var left = res.left.length + more;
    if (left) {
      parts.push(fmt("cap_reached", {cap: st.cap, n: left, names: what}));
      body.setAttribute("data-left-out", String(left));
    } else body.removeAttribute("data-left-out");
    if (page.hidden) parts.push(fmt("scope_hidden", {n: page.hidden}));
    if (page.folded) parts.push(fmt("folded", {n: page.folded}));
    status(parts.join(" · "));
    refresh(true);
    firstDraw("wb-expand");
    done(true);
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
    WB.panel.clearSelection();
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

  WB.core = {nodes: nodes, edges: edges, network: network, st: st, body: body, api: api,
             fmt: fmt, status: status, record: record, addGraph: addGraph, refresh: refresh,
             relayout: relayout, openIds: openIds};

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
    if (st.shown && st.shown.node) WB.panel.showCard(st.shown.node);
  });
  document.addEventListener("keydown", function (e) {
    var typing = /^(INPUT|SELECT|TEXTAREA)$/.test((document.activeElement || {}).tagName || "");
    if (e.key === "/" && !typing) { e.preventDefault(); box.focus(); box.select(); }
    else if (e.key === "Delete" && !typing) hide(network.getSelectedNodes());
    else if (e.key === "Escape") { list.hidden = true; if (typing) document.activeElement.blur(); WB.panel.clearSelection(); }
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
