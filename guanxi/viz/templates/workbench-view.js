// The workbench's styling by rule with its legend, the side panel's pieces and the exports
// (PNG, CSV). Everything data-driven is written with textContent, never as HTML.
"use strict";
Object.assign(WB, {
  LABEL_COLOURS: {Company: "#4e79a7", Person: "#f28e2b", Branch: "#59a14f",
                  RelationshipManager: "#e15759", Product: "#b07aa1", Group: "#76b7b2",
                  Masked: "#bab0ac"},
  PALETTE: ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1", "#76b7b2", "#edc948",
            "#ff9da7", "#9c755f", "#86bcb6"],
  RISK_BINS: [[0.5, "#d62728", "risk_high"], [0.2, "#ff7f0e", "risk_mid"],
              [0, "#2ca02c", "risk_low"]],
  HIGHLIGHT: "#d62728",
});

// ---- style by rule -------------------------------------------------------------------
WB.hashColour = function (s) {
  var h = 0;
  for (var i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) >>> 0;
  return WB.PALETTE[h % WB.PALETTE.length];
};
WB.riskBin = function (r) {
  if (r === null || r === undefined) return null;
  for (var i = 0; i < WB.RISK_BINS.length; i++) if (r >= WB.RISK_BINS[i][0]) return WB.RISK_BINS[i];
  return WB.RISK_BINS[WB.RISK_BINS.length - 1];
};
WB.colourOf = function (raw, rule) {
  if (raw.masked) return WB.LABEL_COLOURS.Masked;
  if (rule === "group") return raw.group ? WB.hashColour(raw.group) : "#cccccc";
  if (rule === "risk") { var b = WB.riskBin(raw.risk); return b ? b[1] : "#cccccc"; }
  return WB.LABEL_COLOURS[raw.label] || "#999999";
};
WB.sizeOf = function (raw, rule, max) {
  var v = rule === "none" ? null : raw[rule];
  if (v === null || v === undefined || !max) return 14;
  return 10 + 26 * Math.sqrt(Math.max(0, v) / max);
};
// an edge's strength in [0, 1] for the width rule and the threshold filter: a stake, or the
// scored intimacy of its two ends (their INTIMACY score), else a recorded strength
WB.strength = function (e, rule) {
  var p = e.properties || {};
  if (rule === "stake") {
    if (typeof p.pct === "number") return p.pct / 100;
    if (typeof p.share === "number") return p.share;
    return null;
  }
  if (typeof e.intimacy === "number") return e.intimacy;
  if (typeof p.intimacy === "number") return p.intimacy;
  if (typeof p.strength === "number") return p.strength;
  if (typeof p.score === "number") return p.score;
  return null;
};
WB.widthOf = function (e, rule) {
  if (rule === "none") return 1.5;
  var s = WB.strength(e, rule);
  return s === null ? 1 : 1 + 7 * Math.max(0, Math.min(1, s));
};

// the legend of the rules in force, over what is on the canvas: it always matches
// which source the intimacy width of each edge comes from: "scored", "recorded" or null
WB.intimacySource = function (e) {
  if (typeof e.intimacy === "number") return "scored";
  return WB.strength(e, "intimacy") === null ? null : "recorded";
};
WB.legend = function (raws, rules, edges) {
  var box = document.getElementById("wb-legend");
  box.innerHTML = "";
  var seen = {};
  raws.forEach(function (r) {
    var key, text;
    if (r.masked) { key = "Masked"; text = WB.t("masked"); }
    else if (rules.colour === "group") { key = r.group || ""; text = r.group || WB.t("no_group"); }
    else if (rules.colour === "risk") {
      var b = WB.riskBin(r.risk); key = b ? b[2] : "none"; text = WB.t(b ? b[2] : "risk_none");
    } else { key = r.label; text = WB.term(r.label); }
    if (!(key in seen)) seen[key] = {text: text, colour: WB.colourOf(r, rules.colour)};
  });
  Object.keys(seen).sort().forEach(function (k) {
    var row = WB.el("div");
    row.setAttribute("data-legend", k);
    var dot = WB.el("i");
    dot.style.background = seen[k].colour;
    row.appendChild(dot);
    row.appendChild(WB.el("span", seen[k].text));
    box.appendChild(row);
  });
  box.appendChild(WB.el("div", WB.t("size_by") + ": " + WB.t(WB.SIZE_WORDS[rules.size]),
                        "wb-muted"));
  var width = WB.el("div", WB.t("width_by") + ": " + WB.t(WB.WIDTH_WORDS[rules.width]),
                    "wb-muted");
  if (rules.width === "intimacy") {  // say where the widths come from
    var n = {scored: 0, recorded: 0};
    (edges || []).forEach(function (e) { var k = WB.intimacySource(e); if (k) n[k]++; });
    width.textContent += " (" + WB.t("width_scored").replace("{n}", n.scored) + ", " +
                         WB.t("width_recorded").replace("{n}", n.recorded) + ")";
    width.setAttribute("data-scored", String(n.scored));
    width.setAttribute("data-recorded", String(n.recorded));
  }
  width.id = "wb-legend-width";
  box.appendChild(width);
  box.setAttribute("data-entries", String(Object.keys(seen).length));
};
WB.SIZE_WORDS = {pagerank: "by_pagerank", registered_capital: "by_capital", none: "by_none"};
WB.WIDTH_WORDS = {stake: "by_stake", intimacy: "by_intimacy", none: "by_none"};

