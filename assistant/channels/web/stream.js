/* Streams answers from POST /api/ask/stream (server-sent events) when the server has a
   language model on (/healthz "llm": true). The sentences the guard passed show in the
   pending bubble as they come; the final "answer" event is rendered like /api/ask, and
   replaces them. Without a model, or without streaming in the browser, app.js keeps
   using /api/ask. */
(function () {
  "use strict";
  var api = { enabled: false };
  window.PlanqaStream = api;
  if (!window.fetch || !window.TextDecoder || !window.ReadableStream) return;

  fetch("/healthz", { headers: { Accept: "application/json" } })
    .then(function (r) { return r.json(); })
    .then(function (h) { api.enabled = !!(h && h.llm === true); })
    .catch(function () { api.enabled = false; });

  function show(pending, text) {
    if (!pending) return;
    var box = pending.querySelector(".stream-text");
    if (!box) {
      var bubble = pending.querySelector(".bubble") || pending;
      var old = bubble.querySelector(".pending-text");
      if (old) old.remove();
      box = document.createElement("p");
      box.className = "stream-text";
      box.setAttribute("aria-live", "polite");
      box.style.whiteSpace = "pre-line";
      bubble.appendChild(box);
    }
    box.textContent += (box.textContent ? "\n" : "") + text;
  }

  function parse(block) {
    var ev = { event: "message", data: "" };
    block.split("\n").forEach(function (line) {
      if (line.indexOf("event:") === 0) ev.event = line.slice(6).trim();
      else if (line.indexOf("data:") === 0) ev.data += line.slice(5).trim();
    });
    try { ev.data = JSON.parse(ev.data); } catch (e) { ev.data = null; }
    return ev;
  }

  /* The same {status, ok, data} app.js gets from /api/ask. */
  api.ask = function (body, ctrl, pending) {
    return fetch("/api/ask/stream", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "text/event-stream" },
      body: JSON.stringify(body),
      signal: ctrl ? ctrl.signal : undefined
    }).then(function (r) {
      if (!r.ok || !r.body) {
        return r.json().catch(function () { return null; }).then(function (data) {
          return { status: r.status, ok: false, data: data };
        });
      }
      var reader = r.body.getReader();
      var decoder = new TextDecoder("utf-8");
      var buf = "";
      function pump() {
        return reader.read().then(function (chunk) {
          buf += decoder.decode(chunk.value || new Uint8Array(), { stream: !chunk.done });
          var parts = buf.split("\n\n");
          buf = parts.pop();
          for (var i = 0; i < parts.length; i++) {
            var ev = parse(parts[i]);
            if (ev.event === "sentence" && ev.data) show(pending, ev.data.text);
            else if (ev.event === "answer" && ev.data) return { status: 200, ok: true, data: ev.data };
            else if (ev.event === "error") return { status: 500, ok: false, data: null };
          }
          if (chunk.done) return { status: 502, ok: false, data: null };
          return pump();
        });
      }
      return pump();
    });
  };
})();
