(function () {
  function settle() {
    network.setOptions({physics: false});
    document.body.setAttribute("data-settled", "1");
  }
  function count() {
    document.body.setAttribute("data-nodes", String(nodes.length));
    document.getElementById("gx-count").textContent = "(" + nodes.length + " nodes)";
  }
  network.once("stabilizationIterationsDone", settle);
  setTimeout(settle, 8000);
  count();
  if (!__EXPANDABLE__) return;
  network.on("click", async function (params) {
    if (!params.nodes.length) return;
    var id = params.nodes[0];
    var asOf = new URLSearchParams(window.location.search).get("as_of");
    var r = await fetch("/api/v1/network/" + encodeURIComponent(id) + "?depth=1&cap=60" +
                        (asOf ? "&as_of=" + encodeURIComponent(asOf) : ""),
                        {credentials: "same-origin"});
    if (!r.ok) return;
    var g = await r.json();
    var colours = __COLOURS__;
    g.nodes.forEach(function (n) {
      if (!nodes.get(n.id)) {
        nodes.add({id: n.id, label: (n.name || n.id).slice(0, 24), title: n.label + " " + n.id,
                   color: colours[n.label] || "#999999", size: 14});
      }
    });
    g.edges.forEach(function (e) {
      var eid = e.source + ">" + e.target + ">" + e.type;
      if (!edges.get(eid)) {
        edges.add({id: eid, from: e.source, to: e.target, label: e.type, title: e.type});
      }
    });
    count();
    document.body.setAttribute("data-expanded", id);
  });
})();
