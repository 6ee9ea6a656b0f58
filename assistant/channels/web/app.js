/* planqa web chat: no external resources, no frameworks. */
(function () {
  "use strict";

  var ASK_TIMEOUT_MS = 90000;
  var MSG = {
    network: "เชื่อมต่อเซิร์ฟเวอร์ไม่ได้ กรุณาตรวจสอบการเชื่อมต่ออินเทอร์เน็ตแล้วลองอีกครั้ง",
    server: "ระบบขัดข้องชั่วคราว ตอบคำถามนี้ไม่ได้ในขณะนี้ กรุณาลองใหม่อีกครั้ง",
    timeout: "เซิร์ฟเวอร์ใช้เวลาตอบนานเกินไป กรุณาลองใหม่อีกครั้ง",
    bad: "ส่งคำถามไม่สำเร็จ",
    thinking: "กำลังค้นหาคำตอบจากเอกสาร…",
    retry: "ลองอีกครั้ง",
    copy: "คัดลอก",
    copied: "คัดลอกแล้ว ✓",
    cite: "อ้างอิง",
    choose: "เลือกเพื่อถามต่อ:",
    more: "ถามต่อ:",
    clarify: "ต้องการข้อมูลเพิ่ม",
    notFound: "ไม่พบในเอกสาร",
    sourceFail: "เปิดข้อความต้นฉบับไม่ได้ ",
    noOffice: "เอกสารไม่ระบุหน่วยงาน",
    seeMore: "ดูต่อ",
    good: "คำตอบนี้ถูกต้อง",
    bad_: "คำตอบนี้ไม่ถูกต้อง",
    commentPh: "ความคิดเห็นเพิ่มเติม (ไม่บังคับ)",
    sendFeedback: "ส่งความคิดเห็น",
    thanks: "ขอบคุณสำหรับความคิดเห็น ✓",
    feedbackFail: "ส่งความคิดเห็นไม่สำเร็จ",
    history: "บทสนทนาก่อนหน้า",
    noHistory: "ยังไม่มีบทสนทนาก่อนหน้า"
  };

  // ------------------------------------------------------------ conversation ids
  // owner: this browser; conversation: "<owner>:<random>", kept across reloads
  function randomId() {
    var a = new Uint8Array(8);
    (window.crypto || window.msCrypto).getRandomValues(a);
    return Array.prototype.map.call(a, function (x) { return ("0" + x.toString(16)).slice(-2); }).join("");
  }
  function stored(key, make) {
    var v = null;
    try { v = window.localStorage.getItem(key); } catch (e) { v = null; }
    if (!v) {
      v = make();
      try { window.localStorage.setItem(key, v); } catch (e) { /* private mode: this page only */ }
    }
    return v;
  }
  var owner = stored("planqa.owner", function () { return "web-" + randomId(); });
  var conversationId = stored("planqa.conversation", function () { return owner + ":" + randomId(); });
  var turnNo = 0;
  function newConversation() {
    conversationId = owner + ":" + randomId();
    turnNo = 0;
    try { window.localStorage.setItem("planqa.conversation", conversationId); } catch (e) { /* ignore */ }
  }

  var thread = document.getElementById("thread");
  var welcome = document.getElementById("welcome");
  var form = document.getElementById("composer");
  var input = document.getElementById("question");
  var sendBtn = document.getElementById("send");
  var officeSel = document.getElementById("office");
  var dialog = document.getElementById("source");
  var welcomeTemplate = welcome.cloneNode(true);
  var busy = false;

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }

  function scrollDown() {
    thread.scrollTop = thread.scrollHeight;
  }

  function autosize() {
    input.style.height = "";
    if (input.value) input.style.height = Math.min(input.scrollHeight + 3, 160) + "px";
  }

  // ------------------------------------------------------------ offices
  function loadOffices() {
    // the chat's selector and the proposal tab's
    var selects = [officeSel, document.getElementById("p-office")].filter(Boolean);
    fetch("/api/offices", { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(function (list) {
        selects.forEach(function (sel) {
          list.forEach(function (o) {
            var opt = el("option", null, o.short);
            opt.value = o.id;
            opt.title = o.name;
            sel.appendChild(opt);
          });
          sel.dataset.loaded = String(list.length);
        });
      })
      .catch(function () { selects.forEach(function (sel) { sel.dataset.loaded = "0"; }); });
  }

  // ------------------------------------------------------------ tabs (chat | proposal)
  var tabs = [].slice.call(document.querySelectorAll(".tabs [role=tab]"));

  function showTab(name, focus) {
    var app = document.querySelector(".app");
    tabs.forEach(function (t) {
      var on = t.id === "tab-" + name;
      t.setAttribute("aria-selected", on ? "true" : "false");
      t.tabIndex = on ? 0 : -1;
      document.getElementById(t.getAttribute("aria-controls")).hidden = !on;
      if (on && focus) t.focus();
    });
    app.dataset.tab = name;
    var hash = name === "chat" ? "" : "#" + name;
    if (window.location.hash !== hash && window.history && window.history.replaceState) {
      window.history.replaceState(null, "", window.location.pathname + window.location.search + hash);
    }
    document.dispatchEvent(new CustomEvent("planqa:tab", { detail: name }));
  }

  tabs.forEach(function (t, i) {
    t.addEventListener("click", function () { showTab(t.id.replace("tab-", "")); });
    t.addEventListener("keydown", function (e) {
      if (e.key !== "ArrowRight" && e.key !== "ArrowLeft") return;
      var next = tabs[(i + (e.key === "ArrowRight" ? 1 : tabs.length - 1)) % tabs.length];
      showTab(next.id.replace("tab-", ""), true);
    });
  });

  // ------------------------------------------------------------ asking
  function addUser(text) {
    var row = el("div", "row user");
    row.appendChild(el("div", "bubble user-bubble", text));
    thread.appendChild(row);
    return row;
  }

  function addPending() {
    var row = el("div", "row bot pending");
    var b = el("div", "bubble bot-bubble");
    var dots = el("span", "dots");
    for (var i = 0; i < 3; i++) dots.appendChild(el("i"));
    b.appendChild(dots);
    b.appendChild(el("span", "pending-text", MSG.thinking));
    row.appendChild(b);
    thread.appendChild(row);
    scrollDown();
    return row;
  }

  function ask(question, office, shown) {
    question = (question || "").trim();
    if (!question || busy) return;
    if (welcome) { welcome.remove(); welcome = null; }
    addUser(shown || question);
    send(question, office);
  }

  function send(question, office) {
    busy = true;
    sendBtn.disabled = true;
    var pending = addPending();
    var ctrl = window.AbortController ? new AbortController() : null;
    var timer = setTimeout(function () { if (ctrl) ctrl.abort(); }, ASK_TIMEOUT_MS);
    var body = { question: question, conversation_id: conversationId };
    if (office) body.office = office;
    var streamed = window.PlanqaStream && window.PlanqaStream.enabled;  // stream.js: SSE with a model on
    (streamed ? window.PlanqaStream.ask(body, ctrl, pending) : fetch("/api/ask", {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify(body),
      signal: ctrl ? ctrl.signal : undefined
    }).then(function (r) {
      return r.json().catch(function () { return null; }).then(function (data) {
        return { status: r.status, ok: r.ok, data: data };
      });
    })).then(function (res) {
      pending.remove();
      if (res.ok && res.data && typeof res.data.answer === "string") {
        addAnswer(res.data, office);
      } else if (res.status >= 500 || !res.data) {
        addError(MSG.server, question, office);
      } else {
        var e = res.data.error || {};
        addError(e.message_th || MSG.bad, res.status === 429 ? question : null, office);
      }
    }).catch(function (err) {
      pending.remove();
      addError(err && err.name === "AbortError" ? MSG.timeout : MSG.network, question, office);
    }).then(function () {
      clearTimeout(timer);
      busy = false;
      sendBtn.disabled = false;
      scrollDown();
    });
  }

  function addError(message, question, office) {
    var row = el("div", "row bot");
    var b = el("div", "bubble bot-bubble error-bubble");
    b.setAttribute("role", "alert");
    b.appendChild(el("p", "error-text", message));
    if (question) {
      var again = el("button", "retry", MSG.retry);
      again.type = "button";
      again.addEventListener("click", function () {
        if (busy) return;
        row.remove();
        send(question, office);
      });
      b.appendChild(again);
    }
    row.appendChild(b);
    thread.appendChild(row);
  }

  function answerText(data) {
    // on a clarify answer the plain "- choice" lines are shown as buttons instead
    if (data.status !== "clarify" || !data.choices) return data.answer;
    var plain = {};
    data.choices.forEach(function (c) { plain["- " + c] = true; });
    return data.answer.split("\n").filter(function (l) { return !plain[l.trim()]; }).join("\n");
  }

  function addAnswer(data, office) {
    var row = el("div", "row bot");
    var b = el("article", "bubble bot-bubble answer " + data.status);
    b.dataset.status = data.status;
    if (data.status === "clarify") b.appendChild(el("span", "badge clarify-badge", MSG.clarify));
    if (data.status === "not_found") b.appendChild(el("span", "badge nf-badge", MSG.notFound));
    b.appendChild(el("div", "answer-text", answerText(data)));

    var spans = data.spans || [];
    if (data.citations && data.citations.length) {
      var cites = el("div", "citations");
      cites.appendChild(el("span", "label", MSG.cite));
      var seen = {};
      data.citations.forEach(function (c, i) {
        var s = spans[i] || {};
        var key = c.doc + ":" + s.start + ":" + s.end;
        if (seen[key]) return;
        seen[key] = true;
        var chip = el("button", "chip");
        chip.type = "button";
        chip.appendChild(el("span", "num", String(i + 1)));
        chip.appendChild(el("span", "chip-label", s.label || c.section));
        chip.title = c.quote;
        chip.addEventListener("click", function () { openSource(c, s); });
        cites.appendChild(chip);
      });
      b.appendChild(cites);
    }

    var reqs = data.choice_requests || [];
    if (reqs.length) {
      var ch = el("div", "choices");
      ch.appendChild(el("span", "label", MSG.choose));
      reqs.forEach(function (r) {
        var btn = el("button", "choice", r.label);
        btn.type = "button";
        btn.addEventListener("click", function () { ask(r.question, r.office || office, r.label); });
        ch.appendChild(btn);
      });
      b.appendChild(ch);
    }

    var foot = el("div", "answer-foot");
    if (data.status !== "clarify") {
      var copy = el("button", "copy", MSG.copy);
      copy.type = "button";
      copy.title = "คัดลอกคำตอบพร้อมอ้างอิง";
      copy.addEventListener("click", function () { copyAnswer(data, copy); });
      foot.appendChild(copy);
    }
    if (data.has_more) {
      var page = el("button", "followup see-more", MSG.seeMore);
      page.type = "button";
      page.addEventListener("click", function () { page.disabled = true; ask(MSG.seeMore, null); });
      foot.appendChild(page);
    }
    foot.appendChild(feedbackBox(data, turnNo++));
    if (data.followups && data.followups.length) {
      var more = el("div", "followups");
      more.appendChild(el("span", "label", MSG.more));
      data.followups.forEach(function (f) {
        var btn = el("button", "followup", f.label);
        btn.type = "button";
        btn.title = f.question;
        btn.addEventListener("click", function () { ask(f.question, f.office || null); });
        more.appendChild(btn);
      });
      foot.appendChild(more);
    }
    if (window.planqa && window.planqa.proposalHook) window.planqa.proposalHook(data, foot);
    if (foot.childNodes.length) b.appendChild(foot);
    row.appendChild(b);
    thread.appendChild(row);
  }

  // ------------------------------------------------------------ feedback
  function feedbackBox(data, turn) {
    var box = el("div", "feedback");
    var sent = false;
    var form_ = null;
    [["up", "👍", MSG.good], ["down", "👎", MSG.bad_]].forEach(function (r) {
      var btn = el("button", "thumb thumb-" + r[0], r[1]);
      btn.type = "button";
      btn.title = r[2];
      btn.setAttribute("aria-label", r[2]);
      btn.addEventListener("click", function () {
        if (sent) return;
        if (form_) form_.remove();
        form_ = el("div", "feedback-form");
        var note = el("textarea", "feedback-comment");
        note.rows = 2;
        note.maxLength = 2000;
        note.placeholder = MSG.commentPh;
        var go = el("button", "choice feedback-send", MSG.sendFeedback);
        go.type = "button";
        go.addEventListener("click", function () {
          go.disabled = true;
          fetch("/api/feedback", {
            method: "POST",
            headers: { "Content-Type": "application/json", Accept: "application/json" },
            body: JSON.stringify({ rating: r[0], comment: note.value, conversation_id: conversationId,
                                   turn: turn, question: data.question, answer: data.answer })
          }).then(function (res) {
            if (!res.ok) throw new Error(String(res.status));
            sent = true;
            box.textContent = "";
            box.appendChild(el("span", "feedback-done", MSG.thanks));
          }).catch(function () {
            go.disabled = false;
            go.textContent = MSG.feedbackFail + " · " + MSG.retry;
          });
        });
        form_.appendChild(note);
        form_.appendChild(go);
        box.appendChild(form_);
        note.focus();
      });
      box.appendChild(btn);
    });
    return box;
  }

  // ------------------------------------------------------------ history
  function turnData(t) {
    var cites = t.citations || [];
    return {
      question: t.question, answer: t.answer, status: t.status, has_more: false,
      values: [], choices: [], choice_requests: [], followups: [],
      citations: cites,
      spans: cites.map(function (c) { return { start: c.start, end: c.end, label: c.section }; })
    };
  }

  function loadConversation(id) {
    return fetch("/api/conversations/" + encodeURIComponent(id), { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (conv) {
        if (!conv || !conv.turns || !conv.turns.length) return false;
        thread.textContent = "";
        welcome = null;
        turnNo = 0;
        conv.turns.forEach(function (t, i) {
          addUser(t.question);
          var d = turnData(t);
          d.has_more = i === conv.turns.length - 1 && !!t.has_more;
          addAnswer(d, null);
        });
        scrollDown();
        return true;
      })
      .catch(function () { return false; });
  }

  function historyMenu() {
    var clear = document.getElementById("clear");
    if (!clear || !clear.parentNode) return;
    var wrap = el("details", "history");
    var sum = el("summary", "ghost history-toggle", MSG.history);
    wrap.appendChild(sum);
    var list = el("ul", "history-list");
    list.style.cssText = "position:absolute;z-index:10;background:#fff;border:1px solid #ccc;" +
      "border-radius:8px;padding:6px;margin:4px 0;list-style:none;max-height:60vh;overflow:auto;min-width:16em";
    wrap.appendChild(list);
    wrap.addEventListener("toggle", function () {
      if (!wrap.open) return;
      list.textContent = "";
      fetch("/api/conversations?owner=" + encodeURIComponent(owner), { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { conversations: [] }; })
        .then(function (res) {
          var items = res.conversations || [];
          if (!items.length) list.appendChild(el("li", "history-empty", MSG.noHistory));
          items.forEach(function (c) {
            var li = el("li");
            var b = el("button", "choice history-item", (c.title || c.id) + " (" + c.turns + ")");
            b.type = "button";
            if (c.id === conversationId) b.setAttribute("aria-current", "true");
            b.addEventListener("click", function () {
              if (busy) return;
              conversationId = c.id;
              try { window.localStorage.setItem("planqa.conversation", c.id); } catch (e) { /* ignore */ }
              wrap.open = false;
              loadConversation(c.id);
            });
            li.appendChild(b);
            list.appendChild(li);
          });
        })
        .catch(function () { list.appendChild(el("li", "history-empty", MSG.noHistory)); });
    });
    clear.parentNode.insertBefore(wrap, clear);
  }

  // ------------------------------------------------------------ copy
  function copyText(data) {
    var lines = [data.answer];
    if (data.citations && data.citations.length) {
      lines.push("", MSG.cite + ":");
      data.citations.forEach(function (c, i) {
        var s = (data.spans || [])[i] || {};
        lines.push("[" + (i + 1) + "] " + (s.label || c.section) + "\n    \"" + c.quote.replace(/\s+/g, " ").trim() + "\"");
      });
    }
    return lines.join("\n");
  }

  function copyAnswer(data, btn) {
    var text = copyText(data);
    var done = function () {
      btn.textContent = MSG.copied;
      btn.classList.add("done");
      setTimeout(function () { btn.textContent = MSG.copy; btn.classList.remove("done"); }, 1800);
    };
    var fallback = function () {
      var ta = el("textarea");
      ta.value = text;
      ta.setAttribute("readonly", "");
      ta.style.position = "fixed";
      ta.style.opacity = "0";
      document.body.appendChild(ta);
      ta.select();
      try { document.execCommand("copy"); } catch (e) { /* nothing else to try */ }
      ta.remove();
      done();
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, fallback);
    } else {
      fallback();
    }
  }

  // ------------------------------------------------------------ source passage
  function openSource(c, s) {
    var title = document.getElementById("source-title");
    var sub = document.getElementById("source-sub");
    var pre = document.getElementById("source-text");
    title.textContent = s.label || c.section;
    sub.textContent = c.doc;
    pre.textContent = "";
    pre.classList.add("loading");
    if (!dialog.open) dialog.showModal();
    if (s.start === null || s.start === undefined) {
      showQuoteOnly(pre, c.quote);
      return;
    }
    var url = "/api/sources/" + encodeURIComponent(c.doc) + "?start=" + s.start + "&end=" + s.end;
    fetch(url, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (src) {
        pre.classList.remove("loading");
        pre.textContent = "";
        sub.textContent = (src.title || src.file || src.doc) + " · ตำแหน่ง " + src.start + "–" + src.end;
        if (src.context_start > 0) pre.appendChild(el("span", "elide", "…\n"));
        pre.appendChild(document.createTextNode(src.before));
        var mark = el("mark", "hl", src.quote);
        mark.id = "source-mark";
        pre.appendChild(mark);
        pre.appendChild(document.createTextNode(src.after));
        if (src.context_end < src.length) pre.appendChild(el("span", "elide", "\n…"));
        var body = document.getElementById("source-body");
        body.scrollTop = Math.max(0, mark.offsetTop - body.clientHeight / 3);
      })
      .catch(function () {
        showQuoteOnly(pre, c.quote, true);
      });
  }

  function showQuoteOnly(pre, quote, failed) {
    pre.classList.remove("loading");
    pre.textContent = "";
    if (failed) pre.appendChild(el("span", "source-error", MSG.sourceFail + "(แสดงเฉพาะข้อความที่อ้างอิง)\n\n"));
    var mark = el("mark", "hl", quote);
    mark.id = "source-mark";
    pre.appendChild(mark);
  }

  function closeSource() { if (dialog.open) dialog.close(); }

  // shared with proposal.js
  window.planqa = { el: el, openSource: openSource, officeSelect: officeSel, showTab: showTab };

  // ------------------------------------------------------------ wiring
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var q = input.value;
    if (!q.trim() || busy) return;
    input.value = "";
    autosize();
    ask(q, officeSel.value || null);
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit"));
    }
  });
  input.addEventListener("input", autosize);
  thread.addEventListener("click", function (e) {
    var btn = e.target.closest && e.target.closest(".example");
    if (btn) ask(btn.dataset.q, officeSel.value || null);
  });
  document.getElementById("clear").addEventListener("click", function () {
    if (busy) return;
    newConversation();
    thread.textContent = "";
    welcome = welcomeTemplate.cloneNode(true);
    thread.appendChild(welcome);
    input.focus();
  });
  document.getElementById("source-close").addEventListener("click", closeSource);
  document.getElementById("source-ok").addEventListener("click", closeSource);
  dialog.addEventListener("click", function (e) { if (e.target === dialog) closeSource(); });

  loadOffices();
  historyMenu();
  loadConversation(conversationId);
  if (window.location.hash.indexOf("#proposal") === 0 && document.getElementById("tab-proposal")) {
    showTab("proposal");
  } else {
    input.focus();
  }
})();
