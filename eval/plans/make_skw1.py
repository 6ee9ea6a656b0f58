"""A synthetic plan (สพป.สระแก้ว เขต 1, invented figures): an HTML page whose indicator
tables have no borders, printed to PDF by Chromium with its own header and footer on every
page; Thai digits, wrapped cells, a table broken by a page.

    .venv/bin/python eval/plans/make_skw1.py eval/plans             # browser default cell style
    .venv/bin/python eval/plans/make_skw1.py DIR padded              # padded, top-aligned cells
    .venv/bin/python eval/plans/make_skw1.py DIR thead               # header rows in <thead>: repeated on each page
    .venv/bin/python eval/plans/make_skw1.py DIR onetable            # one table, a full-width row per strategy
"""
import subprocess
import sys
from pathlib import Path

STYLE = "default"

TH = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
def th(s): return str(s).translate(TH)

STRATS = [
  ("1", "พัฒนาคุณภาพผู้เรียนให้มีทักษะการอ่าน การคิด และความรู้พื้นฐานที่มั่นคง",
   ["จัดกิจกรรมห้องสมุดเคลื่อนที่ในโรงเรียนขนาดเล็กทุกภาคเรียน", "พัฒนาครูคณิตศาสตร์ด้วยกระบวนการเรียนรู้เชิงรุกแบบลงมือทำ"],
   [("1.1", "ร้อยละของนักเรียนชั้นประถมศึกษาปีที่ 1 ที่อ่านออกเขียนได้ตามเกณฑ์การประเมินของสำนักงานเขตพื้นที่การศึกษา", "ร้อยละ", "81.50", ["85", "88", "90"], "กลุ่มนิเทศ ติดตามและประเมินผลการจัดการศึกษา"),
    ("1.2", "คะแนนเฉลี่ยการทดสอบ O-NET ป.6 วิชาคณิตศาสตร์", "คะแนน", "31.20", ["33", "35", "37"], "กลุ่มนิเทศ ติดตามและประเมินผลการจัดการศึกษา"),
    ("1.3", "จำนวนโรงเรียนที่จัดการเรียนรู้แบบโครงงานบูรณาการ", "โรงเรียน", "-", ["40", "55", "70"], "กลุ่มส่งเสริมการจัดการศึกษา"),
    ("1.4", "ระดับความสำเร็จของการพัฒนาห้องเรียนคุณภาพ", "", "-", ["ดี", "ดีมาก", "ดีมาก"], "")]),
  ("2", "ลดความเหลื่อมล้ำและดูแลผู้เรียนในพื้นที่ชายแดนให้ได้รับการศึกษาอย่างทั่วถึง",
   ["ติดตามเด็กวัยเรียนตามแนวชายแดนร่วมกับองค์กรปกครองส่วนท้องถิ่น", "จัดหาทุนการศึกษาและอุปกรณ์การเรียนแก่นักเรียนยากจน"],
   [("2.1", "ร้อยละของเด็กวัยเรียนในเขตบริการที่ได้รับการศึกษาภาคบังคับ", "ร้อยละ", "96.40", ["97", "98", "99"], "กลุ่มส่งเสริมการจัดการศึกษา"),
    ("2.2", "อัตราการออกกลางคันของนักเรียน", "ร้อยละ", "0.55", ["0.45", "0.35", "0.25"], "กลุ่มส่งเสริมการจัดการศึกษา"),
    ("2.3", "จำนวนนักเรียนต่างด้าวที่ได้รับการจัดการศึกษาตามสิทธิ", "คน", "1,120", ["1,200", "1,250", "1,300"], ""),
    ("2.4", "ร้อยละของโรงเรียนที่มีระบบดูแลช่วยเหลือนักเรียนตามมาตรฐาน", "ร้อยละ", "-", ["100", "100", "100"], "กลุ่มส่งเสริมการจัดการศึกษา")]),
  ("3", "บริหารจัดการอย่างมีประสิทธิภาพด้วยเทคโนโลยีดิจิทัล",
   ["ใช้ระบบสารบรรณอิเล็กทรอนิกส์ในการรับส่งหนังสือราชการทุกโรงเรียน", "ประเมินความพึงพอใจผู้รับบริการทุกไตรมาส"],
   [("3.1", "คะแนนการประเมินคุณธรรมและความโปร่งใส (ITA)", "คะแนน", "91.35", ["93", "94", "95"], "กลุ่มอำนวยการ"),
    ("3.2", "ร้อยละของโรงเรียนที่ใช้ระบบสารบรรณอิเล็กทรอนิกส์", "ร้อยละ", "72", ["85", "95", "100"], "กลุ่มส่งเสริมการศึกษาทางไกล เทคโนโลยีสารสนเทศและการสื่อสาร"),
    ("3.3", "ร้อยละความพึงพอใจของผู้รับบริการ", "ร้อยละ", "88", ["90", "91", "92"], "กลุ่มนโยบายและแผน"),
    ("3.4", "จำนวนนวัตกรรมการบริหารจัดการที่ได้รับการเผยแพร่", "เรื่อง", "-", ["3", "4", "5"], "กลุ่มนโยบายและแผน")]),
]
YEARS = [2568, 2569, 2570]
VISION = "สพป.สระแก้ว เขต ๑ จัดการศึกษาให้ผู้เรียนทุกคนมีคุณภาพ ปลอดภัย และเท่าเทียม ด้วยการบริหารแบบมีส่วนร่วม"

