"""Writes two synthetic plans (invented figures and wording) in layouts no other plan has,
with their gold files beside them.

- ``plan6_lamphun1_plan_2568_2570.html`` (สพป.ลำพูน เขต 1): a CMS page (breadcrumb line
  ``หน้าแรก > ข้อมูลหน่วยงาน > ...``, a ``ดาวน์โหลด ... แชร์ : Facebook`` line, a sidebar);
  each indicator is an ``<h4>`` followed by one line of ``|``-separated labelled fields
  (``หน่วยนับ : ร้อยละ | ค่าฐาน : 65``) and one line of year-keyed targets
  (``ค่าเป้าหมาย : 2568 – 70 | 2569 – 75 | 2570 – 80``); a footnote ``* ตัวชี้วัดที่ 2.2 ...``;
  guidelines as a nested ``<ul>`` whose sub-items belong to their guideline.
- ``plan6_sakon2_plan_2569_2571.docx`` (สพป.สกลนคร เขต 2): each indicator is a two-column
  Word table (a KPI card: label cell | value cell: ตัวชี้วัด, หน่วยนับ, ค่าฐาน, one row per
  year's target, ผู้รับผิดชอบ); strategies in Heading 2; guidelines a List Number list with
  List Number 2 sub-items.

    .venv/bin/python eval/plans/make_plan6_plans.py eval/plans
"""
import sys
from pathlib import Path

import yaml
from docx import Document

# ---------------------------------------------------------------- plan A (HTML)
A_STEM = "plan6_lamphun1_plan_2568_2570"
A_VISION = "ผู้เรียนลำพูนเขตหนึ่งรักการอ่าน คิดเป็น ทำเป็น บนรากวัฒนธรรมหริภุญชัย"
A_VALUES = ["ใส่ใจผู้เรียน", "ทำงานเป็นทีม", "ซื่อตรงโปร่งใส"]
# strategy: (no, title, indicators, guidelines [(text, [subs])])
# indicator: (no, text, unit, baseline, {year: (qualifier, value)}, responsible)
A_STRATS = [
    ("1", "ส่งเสริมการอ่านและการคิดของผู้เรียน",
     [("1.1", "ร้อยละของนักเรียนชั้นประถมศึกษาปีที่ 2 ที่อ่านคล่องเขียนคล่อง", "ร้อยละ", "65",
       {2568: ("", "70"), 2569: ("", "75"), 2570: ("", "80")}, "กลุ่มนิเทศ ติดตามและประเมินผลการจัดการศึกษา"),
      ("1.2", "ร้อยละของโรงเรียนที่จัดกิจกรรมชุมนุมนักอ่านอย่างต่อเนื่อง", "ร้อยละ", "40",
       {2568: ("", "55"), 2569: ("", "70"), 2570: ("", "85")}, "กลุ่มส่งเสริมการจัดการศึกษา"),
      ("1.3", "คะแนนเฉลี่ยการทดสอบความสามารถด้านการคิดวิเคราะห์ของนักเรียนชั้นประถมศึกษาปีที่ 6", "คะแนน", "48.25",
       {2568: ("ไม่น้อยกว่า", "50"), 2569: ("ไม่น้อยกว่า", "52"), 2570: ("ไม่น้อยกว่า", "54")}, None)],
     [("จัดมุมหนังสือวัฒนธรรมหริภุญชัยในห้องเรียน", ["คัดเลือกหนังสือนิทานพื้นบ้านลำพูน", "ให้ผู้ปกครองอาสาเล่านิทานสัปดาห์ละครั้ง"]),
      ("อบรมครูด้านการตั้งคำถามกระตุ้นการคิด", []),
      ("ประกวดโครงงานการคิดระดับเขตพื้นที่", ["รอบคัดเลือกระดับกลุ่มโรงเรียน"])]),
    ("2", "ดูแลความปลอดภัยและโอกาสทางการศึกษา",
     [("2.1", "อัตราการออกกลางคันของนักเรียน", "ร้อยละ", "0.12",
       {2568: ("ไม่เกิน", "0.10"), 2569: ("ไม่เกิน", "0.08"), 2570: ("ไม่เกิน", "0.05")}, "กลุ่มส่งเสริมการจัดการศึกษา"),
      ("2.2", "จำนวนโรงเรียนที่ผ่านการประเมินสถานศึกษาปลอดภัย", "โรงเรียน", "38",
       {2568: ("", "45"), 2569: ("", "52"), 2570: ("", "-")}, "กลุ่มส่งเสริมการจัดการศึกษา")],
     [("ติดตามนักเรียนกลุ่มเสี่ยงด้วยระบบดูแลช่วยเหลือนักเรียนออนไลน์", ["เยี่ยมบ้านนักเรียนกลุ่มเสี่ยงภาคเรียนละสองครั้ง"]),
      ("ซ้อมแผนเผชิญเหตุอัคคีภัยและแผ่นดินไหวในโรงเรียน", [])]),
]


