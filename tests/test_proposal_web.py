"""Proposal drafts over HTTP, in the web tab and on LINE.

The API and LINE tests whose alignment quality matters run on the full hybrid index
(marked integration); bad input runs on the structured index. The browser test drives
Debian's Chromium (test-artifacts/web-proposal*.png).
"""

from __future__ import annotations

import io
import json
import re
import threading
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from fastapi.testclient import TestClient

from assistant.channels.http.app import create_app, running
from assistant.channels.line import LineConfig, proposal_idea, text_len
from assistant.proposals.docx import docx_text
from assistant.service import Assistant
from tests.conftest import DOC_004, corpus_text
from tests.test_line import SECRET, TOKEN, FakeLine, messages_of, post, postback_event, text_event

IDEA = "ซ้อมอพยพหนีไฟ"
OFFICE = "สพม.ลำปาง ลำพูน"
OFFICE_ID = "spm-lampang-lamphun"
NO_FIT = "ซ่อมรถกระบะส่วนตัวของผู้อำนวยการ"
HEADING_2568 = "แบบเสนอโครงการ ปีงบประมาณ 2568"
PUBLIC = "https://planqa.example.go.th"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
THAI = re.compile(r"[\u0e00-\u0e7f]")


@pytest.fixture(scope="module")
def lexical(built_index):
    return Assistant(built_index, hybrid=False)


@pytest.fixture(scope="module")
def hybrid(hybrid_index):
    a = Assistant(hybrid_index)
    a.warm()
    return a


@pytest.fixture(scope="module")
def lclient(lexical):
    with TestClient(create_app(lexical, line_config=LineConfig())) as c:
        yield c


@pytest.fixture(scope="module")
def hclient(hybrid):
    with TestClient(create_app(hybrid, line_config=LineConfig())) as c:
        yield c


def error_of(r, status: int, code: str | None = None) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert list(body) == ["error"]
    err = body["error"]
    assert set(err) == {"code", "message_th", "message_en"}
    if code:
        assert err["code"] == code, err
    assert THAI.search(err["message_th"]), err
    assert re.match(r"[A-Z\"]", err["message_en"]), err
    return err


def docx_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert z.testzip() is None
        return z.read("word/document.xml").decode("utf-8")


def draft(client, idea=IDEA, office=OFFICE, year=2568) -> dict:
    body = {"idea": idea, "office": office}
    if year is not None:
        body["year"] = year
    r = client.post("/api/proposal", json=body)
    assert r.status_code == 200, r.text
    return r.json()


# ---------------------------------------------------------------- API: drafts


@pytest.mark.integration
def test_proposal_aligns_with_policy_1_and_downloads_work(hclient):
    text = corpus_text(DOC_004)
    data = draft(hclient)
    assert data["status"] == "draft"
    assert data["office"] == OFFICE and data["fiscal_year"] == 2568
    assert data["title"] == "โครงการซ้อมอพยพหนีไฟ"
    al = data["alignment"]
    first = al["strategies"][0]
    assert (first["kind"], first["number"]) == ("นโยบาย", "1") and first["fits"]
    assert first["strength"] == "สอดคล้องชัดเจน" and first["reason"]
    # every citation of the alignment is an exact passage of the plan
    cites = [first["citation"]] + [i["citation"] for g in ("goals", "guidelines", "indicators") for i in first[g]]
    for c in cites:
        assert c["doc"] == DOC_004 and text[c["start"] : c["end"]] == c["quote"]
    assert any(i["number"] == "1.2.3" for i in first["guidelines"])
    assert data["markdown"].startswith(f"# {HEADING_2568}\n")
    assert data["downloads"] == {"docx": f"/api/proposal/{data['id']}.docx", "pdf": f"/api/proposal/{data['id']}.pdf",
                                 "md": f"/api/proposal/{data['id']}.md"}
    import shutil

    if shutil.which("soffice") or shutil.which("libreoffice"):  # the PDF export (LibreOffice)
        r = hclient.get(data["downloads"]["pdf"])
        assert r.status_code == 200 and r.headers["content-type"] == "application/pdf" and r.content[:5] == b"%PDF-"

    r = hclient.get(data["downloads"]["docx"])
    assert r.status_code == 200 and r.headers["content-type"] == DOCX_TYPE
    assert r.headers["content-disposition"].startswith("attachment;")
    xml = docx_xml(r.content)
    assert HEADING_2568 in xml and "นโยบายที่ 1" in xml
    assert HEADING_2568 in docx_text(r.content)

    r = hclient.get(data["downloads"]["md"])
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/markdown")
    assert r.text.startswith(f"# {HEADING_2568}\n") and "## 1. ชื่อโครงการ" in r.text
    assert r.text == data["markdown"]

    # /api/align: the same ranking, more strategies on request
    r = hclient.post("/api/align", json={"idea": IDEA, "office": OFFICE_ID, "top": 5})
    assert r.status_code == 200
    ranked = r.json()["strategies"]
    assert len(ranked) == 5 and ranked[0]["number"] == "1"


