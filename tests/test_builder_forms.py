"""Forms of plans the builder reads (session 4): figures before their year, qualifiers kept
on the target, bare years with "=", Markdown bullet indicators with labelled sub-bullets,
headings that name two sections, notes under an indicator, PDF tables without ruling lines."""

import importlib.util
from pathlib import Path

import yaml

from assistant.domain.models import Span, Target, split_qualifier
from assistant.ingest.builder import build
from assistant.ingest.plans import parse_file
from assistant.ingest.readers.text import read_md
from assistant.qa.answer import fmt_value

ROOT = Path(__file__).resolve().parent.parent

VALUE_FIRST = """# แผนพัฒนาการศึกษา สพป.พัทลุง เขต 2 พ.ศ. 2568-2570

## กลยุทธ์ที่ 1 คุณภาพผู้เรียน

### ตัวชี้วัด

1. ร้อยละของนักเรียนชั้นประถมศึกษาปีที่ 3 ในปีการศึกษา 2568 ที่อ่านคล่อง ตั้งเป้าหมายไว้ที่ร้อยละ 80 ในปีงบประมาณ 2569 และไม่น้อยกว่าร้อยละ 85 ในปี 2570
2. จำนวนนักเรียนออกกลางคัน ไม่เกิน 3 คน ในปี 2569 และไม่เกิน 2 คน ในปี 2570
3. จำนวนโรงเรียนต้นแบบ 80 (ปี 2568), 85 (ปี 2569)
4. จำนวนโรงเรียนที่ผ่านเกณฑ์ ปี 2569 อย่างน้อย 2 โรงเรียน ปี 2570 ไม่น้อยกว่า 4 โรงเรียน
"""


def _targets(plan, number):
    ind = next(i for i in plan.indicators() if i.number == number)
    return ind, {t.year: (t.value, t.qualifier) for t in ind.targets if t.kind == "target"}


def test_a_figure_before_its_year_and_its_qualifier():
    doc = read_md("ptl2", VALUE_FIRST)
    plan = build(doc).plan
    ind, got = _targets(plan, "1")
    # "ปีที่ 3 ในปีการศึกษา 2568" is the indicator's text, not a target of 3
    assert ind.text == "ร้อยละของนักเรียนชั้นประถมศึกษาปีที่ 3 ในปีการศึกษา 2568 ที่อ่านคล่อง"
    assert got == {2569: ("80", None), 2570: ("85", "ไม่น้อยกว่า")}
    assert ind.unit == "ร้อยละ"
    _, got = _targets(plan, "2")
    assert got == {2569: ("3", "ไม่เกิน"), 2570: ("2", "ไม่เกิน")}
    _, got = _targets(plan, "3")
    assert got == {2568: ("80", None), 2569: ("85", None)}
    ind, got = _targets(plan, "4")
    assert got == {2569: ("2", "อย่างน้อย"), 2570: ("4", "ไม่น้อยกว่า")}
    # the span quotes the qualifier with the figure, verbatim
    t = next(t for t in ind.targets if t.year == 2570)
    assert doc.text[t.span.start:t.span.end] == "ไม่น้อยกว่า 4"


def test_a_qualifier_is_shown_with_the_figure():
    span = Span("d", 0, 1)
    assert fmt_value(Target("t", "i", 2570, "target", "85", 85.0, "ร้อยละ", span, None, "ไม่น้อยกว่า")) \
        == "ไม่น้อยกว่าร้อยละ 85"
    assert fmt_value(Target("t", "i", 2570, "target", "10", 10.0, "คน", span, None, "ไม่เกิน")) == "ไม่เกิน 10 คน"
    assert fmt_value(Target("t", "i", 2570, "target", "85", 85.0, "ร้อยละ", span)) == "ร้อยละ 85"
    assert split_qualifier("ไม่น้อยกว่าร้อยละ 85", ["ไม่น้อยกว่า", "น้อยกว่า"]) == ("ไม่น้อยกว่า", "ร้อยละ 85")
    assert split_qualifier("85", ["ไม่น้อยกว่า"]) == (None, "85")


