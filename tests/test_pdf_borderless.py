"""Border-less PDF tables (cells separated only by spacing): columns from the header's
word stacks and the body's blank x bands, rows from the row numbers (top-aligned or
centred cells), wrapped cell text joined. Word boxes as poppler gives them, on Thai
inputs of our own; and the Chromium print of session 4's held-out plan."""

import re
from pathlib import Path

import pytest
import yaml

from assistant.ingest.readers.pdf_columns import find_tables
from assistant.ingest.readers.pdf_layout import Line, Word

ROOT = Path(__file__).resolve().parent.parent
H = 16.0  # a word box's height; lines 16 points apart


def ln(y: float, *words: tuple[float, str], width: float = 5.0) -> Line:
    """A line of words (x0, text), ``width`` points per character (marks above or below a
    letter take no width)."""
    return Line([Word(x, y, x + width * len(re.sub("[ัิีึืุู็่้๊๋์]", "", t)), y + H, t) for x, t in words])


def no_heading(t: str) -> bool:
    return t.startswith(("กลยุทธ์ที่", "แนวทาง"))


# a header of stacked labels centred in their cells (หน่วย / นับ, ค่าฐาน / ปี / ๒๕๖๗, เป้า / หมาย / ๒๕๖๘),
# values centred (a unit or value narrower or wider than its header), indicator text wrapped
HEADER = [
    ln(100, (59, "ที่"), (146, "ตัวชี้วัด"), (258, "หน่วย"), (303, "ค่าฐาน"), (357, "เป้า"), (403, "เป้า"),
       (449, "เป้า"), (496, "ผู้รับผิด")),
    ln(116, (265, "นับ"), (315, "ปี"), (352, "หมาย"), (398, "หมาย"), (445, "หมาย"), (503, "ชอบ")),
    ln(132, (303, "๒๕๖๗"), (350, "๒๕๖๘"), (396, "๒๕๖๙"), (443, "๒๕๗๐")),
]


def test_centred_cells_stacked_labels_and_wrapped_text():
    body = [
        ln(152, (54, "๑.๑"), (82, "ร้อยละของสถานศึกษาที่มี"), (255, "ร้อยละ"), (310, "๘๒"), (357, "๙๐"), (403, "๙๕"),
           (446, "๑๐๐"), (487, "กลุ่มส่งเสริม")),
        ln(168, (82, "ระบบดูแลความปลอดภัย"), (487, "การจัดการศึกษา")),
        ln(190, (54, "๑.๒"), (82, "จำนวนเด็กตกหล่นที่ได้รับ"), (265, "คน"), (310, "๔๖"), (357, "๖๐"), (403, "๗๐"),
           (450, "๘๐"), (487, "กลุ่มนิเทศฯ")),
        ln(206, (82, "การติดตามกลับ")),
        ln(228, (45, "แนวทางการดำเนินงาน")),
    ]
    [t] = find_tables(HEADER + body, no_heading)
    assert t.header == ["ที่", "ตัวชี้วัด", "หน่วยนับ", "ค่าฐานปี๒๕๖๗", "เป้าหมาย๒๕๖๘", "เป้าหมาย๒๕๖๙",
                        "เป้าหมาย๒๕๗๐", "ผู้รับผิดชอบ"]
    assert [cells for _, cells in t.rows] == [
        ["๑.๑", "ร้อยละของสถานศึกษาที่มีระบบดูแลความปลอดภัย", "ร้อยละ", "๘๒", "๙๐", "๙๕", "๑๐๐",
         "กลุ่มส่งเสริมการจัดการศึกษา"],
        ["๑.๒", "จำนวนเด็กตกหล่นที่ได้รับการติดตามกลับ", "คน", "๔๖", "๖๐", "๗๐", "๘๐", "กลุ่มนิเทศฯ"],
    ]
    assert t.end == len(HEADER) + 4  # the heading after the table is not in it


def test_a_value_wider_than_its_cell_runs_over_the_next_column_and_stays_its_own():
    body = [
        ln(152, (54, "๑.๑"), (82, "ร้อยละของสถานศึกษาที่มีระบบ"), (255, "ร้อยละ"), (310, "๘๒"), (357, "๙๐"),
           (403, "๙๕"), (446, "๑๐๐"), (487, "กลุ่มนิเทศฯ")),
        ln(168, (82, "ดูแลความปลอดภัย")),
        ln(190, (54, "๑.๒"), (82, "สถานศึกษาจัดกิจกรรม"), (317, "-"), (347, "ทุกโรงเรียน"), (394, "ทุกโรงเรียน"),
           (440, "ทุกโรงเรียน")),
        ln(206, (82, "ป้องกันยาเสพติด")),
        ln(222, (54, "๑.๓"), (82, "ร้อยละของครูที่ผ่านการอบรม"), (255, "ร้อยละ"), (310, "๗๐"), (357, "๘๐"),
           (403, "๙๐"), (446, "๑๐๐"), (487, "กลุ่มพัฒนาครู")),
        ln(238, (82, "ตามหลักสูตร")),
        ln(256, (45, "หมายเหตุ ค่าฐานใช้ข้อมูล ณ สิ้นปีงบประมาณ ๒๕๖๗ จากระบบ DMC และรายงานของกลุ่ม"), width=4.5),
    ]
    [t] = find_tables(HEADER + body, no_heading, ("หมายเหตุ",))
    rows = [cells for _, cells in t.rows]
    assert rows[1] == ["๑.๒", "สถานศึกษาจัดกิจกรรมป้องกันยาเสพติด", "", "-", "ทุกโรงเรียน", "ทุกโรงเรียน",
                       "ทุกโรงเรียน", ""]
    assert rows[2][6:] == ["๑๐๐", "กลุ่มพัฒนาครู"] and len(rows) == 3


