"""The one builder on a plan written as prose (seed 003, read by the builder since session
7; session 1's ``prose_only`` layout is retired) and on small prose variants."""

from __future__ import annotations

import pytest

from assistant.domain import thai
from assistant.domain.models import Plan
from assistant.ingest.builder import build
from assistant.ingest.readers.text import read_txt
from tests.conftest import DOC_003, corpus_text


def _build(doc_id: str, text: str) -> Plan:
    return build(read_txt(doc_id, text)).plan


@pytest.fixture(scope="module")
def text() -> str:
    return corpus_text(DOC_003)


@pytest.fixture(scope="module")
def plan(text) -> Plan:
    return _build(DOC_003, text)


def test_counts(plan):
    assert len(plan.strategies) == 4
    assert all(s.title for s in plan.strategies)
    assert len(plan.missions) == 5
    assert len(plan.goals) == 5
    assert plan.vision is not None
    assert plan.indicators() == []
    assert plan.guidelines() == []


def test_values(plan, text):
    assert plan.vision.text.startswith("คนไทยทุกคนได้รับการศึกษาและเรียนรู้ตลอดชีวิตอย่างมีคุณภาพ")
    # A mission continued on an indented line.
    assert plan.missions[0].text == (
        "จัดการศึกษาอย่างมีคุณภาพ ได้ตามมาตรฐาน มีสมรรถนะ ทักษะและคุณลักษณะเด็กไทย ในศตวรรษที่ 21"
    )
    assert plan.goals[3].text.endswith("ได้รับการยกย่อง เชิดชูเกียรติ")
    s1, s2, s3, s4 = plan.strategies
    assert [s.number for s in plan.strategies] == ["1", "2", "3", "4"]
    assert s1.id == f"{DOC_003}/s1"
    assert s1.kind == "กลยุทธ์"
    assert s1.title == "ส่งเสริมการจัดการศึกษาให้ผู้เรียนมีความปลอดภัยจากภัยทุกรูปแบบ"
    assert s3.title == "ยกระดับคุณภาพการศึกษาให้สอดคล้องกับการเปลี่ยนแปลงในศตวรรษที่ 21"
    assert s1.description.startswith("พัฒนาสถานศึกษาให้เป็นพื้นที่ปลอดภัย")
    assert s2.description.endswith("ตามมาตรา 12 แห่งพระราชบัญญัติการศึกษาแห่งชาติ พ.ศ. 2542")
    # Strategy 3 has two sub-headed paragraphs; both belong to its description.
    assert s3.description.startswith("คุณภาพผู้เรียน ส่งเสริมให้สถานศึกษา")
    assert "คุณภาพครูและบุคลากร ส่งเสริม สนับสนุนครู" in s3.description
    assert s3.description.endswith("และการยกย่องเชิดชูเกียรติบุคลากร")
    assert s4.description.endswith("โดยนำเทคโนโลยีเข้ามาสนับสนุน")
    # The strategy span covers the heading and its paragraphs, and nothing after.
    assert s1.span.quote(text).startswith("กลยุทธ์ที่ 1 ")
    assert s1.span.end < text.index("กลยุทธ์ที่ 2")
    assert s4.span.end == len(text.rstrip())


def test_spans_exact(plan, text):
    records = [(plan.vision, plan.vision.text)]
    records += [(m, m.text) for m in (*plan.missions, *plan.goals)]
    records += [(s, s.title) for s in plan.strategies]
    records += [(s, s.description) for s in plan.strategies]
    for rec, value in records:
        quote = rec.span.quote(text)
        assert quote.strip() and quote == quote.strip(), rec.id
        assert value and value in thai.one_line(quote), rec.id


POLICIES = """แผนพัฒนาการศึกษา

วิสัยทัศน์
โรงเรียนคุณภาพ

นโยบาย
    นโยบายที่ 1 ความปลอดภัย
    นโยบายที่ 2 โอกาส

    นโยบายที่ 1 ความปลอดภัย
สถานศึกษาปลอดภัย

    นโยบายที่ 2 โอกาส
เพิ่มโอกาสทางการศึกษา
ให้ทุกคน
"""


def test_policy_word_and_summary_list():
    plan = _build("pol", POLICIES)
    assert [(s.kind, s.number, s.title) for s in plan.strategies] == [
        ("นโยบาย", "1", "ความปลอดภัย"),
        ("นโยบาย", "2", "โอกาส"),
    ]
    assert [s.description for s in plan.strategies] == [
        "สถานศึกษาปลอดภัย",
        "เพิ่มโอกาสทางการศึกษา ให้ทุกคน",
    ]
    assert plan.vision.text == "โรงเรียนคุณภาพ"
    # Spans point at the real sections, after the summary list.
    real_first = POLICIES.index("นโยบายที่ 1", POLICIES.index("นโยบายที่ 2"))
    assert plan.strategies[0].span.start == real_first
    assert POLICIES[plan.strategies[1].span.start : plan.strategies[1].span.end] == (
        "นโยบายที่ 2 โอกาส\nเพิ่มโอกาสทางการศึกษา\nให้ทุกคน"
    )


def test_paragraphs_of_a_strategy_in_other_wording():
    """Every paragraph under a strategy with nothing else is its description; the next
    heading of another section ends it."""
    text = ("ยุทธศาสตร์ที่ ๑ พัฒนาผู้เรียน\n\nรายละเอียดหนึ่ง\n\nด้านการอ่าน\n\nส่งเสริมการอ่าน\n\n"
            "ยุทธศาสตร์ที่ ๒ พัฒนาครู\n\nรายละเอียดสอง\n\nตัวชี้วัด\n\n1. ร้อยละของครูที่ผ่านการอบรม ปี 2568 = 80\n")
    plan = _build("yt", text)
    s1, s2 = plan.strategies
    assert (s1.kind, s1.title, s1.description) == ("ยุทธศาสตร์", "พัฒนาผู้เรียน",
                                                  "รายละเอียดหนึ่ง ด้านการอ่าน ส่งเสริมการอ่าน")
    assert s1.span.quote(text) == "ยุทธศาสตร์ที่ ๑ พัฒนาผู้เรียน\n\nรายละเอียดหนึ่ง\n\nด้านการอ่าน\n\nส่งเสริมการอ่าน"
    assert s2.description == "รายละเอียดสอง"
    assert s2.span.quote(text) == "ยุทธศาสตร์ที่ ๒ พัฒนาครู\n\nรายละเอียดสอง"
    assert [(t.year, t.value) for t in s2.indicators[0].targets] == [(2568, "80")]
