"""Writes a synthetic plan (สพป.น่าน เขต 2, invented figures) as a Word file in layouts the
other plans do not have: each strategy is named only by the caption above its indicator
table (Word's "Caption" style, ``ตารางที่ 1 กลยุทธ์ที่ 1 ...``); the first tables put the
unit in the spanning header cell (``ค่าเป้าหมาย (ร้อยละ)`` over the year cells) and the
baseline year in its header; the last table writes all years in one header cell
(``ค่าเป้าหมาย 2568/2569/2570``) and the values in one cell (``80/85/90``). Guidelines are
a nested list (List Number with List Bullet 2 sub-items). The gold file is written beside it.

    .venv/bin/python eval/plans/make_plan5_nan2.py eval/plans
"""
import sys
from pathlib import Path

import yaml
from docx import Document

STEM = "plan5_nan2_plan_2568_2570"
TITLE = "แผนพัฒนาการศึกษา ระยะ 3 ปี (พ.ศ. 2568 - 2570) สำนักงานเขตพื้นที่การศึกษาประถมศึกษาน่าน เขต 2"
VISION = "ผู้เรียนเมืองน่านเขตสองเป็นคนดี มีทักษะอาชีพ รักษ์ป่าต้นน้ำ ด้วยการบริหารแบบมีส่วนร่วม"
MISSIONS = ["จัดการศึกษาให้ผู้เรียนมีทักษะพื้นฐานและทักษะชีวิต", "ส่งเสริมการศึกษาเพื่ออนุรักษ์ทรัพยากรธรรมชาติในพื้นที่ต้นน้ำ",
            "พัฒนาครูให้ใช้เทคโนโลยีในการจัดการเรียนรู้"]
YEARS = (2568, 2569, 2570)
# (no, title, table kind, guidelines [(text, [sub-items])], indicators)
# indicator: (no, text, unit, baseline, {year: value}, responsible)
STRATS = [
    ("1", "ยกระดับทักษะการอ่าน การคิดคำนวณ และทักษะชีวิตของผู้เรียน", "unit_header",
     [("ส่งเสริมการอ่านด้วยห้องสมุดเคลื่อนที่บนดอย", ["จัดรถห้องสมุดหมุนเวียนทุกเดือน", "อบรมอาสาสมัครนักอ่านในชุมชน"]),
      ("พัฒนาการสอนคณิตศาสตร์ด้วยสื่อจากวัสดุท้องถิ่น", [])],
     [("1.1", "ร้อยละของนักเรียนชั้นประถมศึกษาปีที่ 1 ที่อ่านออกเขียนได้", "ร้อยละ", "81.25",
       {2568: "84", 2569: "87", 2570: "90"}, "กลุ่มนิเทศ ติดตามและประเมินผลการจัดการศึกษา"),
      ("1.2", "ร้อยละของนักเรียนชั้นประถมศึกษาปีที่ 6 ที่มีทักษะการคิดคำนวณระดับดีขึ้นไป", "ร้อยละ", "58",
       {2568: "62", 2569: "65", 2570: "68"}, "กลุ่มนิเทศ ติดตามและประเมินผลการจัดการศึกษา"),
      ("1.3", "ร้อยละของนักเรียนที่ผ่านกิจกรรมทักษะชีวิตและความปลอดภัยทางน้ำ", "ร้อยละ", None,
       {2568: "70", 2569: "80", 2570: "90"}, "กลุ่มส่งเสริมการจัดการศึกษา")]),
    ("2", "จัดการศึกษาเพื่อรักษ์ป่าต้นน้ำและชุมชน", "unit_header",
     [("บูรณาการหลักสูตรท้องถิ่นเรื่องป่าต้นน้ำในทุกกลุ่มสาระ", ["จัดทำหน่วยการเรียนรู้ป่าชุมชน"]),
      ("สร้างเครือข่ายโรงเรียนรักษ์น้ำน่านร่วมกับองค์กรปกครองส่วนท้องถิ่น", [])],
     [("2.1", "ร้อยละของโรงเรียนที่จัดการเรียนรู้หลักสูตรท้องถิ่นรักษ์ป่าต้นน้ำ", "ร้อยละ", "45",
       {2568: "60", 2569: "75", 2570: "100"}, "กลุ่มส่งเสริมการจัดการศึกษา"),
      ("2.2", "ร้อยละของโรงเรียนที่ผ่านเกณฑ์โรงเรียนปลอดขยะ", "ร้อยละ", "30",
       {2568: "40", 2569: "50", 2570: "60"}, None)]),
    ("3", "พัฒนาครูและระบบบริหารด้วยเทคโนโลยีดิจิทัล", "one_cell",
     [("อบรมครูด้านการสร้างสื่อดิจิทัลแบบออนไลน์", ["ครูแกนนำดิจิทัลโรงเรียนละ 1 คน", "คลังสื่อดิจิทัลของเขตพื้นที่"]),
      ("ใช้ระบบสารบรรณอิเล็กทรอนิกส์ในทุกโรงเรียน", [])],
     [("3.1", "ร้อยละของครูที่ผลิตสื่อการเรียนรู้ดิจิทัลได้", "ร้อยละ", "35",
       {2568: "50", 2569: "65", 2570: "80"}, "กลุ่มพัฒนาครูและบุคลากรทางการศึกษา"),
      ("3.2", "จำนวนโรงเรียนที่ใช้ระบบสารบรรณอิเล็กทรอนิกส์", "โรงเรียน", "40",
       {2568: "60", 2569: "75", 2570: "92"}, "กลุ่มอำนวยการ"),
      ("3.3", "คะแนนการประเมินคุณธรรมและความโปร่งใส (ITA)", "คะแนน", "91.30",
       {2568: "92", 2569: "93", 2570: "94"}, "กลุ่มอำนวยการ")]),
]