@pytest.mark.integration
def test_form_and_fields_put_the_teachers_text_in_the_docx_and_nothing_else(hclient):
    data = draft(hclient)
    form = hclient.get(f"/api/proposal/{data['id']}/form").json()
    assert form["id"] == data["id"] and form["document"] == HEADING_2568
    assert [s["heading"] for s in form["sections"]][:2] == ["1. ชื่อโครงการ", "2. แผนงาน / ความสอดคล้อง"]
    fields = {f["key"]: f for f in form["fields"]}
    assert fields["title"]["value"] == "โครงการซ้อมอพยพหนีไฟ"
    school = next(f for f in form["fields"] if f["label"] == "ชื่อสถานศึกษา")
    person = next(f for f in form["fields"] if f["label"] == "ชื่อ-สกุล ตำแหน่ง")
    budget = [f for f in form["fields"] if f["kind"] == "budget"]
    assert len(budget) == 4 * len(data["draft"]["budget"])
    assert all(f["value"] == "" for f in budget)  # the plan gives no amounts: none is made up
    # the title section: the name as an input; it is mirrored where the narrative repeats it
    assert form["sections"][0]["blocks"][0]["text"] == [{"field": "title"}]
    segs = [s for sec in form["sections"] for b in sec["blocks"] for s in b.get("text", [])]
    assert {"field": "title", "mirror": True} in segs
    # the sources are the plan's exact text with their chip labels
    text = corpus_text(DOC_004)
    assert form["sources"][0]["label"] == f"{OFFICE} · นโยบายที่ 1"
    assert all(text[s["start"] : s["end"]] == s["quote"] for s in form["sources"])

    name = "โครงการซ้อมอพยพหนีไฟ โรงเรียนบ้านทุ่งทดสอบ"
    edits = {"title": name, school["key"]: "โรงเรียนบ้านทุ่งทดสอบ", person["key"]: "นางสาวใจดี ทดสอบ ครูชำนาญการ",
             "b1.materials": "3,500", "b3.total": "3,500"}
    r = hclient.post(f"/api/proposal/{data['id']}/fields", json={"fields": edits})
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["base"] == data["id"] and out["id"] != data["id"] and out["title"] == name
    doc = docx_text(hclient.get(out["downloads"]["docx"]).content)
    assert name in doc and "สถานศึกษา / หน่วยงาน: โรงเรียนบ้านทุ่งทดสอบ สังกัด" in doc
    assert "ผู้รับผิดชอบโครงการ: นางสาวใจดี ทดสอบ ครูชำนาญการ" in doc
    assert "ด้วยเหตุนี้ โรงเรียนบ้านทุ่งทดสอบ จึงจัดทำ" + name in doc  # both places, and the mirror
    assert "3,500" in doc and "[กรอก: ชื่อสถานศึกษา]" not in doc
    md = hclient.get(out["downloads"]["md"]).text
    original = hclient.get(data["downloads"]["md"]).text
    assert "[กรอก: ชื่อสถานศึกษา]" in original and name not in original  # the original draft is kept

    def part(m, start, end):
        return m.split(start, 1)[1].split(end, 1)[0]

    # what the plan says (alignment table, targets, sources) is untouched
    assert part(md, "## 2.", "## 3.") == part(original, "## 2.", "## 3.")
    assert part(md, "## 9.", "## 10.") == part(original, "## 9.", "## 10.")
    assert md.split("## แหล่งอ้างอิงจากแผน")[1] == original.split("## แหล่งอ้างอิงจากแผน")[1]
    # same edits, same draft; no edits, the draft itself
    again = hclient.post(f"/api/proposal/{data['id']}/fields", json={"fields": edits}).json()
    assert again["id"] == out["id"]
    same = hclient.post(f"/api/proposal/{data['id']}/fields", json={"fields": {"title": fields["title"]["value"]}})
    assert same.json()["id"] == data["id"]