// ---- panel pieces ----------------------------------------------------------------------
WB.table = function (obj, masked) {
  var tb = WB.el("table");
  Object.keys(obj).sort().forEach(function (k) {
    var v = obj[k];
    if (v === null || v === undefined || v === "") return;
    var tr = WB.el("tr");
    tr.appendChild(WB.el("td", WB.term(k)));
    tr.appendChild(WB.el("td", Array.isArray(v) ? v.join(", ") :
                                typeof v === "object" ? JSON.stringify(v) :
                                typeof v === "number" ? +v.toFixed(4) : v));
    tb.appendChild(tr);
  });
  (masked || []).forEach(function (k) {
    var tr = WB.el("tr", undefined, "wb-masked");
    tr.setAttribute("data-masked", k);
    tr.appendChild(WB.el("td", WB.term(k)));
    tr.appendChild(WB.el("td", WB.t("masked")));
    tb.appendChild(tr);
  });
  if (!tb.children.length) return WB.el("div", "—", "wb-muted");
  return tb;
};

// ---- exports -----------------------------------------------------------------------------
WB.download = function (name, blob) {
  var a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.appendChild(a);
  a.click();
  setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
};
// the canvas as drawn, on white: a PNG of canvas.width x canvas.height pixels
WB.exportPng = function () {
  var src = document.querySelector("#wb-canvas canvas");
  var c = document.createElement("canvas");
  c.width = src.width;
  c.height = src.height;
  var g = c.getContext("2d");
  g.fillStyle = "#ffffff";
  g.fillRect(0, 0, c.width, c.height);
  g.drawImage(src, 0, 0);
  c.toBlob(function (b) { WB.download("guanxi-workbench.png", b); }, "image/png");
  document.body.setAttribute("data-png", c.width + "x" + c.height);
};
WB.csvCell = function (v) {
  if (v === null || v === undefined) return "";
  var s = typeof v === "object" ? JSON.stringify(v) : String(v);
  if (/^[=+\-@]/.test(s)) s = "'" + s;  // no formulas when opened in a spreadsheet
  return /[",\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
};
// one row per visible node and per visible relationship
WB.exportCsv = function (nodes, edges) {
  var rows = [["kind", "id", "label", "name", "source", "target", "type", "properties"]];
  nodes.forEach(function (n) {
    rows.push(["node", n.id, n.raw.label, n.raw.masked ? WB.t("masked") : n.raw.name,
               "", "", "", ""]);
  });
  edges.forEach(function (e) {
    rows.push(["relationship", e.id, "", "", e.from, e.to, e.raw.type, e.raw.properties]);
  });
  var text = "\ufeff" + rows.map(function (r) { return r.map(WB.csvCell).join(","); })
                             .join("\r\n") + "\r\n";
  WB.download("guanxi-workbench.csv", new Blob([text], {type: "text/csv;charset=utf-8"}));
  document.body.setAttribute("data-csv-rows", String(rows.length - 1));
};
