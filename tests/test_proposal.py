"""Project alignment (`planqa align`) and proposal drafts (`planqa propose`).

Fast tests run on the structured index (lexical evidence only); the alignment quality
tests run on the full hybrid index (marked integration).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml

from assistant.domain import thai
from assistant.errors import PlanQAError
from assistant.proposals.draft import (
    SECTION_ORDER,
    Aligner,
    ProposalTemplates,
    alignment_payload,
    build_proposal,
    format_alignment,
    get_aligner,
    layout,
    render_markdown,
    summary_text,
)
from tests.conftest import CORPUS, DOC_000, DOC_002, DOC_004

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "eval" / "align_gold.yaml"
TODAY = dt.date(2025, 3, 1)  # fiscal year 2568
HEADINGS = ["ชื่อโครงการ", "แผนงาน / ความสอดคล้อง", "หลักการและเหตุผล", "วัตถุประสงค์", "เป้าหมาย",
            "วิธีดำเนินการ", "ระยะเวลาดำเนินการ", "งบประมาณ", "การประเมินผล", "ผลที่คาดว่าจะได้รับ",
            "ผู้รับผิดชอบโครงการ"]


@pytest.fixture(scope="module")
def lexical(built_index):
    """An assistant on the structured index only: alignment by word evidence."""
    from assistant.service import Assistant

    return Assistant(built_index, hybrid=False)


@pytest.fixture(scope="module")
def hybrid(hybrid_index):
    from assistant.service import Assistant

    a = Assistant(hybrid_index)
    a.warm()
    return a


def _draft(a, idea, office, year=2568):
    aligner = get_aligner(a)
    al = aligner.align(idea, office)
    return al, build_proposal(al, aligner, year, today=TODAY)


def _numbers(text: str) -> list[str]:
    return re.findall(r"\d+(?:\.\d+)*", thai.to_arabic(text))


def _check_figures(p, texts: dict[str, str]) -> None:
    """Every figure of the draft is in its citation's quote; every quote is exact."""
    assert p.citations
    for c in p.citations:
        assert texts[c.doc][c.start : c.end] == c.quote
    figures = p.figures()
    for value, ref in figures:
        assert value in thai.to_arabic(p.citations[ref - 1].quote), (value, p.citations[ref - 1].quote)
    # and no other number in the text: years of the plan/fiscal year, numbering, the
    # idea's own numbers, or numbers printed in a cited quote / section label
    md = render_markdown(p)
    body = md.split(f"## {p.headings['sources']}")[0]
    body = re.sub(r"\[\d+\]", " ", body)
    body = re.sub(r"(?m)^\s*(?:#+\s*)?\d+\.\s", " ", body)
    quoted = " ".join(thai.to_arabic(c.quote) + " " + c.section for c in p.citations)
    # Buddhist-era years (fiscal year, schedule, the plan's years) are dates, not figures
    allowed = set(_numbers(p.idea)) | set(_numbers(p.office)) | {str(y) for y in range(2550, 2600)}
    for n in _numbers(body):
        assert n in allowed or n in _numbers(quoted) or n in _numbers(p.plan_title), n


# ---------------------------------------------------------------- pieces


def test_vocabulary_matches_whole_tokens(lexical):
    aligner = Aligner(lexical)
    keys = {c.key: c for c in aligner.concepts("ซ้อมอพยพหนีไฟ")}
    assert "หนีไฟ" in keys and ("ภัยพิบัติ",) in keys["หนีไฟ"].alts
    assert "ไฟ" not in keys  # part of the phrase, not a word of its own
    # "นม" (milk) must not be read inside "นักเรียน ม.1-3"
    assert all(c.key != "นม" for c in aligner.concepts("ชุดฝึกสำหรับนักเรียน ม.1-3"))