@pytest.mark.integration
def test_no_fit_gives_the_message_and_closest_strategies(hclient):
    data = draft(hclient, NO_FIT)
    assert data["status"] == "no_fit" and "id" not in data
    assert THAI.search(data["message"]) and NO_FIT in data["message"]
    assert data["alignment"]["fits"] is False
    assert data["alignment"]["strategies"] and not any(s["fits"] for s in data["alignment"]["strategies"])


def test_proposal_on_the_structured_index_and_year_forms(lclient):
    data = draft(lclient, year="๒๕๖๘")
    assert data["status"] == "draft" and data["fiscal_year"] == 2568
    assert data["alignment"]["strategies"][0]["number"] == "1"
    assert draft(lclient, year="2569")["fiscal_year"] == 2569
    assert draft(lclient, year=None)["fiscal_year"] >= 2568


def test_new_endpoints_are_documented(lclient):
    spec = lclient.get("/openapi.json").json()
    for path in ("/api/align", "/api/proposal", "/api/proposal/{pid}.docx", "/api/proposal/{pid}.md",
                 "/api/proposal/{pid}/form", "/api/proposal/{pid}/fields"):
        assert path in spec["paths"], path


# ---------------------------------------------------------------- API: bad input

BAD = [
    # (description, path, body bytes, status, code)
    ("empty idea", "/api/proposal", {"idea": "", "office": OFFICE}, 400, "empty_idea"),
    ("blank idea", "/api/proposal", {"idea": "  \n\t ", "office": OFFICE}, 400, "empty_idea"),
    ("no idea", "/api/proposal", {"office": OFFICE}, 400, "empty_idea"),
    ("idea number", "/api/proposal", {"idea": 5, "office": OFFICE}, 400, "invalid_request"),
    ("too long idea", "/api/proposal", {"idea": "ก" * 2001, "office": OFFICE}, 400, "idea_too_long"),
    ("1 MB idea", "/api/proposal", {"idea": "ก" * (1 << 20), "office": OFFICE}, 413, "body_too_large"),
    ("1 MB idea (align)", "/api/align", {"idea": "ก" * (1 << 20), "office": OFFICE}, 413, "body_too_large"),
    ("unknown office", "/api/proposal", {"idea": IDEA, "office": "สพป.ไม่มีจริง"}, 400, "unknown_office"),
    ("office without a plan", "/api/proposal", {"idea": IDEA, "office": "สพป.เชียงราย เขต 1"}, 400, "unknown_office"),
    ("unknown office (align)", "/api/align", {"idea": IDEA, "office": "xyz"}, 400, "unknown_office"),
    ("bad year", "/api/proposal", {"idea": IDEA, "office": OFFICE, "year": "ปีหน้า"}, 400, "invalid_year"),
    ("malformed json", "/api/proposal", b'{"idea": "x', 400, "malformed_json"),
    ("json array", "/api/proposal", b'["idea"]', 400, "malformed_json"),
]


