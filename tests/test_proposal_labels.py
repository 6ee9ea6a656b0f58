"""Alignment labels (clear / possible / weak), the one aligner in chat, the alignment
evaluation on idea files, and the school-level office question.

Fast: the structured index only (word evidence)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from assistant.proposals.align import (
    draft_request,
    get_aligner,
    outside_level,
    school_levels,
    strength_of,
    which_offices,
)
from assistant.proposals.align_eval import evaluate, load_ideas, report, summary


@pytest.fixture(scope="module")
def lexical(built_index):
    from assistant.service import Assistant

    return Assistant(built_index, hybrid=False)


@pytest.fixture(scope="module")
def aligner(lexical):
    return get_aligner(lexical)


def test_generic_words_never_make_a_fit_clear(aligner):
    # a reading project: only the strategy whose items speak of reading is "clear";
    # the safety strategy and the others share only generic words (ส่งเสริม)
    al = aligner.align("ส่งเสริมการอ่าน", "spp-chiangmai-6")
    assert al.fits and [(s.number, s.label) for s in al.strategies][:1] == [("3", "clear")]
    assert [s.label for s in al.strategies[1:]] == ["weak", "weak"]
    # nothing but generic words: the best fit is at most "possible"
    al = aligner.align("ส่งเสริมพัฒนาผู้เรียน", "spp-chiangmai-6")
    assert al.fits and {s.label for s in al.strategies} == {"possible"}


def test_first_ranked_fit_is_never_labelled_no_fit(aligner):
    for idea, office in (("ซ้อมอพยพหนีไฟ", "spp-chiangmai-6"), ("ปลูกป่าชายเลน", "spm-lampang-lamphun"),
                         ("ส่งเสริมการอ่าน", "spp-yasothon-2")):
        al = aligner.align(idea, office)
        assert al.fits and al.strategies[0].label in ("clear", "possible") and not al.message, idea
    al = aligner.align("ซื้อหวยรัฐบาลประจำงวด", "spp-chiangmai-6")
    assert not al.fits and all(s.label == "weak" for s in al.strategies)
    assert "ยังไม่สอดคล้องชัดเจน" in al.message


def test_strength_words(aligner):
    al = aligner.align("ส่งเสริมการอ่าน", "spp-chiangmai-6")
    assert strength_of(al.strategies[0], aligner.T) == "สอดคล้องชัดเจน"
    assert strength_of(al.strategies[1], aligner.T) == "สอดคล้องน้อย"
    al = aligner.align("ส่งเสริมพัฒนาผู้เรียน", "spp-chiangmai-6")
    assert strength_of(al.strategies[0], aligner.T) == "อาจสอดคล้อง (ควรตรวจสอบ)"


def test_school_level_of_an_idea(aligner):
    T = aligner.T
    assert school_levels(T, "ค่ายภาษาอังกฤษ ป.4-6") == {"สพป."}
    assert school_levels(T, "ค่ายภาษาอังกฤษ ป.๔-๖") == {"สพป."}
    assert school_levels(T, "สอน coding ม.ต้น") == {"สพม."}
    assert school_levels(T, "พัฒนาเด็กอนุบาล") == {"สพป."}
    assert school_levels(T, "ซ้อมอพยพหนีไฟ") == set()
    assert school_levels(T, "สพม.ลำปาง ลำพูน") == set()  # "ม." of an office name is no level
    assert which_offices(aligner, "ค่ายภาษาอังกฤษ ป.4-6") == [
        "สพป.ตรัง เขต 2", "สพป.ยโสธร เขต 2", "สพป.เชียงใหม่ เขต 6"]
    assert which_offices(aligner, "สอน coding ม.ต้น") == ["สพม.ลำปาง ลำพูน"]
    assert len(which_offices(aligner, "ซ้อมอพยพหนีไฟ")) == 4


def test_a_school_level_the_office_does_not_serve(aligner):
    T = aligner.T
    assert outside_level(T, "นิทานก่อนนอนสำหรับเด็กปฐมวัย", "สพม.") == "ปฐมวัย"
    assert outside_level(T, "ฝึกเขียนตัวอักษร ป.๒ ทุกเช้า", "สพม.") == "ป.2"
    assert outside_level(T, "แนะแนวเรียนต่อ ม.5-6", "สพป.") == "ม.5-6"
    # a level of the office's own kind too, or none at all: not outside
    assert outside_level(T, "พี่ ม.4 สอนน้อง ป.6 อ่านหนังสือ", "สพม.") is None
    assert outside_level(T, "ติวสอบ ม.1-3 โรงเรียนขยายโอกาส", "สพป.") is None
    assert outside_level(T, "นิทานก่อนนอนสำหรับเด็กปฐมวัย", "สพป.") is None
    assert outside_level(T, "ซ้อมอพยพหนีไฟ", "สพม.") is None
    # a secondary office's plan: a kindergarten idea fits none of its strategies, and says why
    al = aligner.align("ให้เด็กอนุบาล 2 เล่นปั้นดินน้ำมันฝึกกล้ามเนื้อมือ", "spm-lampang-lamphun")
    assert not al.fits and all(s.label == "weak" for s in al.strategies)
    assert "อนุบาล 2" in al.message and "สพม.ลำปาง ลำพูน" in al.message
    al = aligner.align("ให้เด็กอนุบาล 2 เล่นปั้นดินน้ำมันฝึกกล้ามเนื้อมือ", "spp-chiangmai-6")
    assert al.fits and not al.message


def test_chat_alignment_without_an_office_asks_which(lexical):
    ans = lexical.ask("ค่ายภาษาอังกฤษ ป.4-6 เข้ากลยุทธ์ไหน")
    assert ans.status == "clarify"
    assert ans.choices == ["สพป.ตรัง เขต 2", "สพป.ยโสธร เขต 2", "สพป.เชียงใหม่ เขต 6"]
    assert "ค่ายภาษาอังกฤษ ป.4-6" in ans.answer and not ans.citations


def test_chat_alignment_uses_the_one_aligner(lexical, aligner):
    ans = lexical.ask("ซ้อมอพยพหนีไฟ เข้ากลยุทธ์ไหน ชม.6")
    al = aligner.align("ซ้อมอพยพหนีไฟ", "spp-chiangmai-6")
    assert ans.status == "answered"
    assert ans.answer.splitlines()[1].startswith(f"1. สพป.เชียงใหม่ เขต 6 · กลยุทธ์ที่ {al.strategies[0].number} ")
    assert ans.citations[0].strategy == al.strategies[0].number == "1"
    req = draft_request(ans, lexical.templates.t["align_head"], lexical.store.offices)
    assert req == "ร่างโครงการ: ซ้อมอพยพหนีไฟ สพป.เชียงใหม่ เขต 6"
    assert draft_request(lexical.ask("ตัวชี้วัดของ ชม.6 มีอะไรบ้าง"), lexical.templates.t["align_head"]) is None


def test_align_eval_on_an_idea_file(aligner, tmp_path):
    ideas = [
        {"id": "a", "office": "spp-chiangmai-6", "idea": "ส่งเสริมการอ่าน", "strategies": ["3"], "clear": ["3"]},
        # the reader says strategy 3 only "fits" (it is not in clear): its clear label counts wrong
        {"id": "b", "office": "spp-chiangmai-6", "idea": "ซ้อมอพยพหนีไฟ", "strategies": ["1"], "clear": []},
        {"id": "c", "office": "spp-chiangmai-6", "idea": "ซื้อหวยรัฐบาลประจำงวด", "strategies": []},
        {"id": "d", "office": "spp-chiangmai-6", "idea": "ส่งเสริมพัฒนาผู้เรียน", "strategies": ["2"]},
    ]
    path = tmp_path / "ideas.yaml"
    path.write_text(yaml.safe_dump(ideas, allow_unicode=True), encoding="utf-8")
    rows = evaluate(aligner, load_ideas(path))
    assert [(r["top1"], r["clear"], r["clear_right"]) for r in rows] == [
        (True, ["3"], ["3"]), (True, ["1"], []), (True, [], []), (False, [], [])]
    s = summary(rows)
    assert (s["n"], s["top1"], s["clear_claimed"], s["clear_precision"]) == (4, 0.75, 2, 0.5)
    # "no fit": said once (c, right), and c is the only entry with []
    assert (s["nofit_said"], s["nofit_right"], s["nofit_gold"]) == (1, 1, 1)
    text = report(rows, path)
    assert "'no fit' precision 100.0% (1/1), recall 100.0% (1/1)" in text
    assert "| ALL | 4 | 75.0% |" in text and "50.0% (1/2)" in text
    assert "wrong 'สอดคล้องชัดเจน'" in text and "  b spp-chiangmai-6" in text


def test_cli_eval_on_idea_files(built_index, tmp_path, capsys, monkeypatch):
    from assistant import settings
    from assistant.channels.cli import main

    path = tmp_path / "ideas.yaml"
    path.write_text(yaml.safe_dump([{"id": "a", "office": "spp-chiangmai-6", "idea": "ซ้อมอพยพหนีไฟ",
                                     "strategies": ["1"]}], allow_unicode=True), encoding="utf-8")
    settings.override(index_dir=Path(built_index))
    try:
        assert main(["eval", "--ideas", str(path)]) == 0
    finally:
        settings.reset()
    out = capsys.readouterr().out
    assert f"project alignment: {path} (1 ideas" in out and "| ALL | 1 | 100.0% | 100.0% | 100.0% (1/1) |" in out


def test_calibration_ideas_are_well_formed(store):
    path = Path(__file__).resolve().parent.parent / "eval" / "align_calibration.yaml"
    ideas = load_ideas(path)
    assert len(ideas) >= 40 and len({g["id"] for g in ideas}) == len(ideas)
    for g in ideas:
        plan = next(p for p in store.plans.values() if p.office_id == g["office"])
        numbers = {s.number for s in plan.strategies}
        assert set(g["strategies"]) <= numbers and set(g.get("clear") or []) <= set(g["strategies"]), g["id"]


def test_function_words_are_no_topic_words(aligner, store):
    plan = next(p for p in store.plans.values() if p.office_id == "spp-chiangmai-6")
    keys = [c.key for c in aligner.concepts("ครูอาสาสอนเด็กบนดอยที่มาโรงเรียนไม่ได้", aligner.plan_words(plan))]
    assert "ไม่" not in keys and "บน" not in keys
    assert "อาสา" in keys and "ดอย" in keys


def test_words_the_plan_never_uses_weigh_less():
    from assistant.proposals.align import ABSENT, _Concept, _idf

    texts = ["ป้องกันยาเสพติดในสถานศึกษา", "พัฒนาการอ่าน", "ระบบสารสนเทศ"]
    cs = [_Concept("ยาเสพติด", [("ยาเสพติด",)]), _Concept("ตำรวจ", [("ตำรวจ",)])]
    full, weighted = _idf(cs, texts, 1.0), _idf(cs, texts)
    assert full["ตำรวจ"] > full["ยาเสพติด"]
    assert weighted["ตำรวจ"] == pytest.approx(ABSENT * full["ตำรวจ"]) and weighted["ยาเสพติด"] == full["ยาเสพติด"]


def test_clear_only_where_the_specific_words_point_to_one_strategy():
    from types import SimpleNamespace as NS

    from assistant.proposals.align import _split_clear

    def sf(number):
        return NS(number=number, label="clear")

    def items(*keys):
        return [NS(clear=True, keys=frozenset(keys))]

    # each strategy holds a word the other lacks: neither is clearly the one
    a, b = sf("3"), sf("4")
    _split_clear([a, b], {"3": items("ขนาดเล็ก"), "4": items("dltv")})
    assert (a.label, b.label) == ("possible", "possible")
    # the same words in a lower-ranked strategy: only the first stays clear
    a, b = sf("1"), sf("3")
    _split_clear([a, b], {"1": items("อ่านคล่อง", "คณิตศาสตร์"), "3": items("คณิตศาสตร์")})
    assert (a.label, b.label) == ("clear", "possible")
    # one clear strategy: untouched
    a = sf("2")
    _split_clear([a], {"2": items("ทุน")})
    assert a.label == "clear"