def html():
    h = ["<html><head><meta charset='utf-8'><title>แผนพัฒนาการศึกษา สพป.สระแก้ว เขต ๑</title><style>",
         "body{font-family:'Noto Sans Thai','Garuda',sans-serif;font-size:14px} table{border-collapse:collapse;border:none;width:100%}",
         "td,th{border:none}" + ("td,th{padding:6px 10px;vertical-align:top;text-align:left}" if STYLE == "padded" else ""),
         "h2,h3{margin:14px 0 6px}",
         "</style></head><body>",
         "<h1>แผนพัฒนาการศึกษา ระยะ ๓ ปี (พ.ศ. ๒๕๖๘ – ๒๕๗๐)</h1>",
         "<p>สำนักงานเขตพื้นที่การศึกษาประถมศึกษาสระแก้ว เขต ๑</p>",
         "<h2>วิสัยทัศน์</h2>", f"<p>{VISION}</p>",
         "<h2>พันธกิจ</h2><ol><li>ยกระดับคุณภาพผู้เรียนทุกระดับ</li><li>สร้างโอกาสทางการศึกษาแก่เด็กในพื้นที่ชายแดน</li><li>พัฒนาระบบบริหารจัดการด้วยเทคโนโลยี</li></ol>",
         "<h2>เป้าประสงค์</h2><ol><li>ผู้เรียนมีผลสัมฤทธิ์ทางการเรียนสูงขึ้น</li><li>เด็กทุกคนได้รับการศึกษาอย่างทั่วถึง</li></ol>"]
    for k, (no, title, guides, inds) in enumerate(STRATS):
        h.append(f"<h2>กลยุทธ์ที่ {th(no)} {title}</h2><h3>แนวทางการดำเนินงาน</h3><ol>")
        h += [f"<li>{g}</li>" for g in guides]
        h.append("</ol>")
        if STYLE == "onetable" and k < len(STRATS) - 1:
            continue
        h.append("<h3>ตัวชี้วัดและค่าเป้าหมาย</h3><table>")
        h.append(("<thead>" if STYLE == "thead" else "") + "<tr><th rowspan='2'>ที่</th><th rowspan='2'>ตัวชี้วัด</th><th rowspan='2'>หน่วยนับ</th><th rowspan='2'>ค่าฐาน ปี ๒๕๖๗</th>"
                 "<th colspan='3'>ค่าเป้าหมาย</th><th rowspan='2'>ผู้รับผิดชอบ</th></tr><tr>" + "".join(f"<th>{th(y)}</th>" for y in YEARS) + "</tr>"
                 + ("</thead>" if STYLE == "thead" else ""))
        # one table per strategy, or (onetable) one table with a full-width row per strategy
        for sno, stitle, _, sinds in (STRATS if STYLE == "onetable" else [(no, title, guides, inds)]):
            if STYLE == "onetable":
                h.append(f"<tr><td colspan='8'><b>กลยุทธ์ที่ {th(sno)} {stitle}</b></td></tr>")
            for ino, text, unit, base, tg, resp in sinds:
                h.append(f"<tr><td>{th(ino)}</td><td style='width:34%'>{th(text)}</td><td>{unit}</td><td>{th(base)}</td>"
                         + "".join(f"<td>{th(v)}</td>" for v in tg) + f"<td style='width:18%'>{resp}</td></tr>")
        h.append("</table>")
    h.append("<p>หมายเหตุ ค่าฐานคือผลการดำเนินงานปีงบประมาณ ๒๕๖๗</p></body></html>")
    return "\n".join(h)