QUESTIONS = [
    {"question": "นน.2 อ่านออกเขียนได้ ป.1 ปี 2569 เป้าเท่าไหร่คะ", "status": "answered",
     "values": [{"value": "87", "year": 2569, "kind": "target"}]},
    {"question": "แล้วปี 70 ล่ะ", "conversation": ["นน.2 อ่านออกเขียนได้ ป.1 ปี 2569 เป้าเท่าไหร่คะ"], "status": "answered",
     "values": [{"value": "90", "year": 2570, "kind": "target"}]},
    {"question": "ค่าฐานโรงเรียนปลอดขยะเท่าไหร่ครับ", "status": "answered", "values": [{"value": "30", "kind": "baseline"}]},
    {"question": "หลักสูตรท้องถิ่นรักษ์ป่าต้นน้ำ ปี 2570 ตั้งเป้าไว้ร้อยละเท่าไร", "status": "answered",
     "values": [{"value": "100", "year": 2570, "kind": "target"}]},
    {"question": "ครูผลิตสื่อดิจิทัลได้ ปี 69 เป้าหมายเท่าไหร่", "status": "answered",
     "values": [{"value": "65", "year": 2569, "kind": "target"}]},
    {"question": "โรงเรียนที่ใช้สารบรรณอิเล็กทรอนิกส์ ปี 2570 กี่โรง", "status": "answered",
     "values": [{"value": "92", "year": 2570, "kind": "target"}]},
    {"question": "ใครรับผิดชอบตัวชี้วัดทักษะชีวิตและความปลอดภัยทางน้ำ", "status": "answered",
     "must_include": ["กลุ่มส่งเสริมการจัดการศึกษา"]},
    {"question": "ตัวชี้วัดโรงเรียนปลอดขยะอยู่กลยุทธ์ไหน", "status": "answered",
     "must_include": ["กลยุทธ์ที่ 2"]},
    {"question": "เป้าหมายจำนวนนักเรียนที่ได้รับทุนพระราชทาน ปี 2569 เท่าไร", "status": "not_found"},
]


