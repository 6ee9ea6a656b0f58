"""The positional table reader on Thai inputs: text laid out in columns of spaces and
word boxes as a PDF gives them."""

from assistant.domain import thai
from assistant.ingest import positional as P
from assistant.ingest.decoders import spaced_columns
from assistant.ingest.readers.pdf_layout import join_broken_rows
from assistant.ingest.segment import is_heading

# a bordered table as `pdftotext -layout` prints it: a header stacked over four lines,
# a value stacked over four lines, wrapped indicator text, a row without a responsible unit
LAYOUT = """ยุทธศาสตร์ที่ 2 พัฒนาคุณภาพผู้เรียน
  ที่            ตัวชี้วัด            หน่วย   ค่า      เป้า     เป้า     หน่วยงานรับ
                                      นับ   ฐาน     หมาย     หมาย        ผิดชอบ
                                                    ปี       ปี
                                                   2569     2570
  4     ค่าเฉลี่ยผลการทดสอบ O-NET     คะแนน  24.85    ไม่       ไม่     กลุ่มนิเทศ
        ชั้นมัธยมศึกษาปีที่ 6                       น้อย      น้อย    ติดตามและ
                                                    กว่า      กว่า    ประเมินผล
                                                     26        27
  5     จำนวนครูที่ได้รับรางวัล         คน      8       10        12
        ระดับชาติ

แนวทางการดำเนินงาน
"""


def _tables(text, marks=None):
    tls = P.text_lines(text, marks=marks)
    return tls, P.find_tables([t.line for t in tls], is_heading, ("หมายเหตุ",))


def test_display_columns_leave_out_thai_marks_unless_the_layout_counts_them():
    assert P.width("ตัวชี้วัด") == 5  # ต ว ช ว ด; ั ี ้ ั take none
    assert P.width("ตัวชี้วัด", marks=True) == len("ตัวชี้วัด")
    line = P.text_lines("ร้อยละ  80")[0].line
    assert [(w.text, w.x0, w.x1) for w in line.words] == [("ร้อยละ", 0, 5), ("80", 7, 9)]


def test_stacked_header_and_stacked_values_are_joined_per_column():
    _, found = _tables(LAYOUT)
    assert len(found) == 1
    t = found[0]
    assert t.header == ["ที่", "ตัวชี้วัด", "หน่วยนับ", "ค่าฐาน", "เป้าหมายปี 2569", "เป้าหมายปี 2570", "หน่วยงานรับผิดชอบ"]
    rows = [cells for _, _, cells in t.rows]
    assert rows == [
        ["4", "ค่าเฉลี่ยผลการทดสอบ O-NET ชั้นมัธยมศึกษาปีที่ 6", "คะแนน", "24.85", "ไม่น้อยกว่า 26", "ไม่น้อยกว่า 27",
         "กลุ่มนิเทศติดตามและประเมินผล"],
        ["5", "จำนวนครูที่ได้รับรางวัลระดับชาติ", "คน", "8", "10", "12", ""],
    ]


def test_the_columns_are_found_when_every_character_takes_a_column():
    """``pdftotext -layout`` gives a combining mark a column of its own: the counting under
    which the columns line up is chosen."""
    cols = [2, 7, 40, 52, 72]

    def row(*cells):  # every character one column, as str.ljust counts them
        out = ""
        for x, c in zip(cols, cells, strict=True):
            out = out.ljust(x) + c
        return out

    rows = [row("ที่", "ตัวชี้วัด", "หน่วยนับ", "ค่าเป้าหมาย 2569", "ผู้รับผิดชอบ"),
            row("1", "ร้อยละของผู้เรียนที่อ่านคล่อง", "ร้อยละ", "80", "กลุ่มนิเทศ"),
            row("2", "จำนวนโรงเรียนปลอดขยะ", "โรงเรียน", "12", "กลุ่มส่งเสริม")]
    text = "\n".join(rows) + "\n"
    assert P.alignment(text, True) > P.alignment(text, False)
    _, found = _tables(text)
    assert [cells for _, _, cells in found[0].rows] == [
        ["1", "ร้อยละของผู้เรียนที่อ่านคล่อง", "ร้อยละ", "80", "กลุ่มนิเทศ"],
        ["2", "จำนวนโรงเรียนปลอดขยะ", "โรงเรียน", "12", "กลุ่มส่งเสริม"]]


def _line(y, *words):
    return P.Line([P.Word(x0, y, x1, y + 10, t) for t, x0, x1 in words])


def test_word_boxes_with_a_label_spanning_the_year_columns():
    """Word boxes in points (a PDF without ruling lines): ``ค่าเป้าหมาย`` over the years names
    each year column; a cell centred on two lines joins its lines."""
    lines = [
        _line(0, ("ตัวชี้วัด", 40, 80), ("หน่วยนับ", 150, 185), ("ค่าเป้าหมาย", 222, 280)),
        _line(12, ("2568", 215, 235), ("2569", 265, 285)),
        _line(26, ("1", 10, 14), ("ร้อยละของนักเรียน", 30, 110), ("ร้อยละ", 150, 175), ("80", 218, 228), ("85", 268, 278)),
        _line(38, ("ที่อ่านคล่อง", 30, 80)),
        _line(52, ("2", 10, 14), ("จำนวนโรงเรียน", 30, 95), ("แห่ง", 150, 165), ("10", 218, 228), ("12", 268, 278)),
    ]
    found = P.find_tables(lines, is_heading)
    assert found[0].header == ["", "ตัวชี้วัด", "หน่วยนับ", "ค่าเป้าหมาย 2568", "ค่าเป้าหมาย 2569"]
    assert [cells for _, _, cells in found[0].rows] == [
        ["1", "ร้อยละของนักเรียนที่อ่านคล่อง", "ร้อยละ", "80", "85"], ["2", "จำนวนโรงเรียน", "แห่ง", "10", "12"]]


