"""The one builder on สพป.ยโสธร เขต ๒ (seed 001; session 1's ``prose_targets`` layout is
retired): strategies, prose guidelines, 80 indicators with in-sentence targets and
S/M/A/R/T attribute columns."""

from __future__ import annotations

import sys

import pytest
from conftest import DOC_001, ROOT, corpus_text

# The project is not installed in the venv and pytest puts only tests/ on sys.path.
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from assistant.domain import thai  # noqa: E402
from assistant.ingest.builder import build  # noqa: E402
from assistant.ingest.readers.text import read_txt  # noqa: E402

TEXT = corpus_text(DOC_001)


@pytest.fixture(scope="module")
def plan():
    return build(read_txt(DOC_001, TEXT)).plan


@pytest.fixture(scope="module")
def inds(plan):
    return {i.number: i for i in plan.indicators()}


def test_header_vision_missions_goals(plan):
    assert plan.years == (2566, 2566)
    assert plan.vision is not None and plan.vision.text.startswith("“ภายในปีงบประมาณ ๒๕๗๐")
    assert [m.number for m in plan.missions] == ["1", "2", "3", "4"]
    assert [g.number for g in plan.goals] == [str(n) for n in range(1, 8)]
    assert plan.goals[6].text.startswith("สำนักงานเขตพื้นที่การศึกษามีความเป็นเลิศ")


def test_strategies_and_guidelines(plan):
    assert [s.number for s in plan.strategies] == ["1", "2", "3", "4"]
    assert [s.title for s in plan.strategies] == [
        "การพัฒนาคุณภาพนักเรียน",
        "การพัฒนาครูและบุคลากรทางการศึกษา",
        "การพัฒนาสถานศึกษา",
        "การพัฒนาสำนักงานเขตพื้นที่การศึกษา",
    ]
    assert plan.strategies[0].id == f"{DOC_001}/s1"
    assert (
        TEXT[plan.strategies[2].span.start : plan.strategies[2].span.end]
        == "กลยุทธ์ที่ ๓ การพัฒนาสถานศึกษา"
    )
    assert [len(s.guidelines) for s in plan.strategies] == [16, 8, 25, 13]
    assert len(plan.guidelines()) == 62
    for s in plan.strategies:
        assert [g.number for g in s.guidelines] == [str(n) for n in range(1, len(s.guidelines) + 1)]
        assert all(g.strategy == s.number for g in s.guidelines)
    s1, s2, s3, s4 = plan.strategies
    assert s1.guidelines[0].id == f"{DOC_001}/s1/g1"
    assert s1.guidelines[0].text.startswith("สนับสนุน ส่งเสริม พัฒนาระบบ กลไก และพื้นที่ความปลอดภัย")
    assert s2.guidelines[7].text.startswith("เสริมสร้างขวัญกำลังใจในความก้าวหน้าทางวิชาชีพ")
    # Last guideline of strategy 3 runs straight into the strategy-4 heading.
    assert s3.guidelines[24].text.endswith("เพื่อส่งเสริมการเรียนรู้")
    assert s4.guidelines[12].text.startswith("ส่งเสริม พัฒนาสถานศึกษาในสังกัด")
    assert all(not s.goals for s in plan.strategies)  # no strategic goals in this plan


def test_indicators_numbered_and_assigned(plan, inds):
    all_inds = plan.indicators()
    assert [i.number for i in all_inds] == [str(n) for n in range(1, 81)]
    assert [len(s.indicators) for s in plan.strategies] == [17, 7, 23, 33]
    ranges = {"1": (1, 17), "2": (18, 24), "3": (25, 47), "4": (48, 80)}
    for i in all_inds:
        lo, hi = ranges[i.strategy]
        assert lo <= int(i.number) <= hi
        assert i.id == f"{DOC_001}/s{i.strategy}/i{i.number}"
    assert inds["12"].number_raw == "๑๒"
    # Indicators 60-66 name another office (copy error) but stay in strategy 4.
    for n in range(60, 67):
        assert inds[str(n)].strategy == "4"
    assert "ปทุมธานี" in inds["60"].text