def test_a_qualifier_in_a_table_cell_keeps_the_figure(tmp_path):
    p = tmp_path / "t.md"
    p.write_text("# แผน สพป.พัทลุง เขต 2 พ.ศ. 2568-2569\n\n## กลยุทธ์ที่ 1 คุณภาพ\n\n"
                 "| ที่ | ตัวชี้วัด | หน่วยนับ | 2568 | 2569 |\n|---|---|---|---|---|\n"
                 "| 1 | อัตราการออกกลางคัน | ร้อยละ | ไม่เกิน 0.5 | ไม่เกินร้อยละ 0.4 |\n", encoding="utf-8")
    _, got = _targets(parse_file(p).plan, "1")
    assert got == {2568: ("0.5", "ไม่เกิน"), 2569: ("0.4", "ไม่เกิน")}


BULLETS = """## ประเด็นยุทธศาสตร์ที่ 1 ยกระดับคุณภาพผู้เรียน

### จุดเน้น / แนวทางการดำเนินงาน

- ติวเข้ม O-NET ร่วมกับเครือข่าย

### ตัวชี้วัด

- 1.1 ร้อยละของนักเรียนที่อ่านคล่อง
  ตามเกณฑ์ของเขต (เป้าหมาย 2569 = 75 / 2570 = 80 / 2571 = ทุกคน)
  - หน่วยนับ: ร้อยละ ; ค่าฐาน ปี 2568: 70
  - ผู้รับผิดชอบ: กลุ่มนิเทศ ติดตามและประเมินผลการจัดการศึกษา
- 1.2 ระดับคุณภาพของโรงเรียน (เป้าหมาย 2569 = ดี / 2570 = ดีมาก)
  - ผู้รับผิดชอบ: กลุ่มนิเทศ
* ปี 2571 ยังไม่กำหนดค่าเป้าหมาย
"""


def test_markdown_bullet_indicators_with_labelled_sub_bullets():
    plan = build(read_md("kb", BULLETS)).plan
    s = plan.strategy("1")
    assert [g.text for g in s.guidelines] == ["ติวเข้ม O-NET ร่วมกับเครือข่าย"]
    assert [i.number for i in s.indicators] == ["1.1", "1.2"]
    i1, i2 = s.indicators
    assert i1.text == "ร้อยละของนักเรียนที่อ่านคล่อง ตามเกณฑ์ของเขต"  # the wrapped line joined
    assert (i1.unit, i1.baseline, i1.baseline_year) == ("ร้อยละ", "70", 2568)
    assert i1.responsible == "กลุ่มนิเทศ ติดตามและประเมินผลการจัดการศึกษา"
    assert {t.year: t.value for t in i1.targets} == {2569: "75", 2570: "80", 2571: "ทุกคน"}
    # no หน่วยนับ line: the word โรงเรียน in the text is not its unit; the note is no indicator
    assert i2.unit is None
    assert {t.year: t.value for t in i2.targets} == {2569: "ดี", 2570: "ดีมาก"}


BLOCKS = """<h2>ประเด็นยุทธศาสตร์ที่ ๓ เพิ่มโอกาส</h2>
<h4>ตัวชี้วัดที่ 3.1 อัตราการออกกลางคันของนักเรียน<br>ระดับมัธยมศึกษา</h4>
<p>หน่วยนับ : ร้อยละ</p>
<p>ผลการดำเนินงานปีงบประมาณ 2567 (ค่าฐาน) อยู่ที่ ร้อยละ 0.42</p>
<p>ตั้งเป้าปี 2568 ไว้ร้อยละ 0.35 ปี 2569 ร้อยละ 0.30 และปี 2570 ระดับ 3</p>
<h4>ตัวชี้วัดที่ 3.2 ระดับคุณภาพการบริหารจัดการ</h4>
<p>ค่าฐาน (ผลการดำเนินงานปีงบประมาณ ๒๕๖๗) : ร้อยละ ๗๘</p>
<p>ตั้งเป้าปี 2568 ไว้ระดับดี ปี 2569 ระดับดีมาก</p>
"""