@pytest.mark.parametrize("desc,path,body,status,code", BAD, ids=[b[0] for b in BAD])
def test_bad_proposal_input_gets_json_4xx(lclient, desc, path, body, status, code):
    raw = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
    t = time.monotonic()
    r = lclient.post(path, content=raw, headers={"Content-Type": "application/json"})
    assert time.monotonic() - t < 5
    err = error_of(r, status, code)
    if code == "unknown_office":
        # says which office, or that it is not known, and which offices have a plan
        assert body["office"] in err["message_th"] or "ไม่รู้จักหน่วยงาน" in err["message_th"]
        assert "office" in err["message_en"].lower()
    assert lclient.get("/healthz").status_code == 200


def test_bad_fields_and_unknown_drafts(lclient):
    pid = draft(lclient)["id"]
    base = f"/api/proposal/{pid}/fields"
    error_of(lclient.post(base, json={"fields": {"no-such-field": "x"}}), 400, "unknown_field")
    error_of(lclient.post(base, json={"fields": {"title": "ก" * 201}}), 400, "field_too_long")
    error_of(lclient.post(base, json={"fields": {"title": 5}}), 400, "invalid_request")
    error_of(lclient.post(base, json={"fields": ["title"]}), 400, "invalid_request")
    error_of(lclient.post(base, json=["x"]), 400, "invalid_request")
    error_of(lclient.post(base, content=b"title=x", headers={"Content-Type": "text/plain"}), 415,
             "unsupported_media_type")
    error_of(lclient.post(base, content=b'{"fields": ' + b"[" * 70000, headers={"Content-Type": "application/json"}),
             413, "body_too_large")
    for path in ("/api/proposal/nosuchid/form", "/api/proposal/nosuchid.docx", "/api/proposal/nosuchid.md"):
        error_of(lclient.get(path), 404, "unknown_proposal")
    error_of(lclient.post("/api/proposal/nosuchid/fields", json={"fields": {}}), 404, "unknown_proposal")
    # control characters and line breaks become spaces
    pid2 = lclient.post(base, json={"fields": {"title": "โครงการ\x00ทดสอบ\nสอง"}}).json()["id"]
    assert lclient.get(f"/api/proposal/{pid2}.md").text.split("## 1. ชื่อโครงการ\n\n")[1].startswith(
        "โครงการ ทดสอบ สอง\n")


def test_index_missing_answers_503(monkeypatch):
    from assistant import service
    from assistant.errors import IndexMissingError

    def missing():
        raise IndexMissingError()

    monkeypatch.setattr(service, "get_assistant", missing)
    with TestClient(create_app(line_config=LineConfig())) as c:
        for path in ("/api/proposal", "/api/align"):
            err = error_of(c.post(path, json={"idea": IDEA, "office": OFFICE}), 503, "index_missing")
            assert "planqa ingest" in err["message_th"]


def test_project_name_is_never_mirrored_into_the_plans_text(lclient):
    from dataclasses import replace

    from assistant.channels.http.app import DraftForm

    p = lclient.app.state.proposal_drafts.get(draft(lclient)["id"])
    assert DraftForm(p).title == p.title  # mirrored where the template repeats it
    # a name that is also words of a quoted plan passage: only the title itself changes
    words = p.alignment[0].text[:12]
    q = replace(p, title=words, rationale=[*p.rationale, f"จึงจัดทำ{words} เพื่อ"])
    form = DraftForm(q)
    assert form.title is None
    edited = form.apply({"title": "โครงการใหม่"})
    assert edited.title == "โครงการใหม่" and edited.rationale == q.rationale and edited.alignment == q.alignment


def test_drafting_runs_on_the_answer_threads(lexical, monkeypatch):
    """Drafting is CPU work: it runs in worker threads (the event loop keeps serving)
    and takes the same ANSWER_THREADS slots as /api/ask."""
    from assistant.channels.http import app as server
    from assistant.channels.http import proposals as proposal_api

    monkeypatch.setattr(server, "ANSWER_THREADS", 2)
    real = proposal_api.build_proposal
    running_now, peak, lock = [0], [0], threading.Lock()

    def slow(*args, **kw):
        with lock:
            running_now[0] += 1
            peak[0] = max(peak[0], running_now[0])
        time.sleep(0.8)
        with lock:
            running_now[0] -= 1
        return real(*args, **kw)

    monkeypatch.setattr(proposal_api, "build_proposal", slow)
    app = create_app(lexical, line_config=LineConfig())
    with running(app) as url, httpx.Client(base_url=url, timeout=60) as http:
        def one(_):
            return http.post("/api/proposal", json={"idea": IDEA, "office": OFFICE_ID}).json()["status"]

        with ThreadPoolExecutor(4) as pool:
            futures = [pool.submit(one, i) for i in range(4)]
            time.sleep(0.3)
            t = time.monotonic()
            assert http.get("/healthz").status_code == 200
            health = time.monotonic() - t
            assert [f.result() for f in futures] == ["draft"] * 4
    assert health < 0.5, health
    assert peak[0] == 2, peak  # never more than ANSWER_THREADS at once