def test_place_names_are_no_topic_words(lexical):
    # where a project happens says nothing about its topic: the plan names its own
    # province in many items ("สำนักงานเขตพื้นที่การศึกษา...ตรัง เขต 2")
    aligner = Aligner(lexical)
    keys = [c.key for c in aligner.concepts("พาเด็กไปเที่ยวพิพิธภัณฑ์ที่ลำปาง กับ น่าน")]
    assert "ลำปาง" not in keys and "น่าน" not in keys and "พิพิธภัณฑ์" in keys
    al = aligner.align("จัดงานวันเด็กที่จังหวัดตรัง", "spp-trang-2")
    assert all("ตรัง" not in t for sf in al.strategies for t in sf.best.terms)


def test_compound_split_into_plan_words(lexical):
    aligner = Aligner(lexical)
    plan = lexical.store.plans[DOC_000]
    words = aligner.plan_words(plan)
    c = next(c for c in aligner.concepts("ปลูกฝังความรักชาติ", words) if c.key == "ความรักชาติ")
    assert ("ความรัก", "ชาติ") in c.alts  # the plan writes "ความรักในสถาบันหลักของชาติ"
    assert c.found(thai.normalize("มีความรักในสถาบันหลักของชาติ"))


def test_fiscal_year_schedule(lexical):
    _, p = _draft(lexical, "ซ้อมอพยพหนีไฟ", "สพม.ลำปาง ลำพูน", 2568)
    assert (p.period_start, p.period_end) == ("ตุลาคม 2567", "กันยายน 2568")
    assert "ตุลาคม 2567 – กันยายน 2568" in p.duration
    phases = {a.phase: a.period for a in reversed(p.activities)}  # each phase's first activity
    assert phases["P"] == "ต.ค. 2567 – พ.ย. 2567"
    assert phases["D"] == "ธ.ค. 2567 – ก.ค. 2568"
    assert phases["C"] == "ส.ค. 2568"
    assert phases["A"] == "ก.ย. 2568"
    assert [a.phase for a in p.activities] == sorted((a.phase for a in p.activities), key="PDCA".index)


# ---------------------------------------------------------------- drafts (structured index)


def test_draft_sections_in_order(lexical):
    _, p = _draft(lexical, "ซ้อมอพยพหนีไฟ", "สพม.ลำปาง ลำพูน")
    assert [s.key for s in layout(p)] == list(SECTION_ORDER)
    md = render_markdown(p)
    pos = [md.find(f". {h}") for h in HEADINGS]
    assert all(x > 0 for x in pos) and pos == sorted(pos), pos
    assert "### เชิงปริมาณ" in md and "### เชิงคุณภาพ" in md
    assert md.index("เชิงปริมาณ") < md.index("เชิงคุณภาพ")
    assert "[กรอก:" in md
    assert p.title == "โครงการซ้อมอพยพหนีไฟ"


def test_draft_quotes_the_plan_with_citations(lexical, texts):
    al, p = _draft(lexical, "ซ้อมอพยพหนีไฟ", "สพม.ลำปาง ลำพูน")
    assert al.fits and al.strategies[0].number == "1"
    labels = [q.label for q in p.alignment]
    assert labels[0] == "นโยบายที่ 1"
    assert any(x.startswith("เป้าประสงค์") for x in labels)
    assert "แนวทางการพัฒนา ข้อ 1.2.3" in labels
    gl = next(q for q in p.alignment if q.label == "แนวทางการพัฒนา ข้อ 1.2.3")
    assert "การซักซ้อม" in gl.text and "ซักซ้อม" in p.citations[gl.ref - 1].quote
    assert p.targets and all(t.year == 2568 for t in p.targets)
    _check_figures(p, texts)


