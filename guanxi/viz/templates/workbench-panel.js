// The network workbench's side panel (profile, scores, provenance, masked items, counts to
// expand, intimacy evidence), the paths between two nodes and the ownership view on the
// same canvas. Uses the canvas of workbench.js through WB.core; every fact from the API.
"use strict";
(function () {
  var c = WB.core;
  var nodes = c.nodes, edges = c.edges, network = c.network, st = c.st, body = c.body;
  var api = c.api, fmt = c.fmt, status = c.status, record = c.record, addGraph = c.addGraph;
  var refresh = c.refresh, relayout = c.relayout, openIds = c.openIds;
  var act = WB.act, q = encodeURIComponent;
  function pin(id) { act.pin(id); }
  function hide(ids) { act.hide(ids); }
  function collapse(id) { act.collapse(id); }
  function expand(id, type, dir, count) { act.expand(id, type, dir, count); }

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
    status(ctl ? fmt("controller", {name: o.controller.name || ctl, kind: WB.t("K_" + o.controller.kind)})
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

  WB.panel = {showCard: showCard, clearSelection: clearSelection, showPath: showPath,
              ownership: ownership};
})();
