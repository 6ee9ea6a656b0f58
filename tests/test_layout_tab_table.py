"""Layout ``tab_table`` on spp-chiangmai-6 (seed 000) and on small synthetic tables."""

from __future__ import annotations

import pytest

from assistant.domain import thai
from assistant.domain.models import Plan
from assistant.ingest.layouts import tab_table
from assistant.ingest.layouts.base import SourceDoc
from tests.conftest import ALL_DOCS, DOC_000, corpus_text

YEARS = [2566, 2567, 2568, 2569, 2570]


@pytest.fixture(scope="module")
def plan() -> Plan:
    return tab_table.parse(SourceDoc(DOC_000, corpus_text(DOC_000)))


@pytest.fixture(scope="module")
def text() -> str:
    return corpus_text(DOC_000)


def _ind(plan: Plan, s: str, i: str):
    return next(x for x in plan.strategy(s).indicators if x.number == i)


def _gl(plan: Plan, s: str, g: str):
    return next(x for x in plan.strategy(s).guidelines if x.number == g)


def _values(ind) -> dict[int, str]:
    return {t.year: t.value for t in ind.targets}


# ---------------------------------------------------------------- detect


@pytest.mark.parametrize("doc_id", ALL_DOCS)
def test_detect(doc_id):
    score = tab_table.detect(corpus_text(doc_id))
    if doc_id == DOC_000:
        assert score >= 0.8
    else:
        assert score <= 0.1


# ---------------------------------------------------------------- counts


def test_counts(plan):
    assert plan.layout == "tab_table"
    assert [s.number for s in plan.strategies] == ["1", "2", "3", "4"]
    assert [len(s.indicators) for s in plan.strategies] == [2, 6, 5, 4]
    assert [len(s.guidelines) for s in plan.strategies] == [6, 14, 21, 14]
    assert [len(s.goals) for s in plan.strategies] == [4, 5, 6, 5]
    assert len(plan.indicators()) == 17
    assert len(plan.guidelines()) == 55
    for ind in plan.indicators():
        assert [t.year for t in ind.targets] == YEARS, ind.id
        assert all(t.kind == "target" and t.unit == ind.unit for t in ind.targets)
        assert all(t.numeric == float(t.value) for t in ind.targets)
    for g in plan.guidelines():
        assert g.responsible, g.id
    for s in plan.strategies:
        assert [i.number for i in s.indicators] == [str(n) for n in range(1, len(s.indicators) + 1)]
        assert [g.number for g in s.guidelines] == [str(n) for n in range(1, len(s.guidelines) + 1)]


def test_ids_unique(plan):
    ids = [s.id for s in plan.strategies]
    ids += [x.id for s in plan.strategies for x in (*s.goals, *s.indicators, *s.guidelines)]
    ids += [t.id for i in plan.indicators() for t in i.targets]
    assert len(ids) == len(set(ids))


# ---------------------------------------------------------------- exact values


def test_plan_header(plan):
    assert plan.title == "ทิศทางการพัฒนาการศึกษา พ.ศ. ๒๕๖๖ - ๒๕๗๐"
    assert plan.years == (2566, 2570)
    assert plan.vision.text.startswith("องค์กรที่มุ่งพัฒนาคุณภาพและสร้างโอกาสทางการศึกษา")
    assert len(plan.missions) == 5
    assert len(plan.goals) == 6
    assert plan.goals[5].text.startswith("สำนักงานเขตพื้นที่การศึกษาและสถานศึกษานำเทคโนโลยีดิจิทัล")


def test_strategies(plan, text):
    s1 = plan.strategy("1")
    assert s1.id == f"{DOC_000}/s1"
    assert s1.kind == "กลยุทธ์"
    assert s1.title == "ส่งเสริมการจัดการศึกษาให้ผู้เรียนมีความปลอดภัยจากภัยทุกรูปแบบ"
    assert plan.strategy("4").title == "เพิ่มประสิทธิภาพการบริหารจัดการศึกษา"
    # The real section, not the summary list ("- กลยุทธ์ที่ ๑ ...") near the top.
    assert s1.span.quote(text).startswith("กลยุทธ์ที่ ๑ ")
    assert s1.span.start > text.index("- กลยุทธ์ที่ ๑")
    assert text[s1.span.start - 1] == "\n"


def test_strategic_goals(plan):
    g = plan.strategy("1").goals[0]
    assert g.id == f"{DOC_000}/s1/goal1"
    assert g.number == "1"
    assert "ฝุ่น PM ๒.๕" in g.text  # Thai digits kept in text
    assert (
        plan.strategy("3")
        .goals[5]
        .text.startswith("สถานศึกษา สามารถจัดการเรียนรู้เชิงรุก (Active Learning)")
    )


