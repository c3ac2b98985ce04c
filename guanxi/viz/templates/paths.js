(function () {
  var data = __DATA__;
  function select(i) {
    var onPath = new Set(data.nodes[i] || []), hot = new Set(data.edges[i] || []);
    var all = new Set([].concat.apply([], data.edges));
    all.forEach(function (id) {
      edges.update({id: id, color: hot.has(id) ? "__HOT__" : "__OTHER__", width: hot.has(id) ? 8 : 4});
    });
    nodes.forEach(function (n) {
      nodes.update({id: n.id, color: onPath.has(n.id) ? "__HOT__" : (data.colours[n.id] || "#999999"),
                    size: onPath.has(n.id) ? 22 : 14});
    });
    document.querySelectorAll(".gx-path").forEach(function (li) {
      li.style.borderLeftColor = li.getAttribute("data-path") === String(i) ? "__HOT__" : "__OTHER__";
      li.style.background = li.getAttribute("data-path") === String(i) ? "#fdecec" : "";
    });
    document.body.setAttribute("data-selected-path", String(i));
  }
  document.querySelectorAll("button.gx-show").forEach(function (b) {
    b.addEventListener("click", function () { select(Number(b.getAttribute("data-path"))); });
  });
  if (data.nodes.length) select(0);
})();
