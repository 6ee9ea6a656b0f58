"""A table-level responsible note (lexicon ``table_responsible_notes``) gives its unit to
the table's rows that name none: under the table after other notes, or above it; a row
that names its own unit keeps it; a table without a note gets none (our own wording)."""

from assistant.ingest.plans import parse_file

HTML = """<html><body>
<p>แผนปฏิบัติการประจำปีงบประมาณ พ.ศ. 2570 สำนักงานเขตพื้นที่การศึกษาประถมศึกษาลำปาง เขต 3</p>
<h2>ยุทธศาสตร์ที่ 1 ส่งเสริมสุขภาวะของนักเรียน</h2>
<table>
<tr><th>ตัวชี้วัด</th><th>หน่วยนับ</th><th>ค่าเป้าหมาย 2570</th><th>ผู้รับผิดชอบ</th></tr>
<tr><td>1.1 ร้อยละของนักเรียนที่มีภาวะโภชนาการสมวัย</td><td>ร้อยละ</td><td>88</td><td></td></tr>
<tr><td>1.2 จำนวนโรงเรียนที่ผ่านเกณฑ์โรงเรียนรอบรู้ด้านสุขภาพ</td><td>โรงเรียน</td><td>24</td><td>กลุ่มส่งเสริมการจัดการศึกษา</td></tr>
</table>
<p>หมายเหตุ ข้อมูลภาวะโภชนาการจากระบบ HDC ของจังหวัด</p>
<p>หน่วยงานรับผิดชอบหลัก : กลุ่มนิเทศ ติดตามและประเมินผล</p>
<h2>ยุทธศาสตร์ที่ 2 พัฒนาการบริหารงบประมาณ</h2>
<p>ผู้รับผิดชอบ: กลุ่มบริหารงานการเงินและสินทรัพย์</p>
<table>
<tr><th>ตัวชี้วัด</th><th>หน่วยนับ</th><th>ค่าเป้าหมาย 2570</th></tr>
<tr><td>2.1 ร้อยละการเบิกจ่ายงบประมาณภาพรวม</td><td>ร้อยละ</td><td>96</td></tr>
</table>
<h2>ยุทธศาสตร์ที่ 3 เสริมสร้างภาคีเครือข่าย</h2>
<table>
<tr><th>ตัวชี้วัด</th><th>หน่วยนับ</th><th>ค่าเป้าหมาย 2570</th></tr>
<tr><td>3.1 จำนวนเครือข่ายผู้ปกครองที่ร่วมจัดกิจกรรม</td><td>เครือข่าย</td><td>12</td></tr>
</table>
</body></html>
"""


def test_a_table_note_names_the_responsible_unit_of_its_rows(tmp_path):
    p = tmp_path / "lampang3.html"
    p.write_text(HTML, encoding="utf-8")
    got = [(i.number, i.responsible) for i in parse_file(p).plan.indicators()]
    assert got == [("1.1", "กลุ่มนิเทศ ติดตามและประเมินผล"), ("1.2", "กลุ่มส่งเสริมการจัดการศึกษา"),
                   ("2.1", "กลุ่มบริหารงานการเงินและสินทรัพย์"), ("3.1", None)]