def test_indicator_s1_i1(plan, text):
    ind = _ind(plan, "1", "1")
    assert ind.id == f"{DOC_000}/s1/i1"
    assert ind.number_raw == "๑"
    assert ind.text.startswith("ร้อยละของผู้เรียนที่มีความรู้ความเข้าใจ และทักษะเพื่อรับมือกับภัยคุกคาม")
    assert ind.unit == "ร้อยละ"
    assert ind.responsible == "สพฐ./สพท./รร."
    assert _values(ind) == {2566: "80", 2567: "85", 2568: "90", 2569: "95", 2570: "100"}
    last = ind.targets[-1]
    assert last.id == f"{DOC_000}/s1/i1/target/2570"
    assert last.indicator_id == ind.id
    assert last.span.quote(text) == "๑๐๐"
    assert last.numeric == 100.0


def test_indicator_values(plan):
    assert _values(_ind(plan, "2", "3")) == {
        2566: "85",
        2567: "85",
        2568: "85",
        2569: "90",
        2570: "90",
    }
    assert _ind(plan, "2", "2").responsible == "สพท./รร."
    assert _ind(plan, "2", "1").text.startswith("อัตราการเข้าเรียนสุทธิ ระดับมัธยมศึกษาตอนต้น")
    # Strategy 3's header reads "ค่าเป้าหมายปี ๒๕๗๐" but holds five yearly columns.
    s3i1 = _ind(plan, "3", "1")
    assert _values(s3i1) == {2566: "70", 2567: "75", 2568: "80", 2569: "85", 2570: "85"}
    assert s3i1.responsible == "สภาพ./ รร."  # printed so in the source
    assert _values(_ind(plan, "3", "2"))[2570] == "55"
    assert _ind(plan, "3", "4").text.endswith("(Personalized Learning)")
    s4i4 = _ind(plan, "4", "4")
    assert (s4i4.targets[0].value, s4i4.targets[-1].value) == ("20", "40")
    assert s4i4.text == "ร้อยละของโรงเรียนคุณภาพที่มีการบริหารจัดการและการใช้ทรัพยากรร่วมกันได้สำเร็จตามเป้าหมาย"


def test_guidelines(plan):
    g = _gl(plan, "1", "1")
    assert g.id == f"{DOC_000}/s1/g1"
    assert g.heading is None
    assert g.responsible == "สพท. / รร."
    assert _gl(plan, "1", "6").responsible == "สพท."
    assert _gl(plan, "1", "6").text.startswith("จัดกิจกรรมในการสร้างความตระหนักรู้ (Safety Awareness)")
    # HTML sub-headings, kept across a header row repeated mid-table.
    assert _gl(plan, "2", "1").heading == "การสนับสนุนโครงสร้างพื้นฐาน"
    assert _gl(plan, "2", "4").heading == "การสนับสนุนโครงสร้างพื้นฐาน"
    assert _gl(plan, "2", "8").heading == "ดูแล ส่งเสริมการเข้าถึงโอกาสทางการศึกษาของผู้เรียน"
    assert _gl(plan, "2", "14").heading == "เพิ่มโอกาสการเข้าถึงสถานศึกษาที่มีคุณภาพทุกพื้นที่"
    # Plain bullet sub-headings.
    assert _gl(plan, "3", "1").heading == "คุณภาพผู้เรียน"
    assert _gl(plan, "3", "9").heading == "คุณภาพครูและบุคลากรทางการศึกษา"
    g312 = _gl(plan, "3", "12")
    assert g312.heading == "หลักสูตรและอื่น ๆ"
    assert g312.responsible == "สพท. / รร."
    assert _gl(plan, "3", "21").responsible == "สพท."
    # A sub-heading in the text column (no bullet).
    assert _gl(plan, "4", "1").heading.startswith(
        "สำนักงานเขตพื้นที่การศึกษา สถานศึกษามีการนำระบบข้อมูลสารสนเทศ"
    )
    g414 = _gl(plan, "4", "14")
    assert g414.heading == "สถานศึกษาอื่น ๆ"
    assert g414.text.startswith("พัฒนาสถานศึกษาในสังกัดให้มีคุณภาพ ยั่งยืน")
    assert "<" not in "".join(x.heading or "" for x in plan.guidelines())


# ---------------------------------------------------------------- spans


