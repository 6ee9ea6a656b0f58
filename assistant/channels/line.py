"""LINE Messaging API webhook (``POST /line/webhook``): the only module importing linebot.

Flow: verify ``X-Line-Signature`` (HMAC-SHA256 of the raw body with the channel secret,
base64) before anything else; parse the events with line-bot-sdk v3; answer 200 at once
and handle the events in the thread pool: a loading animation in one-to-one chats, then
one reply (≤ 5 messages, ≤ 5,000 characters each) with the answer, its citations as
short lines, and quick-reply buttons for clarify choices and follow-up questions.
Events are answered once: recent ``webhookEventId``s are remembered, so a redelivery
(``deliveryContext.isRedelivery``) of an event already handled is skipped.

"ร่างโครงการ: <idea>" (or "ร่างโครงการ <idea>", full-width colon too) aligns the idea with
the office's plan and replies with the top strategies and their citations; when
PLANQA_PUBLIC_URL (the server's public base URL) is set, the draft is built, kept with
the web page's drafts, and the reply links to its .docx. Without an office in the idea
the reply asks for one with quick-reply buttons.

Configuration (environment): LINE_CHANNEL_SECRET, LINE_CHANNEL_ACCESS_TOKEN, and
LINE_API_HOST (Messaging API base URL; default https://api.line.me), PLANQA_PUBLIC_URL
(optional, e.g. https://planqa.example.go.th, for draft links). Without the first two
the endpoint answers 503.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import BackgroundTasks, FastAPI, Request
from fastapi.responses import JSONResponse
from linebot.v3.exceptions import InvalidSignatureError
from linebot.v3.messaging import (
    ApiClient,
    Configuration,
    MessageAction,
    MessagingApi,
    PostbackAction,
    QuickReply,
    QuickReplyItem,
    ReplyMessageRequest,
    ShowLoadingAnimationRequest,
    TextMessage,
)
from linebot.v3.webhook import WebhookParser
from linebot.v3.webhooks import (
    FollowEvent,
    JoinEvent,
    MessageEvent,
    PostbackEvent,
    TextMessageContent,
    UserSource,
)

from assistant.channels.http import app as server
from assistant.errors import PlanQAError

log = logging.getLogger("planqa.line")

DEFAULT_API_HOST = "https://api.line.me"
MAX_MESSAGES = 5
MAX_TEXT = 5000  # characters (UTF-16 code units) per text message
MAX_QUICK_REPLIES = 13
MAX_LABEL = 20
MAX_ACTION_TEXT = 300
MAX_POSTBACK_DATA = 300
MAX_CITATION_LINES = 8
LOADING_SECONDS = 20
REMEMBER_EVENTS = 10_000

HELP_TEXT = (
    "สวัสดีครับ ผู้ช่วยนี้ตอบคำถามเกี่ยวกับแผนพัฒนาการศึกษาของสำนักงานเขตพื้นที่การศึกษา "
    "พร้อมอ้างอิงเอกสาร กรุณาพิมพ์คำถามเป็นข้อความ เช่น\n"
    "• ค่าเป้าหมายตัวชี้วัดที่ 1 กลยุทธ์ที่ 1 ปี 2568 ของ สพป.เชียงใหม่ เขต 6\n"
    "• วิสัยทัศน์ของ สพป.ตรัง เขต 2\n"
    "• แนวทางการพัฒนา นโยบายที่ 2 ของ สพม.ลำปาง ลำพูน\n"
    "ร่างโครงการให้สอดคล้องกับแผน พิมพ์ เช่น\n"
    "• ร่างโครงการ: ซ้อมอพยพหนีไฟ สพม.ลำปาง ลำพูน"
)
NOT_TEXT = "ขออภัย ตอนนี้ผู้ช่วยอ่านได้เฉพาะข้อความ (ยังอ่านรูปภาพ สติกเกอร์ ไฟล์ หรือเสียงไม่ได้)\n\n"
EXPIRED_CHOICE = "ขออภัย ตัวเลือกนี้หมดอายุแล้ว กรุณาพิมพ์คำถามอีกครั้ง"
FAILED = "ขออภัย ระบบขัดข้องชั่วคราว ตอบคำถามนี้ไม่ได้ กรุณาลองใหม่อีกครั้ง"
PROPOSAL_RE = re.compile(r"^\s*ร่าง\s?โครงการ(?:\s*[:：]|\s+|$)\s*(.*)$", re.S)
PROPOSAL_HELP = ("พิมพ์แนวคิดโครงการต่อจากคำว่า ร่างโครงการ: พร้อมชื่อหน่วยงาน เช่น\n"
                 "ร่างโครงการ: ซ้อมอพยพหนีไฟ สพม.ลำปาง ลำพูน")
PROPOSAL_OFFICE = ("จะร่างโครงการ \"{idea}\" ให้สอดคล้องกับแผนของหน่วยงานใด? เลือกด้านล่าง "
                   "หรือพิมพ์ใหม่พร้อมชื่อหน่วยงาน เช่น ร่างโครงการ: {idea} สพม.ลำปาง ลำพูน")
PROPOSAL_OTHERS = "ข้อที่สอดคล้องรองลงมา:"
PROPOSAL_LINK = ("ร่างโครงการ ปีงบประมาณ {year} (Word .docx) ดาวน์โหลดได้ที่\n{docx}\n"
                 "(ลิงก์ใช้ได้ชั่วคราว; ช่อง [กรอก: ...] ให้ผู้เขียนโครงการเติมเอง)")
PROPOSAL_NO_LINK = ("ดาวน์โหลดร่างโครงการฉบับเต็ม (Word .docx) ได้ที่หน้าเว็บของระบบ แท็บ \"ร่างโครงการ\" "
                    "พิมพ์แนวคิดเดียวกัน เลือกหน่วยงานและปีงบประมาณ แล้วกรอกช่องที่เหลือได้ในหน้าเว็บ")
ENABLE_HINT = ("LINE webhook disabled: set LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN "
               "(LINE Developers console > Messaging API channel) and restart; then set the "
               "webhook URL to https://<your-host>/line/webhook")


@dataclass(frozen=True)
class LineConfig:
    channel_secret: str | None = None
    access_token: str | None = None
    api_host: str = DEFAULT_API_HOST

    @property
    def enabled(self) -> bool:
        return bool(self.channel_secret and self.access_token)

    @classmethod
    def from_env(cls) -> LineConfig:
        env = os.environ
        return cls(env.get("LINE_CHANNEL_SECRET") or None, env.get("LINE_CHANNEL_ACCESS_TOKEN") or None,
                   (env.get("LINE_API_HOST") or DEFAULT_API_HOST).rstrip("/"))


def signature_of(secret: str, body: bytes) -> str:
    return base64.b64encode(hmac.new(secret.encode("utf-8"), body, hashlib.sha256).digest()).decode("ascii")


def verify_signature(secret: str, body: bytes, signature: str | None) -> None:
    """Raise ApiError unless ``signature`` is the body's HMAC-SHA256 (base64)."""
    if not signature:
        raise server.ApiError("missing_signature")
    if not hmac.compare_digest(signature.strip().encode("ascii", "replace"),
                               signature_of(secret, body).encode("ascii")):
        raise server.ApiError("invalid_signature")


