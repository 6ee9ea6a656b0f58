"""Thai text layer: digits, numbers, years, cleaning, tokens."""

import pytest

from assistant.domain import thai


def test_digits_round_trip():
    assert thai.to_arabic("พ.ศ. ๒๕๖๖ - ๒๕๗๐") == "พ.ศ. 2566 - 2570"
    assert thai.to_thai_digits("2568") == "๒๕๖๘"


@pytest.mark.parametrize(
    "raw,value,number",
    [("๘๐", "80", 80.0), ("30.30", "30.30", 30.3), ("-5.20", "-5.20", -5.2), ("ดีเยี่ยม", "ดีเยี่ยม", None),
     ("1,234", "1,234", 1234.0), (" ๑๐๐ ", "100", 100.0), ("-", "-", None)],
)
def test_values_kept_as_printed(raw, value, number):
    assert thai.printed_value(raw) == value
    assert thai.parse_number(raw) == number


@pytest.mark.parametrize(
    "text,years",
    [("ค่าเป้าหมายปี 2568", [2568]), ("ปี ๒๕๖๘", [2568]), ("เป้าปี 68", [2568]), ("พ.ศ.2568", [2568]),
     ("ในปี 2025", [2568]), ("ปีงบประมาณ พ.ศ. ๒๕๖๒", [2562]), ("ตัวชี้วัดที่ 12 กลยุทธ์ 3", []),
     ("ปี 2566 ถึง 2570", [2566, 2567, 2568, 2569, 2570]), ("ปีงบ 69", [2569]),
     ("แต่ละปี 66-70", [2566, 2567, 2568, 2569, 2570]), ("ม.4-6 ปี 2568", [2568])],
)
def test_years_in_every_form(text, years):
    assert thai.find_years(text) == years


def test_fiscal_year_starts_in_october():
    assert thai.fiscal_year_of(2024, 9) == 2567
    assert thai.fiscal_year_of(2024, 10) == 2568


def test_clean_removes_html_and_nbsp_but_keeps_digits(texts):
    raw = '<ul style="list-style-type: none"> ● การสนับสนุนโครงสร้างพื้นฐาน \t\t'
    assert thai.clean(raw) == "● การสนับสนุนโครงสร้างพื้นฐาน"
    assert thai.one_line("ร้อยละ\u00a0๘๐\n ของผู้เรียน") == "ร้อยละ ๘๐ ของผู้เรียน"
    assert thai.normalize("ร้อยละ\u00a0๘๐ O-NET") == "ร้อยละ 80 o-net"


def test_tokenize_keeps_exact_terms():
    toks = thai.tokenize("ผลการทดสอบ O-NET ปี ๒๕๖๑")
    assert "o-net" in toks and "2561" in toks and "ผล" in toks


def test_province_list_from_pythainlp():
    names = {p[0] for p in thai.provinces()}
    assert {"ยโสธร", "เชียงใหม่", "ตรัง", "ลำปาง", "ลำพูน"} <= names
    assert "ชัยโสธร" not in names
    assert len(names) == 77


def test_word_prefixes_answer_as_pythainlp_trie_and_tokenize_the_same():
    """The flat prefix dict the tokenizer uses (built ~10x faster than pythainlp's Trie)
    gives the same prefixes at every position of every bundled plan's text, so the same
    tokens."""
    from conftest import CORPUS
    from pythainlp.tokenize import word_tokenize
    from pythainlp.util import Trie

    words = thai._dictionary()
    trie, ours = Trie(words), thai.WordPrefixes(words)
    assert len(ours) == len(trie) > 50000
    assert "นักเรียน" in ours and "นักเรีย" not in ours and "" not in ours
    texts = [thai.normalize(p.read_text(encoding="utf-8")) for p in sorted(CORPUS.glob("*.txt"))]
    assert len(texts) >= 4
    for text in texts:
        sample = text[:6000]
        assert [ours.prefixes(sample, i) for i in range(len(sample))] == \
            [trie.prefixes(sample, i) for i in range(len(sample))]
        assert thai._word_tokenize()(text, engine="newmm") == word_tokenize(text, engine="newmm", custom_dict=trie)
    extra = thai.WordPrefixes([" ครู ", "ครูผู้ช่วย", "ครู"])
    assert len(extra) == 2 and extra.prefixes("ครูผู้ช่วยสอน") == ["ครู", "ครูผู้ช่วย"]
    assert extra.prefixes("นักเรียน") == [] and extra.prefixes("xครู", 1) == ["ครู"]