def _a_html() -> str:
    out = ["<!DOCTYPE html>", '<html lang="th"><head><meta charset="utf-8">',
           "<title>แผนพัฒนาการศึกษา 2568-2570 – สพป.ลำพูน เขต 1</title></head><body>",
           '<header><div class="logo">สำนักงานเขตพื้นที่การศึกษาประถมศึกษาลำพูน เขต 1</div>',
           '<nav><ul class="menu"><li><a href="/">หน้าแรก</a></li><li><a href="/about">ข้อมูลหน่วยงาน</a></li>'
           '<li><a href="/plan">แผนงาน</a></li><li><a href="/news">ข่าวประชาสัมพันธ์</a></li></ul></nav></header>',
           '<div class="breadcrumb">หน้าแรก &gt; ข้อมูลหน่วยงาน &gt; แผนพัฒนาการศึกษา</div>',
           '<div class="content"><h2 class="entry-title">แผนพัฒนาการศึกษา ระยะ 3 ปี (พ.ศ. 2568 - 2570)</h2>',
           '<div class="share">ดาวน์โหลดเอกสาร (PDF) | แชร์ : Facebook | Line | X</div>',
           "<h3>วิสัยทัศน์</h3>", f"<p>{A_VISION}</p>",
           "<h3>ค่านิยมองค์กร</h3>", "<ul>" + "".join(f"<li>{v}</li>" for v in A_VALUES) + "</ul>"]
    for no, title, inds, guides in A_STRATS:
        out.append(f"<h3>กลยุทธ์ที่ {no} {title}</h3>")
        for ino, text, unit, base, targets, resp in inds:
            out.append(f"<h4>ตัวชี้วัดที่ {ino} {text}</h4>")
            fields = [f"<strong>หน่วยนับ</strong> : {unit}"]
            if base:
                fields.append(f"<strong>ค่าฐาน</strong> : {base}")
            if resp:
                fields.append(f"<strong>ผู้รับผิดชอบ</strong> : {resp}")
            out.append("<p>" + " | ".join(fields) + "</p>")
            vals = " | ".join(f"{y} – {(q + ' ') if q else ''}{v}" for y, (q, v) in targets.items())
            out.append(f"<p><strong>ค่าเป้าหมาย</strong> : {vals}</p>")
        if no == "2":
            out.append("<p><small>* ตัวชี้วัดที่ 2.2 ปี 2570 จะกำหนดค่าเป้าหมายหลังการประเมินรอบแรก</small></p>")
        out.append("<h4>แนวทางการดำเนินงาน</h4><ul>")
        for text, subs in guides:
            inner = ("<ul>" + "".join(f"<li>{s}</li>" for s in subs) + "</ul>") if subs else ""
            out.append(f"<li>{text}{inner}</li>")
        out.append("</ul>")
    out += ["</div>", '<aside class="sidebar"><h4>ลิงก์ที่เกี่ยวข้อง</h4><ul><li>สพฐ.</li><li>ระบบ e-Office</li></ul></aside>',
            "<footer><p>สพป.ลำพูน เขต 1 ถนนเจริญราษฎร์ อำเภอเมืองลำพูน จังหวัดลำพูน | โทร 053-000000</p></footer>",
            "</body></html>"]
    return "\n".join(out)


