"""LINE Messaging API webhook (``POST /line/webhook``): the only module importing linebot.

Flow: verify ``X-Line-Signature`` (HMAC-SHA256 of the raw body with the channel secret,
base64) before anything else; parse the events with line-bot-sdk v3; answer 200 at once
and handle the events in the thread pool: a loading animation in one-to-one chats, then
one reply (≤ 5 messages, ≤ 5,000 characters each) with the answer, its citations as
short lines, and quick-reply buttons for clarify choices and follow-up questions.
Nothing acknowledged is lost: each event is written to the durable queue (the state
store, SQLite by default) *before* the 200, and LINE's own worker threads (not the web's)
process the queue, also what a killed process left behind. Event ids are the queue's
keys, so a redelivery (``deliveryContext.isRedelivery``) of an event already queued is
skipped, across restarts too.

In groups and rooms the bot answers only when it is mentioned (the text message's
``mention`` with ``isSelf``) or addressed with a prefix (settings.line_prefixes, e.g.
"บอท ..."); in one-to-one chats it answers everything. Events in ``standby`` mode (another
channel is active) are ignored. Postback data is validated (a JSON object of strings).
LINE API calls have a timeout (settings.line_timeout) and are retried on network errors,
429 and 5xx (settings.line_retries).

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
import inspect
import json
import logging
import os
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import urllib3
from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
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
from linebot.v3.messaging.exceptions import ApiException
from linebot.v3.webhook import WebhookParser
from linebot.v3.webhooks import (
    Event,
    FollowEvent,
    GroupSource,
    JoinEvent,
    MessageEvent,
    PostbackEvent,
    RoomSource,
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
CHANNEL = "line"  # the event queue's channel name
LEASE_SECONDS = 60  # an event claimed by a worker that died is retried after this
MAX_ATTEMPTS = 3
MORE = "ดูต่อ"  # the follow-up that asks for the next page of a long list

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


def addressed(items: list[QuickReplyItem], prefix: str | None) -> list[QuickReplyItem]:
    """In a group, message actions must address the bot too: their text gets the prefix."""
    if not prefix:
        return items
    out = []
    for it in items:
        a = it.action
        if isinstance(a, MessageAction) and len(a.text) + len(prefix) < MAX_ACTION_TEXT:
            it = QuickReplyItem(action=MessageAction(label=a.label, text=f"{prefix} {a.text}"))
        out.append(it)
    return out


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


def build_messages(answer_text: str, payload: dict | None = None, *, more: bool = False,
                   prefix: str | None = None) -> list[TextMessage]:
    """The reply: the answer split to fit LINE, citations as short lines under it,
    quick replies on the last message (``more``: first a "ดูต่อ" for the next page;
    ``prefix``: message actions address the bot, in groups); never more than 5 messages."""
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
    if more:
        items = [QuickReplyItem(action=MessageAction(label=MORE, text=MORE))] + items[: MAX_QUICK_REPLIES - 1]
    items = addressed(items, prefix)
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


@dataclass(frozen=True)
class LineRules:
    """How the bot behaves (from settings): group prefixes, API timeout and retries,
    worker threads, the longest question."""

    prefixes: tuple[str, ...] = ("บอท", "@บอท", "planqa", "@planqa")
    timeout: float = 5.0
    retries: int = 2
    threads: int = 1
    max_question: int = 2000
    max_pending: int = 256  # /readyz reports LINE saturated beyond this backlog
    backoff: float = 0.5
    poll: float = 1.0

    @classmethod
    def from_settings(cls, s) -> LineRules:
        return cls(tuple(s.line_prefixes), s.line_timeout, s.line_retries, s.line_threads, s.max_question_chars,
                   s.line_queue)


@dataclass
class Request_:
    """What an event asks the bot to do, after the group, standby and postback rules."""

    kind: str  # "ask", "propose", "help", "not_text", "expired"
    text: str = ""
    office: str | None = None
    notes: list = field(default_factory=list)


def event_id_of(raw: dict) -> str:
    eid = raw.get("webhookEventId")
    if isinstance(eid, str) and eid:
        return eid
    return "sha-" + hashlib.sha256(json.dumps(raw, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:32]


def conversation_of(source) -> str | None:
    """``line:<groupId|roomId|userId>``: one conversation per group, room or user."""
    for attr in ("group_id", "room_id", "user_id"):
        v = getattr(source, attr, None)
        if v:
            return f"line:{v}"
    return None


def in_group(source) -> bool:
    return isinstance(source, GroupSource | RoomSource)


def strip_prefix(text: str, prefixes: tuple[str, ...]) -> str | None:
    """The text after a prefix that addresses the bot ("บอท ค่าเป้าหมาย..."), else None.
    The prefix must be followed by a space, ":", "," or the end of the text."""
    t = text.lstrip()
    low = t.casefold()
    for p in sorted(prefixes, key=len, reverse=True):
        if low.startswith(p.casefold()):
            rest = t[len(p):]
            if not rest or rest[0].isspace() or rest[0] in ":：,，":
                return rest.lstrip(" \t\n:：,，")
    return None


def strip_mentions(message) -> str | None:
    """The text without the bot's own mention, if the message mentions the bot, else None."""
    mention = getattr(message, "mention", None)
    mentionees = getattr(mention, "mentionees", None) or []
    own = [m for m in mentionees if getattr(m, "is_self", False)]
    if not own:
        return None
    text = message.text
    for m in sorted(mentionees, key=lambda m: m.index, reverse=True):
        if getattr(m, "is_self", False) and 0 <= m.index <= len(text):
            text = text[: m.index] + " " + text[m.index + m.length:]
    return " ".join(text.split())


