// The network workbench's actions: open, expand by type and direction (counts first),
// collapse, hide, pin; search; the controls (undo/redo, layout, rules, filters, cap, exports,
// share, language, keys); and the start (words, then the view of the URL). The state is in
// workbench-state.js, the calls in workbench-api.js, the drawing in workbench-draw.js, the
// side panel in workbench-panel.js. Every fact comes from the API under the reader's key.
"use strict";
(function () {
  var core = WB.core, st = core.st, rules = core.rules, nodes = core.nodes;
  var network = core.network, body = core.body, fmt = core.fmt, status = core.status;
  var record = core.record, addGraph = core.addGraph, refresh = core.refresh;

  // ---- open, expand, collapse, hide, pin -------------------------------------------------
  async function openIds(ids, opts) {
    performance.mark("wb-open-start");
    var g = await core.canvas(ids);
    performance.mark("wb-open-fetched");
    if (!(opts && opts.noRecord)) record();
    notes(addGraph(g, null), g.missing);
    refresh(true);
    core.firstDraw("wb-open");
    return g;
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
    try { page = await core.neighbours(id, type, dir, Math.min(500, room)); }
    catch (e) { status(e.message); done(false); return; }
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
    core.firstDraw("wb-expand");
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
    ids.forEach(function (id) { core.edges.remove(network.getConnectedEdges(id)); });
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
            hide: hide, pin: pin, undo: core.undo, redo: core.redo};
  core.openIds = openIds;

  // ---- search --------------------------------------------------------------------------
  var box = document.getElementById("wb-q"), list = document.getElementById("wb-results");
  var timer = null, seq = 0;
  async function search() {
    var text = box.value.trim(), mine = ++seq;
    if (!text) { list.hidden = true; return; }
    var hits;
    try { hits = await core.search(text); }
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
  on("wb-undo", "click", core.undo);
  on("wb-redo", "click", core.redo);
  on("wb-layout", "change", function (e) { st.layout = e.target.value; core.relayout(); });
  ["colour", "size", "width"].forEach(function (k) {
    on("wb-" + k, "change", function (e) { rules[k] = e.target.value; refresh(false); });
  });
  on("wb-min", "input", function (e) {
    st.min = +e.target.value; document.getElementById("wb-min-v").textContent = st.min; refresh(false);
  });
  on("wb-cap", "change", function (e) { st.cap = Math.max(10, Math.min(2000, +e.target.value || 500)); });
  on("wb-png", "click", WB.exportPng);
  on("wb-csv", "click", function () { var v = core.visible(); WB.exportCsv(v.nodes, v.edges); });
  on("wb-share", "click", async function () {
    var url = await core.shareUrl();
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
    WB.dict = await core.dictionary();
    var view = await core.urlView(), saved = null;
    try { saved = localStorage.getItem("wb-lang"); } catch (e) { /* private mode */ }
    WB.lang = view.lang || saved || "zh";
    if (!WB.dict[WB.lang]) WB.lang = "zh";
    WB.applyLang();
    body.setAttribute("data-lang", WB.lang);
    ["c", "s", "w"].forEach(function (k, i) {
      var key = ["colour", "size", "width"][i], v = view[k];
      if (v && document.querySelector("#wb-" + key + " option[value='" + v + "']")) {
        rules[key] = v; document.getElementById("wb-" + key).value = v;
      }
    });
    (view.hl || []).forEach(function (x) { st.hideLabels[x] = 1; });
    (view.ht || []).forEach(function (x) { st.hideTypes[x] = 1; });
    st.min = +(view.m || 0);
    document.getElementById("wb-min").value = st.min;
    document.getElementById("wb-min-v").textContent = st.min;
    if (view.l === "hier") { st.layout = "hier"; document.getElementById("wb-layout").value = "hier"; }
    var ids = (view.n || []).filter(Boolean);
    if (ids.length) {
      st.cap = Math.max(st.cap, Math.min(2000, ids.length));
      document.getElementById("wb-cap").value = st.cap;
      await openIds(ids, {noRecord: true});
    } else refresh(false);
    body.setAttribute("data-ready", "1");
  }
  start().catch(function (e) { status(e.message); body.setAttribute("data-ready", "error"); });
})();