# ---------------------------------------------------------------- plan B (docx)
B_STEM = "plan6_sakon2_plan_2569_2571"
B_TITLE = "แผนปฏิบัติการประจำปีงบประมาณ พ.ศ. 2569 - 2571"
B_VISION = "สกลนครเขตสองสร้างคนดี มีความรู้ รู้จักพอเพียง ก้าวทันโลกดิจิทัล"
B_MISSIONS = ["พัฒนาผู้เรียนให้มีสมรรถนะตามหลักสูตร", "ส่งเสริมครูให้ใช้สื่อดิจิทัลในการสอน", "บริหารงานแบบมีส่วนร่วมและโปร่งใส"]
B_STRATS = [
    ("1", "พัฒนาคุณภาพผู้เรียนตามหลักปรัชญาของเศรษฐกิจพอเพียง",
     [("1.1", "ร้อยละของนักเรียนชั้นประถมศึกษาปีที่ 3 ที่มีผลการประเมินด้านการอ่านระดับดีขึ้นไป", "ร้อยละ", ("2568", "62.50"),
       {2569: ("", "66"), 2570: ("", "70"), 2571: ("", "74")}, "กลุ่มนิเทศ ติดตามและประเมินผลการจัดการศึกษา"),
      ("1.2", "จำนวนโรงเรียนต้นแบบการจัดการเรียนรู้ตามหลักปรัชญาของเศรษฐกิจพอเพียง", "โรงเรียน", ("2568", "12"),
       {2569: ("อย่างน้อย", "15"), 2570: ("อย่างน้อย", "18"), 2571: ("อย่างน้อย", "21")}, "กลุ่มส่งเสริมการจัดการศึกษา"),
      ("1.3", "ระดับคุณภาพการจัดการศึกษาปฐมวัยของโรงเรียนในสังกัด", "ระดับ", None,
       {2569: ("", "ดีเลิศ"), 2570: ("", "ดีเลิศ"), 2571: ("", "ยอดเยี่ยม")}, "กลุ่มนิเทศ ติดตามและประเมินผลการจัดการศึกษา")],
     [("จัดค่ายการอ่านภาคฤดูร้อนร่วมกับห้องสมุดประชาชน", ["ค่ายการอ่านสำหรับนักเรียนชั้น ป.1 - ป.3"]),
      ("ขยายผลโรงเรียนต้นแบบเศรษฐกิจพอเพียงสู่เครือข่าย", ["จัดตลาดนัดผลผลิตนักเรียน", "ศึกษาดูงานโรงเรียนต้นแบบ"])]),
    ("2", "พัฒนาครูและการบริหารจัดการด้วยเทคโนโลยีดิจิทัล",
     [("2.1", "ร้อยละของครูที่ใช้แพลตฟอร์มการเรียนรู้ดิจิทัลในการจัดการเรียนการสอน", "ร้อยละ", ("2568", "48"),
       {2569: ("", "60"), 2570: ("", "72"), 2571: ("", "85")}, "กลุ่มส่งเสริมการศึกษาทางไกล เทคโนโลยีสารสนเทศและการสื่อสาร"),
      ("2.2", "ระยะเวลาเฉลี่ยในการดำเนินการเรื่องร้องเรียน", "วัน", ("2568", "20"),
       {2569: ("ไม่เกิน", "15"), 2570: ("ไม่เกิน", "12"), 2571: ("ไม่เกิน", "10")}, "กลุ่มกฎหมายและคดี")],
     [("อบรมครูด้านการสร้างห้องเรียนออนไลน์", []),
      ("พัฒนาระบบรับเรื่องร้องเรียนออนไลน์ผ่านเว็บไซต์และไลน์", ["ติดตามความคืบหน้าทุกสัปดาห์"])]),
]


def _b_docx(path: Path) -> None:
    d = Document()
    d.add_paragraph(B_TITLE, style="Title")
    d.add_paragraph("สำนักงานเขตพื้นที่การศึกษาประถมศึกษาสกลนคร เขต 2")
    d.add_heading("วิสัยทัศน์", level=1)
    d.add_paragraph(B_VISION)
    d.add_heading("พันธกิจ", level=1)
    for m in B_MISSIONS:
        d.add_paragraph(m, style="List Bullet")
    for no, title, inds, guides in B_STRATS:
        d.add_heading(f"กลยุทธ์ที่ {no} {title}", level=2)
        d.add_heading("ตัวชี้วัดและค่าเป้าหมาย", level=3)
        for ino, text, unit, base, targets, resp in inds:
            rows = [("ตัวชี้วัดที่", f"{ino} {text}"), ("หน่วยนับ", unit)]
            rows.append((f"ค่าฐาน (ปี {base[0]})", base[1]) if base else ("ค่าฐาน", "-"))
            rows += [(f"ค่าเป้าหมาย ปีงบประมาณ {y}", f"{(q + ' ') if q else ''}{v}") for y, (q, v) in targets.items()]
            rows.append(("ผู้รับผิดชอบ", resp))
            t = d.add_table(rows=len(rows), cols=2)
            t.style = "Table Grid"
            for r, (a, b) in zip(t.rows, rows, strict=True):
                r.cells[0].text, r.cells[1].text = a, b
            d.add_paragraph("")
        d.add_heading("แนวทางการดำเนินงาน", level=3)
        for text, subs in guides:
            d.add_paragraph(text, style="List Number")
            for s in subs:
                d.add_paragraph(s, style="List Number 2")
    d.add_paragraph("ผู้อำนวยการสำนักงานเขตพื้นที่การศึกษาประถมศึกษาสกลนคร เขต 2")
    d.save(path)