# ---------------------------------------------------------------- LINE


def test_proposal_message_forms():
    assert proposal_idea("ร่างโครงการ: ซ้อมอพยพหนีไฟ") == "ซ้อมอพยพหนีไฟ"
    assert proposal_idea("ร่างโครงการ：ซ้อมอพยพหนีไฟ สพม.ลำปาง ลำพูน") == "ซ้อมอพยพหนีไฟ สพม.ลำปาง ลำพูน"
    assert proposal_idea("  ร่างโครงการ  ซ้อมอพยพ\nหนีไฟ ") == "ซ้อมอพยพ หนีไฟ"
    assert proposal_idea("ร่างโครงการ :ค่ายภาษาอังกฤษ") == "ค่ายภาษาอังกฤษ"
    assert proposal_idea("ร่างโครงการ:") == "" and proposal_idea("ร่างโครงการ") == ""
    assert proposal_idea("ร่างโครงการต้องมีหัวข้ออะไรบ้าง") is None
    assert proposal_idea("วิสัยทัศน์ของ สพป.ตรัง เขต 2") is None


@pytest.fixture()
def fake():
    f = FakeLine()
    yield f
    f.close()


@pytest.fixture()
def line_client(hybrid, fake):
    app = create_app(hybrid, line_config=LineConfig(SECRET, TOKEN, fake.url))
    with TestClient(app) as c:
        yield c


def _reply_text(reply: dict) -> str:
    msgs = messages_of(reply)
    assert 1 <= len(msgs) <= 5 and all(text_len(m["text"]) <= 5000 for m in msgs)
    return "\n".join(m["text"] for m in msgs)


@pytest.mark.integration
def test_line_proposal_asks_the_office_then_replies_with_alignment_and_link(line_client, fake, monkeypatch):
    monkeypatch.setenv("PLANQA_PUBLIC_URL", PUBLIC + "/")
    post(line_client, [text_event(f"ร่างโครงการ: {IDEA}", token="tok-idea")])
    msg = messages_of(fake.wait_replies(1)[0])[-1]
    assert msg["text"].startswith(f"จะร่างโครงการ \"{IDEA}\" ให้สอดคล้องกับแผนของหน่วยงานใด?")
    actions = [i["action"] for i in msg["quickReply"]["items"]]
    assert [a["label"] for a in actions] == ["สพม.ลำปาง ลำพูน", "สพป.เชียงใหม่ เขต 6", "สพป.ตรัง เขต 2",
                                             "สพป.ยโสธร เขต 2"]
    assert all(a["type"] == "postback" for a in actions)
    assert json.loads(actions[0]["data"]) == {"p": IDEA, "o": OFFICE_ID}

    post(line_client, [postback_event(actions[0]["data"], token="tok-office")])
    reply = fake.wait_replies(2, timeout=60)[1]
    assert reply["body"]["replyToken"] == "tok-office"
    text = _reply_text(reply)
    assert text.startswith(f"แนวคิดโครงการ: \"{IDEA}\"\nเทียบกับแผนของ {OFFICE}:")
    assert "1. นโยบายที่ 1 ส่งเสริมการจัดการศึกษาให้นักเรียนมีความมั่งคง" in text and "[สอดคล้องชัดเจน]" in text
    assert "แนวทางการพัฒนา ข้อ 1.2.3" in text and "ค่าเป้าหมาย ปี" in text
    assert "ข้อที่สอดคล้องรองลงมา:\n2. นโยบายที่" in text
    assert "\nอ้างอิง:\n[1] สพม.ลำปาง ลำพูน · นโยบายที่ 1\n" in text
    m = re.search(re.escape(PUBLIC) + r"(/api/proposal/[0-9a-f]+\.docx)", text)
    assert m, text
    # the link is served by the same server: a real .docx with the Thai heading
    r = line_client.get(m.group(1))
    assert r.status_code == 200 and r.headers["content-type"] == DOCX_TYPE
    assert "แบบเสนอโครงการ ปีงบประมาณ" in docx_xml(r.content)
    assert len(fake.loadings) == 2


