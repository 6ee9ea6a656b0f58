"""LINE end to end for proposals: a "which strategy fits" answer carries a "ร่างโครงการ"
quick reply, and tapping it (its text comes back as a message) drafts the proposal with
the same aligner, through the local fake Messaging API of tests/test_line.py."""

from __future__ import annotations

import pytest

from tests.test_line import (  # noqa: F401  (fixtures)
    assistant,
    client,
    fake,
    messages_of,
    post,
    state,
    text_event,
)


@pytest.fixture(autouse=True)
def _no_public_url(monkeypatch):
    monkeypatch.delenv("PLANQA_PUBLIC_URL", raising=False)


def test_alignment_answer_offers_a_draft_and_the_tap_drafts_it(client, fake, assistant):  # noqa: F811
    from assistant.proposals.align import get_aligner

    post(client, [text_event("ซ้อมอพยพหนีไฟ เข้ากลยุทธ์ไหน ชม.6")])
    msg = messages_of(fake.wait_replies(1, timeout=120)[0])[-1]
    assert msg["text"].startswith('โครงการ "ซ้อมอพยพหนีไฟ" น่าจะสอดคล้องกับ')
    actions = [i["action"] for i in msg["quickReply"]["items"]]
    draft = actions[0]  # first: one tap drafts the proposal
    assert draft == {"type": "message", "label": "ร่างโครงการ", "text": "ร่างโครงการ: ซ้อมอพยพหนีไฟ สพป.เชียงใหม่ เขต 6"}

    post(client, [text_event(draft["text"])])
    text = "\n".join(m["text"] for m in messages_of(fake.wait_replies(2, timeout=120)[1]))
    al = get_aligner(assistant).align("ซ้อมอพยพหนีไฟ", "สพป.เชียงใหม่ เขต 6")
    assert al.fits and al.strategies[0].number == "1"
    # the same best strategy as the chat answer, and where to get the .docx (no public URL here)
    assert f"กลยุทธ์ที่ {al.strategies[0].number} {al.strategies[0].title}" in text
    assert "แท็บ \"ร่างโครงการ\"" in text


def test_a_question_that_is_no_alignment_offers_no_draft(client, fake):  # noqa: F811
    post(client, [text_event("ตัวชี้วัดของ ชม.6 มีอะไรบ้าง")])
    msg = messages_of(fake.wait_replies(1, timeout=120)[0])[-1]
    labels = [i["action"]["label"] for i in (msg.get("quickReply") or {}).get("items", [])]
    assert "ร่างโครงการ" not in labels