def test_a_spanning_label_over_year_columns_one_and_a_half_points_apart():
    """A browser's default cell padding: year cells 1.5 points apart, ``ค่าเป้าหมาย`` over
    all three, the row's number centred on its two-line text (a line above the number)."""
    header = [
        ln(100, (248, "หน่วย"), (308, "ค่าฐาน"), (396, "ค่าเป้าหมาย"), width=6),
        ln(112, (39, "ที่"), (126, "ตัวชี้วัด"), (255, "นับ"), (316, "๒๕๖๗"), (376, "๒๕๖๘"), (411, "๒๕๖๙"),
           (446, "๒๕๗๐"), (497, "ผู้รับผิดชอบ"), width=6.7),
    ]
    body = [
        ln(148, (54, "ร้อยละของนักเรียนชั้นประถมศึกษาปี"), width=5.4),
        ln(159, (34.5, "๑.๑"), (54, "ที่ ๑ ที่อ่านออกเขียนได้"), (239, "ร้อยละ"), (290, "๘๑.๕๐"), (376, "๘๕"),
           (411, "๘๘"), (446, "๙๐"), (481, "กลุ่มนิเทศ"), width=5.4),
        ln(194, (34.5, "๑.๒"), (54, "คะแนนเฉลี่ย O-NET"), (239, "คะแนน"), (290, "๓๑.๒๐"), (376, "๓๓"),
           (411, "๓๕"), (446, "๓๗"), (481, "กลุ่มนิเทศ"), width=5.4),
    ]
    [t] = find_tables(header + body, no_heading)
    assert len(t.header) == 8 and t.header[4].startswith("ค่าเป้าหมาย") and t.header[5:7] == ["๒๕๖๙", "๒๕๗๐"]
    assert [cells for _, cells in t.rows] == [
        ["๑.๑", "ร้อยละของนักเรียนชั้นประถมศึกษาปีที่ ๑ ที่อ่านออกเขียนได้", "ร้อยละ", "๘๑.๕๐", "๘๕", "๘๘",
         "๙๐", "กลุ่มนิเทศ"],
        ["๑.๒", "คะแนนเฉลี่ย O-NET", "คะแนน", "๓๑.๒๐", "๓๓", "๓๕", "๓๗", "กลุ่มนิเทศ"],
    ]


@pytest.mark.parametrize("name", ["eval/plans/s4/P_chiangrai4_action_plan_2568-2570"])
def test_a_chromium_print_with_borderless_centred_cells_reads_exactly(name):
    """Session 4's held-out PDF (1/48 targets with session 4's rules): Thai digits, a
    running page header and footer, values wider than their cells, a table whose header
    ends one page and whose rows start the next."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("score_plans", ROOT / "eval" / "score_plans.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    c = mod.score(ROOT / f"{name}.pdf", yaml.safe_load((ROOT / f"{name}.gold.yaml").read_text(encoding="utf-8")))
    for k in ("targets", "indicators", "units", "baselines", "responsible", "strategies", "guidelines", "vision",
              "office"):
        assert c[k + "_ok"] == c[k], (k, c[k + "_ok"], c[k])
    assert c["targets"] == 48


def test_the_variant_generator_writes_a_plan_as_an_office_page():
    """tests/fixtures/pdf_variants.py: a gold file as a web page, one indicator table per
    strategy, a spanning ค่าเป้าหมาย header over the years, Thai digits when asked."""
    from tests.fixtures.pdf_variants import STYLES, gold_html, plans

    gold = yaml.safe_load((ROOT / "eval/plans/s4/P_chiangrai4_action_plan_2568-2570.gold.yaml").read_text(encoding="utf-8"))
    page = gold_html(gold, thai_digits=True)
    assert page.count("<table>") == 4 and "<th colspan='3'>ค่าเป้าหมาย</th>" in page
    assert "<th>๒๕๖๘</th>" in page and "<td>๒๑.๔๕</td>" in page
    assert "<th>2568</th>" in gold_html(gold, thai_digits=False)
    assert {"noborder", "noborder-centre", "noborder-split"} <= set(STYLES)
    assert plans()["P"][0].suffix == ".pdf" and plans()["cpm2"][0].suffix == ".docx"


@pytest.mark.integration
@pytest.mark.skipif(not __import__("shutil").which("chromium"), reason="Chromium is not installed")
def test_a_plan_printed_without_borders_and_top_aligned_cells_reads_exactly(tmp_path):
    import importlib.util

    from tests.fixtures.pdf_variants import make

    [(name, pdf, gold)] = make(tmp_path, ["gold_P_noborder-top"])
    spec = importlib.util.spec_from_file_location("score_plans", ROOT / "eval" / "score_plans.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    c = mod.score(pdf, yaml.safe_load(gold.read_text(encoding="utf-8")))
    assert (c["targets_ok"], c["units_ok"], c["baselines_ok"]) == (48, 16, 13)