@pytest.mark.integration
def test_line_proposal_with_the_office_in_the_text(line_client, fake, monkeypatch):
    monkeypatch.setenv("PLANQA_PUBLIC_URL", PUBLIC)
    post(line_client, [text_event(f"ร่างโครงการ {IDEA} {OFFICE}")])
    text = _reply_text(fake.wait_replies(1, timeout=60)[0])
    assert "1. นโยบายที่ 1" in text and f"{PUBLIC}/api/proposal/" in text
    # full-width colon, no public URL: how to get the draft instead of a link
    monkeypatch.delenv("PLANQA_PUBLIC_URL")
    post(line_client, [text_event(f"ร่างโครงการ：{IDEA} {OFFICE}")])
    text = _reply_text(fake.wait_replies(2, timeout=60)[1])
    assert "1. นโยบายที่ 1" in text and "http" not in text
    assert "หน้าเว็บของระบบ แท็บ \"ร่างโครงการ\"" in text


@pytest.mark.integration
def test_line_proposal_help_no_fit_and_unknown_office(line_client, fake, monkeypatch):
    monkeypatch.setenv("PLANQA_PUBLIC_URL", PUBLIC)
    post(line_client, [text_event("ร่างโครงการ:", token="t-empty"),
                       text_event(f"ร่างโครงการ: {NO_FIT} {OFFICE}", token="t-nofit"),
                       text_event(f"ร่างโครงการ: {IDEA} สพป.เชียงราย เขต 1", token="t-noplan")])
    replies = {r["body"]["replyToken"]: _reply_text(r) for r in fake.wait_replies(3, timeout=60)}
    assert replies["t-empty"].startswith("พิมพ์แนวคิดโครงการต่อจากคำว่า ร่างโครงการ:")
    nofit = replies["t-nofit"]
    assert NO_FIT in nofit and "ยังไม่สอดคล้องชัดเจน" in nofit
    assert "ข้อที่ใกล้เคียงที่สุด (ยังไม่ชัดเจน):\n1. นโยบายที่" in nofit and "http" not in nofit
    assert "สพป.เชียงราย เขต 1" in replies["t-noplan"] and "มีแผนของ" in replies["t-noplan"]


# ---------------------------------------------------------------- the web tab in Chromium


@pytest.fixture(scope="module")
def web_url(hybrid):
    with running(create_app(hybrid, line_config=LineConfig())) as url:
        yield url


@pytest.fixture(scope="module")
def browser_context(tmp_path_factory):
    from pathlib import Path

    from tests.test_web_browser import ARGS, ARTIFACTS, CHROMIUM, _need_browser

    sync_api = _need_browser()
    ARTIFACTS.mkdir(exist_ok=True)
    profile = tmp_path_factory.mktemp("chromium-proposal")
    with sync_api.sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM if Path(CHROMIUM).exists() else None,
            headless=True, args=ARGS, viewport={"width": 1280, "height": 900}, locale="th-TH",
            accept_downloads=True)
        ctx.set_default_timeout(60_000)
        yield ctx
        ctx.close()


@pytest.fixture()
def page(browser_context, web_url):
    pg = browser_context.new_page()
    requests: list[str] = []
    pg.on("request", lambda r: requests.append(r.url))
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.goto(web_url + "/")
    pg.wait_for_function("() => document.getElementById('p-office').dataset.loaded === '4'")
    yield pg
    outside = [u for u in requests if not u.startswith(web_url) and not u.startswith("data:")]
    assert outside == []
    assert errors == []
    pg.close()


