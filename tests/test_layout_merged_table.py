"""Layout "merged_table" on seed 002 (สพป.ตรัง เขต 2, กรอบนโยบาย ปีงบประมาณ 2562).

Expected values below were read from corpus/spp-trang-2_policy-fy2562.txt by hand
(indicator table, lines 227-269)."""

from __future__ import annotations

import pytest
from conftest import ALL_DOCS, DOC_002, corpus_text

from assistant.domain import thai
from assistant.domain.models import Plan
from assistant.ingest.layouts import merged_table
from assistant.ingest.layouts.base import SourceDoc


@pytest.fixture(scope="module")
def text() -> str:
    return corpus_text(DOC_002)


@pytest.fixture(scope="module")
def plan(text) -> Plan:
    return merged_table.parse(SourceDoc(DOC_002, text))


def ind(plan: Plan, number: str):
    found = [i for i in plan.indicators() if i.number == number]
    assert len(found) == 1, number
    return found[0]


def values(indicator) -> dict[tuple, str]:
    return {(t.year, t.kind, t.sub_item): t.value for t in indicator.targets}


# ---------------------------------------------------------------- detect


def test_detect_only_this_layout():
    for doc in ALL_DOCS:
        score = merged_table.detect(corpus_text(doc))
        if doc == DOC_002:
            assert score >= 0.8, score
        else:
            assert score <= 0.1, (doc, score)


def test_detect_is_structural_not_by_name(text):
    # Another office in the same layout still scores; the prose part alone does not.
    other = text.replace("ตรัง", "สตูล").replace("เขต 2", "เขต 1")
    assert merged_table.detect(other) >= 0.8
    table_at = text.index("กลยุทธ์ สพ.ตรัง เขต 2\tแนวทาง")
    assert merged_table.detect(text[:table_at]) <= 0.1


# ---------------------------------------------------------------- plan, prose


def test_title_years_vision_missions_goals(plan, text):
    assert plan.title == "(ร่าง) กรอบนโยบาย ประจำปีงบประมาณ พ.ศ.2562"
    assert plan.years == (2562, 2562)
    assert plan.vision.text.startswith("สำนักงานเขตพื้นที่การศึกษาประถมศึกษาตรัง เขต 2 เป็นองค์กร")
    assert plan.vision.text.endswith("ให้ได้มาตรฐานอย่างยั่งยืน")
    assert [m.number for m in plan.missions] == ["1", "2", "3", "4"]
    assert plan.missions[1].text.endswith("ค่านิยมหลักของคนไทย 12 ประการ")
    assert plan.missions[3].text == "พัฒนาระบบการบริหารจัดการที่มุ่งผลสัมฤทธิ์ โดยยึดหลักธรรมาภิบาล"
    assert [g.number for g in plan.goals] == ["1", "2", "3", "4", "5"]
    assert plan.goals[0].text.endswith("ทักษะการเรียนรู้ในศตวรรษที่ 21")
    assert plan.goals[1].text.startswith("ประชากรวัยเรียนทุกคน")
    assert len({m.id for m in plan.missions + plan.goals}) == 9


def test_strategies(plan):
    assert [s.number for s in plan.strategies] == ["1", "2", "3", "4", "5", "6"]
    assert plan.strategy("1").title == "เพิ่มประสิทธิภาพการจัดการศึกษาเพื่อความมั่นคง"
    assert plan.strategy("3").title == "เสริมสร้างศักยภาพบุคลากรให้ได้มาตรฐานวิชาชีพ"
    assert plan.strategy("6").id == f"{DOC_002}/s6"


