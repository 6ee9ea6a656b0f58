"""An indicator heading opens its card: label/value lines under it are its fields, and a small
table whose rows are years (year, value, maybe a qualifier) gives its yearly targets. The same
plan, in other wording and figures than any bundled one, in Markdown, HTML and Word."""

from __future__ import annotations

import pytest

from assistant.ingest.plans import parse_file

OFFICE = "สพป.ระยอง เขต 1"
STRATEGIES = [
    ("๑", "ยกระดับคุณภาพผู้เรียนด้านการอ่านและการคิดคำนวณ", [
        ("1.1", "ร้อยละของนักเรียนชั้น ป.2 ที่อ่านออกเขียนได้ตามเกณฑ์", "ร้อยละ", "ค่าฐาน (ปีการศึกษา ๒๕๖๗)", "๖๘.๕๐",
         "กลุ่มนิเทศ ติดตามและประเมินผล", "ค่าเป้าหมาย (ร้อยละ)",
         [("๒๕๖๙", "๗๒"), ("๒๕๗๐", "๗๖"), ("๒๕๗๑", "๘๐")]),
        ("1.2", "จำนวนโรงเรียนต้นแบบการจัดการเรียนรู้เชิงรุก", "โรงเรียน", "ค่าฐาน", "9",
         None, "เป้าหมาย", [("2569", "ไม่น้อยกว่า 12"), ("2570", "ไม่น้อยกว่า 15"), ("2571", "-")]),
    ]),
    ("2", "เพิ่มโอกาสทางการศึกษาแก่เด็กด้อยโอกาส", [
        ("2.1", "อัตราเด็กวัยเรียนที่ไม่ได้เข้าเรียนในพื้นที่บริการ", "ร้อยละ", "ค่าฐาน (ปี 2567)", "1.20",
         "กลุ่มส่งเสริมการจัดการศึกษา", "ค่าเป้าหมาย", [("ปี 2569", "ไม่เกิน 1.00"), ("ปี 2570", "ไม่เกิน 0.80"),
                                                     ("ปี 2571", "ไม่เกิน 0.60")]),
    ]),
]
WANT = {
    "1.1": ("ร้อยละ", "68.50", "กลุ่มนิเทศ ติดตามและประเมินผล", [(2569, "72", None), (2570, "76", None), (2571, "80", None)]),
    "1.2": ("โรงเรียน", "9", None, [(2569, "12", "ไม่น้อยกว่า"), (2570, "15", "ไม่น้อยกว่า")]),
    "2.1": ("ร้อยละ", "1.20", "กลุ่มส่งเสริมการจัดการศึกษา",
            [(2569, "1.00", "ไม่เกิน"), (2570, "0.80", "ไม่เกิน"), (2571, "0.60", "ไม่เกิน")]),
}


def _fields(ind):
    return [("หน่วยนับ", ind[2]), (ind[3], ind[4])] + ([("ผู้รับผิดชอบ", ind[5])] if ind[5] else [])


def _md() -> str:
    out = [f"# แผนปฏิบัติการ {OFFICE} ปีงบประมาณ 2569–2571", "", "## สารบัญ", "",
           "- [ประเด็นกลยุทธ์ที่ 1](#ประเด็นกลยุทธ์ที่-1)", ""]
    for no, title, inds in STRATEGIES:
        out += [f"## ประเด็นกลยุทธ์ที่ {no} {title}", ""]
        for ind in inds:
            out += [f"### ตัวชี้วัดที่ {ind[0]} {ind[1]}", ""]
            for k, v in _fields(ind):
                out += [f"**{k}:** {v}", ""]
            note = ["> 💡 หมายเหตุ ข้อมูลจากระบบสารสนเทศของสำนักงาน", ""]
            out += note if ind[0] == "1.2" else []  # a callout may stand before the table, too
            out += [f"| ปี พ.ศ. | {ind[6]} |", "| --- | --- |"] + [f"| {y} | {v} |" for y, v in ind[7]] + [""]
            out += [] if ind[0] == "1.2" else note
    return "\n".join(out)