def test_every_figure_is_cited(lexical, texts):
    ideas = [("ติวเข้ม O-NET ป.6", "ตรัง 2", 2562), ("ซ้อมอพยพหนีไฟ", "ชม.6", 2568),
             ("สอนซ่อมเสริม ป.1 ให้อ่านออกเขียนได้", "สพป.ยโสธร เขต 2", 2566),
             ("ชุมนุมโค้ดดิ้งและหุ่นยนต์", "สพม.ลำปาง ลำพูน", 2569)]
    for idea, office, year in ideas:
        _, p = _draft(lexical, idea, office, year)
        assert p.figures(), idea
        _check_figures(p, texts)


def test_multi_value_target_as_printed(lexical):
    _, p = _draft(lexical, "ติวเข้ม O-NET ป.6", "ตรัง 2", 2562)
    t = next(t for t in p.targets if t.indicator == "ตัวชี้วัดที่ 12")
    assert {(v.sub_item, v.value) for v in t.values} == {("ป.6", "50"), ("ม.3", "50"), ("ม.6", "50")}
    assert "ป.6 ร้อยละ 50" in t.display


def test_budget_fields_are_empty(lexical):
    _, p = _draft(lexical, "ค่ายภาษาอังกฤษ ป.4-6", "ตรัง 2", 2562)
    assert p.budget and all(not (b.compensation or b.operating or b.materials or b.total) for b in p.budget)
    md = render_markdown(p)
    table = md.split("## 8. งบประมาณ")[1].split("## 9.")[0]
    rows = [r for r in table.splitlines() if r.startswith("| ") and "---" not in r][1:]
    assert rows
    for r in rows:
        cells = [c.strip() for c in r.strip("|").split("|")]
        assert cells[1:] == ["", "", "", ""], r
    assert "บาท" not in table


def test_year_without_target_says_so(lexical, texts):
    _, p = _draft(lexical, "ติวเข้ม O-NET ป.6", "ตรัง 2", 2568)
    assert any("2568" in n and "2562" in n for n in p.notes)
    t = p.targets[0]
    assert not t.has_value and not t.values
    assert "ไม่ได้กำหนดค่าเป้าหมายของปีงบประมาณ 2568" in t.display and "2562" in t.display
    _check_figures(p, texts)


def test_default_year(lexical):
    aligner = get_aligner(lexical)
    al = aligner.align("ซ้อมอพยพหนีไฟ", "ชม.6")
    assert build_proposal(al, aligner, None, today=dt.date(2024, 11, 5)).fiscal_year == 2568
    al = aligner.align("ติวเข้ม O-NET ป.6", "ตรัง 2")
    p = build_proposal(al, aligner, None, today=TODAY)
    assert p.fiscal_year == 2562 and any("2562" in n for n in p.notes)


def test_office_from_the_idea_and_unknown_offices(lexical):
    al = get_aligner(lexical).align("ซ้อมอพยพหนีไฟ สพม.ลำปาง ลำพูน")
    assert al.office_id == "spm-lampang-lamphun" and "ลำปาง" not in al.idea
    with pytest.raises(PlanQAError, match="กรุณาระบุหน่วยงาน"):
        get_aligner(lexical).align("ซ้อมอพยพหนีไฟ")
    with pytest.raises(PlanQAError, match="ยังไม่มีแผนของ"):
        get_aligner(lexical).align("ซ้อมอพยพหนีไฟ", "สพป.ขอนแก่น เขต 1")
    with pytest.raises(PlanQAError):
        get_aligner(lexical).align("   ", "ชม.6")


def test_no_fit_is_said_and_not_drafted(lexical):
    aligner = get_aligner(lexical)
    al = aligner.align("ซื้อหวยรัฐบาลประจำงวด", "ชม.6")
    assert not al.fits and "ยังไม่สอดคล้องชัดเจน" in al.message
    assert "ยังไม่สอดคล้องชัดเจน" in format_alignment(al, aligner.T)
    with pytest.raises(PlanQAError, match="ยังร่างโครงการไม่ได้"):
        build_proposal(al, aligner, 2568)