QUESTIONS = [
    {"question": "สก.1 เป้าหมายอ่านออกเขียนได้ ป.1 ปี 69 เท่าไหร่ครับ", "status": "answered",
     "values": [{"value": "88", "year": 2569, "kind": "target"}]},
    {"question": "แล้วปี 70 ล่ะ", "conversation": ["สก.1 เป้าหมายอ่านออกเขียนได้ ป.1 ปี 69 เท่าไหร่ครับ"], "status": "answered",
     "values": [{"value": "90", "year": 2570, "kind": "target"}]},
    {"question": "ค่าฐาน O-NET คณิต ป.6 เท่าไหร่คะ", "status": "answered",
     "values": [{"value": "31.20", "kind": "baseline"}]},
    {"question": "อัตราการออกกลางคันปี 2570 ตั้งเป้าไว้เท่าไร", "status": "answered",
     "values": [{"value": "0.25", "year": 2570, "kind": "target"}]},
    {"question": "ตัวชี้วัด ITA ใครรับผิดชอบ", "status": "answered", "must_include": ["กลุ่มอำนวยการ"]},
    {"question": "นักเรียนต่างด้าวได้รับการศึกษาตามสิทธิ ปี 68 เป้ากี่คน", "status": "answered",
     "values": [{"value": "1,200", "year": 2568, "kind": "target"}]},
    {"question": "ตัวชี้วัดสารบรรณอิเล็กทรอนิกส์อยู่กลยุทธ์ไหน", "status": "answered", "must_include": ["กลยุทธ์ที่ 3"]},
    {"question": "ความพึงพอใจผู้รับบริการปี 2569 ตั้งเป้าร้อยละเท่าไร", "status": "answered",
     "values": [{"value": "91", "year": 2569, "kind": "target"}]},
    {"question": "เป้าหมายจำนวนนักเรียนที่เรียนว่ายน้ำเป็นปี 69 เท่าไหร่", "status": "not_found"},
    {"question": "งบประมาณโครงการห้องสมุดเคลื่อนที่เท่าไหร่คะ", "status": "not_found"},
]


def gold():
    import yaml
    g = {"office": "สพป.สระแก้ว เขต 1", "title": "แผนพัฒนาการศึกษา ระยะ ๓ ปี (พ.ศ. ๒๕๖๘ – ๒๕๗๐)", "years": YEARS,
         "vision": VISION, "strategies": []}
    for no, title, guides, inds in STRATS:
        s = {"number": no, "title": title, "indicators": [], "guidelines": guides}
        for ino, text, unit, base, tg, resp in inds:
            i = {"number": ino, "text": text, "unit": unit}
            if base != "-":
                i["baseline"] = base
            i["targets"] = dict(zip(YEARS, tg, strict=True))
            if resp:
                i["responsible"] = resp
            s["indicators"].append(i)
        g["strategies"].append(s)
    g["questions"] = QUESTIONS
    return yaml.safe_dump(g, allow_unicode=True, sort_keys=False, width=200)

if __name__ == "__main__":
    out = Path(sys.argv[1])
    STYLE = sys.argv[2] if len(sys.argv) > 2 else "default"
    stem = "skw1_plan_2568_2570" if STYLE == "default" else f"skw1_plan_2568_2570_{STYLE}"
    src = out / f"{stem}.html"
    src.write_text(html(), encoding="utf-8")
    subprocess.run(["chromium", "--headless", "--no-sandbox", f"--print-to-pdf={out / (stem + '.pdf')}", str(src)],
                   check=True, capture_output=True, timeout=120)
    src.unlink()
    if STYLE == "default":
        (out / f"{stem}.gold.yaml").write_text(gold(), encoding="utf-8")
