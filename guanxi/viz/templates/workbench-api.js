// The workbench's calls to the API, all under the reader's key (the session cookie): scope,
// masking and audit are the server's (docs/workbench.md). Also the status line, where every
// module reports what it did or left out.
"use strict";
(function () {
  var q = encodeURIComponent;
  async function api(url, opts) {
    var r = await fetch(url, Object.assign({credentials: "same-origin",
      headers: {"Content-Type": "application/json"}}, opts || {}));
    if (!r.ok) {
      var b = await r.json().catch(function () { return {}; });
      throw new Error(b.message || ("HTTP " + r.status));
    }
    return r.json();
  }
  function fmt(key, vars) {
    return WB.t(key).replace(/\{(\w+)\}/g, function (_, k) { return vars[k]; });
  }
  function status(text) {
    document.getElementById("wb-status").textContent = text || "";
  }
  var W = "/api/v1/workbench";
  Object.assign(WB.core, {
    api: api, fmt: fmt, status: status,
    // the nodes of `ids` the reader may see and the relationships among them
    canvas: function (ids) {
      return api(W + "/canvas", {method: "POST", body: JSON.stringify({ids: ids})});
    },
    // one page of `id`'s neighbours over `type` in `dir` (`limit` neighbours)
    neighbours: function (id, type, dir, limit) {
      return api(W + "/nodes/" + q(id) + "/neighbours?type=" + q(type) + "&direction=" + dir +
                 "&limit=" + limit);
    },
    search: function (text) { return api(W + "/search?q=" + q(text)); },
    dictionary: function () { return api("/ui/static/workbench.i18n.json"); },
  });
})();
