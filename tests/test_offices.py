"""Office resolution: the forms users type, the misspelling, offices outside the corpus."""

import pytest

from assistant.domain.offices import OfficeResolver
from assistant.ingest.corpus import load_metadata
from tests.conftest import CORPUS


@pytest.fixture(scope="module")
def resolver():
    return OfficeResolver(list(load_metadata(CORPUS).offices.values()))


@pytest.mark.parametrize(
    "text,office_id",
    [
        ("สำนักงานเขตพื้นที่การศึกษาประถมศึกษาเชียงใหม่ เขต ๖", "spp-chiangmai-6"),
        ("สพป.เชียงใหม่ เขต 6", "spp-chiangmai-6"),
        ("เชียงใหม่ 6", "spp-chiangmai-6"),
        ("ชม.6", "spp-chiangmai-6"),
        ("ของชม.6 มีอะไรบ้าง", "spp-chiangmai-6"),
        ("ลปลพ", "spm-lampang-lamphun"),
        ("สพม.35", "spm-lampang-lamphun"),
        ("สพม.ลำปาง ลำพูน", "spm-lampang-lamphun"),
        ("ตรัง2", "spp-trang-2"),
        ("สพป.ตรัง เขต 2", "spp-trang-2"),
        ("สพป.ยโสธร เขต ๒", "spp-yasothon-2"),
        ("กลยุทธ์ที่ 3 ของยส.2", "spp-yasothon-2"),
    ],
)
def test_corpus_offices_in_the_forms_users_type(resolver, text, office_id):
    found = resolver.resolve(text)
    assert [m.office.id for m in found] == [office_id]
    assert found[0].office.in_corpus


@pytest.mark.parametrize(
    "text",
    ["สำนักงานเขตพื้นที่การศึกษาประถมศึกษาชัยโสธร เขต ๒", "สพป.ชัยโสธร เขต 2", "ชัยโสธร 2", "ชัยโสธร ตัวชี้วัดที่ 5"],
)
def test_misspelt_chaiyasothon_resolves_to_yasothon_2(resolver, text):
    found = resolver.resolve(text)
    assert [m.office.id for m in found] == ["spp-yasothon-2"]
    assert found[0].corrected == "ยโสธร"


@pytest.mark.parametrize(
    "text,office_id,short",
    [
        ("สพป.เชียงใหม่ เขต 1", "spp-chiang-mai-1", "สพป.เชียงใหม่ เขต 1"),
        ("สพป.ตรัง เขต 1", "spp-trang-1", "สพป.ตรัง เขต 1"),
        ("สพม.เชียงใหม่", "spm-chiang-mai", "สพม.เชียงใหม่"),
        ("สพป.นครราชสีมา เขต 7", "spp-nakhon-ratchasima-7", "สพป.นครราชสีมา เขต 7"),
        ("สพม.36", "spm-area-36", "สพม. เขต 36"),
    ],
)
def test_offices_without_a_plan_are_recognised_not_confused(resolver, text, office_id, short):
    found = resolver.resolve(text)
    assert [m.office.id for m in found] == [office_id]
    assert not found[0].office.in_corpus
    assert found[0].office.short == short


def test_no_office_in_plain_questions(resolver):
    assert resolver.resolve("ค่าเป้าหมายปี 2568 ตัวชี้วัดที่ 3 ร้อยละ 80 ครู 5 คน นักเรียน 30 คน") == []


def test_two_offices_in_order(resolver):
    found = resolver.resolve("เทียบกลยุทธ์ เชียงใหม่ 6 กับ ตรัง 2")
    assert [m.office.id for m in found] == ["spp-chiangmai-6", "spp-trang-2"]


# ---------------------------------------------------------------- offices by their parts


@pytest.mark.parametrize("typed, office_id", [
    ("ชย.2", "spp-chaiyaphum-2"),
    ("ชัยภูมิ 2", "spp-chaiyaphum-2"),
    ("สพป.ชัยภูมิ เขต ๒", "spp-chaiyaphum-2"),
    ("สพม.นม", "spm-nakhon-ratchasima"),
    ("สพม.โคราช", "spm-nakhon-ratchasima"),
    ("สพป.ขก.1", "spp-khon-kaen-1"),
    ("สร.3", "spp-surin-3"),
    ("สพม.ลำปาง ลำพูน", "spm-lampang-lamphun"),
])
def test_any_office_resolves_by_kind_province_and_area(typed, office_id):
    from assistant.domain.offices import OfficeResolver

    found = OfficeResolver([]).resolve(typed)
    assert [m.office.id for m in found] == [office_id]


def test_a_registered_office_is_reached_by_the_short_forms_users_type():
    from assistant.domain.offices import OfficeResolver

    registered = OfficeResolver([]).resolve("สำนักงานเขตพื้นที่การศึกษาประถมศึกษาชัยภูมิ เขต 2")[0].office
    r = OfficeResolver([registered])
    for typed in ("ชย.2", "ชัยภูมิ 2", "สพป.ชัยภูมิ เขต ๒", "ชัยภูมิ เขต 2"):
        assert r.resolve(typed)[0].office.id == "spp-chaiyaphum-2", typed


def test_common_names_come_from_the_registry_file():
    from assistant.domain.offices import common_names

    assert common_names()["โคราช"] == "นครราชสีมา"


def test_an_area_number_without_a_kind_means_a_primary_office():
    from assistant.domain.offices import OfficeResolver

    office = OfficeResolver([]).resolve("ชย.2")[0].office
    assert (office.id, office.kind, office.name) == (
        "spp-chaiyaphum-2", "สพป.", "สำนักงานเขตพื้นที่การศึกษาประถมศึกษาชัยภูมิ เขต 2")
    assert OfficeResolver([]).resolve("ชัยภูมิ เขต ๒")[0].office.kind == "สพป."
    # no area: the kind stays open
    assert OfficeResolver([]).resolve("สพท.ชัยภูมิ")[0].office.kind == "สพท."


def test_the_registry_decides_when_it_knows_the_office():
    from assistant.domain.models import Office
    from assistant.domain.offices import OfficeResolver

    spm = Office("spm-chaiyaphum", "สำนักงานเขตพื้นที่การศึกษามัธยมศึกษาชัยภูมิ", "สพม.", "ชัยภูมิ", None, (), True)
    odd = Office("spt-chaiyaphum-2", "สำนักงานเขตพื้นที่การศึกษาชัยภูมิ เขต 2", "สพท.", "ชัยภูมิ", 2, (), True)
    # an office without areas is not "ชย.2"
    assert OfficeResolver([spm]).resolve("ชย.2")[0].office.id == "spp-chaiyaphum-2"
    assert OfficeResolver([spm]).resolve("สพม.ชย")[0].office.id == "spm-chaiyaphum"
    # a registered office of that number wins, whatever its kind
    assert OfficeResolver([spm, odd]).resolve("ชย.2")[0].office.id == "spt-chaiyaphum-2"
