"""The country's list of offices (assistant/domain/office_list.yaml) and its use by the
resolver: every entry has a source, the totals are those the Ministry announced, and an
office a user types is checked against it."""

import pytest
import yaml

from assistant.domain import thai
from assistant.domain.offices import LIST_PATH, OfficeResolver, office_list


@pytest.fixture(scope="module")
def data():
    return yaml.safe_load(LIST_PATH.read_text(encoding="utf-8"))


def test_every_entry_names_its_source_and_the_totals_are_183_and_62(data):
    provinces = {p[0] for p in thai.provinces()}
    assert all(e["source"] and e["quote"] and e["evidence"] in ("page", "github")
               for e in data["primary"] + data["secondary"])
    assert {e["province"] for e in data["primary"]} == provinces  # every province once
    assert sum(e["areas"] for e in data["primary"]) == 183
    assert len(data["secondary"]) == 62
    served = [p for e in data["secondary"] for p in e["provinces"]]
    assert set(served) == provinces and len(served) == len(provinces) + 1  # Bangkok has two


def test_a_secondary_office_is_found_by_any_of_its_provinces():
    r = OfficeResolver([])
    got = [(m.office.short, m.office.id, r.listed(m.office)) for m in r.resolve("สพม.อุตรดิตถ์ มีแผนไหม")]
    assert got == [("สพม.พิษณุโลก อุตรดิตถ์", "spm-phitsanulok-uttaradit", True)]
    assert [m.office.short for m in r.resolve("ของ สพม.ภูเก็ต")] == ["สพม.พังงา ภูเก็ต ระนอง"]
    assert [m.office.short for m in r.resolve("สพม.กรุงเทพ เขต 2")] == ["สพม.กรุงเทพมหานคร เขต 2"]
    assert [m.office.short for m in r.resolve("สพม.นม")] == ["สพม.นครราชสีมา"]


def test_an_area_the_province_does_not_have_is_not_an_office():
    r = OfficeResolver([])
    assert [(m.office.short, r.listed(m.office)) for m in r.resolve("สพป.เชียงราย เขต 7")] == [("สพป.เชียงราย เขต 7", False)]
    assert [(m.office.short, r.listed(m.office)) for m in r.resolve("ชร.4")] == [("สพป.เชียงราย เขต 4", True)]
    assert office_list().primary["เชียงราย"] == 4
    assert [(m.office.short, r.listed(m.office)) for m in r.resolve("สพม.ชัยภูมิ เขต 3")] == [("สพม.ชัยภูมิ เขต 3", False)]
    # the province's one สพป. has no เขต number; a bare province of several areas is not one office
    assert [(m.office.short, r.listed(m.office)) for m in r.resolve("สพป.สมุทรสาคร เขต 1")] == [("สพป.สมุทรสาคร", True)]
    assert [r.listed(m.office) for m in r.resolve("สพป.เชียงใหม่")] == [None]
    assert office_list().primary["นครราชสีมา"] == 7


@pytest.fixture(scope="module")
def assistant(built_index):
    from assistant import settings
    from assistant.service import Assistant

    settings.reset()
    return Assistant(built_index, hybrid=False)


def test_the_answer_says_an_office_does_not_exist_or_has_no_plan(assistant):
    ans = assistant.ask("สพป.เชียงราย เขต 7 ตัวชี้วัดกลยุทธ์ที่ 1 ปี 68 เป้าเท่าไหร่")
    assert ans.status == "not_found" and ans.answer.startswith("ไม่พบ สพป.เชียงราย เขต 7 ในรายชื่อ")
    assert "จังหวัดเชียงรายมี สพป. 4 เขต" in ans.answer and not ans.citations
    ans = assistant.ask("สพม.อุตรดิตถ์ มีแผนกลยุทธ์ไหมครับ")
    assert ans.status == "not_found" and ans.answer.startswith("ยังไม่มีแผนของ สพม.พิษณุโลก อุตรดิตถ์ ในคลังเอกสาร")
    # an office of the corpus named by its other province gets its own plan
    ans = assistant.ask("สพม.ลำพูน นโยบายที่ 1 ชื่ออะไร")
    assert ans.status == "answered" and "สพม.ลำปาง ลำพูน" in ans.answer


PLAN_OF_NO_OFFICE = """แผนพัฒนาการศึกษา พ.ศ. 2568-2570
สำนักงานเขตพื้นที่การศึกษาประถมศึกษาเชียงราย เขต 9
วิสัยทัศน์
นักเรียนมีคุณภาพ
กลยุทธ์ที่ 1 พัฒนาคุณภาพผู้เรียน
ตัวชี้วัด\tหน่วยนับ\t2568\t2569\t2570
1. ร้อยละของนักเรียนที่อ่านออก\tร้อยละ\t80\t85\t90
"""


def test_ingest_warns_when_the_office_named_in_a_plan_is_not_in_the_list(isolated, tmp_path):
    from assistant.ingest.pipeline import ingest

    p = tmp_path / "cr9.txt"
    p.write_text(PLAN_OF_NO_OFFICE, encoding="utf-8")
    corpus = tmp_path / "new" / "corpus"  # a corpus folder that does not exist yet is made
    report = ingest([p], corpus_dir=corpus, index_dir=tmp_path / "index")
    doc = next(d for d in report.documents if d.file == "cr9.txt")
    assert doc.counts["targets"] == 3 and (corpus / "cr9.txt").exists()
    assert any(w.startswith("หน่วยงานที่อนุมานได้ (สพป.เชียงราย เขต 9) ไม่อยู่ในรายชื่อ") for w in doc.warnings)