def test_guideline_tree(plan):
    counts = [len(s.guidelines) for s in plan.strategies]
    assert counts == [9, 26, 16, 13, 8, 19]
    s2 = plan.strategy("2")
    assert [g.number for g in s2.guidelines][:7] == ["1", "1.1", "1.2", "1.3", "1.4", "1.5", "2"]
    g = {x.number: x for x in s2.guidelines}
    assert g["2"].text == "พัฒนาคุณภาพกระบวนการเรียนรู้"
    assert g["2"].heading is None
    assert g["2.2"].text == "ส่งเสริมสนับสนุนให้ผู้เรียนสามารถอ่านออกเขียนได้ตามช่วงวัย"
    assert g["2.2"].heading == "พัฒนาคุณภาพกระบวนการเรียนรู้"
    # "- 1) ... - 5)" under 2.8 continue 2.8; they are not guidelines of their own.
    assert "- 5) ความรู้ด้านคณิตศาสตร์" in g["2.8"].text
    s1 = {x.number: x for x in plan.strategy("1").guidelines}
    assert s1["1"].text.startswith("เสริมสร้างความมั่นคงของสถาบันหลัก")  # printed "1.เสริม…"
    s3 = {x.number: x for x in plan.strategy("3").guidelines}
    assert "1.10" in s3 and "1.11" in s3
    # Strategy 4 prints its sub-guidelines with a leading "- ".
    s4 = {x.number: x for x in plan.strategy("4").guidelines}
    assert s4["1.1"].text.startswith("เพิ่มอัตราการเข้าเรียนในทุกระดับ")
    assert s4["2.6"].heading == "ลดความเหลื่อมล้ำทางการศึกษา"
    assert s4["2.6"].id == f"{DOC_002}/s4/g2.6"
    ids = [x.id for x in plan.guidelines()]
    assert len(ids) == len(set(ids)) == 91


# ---------------------------------------------------------------- indicator table

STRATEGY_OF = {
    **dict.fromkeys(range(1, 6), "1"),
    **dict.fromkeys(range(6, 17), "2"),
    **dict.fromkeys(range(17, 19), "3"),
    **dict.fromkeys(range(19, 24), "4"),
    **dict.fromkeys(range(24, 27), "5"),
    **dict.fromkeys(range(27, 33), "6"),
}
GUIDELINE_OF = {
    1: "1", 2: "1", 3: "2", 4: "2", 5: "2",
    6: "1", 7: "1", 8: "1", 9: "2", 10: "2", 11: "2", 12: "2", 13: "2", 14: "2", 15: "3", 16: "4",
    17: "1", 18: "2",
    19: "1", 20: "1", 21: "1", 22: "2", 23: "2",
    24: "1", 25: "1", 26: "2",
    27: "1", 28: "1", 29: "2", 30: "2", 31: "2", 32: "3",
}  # fmt: skip
GROUP_OF = {
    1: "นิเทศ", 2: "นิเทศ", 3: "ส่งเสริม", 4: "ส่งเสริม", 5: "นิเทศ", 6: "นิเทศ", 7: "นิเทศ",
    8: "นิเทศ", 9: "นิเทศ", 10: "นิเทศ", 11: "นิเทศ", 12: "นิเทศ", 13: "นิเทศ",
    14: "นิเทศ, ส่งเสริม", 15: "ส่งเสริม", 16: "นิเทศ", 17: "บุคคล", 18: "บุคคล",
    19: "ส่งเสริม", 20: "ส่งเสริม", 21: "ส่งเสริม", 22: "แผน", 23: "นิเทศ", 24: "ส่งเสริม",
    25: "นิเทศ", 26: "ส่งเสริม", 27: "อก/ทุกกลุ่ม", 28: "แผน/ทุกกลุ่ม", 29: "นิเทศ",
    30: "อำนวยการ", 31: "นิเทศ", 32: "ส่งเสริม",
}  # fmt: skip


def test_32_indicators_in_order_with_strategy_guideline_group(plan):
    inds = plan.indicators()
    assert [i.number for i in inds] == [str(n) for n in range(1, 33)]
    for i in inds:
        n = int(i.number)
        assert i.strategy == STRATEGY_OF[n], n
        assert i in plan.strategy(STRATEGY_OF[n]).indicators
        assert i.guideline == GUIDELINE_OF[n], n
        assert i.responsible == GROUP_OF[n], n
        assert i.id == f"{DOC_002}/s{i.strategy}/i{n}"
    assert ind(plan, "8").number_raw == "8."  # printed "8.ร้อยละ…"
    assert ind(plan, "1").text.startswith("ร้อยละของสถานศึกษา นำ”ศาสตร์พระราชา”")