# ---------------------------------------------------------------- message building


def text_len(text: str) -> int:
    """Length as LINE counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def _cut(text: str, limit: int) -> int:
    """The largest prefix length (in characters) whose UTF-16 length is ≤ limit."""
    n = 0
    for i, ch in enumerate(text):
        n += 2 if ord(ch) > 0xFFFF else 1
        if n > limit:
            return i
    return len(text)


_SENTENCE_END = re.compile(r"(?<=[.!?。…”\"')\]])\s+|\s{2,}|(?<=\S)\s(?=[-•\d])")


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Split into pieces of at most ``limit`` (UTF-16) at line breaks, else at sentence
    ends or spaces, and only as a last resort mid-word."""
    pieces: list[str] = []
    rest = text.strip("\n")
    while rest:
        if text_len(rest) <= limit:
            pieces.append(rest)
            break
        cut = _cut(rest, limit)
        window = rest[:cut]
        at = window.rfind("\n")
        if at < cut // 3:
            ends = [m.end() for m in _SENTENCE_END.finditer(window)]
            at = ends[-1] if ends and ends[-1] >= cut // 3 else window.rfind(" ")
        if at < cut // 3:
            at = cut
        pieces.append(rest[:at].rstrip())
        rest = rest[at:].lstrip("\n ")
    return [p for p in pieces if p]