def _submit(page, idea: str, office: str):
    page.fill("#p-idea", idea)
    page.select_option("#p-office", label=office)
    page.click("#p-submit")
    page.wait_for_function("() => !document.getElementById('p-submit').disabled")


@pytest.mark.integration
def test_web_tab_alignment_citation_edit_and_docx_download(page):
    from tests.test_web_browser import ARTIFACTS

    page.click("#tab-proposal")
    assert page.locator("#proposal-panel").is_visible() and not page.locator("#thread").is_visible()
    assert page.evaluate("() => location.hash") == "#proposal"
    year = page.input_value("#p-year")
    assert re.fullmatch(r"25\d\d", year)  # the current Thai fiscal year
    page.fill("#p-year", "2568")
    _submit(page, IDEA, OFFICE)
    assert page.locator("#p-status").inner_text().startswith("ร่างเสร็จแล้ว")

    first = page.locator(".p-strategy").first
    assert first.locator(".p-strategy-name").inner_text() == "นโยบายที่ 1"
    assert first.locator(".badge").inner_text() == "สอดคล้องชัดเจน"
    assert first.locator(".p-reason").inner_text().startswith("เหตุผล: ")
    chips = first.locator(".chip")
    assert chips.count() >= 3
    assert chips.first.locator(".chip-label").inner_text() == f"{OFFICE} · นโยบายที่ 1"
    page.screenshot(path=str(ARTIFACTS / "web-proposal.png"))

    # a citation chip opens the source passage, highlighted in the plan's text
    guideline = first.locator(".chip", has_text="แนวทางการพัฒนา ข้อ 1.2.3")
    guideline.click()
    mark = page.locator("#source-mark")
    mark.wait_for()
    quote = mark.text_content()
    assert quote.startswith("1.2.3 จัดกิจกรรมในการสร้างความตระหนักรู้") and quote in corpus_text(DOC_004)
    assert page.locator("#source-title").inner_text() == f"{OFFICE} · นโยบายที่ 1 · แนวทางการพัฒนา ข้อ 1.2.3"
    page.click("#source-ok")
    page.locator("dialog#source").wait_for(state="hidden")

    # the draft preview: edit the project name (mirrored in the rationale), the school and a budget cell
    assert page.input_value("#pf-title") == "โครงการซ้อมอพยพหนีไฟ"
    assert page.locator("#p-doc .p-doc-title").inner_text() == HEADING_2568
    name = "โครงการซ้อมอพยพหนีไฟ ปลอดภัยไว้ก่อน"
    page.fill("#pf-title", name)
    assert page.locator("#p-doc .mirror").first.inner_text() == name
    school = page.locator("#p-doc input[aria-label='ชื่อสถานศึกษา']")
    assert school.count() == 2  # typed once, shown in both places
    school.first.fill("โรงเรียนบ้านทุ่งทดสอบ")
    assert school.nth(1).input_value() == "โรงเรียนบ้านทุ่งทดสอบ"
    page.fill("#pf-b1-materials", "2,000")
    assert page.locator("#p-save").inner_text().startswith("มีการแก้ไข")
    page.locator("#p-draft .p-sec-rationale").scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "web-proposal-draft.png"))

    with page.expect_download() as info:
        page.click("#p-docx")
    download = info.value
    assert download.suggested_filename.endswith(".docx")
    data = open(download.path(), "rb").read()
    xml = docx_xml(data)
    assert HEADING_2568 in xml
    doc = docx_text(data)
    assert name in doc and "สถานศึกษา / หน่วยงาน: โรงเรียนบ้านทุ่งทดสอบ สังกัด" in doc and "2,000" in doc
    assert page.locator("#p-save").inner_text().startswith("บันทึกการแก้ไขแล้ว")

    with page.expect_download() as info:
        page.click("#p-md")
    md = open(info.value.path(), encoding="utf-8").read()
    assert md.startswith(f"# {HEADING_2568}") and f"\n{name}\n" in md

    # a [n] reference in the preview opens its source too
    page.locator("#p-doc .p-sec-alignment .ref").first.click()
    page.locator("#source-mark").wait_for()
    assert page.locator("#source-title").inner_text() == f"{OFFICE} · นโยบายที่ 1"
    page.click("#source-ok")


