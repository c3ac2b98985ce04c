(function () {
  var companies = new Set(__COMPANIES__);
  network.on("doubleClick", function (params) {
    if (params.nodes.length && companies.has(params.nodes[0])) {
      window.location.href = "/ui/ownership/" + encodeURIComponent(params.nodes[0]);
    }
  });
})();