def label(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"


def citation_lines(payload: dict) -> list[str]:
    labels: list[str] = []
    for s in payload.get("spans", []):
        if s["label"] not in labels:
            labels.append(s["label"])
    lines = [f"[{i}] {lab}" for i, lab in enumerate(labels[:MAX_CITATION_LINES], 1)]
    if len(labels) > MAX_CITATION_LINES:
        lines.append(f"…และอีก {len(labels) - MAX_CITATION_LINES} แหล่ง")
    return lines


def quick_reply_items(payload: dict) -> list[QuickReplyItem]:
    """Clarify choices as postbacks (the tap shows the choice, the data carries the
    question), then follow-up questions as message actions; at most 13."""
    items = []
    for req in payload.get("choice_requests", []):
        data = json.dumps({"q": req["question"], "o": req["office"]}, ensure_ascii=False, separators=(",", ":"))
        if len(data) <= MAX_POSTBACK_DATA:
            action = PostbackAction(label=label(req["label"]), data=data, display_text=req["label"][:MAX_ACTION_TEXT])
        else:
            action = MessageAction(label=label(req["label"]), text=req["label"][:MAX_ACTION_TEXT])
        items.append(QuickReplyItem(action=action))
    for f in payload.get("followups", []):
        if len(f["question"]) <= MAX_ACTION_TEXT:
            items.append(QuickReplyItem(action=MessageAction(label=label(f["label"]), text=f["question"])))
    return items[:MAX_QUICK_REPLIES]


def public_url() -> str | None:
    """PLANQA_PUBLIC_URL without a trailing slash, if it is an http(s) URL."""
    url = (os.environ.get("PLANQA_PUBLIC_URL") or "").strip().rstrip("/")
    if url and not re.match(r"https?://[^\s/]+", url):
        log.warning("PLANQA_PUBLIC_URL %r is not an http(s) URL; draft links are off", url)
        return None
    return url or None


def proposal_idea(text: str) -> str | None:
    """The idea of a "ร่างโครงการ: ..." message ("" when it has none), else None."""
    m = PROPOSAL_RE.match(text or "")
    return " ".join(m.group(1).split()) if m else None


def build_messages(answer_text: str, payload: dict | None = None) -> list[TextMessage]:
    """The reply: the answer split to fit LINE, citations as short lines under it,
    quick replies on the last message; never more than 5 messages."""
    payload = payload or {}
    lines = citation_lines(payload)
    body = answer_text.strip() or "-"
    full = body + ("\n\nอ้างอิง:\n" + "\n".join(lines) if lines else "")
    pieces = split_text(full)
    if len(pieces) > MAX_MESSAGES:
        pieces = pieces[:MAX_MESSAGES]
        note = "\n…(ข้อความยาวเกินกว่าที่ LINE แสดงได้ ดูคำตอบเต็มได้ที่หน้าเว็บ)"
        last = pieces[-1]
        pieces[-1] = last[: _cut(last, MAX_TEXT - text_len(note))] + note
    items = quick_reply_items(payload)
    messages = []
    for i, p in enumerate(pieces):
        qr = QuickReply(items=items) if items and i == len(pieces) - 1 else None
        messages.append(TextMessage(text=p, quick_reply=qr))
    return messages


# ---------------------------------------------------------------- proposals


def _office_choices(assistant, idea: str) -> list[QuickReplyItem]:
    items = []
    for o in assistant.offices():
        data = json.dumps({"p": idea, "o": o.id}, ensure_ascii=False, separators=(",", ":"))
        text = f"ร่างโครงการ: {idea} {o.short}"
        if len(data) <= MAX_POSTBACK_DATA:
            action = PostbackAction(label=label(o.short), data=data, display_text=o.short)
        elif len(text) <= MAX_ACTION_TEXT:
            action = MessageAction(label=label(o.short), text=text)
        else:
            continue
        items.append(QuickReplyItem(action=action))
    return items[:MAX_QUICK_REPLIES]


def proposal_messages(assistant, idea: str, office: str | None, drafts, base_url: str | None) -> list[TextMessage]:
    """The reply to "ร่างโครงการ: <idea>": the best strategy with its best guideline and
    indicator (the plan's target for the draft's year), the next strategies, the draft's
    .docx link (``base_url`` set: the draft is built and put in ``drafts``) or where to
    get it, and the citations as short lines."""
    from assistant.proposals.align import strength_of
    from assistant.proposals.draft import build_proposal, get_aligner, summary_text

    if office is None:
        try:
            q = assistant.understand(idea)
        except PlanQAError as e:
            return [TextMessage(text=e.message)]
        if len({m.office.id for m in (q.corpus_offices or q.outside_offices)}) != 1:
            items = _office_choices(assistant, idea)
            return [TextMessage(text=PROPOSAL_OFFICE.format(idea=idea[:200]),
                                quick_reply=QuickReply(items=items) if items else None)]
    aligner = get_aligner(assistant)
    try:
        al = aligner.align(idea, office)
    except PlanQAError as e:  # unknown office, an office without a plan
        return [TextMessage(text=e.message)]
    T = aligner.T
    draft = None
    if al.fits and base_url and drafts is not None:
        draft = build_proposal(al, aligner)
        drafts.put(draft)
    year = draft.fiscal_year if draft else None
    labels: list[str] = []

    def cite(c) -> None:
        lab = server.citation_label(assistant, c)
        if lab not in labels:
            labels.append(lab)

    lines = [summary_text(al, T, year)]
    first = al.strategies[0] if al.fits and al.strategies else None
    if first:
        cite(first.citation)
        for f in first.guidelines[:1] + first.indicators[:1]:
            cite(f.citation)
    others = [sf for sf in al.strategies if sf is not first]
    if others:
        lines += ["", PROPOSAL_OTHERS if first else T("align_closest")]
        for n, sf in enumerate(others, 2 if first else 1):
            strength = strength_of(sf, T)
            lines.append(T("align_strategy", n=n, kind=sf.kind, number=sf.number, title=sf.title,
                           strength=strength).strip())
            cite(sf.citation)
    if first:
        lines.append("")
        if draft:
            lines.append(PROPOSAL_LINK.format(year=draft.fiscal_year,
                                              docx=f"{base_url}{server.draft_links(draft)['docx']}"))
        else:
            lines.append(PROPOSAL_NO_LINK)
    return build_messages("\n".join(lines), {"spans": [{"label": lab} for lab in labels]})


# ---------------------------------------------------------------- the bot


class LineBot:
    def __init__(self, get_assistant: Callable, config: LineConfig, drafts=None):
        self.get_assistant = get_assistant
        self.config = config
        self.drafts = drafts  # where the server's /api/proposal/{id}.docx finds drafts
        self.parser = WebhookParser(config.channel_secret)
        self.client = ApiClient(Configuration(host=config.api_host, access_token=config.access_token))
        self.api = MessagingApi(self.client)
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._seen_lock = threading.Lock()

    # ------------------------------------------------------------ request
    def parse(self, body: bytes, signature: str | None) -> list:
        verify_signature(self.config.channel_secret, body, signature)
        try:
            text = body.decode("utf-8")
            return self.parser.parse(text, signature.strip())
        except InvalidSignatureError:  # pragma: no cover - checked above on the raw bytes
            raise server.ApiError("invalid_signature") from None
        except Exception as e:
            log.warning("malformed LINE webhook body: %s", e)
            raise server.ApiError("invalid_request", "ข้อมูล webhook ไม่ถูกต้อง",
                                  "Malformed webhook body.") from None

    def first_time(self, event_id: str | None) -> bool:
        """True the first time an event id is seen (remembers the last 10,000)."""
        if not event_id:
            return True
        with self._seen_lock:
            if event_id in self._seen:
                return False
            self._seen[event_id] = None
            while len(self._seen) > REMEMBER_EVENTS:
                self._seen.popitem(last=False)
            return True

    # ------------------------------------------------------------ events
    def handle_events(self, events: list) -> None:
        for ev in events:
            try:
                self.handle(ev)
            except Exception:
                log.exception("LINE event %s failed", getattr(ev, "webhook_event_id", "?"))

    def handle(self, ev) -> None:
        event_id = getattr(ev, "webhook_event_id", None)
        redelivery = bool(getattr(getattr(ev, "delivery_context", None), "is_redelivery", False))
        if not self.first_time(event_id):
            log.info("LINE event %s already handled (redelivery=%s); skipped", event_id, redelivery)
            return
        token = getattr(ev, "reply_token", None)
        if isinstance(ev, MessageEvent):
            if isinstance(ev.message, TextMessageContent):
                idea = proposal_idea(ev.message.text)
                if idea is not None:
                    self.propose(ev, idea, None)
                else:
                    self.answer(ev, ev.message.text, None)
            else:
                self.reply(token, [TextMessage(text=NOT_TEXT + HELP_TEXT)])
        elif isinstance(ev, PostbackEvent):
            try:
                data = json.loads(ev.postback.data)
                office = data.get("o")
                if "p" in data:  # an office chosen for a proposal idea
                    self.propose(ev, str(data["p"]), office)
                    return
                question = str(data["q"])
            except (ValueError, KeyError, TypeError, AttributeError):
                self.reply(token, [TextMessage(text=EXPIRED_CHOICE)])
                return
            self.answer(ev, question, office)
        elif isinstance(ev, FollowEvent | JoinEvent):
            self.reply(token, [TextMessage(text=HELP_TEXT)])

    def loading(self, ev) -> None:
        if isinstance(ev.source, UserSource) and ev.source.user_id:
            try:
                self.api.show_loading_animation(
                    ShowLoadingAnimationRequest(chat_id=ev.source.user_id, loading_seconds=LOADING_SECONDS))
            except Exception as e:  # the answer matters more than the animation
                log.warning("LINE loading animation failed: %s", e)

    def propose(self, ev, idea: str, office: str | None) -> None:
        if not idea:
            self.reply(ev.reply_token, [TextMessage(text=PROPOSAL_HELP)])
            return
        self.loading(ev)
        try:
            messages = proposal_messages(self.get_assistant(), idea, office, self.drafts, public_url())
        except Exception:
            log.exception("drafting a LINE proposal failed")
            messages = [TextMessage(text=FAILED)]
        self.reply(ev.reply_token, messages)

    def answer(self, ev, question: str, office: str | None) -> None:
        self.loading(ev)
        try:
            assistant = self.get_assistant()
            answer = assistant.ask(question, office)
            payload = server.ask_payload(assistant, answer, office)
            from assistant.proposals.align import draft_request

            req = draft_request(answer, assistant.templates.t.get("align_head", ""), assistant.store.offices)
            if req and len(req) <= MAX_ACTION_TEXT:  # an alignment answer: one tap drafts it
                payload["followups"] = [{"label": "ร่างโครงการ", "question": req}, *payload["followups"]]
            messages = build_messages(answer.answer, payload)
        except Exception:
            log.exception("answering a LINE question failed")
            messages = [TextMessage(text=FAILED)]
        self.reply(ev.reply_token, messages)

    def reply(self, token: str | None, messages: list[TextMessage]) -> None:
        if not token:
            return
        try:
            self.api.reply_message(ReplyMessageRequest(reply_token=token, messages=messages[:MAX_MESSAGES]))
        except Exception as e:
            log.warning("LINE reply failed: %s", e)


def install(app: FastAPI, get_assistant: Callable, config: LineConfig) -> LineBot | None:
    """Add ``POST /line/webhook`` to ``app``; answers 503 when LINE is not configured."""
    bot = LineBot(get_assistant, config, getattr(app.state, "proposal_drafts", None)) if config.enabled else None
    app.state.line_bot = bot
    if bot is None:
        log.warning(ENABLE_HINT)

    @app.post("/line/webhook", tags=["line"], summary="LINE Messaging API webhook")
    async def line_webhook(request: Request, background: BackgroundTasks):
        """Verifies X-Line-Signature, replies 200 at once and answers the events in the
        background with the reply API."""
        if bot is None:
            log.warning(ENABLE_HINT)
            return server.error_response("line_disabled")
        body = await request.body()
        events = bot.parse(body, request.headers.get("x-line-signature"))
        if events:  # answered after the 200, on the answer threads (shared with /api/ask)
            background.add_task(server.answer_in_thread, app, bot.handle_events, events)
        return JSONResponse({"status": "ok"})

    return bot