def postback_request(data: str, max_chars: int) -> Request_:
    """A postback our quick replies made: ``{"q": question, "o": office}`` or
    ``{"p": idea, "o": office}``, every value a string (anything else: "expired")."""
    try:
        d = json.loads(data)
    except (ValueError, TypeError, RecursionError):
        return Request_("expired")
    if not isinstance(d, dict):
        return Request_("expired")
    office = d.get("o")
    if office is not None and (not isinstance(office, str) or len(office) > 200):
        return Request_("expired")
    kind, key = ("propose", "p") if "p" in d else ("ask", "q")
    text = d.get(key)
    if not isinstance(text, str) or not text.strip() or len(text) > max_chars:
        return Request_("expired")
    return Request_(kind, text, office or None)


class LineBot:
    def __init__(self, get_assistant: Callable, config: LineConfig, drafts=None, *, state,
                 rules: LineRules | None = None):
        self.get_assistant = get_assistant
        self.config = config
        self.drafts = drafts  # where the server's /api/proposal/{id}.docx finds drafts
        self.state = state  # the durable queue (assistant.stores.protocols.StateStore)
        self.rules = rules or LineRules()
        self.parser = WebhookParser(config.channel_secret)
        self.client = ApiClient(Configuration(host=config.api_host, access_token=config.access_token))
        self.api = MessagingApi(self.client)
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._workers: list[threading.Thread] = []
        self._start_lock = threading.Lock()
        self.busy = 0

    # ------------------------------------------------------------ request
    def parse(self, body: bytes, signature: str | None) -> list[dict]:
        """The raw events of a signed, well-formed webhook body (ApiError otherwise)."""
        verify_signature(self.config.channel_secret, body, signature)
        try:
            text = body.decode("utf-8")
            self.parser.parse(text, signature.strip())  # validates every event
            raw = json.loads(text).get("events") or []
            if not isinstance(raw, list) or not all(isinstance(e, dict) for e in raw):
                raise ValueError("events is not a list of objects")
            return raw
        except InvalidSignatureError:  # pragma: no cover - checked above on the raw bytes
            raise server.ApiError("invalid_signature") from None
        except Exception as e:
            log.warning("malformed LINE webhook body: %s", e)
            raise server.ApiError("invalid_request", "ข้อมูล webhook ไม่ถูกต้อง",
                                  "Malformed webhook body.") from None

    def accept(self, body: bytes, signature: str | None) -> int:
        """Verify, then queue every new event durably (before the 200); the number queued."""
        queued = 0
        for raw in self.parse(body, signature):
            eid = event_id_of(raw)
            if self.state.enqueue(eid, CHANNEL, {"event": raw}):
                queued += 1
            else:
                redelivery = bool((raw.get("deliveryContext") or {}).get("isRedelivery"))
                log.info("LINE event %s already queued (redelivery=%s); skipped", eid, redelivery)
        if queued:
            self.start()
            self._wake.set()
        return queued

    def pending(self) -> int:
        return self.state.pending(CHANNEL)

    # ------------------------------------------------------------ workers
    def start(self) -> None:
        """Start the worker threads (idempotent): they process the queue, including what
        an earlier process acknowledged and never finished."""
        with self._start_lock:
            self._workers = [t for t in self._workers if t.is_alive()]
            if self._workers:
                return
            self._stop.clear()
            for n in range(max(1, self.rules.threads)):
                t = threading.Thread(target=self._work, name=f"planqa-line-{n}", daemon=True)
                t.start()
                self._workers.append(t)

    def stop(self, timeout: float = 10) -> None:
        self._stop.set()
        self._wake.set()
        for t in self._workers:
            t.join(timeout)
        self._workers = []

    def _work(self) -> None:
        while not self._stop.is_set():
            try:
                claimed = self.state.claim(CHANNEL, limit=1, lease_seconds=LEASE_SECONDS)
            except Exception:
                log.exception("LINE queue unavailable")
                claimed = []
            if not claimed:
                self._wake.wait(self.rules.poll)
                self._wake.clear()
                continue
            for q in claimed:
                self.process(q)

    def process(self, q) -> None:
        """Handle one queued event; done once handled (or after MAX_ATTEMPTS failures)."""
        self.busy += 1
        try:
            ev = Event.from_dict(q.payload["event"])
            self.handle(ev)
        except Exception:
            log.exception("LINE event %s failed (attempt %d)", q.event_id, q.attempts)
            if q.attempts < MAX_ATTEMPTS:
                return  # claimable again when its lease runs out
        finally:
            self.busy -= 1
        self.state.done(q.event_id)

    # ------------------------------------------------------------ events
    def request_of(self, ev) -> Request_ | None:
        """What to do with an event, or None to ignore it (standby; a group message
        not addressed to the bot)."""
        mode = getattr(ev, "mode", None)
        if str(getattr(mode, "value", mode)) == "standby":
            return None
        source = getattr(ev, "source", None)
        group = in_group(source)
        if isinstance(ev, MessageEvent):
            if not isinstance(ev.message, TextMessageContent):
                return None if group else Request_("not_text")
            text = ev.message.text
            if group:
                text = strip_mentions(ev.message)
                if text is None:
                    text = strip_prefix(ev.message.text, self.rules.prefixes)
                if text is None:
                    return None
                if not text.strip():
                    return Request_("help")
            idea = proposal_idea(text)
            return Request_("propose", idea, None) if idea is not None else Request_("ask", text, None)
        if isinstance(ev, PostbackEvent):
            return postback_request(getattr(ev.postback, "data", None), self.rules.max_question)
        if isinstance(ev, FollowEvent | JoinEvent):
            return Request_("help")
        return None

    def handle(self, ev) -> None:
        req = self.request_of(ev)
        if req is None:
            return
        token = getattr(ev, "reply_token", None)
        if req.kind == "help":
            self.reply(token, [TextMessage(text=HELP_TEXT)])
        elif req.kind == "not_text":
            self.reply(token, [TextMessage(text=NOT_TEXT + HELP_TEXT)])
        elif req.kind == "expired":
            self.reply(token, [TextMessage(text=EXPIRED_CHOICE)])
        elif req.kind == "propose":
            self.propose(ev, req.text, req.office)
        else:
            self.answer(ev, req.text, req.office)

    def loading(self, ev) -> None:
        if isinstance(ev.source, UserSource) and ev.source.user_id:
            try:
                self._call(self.api.show_loading_animation,
                           ShowLoadingAnimationRequest(chat_id=ev.source.user_id, loading_seconds=LOADING_SECONDS))
            except Exception as e:  # the answer matters more than the animation
                log.warning("LINE loading animation failed: %s", e)

    def _prefix(self, ev) -> str | None:
        return self.rules.prefixes[0] if in_group(getattr(ev, "source", None)) and self.rules.prefixes else None

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

    def ask(self, assistant, question: str, office: str | None, conversation_id: str | None):
        """``assistant.ask``, in the conversation when the service keeps conversations."""
        if conversation_id and "conversation_id" in inspect.signature(assistant.ask).parameters:
            return assistant.ask(question, office, conversation_id=conversation_id)
        return assistant.ask(question, office)

    def answer(self, ev, question: str, office: str | None) -> None:
        self.loading(ev)
        try:
            assistant = self.get_assistant()
            answer = self.ask(assistant, question, office, conversation_of(getattr(ev, "source", None)))
            payload = server.ask_payload(assistant, answer, office)
            from assistant.proposals.align import draft_request

            req = draft_request(answer, assistant.templates.t.get("align_head", ""), assistant.store.offices)
            if req and len(req) <= MAX_ACTION_TEXT:  # an alignment answer: one tap drafts it
                payload["followups"] = [{"label": "ร่างโครงการ", "question": req}, *payload["followups"]]
            messages = build_messages(answer.answer, payload, more=bool(getattr(answer, "has_more", False)),
                                      prefix=self._prefix(ev))
        except Exception:
            log.exception("answering a LINE question failed")
            messages = [TextMessage(text=FAILED)]
        self.reply(ev.reply_token, messages)

    def _call(self, fn, *args):
        """One LINE API call with a timeout, retried on network errors, 429 and 5xx."""
        for attempt in range(self.rules.retries + 1):
            try:
                return fn(*args, _request_timeout=self.rules.timeout)
            except ApiException as e:
                status = e.status or 0
                if attempt >= self.rules.retries or not (status == 429 or status >= 500):
                    raise
                log.warning("LINE API %s (attempt %d); retrying", status, attempt + 1)
            except (urllib3.exceptions.HTTPError, OSError) as e:  # timeouts, refused connections
                if attempt >= self.rules.retries:
                    raise
                log.warning("LINE API unreachable (%s, attempt %d); retrying", type(e).__name__, attempt + 1)
            time.sleep(self.rules.backoff * (2 ** attempt))
        return None  # pragma: no cover - the loop returns or raises

    def reply(self, token: str | None, messages: list[TextMessage]) -> None:
        if not token:
            return
        try:
            self._call(self.api.reply_message, ReplyMessageRequest(reply_token=token, messages=messages[:MAX_MESSAGES]))
        except Exception as e:
            log.warning("LINE reply failed: %s", e)


