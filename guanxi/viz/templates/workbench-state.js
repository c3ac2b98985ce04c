// The workbench's state: the style rules, filters, node cap and layout in force, the undo /
// redo history of the canvas (60 steps), and the view as a shareable URL — a readable query
// string (`?n=…&l=…`) while it is short, else the view deflated and base64url-encoded in the
// fragment (`#v=…`, the browser's CompressionStream), which never reaches a server and has
// no length limit that matters (2,000 ids fit). Opening either asks the API for the ids
// under the reader's key: what the reader may not see is left out and counted.
"use strict";
(function () {
  var core = WB.core;
  var rules = {colour: "label", size: "pagerank", width: "stake"};
  var st = {layout: "force", hideLabels: {}, hideTypes: {}, min: 0, cap: 500,
            pathStart: null, path: null, children: {}, shown: null, settleTimer: null};
  var past = [], redo = [];
  var PLAIN_MAX = 2000;  // characters: longer views go in the fragment, deflated

  // ---- history -----------------------------------------------------------------------------
  function snapshot() {
    var pos = core.network.getPositions();
    return {n: core.nodes.get().map(function (n) {
              var p = pos[n.id] || {};
              return Object.assign({}, n, {x: p.x, y: p.y}); }),
            e: core.edges.get(), children: JSON.stringify(st.children)};
  }
  function record() { past.push(snapshot()); if (past.length > 60) past.shift(); redo = []; }
  function restore(s) {
    core.nodes.clear(); core.edges.clear(); core.nodes.add(s.n); core.edges.add(s.e);
    core.countPairs(s.e);
    st.children = JSON.parse(s.children);
    core.refresh(false);
  }
  function undo() { if (past.length) { redo.push(snapshot()); restore(past.pop()); } }
  function redoIt() { if (redo.length) { past.push(snapshot()); restore(redo.pop()); } }

  // ---- the view as a URL -------------------------------------------------------------------
  // the view in force: ids on the canvas (masked placeholders left out) and the rules
  function currentView() {
    return {v: 1, n: core.nodes.getIds().filter(function (x) { return !/^masked-/.test(x); }),
            l: st.layout, c: rules.colour, s: rules.size, w: rules.width,
            hl: Object.keys(st.hideLabels), ht: Object.keys(st.hideTypes), m: st.min,
            lang: WB.lang};
  }
  function plainUrl(v) {
    var u = new URLSearchParams();
    u.set("n", v.n.join(","));
    u.set("l", v.l); u.set("c", v.c); u.set("s", v.s); u.set("w", v.w);
    if (v.hl.length) u.set("hl", v.hl.join(","));
    if (v.ht.length) u.set("ht", v.ht.join(","));
    if (v.m) u.set("m", String(v.m));
    u.set("lang", v.lang);
    return location.origin + "/ui/workbench?" + u.toString();
  }
  async function bytesOf(stream) { return new Uint8Array(await new Response(stream).arrayBuffer()); }
  async function pack(text) {
    var z = await bytesOf(new Blob([text]).stream().pipeThrough(new CompressionStream("deflate-raw")));
    var bin = "";
    for (var i = 0; i < z.length; i += 8192) bin += String.fromCharCode.apply(null, z.subarray(i, i + 8192));
    return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  async function unpack(text) {
    var bin = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
    var z = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) z[i] = bin.charCodeAt(i);
    var out = await bytesOf(new Blob([z]).stream().pipeThrough(new DecompressionStream("deflate-raw")));
    return JSON.parse(new TextDecoder().decode(out));
  }
  // the URL of the current view: plain while short, else deflated in the fragment
  async function shareUrl() {
    var v = currentView(), plain = plainUrl(v);
    if (plain.length <= PLAIN_MAX || !window.CompressionStream) return plain;
    return location.origin + "/ui/workbench#v=" + await pack(JSON.stringify(v));
  }
  // the view a URL holds (either form), with lists as arrays; {} when none
  async function urlView() {
    var h = location.hash.match(/^#v=([A-Za-z0-9_-]+)$/);
    if (h) return unpack(h[1]);
    var p = new URLSearchParams(location.search), list = function (k) {
      return (p.get(k) || "").split(",").filter(Boolean); };
    return {n: list("n"), l: p.get("l"), c: p.get("c"), s: p.get("s"), w: p.get("w"),
            hl: list("hl"), ht: list("ht"), m: +(p.get("m") || 0), lang: p.get("lang")};
  }

  WB.rules = rules; WB.state = st;
  Object.assign(core, {rules: rules, st: st, record: record, undo: undo, redo: redoIt,
                       shareUrl: shareUrl, urlView: urlView, pack: pack, unpack: unpack});
})();
