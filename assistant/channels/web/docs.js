/* Renders /openapi.json as a plain page: no external resources. */
(function () {
  "use strict";
  var root = document.getElementById("endpoints");
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function example(path, method, op) {
    var base = window.location.origin;
    if (method === "post") {
      var schema = (((op.requestBody || {}).content || {})["application/json"] || {}).schema || {};
      var ex = {};
      Object.keys(schema.properties || {}).forEach(function (k) {
        if (schema.properties[k].example !== undefined) ex[k] = schema.properties[k].example;
      });
      return "curl -X POST " + base + path + " -H 'Content-Type: application/json' \\\n  -d '" +
        JSON.stringify(ex) + "'";
    }
    return "curl '" + base + path.replace(/\{(\w+)\}/g, "<$1>") + "'";
  }
  fetch("/openapi.json").then(function (r) { return r.json(); }).then(function (spec) {
    root.textContent = "";
    Object.keys(spec.paths).forEach(function (path) {
      var item = spec.paths[path];
      Object.keys(item).forEach(function (method) {
        var op = item[method];
        var box = el("section", "ep");
        var h = el("h2");
        h.appendChild(el("span", "m " + method, method.toUpperCase()));
        h.appendChild(el("code", null, path));
        h.appendChild(el("span", null, op.summary || ""));
        box.appendChild(h);
        if (op.description) box.appendChild(el("p", null, op.description));
        var params = op.parameters || [];
        if (params.length) {
          var t = el("table");
          var head = el("tr");
          ["parameter", "in", "required", "type", "description"].forEach(function (c) { head.appendChild(el("th", null, c)); });
          t.appendChild(head);
          params.forEach(function (p) {
            var tr = el("tr");
            var s = p.schema || {};
            var type = s.type || (s.anyOf || []).map(function (x) { return x.type; }).join(" | ");
            [p.name, p.in, p.required ? "yes" : "", type, p.description || ""].forEach(function (c) {
              tr.appendChild(el("td", null, String(c)));
            });
            t.appendChild(tr);
          });
          box.appendChild(t);
        }
        box.appendChild(el("pre", null, example(path, method, op)));
        root.appendChild(box);
      });
    });
  }).catch(function () { root.textContent = "โหลด /openapi.json ไม่ได้"; });
})();
