/* planqa web: the "ร่างโครงการ" tab. No external resources, no frameworks.
   Uses window.planqa (app.js): el, openSource, officeSelect. */
(function () {
  "use strict";

  var P = window.planqa;
  if (!P || !document.getElementById("p-form")) return;
  var el = P.el;

  var TIMEOUT_MS = 120000;
  var MSG = {
    working: "กำลังเทียบกับแผนและร่างโครงการ…",
    noIdea: "กรุณาพิมพ์แนวคิดโครงการ",
    noOffice: "กรุณาเลือกหน่วยงาน",
    badYear: "ปีงบประมาณต้องเป็นปี พ.ศ. 4 หลัก เช่น 2569",
    network: "เชื่อมต่อเซิร์ฟเวอร์ไม่ได้ กรุณาตรวจสอบการเชื่อมต่ออินเทอร์เน็ตแล้วลองอีกครั้ง",
    server: "ระบบขัดข้องชั่วคราว ร่างโครงการไม่ได้ในขณะนี้ กรุณาลองใหม่อีกครั้ง",
    timeout: "เซิร์ฟเวอร์ใช้เวลานานเกินไป กรุณาลองใหม่อีกครั้ง",
    done: "ร่างเสร็จแล้ว เลื่อนลงเพื่อดูและแก้ไขร่างโครงการ",
    noFit: "ยังไม่พบกลยุทธ์/นโยบายที่สอดคล้องชัดเจน",
    closest: "ข้อที่ใกล้เคียงที่สุด (ยังไม่ชัดเจน):",
    versus: "แนวคิด \"{idea}\" เทียบกับ{plan} ของ {office}",
    reason: "เหตุผล: ",
    target: "ค่าเป้าหมาย ",
    groups: { goals: "เป้าประสงค์", guidelines: "แนวทางการพัฒนา", indicators: "ตัวชี้วัด" },
    edited: "มีการแก้ไข (บันทึกให้อัตโนมัติเมื่อดาวน์โหลด)",
    saving: "กำลังบันทึกการแก้ไข…",
    saved: "บันทึกการแก้ไขแล้ว ไฟล์ที่ดาวน์โหลดมีข้อความที่กรอก",
    expired: "ร่างนี้หมดอายุแล้ว (เซิร์ฟเวอร์เก็บร่างไว้ชั่วคราว) กรุณากด \"ร่างโครงการ\" อีกครั้ง",
    sourceRef: "ดูข้อความต้นฉบับ",
    fromAnswer: "ร่างโครงการจากคำตอบนี้",
    pdf: "ดาวน์โหลด .pdf",
    thaiDigits: "ใช้เลขไทยทั้งเอกสาร"
  };
  // the first line of a chat alignment answer (prompts/answers.yaml align_head)
  var ALIGN_HEAD = /^โครงการ "(.+)" น่าจะสอดคล้องกับ/;

  function $(id) { return document.getElementById(id); }
  var form = $("p-form");
  var officeSel = $("p-office");
  var yearIn = $("p-year");
  var ideaIn = $("p-idea");
  var submitBtn = $("p-submit");
  var status = $("p-status");
  var alignBox = $("p-align");
  var alignSub = $("p-align-sub");
  var messageBox = $("p-message");
  var strategiesList = $("p-strategies");
  var draftBox = $("p-draft");
  var docBox = $("p-doc");
  var saveMsg = $("p-save");

  var state = { base: null, links: null, edits: 0, savedAt: 0, fields: {}, sources: [], busy: false };

  // ------------------------------------------------------------ helpers
  function fiscalYear(d) {
    // the Thai fiscal year starts on 1 October
    var be = d.getFullYear() + 543;
    return d.getMonth() >= 9 ? be + 1 : be;
  }

  function toArabic(s) {
    return s.replace(/[๐-๙]/g, function (c) { return String(c.charCodeAt(0) - 0x0E50); });
  }

  function fmt(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, k) { return values[k] === undefined ? "" : values[k]; });
  }

  function setStatus(text, kind) {
    status.textContent = "";
    status.className = "p-status" + (kind ? " " + kind : "");
    if (kind === "busy") {
      var dots = el("span", "dots");
      for (var i = 0; i < 3; i++) dots.appendChild(el("i"));
      status.appendChild(dots);
    }
    status.appendChild(document.createTextNode(text || ""));
  }

  function request(method, url, body) {
    var ctrl = window.AbortController ? new AbortController() : null;
    var timer = setTimeout(function () { if (ctrl) ctrl.abort(); }, TIMEOUT_MS);
    var init = { method: method, headers: { Accept: "application/json" }, signal: ctrl ? ctrl.signal : undefined };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    return fetch(url, init).then(function (r) {
      return r.json().catch(function () { return null; }).then(function (data) {
        clearTimeout(timer);
        if (r.ok && data) return data;
        var e = (data && data.error) || {};
        return Promise.reject({ status: r.status, code: e.code,
                                message: r.status >= 500 || !e.message_th ? MSG.server : e.message_th });
      });
    }, function (err) {
      clearTimeout(timer);
      return Promise.reject({ status: 0, message: err && err.name === "AbortError" ? MSG.timeout : MSG.network });
    });
  }

  function valueText(t) {
    // as the server writes a value (answer.fmt_value): ร้อยละ 80, 300 คะแนน, ดีเยี่ยม
    if (!t.unit || !/\d/.test(t.value)) return t.value;
    return t.unit === "ร้อยละ" || t.unit === "ระดับ" ? t.unit + " " + t.value : t.value + " " + t.unit;
  }

  function sourceLabel(office, section) {
    return office + " · " + section.split("›").map(function (x) { return x.trim(); }).join(" · ");
  }

  function chip(n, citation, label) {
    var c = el("button", "chip");
    c.type = "button";
    c.appendChild(el("span", "num", String(n)));
    c.appendChild(el("span", "chip-label", label));
    c.title = citation.quote;
    c.addEventListener("click", function () {
      P.openSource(citation, { start: citation.start, end: citation.end, label: label });
    });
    return c;
  }

  // ------------------------------------------------------------ alignment
  function renderAlignment(al, message) {
    alignBox.hidden = false;
    alignSub.textContent = fmt(MSG.versus, { idea: al.idea, plan: al.plan, office: al.office });
    messageBox.textContent = "";
    messageBox.hidden = al.fits;
    if (!al.fits) {
      messageBox.appendChild(el("p", null, message || al.message || MSG.noFit));
      if (al.strategies.length) messageBox.appendChild(el("p", "p-closest", MSG.closest));
    }
    strategiesList.textContent = "";
    var n = 0;
    al.strategies.forEach(function (s) {
      var label = s.label || (s.fits ? "clear" : "weak");
      var li = el("li", "p-strategy " + (label === "clear" ? "fits" : label));
      var head = el("div", "p-strategy-head");
      var name = el("strong", "p-strategy-name", s.kind + "ที่ " + s.number);
      head.appendChild(name);
      head.appendChild(el("span", "p-strategy-title", s.title));
      head.appendChild(el("span", "badge " + (label === "clear" ? "fit-badge" : label + "-badge"), s.strength));
      li.appendChild(head);
      li.appendChild(el("p", "p-reason", MSG.reason + s.reason));
      var cites = el("div", "citations");
      n += 1;
      cites.appendChild(chip(n, s.citation, sourceLabel(al.office, s.citation.section)));
      li.appendChild(cites);
      var items = el("ul", "p-items");
      ["goals", "guidelines", "indicators"].forEach(function (g) {
        (s[g] || []).forEach(function (it) {
          var row = el("li", "p-item");
          n += 1;
          row.appendChild(chip(n, it.citation, sourceLabel(al.office, it.citation.section)));
          var body = el("div", "p-item-body");
          body.appendChild(el("span", "p-item-text", it.text));
          var why = it.reason;
          if (it.targets && it.targets.length) {
            why += " · " + MSG.target + it.targets.map(function (t) {
              return (t.sub_item ? t.sub_item + " " : "") + (t.year ? "ปี " + t.year + ": " : "") + valueText(t);
            }).join(", ");
          }
          body.appendChild(el("span", "p-item-reason", why));
          row.appendChild(body);
          items.appendChild(row);
        });
      });
      if (items.childNodes.length) li.appendChild(items);
      strategiesList.appendChild(li);
    });
  }

  // ------------------------------------------------------------ the draft preview
  function fieldInput(f, first) {
    var input;
    if (f.multiline) {
      input = el("textarea", "fill fill-multi");
      input.rows = 3;
    } else {
      input = el("input", "fill fill-" + f.kind);
      input.type = "text";
      if (f.kind === "budget") input.inputMode = "decimal";
      var size = Math.max(f.kind === "budget" ? 6 : 8, Math.min((f.placeholder || f.label || "").length, 48));
      if (f.kind !== "title") input.size = size;
    }
    input.value = f.value || "";
    input.placeholder = f.kind === "budget" ? "…" : f.label;
    input.setAttribute("aria-label", f.label);
    input.title = f.label;
    input.dataset.key = f.key;
    input.maxLength = f.kind === "title" ? 200 : f.kind === "budget" ? 40 : 1000;
    if (first) input.id = "pf-" + f.key.replace(/\./g, "-");
    return input;
  }

  function textWithRefs(parent, text) {
    var re = /\[(\d+)\]/g;
    var pos = 0;
    var m;
    while ((m = re.exec(text))) {
      var src = state.sources[Number(m[1]) - 1];
      if (!src) continue;
      if (m.index > pos) parent.appendChild(document.createTextNode(text.slice(pos, m.index)));
      var ref = el("button", "ref", "[" + m[1] + "]");
      ref.type = "button";
      ref.title = MSG.sourceRef + ": " + src.label;
      ref.addEventListener("click", (function (s) {
        return function () { P.openSource(s, { start: s.start, end: s.end, label: s.label }); };
      })(src));
      parent.appendChild(ref);
      pos = m.index + m[0].length;
    }
    if (pos < text.length) parent.appendChild(document.createTextNode(text.slice(pos)));
  }

  function segments(parent, segs, seen) {
    segs.forEach(function (s) {
      if (typeof s === "string") { textWithRefs(parent, s); return; }
      var f = state.fields[s.field];
      if (!f) return;
      if (s.mirror) {
        var span = el("span", "mirror", f.value || f.placeholder || f.label);
        span.dataset.mirror = f.key;
        parent.appendChild(span);
        return;
      }
      parent.appendChild(fieldInput(f, !seen[f.key]));
      seen[f.key] = true;
    });
    return parent;
  }

  function renderDraft(form) {
    state.base = form.id;
    state.links = form.downloads;
    state.edits = 0;
    state.savedAt = 0;
    state.sources = form.sources;
    state.fields = {};
    form.fields.forEach(function (f) { state.fields[f.key] = f; });
    saveMsg.textContent = "";
    saveMsg.className = "p-save";
    docBox.textContent = "";
    var seen = {};
    docBox.appendChild(el("h3", "p-doc-title", form.document));
    docBox.appendChild(el("p", "p-doc-note", form.note));
    form.sections.forEach(function (sec) {
      var box = el("section", "p-sec p-sec-" + sec.key);
      box.appendChild(el("h4", null, sec.heading));
      sec.blocks.forEach(function (b) {
        if (b.kind === "para") {
          box.appendChild(segments(el("p", sec.key === "title" ? "p-title-line" : null), b.text, seen));
        } else if (b.kind === "note") {
          box.appendChild(segments(el("p", "p-doc-note"), b.text, seen));
        } else if (b.kind === "subheading") {
          box.appendChild(segments(el("h5"), b.text, seen));
        } else if (b.kind === "bullets" || b.kind === "numbered") {
          var list = el(b.kind === "bullets" ? "ul" : "ol");
          b.items.forEach(function (it) { list.appendChild(segments(el("li"), it, seen)); });
          box.appendChild(list);
        } else if (b.kind === "table") {
          var wrap = el("div", "p-table-wrap");
          var table = el("table");
          var tr = el("tr");
          b.columns.forEach(function (c) { tr.appendChild(el("th", null, c)); });
          var thead = el("thead");
          thead.appendChild(tr);
          table.appendChild(thead);
          var tbody = el("tbody");
          b.rows.forEach(function (row) {
            var r = el("tr");
            row.forEach(function (cell, i) {
              var td = segments(el("td"), cell, seen);
              if (i > 0 && b.columns[i]) td.dataset.label = b.columns[i];  // its column's name on a phone
              r.appendChild(td);
            });
            tbody.appendChild(r);
          });
          table.appendChild(tbody);
          wrap.appendChild(table);
          box.appendChild(wrap);
        }
      });
      docBox.appendChild(box);
    });
    var src = el("section", "p-sec p-sources");
    src.appendChild(el("h4", null, form.sources_heading));
    var ol = el("ol", "p-source-list");
    form.sources.forEach(function (s) {
      var li = el("li");
      li.appendChild(chip(s.n, s, s.label));
      li.appendChild(el("span", "p-source-quote", s.quote.replace(/\s+/g, " ").trim()));
      ol.appendChild(li);
    });
    src.appendChild(ol);
    docBox.appendChild(src);
    draftBox.hidden = false;
  }

  docBox.addEventListener("input", function (e) {
    var key = e.target.dataset && e.target.dataset.key;
    if (!key) return;
    var value = e.target.value;
    [].forEach.call(docBox.querySelectorAll("[data-key]"), function (x) {
      if (x !== e.target && x.dataset.key === key) x.value = value;
    });
    var f = state.fields[key];
    [].forEach.call(docBox.querySelectorAll("[data-mirror]"), function (x) {
      if (x.dataset.mirror === key) x.textContent = value.trim() || (f && (f.value || f.placeholder || f.label)) || "";
    });
    state.edits += 1;
    saveMsg.textContent = MSG.edited;
    saveMsg.className = "p-save";
  });

  function values() {
    var out = {};
    [].forEach.call(docBox.querySelectorAll("[data-key]"), function (x) {
      if (!(x.dataset.key in out)) out[x.dataset.key] = x.value;
    });
    return out;
  }

  function save() {
    if (state.edits === state.savedAt && state.links) return Promise.resolve(state.links);
    var version = state.edits;
    saveMsg.textContent = MSG.saving;
    saveMsg.className = "p-save";
    return request("POST", "/api/proposal/" + encodeURIComponent(state.base) + "/fields", { fields: values() })
      .then(function (data) {
        state.links = data.downloads;
        state.savedAt = version;
        if (state.edits === version) {
          saveMsg.textContent = MSG.saved;
          saveMsg.className = "p-save ok";
        }
        return data.downloads;
      }, function (err) {
        saveMsg.textContent = err.code === "unknown_proposal" ? MSG.expired : err.message;
        saveMsg.className = "p-save error";
        return Promise.reject(err);
      });
  }

  function download(kind) {
    if (!state.base) return;
    save().then(function (links) {
      var a = el("a");
      a.href = links[kind];
      a.setAttribute("download", "");
      a.hidden = true;
      document.body.appendChild(a);
      a.click();
      a.remove();
    }, function () { /* the message is shown */ });
  }

  // ------------------------------------------------------------ submit
  function submit() {
    if (state.busy) return;
    var idea = ideaIn.value.trim();
    if (!idea) { setStatus(MSG.noIdea, "error"); ideaIn.focus(); return; }
    if (!officeSel.value) { setStatus(MSG.noOffice, "error"); officeSel.focus(); return; }
    var year = toArabic(yearIn.value.trim());
    if (year && !/^\d{4}$/.test(year)) { setStatus(MSG.badYear, "error"); yearIn.focus(); return; }
    var body = { idea: idea, office: officeSel.value, thai_digits: digitsBox.checked };
    if (year) body.year = Number(year);
    state.busy = true;
    submitBtn.disabled = true;
    form.setAttribute("aria-busy", "true");
    setStatus(MSG.working, "busy");
    request("POST", "/api/proposal", body).then(function (data) {
      renderAlignment(data.alignment, data.message);
      if (alignBox.scrollIntoView) alignBox.scrollIntoView({ block: "start" });
      if (data.status !== "draft") {
        draftBox.hidden = true;
        state.base = null;
        setStatus(MSG.noFit, "warn");
        return null;
      }
      return request("GET", "/api/proposal/" + encodeURIComponent(data.id) + "/form").then(function (f) {
        renderDraft(f);
        setStatus(MSG.done, "ok");
      });
    }).catch(function (err) {
      setStatus(err.message || MSG.server, "error");
    }).then(function () {
      state.busy = false;
      submitBtn.disabled = false;
      form.removeAttribute("aria-busy");
    });
  }

  form.addEventListener("submit", function (e) { e.preventDefault(); submit(); });
  ideaIn.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); submit(); }
  });
  $("p-examples").addEventListener("click", function (e) {
    var b = e.target.closest && e.target.closest("[data-idea]");
    if (!b) return;
    ideaIn.value = b.dataset.idea;
    ideaIn.focus();
  });
  $("p-docx").addEventListener("click", function () { download("docx"); });
  var pdfBtn = el("button", "ghost", MSG.pdf);
  pdfBtn.type = "button";
  pdfBtn.id = "p-pdf";
  $("p-docx").insertAdjacentElement("afterend", pdfBtn);
  pdfBtn.addEventListener("click", function () { download("pdf"); });
  var digitsLabel = el("label", "p-digits");
  var digitsBox = el("input");
  digitsBox.type = "checkbox";
  digitsBox.id = "p-thai-digits";
  digitsLabel.appendChild(digitsBox);
  digitsLabel.appendChild(document.createTextNode(MSG.thaiDigits));
  submitBtn.insertAdjacentElement("beforebegin", digitsLabel);

  // the chat's hook (app.js): an alignment answer gets a button that drafts its idea
  P.proposalHook = function (data, foot) {
    var m = data.status === "answered" && ALIGN_HEAD.exec((data.answer || "").split("\n")[0]);
    var c = m && data.citations && data.citations[0];
    if (!c) return;
    var btn = el("button", "followup p-from-answer", MSG.fromAnswer);
    btn.type = "button";
    btn.addEventListener("click", function () {
      var id = c.doc.split("_")[0];
      var opt = [].filter.call(officeSel.options, function (o) { return o.value === id || o.textContent === c.office; })[0];
      if (opt) officeSel.value = opt.value;
      ideaIn.value = m[1];
      P.showTab("proposal");
      submit();
    });
    foot.appendChild(btn);
  };
  $("p-md").addEventListener("click", function () { download("md"); });

  function onTab(name) {
    if (name !== "proposal") return;
    if (!officeSel.value && P.officeSelect && P.officeSelect.value) officeSel.value = P.officeSelect.value;
    if (!ideaIn.value) ideaIn.focus();
  }
  document.addEventListener("planqa:tab", function (e) { onTab(e.detail); });

  yearIn.value = String(fiscalYear(new Date()));
  if (document.querySelector(".app").dataset.tab === "proposal") onTab("proposal");
})();