def test_sentences_of_values_below_an_indicator_block(tmp_path):
    p = tmp_path / "sk.html"
    p.write_text(BLOCKS, encoding="utf-8")
    s = parse_file(p).plan.strategy("3")
    i1, i2 = s.indicators
    assert i1.text == "อัตราการออกกลางคันของนักเรียน ระดับมัธยมศึกษา"
    assert i1.baseline == "0.42"
    assert {t.year: t.value for t in i1.targets} == {2568: "0.35", 2569: "0.30", 2570: "3"}
    assert i2.baseline == "78"
    assert i2.unit is None  # ระดับ is a word of its text, not a หน่วยนับ
    assert {t.year: t.value for t in i2.targets} == {2568: "ระดับดี", 2569: "ระดับดีมาก"}


def test_a_strategy_list_heading_names_the_items_below_each_strategy(tmp_path):
    p = tmp_path / "ly.md"
    p.write_text("## นโยบายและมาตรการ/โครงการสำคัญ\n\n### นโยบายที่ ๑ ความปลอดภัย\n\n"
                 "๑.๑ โครงการโรงเรียนปลอดภัย\n๑.๒ มาตรการเฝ้าระวังฝุ่น\n\n### นโยบายที่ ๒ โอกาส\n\n"
                 "๒.๑ ติดตามเด็กออกกลางคัน\n", encoding="utf-8")
    plan = parse_file(p).plan
    assert [g.text for g in plan.strategy("1").guidelines] == ["โครงการโรงเรียนปลอดภัย", "มาตรการเฝ้าระวังฝุ่น"]
    assert [g.text for g in plan.strategy("2").guidelines] == ["ติดตามเด็กออกกลางคัน"]