def _header_unit(t, unit_word):
    """Two header rows: ตัวชี้วัด / ค่าฐาน (2567) / ค่าเป้าหมาย (ร้อยละ) over the years / ผู้รับผิดชอบ."""
    h1, h2 = t.rows[0].cells, t.rows[1].cells
    h1[0].text, h1[1].text, h1[2].text, h1[5].text = "ตัวชี้วัด", "ค่าฐาน (2567)", f"ค่าเป้าหมาย ({unit_word})", "ผู้รับผิดชอบ"
    for k, y in enumerate(YEARS):
        h2[2 + k].text = str(y)
    h1[2].merge(h1[4])
    h1[0].merge(h2[0])
    h1[1].merge(h2[1])
    h1[5].merge(h2[5])


def write(out: Path) -> None:
    d = Document()
    d.add_paragraph(TITLE)
    d.add_heading("วิสัยทัศน์", level=1)
    d.add_paragraph(VISION)
    d.add_heading("พันธกิจ", level=1)
    for m in MISSIONS:
        d.add_paragraph(m, style="List Number")
    d.add_heading("ตัวชี้วัดและค่าเป้าหมายตามกลยุทธ์", level=1)
    for k, (no, title, kind, guides, inds) in enumerate(STRATS, 1):
        d.add_paragraph(f"ตารางที่ {k} กลยุทธ์ที่ {no} {title}", style="Caption")
        if kind == "unit_header":
            t = d.add_table(rows=2 + len(inds), cols=6)
            t.style = "Table Grid"
            _header_unit(t, inds[0][2])
            for r, (ino, text, _unit, base, tg, resp) in enumerate(inds, 2):
                c = t.rows[r].cells
                c[0].text, c[1].text = f"{ino} {text}", base or "-"
                for j, y in enumerate(YEARS):
                    c[2 + j].text = tg[y]
                c[5].text = resp or ""
        else:
            t = d.add_table(rows=1 + len(inds), cols=5)
            t.style = "Table Grid"
            h = t.rows[0].cells
            h[0].text, h[1].text, h[2].text = "ตัวชี้วัด", "หน่วยนับ", "ค่าฐาน"
            h[3].text, h[4].text = "ค่าเป้าหมาย " + "/".join(map(str, YEARS)), "ผู้รับผิดชอบ"
            for r, (ino, text, unit, base, tg, resp) in enumerate(inds, 1):
                c = t.rows[r].cells
                c[0].text, c[1].text, c[2].text = f"{ino} {text}", unit, base or "-"
                c[3].text, c[4].text = "/".join(tg[y] for y in YEARS), resp or ""
        d.add_paragraph("แนวทางการดำเนินงาน")
        for g, subs in guides:
            d.add_paragraph(g, style="List Number")
            for sub in subs:
                d.add_paragraph(sub, style="List Bullet 2")
    d.add_paragraph("ผู้อำนวยการสำนักงานเขตพื้นที่การศึกษาประถมศึกษาน่าน เขต 2")
    d.save(out / f"{STEM}.docx")
    gold = {"office": "สพป.น่าน เขต 2", "title": TITLE, "years": list(YEARS), "vision": VISION, "strategies": []}
    for no, title, _, guides, inds in STRATS:
        s = {"number": no, "title": title, "indicators": [], "guidelines": [g for g, _ in guides]}
        for ino, text, unit, base, tg, resp in inds:
            i = {"number": ino, "text": text, "unit": unit}
            if base:
                i["baseline"] = base
            i["targets"] = dict(tg)
            if resp:
                i["responsible"] = resp
            s["indicators"].append(i)
        gold["strategies"].append(s)
    gold["questions"] = QUESTIONS
    (out / f"{STEM}.gold.yaml").write_text(yaml.safe_dump(gold, allow_unicode=True, sort_keys=False, width=200),
                                           encoding="utf-8")


if __name__ == "__main__":
    write(Path(sys.argv[1]))