def test_laid_out_text_becomes_tab_rows_with_its_pages_and_repairs():
    text = "หน้าแรก\n\f" + LAYOUT.replace("น้อย", "น้ อย")
    laid = spaced_columns.lay_out(text)
    assert laid.text.count("\f") == 1
    assert "4\tค่าเฉลี่ยผลการทดสอบ O-NET ชั้นมัธยมศึกษาปีที่ 6\tคะแนน\t24.85\tไม่น้อยกว่า 26\tไม่น้อยกว่า 27" in laid.text
    assert sum(laid.repairs.values()) >= 2  # "น้ อย" twice
    (a, z), = laid.tables
    assert laid.text[a:z].startswith("ที่\tตัวชี้วัด\tหน่วยนับ")


def test_a_mark_cluster_printed_twice_on_its_own_line_is_dropped():
    text = LAYOUT.replace("\nแนวทางการดำเนินงาน\n",
                          "\nแนวทางการดำเนินงาน\n  2.1 ส่งเสริมการอ่าน\n             ลื่\n  2.2 ขับเคลื่อนโครงการ\n")
    laid = spaced_columns.lay_out(text)
    assert "ลื่\n" not in laid.text.replace("ขับเคลื่อน", "")
    assert laid.repairs["ghost_lines"] == 1


def test_text_without_columns_is_not_laid_out():
    assert spaced_columns.lay_out("กลยุทธ์ที่ 1 พัฒนาผู้เรียน\n1. ร้อยละของนักเรียน ร้อยละ 80 85 90\n") is None
    # tab rows are the tab-rows decoder's
    assert spaced_columns.lay_out("ตัวชี้วัด\tหน่วยนับ\t2568\n1. ร้อยละ\tร้อยละ\t80\n") is None


def test_a_row_broken_by_a_page_is_joined_to_the_row_above():
    head = [("กลยุทธ์", None), ("ที่", None), ("ตัวชี้วัด", None), ("ปี 2568", None), ("ผู้รับผิดชอบ", None)]
    page1 = [("table", [head,
                        [("กลยุทธ์ที่ 2", None), ("2.3", None), ("ร้อยละของนักเรียน", None), ("100", None), ("กลุ่มนิเทศ", None)],
                        [("", (1, 0)), ("2.4", None), ("โรงเรียนที่ได้รับการ", None), ("ทุก", None), ("กลุ่มบริหารงาน", None)]])]
    page2 = [("table", [list(head),
                        [("", None), ("", None), ("นิเทศ", None), ("โรงเรียน", None), ("บุคคล", None)],
                        [("", None), ("2.5", None), ("จำนวนครู", None), ("10", None), ("", None)]])]
    pages = [page1, page2]
    assert join_broken_rows(pages) == 1
    assert [t for t, _ in pages[0][0][1][-1]] == ["", "2.4", "โรงเรียนที่ได้รับการนิเทศ", "ทุกโรงเรียน", "กลุ่มบริหารงานบุคคล"]
    assert [[t for t, _ in r] for r in pages[1][0][1][1:]] == [["", "2.5", "จำนวนครู", "10", ""]]


def test_repair_of_laid_out_cells_keeps_words():
    assert thai.repair("ไม่น้ อยกว่า")[0] == "ไม่น้อยกว่า"


def test_a_table_reads_on_over_page_furniture_and_a_wrapped_line_is_no_heading(tmp_path):
    """A table broken by a page (running header and footer between its rows) is one
    table, and a cell's wrapped line that starts with a heading word stays in its cell."""
    from pathlib import Path

    from assistant.ingest.readers import read_document

    head, rows = LAYOUT.split("  4 ", 1)
    body = "  4 " + rows.split("\nแนวทาง")[0]
    row5 = body[body.index("  5 "):]
    row4 = body[: body.index("  5 ")].replace("        ชั้นมัธยมศึกษาปีที่ 6",
                                                "        มาตรการยกระดับชั้น ม.6    ")
    foot = "\n\n                แผนปฏิบัติราชการ สพม.ทดสอบ หน้า {}\n"
    text = ("แผนปฏิบัติราชการ สพม.ทดสอบ\n" + head + row4 + foot.format(1) + "\f" + "แผนปฏิบัติราชการ สพม.ทดสอบ\n"
            + row5 + "\nแนวทางการดำเนินงาน\n" + foot.format(2))
    p = Path(tmp_path) / "t.txt"
    p.write_text(text, encoding="utf-8")
    doc = read_document(p, 10**6)
    tables = [b for b in doc.blocks if b.kind == "table"]
    assert [b.decoder for b in tables] == ["spaced-columns"]
    got = [[doc.cell_text(c) for c in r] for r in tables[0].rows]
    assert [r[:2] for r in got[1:]] == [["4", "ค่าเฉลี่ยผลการทดสอบ O-NET มาตรการยกระดับชั้น ม.6"],
                                        ["5", "จำนวนครูที่ได้รับรางวัลระดับชาติ"]]