@pytest.mark.integration
def test_web_tab_no_fit_errors_and_phone(page):
    from tests.test_web_browser import ARTIFACTS

    page.goto(page.url.split("#")[0] + "#proposal")  # opens on the tab
    page.reload()
    page.wait_for_function("() => document.getElementById('p-office').dataset.loaded === '4'")
    assert page.locator("#proposal-panel").is_visible()
    # client-side checks before anything is sent
    page.click("#p-submit")
    assert page.locator("#p-status").inner_text() == "กรุณาพิมพ์แนวคิดโครงการ"
    page.fill("#p-idea", IDEA)
    page.click("#p-submit")
    assert page.locator("#p-status").inner_text() == "กรุณาเลือกหน่วยงาน"
    # no strategy fits: the Thai message and the closest strategies, no draft
    _submit(page, NO_FIT, OFFICE)
    assert NO_FIT in page.locator("#p-message").inner_text()
    assert "ข้อที่ใกล้เคียงที่สุด" in page.locator("#p-message").inner_text()
    assert page.locator(".p-strategy.weak").count() >= 1 and page.locator(".p-strategy.fits").count() == 0
    assert page.locator("#p-draft").is_hidden()
    # a server error shows the Thai message
    page.route("**/api/proposal", lambda route: route.fulfill(status=502, body="Bad Gateway", content_type="text/html"))
    _submit(page, IDEA, OFFICE)
    assert page.locator("#p-status").inner_text().startswith("ระบบขัดข้องชั่วคราว")
    page.unroute("**/api/proposal")
    # phone: no sideways scrolling; tables scroll inside their box
    page.set_viewport_size({"width": 390, "height": 844})
    _submit(page, IDEA, OFFICE)
    assert page.locator("#pf-title").is_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(ARTIFACTS / "web-proposal-phone.png"))
    page.locator("#p-draft .p-sec-budget").scroll_into_view_if_needed()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(ARTIFACTS / "web-proposal-phone-budget.png"))
    # the tables themselves fit: stacked cards, each cell under its column's name
    overflow = page.evaluate("""() => [...document.querySelectorAll('#p-doc .p-table-wrap')]
        .filter(w => w.scrollWidth > w.clientWidth + 1).length""")
    assert overflow == 0
    assert page.locator("#p-doc .p-sec-budget td[data-label='ค่าตอบแทน']").count() >= 1


@pytest.mark.integration
def test_chat_alignment_answer_opens_the_draft(page):
    page.fill("#question", "ซ้อมอพยพหนีไฟ เข้ากลยุทธ์ไหน ชม.6")
    page.press("#question", "Enter")
    page.wait_for_selector(".row.bot .answer .p-from-answer")
    btn = page.locator(".row.bot .answer .p-from-answer").last
    assert btn.inner_text() == "ร่างโครงการจากคำตอบนี้"
    btn.click()
    assert page.locator("#proposal-panel").is_visible()
    assert page.locator("#p-idea").input_value() == "ซ้อมอพยพหนีไฟ"
    assert page.locator("#p-office option:checked").inner_text() == "สพป.เชียงใหม่ เขต 6"
    page.wait_for_selector("#pf-title", state="visible")
    assert page.locator(".p-strategy").first.locator(".p-strategy-name").inner_text() == "กลยุทธ์ที่ 1"
    assert page.locator("#p-pdf").is_visible()
    # a question that is not an alignment gets no such button
    page.click("#tab-chat")
    page.fill("#question", "ตัวชี้วัดของ ชม.6 มีอะไรบ้าง")
    page.press("#question", "Enter")
    page.wait_for_function("() => document.querySelectorAll('.row.bot .answer').length === 2")
    assert page.locator(".row.bot .answer").last.locator(".p-from-answer").count() == 0