def test_targets(inds):
    with_targets = [i for i in inds.values() if i.targets]
    assert len(with_targets) == 71
    no_target = {"48", "51", "52", "56", "58", "59", "60", "61", "62"}
    assert {n for n, i in inds.items() if not i.targets} == no_target
    assert all(inds[n].unit is None for n in no_target)
    expected = {
        "1": ("80", "ร้อยละ", "1"),
        "7": ("100", "ร้อยละ", "1"),
        "14": ("70", "ร้อยละ", "1"),
        "20": ("60", "ร้อยละ", "2"),
        "38": ("100", "ร้อยละ", "3"),  # "ร้อยละ ๑๐๐ สถานศึกษา" (no ของ)
        "45": ("80", "ร้อยละ", "3"),
        "49": ("80", "ร้อยละ", "4"),  # "มีคะแนนไม่ต่ำกว่าร้อยละ ๘๐"
        "50": ("300", "คะแนน", "4"),  # "(คะแนนไม่ต่ำกว่า ๓๐๐ คะแนน)", not "๔.๐"
        "53": ("85", "ร้อยละ", "4"),
        "54": ("90", "ร้อยละ", "4"),
        "77": ("100", "ร้อยละ", "4"),  # the share, not the "๘๐ คะแนนขึ้นไป" threshold
    }
    for no, (value, unit, strategy) in expected.items():
        ind = inds[no]
        assert ind.strategy == strategy, no
        assert ind.unit == unit, no
        assert len(ind.targets) == (2 if no == "77" else 1), no
        t = ind.targets[0]
        assert (t.value, t.unit, t.year, t.kind) == (value, unit, 2566, "target"), no
        assert t.numeric == float(value)
        assert t.id == f"{ind.id}/target/2566"
    second = inds["77"].targets[1]
    assert (second.value, second.unit, second.year) == ("80", "คะแนน", 2566)
    assert TEXT[second.span.start : second.span.end] == "๘๐ คะแนนขึ้นไป"
    assert [len(inds[n].targets) for n in ("78", "79", "80")] == [2, 2, 2]
    assert TEXT[inds["50"].targets[0].span.start : inds["50"].targets[0].span.end] == "๓๐๐ คะแนน"
    assert TEXT[inds["1"].targets[0].span.start : inds["1"].targets[0].span.end] == "ร้อยละ ๘๐"


def test_smart_attributes(inds):
    assert inds["1"].attributes == {"S": "✓", "M": "✓"}
    assert inds["2"].attributes == {"S": "✓", "M": "✓", "A": "✓", "R": "✓", "T": "✓"}
    assert inds["14"].attributes == {"A": "✓", "R": "✓"}
    assert inds["20"].attributes == {"T": "✓"}
    assert inds["60"].attributes == {"S": "✓", "M": "✓", "A": "✓", "R": "✓"}


def test_spans_exact(plan):
    records = [plan.vision, *plan.missions, *plan.goals]
    for s in plan.strategies:
        records += [s, *s.guidelines, *s.indicators]
    for r in records:
        quote = TEXT[r.span.start : r.span.end]
        assert quote.strip() and quote == quote.strip()
        text = getattr(r, "text", None) or r.title
        assert thai.one_line(text) == text
        assert text in thai.one_line(quote), r.id
    for i in plan.indicators():
        for t in i.targets:
            quote = TEXT[t.span.start : t.span.end]
            assert quote in TEXT[i.span.start : i.span.end]
            assert t.value in thai.to_arabic(quote) or thai.to_thai_digits(t.value) in quote


SYNTHETIC = """แผนพัฒนาการศึกษา ปีงบประมาณ

กลยุทธ์ที่ 1 พัฒนาผู้เรียน มีแนวทางในการพัฒนาตามกลยุทธ์ ดังนี้

1. ส่งเสริมการอ่าน
ต่อเนื่องทุกชั้น
2. ส่งเสริมคณิตศาสตร์

เป้าหมาย
1. ผู้เรียนอ่านออก

กลยุทธ์ที่ 2 พัฒนาครู มีแนวทางในการพัฒนาตามกลยุทธ์ ดังนี้

1. พัฒนาครู

กลยุทธ์ที่ 1 พัฒนาผู้เรียน ประกอบด้วยตัวชี้วัดและค่าเป้าหมายตัวชี้วัด ดังนี้

ตัวชี้วัดที่\tตัวชี้วัด\tS\tM
1\tร้อยละ 75.50 ของผู้เรียนอ่านคล่อง\t✓\t
2\tโรงเรียนต้นแบบ จำนวน 5 โรงเรียน\t\t✓
3\tจัดอบรม 2 ครั้ง\t✓\t✓

กลยุทธ์ที่ 2 พัฒนาครู ประกอบด้วยตัวชี้วัดและค่าเป้าหมายตัวชี้วัด ดังนี้

ตัวชี้วัดที่\tตัวชี้วัด\tS\tM
4\tครูทุกคนได้รับการพัฒนา\t✓\t✓
"""


def test_synthetic_plan_same_layout():
    plan = build(read_txt("x", SYNTHETIC)).plan
    assert plan.years is None
    s1, s2 = plan.strategies
    assert [g.text for g in s1.guidelines] == ["ส่งเสริมการอ่าน ต่อเนื่องทุกชั้น", "ส่งเสริมคณิตศาสตร์"]
    # (a lone "เป้าหมาย" heading is a target word to the builder, not a strategy-goals heading:
    # session 1's layout read it as one; 001 has no such heading)
    assert len(s2.guidelines) == 1
    got = {
        i.number: (i.strategy, [(t.value, t.unit, t.year) for t in i.targets])
        for i in plan.indicators()
    }
    assert got == {
        "1": ("1", [("75.50", "ร้อยละ", None)]),
        "2": ("1", [("5", "โรงเรียน", None)]),
        "3": ("1", [("2", "ครั้ง", None)]),
        "4": ("2", []),
    }
    assert plan.indicators()[1].attributes == {"M": "✓"}