def test_alignment_text_and_payload(lexical):
    aligner = get_aligner(lexical)
    al = aligner.align("ซ้อมอพยพหนีไฟ", "สพม.ลำปาง ลำพูน")
    text = format_alignment(al, aligner.T, 2568)
    assert text.splitlines()[0] == 'แนวคิดโครงการ: "ซ้อมอพยพหนีไฟ"'
    assert "1. นโยบายที่ 1" in text and "เหตุผล:" in text and "แนวทางการพัฒนา ข้อ 1.2.3" in text
    data = alignment_payload(al, aligner.T, 2568)
    first = data["strategies"][0]
    assert first["number"] == "1" and first["citation"]["quote"]
    for item in first["guidelines"] + first["indicators"] + first["goals"]:
        assert item["reason"] and item["citation"]["quote"]
    for ind in first["indicators"]:
        assert all(t["year"] == 2568 for t in ind["targets"])
    assert "นโยบายที่ 1" in summary_text(al, aligner.T, 2568)


def test_cli_align_and_propose(built_index, tmp_path, capsys):
    from assistant import settings
    from assistant.channels.cli import main

    try:
        assert main(["--index", str(built_index), "align", "--office", "ลปลพ", "--year", "2568",
                     "ซ้อมอพยพหนีไฟ"]) == 0
        out = capsys.readouterr().out
        assert "นโยบายที่ 1" in out and "1.2.3" in out and "ปี 2568: ร้อยละ" in out
        assert main(["--index", str(built_index), "propose", "--office", "สพม.ลำปาง ลำพูน", "--year", "2568",
                     "ซ้อมอพยพหนีไฟ"]) == 0
        md = capsys.readouterr().out
        assert md.startswith("# แบบเสนอโครงการ ปีงบประมาณ 2568") and "## 1. ชื่อโครงการ" in md
        out_md, out_docx = tmp_path / "p.md", tmp_path / "p.docx"
        assert main(["--index", str(built_index), "propose", "--office", "ลปลพ", "--year", "2568",
                     "--out", str(out_md), "ซ้อมอพยพหนีไฟ"]) == 0
        assert out_md.read_text(encoding="utf-8").startswith("# แบบเสนอโครงการ")
        assert main(["--index", str(built_index), "propose", "--office", "ลปลพ", "--year", "2568",
                     "--out", str(out_docx), "ซ้อมอพยพหนีไฟ"]) == 0
        assert out_docx.read_bytes()[:2] == b"PK"
        capsys.readouterr()
        assert main(["--index", str(built_index), "propose", "--office", "ชม.6", "ซื้อหวยรัฐบาลประจำงวด"]) == 2
        assert "ยังร่างโครงการไม่ได้" in capsys.readouterr().err
    finally:
        settings.reset()