def test_a_borderless_pdf_table_with_padded_top_aligned_cells_reads_exactly():
    """The Chromium print of a page whose tables have no borders (eval/plans/make_skw1.py
    padded; thead: the header repeated on each page; onetable: one table with a row per
    strategy): the same records as the
    default-styled print in eval/plans."""
    spec = importlib.util.spec_from_file_location("score_plans", ROOT / "eval" / "score_plans.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    gold = yaml.safe_load((ROOT / "eval/plans/skw1_plan_2568_2570.gold.yaml").read_text(encoding="utf-8"))
    for pdf in (*(ROOT / f"tests/fixtures/skw1_plan_2568_2570_{s}.pdf" for s in ("padded", "thead", "onetable")),
                ROOT / "eval/plans/skw1_plan_2568_2570.pdf"):
        c = mod.score(pdf, gold)
        for k in ("targets", "indicators", "units", "baselines", "responsible", "strategies", "guidelines"):
            assert c[k + "_ok"] == c[k], (pdf.name, k, c[k + "_ok"], c[k])
        assert c["targets"] == 36
    res = parse_file(ROOT / "eval/plans/skw1_plan_2568_2570.pdf")
    assert res.document.repairs.get("borderless_tables", 0) >= 3


T = "\t"
TAB_TWO_LINE_HEADER = f"""แผนปฏิบัติการ สพป.สุรินทร์ เขต 2 ปีงบประมาณ 2568-2570

ค่านิยม
1. ทำงานเป็นทีม

ประเด็นยุทธศาสตร์ที่ ๒ พัฒนาครู

ตัวชี้วัด{T}หน่วยนับ{T}ค่าฐาน{T}ค่าเป้าหมาย
{{second}}
2.1.1 ร้อยละของครูที่ผ่านการอบรม{T}ร้อยละ{T}70{T}75{T}80{T}85
2.1.2 จำนวนโรงเรียนต้นแบบ{T}โรงเรียน{T}-{T}5{T}ไม่น้อยกว่า 8{T}10

ยุทธศาสตร์ที่ 3 : บริหารจัดการ
ตัวชี้วัด{T}หน่วยนับ{T}ค่าฐาน{T}ค่าเป้าหมาย
{{second}}
3.1.1 คะแนน ITA{T}คะแนน{T}90{T}92{T}93{T}95
"""


def test_tab_rows_with_a_two_line_header_of_two_digit_years(tmp_path):
    for second in (f"68{T}69{T}70", f"{T}{T}{T}68{T}69{T}70", f"{T}{T}{T}ปี 68{T}ปี 69{T}ปี 70"):
        p = tmp_path / "sr2.txt"
        p.write_text(TAB_TWO_LINE_HEADER.replace("{second}", second), encoding="utf-8")
        plan = parse_file(p).plan
        assert [v.text for v in plan.values] == ["ทำงานเป็นทีม"]
        got = {(s.number, i.number): (i.text, i.unit, i.baseline, {t.year: (t.value, t.qualifier) for t in i.targets})
               for s in plan.strategies for i in s.indicators}
        assert got == {
            ("2", "2.1.1"): ("ร้อยละของครูที่ผ่านการอบรม", "ร้อยละ", "70",
                             {2568: ("75", None), 2569: ("80", None), 2570: ("85", None)}),
            ("2", "2.1.2"): ("จำนวนโรงเรียนต้นแบบ", "โรงเรียน", None,
                             {2568: ("5", None), 2569: ("8", "ไม่น้อยกว่า"), 2570: ("10", None)}),
            ("3", "3.1.1"): ("คะแนน ITA", "คะแนน", "90", {2568: ("92", None), 2569: ("93", None), 2570: ("95", None)}),
        }, second
        assert plan.years == (2568, 2570)


HTML_HEAD = ("<html><body><h1>แผนพัฒนาการศึกษา สพป.นครปฐม เขต 1 พ.ศ. 2568-2570</h1>"
             "<h2>ยุทธศาสตร์ที่ 1 คุณภาพผู้เรียน</h2><h3>ตัวชี้วัด</h3>")
HTML_FORMS = {
    "dl": HTML_HEAD + "<dl><dt>1.1 ร้อยละของนักเรียนที่อ่านคล่อง</dt><dd>หน่วยนับ: ร้อยละ</dd><dd>ค่าฐาน (ปี 2567): 70</dd>"
    "<dd>ค่าเป้าหมาย: ปี 2568 = 75, ปี 2569 = 80, ปี 2570 = 85</dd><dt>1.2 จำนวนโรงเรียนต้นแบบ</dt>"
    "<dd>หน่วยนับ: โรงเรียน</dd><dd>ค่าเป้าหมาย: ปี 2568 = 5, ปี 2569 = 8, ปี 2570 = 10</dd></dl>",
    "nested-ul": HTML_HEAD + "<ul><li>1.1 ร้อยละของนักเรียนที่อ่านคล่อง<ul><li>หน่วยนับ: ร้อยละ</li><li>ค่าฐาน ปี 2567: 70</li>"
    "<li>ปี 2568: 75</li><li>ปี 2569: 80</li><li>ปี 2570: 85</li></ul></li><li>1.2 จำนวนโรงเรียนต้นแบบ<ul>"
    "<li>หน่วยนับ: โรงเรียน</li><li>ปี 2568: 5</li><li>ปี 2569: 8</li><li>ปี 2570: 10</li></ul></li></ul>",
    "years-as-rows": HTML_HEAD + "<table><tr><th>รายการ</th><th>ตัวชี้วัด 1.1 ร้อยละของนักเรียนที่อ่านคล่อง</th>"
    "<th>ตัวชี้วัด 1.2 จำนวนโรงเรียนต้นแบบ</th></tr><tr><td>หน่วยนับ</td><td>ร้อยละ</td><td>โรงเรียน</td></tr>"
    "<tr><td>ค่าฐาน</td><td>70</td><td>-</td></tr><tr><td>ปี 2568</td><td>75</td><td>5</td></tr>"
    "<tr><td>ปี 2569</td><td>80</td><td>8</td></tr><tr><td>ปี 2570</td><td>85</td><td>10</td></tr></table>",
    "years-as-rows-units-in-header": HTML_HEAD + "<table><tr><th>ปีงบประมาณ</th>"
    "<th>1.1 ร้อยละของนักเรียนที่อ่านคล่อง (ร้อยละ)</th><th>1.2 จำนวนโรงเรียนต้นแบบ (โรงเรียน)</th></tr>"
    "<tr><td>2568</td><td>75</td><td>5</td></tr><tr><td>2569</td><td>80</td><td>8</td></tr>"
    "<tr><td>2570</td><td>85</td><td>10</td></tr></table>",
}


def test_html_indicator_lists_and_tables_with_a_row_per_year(tmp_path):
    for name, markup in HTML_FORMS.items():
        p = tmp_path / f"{name}.html"
        p.write_text(markup + "</body></html>", encoding="utf-8")
        inds = parse_file(p).plan.strategy("1").indicators
        got = [(i.number, i.text, i.unit, {t.year: t.value for t in i.targets}) for i in inds]
        assert got == [("1.1", "ร้อยละของนักเรียนที่อ่านคล่อง", "ร้อยละ", {2568: "75", 2569: "80", 2570: "85"}),
                       ("1.2", "จำนวนโรงเรียนต้นแบบ", "โรงเรียน", {2568: "5", 2569: "8", 2570: "10"})], name
        assert inds[0].baseline == (None if name == "years-as-rows-units-in-header" else "70"), name


def test_two_line_tab_header_with_a_column_after_the_years(tmp_path):
    p = tmp_path / "sr2.txt"
    p.write_text(f"แผน สพป.สุรินทร์ เขต 2 ปีงบประมาณ 2568-2570\n\nยุทธศาสตร์ที่ 2 : พัฒนาครู\n"
                 f"ตัวชี้วัด{T}หน่วยนับ{T}ค่าเป้าหมาย{T}ผู้รับผิดชอบ\n68{T}69{T}70\n"
                 f"2.1.1 ร้อยละของครูที่ผ่านการอบรม{T}ร้อยละ{T}75{T}80{T}85{T}กลุ่มพัฒนาครู\n", encoding="utf-8")
    (ind,) = parse_file(p).plan.indicators()
    assert (ind.number, ind.unit, ind.responsible) == ("2.1.1", "ร้อยละ", "กลุ่มพัฒนาครู")
    assert {t.year: t.value for t in ind.targets} == {2568: "75", 2569: "80", 2570: "85"}


def test_column_words_with_two_digit_years(tmp_path):
    p = tmp_path / "sr2.txt"
    p.write_text(f"แผน สพป.สุรินทร์ เขต 2 ปีงบประมาณ 2568-2569\n\nยุทธศาสตร์ที่ 2 : พัฒนาครู\n"
                 f"ตัวชี้วัด{T}หน่วยนับ{T}ค่าฐาน 67{T}เป้าหมาย 68{T}เป้าหมาย 69\n"
                 f"2.1.1 ร้อยละของครูที่ผ่านการอบรม{T}ร้อยละ{T}70{T}75{T}80\n", encoding="utf-8")
    (ind,) = parse_file(p).plan.indicators()
    assert (ind.baseline, ind.baseline_year) == ("70", 2567)
    assert {t.year: t.value for t in ind.targets} == {2568: "75", 2569: "80"}


def test_star_bulleted_indicators_are_not_notes():
    md = ("## กลยุทธ์ที่ 1 คุณภาพ\n\n### ตัวชี้วัด\n\n* ร้อยละของนักเรียนที่อ่านคล่อง\n  - หน่วยนับ: ร้อยละ\n"
          "  - ค่าเป้าหมาย ปี 2568 = 80\n* จำนวนโรงเรียนต้นแบบ\n  - หน่วยนับ: โรงเรียน\n  - ค่าเป้าหมาย ปี 2568 = 5\n")
    inds = build(read_md("st", md)).plan.strategy("1").indicators
    assert [(i.text, i.unit, {t.year: t.value for t in i.targets}) for i in inds] == [
        ("ร้อยละของนักเรียนที่อ่านคล่อง", "ร้อยละ", {2568: "80"}), ("จำนวนโรงเรียนต้นแบบ", "โรงเรียน", {2568: "5"})]
