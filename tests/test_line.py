"""LINE webhook: signature checks, replies through a local fake Messaging API, LINE limits."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from fastapi.testclient import TestClient

from assistant.channels.http.app import create_app
from assistant.channels.line import (
    MAX_TEXT,
    LineConfig,
    build_messages,
    signature_of,
    split_text,
    text_len,
)
from assistant.service import Assistant

SECRET = "test-channel-secret"
TOKEN = "test-access-token"
Q_CM6 = "ค่าเป้าหมายตัวชี้วัดที่ 1 กลยุทธ์ที่ 1 ปี 2568 ของ สพป.เชียงใหม่ เขต 6"
Q_CLARIFY = "ค่าเป้าหมายตัวชี้วัดที่ 1 กลยุทธ์ที่ 1 ปี 2568"
USER = "U0123456789abcdef0123456789abcdef"


class FakeLine:
    """A tiny Messaging API on 127.0.0.1 recording reply and loading calls."""

    def __init__(self):
        self.calls: list[dict] = []
        self.fail_replies = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                n = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(n)
                call = {"path": self.path, "auth": self.headers.get("Authorization"),
                        "content_type": self.headers.get("Content-Type"),
                        "body": json.loads(raw or b"{}")}
                outer.calls.append(call)
                if call["auth"] != f"Bearer {TOKEN}":
                    return self._send(401, {"message": "Authentication failed"})
                if self.path == "/v2/bot/message/reply":
                    if outer.fail_replies:
                        outer.fail_replies -= 1
                        return self._send(500, {"message": "boom"})
                    return self._send(200, {"sentMessages": [{"id": str(i), "quoteToken": "q"}
                                                             for i, _ in enumerate(call["body"]["messages"])]})
                if self.path == "/v2/bot/chat/loading/start":
                    return self._send(202, {})
                return self._send(404, {"message": "Not found"})

            def _send(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)
        self.thread.start()

    def of(self, path: str) -> list[dict]:
        return [c for c in self.calls if c["path"] == path]

    @property
    def replies(self) -> list[dict]:
        return self.of("/v2/bot/message/reply")

    @property
    def loadings(self) -> list[dict]:
        return self.of("/v2/bot/chat/loading/start")

    def wait_replies(self, n: int, timeout: float = 10) -> list[dict]:
        deadline = time.monotonic() + timeout
        while len(self.replies) < n and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.replies

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture()
def assistant(built_index, state):
    # conversations live in the test's own state store, so no test inherits another's turns
    return Assistant(built_index, hybrid=False, state=state)


@pytest.fixture()
def fake():
    f = FakeLine()
    yield f
    f.close()


@pytest.fixture()
def state(tmp_path):
    from assistant.stores.state import SqliteState

    st = SqliteState(tmp_path / "state.sqlite")
    yield st
    st.close()


@pytest.fixture()
def client(assistant, fake, state):
    app = create_app(assistant, line_config=LineConfig(SECRET, TOKEN, fake.url), state=state)
    app.state.line_bot.rules = replace(app.state.line_bot.rules, backoff=0.05)
    with TestClient(app) as c:
        yield c


_counter = iter(range(1, 10**9))


def text_event(text: str, *, source: dict | None = None, event_id: str | None = None,
               redelivery: bool = False, token: str | None = None) -> dict:
    n = next(_counter)
    return {
        "type": "message", "mode": "active", "timestamp": 1700000000000 + n,
        "source": source or {"type": "user", "userId": USER},
        "webhookEventId": event_id or f"01HEVENT{n:018d}",
        "deliveryContext": {"isRedelivery": redelivery},
        "replyToken": token or f"reply-token-{n}",
        "message": {"id": str(n), "type": "text", "quoteToken": f"qt{n}", "text": text},
    }


def postback_event(data: str, *, token: str | None = None) -> dict:
    n = next(_counter)
    return {
        "type": "postback", "mode": "active", "timestamp": 1700000000000 + n,
        "source": {"type": "user", "userId": USER}, "webhookEventId": f"01HPOST{n:019d}",
        "deliveryContext": {"isRedelivery": False}, "replyToken": token or f"reply-token-{n}",
        "postback": {"data": data},
    }


def post(client, events: list[dict], *, signature: str | None = "auto", raw: bytes | None = None):
    body = raw if raw is not None else json.dumps({"destination": "Ubot", "events": events},
                                                  ensure_ascii=False).encode("utf-8")
    headers = {"Content-Type": "application/json"}
    if signature == "auto":
        headers["X-Line-Signature"] = signature_of(SECRET, body)
    elif signature is not None:
        headers["X-Line-Signature"] = signature
    return client.post("/line/webhook", content=body, headers=headers)


def messages_of(reply: dict) -> list[dict]:
    return reply["body"]["messages"]


# ---------------------------------------------------------------- answering


def test_text_message_is_answered_with_value_citation_and_quick_replies(client, fake):
    r = post(client, [text_event(Q_CM6, token="tok-cm6")])
    assert r.status_code == 200 and r.json() == {"status": "ok"}
    replies = fake.wait_replies(1)
    assert len(replies) == 1
    reply = replies[0]
    assert reply["auth"] == f"Bearer {TOKEN}"
    assert reply["body"]["replyToken"] == "tok-cm6"
    msgs = messages_of(reply)
    assert len(msgs) == 1 and msgs[0]["type"] == "text"
    text = msgs[0]["text"]
    assert "- ปี 2568: ร้อยละ 90" in text
    # citations as short lines under the answer
    assert text.endswith("อ้างอิง:\n[1] สพป.เชียงใหม่ เขต 6 · กลยุทธ์ที่ 1 · ตัวชี้วัดที่ 1")
    items = msgs[0]["quickReply"]["items"]
    assert 1 <= len(items) <= 13
    actions = [i["action"] for i in items]
    assert all(a["type"] == "message" and len(a["label"]) <= 20 for a in actions)
    assert {"label": "ค่าเป้าหมายทุกปี", "type": "message",
            "text": "ค่าเป้าหมายตัวชี้วัดที่ 1 กลยุทธ์ที่ 1 ของ สพป.เชียงใหม่ เขต 6"} in actions
    # the loading animation was shown to the user first, with the same token
    assert len(fake.loadings) == 1
    assert fake.loadings[0]["body"] == {"chatId": USER, "loadingSeconds": 20}
    assert fake.loadings[0]["auth"] == f"Bearer {TOKEN}"
    assert fake.calls.index(fake.loadings[0]) < fake.calls.index(reply)


def test_follow_up_quick_reply_text_is_answered(client, fake):
    post(client, [text_event(Q_CM6)])
    first = fake.wait_replies(1)[0]
    follow = next(i["action"]["text"] for i in messages_of(first)[0]["quickReply"]["items"]
                  if i["action"]["label"] == "ค่าเป้าหมายทุกปี")
    post(client, [text_event(follow)])
    text = messages_of(fake.wait_replies(2)[1])[0]["text"]
    for line in ("- ปี 2566: ร้อยละ 80", "- ปี 2567: ร้อยละ 85", "- ปี 2568: ร้อยละ 90",
                 "- ปี 2569: ร้อยละ 95", "- ปี 2570: ร้อยละ 100"):
        assert line in text


def test_group_chat_gets_no_loading_animation(client, fake):
    # a group message is answered when it addresses the bot (here: the "บอท" prefix)
    post(client, [text_event(f"บอท {Q_CM6}", source={"type": "group", "groupId": "C123", "userId": USER})])
    replies = fake.wait_replies(1)
    assert "ร้อยละ 90" in messages_of(replies[0])[0]["text"]
    assert fake.loadings == []


def test_clarify_offers_office_buttons_and_a_tap_answers(client, fake):
    post(client, [text_event(Q_CLARIFY)])
    msg = messages_of(fake.wait_replies(1)[0])[-1]
    assert msg["text"].startswith("แผนของแต่ละหน่วยงานต่างกัน ต้องการถามของหน่วยงานใด?")
    actions = [i["action"] for i in msg["quickReply"]["items"]]
    assert [a["label"] for a in actions] == ["สพป.เชียงใหม่ เขต 6", "สพม.ลำปาง ลำพูน"]
    assert all(a["type"] == "postback" for a in actions)
    assert actions[1]["displayText"] == "สพม.ลำปาง ลำพูน"
    assert json.loads(actions[1]["data"]) == {"q": Q_CLARIFY, "o": "spm-lampang-lamphun"}
    # tapping the button sends the postback back to the webhook
    post(client, [postback_event(actions[1]["data"], token="tok-tap")])
    reply = fake.wait_replies(2)[1]
    assert reply["body"]["replyToken"] == "tok-tap"
    text = messages_of(reply)[0]["text"]
    assert text.startswith("สพม.ลำปาง ลำพูน · นโยบายที่ 1 › ตัวชี้วัดที่ 1")
    assert "- ปี 2568: ร้อยละ 90" in text
    assert "[1] สพม.ลำปาง ลำพูน · นโยบายที่ 1 · ตัวชี้วัดที่ 1" in text


def test_strategy_clarify_choices_fit_quick_reply_labels(client, fake):
    post(client, [text_event("ค่าเป้าหมายตัวชี้วัดที่ 1 ปี 2568 ของ สพม.ลำปาง ลำพูน")])
    msg = messages_of(fake.wait_replies(1)[0])[-1]
    actions = [i["action"] for i in msg["quickReply"]["items"]]
    assert [a["displayText"] for a in actions] == [f"นโยบายที่ {n} ตัวชี้วัดที่ 1" for n in range(1, 6)]
    assert all(len(a["label"]) <= 20 for a in actions)
    post(client, [postback_event(actions[1]["data"])])
    text = messages_of(fake.wait_replies(2)[1])[0]["text"]
    assert text.startswith("สพม.ลำปาง ลำพูน · นโยบายที่ 2 › ตัวชี้วัดที่ 1")
    assert "- ปี 2568: ร้อยละ 90" in text


@pytest.mark.parametrize("message", [
    {"type": "sticker", "packageId": "446", "stickerId": "1988", "stickerResourceType": "STATIC"},
    {"type": "image", "contentProvider": {"type": "line"}},
    {"type": "location", "title": "x", "address": "y", "latitude": 13.7, "longitude": 100.5},
])
def test_non_text_messages_get_thai_help(client, fake, message):
    ev = text_event("x")
    ev["message"] = {"id": "99", **message}
    if message["type"] in ("sticker", "image"):
        ev["message"]["quoteToken"] = "qt"
    post(client, [ev])
    msgs = messages_of(fake.wait_replies(1)[0])
    assert len(msgs) == 1
    assert msgs[0]["text"].startswith("ขออภัย ตอนนี้ผู้ช่วยอ่านได้เฉพาะข้อความ")
    assert "ค่าเป้าหมายตัวชี้วัดที่ 1 กลยุทธ์ที่ 1 ปี 2568 ของ สพป.เชียงใหม่ เขต 6" in msgs[0]["text"]
    assert fake.loadings == []


def test_follow_event_gets_a_greeting_and_bad_postback_a_hint(client, fake):
    n = next(_counter)
    follow = {"type": "follow", "mode": "active", "timestamp": 1700000000000 + n,
              "source": {"type": "user", "userId": USER}, "webhookEventId": f"01HFOLLOW{n:017d}",
              "deliveryContext": {"isRedelivery": False}, "replyToken": "tok-follow",
              "follow": {"isUnblocked": False}}
    post(client, [follow, postback_event("not-json", token="tok-bad")])
    replies = {r["body"]["replyToken"]: messages_of(r)[0]["text"] for r in fake.wait_replies(2)}
    assert replies["tok-follow"].startswith("สวัสดีครับ ผู้ช่วยนี้ตอบคำถามเกี่ยวกับแผนพัฒนาการศึกษา")
    assert replies["tok-bad"] == "ขออภัย ตัวเลือกนี้หมดอายุแล้ว กรุณาพิมพ์คำถามอีกครั้ง"


def test_redelivered_event_is_answered_once(client, fake):
    ev = text_event(Q_CM6, event_id="01HREDELIVERY0000000000001")
    assert post(client, [ev]).status_code == 200
    again = dict(ev, deliveryContext={"isRedelivery": True})
    assert post(client, [again]).status_code == 200
    assert post(client, [again]).status_code == 200
    time.sleep(0.3)
    assert len(fake.replies) == 1
    # a different event is still answered
    post(client, [text_event(Q_CM6)])
    assert len(fake.wait_replies(2)) == 2


def test_several_events_in_one_delivery(client, fake):
    post(client, [text_event(Q_CM6, token="t1"), text_event("วิสัยทัศน์ของ สพป.ตรัง เขต 2", token="t2")])
    replies = fake.wait_replies(2)
    by_token = {r["body"]["replyToken"]: messages_of(r)[0]["text"] for r in replies}
    assert "ร้อยละ 90" in by_token["t1"]
    assert by_token["t2"].startswith("วิสัยทัศน์ของ สพป.ตรัง เขต 2: \"สำนักงานเขตพื้นที่การศึกษาประถมศึกษาตรัง เขต 2 เป็นองค์กรที่มีสมรรถนะสูง (HPO)")


def test_failed_reply_is_retried_then_logged_and_next_event_served(client, fake, caplog):
    # a 5xx is retried (settings.line_retries = 2): three failures in a row give up and log
    fake.fail_replies = 3
    post(client, [text_event(Q_CM6, token="first")])
    post(client, [text_event(Q_CM6, token="after")])
    replies = fake.wait_replies(4)
    assert [r["body"]["replyToken"] for r in replies] == ["first"] * 3 + ["after"]
    assert "LINE reply failed" in caplog.text
    fake.fail_replies = 1  # one failure: the retry delivers the reply
    post(client, [text_event(Q_CM6, token="retried")])
    replies = fake.wait_replies(6)
    assert [r["body"]["replyToken"] for r in replies[4:]] == ["retried", "retried"]


def test_empty_events_verification_request(client, fake):
    r = post(client, [])
    assert r.status_code == 200
    assert fake.calls == []


# ---------------------------------------------------------------- hostile input


def test_missing_signature_is_rejected_without_processing(client, fake):
    r = post(client, [text_event(Q_CM6)], signature=None)
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "missing_signature"
    time.sleep(0.2)
    assert fake.calls == []


@pytest.mark.parametrize("sig", ["", "AAAA", "bm90IGEgc2lnbmF0dXJl", signature_of("other-secret", b"{}"),
                                 "ลายเซ็นปลอม".encode()])
def test_forged_signature_is_rejected_without_processing(client, fake, sig):
    r = post(client, [text_event(Q_CM6)], signature=sig)
    assert r.status_code in (400, 401)
    err = r.json()["error"]
    assert err["code"] in ("missing_signature", "invalid_signature")
    assert err["message_th"] and err["message_en"]
    time.sleep(0.2)
    assert fake.calls == []


def test_signature_of_another_body_is_rejected(client, fake):
    body = json.dumps({"events": [text_event(Q_CM6)]}).encode()
    sig = signature_of(SECRET, body)
    tampered = body.replace(b"\\u0e51", b"\\u0e52") if b"\\u0e51" in body else body + b" "
    r = post(client, [], signature=sig, raw=tampered)
    assert r.status_code == 401 and r.json()["error"]["code"] == "invalid_signature"
    assert fake.calls == []


@pytest.mark.parametrize("raw", [b"not json", b"\xff\xfe\x00binary", b"[]", b'{"events": 5}',
                                 b'{"events": [{"type": "message"}]}'])
def test_signed_but_malformed_body_is_400(client, fake, raw):
    r = post(client, [], raw=raw)
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "invalid_request"
    assert client.get("/healthz").status_code == 200
    assert fake.calls == []


def test_oversized_webhook_body_is_413(client, fake):
    raw = b'{"events": [], "pad": "' + b"x" * (1024 * 1024) + b'"}'
    r = post(client, [], raw=raw)
    assert r.status_code == 413
    assert r.json()["error"]["code"] == "body_too_large"
    assert fake.calls == []


def test_disabled_without_env_answers_503_and_logs_how_to_enable(assistant, monkeypatch, caplog):
    monkeypatch.delenv("LINE_CHANNEL_SECRET", raising=False)
    monkeypatch.delenv("LINE_CHANNEL_ACCESS_TOKEN", raising=False)
    with caplog.at_level("WARNING", logger="planqa.line"):
        app = create_app(assistant)
    assert "set LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN" in caplog.text
    c = TestClient(app)
    r = c.post("/line/webhook", content=b"{}", headers={"X-Line-Signature": "x"})
    assert r.status_code == 503
    assert r.json()["error"]["code"] == "line_disabled"
    assert c.get("/healthz").json()["line"] is False


def test_config_from_env(monkeypatch):
    monkeypatch.setenv("LINE_CHANNEL_SECRET", "s")
    monkeypatch.setenv("LINE_CHANNEL_ACCESS_TOKEN", "t")
    monkeypatch.delenv("LINE_API_HOST", raising=False)
    cfg = LineConfig.from_env()
    assert cfg.enabled and cfg.api_host == "https://api.line.me"
    monkeypatch.setenv("LINE_API_HOST", "http://127.0.0.1:9/")
    assert LineConfig.from_env().api_host == "http://127.0.0.1:9"


# ---------------------------------------------------------------- LINE limits


def test_split_text_keeps_lines_and_limit():
    lines = [f"{i}. ร้อยละของผู้เรียนที่มีความรู้ความเข้าใจ และทักษะเพื่อรับมือกับภัยคุกคามรูปแบบใหม่" for i in range(400)]
    text = "\n".join(lines)
    pieces = split_text(text)
    assert len(pieces) > 1
    assert all(text_len(p) <= MAX_TEXT for p in pieces)
    # split only at line boundaries: nothing lost, no line cut
    assert "\n".join(pieces) == text


def test_split_text_long_line_at_spaces():
    words = ["ส่งเสริมการจัดการศึกษาให้ผู้เรียน"] * 600
    text = " ".join(words)
    pieces = split_text(text)
    assert all(text_len(p) <= MAX_TEXT for p in pieces)
    assert " ".join(pieces) == text


def test_split_text_counts_utf16_and_hard_cuts_unbroken_text():
    text = "😀" * 6000  # 12,000 UTF-16 units, no break anywhere
    pieces = split_text(text)
    assert all(text_len(p) <= MAX_TEXT for p in pieces)
    assert "".join(pieces) == text


def test_build_messages_caps_five_messages_and_length():
    long = "\n".join(f"บรรทัดที่ {i} " + "ข้อความยาว " * 40 for i in range(2000))
    payload = {"spans": [{"start": 0, "end": 1, "label": f"สพป.ตรัง เขต 2 · กลยุทธ์ที่ {i}"} for i in range(20)],
               "choice_requests": [{"label": f"ตัวเลือกที่ยาวมากเกินยี่สิบตัวอักษร {i}", "question": "q", "office": None}
                                   for i in range(20)],
               "followups": []}
    msgs = build_messages(long, payload)
    assert len(msgs) == 5
    assert all(text_len(m.text) <= MAX_TEXT for m in msgs)
    assert msgs[-1].text.endswith("ดูคำตอบเต็มได้ที่หน้าเว็บ)")
    assert all(m.quick_reply is None for m in msgs[:-1])
    items = msgs[-1].quick_reply.items
    assert len(items) == 13
    assert all(len(i.action.label) <= 20 for i in items)


def test_real_long_answer_fits(assistant):
    from assistant.channels.http.app import ask_payload

    ans = assistant.ask("ตัวชี้วัดของกลยุทธ์ที่ 3 ของ สพป.ยโสธร เขต 2")
    assert ans.status == "answered" and len(ans.citations) > 8
    msgs = build_messages(ans.answer, ask_payload(assistant, ans))
    assert 1 <= len(msgs) <= 5
    assert all(text_len(m.text) <= MAX_TEXT for m in msgs)
    joined = "\n".join(m.text for m in msgs)
    assert joined.startswith(ans.answer)
    assert joined.startswith("ตัวชี้วัดของ สพป.ยโสธร เขต 2 กลยุทธ์ที่ 3 มี 23 ตัว:")
    assert "\nอ้างอิง:\n[1] สพป.ยโสธร เขต 2 · กลยุทธ์ที่ 3 · ตัวชี้วัดที่ 25\n" in joined
    assert joined.endswith(f"…และอีก {len(ans.citations) - 8} แหล่ง")  # more than 8 sources are summarised


# ---------------------------------------------------------------- groups, standby, postbacks


GROUP = {"type": "group", "groupId": "C0123456789abcdef0123456789abcdef", "userId": USER}
ROOM = {"type": "room", "roomId": "R0123456789abcdef0123456789abcdef", "userId": USER}


def mention_event(text: str, mentionees: list[dict], source: dict) -> dict:
    ev = text_event(text, source=source)
    ev["message"]["mention"] = {"mentionees": mentionees}
    return ev


@pytest.mark.parametrize("source", [GROUP, ROOM], ids=["group", "room"])
def test_group_answers_only_when_addressed(client, fake, source):
    bot_name = "@planqa บอท"
    post(client, [
        text_event("สวัสดีทุกคน ประชุมกี่โมง", source=source, token="smalltalk"),
        # a mention of somebody else is not for the bot
        mention_event(f"@สมชาย {Q_CM6}", [{"index": 0, "length": 6, "type": "user", "userId": "Uother"}], source),
        text_event(f"บอทอะไร {Q_CM6}", source=source, token="not-a-prefix"),
        mention_event(f"{bot_name} {Q_CM6}", [{"index": 0, "length": len(bot_name), "type": "user",
                                                "userId": "Ubot", "isSelf": True}], source),
        text_event("บอท: วิสัยทัศน์ของ สพป.ตรัง เขต 2", source=source, token="prefixed"),
        {**text_event("x", source=source), "message": {"id": "7", "type": "sticker", "packageId": "1",
                                                        "stickerId": "1", "stickerResourceType": "STATIC",
                                                        "quoteToken": "q"}},
    ])
    replies = fake.wait_replies(2)
    time.sleep(0.3)
    assert len(fake.replies) == 2
    by_text = [messages_of(r)[0]["text"] for r in fake.replies]
    assert "- ปี 2568: ร้อยละ 90" in by_text[0]
    assert by_text[1].startswith("วิสัยทัศน์ของ สพป.ตรัง เขต 2:")
    assert fake.replies[1]["body"]["replyToken"] == "prefixed"
    # follow-up buttons in a group address the bot too
    follow = [i["action"]["text"] for i in messages_of(replies[0])[0]["quickReply"]["items"]
              if i["action"]["type"] == "message"]
    assert follow and all(t.startswith("บอท ") for t in follow)
    assert fake.loadings == []


def test_one_to_one_always_answers(client, fake):
    post(client, [text_event("วิสัยทัศน์ของ สพป.ตรัง เขต 2")])
    assert messages_of(fake.wait_replies(1)[0])[0]["text"].startswith("วิสัยทัศน์ของ สพป.ตรัง เขต 2:")


def test_standby_events_are_ignored(client, fake):
    post(client, [dict(text_event(Q_CM6), mode="standby"),
                  dict(postback_event(json.dumps({"q": Q_CM6, "o": None})), mode="standby")])
    time.sleep(0.5)
    assert fake.replies == [] and fake.loadings == []
    assert client.app.state.line_bot.pending() == 0


@pytest.mark.parametrize("data", ['{"q":null}', '{"q":1,"o":null}', '{"q":"x","o":5}', '{"p":["a"]}',
                                  '["q"]', '{"q":""}', '"q"', "null"])
def test_invalid_postback_data_gets_the_expired_hint(client, fake, data):
    post(client, [postback_event(data, token="tok-pb")])
    [reply] = fake.wait_replies(1)
    assert messages_of(reply)[0]["text"] == "ขออภัย ตัวเลือกนี้หมดอายุแล้ว กรุณาพิมพ์คำถามอีกครั้ง"
    assert fake.loadings == []  # nothing was asked ("None" never becomes a question)


def test_line_asks_in_the_chat_conversation_and_offers_more(assistant, fake, state):
    """With a service that keeps conversations, LINE passes ``line:<chat id>`` and adds a
    "ดูต่อ" button when the answer has more pages."""
    seen = []

    class Conversing:
        def __init__(self, inner):
            self._inner = inner

        def __getattr__(self, name):
            return getattr(self._inner, name)

        def ask(self, question, office=None, *, conversation_id=None):
            seen.append((question, conversation_id))
            answer = self._inner.ask(question, office)
            answer.has_more = True
            return answer

    app = create_app(Conversing(assistant), line_config=LineConfig(SECRET, TOKEN, fake.url), state=state)
    with TestClient(app) as c:
        post(c, [text_event(f"บอท {Q_CM6}", source=GROUP), text_event(Q_CM6)])
        replies = fake.wait_replies(2)
    assert seen == [(Q_CM6, f"line:{GROUP['groupId']}"), (Q_CM6, f"line:{USER}")]
    first = [i["action"] for i in messages_of(replies[0])[-1]["quickReply"]["items"]][0]
    second = [i["action"] for i in messages_of(replies[1])[-1]["quickReply"]["items"]][0]
    assert first == {"type": "message", "label": "ดูต่อ", "text": "บอท ดูต่อ"}
    assert second == {"type": "message", "label": "ดูต่อ", "text": "ดูต่อ"}


# ---------------------------------------------------------------- durability


def test_acknowledged_events_survive_a_restart_and_are_answered_once(assistant, fake, tmp_path):
    """Events acknowledged by a server that dies before answering are answered by the
    next one; their redelivery after the restart is not answered again."""
    from assistant.stores.state import SqliteState

    path = tmp_path / "state.sqlite"
    events = [text_event(Q_CM6, token=f"tok-r{i}") for i in range(3)]
    first = create_app(assistant, line_config=LineConfig(SECRET, TOKEN, fake.url), state=SqliteState(path))
    bot = first.state.line_bot
    bot.start = lambda: None  # the process "dies" before any worker runs
    c1 = TestClient(first)  # no lifespan: nothing is processed
    assert all(post(c1, [ev]).status_code == 200 for ev in events)
    assert bot.pending() == 3 and fake.replies == []
    bot.state.close()
    del c1, first, bot

    second = create_app(assistant, line_config=LineConfig(SECRET, TOKEN, fake.url), state=SqliteState(path))
    with TestClient(second) as c2:  # start-up: its workers take the queue
        replies = fake.wait_replies(3)
        assert sorted(r["body"]["replyToken"] for r in replies) == ["tok-r0", "tok-r1", "tok-r2"]
        assert all("ร้อยละ 90" in messages_of(r)[0]["text"] for r in replies)
        again = [dict(ev, deliveryContext={"isRedelivery": True}) for ev in events]
        assert post(c2, again).status_code == 200
        time.sleep(0.5)
        assert len(fake.replies) == 3
        assert second.state.line_bot.pending() == 0


def test_line_api_timeout_is_bounded(assistant, state):
    """A LINE API that never answers costs at most timeout × (retries + 1) per call, on
    LINE's own threads: /api/ask keeps answering meanwhile."""
    import socket

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)  # accepts connections, never answers
    url = f"http://127.0.0.1:{silent.getsockname()[1]}"
    try:
        app = create_app(assistant, line_config=LineConfig(SECRET, TOKEN, url), state=state)
        bot = app.state.line_bot
        bot.rules = replace(bot.rules, timeout=0.3, retries=1, backoff=0.05)
        with TestClient(app) as c:
            post(c, [text_event(Q_CM6)])
            r = c.post("/api/ask", json={"question": Q_CM6})
            assert r.status_code == 200 and r.json()["values"][0]["value"] == "90"
            deadline = time.monotonic() + 20
            while bot.pending() and time.monotonic() < deadline:
                time.sleep(0.05)
            assert bot.pending() == 0  # given up after the retries, not stuck
    finally:
        silent.close()