def install(app: FastAPI, get_assistant: Callable, config: LineConfig, *, state=None) -> LineBot | None:
    """Add ``POST /line/webhook`` to ``app``; answers 503 when LINE is not configured.
    ``state`` (the durable queue) defaults to the settings' state store (SqliteState at
    settings.state_path, PostgreSQL when PLANQA_DATABASE_URL is set)."""
    bot = None
    if config.enabled:
        from assistant import settings

        s = settings.get()
        if state is None:  # PostgreSQL when PLANQA_DATABASE_URL is set: one queue for every worker
            from assistant.stores.backends import open_state

            state = open_state(s)
        bot = LineBot(get_assistant, config, getattr(app.state, "proposal_drafts", None), state=state,
                      rules=LineRules.from_settings(s))
    app.state.line_bot = bot
    if bot is None:
        log.warning(ENABLE_HINT)

    @app.post("/line/webhook", tags=["line"], summary="LINE Messaging API webhook")
    async def line_webhook(request: Request):
        """Verifies X-Line-Signature, stores the events in the durable queue, replies 200;
        LINE's worker threads answer them with the reply API."""
        if bot is None:
            log.warning(ENABLE_HINT)
            return server.error_response("line_disabled")
        body = await request.body()
        await run_in_threadpool(bot.accept, body, request.headers.get("x-line-signature"))
        return JSONResponse({"status": "ok"})

    return bot
