"""Acronyms of school practice a teacher types (IEP, SAR) link to rows that write them out."""

from __future__ import annotations

import datetime

import pytest

from assistant.service import Assistant
from assistant.stores.state import SqliteState

PLAN = """# แผนพัฒนาการศึกษา สพป.ขอนแก่น เขต 2 พ.ศ. 2569 - 2570

## กลยุทธ์ที่ 1 จัดการศึกษาอย่างทั่วถึง

| ที่ | ตัวชี้วัด | หน่วยนับ | 2569 | 2570 |
|---|---|---|---|---|
| 1 | ร้อยละของนักเรียนที่มีความต้องการจำเป็นพิเศษได้รับการจัดการเรียนรู้ตามแผนการจัดการศึกษาเฉพาะบุคคล | ร้อยละ | 85 | 90 |
| 2 | ร้อยละของนักเรียนพิการที่ได้รับสิ่งอำนวยความสะดวกทางการศึกษา | ร้อยละ | 70 | 75 |

## กลยุทธ์ที่ 2 บริหารจัดการ

| ที่ | ตัวชี้วัด | หน่วยนับ | 2569 | 2570 |
|---|---|---|---|---|
| 3 | ร้อยละของสถานศึกษาที่จัดทำรายงานการประเมินตนเองได้ตามกำหนด | ร้อยละ | 95 | 100 |
"""


@pytest.fixture(scope="module")
def kk(tmp_path_factory):
    from assistant.ingest.pipeline import ingest

    corpus = tmp_path_factory.mktemp("corpus_acr")
    (corpus / "khonkaen2_plan_2569_2570.md").write_text(PLAN, encoding="utf-8")
    index_dir = tmp_path_factory.mktemp("index_acr")
    report = ingest(corpus_dir=corpus, index_dir=index_dir)
    assert report.ok, [f.message() for f in report.failed]
    a = Assistant(index_dir, hybrid=False, state=SqliteState(tmp_path_factory.mktemp("st") / "s.sqlite"),
                  today=lambda: datetime.date(2025, 12, 1))
    a.llm = None
    return a


def _rows(ans):
    return [(v.indicator, v.year, v.value) for v in ans.values]


def test_an_acronym_links_to_the_row_that_writes_it_out(kk):
    assert _rows(kk.ask("ขก.2 ตัวชี้วัดเด็กพิเศษเรียนตาม IEP ปี 70 ตั้งเป้าเท่าไร")) == [("1", 2570, "90")]
    assert _rows(kk.ask("ขอนแก่น 2 ตัวชี้วัดโรงเรียนทำ SAR ทันกำหนด เป้าปี 69")) == [("3", 2569, "95")]
