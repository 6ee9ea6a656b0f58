"""The web chat keeps its conversation: history on reload, past conversations, "ดูต่อ"
paging and thumbs-up/down feedback (Chromium, like tests/test_web_browser.py)."""

from __future__ import annotations

import pytest

from tests.test_web_browser import ask, base_url, browser_context  # noqa: F401  (fixtures)

pytestmark = pytest.mark.integration

YS_LIST = "ตัวชี้วัดของ สพป.ยโสธร เขต 2 กลยุทธ์ที่ 1"


def test_history_paging_and_feedback(browser_context, base_url):  # noqa: F811
    pg = browser_context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.goto(base_url + "/")
    pg.click("#clear")  # a new conversation
    first = ask(pg, YS_LIST)
    assert "แสดงรายการที่ 1–10 จาก 17 ตัว" in first.locator(".answer-text").inner_text()
    first.locator(".see-more").click()
    pg.wait_for_function("() => !document.querySelector('.pending') && "
                         "document.querySelectorAll('.row.bot .answer').length === 2")
    second = pg.locator(".row.bot .bubble").last
    assert "17. กลยุทธ์ที่ 1 › ตัวชี้วัดที่ 17" in second.locator(".answer-text").inner_text()
    assert second.locator(".see-more").count() == 0
    # thumbs down with a comment is accepted by the server (storage: tests/test_conversation.py)
    second.locator(".thumb-down").click()
    second.locator(".feedback-comment").fill("อยากให้แสดงค่าเป้าหมายด้วย")
    second.locator(".feedback-send").click()
    pg.wait_for_selector(".feedback-done")
    fb = pg.evaluate("() => fetch('/api/conversations/' + encodeURIComponent("
                     "localStorage.getItem('planqa.conversation'))).then(r => r.json())")
    assert [t["question"] for t in fb["turns"]] == [YS_LIST, "ดูต่อ"]
    # reload: the history is back
    pg.reload()
    pg.wait_for_function("() => document.querySelectorAll('.row.bot .answer').length === 2")
    assert pg.locator(".row.user .bubble").all_inner_texts() == [YS_LIST, "ดูต่อ"]
    # the past conversations list names it
    pg.click(".history-toggle")
    pg.wait_for_selector(".history-item")
    assert any(t.startswith(YS_LIST) for t in pg.locator(".history-item").all_inner_texts())
    assert errors == []
    pg.close()