def test_api_router(lexical, tmp_path):
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from assistant.channels.http.proposals import DOCX_TYPE, proposal_router
    from assistant.stores.state import SqliteState

    app = FastAPI()
    app.include_router(proposal_router(lambda: lexical, state=SqliteState(tmp_path / "state.sqlite")))
    c = TestClient(app)
    r = c.post("/api/proposal", json={"idea": "ซ้อมอพยพหนีไฟ", "office": "สพม.ลำปาง ลำพูน", "year": "2568"})
    assert r.status_code == 200, r.text
    d = r.json()
    assert d["status"] == "draft" and d["fiscal_year"] == 2568 and d["markdown"].startswith("# แบบเสนอโครงการ")
    assert d["alignment"]["strategies"][0]["number"] == "1"
    docx = c.get(d["downloads"]["docx"])
    assert docx.status_code == 200 and docx.headers["content-type"] == DOCX_TYPE
    assert docx.content[:2] == b"PK" and "attachment" in docx.headers["content-disposition"]
    md = c.get(d["downloads"]["md"])
    assert md.status_code == 200 and md.text == d["markdown"]
    assert md.headers["content-type"].startswith("text/markdown")
    assert c.get("/api/proposal/000000000000.docx").json()["error"]["code"] == "unknown_proposal"
    r = c.post("/api/align", json={"idea": "ซ้อมอพยพหนีไฟ", "office": "ลปลพ"})
    assert r.status_code == 200 and r.json()["strategies"][0]["number"] == "1"
    r = c.post("/api/proposal", json={"idea": "ซื้อหวยรัฐบาลประจำงวด", "office": "ชม.6"})
    assert r.status_code == 200 and r.json()["status"] == "no_fit" and r.json()["message"]
    for body, code in (({"idea": " ", "office": "ชม.6"}, "empty_idea"),
                       ({"idea": "ค่ายภาษาอังกฤษ", "office": "สพป.ขอนแก่น เขต 1"}, "unknown_office"),
                       ({"idea": "ค่ายภาษาอังกฤษ", "office": "ชม.6", "year": "ปีหน้า"}, "invalid_year")):
        r = c.post("/api/proposal", json=body)
        assert r.status_code == 400 and r.json()["error"]["code"] == code, r.text
    r = c.post("/api/proposal", content=b"not json", headers={"content-type": "application/json"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "malformed_json"


def test_templates_cover_every_key():
    T = ProposalTemplates()
    for key in ("align_head", "align_none", "no_fit", "fill", "h_title", "h_responsible", "pdca_plan",
                "budget_cols", "eval_methods", "sign_lines", "vocabulary", "stopwords"):
        assert key in T.t, key
    assert T("fill", what="ชื่อสถานศึกษา") == "[กรอก: ชื่อสถานศึกษา]"


def test_gold_set_is_well_formed(store):
    from assistant.qa.records import Records

    gold = yaml.safe_load(GOLD.read_text(encoding="utf-8"))
    assert len(gold) >= 30
    offices = {g["office"] for g in gold}
    assert offices >= {"spp-chiangmai-6", "spp-yasothon-2", "spp-trang-2", "spm-lampang-lamphun"}
    ids = [g["id"] for g in gold]
    assert len(ids) == len(set(ids))
    records = Records(store)
    for g in gold:
        plan = next(p for p in store.plans.values() if p.office_id == g["office"])
        numbers = {s.number for s in plan.strategies}
        assert set(g["strategies"]) <= numbers, g["id"]
        for rid in g.get("evidence") or []:
            rec = records.get(rid)
            assert rec is not None, (g["id"], rid)
            assert rec.strategy.number in g["strategies"], (g["id"], rid)


# ---------------------------------------------------------------- alignment quality (hybrid)


@pytest.mark.integration
def test_fire_drill_lampang_cites_guideline_1_2_3(hybrid):
    al = get_aligner(hybrid).align("ซ้อมอพยพหนีไฟ", "สพม.ลำปาง ลำพูน")
    assert al.fits and al.dense
    first = al.strategies[0]
    assert (first.kind, first.number) == ("นโยบาย", "1")
    assert first.best.record_id == f"{DOC_004}/s1/g1.2.3"
    gl = first.guidelines[0]
    assert gl.number == "1.2.3" and "ซักซ้อม" in gl.citation.quote
    assert gl.reason and first.reason
    text = (CORPUS / f"{DOC_004}.txt").read_text(encoding="utf-8")
    assert text[gl.citation.start : gl.citation.end] == gl.citation.quote


@pytest.mark.integration
@pytest.mark.parametrize("idea, office, number, record", [
    ("ค่ายภาษาอังกฤษ ป.4-6", "สพป.เชียงใหม่ เขต 6", "3", f"{DOC_000}/s3/g5"),
    ("ห้องเรียนดิจิทัล", "สพป.ตรัง เขต 2", "4", f"{DOC_002}/s4/g2.6"),
    ("ซ้อมอพยพหนีไฟ", "ชม.6", "1", f"{DOC_000}/s1/g6"),
    ("นักเรียนหลายคนมีภาวะซึมเศร้าและความเครียด โรงเรียนจะคัดกรองสุขภาพจิตนักเรียน "
     "จัดครูที่ปรึกษาดูแลใกล้ชิด และบันทึกข้อมูลในระบบ MOE Safety Platform",
     "สพม.ลำปาง ลำพูน", "1", f"{DOC_004}/s1/i3"),
])
def test_short_and_long_ideas(hybrid, idea, office, number, record):
    al = get_aligner(hybrid).align(idea, office)
    assert al.fits and al.strategies[0].number == number
    first = al.strategies[0]
    shown = [f.record_id for f in [first.best, *first.guidelines, *first.indicators]]
    assert record in shown, shown


@pytest.mark.integration
def test_no_fit_with_vectors(hybrid):
    for idea, office in (("ซื้อหวยรัฐบาลประจำงวด", "ชม.6"), ("ซ่อมรถกระบะส่วนตัวของผู้อำนวยการ", "ลปลพ"),
                         ("qwerty asdf", "ตรัง 2")):
        al = get_aligner(hybrid).align(idea, office)
        assert not al.fits, idea
        assert "ยังไม่สอดคล้องชัดเจน" in al.message


@pytest.mark.integration
def test_gold_alignment_accuracy(hybrid):
    from assistant.qa.evaluate import align_eval

    gold = yaml.safe_load(GOLD.read_text(encoding="utf-8"))
    rows = align_eval(hybrid, gold)
    top1 = sum(r["top1"] for r in rows) / len(rows)
    top3 = sum(r["top3"] for r in rows) / len(rows)
    misses = [(r["gold"]["id"], r["ranked"][:3]) for r in rows if not r["top1"]]
    assert top1 >= 0.85, misses
    assert top3 >= 0.98, misses


@pytest.mark.integration
@pytest.mark.parametrize("name", ["align_gold.yaml", "align_calibration.yaml"])
def test_alignment_eval_meets_the_targets(hybrid, name):
    """`planqa eval` on the development ideas and the held-out calibration ideas:
    top-1 >= 90%, top-3 >= 98%, "สอดคล้องชัดเจน" precision >= 95%, and a right
    first-ranked strategy never said to be "no fit"."""
    from assistant.proposals.align_eval import TARGETS, evaluate, load_ideas, summary

    rows = evaluate(get_aligner(hybrid), load_ideas(ROOT / "eval" / name))
    s = summary(rows)
    misses = [(r["gold"]["id"], list(zip(r["ranked"][:3], r["labels"][:3], strict=True))) for r in rows
              if not r["top1"] or len(r["clear_right"]) < len(r["clear"])]
    assert s["top1"] >= TARGETS["top1"] and s["top3"] >= TARGETS["top3"], misses
    assert s["clear_precision"] >= TARGETS["clear"] and s["clear_claimed"] >= len(rows) // 4, misses
    assert s["nofit_on_right"] == 0


@pytest.mark.integration
def test_draft_chiangmai6_fy2568_quotes_target_as_printed(hybrid, texts):
    al, p = _draft(hybrid, "ซ้อมอพยพหนีไฟ", "สพป.เชียงใหม่ เขต 6", 2568)
    assert p.fiscal_year == 2568 and p.office == "สพป.เชียงใหม่ เขต 6"
    t = p.targets[0]
    assert t.has_value and [v.year for v in t.values] == [2568]
    quote = p.citations[t.ref - 1].quote
    assert t.text.split()[0] in quote
    value = t.values[0]
    printed = texts[DOC_000][value.span.start : value.span.end]
    assert printed in quote and thai.to_arabic(printed) == value.value  # e.g. ๙๐ → 90
    assert f"ค่าเป้าหมายปีงบประมาณ 2568: ร้อยละ {value.value}" in t.display
    md = render_markdown(p)
    assert t.display in md and f"[{t.ref}]" in md
    _check_figures(p, texts)
