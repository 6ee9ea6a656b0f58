"""The web chat in a real browser: Debian's Chromium driven by Playwright (no downloads).

Needs ``chromium`` and ``fonts-thai-tlwg`` (``make browser-deps``). Screenshots go to
test-artifacts/.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT, corpus_text

pytestmark = pytest.mark.integration

CHROMIUM = os.environ.get("PLANQA_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = ROOT / "test-artifacts"

Q_CM6 = "ค่าเป้าหมายตัวชี้วัดที่ 1 กลยุทธ์ที่ 1 ปี 2568 ของ สพป.เชียงใหม่ เขต 6"
Q_CLARIFY = "ค่าเป้าหมายตัวชี้วัดที่ 1 กลยุทธ์ที่ 1 ปี 2568"
DOC_CM6 = "spp-chiangmai-6_direction-2566-2570"
QUOTE_CM6 = ("๑\tร้อยละของผู้เรียนที่มีความรู้ความเข้าใจ และทักษะเพื่อรับมือกับภัยคุกคามรูปแบบใหม่ทุกรูปแบบ "
             "และทุกประเภท\tร้อยละ\t๘๐\t๘๕\t๙๐\t๙๕\t๑๐๐\tสพฐ./สพท./รร.")
CHIP_CM6 = "สพป.เชียงใหม่ เขต 6 · กลยุทธ์ที่ 1 · ตัวชี้วัดที่ 1"


def _need_browser():
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip("Debian chromium is not installed (make browser-deps)")
    return pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def base_url(built_index):
    from assistant.channels.http.app import create_app, running
    from assistant.channels.line import LineConfig
    from assistant.service import Assistant

    app = create_app(Assistant(built_index, hybrid=False), line_config=LineConfig())
    with running(app) as url:
        yield url


@pytest.fixture(scope="module")
def browser_context(tmp_path_factory):
    sync_api = _need_browser()
    ARTIFACTS.mkdir(exist_ok=True)
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_api.sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium"),
            headless=True, args=ARGS, viewport={"width": 1280, "height": 860}, locale="th-TH",
            permissions=["clipboard-read", "clipboard-write"])
        ctx.set_default_timeout(15_000)
        yield ctx
        ctx.close()


@pytest.fixture()
def page(browser_context, base_url):
    pg = browser_context.new_page()
    requests: list[str] = []
    pg.on("request", lambda r: requests.append(r.url))
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    # each test is a new visitor's conversation (the page keeps its history across reloads)
    pg.add_init_script("try { localStorage.removeItem('planqa.conversation'); } catch (e) {}")
    pg.goto(base_url + "/")
    pg.wait_for_function("() => document.getElementById('office').dataset.loaded === '4'")
    yield pg
    # the page never loads anything from outside the server
    outside = [u for u in requests if not u.startswith(base_url) and not u.startswith("data:")]
    assert outside == []
    assert errors == []
    pg.close()


def ask(page, question: str):
    page.fill("#question", question)
    page.press("#question", "Enter")
    page.wait_for_selector(".row.bot:not(.pending) .bubble >> nth=-1")
    page.wait_for_function("() => !document.querySelector('.pending') && !document.getElementById('send').disabled")
    return page.locator(".row.bot .bubble").last


def test_question_answer_chip_and_highlighted_source(page):
    options = page.locator("#office option").all_inner_texts()
    assert options == ["ทุกหน่วยงาน (ระบุในคำถาม)", "สพม.ลำปาง ลำพูน", "สพป.เชียงใหม่ เขต 6",
                       "สพป.ตรัง เขต 2", "สพป.ยโสธร เขต 2"]
    assert page.locator(".example").count() >= 4
    page.screenshot(path=str(ARTIFACTS / "web-welcome.png"))

    answer = ask(page, Q_CM6)
    assert page.locator(".row.user .bubble").last.inner_text() == Q_CM6
    text = answer.locator(".answer-text").inner_text()
    assert "- ปี 2568: ร้อยละ 90" in text
    assert text.startswith("สพป.เชียงใหม่ เขต 6 · กลยุทธ์ที่ 1 › ตัวชี้วัดที่ 1")
    chips = answer.locator(".chip")
    assert answer.locator(".chip .chip-label").all_inner_texts() == [CHIP_CM6]
    assert answer.locator(".chip .num").all_inner_texts() == ["1"]
    assert answer.locator(".followup").count() >= 1
    page.screenshot(path=str(ARTIFACTS / "web-answer.png"))

    chips.first.click()
    dialog = page.locator("dialog#source")
    dialog.wait_for(state="visible")
    mark = page.locator("#source-mark")
    mark.wait_for()
    assert mark.text_content() == QUOTE_CM6
    assert page.locator("#source-title").inner_text() == CHIP_CM6
    pre = page.locator("#source-text").text_content()
    full = corpus_text(DOC_CM6)
    assert QUOTE_CM6 in pre and len(pre) > len(QUOTE_CM6) + 200  # with context around it
    before = pre.split(QUOTE_CM6)[0].lstrip("…\n")
    assert full[full.index(QUOTE_CM6) - len(before): full.index(QUOTE_CM6)] == before
    assert mark.is_visible()
    bg = mark.evaluate("e => getComputedStyle(e).backgroundColor")
    assert bg == "rgb(255, 226, 138)"
    page.screenshot(path=str(ARTIFACTS / "web-source.png"))
    page.click("#source-ok")
    dialog.wait_for(state="hidden")

    # copy button puts the answer with its citation on the clipboard
    answer.locator(".copy").click()
    page.wait_for_function("() => document.querySelector('.copy.done') !== null")
    copied = page.evaluate("() => navigator.clipboard.readText()")
    assert "- ปี 2568: ร้อยละ 90" in copied and CHIP_CM6 in copied


def test_clarify_choices_are_buttons_and_a_click_answers(page):
    answer = ask(page, Q_CLARIFY)
    assert answer.get_attribute("data-status") == "clarify"
    buttons = answer.locator(".choice")
    assert buttons.all_inner_texts() == ["สพป.เชียงใหม่ เขต 6", "สพม.ลำปาง ลำพูน"]
    page.screenshot(path=str(ARTIFACTS / "web-clarify.png"))
    buttons.nth(1).click()
    page.wait_for_function("() => document.querySelectorAll('.row.bot .answer').length === 2 "
                           "&& !document.querySelector('.pending')")
    second = page.locator(".row.bot .bubble").last
    text = second.locator(".answer-text").inner_text()
    assert text.startswith("สพม.ลำปาง ลำพูน · นโยบายที่ 1 › ตัวชี้วัดที่ 1")
    assert "- ปี 2568: ร้อยละ 90" in text
    assert second.locator(".chip-label").all_inner_texts() == ["สพม.ลำปาง ลำพูน · นโยบายที่ 1 · ตัวชี้วัดที่ 1"]
    assert page.locator(".row.user .bubble").last.inner_text() == "สพม.ลำปาง ลำพูน"


def test_office_selector_and_example_button(page):
    page.select_option("#office", "spp-chiangmai-6")
    answer = ask(page, Q_CLARIFY)
    assert "- ปี 2568: ร้อยละ 90" in answer.locator(".answer-text").inner_text()
    page.select_option("#office", "")
    page.click("#clear")
    page.locator(".example").nth(1).click()  # วิสัยทัศน์ของ สพป.ตรัง เขต 2
    page.wait_for_selector(".row.bot .answer")
    page.wait_for_function("() => !document.querySelector('.pending')")
    text = page.locator(".row.bot .answer .answer-text").last.inner_text()
    assert text.startswith("วิสัยทัศน์ของ สพป.ตรัง เขต 2: \"สำนักงานเขตพื้นที่การศึกษาประถมศึกษาตรัง เขต 2")


def test_network_error_and_server_error_messages(page):
    page.route("**/api/ask", lambda route: route.abort("connectionrefused"))
    bubble = ask(page, Q_CM6)
    assert "error-bubble" in bubble.get_attribute("class")
    assert bubble.locator(".error-text").inner_text() == (
        "เชื่อมต่อเซิร์ฟเวอร์ไม่ได้ กรุณาตรวจสอบการเชื่อมต่ออินเทอร์เน็ตแล้วลองอีกครั้ง")
    page.unroute("**/api/ask")
    page.route("**/api/ask", lambda route: route.fulfill(status=502, body="<html>Bad Gateway</html>",
                                                         content_type="text/html"))
    bubble = ask(page, Q_CM6)
    assert bubble.locator(".error-text").inner_text().startswith("ระบบขัดข้องชั่วคราว")
    page.screenshot(path=str(ARTIFACTS / "web-errors.png"))
    page.unroute("**/api/ask")
    # retry now reaches the real server and answers
    bubble.locator(".retry").click()
    page.wait_for_function("() => !document.querySelector('.pending') && "
                           "document.querySelectorAll('.row.bot .answer').length === 1")
    assert "ร้อยละ 90" in page.locator(".row.bot .answer .answer-text").last.inner_text()
    # a 4xx shows the server's Thai message (the text box caps input at 2,000; bypass it)
    page.eval_on_selector("#question", "(e, v) => { e.value = v; }", "ก" * 2001)
    page.press("#question", "Enter")
    page.wait_for_function("() => !document.querySelector('.pending') && "
                           "document.querySelectorAll('.error-bubble').length === 2")
    bubble = page.locator(".row.bot .bubble").last
    assert bubble.locator(".error-text").inner_text().startswith("คำถามยาวเกินไป")


def test_phone_screen(page):
    page.set_viewport_size({"width": 390, "height": 844})
    answer = ask(page, Q_CM6)
    assert answer.locator(".chip").is_visible()
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, width  # no sideways scrolling
    box = page.locator("#composer").bounding_box()
    assert box["y"] + box["height"] <= 844 + 1 and box["width"] <= 390
    page.screenshot(path=str(ARTIFACTS / "web-phone.png"))
    answer.locator(".chip").first.click()
    page.locator("#source-mark").wait_for()
    dbox = page.locator("dialog#source").bounding_box()
    assert dbox["x"] >= 0 and dbox["x"] + dbox["width"] <= 390
    page.screenshot(path=str(ARTIFACTS / "web-phone-source.png"))