def _gold(office, title, years, vision, strats, questions) -> dict:
    out = {"office": office, "title": title, "years": list(years), "vision": vision, "strategies": []}
    for no, stitle, inds, guides in strats:
        s = {"number": no, "title": stitle, "indicators": [], "guidelines": [g for g, _ in guides]}
        for ino, text, unit, base, targets, resp in inds:
            i = {"number": ino, "text": text, "unit": unit}
            if base:
                i["baseline"] = base[1] if isinstance(base, tuple) else base
            i["targets"] = {y: v for y, (q, v) in targets.items()}
            q = {y: q for y, (q, v) in targets.items() if q}
            if q:
                i["qualifiers"] = q
            if resp:
                i["responsible"] = resp
            s["indicators"].append(i)
        out["strategies"].append(s)
    out["questions"] = questions
    return out


A_QUESTIONS = [
    {"question": "ลพ.1 อ่านคล่องเขียนคล่อง ป.2 ปี 69 เป้าเท่าไหร่คะ", "status": "answered",
     "values": [{"value": "75", "year": 2569, "kind": "target"}]},
    {"question": "อัตราออกกลางคันของลำพูนเขต 1 ปี 2570 ต้องไม่เกินเท่าไร", "status": "answered",
     "values": [{"value": "0.05", "year": 2570, "kind": "target"}], "must_include": ["ไม่เกิน"]},
    {"question": "ค่าฐานคะแนนคิดวิเคราะห์ ป.6 ของ สพป.ลำพูน เขต 1 เท่าไหร่", "status": "answered",
     "values": [{"value": "48.25", "kind": "baseline"}]},
    {"question": "โรงเรียนปลอดภัยของ ลพ.1 ปี 2570 ตั้งเป้าไว้กี่โรง", "status": "not_found"},
]
B_QUESTIONS = [
    {"question": "สน.2 โรงเรียนต้นแบบเศรษฐกิจพอเพียง ปี 2570 อย่างน้อยกี่โรงครับ", "status": "answered",
     "values": [{"value": "18", "year": 2570, "kind": "target"}]},
    {"question": "เรื่องร้องเรียนของ สพป.สกลนคร เขต 2 ใครรับผิดชอบ", "status": "answered",
     "must_include": ["กลุ่มกฎหมายและคดี"]},
    {"question": "ปฐมวัยของสกลนครเขต 2 ปี 2571 ตั้งเป้าระดับอะไร", "status": "answered",
     "values": [{"value": "ยอดเยี่ยม", "year": 2571, "kind": "target"}]},
    {"question": "ครูใช้แพลตฟอร์มดิจิทัล สน.2 ค่าฐานเท่าไหร่คะ", "status": "answered",
     "values": [{"value": "48", "kind": "baseline"}]},
]


def main(out: Path) -> None:
    (out / f"{A_STEM}.html").write_text(_a_html() + "\n", encoding="utf-8")
    gold = _gold("สพป.ลำพูน เขต 1", "แผนพัฒนาการศึกษา ระยะ 3 ปี (พ.ศ. 2568 - 2570)", (2568, 2570), A_VISION,
                 A_STRATS, A_QUESTIONS)
    (out / f"{A_STEM}.gold.yaml").write_text(yaml.safe_dump(gold, allow_unicode=True, sort_keys=False), encoding="utf-8")
    _b_docx(out / f"{B_STEM}.docx")
    gold = _gold("สพป.สกลนคร เขต 2", B_TITLE, (2569, 2571), B_VISION, B_STRATS, B_QUESTIONS)
    (out / f"{B_STEM}.gold.yaml").write_text(yaml.safe_dump(gold, allow_unicode=True, sort_keys=False), encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "eval/plans"))