def _records(plan: Plan):
    if plan.vision:
        yield plan.vision, plan.vision.text
    for m in (*plan.missions, *plan.goals):
        yield m, m.text
    for s in plan.strategies:
        yield s, s.title
        for g in s.goals:
            yield g, g.text
        for ind in s.indicators:
            yield ind, ind.text
            yield ind, ind.unit
            yield ind, ind.responsible
            for t in ind.targets:
                yield t, thai.to_thai_digits(t.value)
        for g in s.guidelines:
            yield g, g.text
            yield g, g.responsible


def test_spans_exact(plan, text):
    n = 0
    for rec, value in _records(plan):
        quote = rec.span.quote(text)
        assert quote.strip(), rec.id
        assert quote == quote.strip(), rec.id
        assert rec.span.doc_id == DOC_000
        assert value and value in thai.one_line(quote), (rec.id, value)
        n += 1
    assert n > 200


# ---------------------------------------------------------------- synthetic layouts

SYNTHETIC = "\n".join(
    [
        "แผนทดสอบ",
        "",
        "กลยุทธ์ที่ 1 ทดสอบหนึ่ง",
        "เป้าประสงค์เชิงกลยุทธ์",
        "1. ผู้เรียนมีคุณภาพ",
        "ตัวชี้วัด",
        "ที่\tตัวชี้วัด\tหน่วยนับ\tค่าเป้าหมาย (ปี)\t\t\tระดับ",
        "\t\t\t2566\t2567\t2568\t",
        "1\tร้อยละของผู้เรียน\tร้อยละ\t80\t-\t90.50\tสพท.",
        "2\tจำนวนโรงเรียน\tโรง\t5\t6\t7\tรร.",
        "แนวทางการพัฒนา",
        "ที่\tแนวทางการพัฒนา\tหน่วยงานที่รับผิดชอบ",
        "1\tส่งเสริม\tสพท.",
        "",
        "กลยุทธ์ที่ 2 ทดสอบสอง",
        "ตัวชี้วัด",
        "ที่\tตัวชี้วัด\tหน่วยนับ\tค่าเป้าหมายปี 2568\t\t\tระดับ",
        "1\tร้อยละของครูที่ได้รับ\tร้อยละ\t70\t75\t80\tรร.",
        "\tการพัฒนา\t\t\t\t\t",
        "2\tร้อยละของสถานศึกษาที่มี",
        "ระบบดูแล\tร้อยละ\t60\t65\t70\tสพท.",
        "แนวทางการพัฒนา",
        "ที่\tแนวทางการพัฒนา\tหน่วยงานที่รับผิดชอบ",
        "● หัวข้อย่อย\t\t",
        "1\tพัฒนาครู\tสพท. / รร.",
    ]
)


def test_synthetic_detect():
    assert tab_table.detect(SYNTHETIC) >= 0.8
    no_years = SYNTHETIC.replace("\t\t\t2566\t2567\t2568\t\n", "")
    assert tab_table.detect(no_years) == 0.0


def test_synthetic_parse():
    plan = tab_table.parse(SourceDoc("syn", SYNTHETIC))
    assert [len(s.indicators) for s in plan.strategies] == [2, 2]
    i11 = _ind(plan, "1", "1")
    # "-" gives no Target; "90.50" is never rounded.
    assert [(t.year, t.value) for t in i11.targets] == [(2566, "80"), (2568, "90.50")]
    assert i11.targets[1].numeric == 90.5
    assert plan.strategy("1").goals[0].text == "ผู้เรียนมีคุณภาพ"
    # No year row under "ค่าเป้าหมายปี 2568": the years of the other table apply.
    i21 = _ind(plan, "2", "1")
    assert _values(i21) == {2566: "70", 2567: "75", 2568: "80"}
    # A row continued on an aligned line, and a row with a newline inside a cell.
    assert i21.text == "ร้อยละของครูที่ได้รับ การพัฒนา"
    i22 = _ind(plan, "2", "2")
    assert i22.text == "ร้อยละของสถานศึกษาที่มี ระบบดูแล"
    assert (i22.unit, i22.responsible) == ("ร้อยละ", "สพท.")
    assert _values(i22) == {2566: "60", 2567: "65", 2568: "70"}
    assert SYNTHETIC[i22.span.start : i22.span.end].endswith("สพท.")
    g = _gl(plan, "2", "1")
    assert (g.heading, g.responsible) == ("หัวข้อย่อย", "สพท. / รร.")
    assert _gl(plan, "1", "1").heading is None
