// "เพิ่มแผน": upload -> preview (counts, indicator/target table) -> confirm -> progress.
(function () {
  "use strict";
  const $ = (id) => document.getElementById(id);
  let uploadId = null;

  function say(text, cls) {
    const s = $("status");
    s.textContent = text;
    s.className = cls || "";
  }

  function headers() {
    return { "X-Admin-Token": $("token").value };
  }

  async function call(url, opts) {
    const r = await fetch(url, opts);
    const body = await r.json().catch(() => ({}));
    if (!r.ok) throw new Error((body.error && body.error.message_th) || ("HTTP " + r.status));
    return body;
  }

  function cell(tr, text, tag) {
    const td = document.createElement(tag || "td");
    td.textContent = text == null ? "" : String(text);
    tr.appendChild(td);
  }

  function showPreview(p) {
    const c = p.counts;
    $("summary").textContent =
      `${p.file}: อ่านด้วย ${p.decoder} · หน่วยงาน ${p.office || "ไม่ทราบ"} · ปี ${p.years ? p.years.join("–") : "ไม่ทราบ"} · ` +
      `กลยุทธ์ ${c.strategies} ตัวชี้วัด ${c.indicators} ค่าเป้าหมายรายปี ${c.targets} แนวทาง ${c.guidelines}`;
    const ul = $("warnings");
    ul.replaceChildren();
    for (const w of p.warnings) {
      const li = document.createElement("li");
      li.textContent = w;
      ul.appendChild(li);
    }
    const years = [...new Set(p.indicators.flatMap((i) => Object.keys(i.targets)))].sort();
    const head = document.createElement("tr");
    for (const h of ["กลยุทธ์", "ที่", "ตัวชี้วัด", "หน่วยนับ", "ค่าฐาน", ...years]) cell(head, h, "th");
    $("indicators").tHead.replaceChildren(head);
    const body = $("indicators").tBodies[0];
    body.replaceChildren();
    for (const i of p.indicators) {
      const tr = document.createElement("tr");
      [i.strategy, i.number, i.text, i.unit, i.baseline, ...years.map((y) => i.targets[y])].forEach((v) => cell(tr, v));
      body.appendChild(tr);
    }
    $("preview").hidden = false;
  }

  $("upload").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const f = $("file").files[0];
    if (!f) return;
    $("preview").hidden = true;
    say("กำลังอ่านไฟล์…");
    try {
      const p = await call("/api/admin/plans/preview?filename=" + encodeURIComponent(f.name),
        { method: "POST", headers: headers(), body: f });
      uploadId = p.upload_id;
      showPreview(p);
      say("ตรวจสิ่งที่อ่านได้ แล้วกดยืนยัน");
    } catch (e) {
      say(e.message, "err");
    }
  });

  $("confirm").addEventListener("click", async () => {
    if (!uploadId) return;
    $("confirm").disabled = true;
    try {
      const { job_id } = await call(`/api/admin/plans/${uploadId}/confirm`, { method: "POST", headers: headers() });
      uploadId = null;
      const poll = async () => {
        const j = await call(`/api/admin/plans/jobs/${job_id}`, { headers: headers() });
        say(j.message, j.state === "failed" ? "err" : "");
        if (j.state === "queued" || j.state === "building") setTimeout(poll, 1000);
        else $("confirm").disabled = false;
      };
      poll();
    } catch (e) {
      say(e.message, "err");
      $("confirm").disabled = false;
    }
  });
})();