def test_exact_values(plan):
    Y0, Y1 = 2561, 2562
    expected = {
        "1": {(Y0, "target", None): "100", (Y0, "result", None): "100", (Y1, "target", None): "100"},
        "3": {(Y1, "target", None): "100"},
        "4": {(Y0, "target", None): "100", (Y0, "result", None): "100", (Y1, "target", None): "100"},
        "7": {(Y0, "target", None): "80", (Y0, "result", None): "80", (Y1, "target", None): "100"},
        "8": {(Y1, "target", None): "80"},
        "11": {(Y0, "target", None): "3", (Y0, "result", None): "-5.20", (Y1, "target", None): "3"},
        "13": {(Y0, "target", None): "100", (Y0, "result", None): "99.87", (Y1, "target", None): "100"},
        "16": {(Y1, "target", None): "60"},
        "17": {(Y0, "target", None): "100", (Y0, "result", None): "80.36", (Y1, "target", None): "100"},
        "20": {(Y0, "target", None): "0.02", (Y0, "result", None): "0.01", (Y1, "target", None): "0.01"},
        "24": {(Y0, "target", None): "100", (Y0, "result", None): "80", (Y1, "target", None): "100"},
        "27": {(Y1, "target", None): "ดีเยี่ยม"},
        "28": {(Y0, "target", None): "ดีเยี่ยม", (Y0, "result", None): "ดีเยี่ยม", (Y1, "target", None): "ดีเยี่ยม"},
        "30": {(Y0, "target", None): "ทุกแห่ง", (Y0, "result", None): "ทุกแห่ง", (Y1, "target", None): "ทุกแห่ง"},
    }  # fmt: skip
    for number, vals in expected.items():
        assert values(ind(plan, number)) == vals, number


def test_onet_sub_items(plan):
    onet = ind(plan, "12")
    assert onet.sub_items == ["ป.6", "ม.3", "ม.6"]
    v = values(onet)
    assert v[(2561, "result", "ป.6")] == "37.76"
    assert v[(2561, "result", "ม.3")] == "30.30"  # trailing zero kept
    assert v[(2561, "result", "ม.6")] == "24.57"
    for sub in onet.sub_items:
        assert v[(2561, "target", sub)] == "50"
        assert v[(2562, "target", sub)] == "50"
    assert len(onet.targets) == 9
    m3 = next(t for t in onet.targets if t.sub_item == "ม.3" and t.kind == "result")
    assert m3.numeric == pytest.approx(30.3)
    assert m3.id == f"{DOC_002}/s2/i12/result/2561/ม.3"
    assert m3.unit == "ร้อยละ"


def test_reading_sub_items(plan):
    reading = ind(plan, "10")
    assert reading.sub_items == ["ป.1", "ป.2-6"]
    assert reading.attributes["ป.1"] == "ชั้น ป. 1 อ่านออกเขียนได้"
    assert values(reading) == {
        (2561, "target", "ป.1"): "100",
        (2561, "target", "ป.2-6"): "100",
        (2561, "result", "ป.1"): "91.97",
        (2561, "result", "ป.2-6"): "92.99",
        (2562, "target", "ป.1"): "100",
        (2562, "target", "ป.2-6"): "100",
    }


def test_special_needs_sub_items_with_own_groups(plan):
    sp = ind(plan, "14")
    assert sp.sub_items == ["ผู้พิการ", "ผู้ด้อยโอกาส", "ผู้มีความสามารถพิเศษ"]
    assert sp.attributes["กลุ่มรับผิดชอบ ผู้พิการ"] == "นิเทศ"
    assert sp.attributes["กลุ่มรับผิดชอบ ผู้มีความสามารถพิเศษ"] == "ส่งเสริม"
    assert values(sp)[(2561, "result", "ผู้มีความสามารถพิเศษ")] == "95.67"
    assert values(sp)[(2561, "result", "ผู้ด้อยโอกาส")] == "100"


def test_dash_means_no_target(plan):
    for number in ("3", "5", "8", "15", "16", "18", "22", "26", "27"):
        i = ind(plan, number)
        assert [(t.year, t.kind) for t in i.targets] == [(2562, "target")], number
    assert all(t.value not in ("-", "") for t in plan.indicators()[0].targets)


def test_words_signs_and_numbers(plan):
    nt = ind(plan, "11")
    neg = next(t for t in nt.targets if t.kind == "result")
    assert neg.value == "-5.20" and neg.numeric == pytest.approx(-5.2)
    for t in ind(plan, "27").targets + ind(plan, "31").targets:
        assert t.value in ("ดีเยี่ยม", "ทุกแห่ง") and t.numeric is None
    assert ind(plan, "20").targets[0].numeric == pytest.approx(0.02)
    assert ind(plan, "1").unit == "ร้อยละ"
    assert ind(plan, "30").unit is None