def _html() -> str:
    out = [f"<html><body><h1>แผนปฏิบัติการ {OFFICE} ปีงบประมาณ 2569–2571</h1>"]
    for no, title, inds in STRATEGIES:
        out.append(f"<h2>ประเด็นกลยุทธ์ที่ {no} {title}</h2>")
        for ind in inds:
            out.append(f"<h3>ตัวชี้วัดที่ {ind[0]} {ind[1]}</h3>")
            out += [f"<p><b>{k}:</b> {v}</p>" for k, v in _fields(ind)]
            out += ["<blockquote>หมายเหตุ ปี 2571 รอผลการสำรวจ</blockquote>"] if ind[0] == "1.2" else []
            out.append(f"<table><tr><th>ปี พ.ศ.</th><th>{ind[6]}</th></tr>"
                       + "".join(f"<tr><td>{y}</td><td>{v}</td></tr>" for y, v in ind[7]) + "</table>")
    return "\n".join(out + ["</body></html>"])


def _docx(path) -> None:
    from docx import Document

    d = Document()
    d.add_paragraph(f"แผนปฏิบัติการ {OFFICE} ปีงบประมาณ 2569–2571", style="Title")
    for no, title, inds in STRATEGIES:
        d.add_heading(f"ประเด็นกลยุทธ์ที่ {no} {title}", level=2)
        for ind in inds:
            d.add_heading(f"ตัวชี้วัดที่ {ind[0]} {ind[1]}", level=3)
            for k, v in _fields(ind):
                p = d.add_paragraph()
                p.add_run(f"{k}:").bold = True
                p.add_run(f" {v}")
            t = d.add_table(rows=1 + len(ind[7]), cols=2)
            t.cell(0, 0).text, t.cell(0, 1).text = "ปี พ.ศ.", ind[6]
            for i, (y, v) in enumerate(ind[7], 1):
                t.cell(i, 0).text, t.cell(i, 1).text = y, v
    d.save(path)


@pytest.mark.parametrize("fmt", ["md", "html", "docx"])
def test_indicator_cards_with_one_row_per_year(tmp_path, fmt):
    p = tmp_path / f"rayong1_plan.{fmt}"
    if fmt == "docx":
        _docx(p)
    else:
        p.write_text(_md() if fmt == "md" else _html(), encoding="utf-8")
    plan = parse_file(p).plan
    assert [s.number for s in plan.strategies] == ["1", "2"]
    got = {i.number: (i.unit, i.baseline, i.responsible,
                      sorted((t.year, t.value, t.qualifier) for t in i.targets if t.kind == "target"))
           for i in plan.indicators()}
    assert got == WANT
    texts = {i.number: i.text for i in plan.indicators()}
    assert texts["1.2"] == "จำนวนโรงเรียนต้นแบบการจัดการเรียนรู้เชิงรุก"


def test_a_year_table_with_its_qualifier_in_a_column_of_its_own(tmp_path):
    p = tmp_path / "trat_plan.md"
    p.write_text("\n".join([
        "# แผนพัฒนาการศึกษา สพม.จันทบุรี ตราด 2569-2570", "",
        "## ยุทธศาสตร์ที่ 3 พัฒนาครูมืออาชีพ", "",
        "### ตัวชี้วัดที่ 3.2 จำนวนครูที่ได้รับรางวัลระดับภาค", "",
        "**หน่วยนับ:** คน", "", "**ผู้รับผิดชอบ:** กลุ่มบริหารงานบุคคล", "",
        "| ปีงบประมาณ | เงื่อนไข | ค่าเป้าหมาย |", "|---|---|---|",
        "| ๒๕๖๙ | อย่างน้อย | ๒๐ |", "| ๒๕๗๐ | | ๒๕ |", ""]), encoding="utf-8")
    ind = parse_file(p).plan.indicators()[0]
    assert (ind.number, ind.unit, ind.responsible) == ("3.2", "คน", "กลุ่มบริหารงานบุคคล")
    assert sorted((t.year, t.value, t.qualifier) for t in ind.targets) == [(2569, "20", "อย่างน้อย"), (2570, "25", None)]