def test_years_come_from_the_header(text):
    moved = text.replace("ปีงบประมาณ พ.ศ.2561\t", "ปีงบประมาณ พ.ศ.2560\t").replace(
        "เป้าหมาย ปี 2562", "เป้าหมาย ปี 2563"
    )
    p = merged_table.parse(SourceDoc(DOC_002, moved))
    assert {(t.year, t.kind) for i in p.indicators() for t in i.targets} == {
        (2560, "target"),
        (2560, "result"),
        (2563, "target"),
    }


def test_ids_unique(plan):
    ids = [t.id for i in plan.indicators() for t in i.targets]
    assert len(ids) == len(set(ids)) == 93
    ids = [i.id for i in plan.indicators()]
    assert len(ids) == len(set(ids))


# ---------------------------------------------------------------- spans


def test_every_record_span_quotes_the_original(plan, text):
    records = [plan.vision, *plan.missions, *plan.goals]
    for s in plan.strategies:
        records += [s, *s.guidelines, *s.indicators]
    for r in records:
        assert r.span.doc_id == DOC_002
        quote = text[r.span.start : r.span.end]
        assert quote.strip(), r.id
        own = r.title if hasattr(r, "title") else r.text
        assert own and own == thai.one_line(own), r.id
        assert own in thai.one_line(quote), r.id
    for i in plan.indicators():
        assert text[i.span.start : i.span.end].startswith(i.number_raw)
        for t in i.targets:
            quote = text[t.span.start : t.span.end]
            assert quote.strip(), t.id
            arabic = thai.to_arabic(quote)
            assert arabic == t.value or t.value in arabic, t.id
            assert t.numeric == thai.parse_number(t.value)
            assert t.indicator_id == i.id


def test_value_spans_point_at_the_right_cell(plan, text):
    onet = ind(plan, "12")
    results = sorted((t.span.start, t.value) for t in onet.targets if t.kind == "result")
    assert [v for _, v in results] == ["37.76", "30.30", "24.57"]
    line_start = text.rfind("\n", 0, results[0][0]) + 1
    assert text[line_start:].startswith("\t\t12. ")


# ---------------------------------------------------------------- same layout, other plan

SYNTHETIC = (
    "วิสัยทัศน์ เป็นองค์กรคุณภาพ\n"
    "พันธกิจ 1. จัดการศึกษา 2. พัฒนาครู\n\n"
    "กลยุทธ์ที่ 1 : พัฒนาผู้เรียน\n\n1. ยกระดับคุณภาพ\n\n1.1 ส่งเสริมการอ่าน\n\n"
    "กลยุทธ์ที่ 2 : พัฒนาครู\n\n1. พัฒนาครูทุกคน\n\n"
    "กลยุทธ์ หน่วยงาน\tแนวทาง\tตัวชี้วัด\tกลุ่มรับผิดชอบ\tปีงบประมาณ พ.ศ.2566\t\tเป้าหมาย ปี 2567\n"
    "\t\t\t\tเป้าหมาย\tผลการดำเนินงาน\t\n"
    "1. พัฒนาผู้เรียน\t1. ยกระดับคุณภาพ\t1. ร้อยละของนักเรียนอ่านคล่อง\tนิเทศ\t80\t82.50\t85\n"
    "\t\t2. คะแนนเฉลี่ย O-NET\tนิเทศ\t-\t-\t40\n"
    "2. พัฒนาครู\t1. พัฒนาครูทุกคน\t3. ร้อยละของครูที่ได้รับการพัฒนา\tบุคคล\t100\t100\t100\n"
)


def test_another_plan_in_this_layout():
    assert merged_table.detect(SYNTHETIC) >= 0.8
    p = merged_table.parse(SourceDoc("x", SYNTHETIC))
    assert [s.number for s in p.strategies] == ["1", "2"]
    assert [(i.strategy, i.number, i.guideline) for i in p.indicators()] == [
        ("1", "1", "1"),
        ("1", "2", "1"),
        ("2", "3", "1"),
    ]
    assert values(p.indicators()[0]) == {
        (2566, "target", None): "80",
        (2566, "result", None): "82.50",
        (2567, "target", None): "85",
    }
    assert [m.text for m in p.missions] == ["จัดการศึกษา", "พัฒนาครู"]
    assert p.vision.text == "เป็นองค์กรคุณภาพ"
